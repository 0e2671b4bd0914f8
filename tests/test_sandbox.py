"""Extraction in a child process: the limits hold and failures are specific."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from tracker.config import ExtractionConfig
from tracker.errors import ExtractionError, Stopped
from tracker.sandbox import extract_isolated

from .conftest import sample_pdf, sample_report


def test_same_report_as_in_process() -> None:
    assert extract_isolated(sample_pdf(2016), ExtractionConfig()) == sample_report(2016)


def test_time_limit() -> None:
    with pytest.raises(ExtractionError, match=r"did not finish within 0\.2 s"):
        extract_isolated(sample_pdf(2021), ExtractionConfig(timeout_s=0.2))


def test_memory_cap() -> None:
    with pytest.raises(ExtractionError, match=r"ran out of memory \(extraction\.memory_mb: 64\)"):
        extract_isolated(sample_pdf(2021), ExtractionConfig(memory_mb=64))


def test_broken_pdf_is_named(tmp_path: Path) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n")
    with pytest.raises(ExtractionError, match="not a readable PDF"):
        extract_isolated(broken, ExtractionConfig())


def test_stop_kills_the_child() -> None:
    cancel = threading.Event()
    threading.Timer(0.3, cancel.set).start()
    with pytest.raises(Stopped):
        extract_isolated(sample_pdf(2021), ExtractionConfig(), cancel)


def test_the_child_makes_only_the_records_the_parent_shows(tmp_path: Path) -> None:
    """`nml-tracker --verbose` shows the tracker's debug records, not pdfminer's (a record per
    parsed token): the child is told both levels and never makes the records the parent would
    drop, so it does not spend seconds writing them."""
    import json
    import logging
    import subprocess
    import sys

    from .test_extract_hostile import _canvas_pdf

    def draw(c: object) -> None:
        for i in range(40):
            c.drawString(72, 720 - 16 * i, f"Line {i} of running text")  # type: ignore[attr-defined]

    pdf = tmp_path / "page.pdf"
    pdf.write_bytes(_canvas_pdf(draw))

    def child_records(pdfminer_level: int) -> list[str]:
        levels = [str(logging.DEBUG), str(pdfminer_level)]
        child = subprocess.run(
            [sys.executable, "-m", "tracker.sandbox", "2000", str(pdf), *levels],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert child.returncode == 1 and "no 'Online Markets'" in child.stderr
        lines = child.stderr.splitlines()
        return [json.loads(line)["logger"] for line in lines if '"sandbox_log"' in line]

    assert child_records(logging.DEBUG).count("pdfminer.psparser") > 100  # what it would make
    assert child_records(logging.WARNING) == []
