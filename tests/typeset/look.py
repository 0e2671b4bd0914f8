"""How a report looks: the choices a typesetter makes, drawn at random (seeded) independently of
what the report says. Every engine reads the same `Look` and renders it its own way."""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass
from typing import Literal

Emphasis = Literal["bold", "size", "colour", "caps"]
Marker = Literal["raised", "unicode", "none"]

SERIF = ("Liberation Serif", "DejaVu Serif", "TeX Gyre Termes", "Caladea", "Nimbus Roman")
SANS = ("Liberation Sans", "DejaVu Sans", "Carlito", "TeX Gyre Heros", "Open Sans", "Roboto")


@dataclass(frozen=True)
class Look:
    body_font: str = "Liberation Serif"
    heading_font: str = "Liberation Serif"  # may differ from the body's (sans headings)
    body_size: float = 11.0  # pt
    line_height: float = 1.2  # of the font size
    justify: bool = True
    emphasis: Emphasis = "bold"  # how market headings are set apart
    heading_size: float = 1.0  # market headings' size, times the body size
    heading_line_height: float = 1.2
    heading_measure: float = 1.0  # share of the text width market headings may use
    balance: bool = False  # balance the lines of a wrapped heading
    space_before: float = 1.0  # em, above a market heading
    space_after: float = 0.4  # em, below it
    physical_italic: bool = True  # physical market headings in bold italic
    plain_tail: bool = False  # only the name is set apart, not its domain or city
    group_size: float = 1.1  # country / category headings, times the body size
    group_caps: bool = False  # country headings in capitals (modern reports always are)
    group_underline: bool = False
    colour: str = "#1F4E79"
    section_size: float = 1.35
    marker: Marker = "raised"
    runin_bold_italic: bool = False
    toc_leaders: bool = True
    page: Literal["letter", "a4"] = "letter"
    margin_in: float = 1.0
    running_header: bool = True
    folio: Literal["Page {n}", "{n}", "- {n} -", ""] = "{n}"

    def describe(self) -> str:
        default = Look()
        return " ".join(f"{k}={v}" for k, v in asdict(self).items() if v != getattr(default, k))


def random_look(seed: int, emphasis: Emphasis | None = None) -> Look:
    rng = random.Random(seed)
    serif = rng.random() < 0.5
    body = rng.choice(SERIF if serif else SANS)
    heading = body if rng.random() < 0.6 else rng.choice(SANS)
    emph: Emphasis = emphasis or rng.choice(("bold", "bold", "size", "colour", "caps"))
    return Look(
        body_font=body,
        heading_font=heading,
        body_size=rng.choice((9.5, 10.0, 10.5, 11.0, 11.5, 12.0)),
        line_height=rng.choice((1.05, 1.15, 1.2, 1.3, 1.4, 1.5)),
        justify=rng.random() < 0.6,
        emphasis=emph,
        heading_size=rng.choice((1.0, 1.0, 1.05, 1.1, 1.2)) if emph != "size" else 1.25,
        heading_line_height=rng.choice((1.0, 1.1, 1.2, 1.3)),
        heading_measure=rng.choice((1.0, 1.0, 0.75, 0.6, 0.5)),
        balance=rng.random() < 0.4,
        space_before=rng.choice((0.5, 0.8, 1.0, 1.5)),
        space_after=rng.choice((0.0, 0.2, 0.4, 0.8)),
        physical_italic=rng.random() < 0.5,
        group_size=rng.choice((1.0, 1.1, 1.2, 1.4)),
        group_caps=rng.random() < 0.3,
        group_underline=rng.random() < 0.2,
        section_size=rng.choice((1.2, 1.35, 1.6)),
        marker=rng.choice(("raised", "raised", "unicode", "none")),
        runin_bold_italic=rng.random() < 0.2,
        toc_leaders=rng.random() < 0.7,
        page=rng.choice(("letter", "letter", "a4")),
        margin_in=rng.choice((0.75, 1.0, 1.0, 1.25)),
        running_header=rng.random() < 0.8,
        folio=rng.choice(("Page {n}", "{n}", "{n}", "- {n} -", "")),
        plain_tail=emph in ("bold", "colour") and rng.random() < 0.25,  # drawn last: older
    )  # seeds keep their looks
