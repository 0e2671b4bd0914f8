"""Watchlists: the filter, the recipient's own digest, the immediate alert, and the checks of
the configuration (countries at load, markets against the history)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from alerts import watch
from alerts.watch import Watchlist
from tracker.config import Config, Recipient
from tracker.diff import Changes, Item
from tracker.model import AlertKind, DeliveryStatus
from tracker.pipeline import digest_input
from tracker.store import Store
from tracker.watching import watched_ids

from .clirun import cli
from .conftest import save_sample


def recipient(**doc: Any) -> Recipient:
    return Recipient.model_validate({"address": "w@example.org", **doc})


@dataclass(frozen=True)
class OperatedItem(Item):
    """A diff item that names its operator and where an online market is based, as items will
    once listings carry them (issue 11)."""

    operator: str | None = None
    based_in: str | None = None


def item(market_id: str, kind: str = "online", country: str | None = None, **kw: Any) -> Item:
    return OperatedItem(market_id, market_id.upper(), kind, country, (2021,), 2021, **kw)


MATCHES = [
    # (watch, only_watched ids among the items below)
    ({"markets": ["ALIEXPRESS"]}, {"aliexpress"}),
    ({"countries": ["china"]}, {"aliexpress", "silk-market"}),
    ({"countries": ["China"], "kinds": ["physical"]}, {"silk-market"}),  # a scope: both hold
    ({"kinds": ["online"]}, {"aliexpress", "taobao", "1337x"}),
    ({"operators": ["alibaba"]}, {"aliexpress", "taobao"}),
    ({"markets": ["1337X"], "countries": ["Mexico"]}, {"1337x", "tepito"}),  # picks or scope
    ({}, set()),
]
ITEMS = [
    item("aliexpress", based_in="China", operator="Alibaba"),  # online: where it is based
    item("taobao", operator="Alibaba"),  # no country in the data: only a pick finds it
    item("1337x"),
    item("silk-market", "physical", "China"),
    item("tepito", "physical", "Mexico"),
]
IDS = {"ALIEXPRESS": frozenset({"aliexpress"}), "1337X": frozenset({"1337x"})}


@pytest.mark.parametrize(("doc", "expected"), MATCHES)
def test_what_a_watchlist_matches(doc: dict[str, Any], expected: set[str]) -> None:
    wl = Watchlist.of(recipient(watch=doc), IDS)
    assert {i.market_id for i in ITEMS if wl.matches(i)} == expected


def test_an_item_without_an_operator_matches_no_operator() -> None:
    wl = Watchlist.of(recipient(watch={"operators": ["Alibaba"]}), {})
    plain = Item("aliexpress", "ALIEXPRESS", "online", None, (2021,), 2021)
    assert watch.operator_of(plain) is None and not wl.matches(plain)


def test_watched_changes_keep_only_the_watched_markets() -> None:
    c = Changes(2020, 2021, tuple(ITEMS[:2]), (), (ITEMS[4],), (ITEMS[3],), ())
    wl = Watchlist.of(recipient(watch={"countries": ["China"]}), {})
    mine = watch.watched(c, wl)
    assert [i.market_id for i in mine.new_entries] == ["aliexpress"]
    assert mine.removed == () and [i.market_id for i in mine.still_listed] == ["silk-market"]


# -- the digest, from the stored samples -------------------------------------------------------


def config(db_url: str, *recipients: Any) -> Config:
    email = {"host": "127.0.0.1", "recipients": ["desk@example.org", *recipients]}
    return Config.model_validate({"database_url": db_url, "alerts": {"email": email}})


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """2019, 2020 and 2021 stored: in 2020 China gains a physical market, in 2021 ALIEXPRESS is
    listed for the first time."""
    path = tmp_path_factory.mktemp("watch") / "t.db"
    with Store(f"sqlite:///{path}") as store:
        for year in (2019, 2020, 2021):
            save_sample(store, year, source_url=f"https://ustr.gov/{year}.pdf")
        yield store


def personal(store: Store, cfg: Config, year: int) -> dict[str, Any]:
    with store.transaction() as tx:
        return watch.personal_digests(digest_input(tx, year), cfg, watched_ids(tx, cfg))


def test_a_recipient_watching_china_gets_a_digest_that_opens_with_chinas_changes(
    history: Store,
) -> None:
    china = {"address": "cn@example.org", "watch": {"countries": ["China"]}}
    got = personal(history, config(history.url, china), 2020)
    assert set(got) == {"cn@example.org"}  # the desk gets the common digest
    mail = got["cn@example.org"]
    section = mail.text.split("-" * 70)[0]
    lines = section.splitlines()
    assert lines[:2] == ["YOUR WATCHLIST (countries: China)", "New on the list (3)"]
    # online markets count where they are based (the curated operators: tracker/operators.yaml)
    assert "BAIDU WANGPAN" in lines[2] and "WEIDIAN" in lines[3]
    assert "Yiwu International Trade City (China Commodity City) (physical, China)" in lines[4]
    assert "Still listed (11): DHGATE, " in section and "Petaling Street" not in section
    assert "USTR has published the 2020 Review" in mail.text  # the full digest follows
    assert mail.subject.endswith("; your watchlist: 3 new, 0 removed")
    body = mail.html.split("</h1>", 1)[1]
    assert body.lstrip().startswith('<div style="margin:0 0 16px 0;') and "Your watchlist" in body


def test_only_watched_sends_only_what_matches(history: Store) -> None:
    only = {"address": "cn@example.org", "watch": {"countries": ["China"]}, "only_watched": True}
    mail = personal(history, config(history.url, only), 2020)["cn@example.org"]
    assert mail.subject == (
        "USTR 2020 Notorious Markets List: 3 new, 0 removed, 11 still listed (your watchlist)"
    )
    assert "Petaling Street" not in mail.text and "Palika Bazaar" not in mail.text


def test_a_watched_market_new_on_the_list_gets_one_alert(history: Store) -> None:
    ali = {"address": "ali@example.org", "watch": {"markets": ["ALIEXPRESS"]}}
    cfg = config(history.url, ali)
    with history.transaction() as tx:
        d, ids = digest_input(tx, 2021), watched_ids(tx, cfg)
        assert ids == {"ALIEXPRESS": frozenset({"aliexpress"})}
        assert watch.queue_watch_alerts(tx.outbox, cfg, d, ids) == 1
        assert watch.queue_watch_alerts(tx.outbox, cfg, d, ids) == 0  # exactly once
        assert watch.queue_watch_alerts(tx.outbox, cfg, digest_input(tx, 2020), ids) == 0
    (alert,) = history.outbox.items(tuple(DeliveryStatus), kind=AlertKind.WATCH)
    m = alert.message
    assert (m.channel, m.recipient) == ("email", "ali@example.org")
    assert m.subject == "Watchlist: ALIEXPRESS is new on USTR's 2021 Notorious Markets List"
    assert "  + ALIEXPRESS (online, China): new, listed for the first time, p. 8\n" in m.body_text


# -- the configuration --------------------------------------------------------------------------


def write(folder: Path, db_url: str, *recipients: Any) -> Path:
    doc = {"database_url": db_url, "alerts": {"email": {"recipients": list(recipients)}}}
    (folder / "config.yaml").write_text(yaml.safe_dump(doc), encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("watch_doc", "said"),
    [
        (
            {"countries": ["Chna"]},
            "alerts.email.recipients.0.watch.countries: unknown country, got 'Chna'",
        ),
        (
            {"markets": ["no-such-market"]},
            "alerts.email.recipients.0.watch.markets: no market with the id 'no-such-market' "
            "in the history",
        ),
        (
            {"markets": ["DHGAET"]},
            "alerts.email.recipients.0.watch.markets: no market named 'DHGAET' in the history "
            "(did you mean 'DHGATE'?)",
        ),
        ({"kinds": ["onlin"]}, "alerts.email.recipients.0.watch.kinds.0: input should be"),
    ],
)
def test_an_invalid_filter_is_a_configuration_error_naming_the_value(
    history: Store, tmp_path: Path, watch_doc: dict[str, Any], said: str
) -> None:
    write(tmp_path, history.url, {"address": "w@example.org", "watch": watch_doc})
    res = cli("status", cwd=tmp_path)
    assert res.code == 2 and said in res.err
    assert len(res.err.strip().splitlines()) == 1


def test_a_name_not_listed_yet_is_watched_until_a_report_lists_it(
    history: Store, tmp_path: Path
) -> None:
    for name in ("ALIEXPRESS", "aliexpress", "Some Future Market", "La Salada"):
        write(tmp_path, history.url, {"address": "w@example.org", "watch": {"markets": [name]}})
        res = cli("status", "--json", cwd=tmp_path)
        assert res.code == 0, (name, res.err)


@pytest.mark.slow
def test_a_watcher_of_aliexpress_hears_once_when_the_2021_review_lists_it(tmp_path: Path) -> None:
    from tracker.pipeline import run_check

    from .smtp_server import Handler, SmtpServer
    from .test_check import PDFS, settings
    from .ustr_fixture_site import build_ustr
    from .ustr_site import Site

    with Site() as site, SmtpServer(Handler()) as smtp:
        doc = settings(tmp_path, build_ustr(site, {2020: PDFS[2020]})["seeds"], smtp.port)
        ali = {"address": "ali@example.org", "watch": {"markets": ["ALIEXPRESS"]}}
        doc["alerts"]["email"]["recipients"].append(ali)
        (tmp_path / "config.yaml").write_text(yaml.safe_dump(doc), encoding="utf-8")
        assert cli("status", cwd=tmp_path).code == 0  # not listed yet: a name, accepted
        cfg = Config.model_validate(doc)
        with Store(cfg.database_url) as store:
            assert run_check(cfg, store).status == "baseline"
            build_ustr(site, {2020: PDFS[2020], 2021: PDFS[2021]})
            assert run_check(cfg, store).status == "new_report"
            run_check(cfg, store)

        def to(address: str) -> list[str]:
            return sorted(m["Subject"] for m in smtp.handler.messages if m["To"] == address)

        digest = "USTR 2021 Notorious Markets List: 11 new, 7 removed, 66 still listed"
        assert to("desk@example.org") == [digest]
        assert to("ali@example.org") == [
            f"{digest}; your watchlist: 1 new, 0 removed",
            "Watchlist: ALIEXPRESS is new on USTR's 2021 Notorious Markets List",
        ]
        sample = cli("test-alert", "--kind", "watch", cwd=tmp_path)
        assert sample.out.strip() == "test alert: 1 sent, 0 failed, 0 pending", sample.err
        assert to("ali@example.org")[-1] == (
            "[nml-tracker] test: Watchlist: your markets on USTR's 2021 Notorious Markets List"
        )
