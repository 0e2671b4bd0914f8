"""A report claiming a stored year is stored as that year's revision only when its own evidence
agrees: a review year read with confidence, and a list that is the stored one corrected."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from tracker.errors import RevisionRefused
from tracker.ingest import guard_revision
from tracker.model import Counts, Entry, Notice, NoticeCode, Report, ReportStatus, StoredReport

from . import pdfgen
from .clirun import cli
from .conftest import FIXTURES, sample_pdf


def _entries(n: int, prefix: str = "Market") -> tuple[Entry, ...]:
    return tuple(Entry(f"{prefix} {i}", "online", 5) for i in range(n))


def _stored(entries: tuple[Entry, ...]) -> StoredReport:
    counts = Counts(len(entries), 0)
    return StoredReport(
        1,
        2011,
        1,
        "t",
        "sha",
        None,
        None,
        "2012-01-01T00:00:00+00:00",
        counts,
        counts,
        ReportStatus.OK,
    )


def test_a_corrected_list_is_a_revision() -> None:
    stored = _entries(30)
    corrected = (*stored[:-1], Entry("Market 29 (renamed)", "online", 5))
    guard_revision(Report(2011, "t", None, corrected), _stored(stored), stored)


def test_another_list_is_refused() -> None:
    stored = _entries(30)
    other = (*stored[:20], *_entries(12, "Other"))
    with pytest.raises(RevisionRefused) as err:
        guard_revision(Report(2011, "t", Counts(32, 0), other), _stored(stored), stored)
    assert err.value.reason == "list-differs"
    assert "lists only 20 of its 30 markets" in str(err.value)
    assert "it states 32/0 markets, the stored report 30/0" in str(err.value)


@pytest.mark.parametrize("code", [NoticeCode.YEAR_CONFLICT, NoticeCode.YEAR_INFERRED])
def test_an_uncertain_year_is_refused(code: NoticeCode) -> None:
    stored = _entries(30)
    notice = Notice(code, "review year 2011 inferred from the cover date 'February 2012' only")
    report = Report(2011, "t", None, stored, notices=(notice,))
    with pytest.raises(RevisionRefused) as err:
        guard_revision(report, _stored(stored), stored)
    assert err.value.reason == "year-uncertain"
    assert "inferred from the cover date" in str(err.value)


@pytest.mark.slow
def test_ingest_refuses_another_years_list_and_keeps_nothing(tmp_path: Path) -> None:
    env = {"TRACKER_DATABASE_URL": f"sqlite:///{tmp_path}/t.db"}
    assert cli("-q", "ingest", sample_pdf(2011), cwd=tmp_path, env=env).code == 0
    # the same list set by another typesetter: a revision
    res = cli("-q", "ingest", FIXTURES / "2011-rl.pdf", "--json", cwd=tmp_path, env=env)
    assert res.code == 0, res.err
    assert (res.json()["status"], res.json()["revision"]) == ("revised", 2)
    # a report that also says 2011 but lists other markets: refused, nothing kept
    spec = pdfgen.sample_spec(41, "early", n_online=8, n_physical=5, hard=False)
    pdf, _ = pdfgen.build(replace(spec, year=2011))
    other = tmp_path / "other.pdf"
    other.write_bytes(pdf)
    archive = tmp_path / "state" / "reports"
    before = sorted(archive.glob("*.pdf"))
    res = cli("-q", "ingest", other, cwd=tmp_path, env=env)
    assert res.code == 1
    assert "the 2011 review is already stored and this report lists only" in res.err
    assert sorted(archive.glob("*.pdf")) == before
    assert (
        cli("-q", "list", "--year", "2011", "--json", cwd=tmp_path, env=env).json()["entries"][0][
            "name"
        ]
        == "Allofmp3 clones"
    )
    # a person who knows better stores it anyway
    res = cli("-q", "ingest", other, "--force-revision", "--json", cwd=tmp_path, env=env)
    assert (res.code, res.json()["revision"]) == (0, 3)
