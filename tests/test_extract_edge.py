"""The extractor against reports set by "another typesetter" (tests/pdfgen.py).

One parametrised test over a table of named cases, one per robustness item. Each case builds a
small synthetic report (a handful of markets), checks that the generator really produced the
hard case (a wrapped heading is on two lines, ...), and requires the extraction to equal the
truth the generator recorded while laying the pages out: names, kinds, countries, cities, pages,
review year, title and stated counts (`pdfgen.compare`).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import pytest

from tracker.extract import extract

from . import pdfgen
from .pdfgen import Market, ReportSpec, Typesetting, online_market, physical_market

pytestmark = pytest.mark.slow  # real PDFs, read in full

Check = Callable[[bytes, dict[str, Any]], None]  # (pdf, truth): the hard case happened


# ---------------------------------------------------------------------------------------------
# building blocks


def modern(*names: str, **kw: Any) -> list[Market]:
    return [online_market("modern", n, **kw) for n in names]


def mid(*names: str, **kw: Any) -> list[Market]:
    return [online_market("mid", n, **kw) for n in names]


def early(*names: str, **kw: Any) -> list[Market]:
    return [online_market("early", n, **kw) for n in names]


def phys(*names: str, **kw: Any) -> list[Market]:
    return [physical_market(n, **kw) for n in names]


def flag(markets: list[Market], name: str, **kw: Any) -> list[Market]:
    """`markets` with the one named `name` changed."""
    assert any(m.name == name for m in markets), name
    return [replace(m, **kw) if m.name == name else m for m in markets]


MODERN_ONLINE = modern("ALIEXPRESS", "BAIDU WANGPAN", "TAOBAO")
MODERN_PHYSICAL = phys("La Salada", "Tepito", "Ben Thanh Market")
MID_ONLINE = mid("Libgen.io / Bookfi.net", "Putlocker", "The Pirate Bay")
MID_PHYSICAL = phys("La Salada", "Ciudad del Este", "MBK Center")
EARLY_ONLINE = early("Allofmp3 clones", "Gougou", "Xunlei", "The Pirate Bay", "Megaupload")
EARLY_PHYSICAL = phys("Tepito", "Ciudad del Este", "Petaling Street")


def report(
    era: pdfgen.Era,
    markets: list[Market],
    year: int | None = None,
    ts: dict[str, Any] | None = None,
    **kw: Any,
) -> ReportSpec:
    year = year or {"early": 2011, "mid": 2016, "modern": 2021}[era]
    base: dict[str, Any] = {"footnotes": "raised"}
    return ReportSpec(
        era=era,
        year=year,
        markets=tuple(markets),
        typesetting=Typesetting(**{**base, **(ts or {})}),
        seed=kw.pop("seed", 7),
        **kw,
    )


# checks that the generator produced the hard case (so a pass means something)


def wrapped(name: str) -> Check:
    def check(pdf: bytes, truth: dict[str, Any]) -> None:
        lines = {e["name"]: e["heading_lines"] for e in truth["layout"]["entries"]}
        assert lines[name] >= 2, f"{name!r} did not wrap: the case tests nothing"

    return check


def runin_line_mostly_name(printed: str) -> Check:
    """The run-in's first line is the name plus at most one short word of text."""

    def check(pdf: bytes, truth: dict[str, Any]) -> None:
        import pdfplumber

        with pdfplumber.open(io.BytesIO(pdf)) as doc:
            lines = [
                ln["text"] for page in doc.pages for ln in page.extract_text_lines() if ln["text"]
            ]
        first = next((ln for ln in lines if ln.startswith(printed)), None)
        assert first is not None, f"no line starts with {printed!r}"
        rest = first[len(printed) :].split()
        assert len(rest) <= 1, f"the first line goes on with {rest!r}: the case tests nothing"

    return check


def counts_hyphenated(pdf: bytes, truth: dict[str, Any]) -> None:
    """The counts sentence is broken at a hyphen (`physical mar-` / `kets`)."""
    import pdfplumber

    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        text = "\n".join(page.extract_text() or "" for page in doc.pages[:5])
    m = re.search(
        r"\w+\s+online\s+mar(?:-\n)?kets\s+(?:and|as\s+well\s+as)\s+\w+\s+"
        r"phy(?:-\n)?si(?:-\n)?cal\s+mar(?:-\n)?kets",
        text,
    )
    assert m and "-\n" in m.group(0), (
        "the counts sentence is not hyphenated: the case tests nothing"
    )


