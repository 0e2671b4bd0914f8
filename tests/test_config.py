"""The configuration contract: validation messages, path resolution, environment overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker.config import Config, load
from tracker.errors import ConfigError

from .clirun import cli

ROOT = Path(__file__).parent.parent


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_documented_defaults_equal_the_model() -> None:
    documented = load(ROOT / "config.yaml")
    defaults = Config()
    for key in (
        "sources",
        "http",
        "schedule",
        "alerts",
        "aliases",
        "identity",
        "extraction",
        "http_status",
        "report",
    ):
        documented_value = getattr(documented, key)
        if key == "alerts":
            assert documented_value.model_dump() == defaults.alerts.model_dump()
        else:
            assert documented_value == getattr(defaults, key), key


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "alerts:\n  email:\n    port: abc\n",
            "config.yaml: alerts.email.port: expected an integer, got 'abc'",
        ),
        (
            "alerts:\n  emial: {}\n",
            "config.yaml: alerts.emial: unknown key (valid keys: apprise, email, "
            "failures_before_alert, hold_unverified, operators, templates_dir, webhooks)",
        ),
        ("databse_url: sqlite://\n", "config.yaml: databse_url: unknown key (valid keys: alerts"),
        (
            "alerts:\n  email:\n    password: hunter2\n",
            "config.yaml: alerts.email.password: unknown key (valid keys:",
        ),
        (
            "alerts:\n  email:\n    security: tls\n",
            "config.yaml: alerts.email.security: input should be 'none', 'starttls' or 'ssl'",
        ),
        (
            "schedule:\n  timezone: Mars/Olympus\n",
            "config.yaml: schedule.timezone: unknown time zone 'Mars/Olympus'",
        ),
        ("schedule:\n  cron: '7 *'\n", "config.yaml: schedule.cron: expected five cron fields"),
        ("http:\n  retries: many\n", "config.yaml: http.retries: expected an integer, got 'many'"),
        (
            "report:\n  base_url: ftp://example.org\n",
            "config.yaml: report.base_url: expected an absolute http(s) URL, got 'ftp://",
        ),
        (
            "http_status:\n  serve_report: true\n",
            "config.yaml: (top level): http_status.serve_report needs report.out_dir",
        ),
        ("- just\n- a list\n", "config.yaml: expected a mapping of keys at the top level"),
        ("http: [unclosed\n", "config.yaml: not valid YAML"),
    ],
)
def test_bad_config_is_named_precisely(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load()
    assert str(err.value).startswith(message)


def test_bad_key_exits_2_through_the_cli(tmp_path: Path) -> None:
    write(tmp_path, "alerts:\n  email:\n    port: abc\n")
    res = cli("config", cwd=tmp_path)
    assert res.code == 2
    assert res.err.strip() == "config.yaml: alerts.email.port: expected an integer, got 'abc'"


def test_missing_explicit_config_exits_2(tmp_path: Path) -> None:
    res = cli("--config", tmp_path / "nope.yaml", "config")
    assert res.code == 2
    assert "nope.yaml: no such configuration file" in res.err


def test_relative_paths_resolve_against_the_config_folder(tmp_path: Path) -> None:
    folder = tmp_path / "deploy"
    folder.mkdir()
    path = write(folder, "state_dir: data\nalerts:\n  templates_dir: mail\n")
    config = load(path)
    assert config.state_dir == folder / "data"
    assert config.database_url == f"sqlite:///{folder}/state/tracker.db"
    assert config.alerts.templates_dir == folder / "mail"


def test_environment_overrides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "database_url: sqlite:///from-file.db\n")
    monkeypatch.setenv("TRACKER_CONFIG", str(path))
    monkeypatch.setenv("TRACKER_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1/test")
    config = load()
    assert config.database_url == "postgresql+psycopg://postgres@127.0.0.1/test"
    monkeypatch.delenv("TRACKER_DATABASE_URL")
    assert load().database_url == f"sqlite:///{tmp_path}/from-file.db"


def test_config_is_frozen() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        Config().http.retries = 9  # type: ignore[misc]
