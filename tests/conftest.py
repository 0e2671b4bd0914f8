from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE_YEARS = (2011, 2016, 2019, 2020, 2021)


def sample_pdf(year: int) -> Path:
    return FIXTURES / f"{year}-docx.pdf"


def sample_truth(year: int) -> dict[str, Any]:
    return json.loads((FIXTURES / f"{year}-docx.truth.json").read_text(encoding="utf-8"))


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES
