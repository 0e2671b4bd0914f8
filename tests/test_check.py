"""`check` end to end against a ustr.gov-like site and an SMTP server, both on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from tracker.config import Config
from tracker.outcome import CheckResult
from tracker.pipeline import run_check
from tracker.store import Store

from .clirun import cli
from .conftest import last_runs, sample_pdf, stored_years
from .smtp_server import Handler, SmtpServer
from .ustr_fixture_site import build_ustr
from .ustr_site import Site

PDFS = {year: sample_pdf(year).read_bytes() for year in (2019, 2020, 2021)}


@dataclass
class World:
    site: Site
    smtp: SmtpServer
    config: Config
    store: Store
    info: dict[str, Any]

    def publish(self, *years: int) -> None:
        self.info = build_ustr(self.site, {y: PDFS[y] for y in years})

    def check(self, **kw: Any) -> CheckResult:
        return run_check(self.config, self.store, **kw)

    @property
    def mails(self) -> list[Any]:
        """Digests (operator alerts go elsewhere)."""
        return [m for m in self.smtp.handler.messages if m["To"] == "desk@example.org"]

    @property
    def operator_mails(self) -> list[Any]:
        return [m for m in self.smtp.handler.messages if m["To"] == "ops@example.org"]


def settings(tmp_path: Path, seeds: list[str], smtp_port: int, **http: Any) -> dict[str, Any]:
    return {
        "state_dir": str(tmp_path / "state"),
        "database_url": f"sqlite:///{tmp_path}/tracker.db",
        "sources": seeds,
        "http": {
            "allowed_hosts": ["127.0.0.1"],
            "min_delay_s": 0,
            "backoff_s": 0.05,
            "retries": 2,
            "timeout_s": 2,
            "max_download_mb": 2,
            **http,
        },
        "alerts": {
            "email": {
                "host": "127.0.0.1",
                "port": smtp_port,
                "timeout_s": 5,
                "recipients": ["desk@example.org"],
            },
            "operators": ["ops@example.org"],
        },
    }


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    with Site() as site, SmtpServer(Handler()) as smtp:
        info = build_ustr(site, {2019: PDFS[2019], 2020: PDFS[2020]})
        config = Config.model_validate(settings(tmp_path, info["seeds"], smtp.port))
        with Store(config.database_url) as store:
            yield World(site, smtp, config, store, info)


@pytest.mark.slow
def test_baseline_new_report_no_change(world: World) -> None:
    first = world.check()
    assert first.status == "baseline", first.error
    assert [r.review_year for r in first.reports] == [2019, 2020]  # oldest first
    assert world.mails == []  # a baseline sends no digest
    assert stored_years(world.store) == [2019, 2020]

    world.publish(2019, 2020, 2021)  # the newest only in its press release, under /about/
    second = world.check()
    assert second.status == "new_report", second.error
    (report,) = second.reports
    assert report.review_year == 2021 and report.url == world.info["reports"][2021]
    assert {"ALIEXPRESS", "WECHAT (WEIXIN) E-COMMERCE ECOSYSTEM"} <= set(report.to_json()["new"])
    assert report.to_json()["still_listed"] == 66
    (mail,) = world.mails
    assert mail["Subject"] == "USTR 2021 Notorious Markets List: 11 new, 7 removed, 66 still listed"
    assert world.info["press_releases"][2021] in mail.get_payload()[0].get_content()
    assert second.to_json()["alerts"] == {"sent": 1, "pending": 0, "held": 0}

    world.site.reset_log()
    third = world.check()
    assert third.status == "no_change" and third.reports == []
    assert third.pdf_bytes == 0
    assert third.requests <= len(world.config.sources) + 3  # seeds + one per known report
    assert len(world.mails) == 1


@pytest.mark.slow
def test_noise_is_never_downloaded(world: World) -> None:
    world.publish(2019, 2020, 2021)
    assert world.check().status == "baseline"
    for path in world.info["noise_pdf_paths"] + world.info["ignored_paths"]:
        assert world.site.count(path) == 0, path


@pytest.mark.slow
def test_corrected_pdf_is_a_revision(world: World) -> None:
    world.publish(2019, 2020, 2021)
    world.check()
    corrected = PDFS[2021] + b"\n% corrected by USTR\n"
    world.site.add(world.info["report_paths"][2021], corrected, content_type="application/pdf")
    result = world.check()
    assert result.status == "revised", result.error
    assert [(r.review_year, r.status) for r in result.reports] == [(2021, "revised")]
    with world.store.transaction() as tx:
        assert [r.revision for r in tx.reports.all() if r.review_year == 2021] == [1, 2]
    assert world.mails == []  # same markets: nothing new to tell the readers


@pytest.mark.slow
def test_retry_after_is_honoured(world: World) -> None:
    world.check()
    world.publish(2019, 2020, 2021)
    world.site.fault(world.info["report_paths"][2021], "retry_after", seconds=1, times=1)
    result = world.check()
    assert result.status == "new_report", result.error
    assert world.site.count(world.info["report_paths"][2021], status=429) == 1


FAULTS = [
    pytest.param("report", "status", {"status": 500}, "answered 500", id="500"),
    pytest.param("report", "html", {}, "HTML page where a PDF was expected", id="html-for-pdf"),
    pytest.param(
        "report", "wrong_type", {}, "HTML page where a PDF was expected", id="html-content-type"
    ),
    pytest.param("report", "truncate", {"keep": 4000}, "", id="truncated"),
    pytest.param("report", "reset", {}, "connection", id="connection-reset"),
    pytest.param("report", "slow", {"delay": 4}, "no answer within 2 s", id="slow"),
    pytest.param(
        "report",
        "redirect",
        {"location": "alias"},
        "outside http.allowed_hosts",
        id="redirect-elsewhere",
    ),
    pytest.param(
        "report", "oversize", {"size": 5_000_000}, "larger than http.max_download_mb", id="oversize"
    ),
    pytest.param(
        "report",
        "oversize",
        {"size": 5_000_000, "chunked": True},
        "larger than http.max_download_mb",
        id="oversize-no-length",
    ),
    pytest.param("report", "retry_after", {"seconds": 1}, "answered 429", id="429-forever"),
    pytest.param("seed", "bot_wall", {}, "blocking this client", id="bot-wall"),
    pytest.param("seed", "status", {"status": 403}, "blocking this client", id="403"),
]


@pytest.mark.slow
@pytest.mark.parametrize(("where", "kind", "params", "message"), FAULTS)
def test_fault_stores_nothing_and_the_next_check_recovers(
    world: World, where: str, kind: str, params: dict[str, Any], message: str
) -> None:
    assert world.check().status == "baseline"
    world.publish(2019, 2020, 2021)
    path = (
        world.info["report_paths"][2021]
        if where == "report"
        else ("/issue-areas/intellectual-property/notorious-markets-list")
    )
    if params.get("location") == "alias":
        params = {**params, "location": world.site.alias_url(path)}
    world.site.fault(path, kind, **params)

    failed = world.check()
    assert failed.status == "failed"
    assert failed.error and message in failed.error
    assert failed.reports == [] and stored_years(world.store) == [2019, 2020]
    assert last_runs(world.store, 1)[0].outcome == "failed"
    assert last_runs(world.store, 1)[0].error == failed.error
    assert not list((world.config.reports_dir).glob(".download-*"))  # no half-written file
    assert world.mails == []
    if "blocking" in message:  # the operators hear of it at once
        assert [m["Subject"] for m in world.operator_mails] == [
            "[nml-tracker] the source is blocking the tracker"
        ]

    world.site.clear_faults()
    recovered = world.check()
    assert recovered.status == "new_report", recovered.error
    assert stored_years(world.store) == [2019, 2020, 2021]
    assert len(world.mails) == 1


@pytest.mark.slow
def test_unreadable_pdf_stores_nothing(world: World) -> None:
    world.check()
    world.publish(2019, 2020, 2021)
    world.site.add(
        world.info["report_paths"][2021],
        b"%PDF-1.7\nnot really a PDF\n%%EOF\n",
        content_type="application/pdf",
    )
    result = world.check()
    assert result.status == "failed"
    assert result.error and result.error.startswith(world.info["reports"][2021])
    assert stored_years(world.store) == [2019, 2020]


@pytest.mark.slow
def test_backfill_stores_everything_without_a_digest(world: World) -> None:
    world.publish(2019, 2020, 2021)
    seen: list[int] = []
    result = world.check(backfill=True, progress=lambda n, total, url: seen.append(n))
    assert result.status == "baseline"
    assert [r.review_year for r in result.reports] == [2019, 2020, 2021]
    assert seen == [1, 2, 3]
    assert world.mails == []


@pytest.mark.slow
def test_check_command(tmp_path: Path) -> None:
    with Site() as site, SmtpServer(Handler()) as smtp:
        info = build_ustr(site, {2020: PDFS[2020]})
        (tmp_path / "config.yaml").write_text(
            yaml.safe_dump(settings(tmp_path, info["seeds"], smtp.port)), encoding="utf-8"
        )
        ok = cli("check", "--json", cwd=tmp_path)
        assert ok.code == 0, ok.err
        doc = ok.json()
        assert doc["status"] == "baseline" and doc["error"] is None
        assert doc["reports"][0]["review_year"] == 2020 and doc["reports"][0]["entries"] == 73
        assert set(doc) >= {"status", "reports", "alerts", "error"}

        site.fault(info["issue_area"].removeprefix(info["base_url"]), "bot_wall")
        blocked = cli("check", cwd=tmp_path)
        assert blocked.code == 1
        (line,) = blocked.err.strip().splitlines()
        assert "blocking this client" in line and "Traceback" not in blocked.err
        status = cli("status", "--json", cwd=tmp_path).json()
        assert [c["outcome"] for c in status["last_checks"][:2]] == ["failed", "baseline"]


def test_unreachable_source_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text(
        yaml.safe_dump(
            {
                "sources": ["https://ustr.invalid/notorious-markets-list"],
                "http": {"allowed_hosts": ["ustr.invalid"]},
            }
        ),
        encoding="utf-8",
    )
    res = cli("check", cwd=tmp_path)
    assert res.code == 1
    assert res.err.strip() == (
        "https://ustr.invalid/notorious-markets-list: cannot resolve ustr.invalid: "
        "no network or DNS failure"
    )


@pytest.mark.slow
def test_notify_baseline_sends_only_the_latest(world: World) -> None:
    world.publish(2019, 2020, 2021)
    result = world.check(notify_baseline=True)
    assert result.status == "baseline"
    assert [m["Subject"] for m in world.mails] == [
        "USTR 2021 Notorious Markets List: 11 new, 7 removed, 66 still listed"
    ]


@pytest.mark.slow
def test_a_removed_report_url_is_a_warning_once(world: World) -> None:
    world.publish(2019, 2020)
    assert world.check().status == "baseline"
    gone = world.info["report_paths"][2019]
    world.site.remove(gone)
    first = world.check()
    assert first.status == "no_change", first.error
    assert any("no longer checked" in w.message for w in first.warnings)
    world.site.reset_log()
    second = world.check()
    assert second.status == "no_change" and second.warnings == []
    assert world.site.count(gone) == 0  # not asked again


@pytest.mark.slow
def test_a_moved_press_release_is_a_warning(world: World) -> None:
    world.publish(2019, 2020, 2021)
    release = world.info["press_releases"][2021].removeprefix(world.info["base_url"])
    world.site.remove(release)
    result = world.check()
    assert result.status == "baseline", result.error
    assert any("answered 404" in w.message for w in result.warnings)
    assert stored_years(world.store) == [2019, 2020]  # 2021 was linked only from that release
