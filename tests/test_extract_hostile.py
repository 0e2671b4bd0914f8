"""Broken, hostile or foreign files given to the extractor: each ends in one specific line
(an ExtractionError), never a traceback, a hang or a report of nothing."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest

from tracker.errors import ExtractionError
from tracker.extract import extract

from .conftest import sample_pdf


def _canvas_pdf(draw: Callable[[object], None], **kw: object) -> bytes:
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=letter, **kw)  # type: ignore[arg-type]
    draw(c)
    c.showPage()
    c.save()
    return buf.getvalue()


def _sample(fraction: float) -> bytes:
    data = sample_pdf(2016).read_bytes()
    return data[: int(len(data) * fraction)]


CASES: dict[str, tuple[Callable[[], bytes], str]] = {
    "empty file": (lambda: b"", "not a PDF: the file does not start with %PDF"),
    "an HTML page saved as .pdf": (
        lambda: b"<!doctype html><html><body>Access denied</body></html>",
        "not a PDF: the file does not start with %PDF",
    ),
    "truncated download": (lambda: _sample(0.6), "a truncated PDF"),
    "garbage after the header": (
        lambda: b"%PDF-1.7\n" + bytes(range(256)) * 40,
        "not a readable PDF",
    ),
    "image-only scan": (
        lambda: _canvas_pdf(lambda c: c.rect(72, 72, 400, 600, fill=1)),  # type: ignore[attr-defined]
        "no text layer: a scanned or image-only PDF",
    ),
    "blank page": (lambda: _canvas_pdf(lambda c: None), "no text layer"),
    "encrypted with a password": (
        lambda: _canvas_pdf(
            lambda c: c.drawString(72, 700, "Review of Notorious Markets"),  # type: ignore[attr-defined]
            encrypt="secret",
        ),
        "an encrypted PDF: it cannot be read without its password",
    ),
    "another kind of report": (
        lambda: _canvas_pdf(lambda c: c.drawString(72, 700, "2021 Special 301 Report")),  # type: ignore[attr-defined]
        "no 'Online Markets' or 'Physical Markets' section found",
    ),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_bad_input_is_one_specific_line(case: str) -> None:
    make, expected = CASES[case]
    with pytest.raises(ExtractionError) as err:
        extract(make())
    assert expected in str(err.value)
    assert "\n" not in str(err.value)
