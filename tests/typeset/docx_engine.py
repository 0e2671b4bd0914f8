"""The report as a word-processor document: a .docx written with python-docx (paragraph styles
with their own fonts, spacing, line spacing and right indent for a narrower heading measure,
keep-with-next, a dot-leader tab for the contents, superscript markers, a running header and a
PAGE field in the footer) and converted to PDF by LibreOffice. Every keyed paragraph carries a
bookmark, which LibreOffice exports as a named destination: that gives the truth's pages."""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from tests.typeset.content import Block, Content, name_and_tail
from tests.typeset.look import Look

_EXPORT = (
    'pdf:writer_pdf_Export:{"ExportBookmarksToPDFDestination":{"type":"boolean","value":"true"},'
    '"ExportBookmarks":{"type":"boolean","value":"true"}}'
)


def available() -> bool:
    try:
        import docx  # noqa: F401
    except ImportError:
        return False
    return shutil.which("soffice") is not None


def render(content: Content, look: Look) -> tuple[bytes, dict[str, int]]:
    pages: dict[str, int] = {}
    pdf = b""
    for _ in range(3):
        pdf = _convert(to_docx(content, look, pages))
        new = dest_pages(pdf)
        if new == pages:
            break
        pages = new
    return pdf, pages


def _convert(data: bytes) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "report.docx"
        src.write_bytes(data)
        subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation=file://{tmp}/profile",
                "--headless",
                "--convert-to",
                _EXPORT,
                "--outdir",
                tmp,
                str(src),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
        return (Path(tmp) / "report.pdf").read_bytes()


def dest_pages(pdf: bytes) -> dict[str, int]:
    """The page of each named destination."""
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import resolve1

    doc = PDFDocument(PDFParser(io.BytesIO(pdf)))
    ids = {page.pageid: n for n, page in enumerate(PDFPage.create_pages(doc), start=1)}
    dests = resolve1(doc.catalog.get("Dests")) or {}
    out = {}
    for name, dest in dests.items():
        dest = resolve1(dest)
        if isinstance(dest, dict):
            dest = resolve1(dest.get("D"))
        key = name.decode() if isinstance(name, bytes) else str(name)
        out[key.replace("_", ":")] = ids[dest[0].objid]
    return out


def to_docx(content: Content, look: Look, pages: dict[str, int]) -> bytes:
    import docx
    from docx.enum.section import WD_SECTION  # noqa: F401
    from docx.shared import Inches

    d = docx.Document()
    sec = d.sections[0]
    if look.page == "a4":
        sec.page_width, sec.page_height = Inches(8.27), Inches(11.69)
    else:
        sec.page_width, sec.page_height = Inches(8.5), Inches(11)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(sec, side, Inches(look.margin_in))
    width = sec.page_width - sec.left_margin - sec.right_margin
    styles = _Styles(d, look, width)
    _furniture(d, content, look)
    w = _Writer(d, look, styles, pages)
    for block in content.blocks:
        w.block(block)
    w.endnotes()
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


class _Styles:
    def __init__(self, d: Any, look: Look, width: Any) -> None:
        from docx.enum.style import WD_STYLE_TYPE
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Pt, RGBColor

        self.look = look
        normal = d.styles["Normal"]
        normal.font.name = look.body_font
        normal.font.size = Pt(look.body_size)
        pf = normal.paragraph_format
        pf.line_spacing = look.line_height / 1.15  # LibreOffice's single line is ~1.15 em
        pf.space_after = Pt(0.6 * look.body_size)
        pf.space_before = Pt(0)
        pf.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY if look.justify else WD_ALIGN_PARAGRAPH.LEFT
        pf.widow_control = True
        colour = RGBColor.from_string(look.colour.lstrip("#"))
        emph = look.emphasis
        size = look.body_size

        def style(name: str, **kw: Any) -> Any:
            s = d.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            s.base_style = normal
            s.font.name = kw.get("font", look.heading_font)
            s.font.size = Pt(kw.get("size", size))
            s.font.bold = kw.get("bold", False)
            s.font.italic = kw.get("italic", False)
            s.font.underline = kw.get("underline", False)
            if kw.get("colour"):
                s.font.color.rgb = colour
            p = s.paragraph_format
            p.keep_with_next = True
            p.alignment = WD_ALIGN_PARAGRAPH.LEFT
            p.space_before = Pt(kw.get("before", size))
            p.space_after = Pt(kw.get("after", 0.4 * size))
            p.line_spacing = kw.get("leading", 1.0)
            if kw.get("measure", 1.0) < 1.0:
                p.right_indent = int(width * (1 - kw["measure"]))
            return s

        bold = emph == "bold"
        self.section = style(
            "NMSection",
            size=size * look.section_size,
            bold=True,
            colour=emph == "colour",
            before=1.4 * size,
            after=0.6 * size,
        )
        self.sub = style("NMSub", bold=True, before=size, after=0.3 * size)
        self.group = style(
            "NMGroup",
            size=size * look.group_size,
            bold=emph != "caps",
            colour=emph == "colour",
            underline=look.group_underline,
            before=1.2 * size,
            after=0.5 * size,
        )
        market = dict(
            size=size * look.heading_size,
            bold=bold,
            colour=emph == "colour",
            before=look.space_before * size,
            after=look.space_after * size,
            leading=look.heading_line_height / 1.15,
            measure=look.heading_measure,
        )
        self.market = style("NMMarket", **market)
        self.physical = style(
            "NMPhysical", **market, italic=look.physical_italic and emph == "bold"
        )
        self.cover = style("NMCover", size=26, bold=True, before=150, after=110)
        self.cover.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _furniture(d: Any, content: Content, look: Look) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    sec = d.sections[0]
    sec.different_first_page_header_footer = True
    if look.running_header:
        p = sec.header.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        r = p.add_run(content.header)
        r.italic, r.font.size = True, Pt(8.5)
    if look.folio:
        p = sec.footer.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        before, _, after = look.folio.partition("{n}")
        if before:
            p.add_run(before).font.size = Pt(9)
        fld = OxmlElement("w:fldSimple")
        fld.set(qn("w:instr"), "PAGE")
        run = OxmlElement("w:r")
        text = OxmlElement("w:t")
        text.text = "1"
        run.append(text)
        fld.append(run)
        p._p.append(fld)
        if after:
            p.add_run(after).font.size = Pt(9)


