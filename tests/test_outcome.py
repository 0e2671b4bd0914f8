"""What a check says of itself when it fails late."""

from __future__ import annotations

from tracker.model import CheckStatus, ReportStatus
from tracker.outcome import CheckResult, StoredChange


def stored(year: int) -> StoredChange:
    return StoredChange(
        CheckStatus.NEW_REPORT, year, f"https://ustr.gov/{year}.pdf", 70, ReportStatus.OK, None
    )


def test_an_error_after_storing_says_what_stays_stored() -> None:
    """The report is committed before the run is recorded and the alerts queued: a disk that
    fills up between the two must not read as 'nothing was stored'."""
    late = "disk full: database or disk is full (this write was undone; free some space)"
    done = CheckResult(CheckStatus.NEW_REPORT, [stored(2021)])
    assert done.stored_then(late) == f"stored the 2021 review (new_report), then: {late}"
    two = CheckResult(CheckStatus.BASELINE, [stored(2020), stored(2021)])
    assert two.stored_then("x") == "stored the 2020, 2021 reviews (baseline), then: x"
    assert CheckResult().stored_then(late) == late  # nothing stored: the error alone
