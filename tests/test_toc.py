"""The table of contents as the reader parses it, on lines built by hand: where an item that
wraps prints its page number (its last line, as most engines set it, or its first), with the
items set apart by space or evenly. Pure and fast: no PDF is made."""

from __future__ import annotations

import pytest

from tracker.extract.layout import Line, Span, Style
from tracker.extract.toc import _parse
from tracker.headings import fold

BODY = Style("Times", 11.0, False, False, "black")
HOSTING = "HOSTING CONCEPTS B.V. (D/B/A OPEN PROVIDER) AND REGIONAL NETWORK INFORMATION CENTER JSC"


def toc(rows: list[tuple[str, float]]) -> list[Line]:
    """(text, gap above in points) rows; a tab before the page number. A line with a number
    ends in the page-number column (x 400), one without ends short of it."""
    out, baseline = [], 100.0
    for text, gap in rows:
        baseline += gap
        x1 = 400.0 if text[-1].isdigit() else 330.0
        out.append(Line(2, baseline - 11, baseline + 2, 72.0, x1, (Span(text, BODY),), baseline))
    return out


CASES = {
    "number-last-even": [
        ("ONLINE MARKETS\t3", 14),
        ("BESTBUYIPTV\t4", 14),
        ("HOSTING CONCEPTS B.V. (D/B/A OPEN", 14),
        ("PROVIDER) AND REGIONAL NETWORK", 14),
        ("INFORMATION CENTER JSC\t4", 14),
        ("KINOGO\t5", 14),
    ],
    "number-last-spaced": [
        ("ONLINE MARKETS\t3", 20),
        ("BESTBUYIPTV\t4", 20),
        ("HOSTING CONCEPTS B.V. (D/B/A OPEN", 20),
        ("PROVIDER) AND REGIONAL NETWORK", 14),
        ("INFORMATION CENTER JSC\t4", 14),
        ("KINOGO\t5", 20),
    ],
    "number-first-spaced": [
        ("ONLINE MARKETS\t3", 20),
        ("BESTBUYIPTV\t4", 20),
        ("HOSTING CONCEPTS B.V. (D/B/A OPEN\t4", 20),
        ("PROVIDER) AND REGIONAL NETWORK", 14),
        ("INFORMATION CENTER JSC", 14),
        ("KINOGO\t5", 20),
    ],
    "number-first-even": [  # only the open parenthesis says the item goes on
        ("ONLINE MARKETS\t3", 14),
        ("BESTBUYIPTV\t4", 14),
        ("HOSTING CONCEPTS B.V. (D/B/A OPEN\t4", 14),
        ("PROVIDER) AND REGIONAL NETWORK INFORMATION CENTER JSC", 14),
        ("KINOGO\t5", 14),
    ],
    # a first line that fills the measure prints its number after a mere space, in the column
    "number-first-after-a-space": [
        ("ONLINE MARKETS\t3", 13.5),
        ("BESTBUYIPTV\t4", 13.5),
        ("HOSTING CONCEPTS B.V. (D/B/A OPEN PROVIDER) AND REGIONAL 4", 13.5),
        ("NETWORK INFORMATION CENTER JSC", 12.8),
        ("KINOGO\t5", 13.5),
    ],
    # ...or after the one leader dot there was room for, its last word hyphenated
    "number-first-one-leader-dot": [
        ("ONLINE MARKETS\t3", 13.5),
        ("BESTBUYIPTV\t4", 13.5),
        ("HOSTING CONCEPTS B.V. (D/B/A OPEN PROVIDER) AND REGIONAL NETWORK INFOR- .4", 13.5),
        ("MATION CENTER JSC", 12.8),
        ("KINOGO\t5", 13.5),
    ],
}


@pytest.mark.parametrize("case", CASES)
def test_a_wrapped_item_is_one_name_wherever_its_number_is(case: str) -> None:
    items = _parse(toc(CASES[case])).items
    # a hyphen at a break stays in the contents' text (`E-COMMERCE` may break there too); the
    # names are compared folded, as the reader compares them with the body's headings
    names = [fold(i.text) for i in items]
    assert names == [fold(n) for n in ("ONLINE MARKETS", "BESTBUYIPTV", HOSTING, "KINOGO")]
    assert [i.page_label for i in items] == ["3", "4", "4", "5"]