class _Writer:
    def __init__(self, d: Any, look: Look, styles: _Styles, pages: dict[str, int]) -> None:
        self.d, self.look, self.st, self.pages = d, look, styles, pages
        self.notes: list[str] = []
        self.marks = 0

    def bookmark(self, p: Any, key: str | None) -> None:
        if not key:
            return
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        self.marks += 1
        start = OxmlElement("w:bookmarkStart")
        start.set(qn("w:id"), str(self.marks))
        start.set(qn("w:name"), key.replace(":", "_"))
        end = OxmlElement("w:bookmarkEnd")
        end.set(qn("w:id"), str(self.marks))
        p._p.insert(0, start)
        p._p.append(end)

    def marker(self, p: Any, note: str | None) -> None:
        if note is None or self.look.marker == "none":
            return
        self.notes.append(note)
        n = str(len(self.notes))
        if self.look.marker == "unicode":
            p.add_run(n.translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")))
        else:
            p.add_run(n).font.superscript = True

    def block(self, b: Block) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT, WD_TAB_LEADER
        from docx.shared import Pt

        d, st, look = self.d, self.st, self.look
        if b.kind == "pagebreak":
            d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        elif b.kind in ("cover_org", "cover_date"):
            p = d.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            r = p.add_run(b.text)
            r.bold, r.font.size = b.kind == "cover_org", Pt(12 if b.kind == "cover_org" else 14)
        elif b.kind == "cover_title":
            d.add_paragraph(b.text, style=st.cover)
        elif b.kind == "toc":
            d.add_paragraph(b.text, style=st.section)
            width = d.sections[0].page_width - 2 * d.sections[0].left_margin
            leader = WD_TAB_LEADER.DOTS if look.toc_leaders else WD_TAB_LEADER.SPACES
            for text, key, level in b.toc:
                p = d.add_paragraph()
                p.paragraph_format.left_indent = Pt(18 * level)
                p.paragraph_format.space_after = Pt(2)
                p.paragraph_format.tab_stops.add_tab_stop(width, WD_TAB_ALIGNMENT.RIGHT, leader)
                p.add_run(f"{text}\t{self.pages.get(key, 0)}")
        elif b.kind in ("section", "subsection", "group"):
            style = {"section": st.section, "subsection": st.sub, "group": st.group}[b.kind]
            self.bookmark(d.add_paragraph(b.text, style=style), b.key)
        elif b.kind == "market":
            phys = b.market is not None and b.market.kind == "physical"
            p = d.add_paragraph(style=st.physical if phys else st.market)
            if look.plain_tail:
                name, tail = name_and_tail(b, look.emphasis == "caps")
                p.add_run(name)
                plain = p.add_run(tail)
                plain.bold, plain.italic = False, False
                plain.font.color.rgb = None
            else:
                p.add_run(b.text)
            self.marker(p, b.note)
            self.bookmark(p, b.key)
        elif b.kind == "runin":
            p = d.add_paragraph()
            r = p.add_run(b.name)
            r.bold = look.emphasis != "colour"
            r.italic = look.runin_bold_italic
            if look.emphasis == "colour":
                from docx.shared import RGBColor

                r.font.color.rgb = RGBColor.from_string(look.colour.lstrip("#"))
            self.marker(p, b.note)
            p.add_run(b.sep + b.text)
            self.bookmark(p, b.key)
        else:
            p = d.add_paragraph(b.text)
            self.marker(p, b.note)

    def endnotes(self) -> None:
        if not self.notes:
            return
        self.d.add_paragraph("Endnotes", style=self.st.section)
        for n, note in enumerate(self.notes, start=1):
            self.d.add_paragraph(f"{n}. {note}")