def warns(text: str) -> Callable[[dict[str, Any]], None]:
    """For the extraction: some warning contains `text`."""

    def check(got: dict[str, Any]) -> None:
        assert any(text in w for w in got["warnings"]), got["warnings"]

    return check


@dataclass(frozen=True)
class Case:
    id: str
    spec: ReportSpec
    layout: tuple[Check, ...] = ()  # on the truth: the hard case really happened
    extraction: tuple[Check, ...] = field(default=())  # on the extraction, besides equality


def case(id: str, spec: ReportSpec, *layout: Check, warning: str | None = None) -> Case:
    return Case(id, spec, tuple(layout), (warns(warning),) if warning else ())


LONG = "HOSTING CONCEPTS B.V. (D/B/A OPEN PROVIDER) AND REGIONAL NETWORK INFORMATION CENTER JSC"
POBIERAMY = "Pobieramy24.pl / Darkwarez.pl / Catshare.net / Fireshark.pl"

CASES = [
    # -- eras --------------------------------------------------------------------------------
    case("era-early", report("early", EARLY_ONLINE + EARLY_PHYSICAL)),
    case("era-mid", report("mid", MID_ONLINE + MID_PHYSICAL)),
    case("era-modern", report("modern", MODERN_ONLINE + MODERN_PHYSICAL)),
    # -- run-in names (early era) --------------------------------------------------------------
    case(
        "runin-colon-inside-bold",
        report("early", EARLY_ONLINE[:3] + EARLY_PHYSICAL, ts={"runin_colon_inside": True}),
    ),
    case(
        "runin-colon-outside-bold",
        report("early", EARLY_ONLINE[:3] + EARLY_PHYSICAL, ts={"runin_colon_inside": False}),
    ),
    case(
        "runin-dash-after-domain",
        report(
            "early",
            early("The Pirate Bay", "IsoHunt", "Demonoid") + EARLY_PHYSICAL[:2],
            runin_sep="–",
        ),
    ),
    case(
        "runin-plain-domain-after-bold-name",
        report(
            "early",
            early("The Pirate Bay", "IsoHunt", "Demonoid") + EARLY_PHYSICAL[:2],
            runin_sep="–",
            ts={"runin_domain_plain": True},
        ),
    ),
    case(
        "runin-colour",
        report("early", EARLY_ONLINE[:3] + EARLY_PHYSICAL[:2], ts={"emphasis": "colour"}),
    ),
    # -- heading emphasis -------------------------------------------------------------------
    case(
        "emphasis-bold", report("modern", MODERN_ONLINE + MODERN_PHYSICAL, ts={"emphasis": "bold"})
    ),
    case(
        "emphasis-size-only",
        report("modern", MODERN_ONLINE + MODERN_PHYSICAL, ts={"emphasis": "size"}),
    ),
    case(
        "emphasis-colour-only",
        report("modern", MODERN_ONLINE + MODERN_PHYSICAL, ts={"emphasis": "colour"}),
    ),
    case(
        "emphasis-caps-body-font",
        report("modern", MODERN_ONLINE + MODERN_PHYSICAL, ts={"emphasis": "caps"}),
    ),
    case(
        "emphasis-size-only-mid", report("mid", MID_ONLINE + MID_PHYSICAL, ts={"emphasis": "size"})
    ),
    # -- table of contents ------------------------------------------------------------------
    case("toc-dot-leaders", report("modern", MODERN_ONLINE + MODERN_PHYSICAL, ts={"toc": "dots"})),
    case(
        "toc-page-number-first",
        report("modern", MODERN_ONLINE + MODERN_PHYSICAL, ts={"toc": "number_first"}),
    ),
    case(
        "toc-right-number-no-leaders",
        report("modern", MODERN_ONLINE + MODERN_PHYSICAL, ts={"toc": "right"}),
    ),
    # -- fonts and page furniture -------------------------------------------------------------
    case(
        "font-helvetica-10pt",
        report(
            "modern", MODERN_ONLINE + MODERN_PHYSICAL, ts={"font": "Helvetica", "body_size": 10.0}
        ),
    ),
    case(
        "font-courier-11pt",
        report(
            "modern", MODERN_ONLINE + MODERN_PHYSICAL, ts={"font": "Courier", "body_size": 11.0}
        ),
    ),
    case(
        "font-ttf-dejavu-sans",
        report(
            "modern", MODERN_ONLINE + MODERN_PHYSICAL, ts={"font": "DejaVuSans", "body_size": 10.5}
        ),
    ),
    case(
        "no-running-header-no-folios",
        report(
            "mid", MID_ONLINE + MID_PHYSICAL, ts={"running_header": False, "page_numbers": False}
        ),
    ),
    # -- footnote markers on headings ---------------------------------------------------------
    case(
        "footnote-raised-digits",
        report(
            "modern",
            flag(MODERN_ONLINE, "TAOBAO", footnote=True) + MODERN_PHYSICAL,
            ts={"footnotes": "raised"},
        ),
    ),
    case(
        "footnote-unicode-superscript",
        report(
            "modern",
            flag(MODERN_ONLINE, "TAOBAO", footnote=True) + MODERN_PHYSICAL,
            ts={"footnotes": "unicode"},
        ),
    ),
    case(
        "footnote-glued-digits",
        report(
            "modern",
            flag(MODERN_ONLINE, "TAOBAO", footnote=True) + MODERN_PHYSICAL,
            ts={"footnotes": "glued"},
        ),
    ),
    case(
        "footnote-glued-digits-after-domain",
        report(
            "mid",
            flag(MID_ONLINE, "Putlocker", footnote=True) + MID_PHYSICAL,
            ts={"footnotes": "glued"},
        ),
    ),
    case(
        "footnote-glued-digits-after-city",
        report(
            "modern",
            MODERN_ONLINE + flag(MODERN_PHYSICAL, "Tepito", footnote=True),
            ts={"footnotes": "glued"},
        ),
    ),
    case(
        "footnote-glued-digits-name-ends-in-digit",
        report(
            "modern",
            flag(modern("ALIEXPRESS", "DYTT8", "TAOBAO"), "DYTT8", footnote=True) + MODERN_PHYSICAL,
            ts={"footnotes": "glued"},
        ),
    ),
    case(
        "footnote-raised-on-runin",
        report(
            "early",
            flag(EARLY_ONLINE, "Xunlei", footnote=True) + EARLY_PHYSICAL,
            ts={"footnotes": "raised"},
        ),
    ),
    # -- headings that wrap ------------------------------------------------------------------
    case(
        "wrapped-heading",
        report(
            "mid",
            mid("MyEgy.to", POBIERAMY, "Primewire.ag") + MID_PHYSICAL,
            ts={"font": "Courier", "emphasis": "size", "body_size": 12.0},
        ),
        wrapped(POBIERAMY),
    ),
    case(
        "multi-company-heading",
        report("modern", modern("FLVTO", LONG, "MP3JUICES") + MODERN_PHYSICAL),
        wrapped(LONG),
    ),
    case(
        "hyphenated-heading",
        report(
            "modern",
            flag(
                modern("PINDUODUO", "PRIVATE LAYER-HOSTED SITES", "RAPIDGATOR"),
                "PRIVATE LAYER-HOSTED SITES",
                break_after="PRIVATE LAYER-",
            )
            + MODERN_PHYSICAL,
        ),
        wrapped("PRIVATE LAYER-HOSTED SITES"),
    ),
    case(
        "wrapped-heading-caps-body-font",
        report(
            "modern", modern("FLVTO", LONG, "MP3JUICES") + MODERN_PHYSICAL, ts={"emphasis": "caps"}
        ),
        wrapped(LONG),
    ),
    case(
        "hyphenated-heading-caps-body-font",
        report(
            "modern",
            flag(
                modern("PINDUODUO", "PRIVATE LAYER-HOSTED SITES", "RAPIDGATOR"),
                "PRIVATE LAYER-HOSTED SITES",
                break_after="PRIVATE LAYER-",
            )
            + MODERN_PHYSICAL,
            ts={"emphasis": "caps"},
        ),
        wrapped("PRIVATE LAYER-HOSTED SITES"),
    ),
    # -- headings in a narrower measure, balanced, at their own leading (issue 9, class 1) ---
    case(
        "narrow-measure-caps-wrap",
        report(
            "modern",
            modern("ALIEXPRESS", "WECHAT (WEIXIN) E-COMMERCE ECOSYSTEM", "TAOBAO")
            + MODERN_PHYSICAL,
            ts={"heading_measure": 0.45, "font": "Helvetica", "body_size": 10.5},
        ),
        wrapped("WECHAT (WEIXIN) E-COMMERCE ECOSYSTEM"),
    ),
    case(
        "narrow-measure-three-lines-no-toc-help",
        report(
            "mid",
            mid("MyEgy.to", POBIERAMY, "Primewire.ag") + MID_PHYSICAL,
            ts={"heading_measure": 0.4, "font": "DejaVuSans", "body_size": 10.5},
        ),
        wrapped(POBIERAMY),
    ),
    case(
        "balanced-heading-physical-descriptor",
        report(
            "modern",
            MODERN_ONLINE
            + phys("Asia Pacific Xinyang Clothing and Gift Market", "Tepito", "Anfu Market"),
            ts={"heading_measure": 0.55, "balance": True, "font": "DejaVuSans"},
        ),
        wrapped("Asia Pacific Xinyang Clothing and Gift Market"),
    ),
    case(
        "balanced-heading-open-parenthesis",
        report(
            "modern",
            MODERN_ONLINE
            + phys("Mercado San Juan de Dios (Mercado Libertad)", "Tepito", "La Salada"),
            ts={"heading_measure": 0.5, "balance": True, "font": "Times-Roman"},
        ),
        wrapped("Mercado San Juan de Dios (Mercado Libertad)"),
    ),
    case(
        "province-on-its-own-line",
        report(
            "modern",
            MODERN_ONLINE
            + phys("Yiwu International Trade City (China Commodity City)", "Anfu Market", "Tepito"),
            ts={"heading_measure": 0.6, "font": "DejaVuSerif", "heading_leading": 1.45},
        ),
        wrapped("Yiwu International Trade City (China Commodity City)"),
    ),
    case(
        "loose-heading-leading-at-page-foot",
        report(
            "modern",
            flag(
                modern("ALIEXPRESS", "BAIDU WANGPAN", "WECHAT (WEIXIN) E-COMMERCE ECOSYSTEM"),
                "WECHAT (WEIXIN) E-COMMERCE ECOSYSTEM",
                at_page_bottom=True,
            )
            + MODERN_PHYSICAL,
            ts={"heading_measure": 0.5, "heading_leading": 1.5, "font": "Helvetica"},
        ),
        wrapped("WECHAT (WEIXIN) E-COMMERCE ECOSYSTEM"),
    ),
    # -- run-ins with a raised marker before the separator (issue 9, class 2) ----------------
    case(
        "runin-large-raised-marker-sans",
        report(
            "early",
            flag(flag(EARLY_ONLINE, "Xunlei", footnote=True), "Megaupload", footnote=True)
            + flag(EARLY_PHYSICAL, "Tepito", footnote=True),
            ts={"font": "DejaVuSans", "body_size": 11.0, "marker_size": 0.82},
        ),
    ),
    case(
        "runin-large-raised-marker-colon-outside",
        report(
            "early",
            flag(EARLY_ONLINE, "Gougou", footnote=True) + EARLY_PHYSICAL,
            ts={"font": "Helvetica", "marker_size": 0.85, "runin_colon_inside": False},
        ),
    ),
    # -- the review year (issue 9, class 3) --------------------------------------------------
    case(
        "year-only-in-overview-december-date",
        report(
            "early",
            EARLY_ONLINE[:3] + EARLY_PHYSICAL[:2],
            year=2012,
            pdf_title=False,
            cover_date="December 13, 2012",
        ),
    ),
    # -- page break between a heading and its text -------------------------------------------
    case(
        "heading-last-line-of-page",
        report(
            "modern", flag(MODERN_ONLINE, "BAIDU WANGPAN", at_page_bottom=True) + MODERN_PHYSICAL
        ),
    ),
    case(
        "heading-last-line-of-page-mid-physical",
        report("mid", MID_ONLINE + flag(MID_PHYSICAL, "MBK Center", at_page_bottom=True)),
    ),
    case(
        "runin-first-line-last-of-page",
        report("early", flag(EARLY_ONLINE, "Xunlei", at_page_bottom=True) + EARLY_PHYSICAL),
    ),
    # -- characters --------------------------------------------------------------------------
    case(
        "curly-apostrophe",
        report(
            "modern",
            modern("ALIEXPRESS", "AMAZON’S FOREIGN DOMAINS", "BAIDU WANGPAN") + MODERN_PHYSICAL,
        ),
    ),
    case(
        "diacritics",
        report(
            "modern",
            MODERN_ONLINE + phys("La Salada", "Rua 25 de Março", "Galeria Page"),
            ts={"font": "DejaVuSerif"},
        ),
    ),
    case(
        "diacritics-early-runin",
        report("early", EARLY_ONLINE[:3] + phys("Rua 25 de Março", "Tepito")),
    ),
    case(  # the bold name fills its first line but for one word of text ("...(Guadalajara): The")
        "runin-long-name-fills-first-line",
        report(
            "early",
            EARLY_ONLINE[:3] + phys("Tepito", "Mercado San Juan de Dios (Mercado Libertad)"),
            ts={"font": "Courier", "body_size": 12.0},
            seed=2,
        ),
        runin_line_mostly_name("Mercado San Juan de Dios (Mercado Libertad) (Guadalajara):"),
    ),
    case(
        "leading-digits",
        report("modern", modern("1337X", "1FICHIER", "2EMBED", "ALIEXPRESS") + MODERN_PHYSICAL),
    ),
    case(
        "leading-digits-caps-body-font-footnote",
        report(
            "modern",
            flag(modern("1337X", "1FICHIER", "ALIEXPRESS"), "1337X", footnote=True)
            + MODERN_PHYSICAL,
            ts={"emphasis": "caps", "footnotes": "unicode"},
        ),
    ),
    case(
        "dots-and-parentheses",
        report(
            "modern",
            modern("EGY.BEST", "WECHAT (WEIXIN) E-COMMERCE ECOSYSTEM", "SCI-HUB")
            + phys("Silk Market (Silk Street)", "Mercado San Juan de Dios (Mercado Libertad)"),
        ),
    ),
    case(
        "domains-in-mid-headings",
        report(
            "mid",
            mid("Putlocker", "Rapidgator", "Taobao.com", "Libgen.io / Bookfi.net") + MID_PHYSICAL,
        ),
    ),
    # -- text around the results -------------------------------------------------------------
    case(
        "positive-developments-excluded",
        report(
            "modern",
            MODERN_ONLINE + MODERN_PHYSICAL,
            positive=("Snapdeal", "Seasonvar", "Ladies Market", "Avito"),
        ),
    ),
    case(
        "positive-developments-after-results",
        report(
            "modern",
            MODERN_ONLINE + MODERN_PHYSICAL,
            positive=("Snapdeal", "SP Road Market"),
            positive_after_results=True,
        ),
    ),
    case(
        "positive-developments-excluded-early",
        report(
            "early",
            EARLY_ONLINE[:3] + EARLY_PHYSICAL,
            positive=("Baidu", "Ladies Market", "PublicBT"),
        ),
    ),
    case(
        "names-in-overview-and-other-entries",
        report(
            "mid",
            MID_ONLINE + MID_PHYSICAL,
            overview_mentions=4,
            issue_focus=True,
            paragraphs=(2, 3),
        ),
    ),
    case(
        "section-intros-and-issue-focus",
        report("modern", MODERN_ONLINE + MODERN_PHYSICAL, section_intros=True, issue_focus=True),
    ),
    case(
        "counts-sentence-hyphenated",
        report(
            "modern",
            MODERN_ONLINE + MODERN_PHYSICAL,
            seed=1,
            ts={"font": "Times-Roman", "body_size": 12.0, "margin": 72.0, "hyphenate": True},
        ),
        counts_hyphenated,
    ),
    case(
        "hyphenated-body-text",
        report(
            "modern",
            MODERN_ONLINE + MODERN_PHYSICAL,
            ts={"hyphenate": True, "justify": True, "body_size": 11.0},
            paragraphs=(2, 2),
        ),
    ),
    # -- counts and titles -------------------------------------------------------------------
    case("counts-in-words", report("modern", MODERN_ONLINE + MODERN_PHYSICAL, counts="words")),
    case(
        "counts-sentence-missing-warns",
        report("modern", MODERN_ONLINE + MODERN_PHYSICAL, counts="none"),
        warning="count",
    ),
    case(
        "counts-disagree-warns",
        report("modern", MODERN_ONLINE + MODERN_PHYSICAL, stated=(4, 3)),
        warning="states",
    ),
    case(
        "early-title-without-year-no-metadata",
        report("early", EARLY_ONLINE[:3] + EARLY_PHYSICAL[:2], year=2010, pdf_title=False),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_extract_edge(case: Case) -> None:
    pdf, truth = pdfgen.build(case.spec)
    for check in case.layout:
        check(pdf, truth)
    got = extract(pdf).to_json()
    for check_got in case.extraction:
        check_got(got)
    diffs = pdfgen.compare(got, truth)
    assert not diffs, "\n".join([f"{case.id}: {pdfgen.describe(case.spec)}", *diffs])
