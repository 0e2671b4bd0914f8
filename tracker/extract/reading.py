"""What the classifier works on: the lines of a results section as items, the boundaries
between heading lines, and the headings they make."""

from __future__ import annotations

from dataclasses import dataclass, field

from tracker.extract.features import RunIn
from tracker.extract.layout import Line, Style
from tracker.extract.trace import Role

StyleKey = tuple[str, float, bool, bool, str, bool]


@dataclass
class Item:
    """One line of a results section, as the classifier sees it."""

    line: Line
    kind: str  # heading | runin | text
    style: StyleKey
    runin: RunIn | None = None


@dataclass
class Boundary:
    """Between two consecutive lines of one heading run: joined (one heading) or not."""

    above: int  # item index
    below: int
    score: float  # log-odds that the two lines are one heading
    why: list[str]
    locked: bool = False  # decided by the table of contents: reconcile never flips it
    join: bool = False

    @property
    def rule(self) -> str:
        return "join" if self.join else "split"


@dataclass
class Heading:
    items: list[int]  # the item indices of its lines, first line first
    role: Role = Role.MARKET
    rule: str = ""
    why: list[str] = field(default_factory=list)

    @property
    def first(self) -> int:
        return self.items[0]


def runin_style(item: Item) -> Style | None:
    first = next((s for s in item.line.spans if not s.marker and s.text.strip()), None)
    return first.style if first else None
