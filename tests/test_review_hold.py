"""Nothing doubtful reaches a recipient (issue 11): a report whose self-checks fail is held,
the operators get one alert naming each doubt with its page link, a person corrects the list
with `review` and releases the digest once; and a person asking now is served now (a manual
`check` delivers what is pending whatever the backoff). End to end: a ustr.gov-like site and an
SMTP server on 127.0.0.1, PDFs set by the test generator, the real CLI."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from tracker.store import Store

from .clirun import Result, cli
from .pdfgen import Market, ReportSpec, Typesetting, build, physical_market
from .smtp_server import Handler, SmtpServer, free_port
from .test_check import settings
from .ustr_fixture_site import build_ustr
from .ustr_site import Site

BEFORE = (
    ("ALIEXPRESS", "BAIDU WANGPAN", "TAOBAO", "PINDUODUO"),
    ("La Salada", "Tepito", "Ben Thanh Market"),
)
# the 2023 heading "SUPERSTREAM ECOSYSTEM" set as two: five online headings, four stated
MISREAD = (
    ("ALIEXPRESS", "TAOBAO", "WECHAT", "SUPERSTREAM", "ECOSYSTEM"),
    ("La Salada", "Tepito", "MBK Center"),
)


@cache
def pdf(year: int, stated: tuple[int, int] | None = None) -> bytes:
    online, physical = BEFORE if year == 2022 else MISREAD
    markets = [Market(n, "online") for n in online] + [physical_market(n) for n in physical]
    spec = ReportSpec(
        era="modern",
        year=year,
        markets=tuple(markets),
        typesetting=Typesetting(footnotes="raised"),
        seed=7,
        stated=stated,
    )
    return build(spec)[0]


@dataclass
class World:
    tmp: Path
    site: Site
    smtp_port: int
    info: dict[str, Any]

    def publish(self, misread: bool = True) -> None:
        reports = {2022: pdf(2022)}
        if misread:
            reports[2023] = pdf(2023, (4, 3))
        self.info = build_ustr(self.site, reports)

    def cli(self, *args: str) -> Result:
        res = cli(*args, cwd=self.tmp)
        assert res.code == 0, res.err
        return res

    def config(self, **alerts: Any) -> None:
        doc = settings(self.tmp, self.info["seeds"], self.smtp_port)
        doc["alerts"].update(alerts)
        (self.tmp / "config.yaml").write_text(yaml.safe_dump(doc), encoding="utf-8")


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    with Site() as site:
        w = World(tmp_path, site, free_port(), {})
        w.publish(misread=False)
        w.config()
        yield w


def desk(smtp: SmtpServer) -> list[Any]:
    return [m for m in smtp.handler.messages if m["To"] == "desk@example.org"]


def ops(smtp: SmtpServer) -> list[Any]:
    return [m for m in smtp.handler.messages if m["To"] == "ops@example.org"]


def text(mail: Any) -> str:
    part = mail.get_body(("plain",)) if mail.is_multipart() else mail
    return str(part.get_content())


@pytest.mark.slow  # three generated PDFs, extracted in child processes
def test_a_doubtful_report_is_held_corrected_and_released_once(world: World) -> None:
    with SmtpServer(Handler(), port=world.smtp_port) as smtp:
        assert world.cli("check", "--json").json()["status"] == "baseline"
        world.publish()
        doc = world.cli("check", "--json").json()
        assert doc["status"] == "new_report"
        assert doc["alerts"] == {"sent": 1, "pending": 0, "held": 1}
        assert desk(smtp) == []  # recipients get nothing
        (alert,) = ops(smtp)  # one alert, naming the doubt with its page link
        assert "2023 digest is held" in alert["Subject"]
        body = text(alert)
        url = world.info["reports"][2023]
        assert "extracted 5 online markets but the report states 4" in body
        assert f"{url}#page=7" in body
        assert world.cli("status", "--json").json()["held"] == [2023]

        listed = world.cli("review", "--json").json()["held"]
        assert [h["review_year"] for h in listed] == [2023]
        assert listed[0]["doubts"][0]["link"] == f"{url}#page=7"
        review = world.cli("review", "2023", "--json").json()
        assert review["held"] is True and review["counts_match"] is False
        assert [(e["name"], e["page"]) for e in review["entries"]][3:5] == [
            ("SUPERSTREAM", 7),
            ("ECOSYSTEM", 8),
        ]
        assert "HELD" in world.cli("review", "2023").out
        refused = cli("digest", "--year", "2023", "--send", cwd=world.tmp)
        assert refused.code == 1 and "held for review" in refused.err and desk(smtp) == []

        joined = world.cli("review", "2023", "--join", "SUPERSTREAM", "ECOSYSTEM", "--json").json()
        assert joined["review"]["counts_match"] is True
        assert [d["resolved"] for d in joined["review"]["doubts"]] == [True]
        assert desk(smtp) == []  # still held: a correction before the digest sends nothing

        approved = world.cli("review", "2023", "--approve", "--json").json()
        assert approved["released"] is True and approved["alerts"]["sent"] == 1
        (digest,) = desk(smtp)
        assert digest["Subject"] == (
            "USTR 2023 Notorious Markets List: 3 new, 3 removed, 4 still listed"
        )
        body = text(digest)
        assert "SUPERSTREAM ECOSYSTEM" in body and "ECOSYSTEM\n" not in body.replace(
            "SUPERSTREAM ECOSYSTEM", ""
        )
        diff = world.cli("diff", "--json").json()
        assert sorted(i["name"] for i in diff["new_entries"]) == [
            "MBK Center",
            "SUPERSTREAM ECOSYSTEM",
            "WECHAT",
        ]
        assert sorted(i["name"] for i in diff["removed"]) == [
            "BAIDU WANGPAN",
            "Ben Thanh Market",
            "PINDUODUO",
        ]

        again = world.cli("review", "2023", "--approve", "--json").json()
        assert again["released"] is False and again["alerts"]["sent"] == 0
        assert len(desk(smtp)) == 1  # exactly once
        assert world.cli("status", "--json").json()["held"] == []

        # a correction after the digest went out: one short correction notice
        world.cli("review", "2023", "--drop", "MBK Center")
        (_, notice) = desk(smtp)
        assert notice["Subject"].startswith("Correction: USTR 2023 Notorious Markets List")
        assert "No longer listed as new: MBK Center" in text(notice)
        assert len(ops(smtp)) == 1
        assert world.cli("check", "--json").json()["alerts"]["held"] == 0
        assert len(desk(smtp)) == 2


@pytest.mark.slow
def test_hold_unverified_false_sends_with_the_banner(world: World) -> None:
    world.config(hold_unverified=False)
    with SmtpServer(Handler(), port=world.smtp_port) as smtp:
        world.cli("check")
        world.publish()
        doc = world.cli("check", "--json").json()
        assert doc["alerts"]["held"] == 0
        (digest,) = desk(smtp)
        assert digest["Subject"].endswith("(needs review)")
        assert world.cli("review", "--json").json() == {"held": []}


@pytest.mark.slow
def test_a_person_asking_now_is_served_now(world: World) -> None:
    """SMTP down when a report arrives: the digest waits; back up, one manual check sends it,
    once, whatever the backoff."""
    world.cli("check")  # baseline; no server needed
    world.publish()
    world.config(hold_unverified=False)
    down = world.cli("check", "--json").json()
    assert down["status"] == "new_report" and down["alerts"]["sent"] == 0
    assert down["alerts"]["pending"] >= 1
    with SmtpServer(Handler(), port=world.smtp_port) as smtp:
        up = world.cli("check", "--json").json()
        assert up["status"] == "no_change"
        assert len(desk(smtp)) == 1  # at once, though its retry was not due for a minute
        world.cli("check")
        assert len(desk(smtp)) == 1  # and once
    with Store(f"sqlite:///{world.tmp}/tracker.db") as store:
        assert store.outbox.counts().get("pending", 0) == 0


def test_the_backoff_paces_only_the_daemon(tmp_path: Path) -> None:
    """A pending digest whose retry is not due: the daemon's round leaves it, a person's round
    (`at_once`) sends it, once."""
    from alerts.outbox import deliver
    from tracker.pipeline import deliver_alerts

    from .test_alerts import config, queue

    with Store(f"sqlite:///{tmp_path}/t.db") as store:
        from .conftest import save_sample

        for year in (2020, 2021):
            save_sample(store, year)
        port = free_port()
        cfg = config(store.url, port=port)
        queue(store, cfg)
        assert deliver(store.outbox, cfg).pending == 1  # the server is down: retry in a minute
        with SmtpServer(Handler(), port=port) as smtp:
            assert deliver_alerts(cfg, store).sent == 0  # the daemon waits for the backoff
            assert deliver(store.outbox, cfg, at_once=True).sent == 1
            assert deliver(store.outbox, cfg, at_once=True).sent == 0
            assert len(smtp.handler.messages) == 1


def misread_2021() -> bytes:
    """The 2021 list set so that two headings read as four: `WECHAT (WEIXIN) E-COMMERCE` and
    `ECOSYSTEM`, `BAIDU` and `WANGPAN` (44 online markets extracted, 42 stated)."""
    from .conftest import sample_truth

    split = {
        "WECHAT (WEIXIN) E-COMMERCE ECOSYSTEM": ("WECHAT (WEIXIN) E-COMMERCE", "ECOSYSTEM"),
        "BAIDU WANGPAN": ("BAIDU", "WANGPAN"),
    }
    markets: list[Market] = []
    for e in sample_truth(2021)["entries"]:
        if e["kind"] == "online":
            markets += [Market(n, "online") for n in split.get(e["name"], (e["name"],))]
        else:
            markets.append(Market(e["name"], "physical", country=e["country"], city=e["city"]))
    spec = ReportSpec(
        era="modern",
        year=2021,
        markets=tuple(markets),
        typesetting=Typesetting(footnotes="raised"),
        seed=7,
        stated=(42, 35),
    )
    return build(spec)[0]


@pytest.mark.slow  # the 2020 sample and a generated 2021, extracted in child processes
def test_the_misread_2021_layout(world: World) -> None:
    """The issue's case: no mail to recipients, one operator alert; two joins and an approve
    send one digest naming exactly the 11 new and 7 removed markets."""
    from .conftest import sample_pdf

    world.info = build_ustr(world.site, {2020: sample_pdf(2020).read_bytes()})
    world.config()
    with SmtpServer(Handler(), port=world.smtp_port) as smtp:
        world.cli("check")
        world.info = build_ustr(
            world.site, {2020: sample_pdf(2020).read_bytes(), 2021: misread_2021()}
        )
        assert world.cli("check", "--json").json()["alerts"]["held"] == 1
        assert desk(smtp) == [] and len(ops(smtp)) == 1
        assert "extracted 44 online markets but the report states 42" in text(ops(smtp)[0])
        world.cli("review", "2021", "--join", "WECHAT (WEIXIN) E-COMMERCE", "ECOSYSTEM")
        world.cli("review", "2021", "--join", "BAIDU", "WANGPAN")
        world.cli("review", "2021", "--approve")
        (digest,) = desk(smtp)
        assert digest["Subject"] == (
            "USTR 2021 Notorious Markets List: 11 new, 7 removed, 66 still listed"
        )
        diff = world.cli("diff", "--json").json()
        assert {"ALIEXPRESS", "WECHAT (WEIXIN) E-COMMERCE ECOSYSTEM"} <= {
            i["name"] for i in diff["new_entries"]
        }
        assert "BAIDU WANGPAN" in {i["name"] for i in diff["still_listed"]}
        world.cli("review", "2021", "--approve")
        assert len(desk(smtp)) == 1 and len(ops(smtp)) == 1
