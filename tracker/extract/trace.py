"""Why each line got its role: what `extract --explain` prints, and what golden traces keep."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    MARKET = "market"  # a market's heading (or its first line)
    CONTINUATION = "continuation"  # a wrapped further line of the heading above
    GROUP = "group"  # a country or category heading over the markets below it
    RUNIN = "run-in"  # a paragraph opening with a market's name
    TEXT = "text"  # running text, or a heading-like line that is not a listing


@dataclass
class Decision:
    """One candidate line: its page, style class, the role decided, and why."""

    page: int
    text: str
    section: str  # online | physical
    style: str  # the style class label, e.g. "S2 Helvetica-Bold 11.5"
    role: Role
    rule: str  # the rule that decided, a short code
    why: list[str] = field(default_factory=list)  # the evidence, strongest first

    def line(self) -> str:
        reasons = "; ".join(self.why)
        return (
            f"p{self.page:<3} {self.section:<8} {self.style:<34} {self.role:<12} "
            f"{self.text[:60]!r}  [{self.rule}] {reasons}"
        )


@dataclass
class Trace:
    """The decisions of one extraction, in document order, and the constraints that chose."""

    profile: str = ""
    styles: list[str] = field(default_factory=list)  # one line per style class
    decisions: list[Decision] = field(default_factory=list)
    readings: list[str] = field(default_factory=list)  # what reconcile weighed and chose
    year: list[str] = field(default_factory=list)  # the review-year evidence

    def render(self, page: int | None = None) -> str:
        out = ["# profile", self.profile, "", "# style classes", *self.styles, "", "# lines"]
        out += [d.line() for d in self.decisions if page is None or d.page == page]
        out += ["", "# readings", *(self.readings or ["(the first reading met every check)"])]
        out += ["", "# review year", *self.year]
        return "\n".join(out)
