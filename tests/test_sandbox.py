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
