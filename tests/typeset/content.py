"""What a report says, independent of any typesetter: an ordered list of blocks (cover, contents,
sections, group and market headings, run-in paragraphs, running text, footnotes) and the truth
of its listings (without pages: each engine's PDF gives those).

The content of a report comes from `pdfgen.sample_spec` (real market names, hard cases, counts
sentence styles, Positive Developments); this module only turns it into blocks, so that the
engines in this package (HTML in Chromium, Typst, .docx in LibreOffice) set the same words in
their own ways.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from tests import pdfgen
from tests.pdfgen import Market, ReportSpec, mention_of, number_words

BlockKind = Literal[
    "cover_org",
    "cover_title",
    "cover_date",
    "toc",
    "section",  # Overview, Results, Online Markets, Public Information...
    "subsection",  # Issue Focus subheadings (Background...)
    "group",  # a country or a category
    "market",  # a market's own heading (mid and modern eras)
    "runin",  # a paragraph opening with a market's name (early era)
    "para",
    "pagebreak",
]


@dataclass
class Block:
    kind: BlockKind
    text: str = ""  # headings: the printed text; para: the text; runin: the text after the name
    key: str | None = None  # entries: "entry<i>"; sections: "sec:<name>" (TOC targets)
    name: str = ""  # runin: the printed name (with its parenthesised city or domain)
    note: str | None = None  # a footnote whose marker follows the heading / run-in name
    sep: str = ": "  # runin: the separator after the name
    level: int = 0  # toc items: indentation level
    toc: list[tuple[str, str, int]] = field(default_factory=list)  # (text, key, level)
    market: Market | None = None


@dataclass
class Content:
    spec: ReportSpec
    title: str
    header: str  # the running header's words
    blocks: list[Block]
    entries: list[dict[str, Any]]  # truth entries, in order, without pages; each has "key"

    def truth(self, pages: dict[str, int]) -> dict[str, Any]:
        spec = self.spec
        if spec.counts == "none":
            stated = None
        elif spec.stated:
            stated = {"online": spec.stated[0], "physical": spec.stated[1]}
        else:
            online = sum(m.kind == "online" for m in spec.markets)
            stated = {"online": online, "physical": len(spec.markets) - online}
        entries = []
        for e in self.entries:
            entries.append({**{k: v for k, v in e.items() if k != "key"}, "page": pages[e["key"]]})
        return {
            "review_year": spec.year,
            "title": self.title,
            "stated_counts": stated,
            "entries": entries,
            "warnings": [],
        }


def build(spec: ReportSpec, caps: bool = False) -> Content:
    """The blocks of `spec`'s report. `caps`: headings printed in capitals (names too)."""
    return _Writer(spec, caps).content()


