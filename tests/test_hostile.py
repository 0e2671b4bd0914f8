"""Hostile input, as a hostile source or a careless operator would give it: a table of cases
(what is given, the exit code, the line on stderr, a bound on what is printed), each run as a
user's shell would (`python -m tracker`, in a child process)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from .clirun import run
from .conftest import sample_pdf
from .test_secrets import BOMB


def _pdf(make: Callable[..., None]) -> Callable[[Path], Path]:
    def build(tmp: Path) -> Path:
        from reportlab.pdfgen import canvas

        path = tmp / "hostile.pdf"
        c = canvas.Canvas(str(path), **({"encrypt": "secret"} if make is _encrypted else {}))
        make(c)
        c.showPage()
        c.save()
        return path

    return build


def _blank(c: object) -> None:
    pass


def _image_only(c: object) -> None:
    c.rect(50, 50, 300, 300, fill=1)  # type: ignore[attr-defined]


def _encrypted(c: object) -> None:
    c.drawString(72, 700, "2021 Review of Notorious Markets for Counterfeiting and Piracy")  # type: ignore[attr-defined]


def _bytes(data: bytes, name: str = "hostile.pdf") -> Callable[[Path], Path]:
    def build(tmp: Path) -> Path:
        (tmp / name).write_bytes(data)
        return tmp / name

    return build


def _truncated(tmp: Path) -> Path:
    data = sample_pdf(2021).read_bytes()
    (tmp / "cut.pdf").write_bytes(data[: len(data) // 3])
    return tmp / "cut.pdf"


def _config(text: str | bytes) -> Callable[[Path], Path]:
    def build(tmp: Path) -> Path:
        path = tmp / "config.yaml"
        path.write_bytes(text if isinstance(text, bytes) else text.encode())
        return path

    return build


# (id, make the input, argv with {} for it, exit code, a line on stderr, max stderr bytes)
CASES = [
    (
        "blank PDF",
        _pdf(_blank),
        ["extract", "{}"],
        1,
        "no text layer: a scanned or image-only PDF",
        500,
    ),
    ("image-only PDF", _pdf(_image_only), ["extract", "{}"], 1, "no text layer", 500),
    ("encrypted PDF", _pdf(_encrypted), ["extract", "{}"], 1, "an encrypted PDF", 500),
    ("not a PDF", _bytes(b"<html>hello</html>"), ["extract", "{}"], 1, "hostile.pdf:", 500),
    ("truncated PDF", _truncated, ["extract", "{}"], 1, "cut.pdf:", 800),
    ("empty file", _bytes(b""), ["extract", "{}"], 1, "hostile.pdf:", 500),
    ("alias bomb", _config(BOMB), ["--config", "{}", "status"], 2, "aliases are expanded", 500),
    (
        "non-UTF-8 config",
        _config(b"state_dir: caf\xe9\n"),
        ["--config", "{}", "status"],
        2,
        "not UTF-8 text",
        500,
    ),
    (
        "webhook without scheme",
        _config("alerts:\n  webhooks:\n    - url: hooks.slack.com/services/T0/B0/TOKEN\n"),
        ["--config", "{}", "check"],
        2,
        "alerts.webhooks.0.url: expected an http(s) URL",
        500,
    ),
    (
        "state_dir under a file",
        _config("state_dir: config.yaml/state\n"),
        ["--config", "{}", "status"],
        2,
        "a file, not a folder",
        500,
    ),
    (
        "ftp source",
        _config("sources: ['ftp://ustr.gov/x']\n"),
        ["--config", "{}", "check"],
        2,
        "sources.0: expected an http(s) URL",
        500,
    ),
]


@pytest.mark.parametrize(
    ("make", "argv", "code", "line", "bound"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_hostile_input(
    tmp_path: Path,
    make: Callable[[Path], Path],
    argv: list[str],
    code: int,
    line: str,
    bound: int,
) -> None:
    target = make(tmp_path)
    result = run(*[a.replace("{}", str(target)) for a in argv], cwd=tmp_path)
    assert result.code == code, result.err
    assert line in result.err
    assert len(result.err.encode()) <= bound, result.err
    assert "Traceback" not in result.err and "unexpected error" not in result.err
    assert "TOKEN" not in result.err
