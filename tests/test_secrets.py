"""No secret in any output; config errors bounded; YAML alias bombs and huge files refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from .clirun import cli

TOKEN = "T0AAA/B0BBB/sekritWebhookToken"
PASSWORD = "sekritDbPassword"
BOMB = (
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
    "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
    "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\nsources: [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n"
)


def _write(tmp_path: Path, doc: dict[str, Any] | str | bytes) -> Path:
    path = tmp_path / "config.yaml"
    if isinstance(doc, bytes):
        path.write_bytes(doc)
    else:
        path.write_text(doc if isinstance(doc, str) else yaml.safe_dump(doc), encoding="utf-8")
    return path


@pytest.mark.parametrize("json", [False, True])
def test_config_output_masks_secrets(tmp_path: Path, json: bool) -> None:
    doc = {
        "database_url": f"postgresql+psycopg://tracker:{PASSWORD}@db.example/nml",
        "alerts": {
            "webhooks": [{"url": f"https://hooks.slack.com/services/{TOKEN}"}],
            "apprise": [f"tgram://{TOKEN}/12345"],
        },
    }
    result = cli("--config", _write(tmp_path, doc), "config", *(["--json"] if json else []))
    assert result.code == 0, result.err
    assert TOKEN not in result.out + result.err and PASSWORD not in result.out + result.err
    assert "https://hooks.slack.com/…" in result.out
    assert "postgresql+psycopg://tracker:***@db.example/nml" in result.out
    assert "tgram://…" in result.out


@pytest.mark.parametrize(
    ("doc", "line"),
    [
        pytest.param(
            {"alerts": {"webhooks": [f"https://hooks.slack.com/services/{TOKEN}"]}},
            "alerts.webhooks.0: expected a mapping, got a value not shown",
            id="webhook given as a string",
        ),
        pytest.param(
            {"database_url": {"url": f"postgresql://u:{PASSWORD}@h/db"}},
            "database_url: expected a string",
            id="database URL of the wrong type",
        ),
        pytest.param(
            {"schedule": {"cron": "x" * 100_000}},
            "schedule.cron: expected five cron fields",
            id="a huge value",
        ),
        pytest.param(
            {"sources": [f"bad{i}" for i in range(5000)]},
            "and 4980 more problem(s)",
            id="thousands of errors",
        ),
        pytest.param(BOMB, "values once its aliases are expanded", id="alias bomb"),
        pytest.param(
            "x: &x [1]\n" + "".join(f"k{i}: *x\n" for i in range(150)),
            "more than 100 aliases",
            id="too many aliases",
        ),
        pytest.param("sources: []\n#" + "x" * (2 << 20), "larger than 1 MB", id="huge file"),
        pytest.param(b"state_dir: caf\xe9\n", "not UTF-8 text (byte 14)", id="latin-1 file"),
    ],
)
def test_config_errors_are_bounded_and_never_echo_secrets(
    tmp_path: Path, doc: Any, line: str
) -> None:
    result = cli("--config", _write(tmp_path, doc), "status")
    assert result.code == 2
    assert line in result.err
    assert len(result.err) < 4000
    assert TOKEN not in result.err and PASSWORD not in result.err
    assert "Traceback" not in result.err and "unexpected error" not in result.err
