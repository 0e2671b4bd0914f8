"""The report as HTML and CSS, printed to PDF by headless Chromium (Skia's PDF backend): a layout
engine of its own, with its own line breaking, heading measure (`max-width`), balanced headings
(`text-wrap: balance`), superscripts, page margin boxes for the running header and folio, and a
document outline from the h1-h5 headings, which gives each heading's page for the truth."""

from __future__ import annotations

import html
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.typeset.content import Block, Content, name_and_tail
from tests.typeset.look import Look
from tests.typeset.truth import outline_pages

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-pdf-header-footer",
    "--generate-pdf-document-outline",
)


def available() -> bool:
    return shutil.which("chromium") is not None


def render(content: Content, look: Look) -> tuple[bytes, dict[str, int]]:
    """The PDF and the page of every keyed block (entries, sections)."""
    pages: dict[str, int] = {}
    for _ in range(4):  # the contents' page numbers settle in a pass or two
        doc = to_html(content, look, pages)
        pdf = _print(doc)
        keys = _heading_keys(content) + [None] * doc.count("class='section'>Endnotes<")
        found = outline_pages(pdf, len(keys))
        new = {k: p for k, p in zip(keys, found, strict=True) if k}
        if new == pages:
            break
        pages = new
    return pdf, pages


def _heading_keys(content: Content) -> list[str | None]:
    """The key of each element that makes an outline entry, in document order."""
    out: list[str | None] = []
    for b in content.blocks:
        if b.kind in ("section", "group", "market", "subsection", "runin"):
            out.append(b.key)
    return out


def _print(doc: str) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "report.html", Path(tmp) / "report.pdf"
        src.write_text(doc, encoding="utf-8")
        subprocess.run(
            [
                "chromium",
                *CHROMIUM_FLAGS,
                f"--user-data-dir={tmp}/profile",
                f"--print-to-pdf={out}",
                src.as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        return out.read_bytes()


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def to_html(content: Content, look: Look, pages: dict[str, int]) -> str:
    notes: list[str] = []
    body: list[str] = []
    for block in content.blocks:
        body.append(_block(block, look, pages, notes))
    if notes:
        body.append("<h1 class='section'>Endnotes</h1><ol class='notes'>")
        body += [f"<li>{_esc(n)}</li>" for n in notes]
        body.append("</ol>")
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{_esc(content.title)}</title><style>{_css(content, look)}</style></head>"
        f"<body>{''.join(body)}</body></html>"
    )


def _marker(look: Look, notes: list[str], note: str | None) -> str:
    if note is None or look.marker == "none":
        return ""
    notes.append(note)
    n = len(notes)
    if look.marker == "unicode":
        return str(n).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))
    return f"<sup>{n}</sup>"


def _block(b: Block, look: Look, pages: dict[str, int], notes: list[str]) -> str:
    t = _esc(b.text)
    if b.kind == "cover_org":
        return f"<p class='org'>{t}</p>"
    if b.kind == "cover_title":
        return f"<p class='title'>{t}</p>"
    if b.kind == "cover_date":
        return f"<p class='date'>{t}</p>"
    if b.kind == "pagebreak":
        return "<div class='break'></div>"
    if b.kind == "toc":
        rows = []
        for text, key, level in b.toc:
            page = pages.get(key, 0)
            rows.append(
                f"<div class='toc l{level}'><span>{_esc(text)}</span><span class='lead'></span>"
                f"<span>{page}</span></div>"
            )
        return f"<p class='toctitle'>{t}</p>{''.join(rows)}"
    if b.kind == "section":
        return f"<h1 class='section'>{t}</h1>"
    if b.kind == "subsection":
        return f"<h5 class='sub'>{t}</h5>"
    if b.kind == "group":
        return f"<h2 class='group'>{t}</h2>"
    if b.kind == "market":
        cls = "market phys" if b.market and b.market.kind == "physical" else "market"
        if look.plain_tail:
            name, tail = name_and_tail(b, look.emphasis == "caps")
            t = f"<span class='name'>{_esc(name)}</span><span class='tail'>{_esc(tail)}</span>"
        return f"<h3 class='{cls}'>{t}{_marker(look, notes, b.note)}</h3>"
    if b.kind == "runin":
        name = f"<h4 class='runin'>{_esc(b.name)}{_marker(look, notes, b.note)}</h4>"
        return f"<div class='para'>{name}{_esc(b.sep)}{t}</div>"
    return f"<div class='para'>{t}{_marker(look, notes, b.note)}</div>"


