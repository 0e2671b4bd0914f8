"""The configuration: one typed, frozen, validated model, loaded in one place.

`load()` reads the YAML file, applies the environment overrides (`TRACKER_CONFIG`,
`TRACKER_DATABASE_URL`), resolves relative paths against the file's folder and turns any problem
into a `ConfigError` that names the key: `config.yaml: alerts.email.port: expected an integer,
got 'abc'`. Secrets never live in the file: it names the environment variables that hold them.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    ValidationError,
    field_validator,
    model_serializer,
    model_validator,
)

from tracker import __version__
from tracker.configfile import describe, read_yaml
from tracker.errors import ConfigError
from tracker.origins import Origins, check_secret_url, check_url, entry_origins

DEFAULT_SOURCES = (
    "https://ustr.gov/issue-areas/intellectual-property/notorious-markets-list",
    "https://ustr.gov/about-us/policy-offices/press-office/press-releases",
    "https://ustr.gov/about/policy-offices/press-office/press-releases",
    "https://ustr.gov/issue-areas/intellectual-property/special-301",
)
USER_AGENT = f"nml-tracker/{__version__} (+https://github.com/nml-tracker/nml-tracker)"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class HttpConfig(_Model):
    user_agent: str = USER_AGENT
    timeout_s: float = Field(30, gt=0)
    retries: int = Field(3, ge=0, le=10)
    max_download_mb: float = Field(60, gt=0)
    allowed_hosts: tuple[str, ...] = ("ustr.gov", "www.ustr.gov", "www.federalregister.gov")

    @field_validator("allowed_hosts")
    @classmethod
    def _lower(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for entry in value:
            entry_origins(entry)  # a host, or scheme://host[:port]
        return tuple(h.strip().lower().rstrip("/") for h in value)

    min_delay_s: float = Field(2.0, ge=0)  # between two requests to the same host
    max_listing_pages: int = Field(3, ge=1)  # pages of a paginated press listing to read
    backoff_s: float = Field(2.0, ge=0)  # first retry delay, doubled each time


class DiscoveryConfig(_Model):
    """Bounds on one check's discovery (tracker.crawl): its time, and how many report links it
    may fetch that were never seen; more is an operator alert, not a download storm."""

    max_new_reports: int = Field(3, ge=1)  # per check, on a history that has reports
    max_backfill_reports: int = Field(40, ge=1)  # per baseline or backfill
    deadline_s: float = Field(120, gt=0)  # reading and parsing pages; the rest waits


class ScheduleConfig(_Model):
    cron: str = "0 7 * * *"
    timezone: str = "America/New_York"
    run_on_start: bool = False
    misfire_grace_s: int = Field(6 * 3600, ge=1)
    jitter_s: int = Field(0, ge=0)
    retry_alerts_s: int = Field(900, ge=10)  # how often pending alerts are retried

    @field_validator("cron")
    @classmethod
    def _five_fields(cls, value: str) -> str:
        if len(value.split()) != 5:
            raise ValueError(
                f"expected five cron fields (minute hour day month weekday), got {value!r}"
            )
        from apscheduler.triggers.cron import CronTrigger

        try:
            CronTrigger.from_crontab(value)
        except ValueError as exc:
            raise ValueError(f"not a valid cron expression {value!r}: {exc}") from None
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value


class Watch(_Model):
    """What a recipient follows. `markets` are names as printed or market ids, checked against
    the history when a command opens the store (tracker.watching); the rest is checked here."""

    countries: tuple[str, ...] = ()
    kinds: tuple[Literal["online", "physical"], ...] = ()
    markets: tuple[str, ...] = ()
    operators: tuple[str, ...] = ()

    @field_validator("countries")
    @classmethod
    def _known_countries(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        from tracker.countries import known_country

        out = []
        for name in value:
            known = known_country(name)
            if known is None:
                raise ValueError(f"unknown country, got {name!r}")
            out.append(known)
        return tuple(out)

    @field_validator("markets", "operators")
    @classmethod
    def _not_blank(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if any(not v.strip() for v in value):
            raise ValueError("an empty name")
        return tuple(v.strip() for v in value)

    @property
    def empty(self) -> bool:
        return not (self.countries or self.kinds or self.markets or self.operators)


class Recipient(_Model):
    """A digest recipient: an address, with what it watches. Written in the file as a bare
    address, or as a mapping `{address, watch, only_watched}`."""

    address: str
    watch: Watch = Watch()
    only_watched: bool = False  # only what the watchlist matches, instead of the full digest

    @model_serializer(mode="wrap")
    def _as_written(self, handler: SerializerFunctionWrapHandler) -> Any:
        if self.watch.empty and not self.only_watched:
            return self.address  # a bare address prints as one
        return handler(self)


class EmailConfig(_Model):
    host: str | None = None
    port: int = Field(25, ge=1, le=65535)
    security: Literal["none", "starttls", "ssl"] = "none"
    username: str | None = None
    password_env: str = "SMTP_PASSWORD"
    sender: str = "nml-tracker@localhost"
    recipients: tuple[Recipient, ...] = ()
    timeout_s: float = Field(30, gt=0)
    tls_ca_file: str | None = None  # trust this CA bundle (a private mail server's certificate)

    @field_validator("recipients", mode="before")
    @classmethod
    def _addresses(cls, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return [{"address": v} if isinstance(v, str) else v for v in value]
        return value

    @property
    def addresses(self) -> list[str]:
        return [r.address for r in self.recipients]

    @property
    def watching(self) -> list[Recipient]:
        """The recipients with a watchlist."""
        return [r for r in self.recipients if not r.watch.empty]


class WebhookConfig(_Model):
    url: str

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        return check_secret_url(value)


class AlertsConfig(_Model):
    email: EmailConfig = EmailConfig()
    operators: tuple[str, ...] = ()
    webhooks: tuple[WebhookConfig, ...] = ()
    apprise: tuple[str, ...] = ()
    templates_dir: Path | None = None
    failures_before_alert: int = Field(3, ge=1)
    hold_unverified: bool = True  # a doubtful report's digest waits for `review YEAR --approve`


class ExtractionConfig(_Model):
    timeout_s: float = Field(300, gt=0)
    memory_mb: int = Field(1024, ge=64)


class IdentityConfig(_Model):
    knowledge: Path | None = None  # a table of curated identities extending the shipped one


class HttpStatusConfig(_Model):
    port: int | None = Field(None, ge=1, le=65535)
    host: str = "127.0.0.1"
    serve_report: bool = False  # also serve the report site (report.out_dir) under /report/


class ReportConfig(_Model):
    """The static report site (`report --out DIR`, rebuilt by the daemon when out_dir is set)."""

    out_dir: Path | None = None
    base_url: str | None = None  # where the site is published: makes the feed's links absolute
    refresh_s: int = Field(60, ge=1)  # how often the daemon looks for changes made elsewhere

    @field_validator("base_url")
    @classmethod
    def _absolute(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://[^/\s]+", value):
            raise ValueError(f"expected an absolute http(s) URL, got {value!r}")
        return value if value is None or value.endswith("/") else value + "/"


class FederalRegisterConfig(_Model):
    """The Federal Register's documents API, asked for USTR's comment requests (tracker.fedreg)."""

    enabled: bool = True
    api_url: str = "https://www.federalregister.gov/api/v1"
    reminder_days: int = Field(7, ge=0, le=90)  # a reminder this many days before each deadline

    @field_validator("api_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not re.match(r"^https?://[^/\s]+", value):
            raise ValueError(f"expected an http(s) URL, got {value!r}")
        return value.rstrip("/")


class Config(_Model):
    state_dir: Path = Path("state")
    database_url: str = "sqlite:///state/tracker.db"
    sources: tuple[Annotated[str, AfterValidator(check_url)], ...] = DEFAULT_SOURCES
    http: HttpConfig = HttpConfig()
    discovery: DiscoveryConfig = DiscoveryConfig()
    schedule: ScheduleConfig = ScheduleConfig()
    alerts: AlertsConfig = AlertsConfig()
    aliases: dict[str, str] = {}
    identity: IdentityConfig = IdentityConfig()
    extraction: ExtractionConfig = ExtractionConfig()
    http_status: HttpStatusConfig = HttpStatusConfig()
    report: ReportConfig = ReportConfig()
    federal_register: FederalRegisterConfig = FederalRegisterConfig()

    @property
    def origins(self) -> Origins:
        """Where fetching may go (tracker.origins): the seed pages' origins, the Federal
        Register API's when its host is allowed, and `http.allowed_hosts`."""
        hosts = Origins.of(self.http.allowed_hosts).hosts
        api = self.federal_register.api_url
        extra = [api] if (urlsplit(api).hostname or "").lower() in hosts else []
        return Origins.of(self.http.allowed_hosts, [*self.sources, *extra])

    @model_validator(mode="after")
    def _report_to_serve(self) -> Config:
        if self.http_status.serve_report and self.report.out_dir is None:
            raise ValueError("http_status.serve_report needs report.out_dir (the site to serve)")
        return self

    @property
    def reports_dir(self) -> Path:
        return self.state_dir / "reports"