class _Writer:
    def __init__(self, spec: ReportSpec, caps: bool) -> None:
        self.spec, self.caps, self.era = spec, caps, spec.era
        self.blocks: list[Block] = []
        self.notes = 0
        mentions = [m.mention or mention_of(m.name) for m in spec.markets]
        others = [d for d in pdfgen.DISTRACTORS if d not in spec.positive][:6]
        self.text = pdfgen._Text(spec.seed, mentions + others)

    def up(self, text: str) -> str:
        return text.upper() if self.caps else text

    # -- titles ----------------------------------------------------------------------------

    @property
    def title(self) -> str:
        y = self.spec.year
        if self.era == "early":
            return "Out-of-Cycle Review of Notorious Markets"
        if self.era == "mid":
            return f"{y} Out-of-Cycle Review of Notorious Markets"
        return f"{y} Review of Notorious Markets for Counterfeiting and Piracy"

    def sections(self) -> dict[str, str]:
        y = self.spec.year
        prev = {
            "early": f"Positive Developments Since the February {y} List",
            "mid": f"Positive Developments Since the {y - 1} Out-of-Cycle Review of Notorious "
            "Markets",
            "modern": "Positive Developments Since the "
            + (f"{y - 1} Out-of-Cycle Review" if y <= 2019 else f"{y - 1} Notorious Markets List"),
        }[self.era]
        results = {
            "early": "Results of the Out-of-Cycle Review of Notorious Markets",
            "mid": f"Results of the {y} Out-of-Cycle Review of Notorious Markets",
            "modern": f"Results of the {y} Review of Notorious Markets",
        }[self.era]
        overview = (
            f"Overview of the Results of the {y} Review of Notorious Markets for Counterfeiting "
            "and Piracy"
            if self.era == "modern"
            else "Overview"
        )
        issue = "Issue Focus: " + pdfgen.ISSUE_TOPICS[y % len(pdfgen.ISSUE_TOPICS)]
        return {"overview": overview, "issue": issue, "positive": prev, "results": results}

    def cover_date(self) -> str:
        rng = random.Random(self.spec.seed * 7 + self.spec.year)
        y = self.spec.year
        if self.era == "early":
            return rng.choice(
                [f"December {y}", f"December {rng.randint(1, 28)}, {y}", f"February {y + 1}"]
            )
        if self.era == "mid":
            return rng.choice([f"December {y}", f"January {y + 1}"])
        return f"{rng.choice(pdfgen.MONTHS[:4])} {y + 1}"

    # -- the document ----------------------------------------------------------------------

    def content(self) -> Content:
        spec, secs = self.spec, self.sections()
        add = self.blocks.append
        add(Block("cover_org", "OFFICE OF THE UNITED STATES TRADE REPRESENTATIVE"))
        add(Block("cover_title", self.title))
        add(Block("cover_date", self.cover_date()))
        add(Block("pagebreak"))
        add(
            Block(
                "toc",
                "Table of Contents" if self.era != "mid" else "Contents",
                toc=self._toc_items(),
            )
        )
        add(Block("pagebreak"))
        self.section(secs["overview"], "overview")
        self.paras(self._overview(), note_every=2)
        if self.issue_focus:
            self.section(secs["issue"], "issue")
            for sub in ("Background", "Recent Trends", "Recommendations"):
                add(Block("subsection", self.up(sub)))
                self.paras(self.text.pool(None, "", "", "", n=3)[:2], note_every=1)
        if not spec.positive_after_results and spec.positive:
            self.positive(secs["positive"])
        add(Block("pagebreak"))
        self.section(secs["results"], "results")
        self.paras(
            [
                "The entries that follow are organized into online markets and physical markets. "
                "Each entry summarizes the information received during the review period. Online "
                "markets are listed in alphabetical order; physical markets are grouped by country."
            ]
        )
        entries = self.results()
        if spec.positive_after_results and spec.positive:
            self.positive(secs["positive"])
        self.section("Public Information", "public")
        self.paras(
            [
                f"USTR requested public comments for the {spec.year} review through a notice in "
                "the Federal Register. Submissions and rebuttals received in response to that "
                "notice are available to the public on the docket at https://www.regulations.gov.",
            ],
            note_every=1,
        )
        header = f"{spec.year} Review of Notorious Markets" if self.era == "modern" else self.title
        return Content(spec, self.title, header, self.blocks, entries)

    @property
    def issue_focus(self) -> bool:
        return self.era != "early" if self.spec.issue_focus is None else self.spec.issue_focus

    def section(self, text: str, key: str) -> None:
        self.blocks.append(Block("section", self.up(text), key=f"sec:{key}"))

    def next_note(self) -> str | None:
        if self.spec.typesetting.footnotes == "none":
            return None
        self.notes += 1
        texts = (
            "See the public docket at https://www.regulations.gov.",
            "Traffic figures are estimates supplied by commenters and are approximate.",
            "Domain information reflects the status at the close of the review period.",
            "Information on ownership is based on public registration records.",
        )
        return texts[self.notes % len(texts)]

    def paras(self, texts: list[str], note_every: int = 0) -> None:
        for i, t in enumerate(texts):
            note = self.next_note() if note_every and (i + 1) % note_every == 0 else None
            self.blocks.append(Block("para", t, note=note))

    def _counts_sentence(self) -> str | None:
        spec = self.spec
        if spec.counts == "none":
            return None
        online = sum(m.kind == "online" for m in spec.markets)
        physical = len(spec.markets) - online
        if spec.stated:
            online, physical = spec.stated
        on, ph = (
            (number_words(online), number_words(physical))
            if spec.counts == "words"
            else (str(online), str(physical))
        )
        rng = random.Random(spec.seed + 11)
        return rng.choice(
            (
                f"In all, the {spec.year} Notorious Markets List highlights {on} online markets and "
                f"{ph} physical markets reported to engage in or facilitate substantial piracy and "
                "counterfeiting.",
                f"This year’s List identifies {on} online markets and {ph} physical markets that "
                "are reported to engage in or facilitate substantial piracy or counterfeiting.",
            )
        )

    def _overview(self) -> list[str]:
        spec, y = self.spec, self.spec.year
        rng = random.Random(spec.seed + 3)
        opening = rng.choice(
            (
                f"This document presents the results of the {y} review and draws attention to "
                "marketplaces where counterfeit and pirated goods are reported to be widely "
                "available.",
                f"The {y} Review of Notorious Markets highlights prominent and illustrative examples "
                "of online and physical markets that reportedly engage in or facilitate substantial "
                "piracy or counterfeiting.",
            )
        )
        counts = self._counts_sentence()
        first = opening + (" " + counts if counts else "")
        listed = [m.mention or mention_of(m.name) for m in spec.markets]
        named = rng.sample(listed, k=min(spec.overview_mentions, len(listed)))
        paras = [first]
        if named:
            paras.append(
                "Markets discussed in this year’s results include " + ", ".join(named) + ". "
                "Being named in this document is not a legal determination."
            )
        paras.append(
            "The United States encourages the owners and operators of listed markets, and the "
            "governments with jurisdiction over them, to act against the infringing activity "
            "described here."
        )
        return paras

    def positive(self, title: str) -> None:
        self.section(title, "positive")
        self.paras(
            [
                "Since the previous List was published, several markets have closed or changed "
                "their practices. The markets named in this section are not included in the "
                f"{self.spec.year} List."
            ]
        )
        for name in self.spec.positive:
            self.blocks.append(
                Block(
                    "runin",
                    "The service is no longer identified after its operators shut it down.",
                    name=self.up(name),
                )
            )

    # -- results ---------------------------------------------------------------------------

    def _toc_items(self) -> list[tuple[str, str, int]]:
        secs, spec = self.sections(), self.spec
        items = [(secs["overview"], "sec:overview", 0)]
        if self.issue_focus:
            items.append((secs["issue"], "sec:issue", 0))
        if not spec.positive_after_results and spec.positive:
            items.append((secs["positive"], "sec:positive", 0))
        items.append((secs["results"], "sec:results", 0))
        sub = 1 if self.era == "modern" else 0
        items.append(("Online Markets", "sec:online", sub))
        if self.era == "modern":
            items += [
                (self.up(m.name), f"entry{i}", 2)
                for i, m in enumerate(spec.markets)
                if m.kind == "online"
            ]
        items.append(("Physical Markets", "sec:physical", sub))
        if self.era == "modern":
            seen: list[str] = []
            for i, m in enumerate(spec.markets):
                if m.kind == "physical" and m.country and m.country not in seen:
                    seen.append(m.country)
                    items.append((m.country.upper(), f"entry{i}", 2))
        if spec.positive_after_results and spec.positive:
            items.append((secs["positive"], "sec:positive", 0))
        items.append(("Public Information", "sec:public", 0))
        return [(self.up(t), k, lv) for t, k, lv in items]

    def results(self) -> list[dict[str, Any]]:
        truth: list[dict[str, Any]] = []
        for kind in ("online", "physical"):
            group: str | None = None
            self.section("Online Markets" if kind == "online" else "Physical Markets", kind)
            for i, m in enumerate(self.spec.markets):
                if m.kind != kind:
                    continue
                g = m.category if kind == "online" and self.era == "early" else m.country
                if g and g != group and (kind == "physical" or self.era == "early"):
                    printed = g.upper() if kind == "physical" and self.era == "modern" else g
                    self.blocks.append(Block("group", self.up(printed)))
                group = g
                truth.append(self.entry(i, m))
        return truth

    def entry(self, i: int, m: Market) -> dict[str, Any]:
        key, name = f"entry{i}", self.up(m.name)
        if m.kind == "online":
            heading = name
            if m.domain and self.era != "modern":
                heading = f"{name} ({self.up(m.domain)})"
            t: dict[str, Any] = {"name": name, "kind": "online", "country": None, "city": None}
        else:
            city = self.up(m.city) if m.city else None
            heading = name
            if city and self.era == "modern":
                heading = f"{name}, {city}" + (f", {self.up(m.province)}" if m.province else "")
            elif city and self.era == "mid":
                heading = f"{name} – {city}"
            elif city:
                heading = f"{name} ({city})"
            t = {"name": name, "kind": "physical", "country": m.country, "city": city}
        t.update(domains=[], key=key)
        note = self.next_note() if m.footnote else None
        mention = m.mention or mention_of(m.name)
        n = random.Random(f"{self.spec.seed}-{key}").randint(*self.spec.paragraphs)
        paras = self.text.entry(m.kind, mention, m.country or "", m.city or "", n, [mention])
        if self.era == "early":
            sep = " – " if self.spec.runin_sep == "–" and m.kind == "online" else ": "
            self.blocks.append(
                Block("runin", paras[0], key=key, name=heading, note=note, sep=sep, market=m)
            )
            self.paras(paras[1:], note_every=3)
        else:
            self.blocks.append(Block("market", heading, key=key, note=note, market=m))
            self.paras(paras, note_every=3)
        return t


def plain_name(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def name_and_tail(block: Block, caps: bool) -> tuple[str, str]:
    """A market heading as its name and what follows it (`(domain)`, `, City`, ` – City`)."""
    name = block.market.name if block.market else block.text
    name = name.upper() if caps else name
    if block.text.startswith(name):
        return name, block.text[len(name) :]
    return block.text, ""