def _css(content: Content, look: Look) -> str:
    size = look.body_size
    emph = look.emphasis
    weight = "bold" if emph in ("bold",) else "normal"
    colour = look.colour if emph == "colour" else "black"
    h_size = size * look.heading_size
    phys_style = "italic" if look.physical_italic and emph == "bold" else "normal"
    runin_style = "italic" if look.runin_bold_italic else "normal"
    runin_colour = look.colour if emph == "colour" else "black"
    header = html.escape(content.header).replace('"', "'")
    folio = look.folio.replace("{n}", '" counter(page) "') if look.folio else ""
    margin = f"{look.margin_in}in"
    top = (
        f"@top-right {{ content: \"{header}\"; font: italic 8.5pt '{look.body_font}'; }}"
        if (look.running_header)
        else ""
    )
    bottom = (
        f"@bottom-center {{ content: \"{folio}\"; font: 9pt '{look.body_font}'; }}" if folio else ""
    )
    return f"""
@page {{ size: {look.page}; margin: {margin}; {top} {bottom} }}
@page :first {{ @top-right {{ content: none; }} @bottom-center {{ content: none; }} }}
body {{ font-family: '{look.body_font}'; font-size: {size}pt; line-height: {look.line_height};
       margin: 0; }}
.para {{ margin: 0 0 {0.6 * size:.1f}pt 0; text-align: {"justify" if look.justify else "left"};
        orphans: 2; widows: 2; }}
.break {{ break-after: page; }}
.org {{ font-weight: bold; font-size: 12pt; text-align: center; margin-top: 1in; }}
.title {{ font-weight: bold; font-size: 26pt; text-align: center; margin: 2in 0.5in 1.5in;
          line-height: 1.2; }}
.date {{ font-size: 14pt; text-align: center; }}
.toctitle {{ font-weight: bold; font-size: {size * look.section_size:.1f}pt; }}
.toc {{ display: flex; align-items: baseline; margin: 0.15em 0; }}
.toc .lead {{ flex: 1; margin: 0 0.4em; border-bottom: {
        "1px dotted #555" if look.toc_leaders else "none"
    }; }}
.l1 {{ padding-left: 1.5em; }} .l2 {{ padding-left: 3em; }}
h1, h2, h3, h4, h5 {{ font-family: '{look.heading_font}'; break-after: avoid; margin: 0; }}
h1.section {{ font-size: {size * look.section_size:.1f}pt; font-weight: bold;
             margin: {1.4 * size:.1f}pt 0 {0.6 * size:.1f}pt; line-height: 1.2;
             color: {look.colour if emph == "colour" else "black"}; }}
h5.sub {{ font-size: {size}pt; font-weight: bold; margin: {size:.1f}pt 0 {0.3 * size:.1f}pt; }}
h2.group {{ font-size: {size * look.group_size:.1f}pt; font-weight: {
        "bold" if emph != "caps" else "normal"
    }; color: {colour};
           text-decoration: {"underline" if look.group_underline else "none"};
           margin: {1.2 * size:.1f}pt 0 {0.5 * size:.1f}pt; line-height: 1.2; }}
h3.market {{ font-size: {h_size:.1f}pt; font-weight: {weight}; color: {colour};
            line-height: {look.heading_line_height}; max-width: {100 * look.heading_measure:.0f}%;
            text-wrap: {"balance" if look.balance else "wrap"};
            margin: {look.space_before * size:.1f}pt 0 {look.space_after * size:.1f}pt; }}
h3.phys {{ font-style: {phys_style}; }}
h3 .tail {{ font-weight: normal; font-style: normal; color: black; }}
h4.runin {{ display: inline; font-family: '{look.body_font}'; font-size: {size}pt;
           font-weight: {"bold" if emph != "colour" else "normal"}; font-style: {runin_style};
           color: {runin_colour}; }}
sup {{ font-size: 0.7em; }}
ol.notes {{ font-size: {0.8 * size:.1f}pt; }}
"""
