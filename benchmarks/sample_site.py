"""The ustr.gov-like site the benchmarks run against: the five sample reports, on 127.0.0.1."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.ustr_fixture_site import build_ustr  # noqa: E402
from tests.ustr_site import Site  # noqa: E402

YEARS = (2011, 2016, 2019, 2020, 2021)


@contextmanager
def sample_site(folder: Path, **settings: Any) -> Iterator[tuple[Site, dict[str, Any]]]:
    """Serve the sample reports; write folder/config.yaml pointing at them (plus `settings`)."""
    reports = {y: (ROOT / "tests" / "fixtures" / f"{y}-docx.pdf").read_bytes() for y in YEARS}
    with Site() as site:
        info = build_ustr(site, reports)
        config = {
            "sources": info["seeds"],
            "http": {"allowed_hosts": ["127.0.0.1"], "min_delay_s": 0},
            **settings,
        }
        (folder / "config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
        yield site, info
