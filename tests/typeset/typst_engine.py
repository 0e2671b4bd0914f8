"""The report as a Typst document: another layout engine, with its own line breaking and
hyphenation, real footnotes at the foot of the page (markers as Typst sets them), dot leaders
drawn as repeated glyphs, and headings in boxes narrower than the text. Each keyed block records
its page in a metadata element that `typst.query` reads back for the truth."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from tests.typeset.content import Block, Content, name_and_tail
from tests.typeset.look import Look


def available() -> bool:
    try:
        import typst  # noqa: F401
    except ImportError:
        return False
    return True


def render(content: Content, look: Look) -> tuple[bytes, dict[str, int]]:
    import typst

    pages: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "report.typ"
        for _ in range(4):
            src.write_text(to_typst(content, look, pages), encoding="utf-8")
            pdf = typst.compile(str(src))
            found = json.loads(typst.query(str(src), "<pg>", field="value"))
            new = {item["key"]: item["page"] for item in found}
            if new == pages:
                break
            pages = new
    assert isinstance(pdf, bytes)
    return pdf, pages


def _str(text: str) -> str:
    """A Typst string literal."""
    return json.dumps(text, ensure_ascii=False)


def _content(text: str) -> str:
    """Text as Typst content (no markup interpreted)."""
    return f"[#{_str(text)}]"


def _mark(key: str | None) -> str:
    if not key:
        return ""
    return f"#context [#metadata((key: {_str(key)}, page: here().page())) <pg>]"


def to_typst(content: Content, look: Look, pages: dict[str, int]) -> str:
    out = [_preamble(content, look)]
    for block in content.blocks:
        out.append(_block(block, look, pages))
    return "\n".join(out)


def _note(look: Look, note: str | None) -> str:
    if note is None or look.marker == "none":
        return ""
    return f"#footnote({_content(note)})"


def _block(b: Block, look: Look, pages: dict[str, int]) -> str:
    t = _content(b.text)
    if b.kind == "cover_org":
        return f'#v(1in)\n#align(center, text(weight: "bold", size: 12pt, {t}))'
    if b.kind == "cover_title":
        return f'#v(1.8in)\n#align(center, text(weight: "bold", size: 26pt, {t}))'
    if b.kind == "cover_date":
        return f"#v(1.4in)\n#align(center, text(size: 14pt, {t}))"
    if b.kind == "pagebreak":
        return "#pagebreak(weak: true)"
    if b.kind == "toc":
        rows = [
            f'#text(weight: "bold", size: {look.body_size * look.section_size:.1f}pt, {t})',
            "#v(0.6em)",
        ]
        for text, key, level in b.toc:
            page = pages.get(key, 0)
            fill = "repeat[.#h(0.3em)]" if look.toc_leaders else "[]"
            rows.append(
                f"#pad(left: {1.5 * level}em, bottom: 0.1em, grid(columns: (auto, 1fr, auto), "
                f"column-gutter: 0.4em, {_content(text)}, box(width: 1fr, {fill}), "
                f"[{page}]))"
            )
        return "\n".join(rows)
    if b.kind == "section":
        return f"#section([{_mark(b.key)}#{_str(b.text)}])"
    if b.kind == "subsection":
        return f"#subsection({t})"
    if b.kind == "group":
        return f"#group({t})"
    if b.kind == "market":
        phys = "true" if b.market and b.market.kind == "physical" else "false"
        text = f"#{_str(b.text)}"
        if look.plain_tail:
            name, tail = name_and_tail(b, look.emphasis == "caps")
            plain = 'text(weight: "regular", style: "normal", fill: black)'
            text = f"#{_str(name)}#{plain}[#{_str(tail)}]"
        return f"#market([{_mark(b.key)}{text}], {phys}, [{_note(look, b.note)}])"
    if b.kind == "runin":
        return (
            f"#runin([{_mark(b.key)}#{_str(b.name)}], [{_note(look, b.note)}], "
            f"{_content(b.sep)}, {t})"
        )
    return f"#par[#{_str(b.text)}{_note(look, b.note)}]"


def _preamble(content: Content, look: Look) -> str:
    size, emph = look.body_size, look.emphasis
    colour = f'rgb("{look.colour}")' if emph == "colour" else "black"
    weight = '"bold"' if emph == "bold" else '"regular"'
    h_size = size * look.heading_size
    # Typst's leading is the space between lines, not the baseline distance
    leading = max(look.line_height - 0.75, 0.2)
    h_leading = max(look.heading_line_height - 0.75, 0.15)
    phys_style = '"italic"' if look.physical_italic and emph == "bold" else '"normal"'
    paper = "us-letter" if look.page == "letter" else "a4"
    header = (
        f'context if here().page() > 1 [#align(right, text(size: 8.5pt, style: "italic", '
        f"{_str(content.header)}))]"
        if look.running_header
        else "none"
    )
    folio = look.folio.replace("{n}", "#counter(page).display()") if look.folio else ""
    footer = (
        f"context if here().page() > 1 [#align(center, text(size: 9pt)[{folio}])]"
        if folio
        else "none"
    )
    runin_style = '"italic"' if look.runin_bold_italic else '"normal"'
    runin_weight = '"regular"' if emph == "colour" else '"bold"'
    underline = "underline" if look.group_underline else "(x) => x"
    return f"""
#set document(title: {_str(content.title)})
#set page(paper: "{paper}", margin: {look.margin_in}in, header: {header}, footer: {footer})
#set text(font: ("{look.body_font}", "DejaVu Serif"), size: {size}pt, lang: "en")
#set par(justify: {str(look.justify).lower()}, leading: {leading:.2f}em,
         spacing: {0.6 + leading:.2f}em)
#let section(body) = block(above: 1.4em, below: 0.7em, breakable: false, sticky: true,
  text(font: ("{look.heading_font}", "DejaVu Sans"), weight: "bold",
       size: {size * look.section_size:.1f}pt, fill: {colour}, body))
#let subsection(body) = block(above: 1em, below: 0.4em, sticky: true,
  text(weight: "bold", body))
#let group(body) = block(above: 1.2em, below: 0.5em, sticky: true,
  ({underline})(text(font: ("{look.heading_font}", "DejaVu Sans"),
       weight: {'"bold"' if emph != "caps" else '"regular"'}, fill: {colour},
       size: {size * look.group_size:.1f}pt, body)))
#let market(body, phys, note) = block(width: {100 * look.heading_measure:.0f}%,
  above: {look.space_before:.2f}em, below: {0.5 + look.space_after:.2f}em, sticky: true, {{
  set par(justify: false, leading: {h_leading:.2f}em)
  text(font: ("{look.heading_font}", "DejaVu Sans"), weight: {weight}, fill: {colour},
       style: if phys {{ {phys_style} }} else {{ "normal" }}, size: {h_size:.1f}pt, body + note)
}})
#let runin(name, note, sep, body) = par[#text(weight: {runin_weight}, style: {runin_style},
  fill: {colour}, name + note)#sep#body]
"""