def load(path: str | Path | None = None) -> Config:
    """Load the configuration: `path`, else $TRACKER_CONFIG, else ./config.yaml if it exists,
    else the defaults (relative paths then resolve against the current folder)."""
    explicit = path is not None or bool(os.environ.get("TRACKER_CONFIG"))
    file = Path(path or os.environ.get("TRACKER_CONFIG") or "config.yaml")
    label = str(path or os.environ.get("TRACKER_CONFIG") or "config.yaml")
    raw: Any = {}
    if file.is_file():
        raw = read_yaml(file, label) or {}
        if not isinstance(raw, dict):
            raise ConfigError(f"{label}: expected a mapping of keys at the top level")
    elif explicit:
        raise ConfigError(f"{label}: no such configuration file")
    if url := os.environ.get("TRACKER_DATABASE_URL"):
        raw = {**raw, "database_url": url}
    try:
        config = Config.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(describe(label, exc, Config)) from None
    base = file.resolve().parent if file.is_file() else Path.cwd()
    resolved = _resolve(config, base)
    _folders_possible(label, resolved)
    return resolved


def _folders_possible(label: str, config: Config) -> None:
    """state_dir (and a SQLite file's folder) must be folders or creatable as folders: a path
    under a regular file is a configuration error, not an `unexpected error` later."""
    m = re.match(r"^sqlite(?:\+\w+)?:///(.+)$", config.database_url)
    paths = [("state_dir", config.state_dir)]
    if m and m.group(1) != ":memory:":
        paths.append(("database_url", Path(m.group(1)).parent))
    for key, path in paths:
        for folder in (path, *path.parents):
            if folder.exists():
                if not folder.is_dir():
                    raise ConfigError(
                        f"{label}: {key}: {path} is under {folder}, a file, not a folder"
                    )
                break


def _resolve(config: Config, base: Path) -> Config:
    templates = config.alerts.templates_dir
    knowledge = config.identity.knowledge
    out_dir = config.report.out_dir
    return config.model_copy(
        update={
            "identity": config.identity.model_copy(
                update={"knowledge": base / knowledge if knowledge else None}
            ),
            "state_dir": base / config.state_dir,
            "report": config.report.model_copy(
                update={"out_dir": base / out_dir if out_dir else None}
            ),
            "database_url": _resolve_sqlite(config.database_url, base),
            "alerts": config.alerts.model_copy(
                update={"templates_dir": base / templates if templates else None}
            ),
        }
    )


def _resolve_sqlite(url: str, base: Path) -> str:
    m = re.match(r"^(sqlite(?:\+\w+)?:///)(?!/)(.+)$", url)
    if m and m.group(2) != ":memory:":
        return f"{m.group(1)}{base / m.group(2)}"
    return url
