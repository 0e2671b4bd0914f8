"""Four `ingest` processes of one file on PostgreSQL: one stores it, the others answer
`unchanged`; never an IntegrityError (tx.markets.lock serialises them before the sha256 read)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tracker.store import Store

from .conftest import reset_pg, sample_pdf, stored_years


@pytest.mark.slow
def test_concurrent_ingest_of_one_file_on_postgresql(tmp_path: Path, pg_database: str) -> None:
    reset_pg(pg_database)
    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump({"database_url": pg_database, "state_dir": "state"}))
    cmd = [sys.executable, "-m", "tracker", "--config", str(config), "ingest", "--json"]
    procs = [
        subprocess.Popen(
            [*cmd, str(sample_pdf(2021))], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(4)
    ]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], [err for _, err in outs]
    assert all("IntegrityError" not in err for _, err in outs)
    statuses = sorted(yaml.safe_load(out)["status"] for out, _ in outs)
    assert statuses == ["stored", "unchanged", "unchanged", "unchanged"]
    with Store(pg_database) as store:
        assert stored_years(store) == [2021]
