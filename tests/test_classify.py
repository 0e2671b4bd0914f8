"""The classifier on lines built by hand: one table of the decisions that matter (is the second
line a wrap of the first, or a heading of its own?), each row varying what a typesetter varies,
and the count-driven choice among readings. Pure and fast: no PDF is made."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tracker.extract import classify, reconcile
from tracker.extract.layout import Line, Span, Style
from tracker.extract.profile import Profile
from tracker.extract.trace import Role
from tracker.model import Counts

BODY = Style("Helvetica", 10.5, False, False, "black")
BOLD = Style("Helvetica-Bold", 11.5, True, False, "black")
BOLD_IT = Style("Helvetica-BoldOblique", 11.5, True, True, "black")
GROUP = Style("Helvetica-Bold", 12.0, True, False, "0.11,0.21,0.36")
CAT = Style("Helvetica-Oblique", 11.5, False, True, "black")
RUNIN = Style("Helvetica-Bold", 10.5, True, False, "black")
PROFILE = Profile(body=BODY, leading=14.5, text_left=78.0, text_right=534.0)
TEXT = "Commenters describe the market as a leading source of counterfeit goods in the region."


@dataclass
class L:
    """A line as a row of the table: text, style, the gap above it (baseline to baseline, in
    points), and options."""

    text: str
    style: Style = BODY
    gap: float = 14.5
    x1: float | None = None  # where the line ends (default: by its length)
    new_page: bool = False
    runin: str | None = None  # run-in: the name (set in RUNIN), the text is the rest
    tail: str | None = None  # printed after the text in the body's style (`(domain)`, a city)


def lines(rows: list[L]) -> list[Line]:
    out: list[Line] = []
    page, baseline = 10, 80.0
    for row in rows:
        if row.new_page:
            page, baseline = page + 1, 80.0
        else:
            baseline += row.gap
        if row.runin is not None:
            spans: tuple[Span, ...] = (Span(row.runin, RUNIN), Span(row.text, BODY))
            width = 5.5 * len(row.runin + row.text)
        elif row.tail is not None:
            spans = (Span(row.text, row.style), Span(row.tail, BODY))
            width = 0.55 * row.style.size * len(row.text + row.tail)
        else:
            spans = (Span(row.text, row.style),)
            width = 0.55 * row.style.size * len(row.text)
        x1 = row.x1 if row.x1 is not None else min(78.0 + width, 534.0)
        size = row.style.size
        out.append(Line(page, baseline - size, baseline + 2, 78.0, x1, spans, baseline=baseline))
    return out


def headings(kind: str, rows: list[L], toc: set[str] = frozenset()) -> list[tuple[str, str]]:
    """(role, text) of every heading the classifier reads in `rows`."""
    from tracker import headings as hd

    reading = classify.read_section(
        kind,
        lines(rows),
        PROFILE,
        {hd.fold(t) for t in toc},
        set(),  # type: ignore[arg-type]
    )
    return [(str(h.role), reading.text_of(h)) for h in reading.headings(set())]


BODY_ROWS = [L(TEXT, gap=18.7), L("and attracts wholesale buyers from across the region.")]

CASES = {
    # -- a wrap whose first line stops well short of the margin ------------------------------
    "caps-wrap-short-first-line": (
        "online",
        [L("WECHAT (WEIXIN) E-COMMERCE", BOLD, x1=263), L("ECOSYSTEM", BOLD, gap=15), *BODY_ROWS],
        [("market", "WECHAT (WEIXIN) E-COMMERCE ECOSYSTEM")],
    ),
    "three-line-balanced-heading": (
        "online",
        [
            L("HOSTING CONCEPTS B.V. (D/B/A OPEN", BOLD),
            L("PROVIDER) AND REGIONAL NETWORK", BOLD, gap=15),
            L("INFORMATION CENTER JSC", BOLD, gap=15),
            *BODY_ROWS,
        ],
        [
            (
                "market",
                "HOSTING CONCEPTS B.V. (D/B/A OPEN PROVIDER) AND REGIONAL NETWORK "
                "INFORMATION CENTER JSC",
            )
        ],
    ),
    "physical-wrap-descriptor": (
        "physical",
        [
            L("CHINA", GROUP),
            L("Asia Pacific Xinyang Clothing and Gift", BOLD_IT, gap=28),
            L("Market, Shanghai", BOLD_IT, gap=15),
            *BODY_ROWS,
        ],
        [("group", "CHINA"), ("market", "Asia Pacific Xinyang Clothing and Gift Market, Shanghai")],
    ),
    "physical-wrap-open-parenthesis": (
        "physical",
        [
            L("MEXICO", GROUP),
            L("Mercado San Juan de Dios (Mercado", BOLD_IT, gap=28),
            L("Libertad), Guadalajara", BOLD_IT, gap=15),
            *BODY_ROWS,
        ],
        [
            ("group", "MEXICO"),
            ("market", "Mercado San Juan de Dios (Mercado Libertad), Guadalajara"),
        ],
    ),
    "physical-wrap-trailing-comma": (
        "physical",
        [
            L("CHINA", GROUP),
            L("Chenghai Wholesale Markets, Shantou,", BOLD_IT, gap=28),
            L("Guangdong Province", BOLD_IT, gap=15),
            *BODY_ROWS,
        ],
        [("group", "CHINA"), ("market", "Chenghai Wholesale Markets, Shantou, Guangdong Province")],
    ),
    "wrap-at-page-foot-text-on-next-page": (
        "online",
        [
            L("TOKOPEDIA", BOLD),
            *BODY_ROWS,
            L("WECHAT (WEIXIN) E-COMMERCE", BOLD, gap=30),
            L("ECOSYSTEM", BOLD, gap=15),
            L(TEXT, new_page=True),
        ],
        [("market", "TOKOPEDIA"), ("market", "WECHAT (WEIXIN) E-COMMERCE ECOSYSTEM")],
    ),
    "loose-heading-leading-still-one-heading": (
        "online",
        [L("PRIVATE LAYER-", BOLD), L("HOSTED SITES", BOLD, gap=19), *BODY_ROWS],
        [("market", "PRIVATE LAYER-HOSTED SITES")],
    ),
    # -- two headings, not one ---------------------------------------------------------------
    "country-in-the-market-style": (
        "physical",
        [L("China", BOLD_IT), L("Anfu Market, Putian", BOLD_IT, gap=15), *BODY_ROWS],
        [("group", "China"), ("market", "Anfu Market, Putian")],
    ),
    "category-in-the-market-style": (
        "online",
        [
            L("Cyberlockers", BOLD),
            L("Megaupload (megaupload.com)", BOLD, gap=24),
            *BODY_ROWS,
            L("Rapidgator (rapidgator.net)", BOLD, gap=24),
            *BODY_ROWS,
        ],
        [
            ("group", "Cyberlockers"),
            ("market", "Megaupload (megaupload.com)"),
            ("market", "Rapidgator (rapidgator.net)"),
        ],
    ),
    "category-over-runin": (
        "online",
        [
            L("BitTorrent Indexing", CAT, x1=205),
            L("Commenters describe it as a prominent hub.", gap=17, runin="The Pirate Bay: "),
            *BODY_ROWS,
        ],
        [("group", "BitTorrent Indexing"), ("run-in", "The Pirate Bay:")],
    ),
    # -- only the name set apart --------------------------------------------------------------
    "name-bold-domain-plain": (
        "online",
        [
            L("Putlocker", BOLD, tail=" (putlocker.ch)"),
            *BODY_ROWS,
            L("The Pirate Bay", BOLD, gap=24, tail=" (thepiratebay.se)"),
            *BODY_ROWS,
        ],
        [("market", "Putlocker (putlocker.ch)"), ("market", "The Pirate Bay (thepiratebay.se)")],
    ),
    "name-bold-city-plain": (
        "physical",
        [
            L("ARGENTINA", GROUP),
            L("La Salada", BOLD_IT, gap=28, tail=", Lomas de Zamora, Buenos Aires"),
            *BODY_ROWS,
        ],
        [("group", "ARGENTINA"), ("market", "La Salada, Lomas de Zamora, Buenos Aires")],
    ),
    "bold-lead-in-of-a-sentence-is-text": (
        "online",
        [
            L("ALIEXPRESS", BOLD),
            L("Note", BOLD, gap=18.7, tail=", however, that it grew."),
            *BODY_ROWS,
        ],
        [("market", "ALIEXPRESS")],
    ),
    # -- run-ins -----------------------------------------------------------------------------
    "runin-name-wraps-at-text-measure": (
        "physical",
        [
            L("MEXICO", GROUP),
            L("Mercado San Juan de Dios (Mercado Libertad) (Guadalajara)", RUNIN, gap=28, x1=530),
            L("Visitors can also find pirated software.", gap=14.5, runin="(Jalisco): "),
            *BODY_ROWS,
        ],
        [
            ("group", "MEXICO"),
            ("run-in", "Mercado San Juan de Dios (Mercado Libertad) (Guadalajara) (Jalisco):"),
        ],
    ),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_heading_lines(case: str) -> None:
    kind, rows, expected = CASES[case]
    assert headings(kind, rows) == expected


def test_table_of_contents_decides_the_wrap() -> None:
    rows = [L("PRIVATE LAYER", BOLD), L("HOSTED SITES", BOLD, gap=15), *BODY_ROWS]
    assert headings("online", rows, toc={"PRIVATE LAYER HOSTED SITES"}) == [
        ("market", "PRIVATE LAYER HOSTED SITES")
    ]
    # the contents list the first line by itself: it is a market of its own with no text
    split = headings("online", rows, toc={"PRIVATE LAYER", "HOSTED SITES"})
    assert split == [("market", "PRIVATE LAYER"), ("market", "HOSTED SITES")]


def _reading(rows: list[L]) -> classify.SectionReading:
    return classify.read_section("online", lines(rows), PROFILE, set(), set())


def test_stated_count_flips_the_least_certain_boundary() -> None:
    # two markets with no text between them, set loose: the first reading joins them (no text
    # of its own is strong evidence), the stated count of 3 says they are two
    rows = [
        L("ALIEXPRESS", BOLD),
        *BODY_ROWS,
        L("BAIDU WANGPAN", BOLD, gap=30),
        L("DHGATE", BOLD, gap=26),
        *BODY_ROWS,
    ]
    reading = _reading(rows)
    assert reading.markets(set()) == 2
    notices, trace = reconcile.reconcile({"online": reading}, Counts(3, 0), set())
    assert reading.markets(set()) == 3
    assert [n.code.value for n in notices] == ["reading-chosen"]
    assert "split 'BAIDU WANGPAN' / 'DHGATE'" in trace[-1]


def test_count_never_splits_a_locked_heading() -> None:
    rows = [
        L("WECHAT (WEIXIN) E-COMMERCE", BOLD),
        L("ECOSYSTEM", BOLD, gap=15),
        *BODY_ROWS,
    ]
    from tracker import headings as hd

    reading = classify.read_section(
        "online", lines(rows), PROFILE, {hd.fold("WECHAT (WEIXIN) E-COMMERCE ECOSYSTEM")}, set()
    )
    notices, trace = reconcile.reconcile({"online": reading}, Counts(2, 0), set())
    assert reading.markets(set()) == 1
    assert notices == []
    assert "no reading within reach" in trace[-1]


def test_roles_are_explained() -> None:
    reading = _reading([L("WECHAT (WEIXIN) E-COMMERCE", BOLD), L("ECOSYSTEM", BOLD, gap=15)])
    heads = reading.headings(set())
    trace = classify.decisions(reading, heads)
    assert [d.role for d in trace] == [Role.MARKET, Role.CONTINUATION]
    assert "no text between two lines of one heading style" in " ".join(trace[1].why)


UNREAD_CASES = {
    # a set-apart name opening a paragraph with a separator no rule knows: a doubt, not a guess
    "unknown-separator": ([L("| Download speeds are high.", runin="Taobao (taobao.com)")], 1),
    # the same paragraph with a separator the rules read: a run-in market, no doubt
    "known-separator": ([L(": Download speeds are high.", runin="Taobao (taobao.com)")], 0),
    # running text, and a set-apart word inside a paragraph (not opening one): no doubt
    "plain-text": ([*BODY_ROWS], 0),
    "emphasis-mid-paragraph": (
        [L("Commenters describe the market as a source of", gap=18.7), L(" goods.", runin="fake")],
        0,
    ),
}


@pytest.mark.parametrize("case", UNREAD_CASES)
def test_set_apart_openings_not_read_as_markets_are_doubts(case: str) -> None:
    rows, expected = UNREAD_CASES[case]
    reading = classify.read_section("online", lines(rows), PROFILE, set(), set())
    notes = classify.unread_openings(reading, PROFILE)
    assert len(notes) == expected, [n.message for n in notes]
    for note in notes:
        assert note.code == "unread-name" and note.page == 10
        assert "'Taobao (taobao.com)' opens a paragraph" in note.message


@pytest.mark.parametrize(
    ("text", "doubts"),
    [
        ("25\tÇO SÃO\tO", 1),  # glyphs left behind by a heading moved to the next page
        ("1.\tALIEXPRESS", 0),  # a numbered heading: the gap after its number is layout
        ("ALIEXPRESS", 0),
    ],
)
def test_a_heading_line_with_wide_gaps_inside_is_a_doubt(text: str, doubts: int) -> None:
    from tracker.extract.build import _gapped

    reading = classify.read_section(
        "online", lines([L(text, BOLD), *BODY_ROWS]), PROFILE, set(), set()
    )
    (head,) = reading.headings(set())
    notes = _gapped(reading, head)
    assert [n.code for n in notes] == ["gapped-heading"] * doubts
