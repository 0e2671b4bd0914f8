"""Where the tracker may go: origins (scheme, host, port), every configured URL checked at load."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tracker.config import Config, load
from tracker.discover import parse_page
from tracker.errors import ConfigError, SourceError
from tracker.fetch import Fetcher
from tracker.origins import Origins

from .clirun import cli
from .ustr_site import Site

TOKEN = "T000/B000/XyZsecretToken123"


def _write(tmp_path: Path, doc: dict[str, Any]) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("doc", "key"),
    [
        ({"alerts": {"webhooks": [{"url": f"hooks.slack.com/services/{TOKEN}"}]}}, "url"),
        ({"alerts": {"webhooks": [{"url": f"ftp://hooks.slack.com/{TOKEN}"}]}}, "url"),
        ({"sources": ["ustr.gov/issue-areas"]}, "sources.0"),
        ({"sources": ["javascript:alert(1)"]}, "sources.0"),
        ({"http": {"allowed_hosts": ["ustr.gov/path"]}}, "http.allowed_hosts"),
        ({"http": {"allowed_hosts": ["ftp://ustr.gov"]}}, "http.allowed_hosts"),
    ],
)
def test_a_bad_url_is_a_config_error_naming_the_key(
    tmp_path: Path, doc: dict[str, Any], key: str
) -> None:
    result = cli("--config", _write(tmp_path, doc), "check")
    assert result.code == 2, result.err
    (line,) = result.err.strip().splitlines()
    assert key in line and "expected" in line
    assert TOKEN not in result.err and "secretToken" not in result.err
    assert "Traceback" not in result.err


def test_webhook_error_names_the_key(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"alerts\.webhooks\.0\.url: expected an http\(s\) URL"):
        load(_write(tmp_path, {"alerts": {"webhooks": [{"url": "hooks.slack.com/x/y"}]}}))


@pytest.mark.parametrize(
    ("entries", "url", "allowed"),
    [
        (["ustr.gov"], "https://ustr.gov/a.pdf", True),
        (["ustr.gov"], "http://ustr.gov/a.pdf", True),
        (["ustr.gov"], "https://ustr.gov:8443/a.pdf", False),
        (["ustr.gov"], "ftp://ustr.gov/a.pdf", False),
        (["ustr.gov"], "https://evil.example/a.pdf", False),
        (["https://ustr.gov"], "http://ustr.gov/a.pdf", False),
        (["https://ustr.gov"], "https://USTR.gov/a.pdf", True),
        (["http://127.0.0.1:8080"], "http://127.0.0.1:8080/x", True),
        (["http://127.0.0.1:8080"], "http://127.0.0.1:8081/x", False),
        (["127.0.0.1"], "http://127.0.0.1:8080/x", False),
        (["127.0.0.1"], "http://127.0.0.1/x", True),
    ],
)
def test_origins(entries: list[str], url: str, allowed: bool) -> None:
    assert Origins.of(entries).allows(url) is allowed


def test_sources_bring_their_origin() -> None:
    config = Config.model_validate(
        {"sources": ["http://127.0.0.1:8080/seed"], "http": {"allowed_hosts": ["127.0.0.1"]}}
    )
    assert config.origins.allows("http://127.0.0.1:8080/a.pdf")
    assert not config.origins.allows("http://127.0.0.1:8081/a.pdf")
    assert not config.origins.allows("https://127.0.0.1:8080/a.pdf")


def _fetcher(tmp_path: Path, site: Site, **http: Any) -> Fetcher:
    config = Config.model_validate(
        {
            "sources": [site.url("/seed")],
            "http": {"allowed_hosts": ["127.0.0.1"], "min_delay_s": 0, "retries": 0, **http},
        }
    )
    return Fetcher(config.http, tmp_path, origins=config.origins)


def test_redirects_and_links_to_another_port_or_scheme_are_refused(tmp_path: Path) -> None:
    with Site() as site, Site() as other:
        other.add("/a.pdf", b"%PDF-1.4 x", content_type="application/pdf")
        site.fault("/to-other-port", "redirect", location=other.url("/a.pdf"))
        site.fault("/to-ftp", "redirect", location="ftp://127.0.0.1/a.pdf")
        with _fetcher(tmp_path, site) as fetcher:
            for path in ("/to-other-port", "/to-ftp"):
                with pytest.raises(SourceError, match=r"outside http\.allowed_hosts"):
                    fetcher.page(site.url(path))
            with pytest.raises(SourceError, match="not an allowed origin"):
                fetcher.pdf(other.url("/a.pdf"))
            html = (
                f'<p><a href="{other.url("/a.pdf")}">2021 Notorious Markets List</a>'
                f'<a href="{site.url("/b.pdf")}">2020 Notorious Markets List</a></p>'
            )
            found = parse_page(site.url("/seed"), html, fetcher.origins)
        assert [link.url for link in found.reports] == [site.url("/b.pdf")]
        assert other.count() == 0
        with _fetcher(tmp_path, site, allowed_hosts=[other.url("")]) as fetcher:
            assert fetcher.pdf(other.url("/a.pdf")).size > 0  # pinned scheme and port


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "https://evil.example/2021.pdf", "file:///etc/passwd"]
)
def test_ingest_url_only_http_from_allowed_origins(tmp_path: Path, url: str) -> None:
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    config = _write(tmp_path, {"database_url": f"sqlite:///{tmp_path}/t.db"})
    result = cli("--config", config, "ingest", pdf, "--url", url)
    assert result.code == 2
    assert "--url: expected an http(s) URL on an allowed origin" in result.err
