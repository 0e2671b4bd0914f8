"""Characters into styled lines: pure geometry and style, no roles. The only module that talks to
pdfplumber.

Each page's characters are grouped into rows; each row becomes a `Line` of `Span`s of uniform
style (font, size, weight, slant, colour), with raised smaller characters marked as footnote
markers. A line knows its baseline and size, so the structure reader above measures distances
baseline to baseline, unmoved by a raised marker. Running headers, folios and footnotes are
recognised here and set aside.
"""

from __future__ import annotations

import io
import logging
import re
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path
from typing import Any

from tracker.errors import ExtractionError
from tracker.extract import thresholds as th
from tracker.extract.furniture import mark_roles
from tracker.extract.lines import Document, Line, Page, Span, Style, normalize_text

__all__ = ["Document", "Line", "Page", "Span", "Style", "normalize_text", "read_document"]

log = logging.getLogger(__name__)

_BOLD = re.compile(
    r"bold|black|heavy|semibold|demi|medi$|,b$|-b$|bd$|[a-z]bd[a-z]*$|^cmbx|^cmb\d", re.I
)
_ITALIC = re.compile(r"italic|oblique|slanted|,i$|-i$|it$|^cmti|^cmsl", re.I)
_FORCE_BOLD = 1 << 18  # FontDescriptor /Flags bit 19


def read_document(source: str | Path | bytes, pages: Iterable[int] | None = None) -> Document:
    """Read a PDF (a path or its bytes) into styled lines; `pages` limits it to 1-based pages."""
    import pdfplumber

    fp: Any = io.BytesIO(source) if isinstance(source, bytes) else source
    head = source[:1024] if isinstance(source, bytes) else _head(Path(source))
    if b"%PDF" not in head:
        raise ExtractionError("not a PDF: the file does not start with %PDF")
    try:
        with pdfplumber.open(fp) as pdf:
            count = len(pdf.pages)
            wanted = set(pages) if pages is not None else set(range(1, count + 1))
            read: list[Page] = []
            for pdf_page in pdf.pages:
                if pdf_page.page_number in wanted:
                    read.append(_read_page(pdf_page))
                pdf_page.close()  # pdfplumber keeps every object of a page until flushed
            metadata = {k: str(v) for k, v in (pdf.metadata or {}).items() if isinstance(v, str)}
    except ExtractionError:
        raise
    except Exception as exc:  # pdfminer raises many private types for damaged files
        error = _read_error(exc)
        if error is exc:
            raise
        raise error from exc
    if not read:
        raise ExtractionError("the PDF has no pages")
    if not any(p.lines for p in read):
        raise ExtractionError("no text layer: a scanned or image-only PDF")
    body = _body_style(read)
    mark_roles(read, body)
    return Document(pages=read, metadata=metadata, body=body, page_count=count)


def _read_error(exc: BaseException) -> BaseException:
    """The one-line error for a PDF pdfminer cannot read (a MemoryError stays one)."""
    if _memory_error(exc):
        return MemoryError()
    chain: list[BaseException] = []
    seen: BaseException | None = exc
    while seen is not None and len(chain) < 5:
        chain.append(seen)
        seen = seen.__cause__ or seen.__context__
    names = " ".join(type(e).__name__ for e in chain)
    if re.search(r"Password|Encrypt", names) or any("encrypt" in str(e).lower() for e in chain):
        return ExtractionError("an encrypted PDF: it cannot be read without its password")
    from_pdf = any(type(e).__module__.startswith(("pdfminer", "pdfplumber")) for e in chain)
    if not from_pdf and not isinstance(exc, ValueError | KeyError | TypeError | IndexError):
        return exc
    detail = next((str(e) for e in chain if str(e).strip()), "")
    if "EOF" in detail:
        return ExtractionError("a truncated PDF: it ends before its last object (download again)")
    detail = f": {detail[:200]}" if detail else ""
    return ExtractionError(f"not a readable PDF ({type(exc).__name__}{detail})")


def _memory_error(exc: BaseException) -> bool:
    """pdfplumber wraps whatever pdfminer raises, a MemoryError too."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, MemoryError) or any(isinstance(a, MemoryError) for a in seen.args):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as f:
            return f.read(1024)
    except FileNotFoundError:
        raise ExtractionError("no such file") from None
    except OSError as exc:
        raise ExtractionError(f"cannot read: {exc.strerror}") from exc


def _read_page(pdf_page: Any) -> Page:
    from pdfminer.layout import LTChar

    layout = pdf_page.layout
    page_top = layout.y1
    chars: list[_Char] = []

    def walk(objs: Iterable[Any]) -> None:
        for obj in objs:
            if isinstance(obj, LTChar):
                if obj.upright and obj.get_text():
                    chars.append(_Char.of(obj, page_top))
            elif hasattr(obj, "_objs"):
                walk(obj._objs)

    walk(layout._objs)
    lines = [_make_line(pdf_page.page_number, row) for row in _rows(chars)]
    return Page(
        number=pdf_page.page_number,
        width=float(pdf_page.width),
        height=float(pdf_page.height),
        lines=[ln for ln in lines if ln.text or any(s.sup for s in ln.spans)],
    )


@dataclass(slots=True)
class _Char:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    baseline: float  # from the top of the page, text rise included
    style: Style

    @classmethod
    def of(cls, obj: Any, page_top: float) -> _Char:
        # pdfminer puts the glyph box's bottom at the font's descent below the baseline, text
        # rise included; undo the descent to get the baseline the glyph sits on
        descent = _descent(obj) * obj.size
        return cls(
            text=obj.get_text(),
            x0=obj.x0,
            x1=obj.x1,
            top=page_top - obj.y1,
            bottom=page_top - obj.y0,
            baseline=page_top - (obj.y0 - descent),
            style=_style(obj),
        )


_STYLE_CACHE: dict[tuple[Any, ...], Style] = {}
_FONT_CACHE: dict[int, tuple[float, bool]] = {}


def _font_facts(font: Any) -> tuple[float, bool]:
    """(descent per unit of size, bold by its descriptor) of a pdfminer font, cached."""
    key = id(font)
    facts = _FONT_CACHE.get(key)
    if facts is None:
        try:
            descent = float(font.get_descent())
        except Exception:  # a damaged font dictionary
            descent = 0.0
        descriptor = getattr(font, "descriptor", None) or {}
        try:
            weight = float(descriptor.get("FontWeight", 0) or 0)
            flags = int(descriptor.get("Flags", 0) or 0)
        except (TypeError, ValueError):
            weight, flags = 0.0, 0
        facts = (descent, weight >= 600 or bool(flags & _FORCE_BOLD))
        if len(_FONT_CACHE) > 4096:
            _FONT_CACHE.clear()
        _FONT_CACHE[key] = facts
    return facts


def _descent(obj: Any) -> float:
    font = getattr(obj, "font", None)
    return _font_facts(font)[0] if font is not None else 0.0


def _style(obj: Any) -> Style:
    color = getattr(getattr(obj, "graphicstate", None), "ncolor", None)
    skew = abs(obj.matrix[2]) > 0.05 * abs(obj.matrix[3]) if obj.matrix[3] else False
    step = th.STYLE_SIZE_STEP
    key = (obj.fontname, round(obj.size / step) * step, str(color), skew)
    style = _STYLE_CACHE.get(key)
    if style is None:
        base = obj.fontname.split("+")[-1]
        font = getattr(obj, "font", None)
        described_bold = _font_facts(font)[1] if font is not None else False
        if isinstance(color, list | tuple):
            color_s = ",".join(f"{c:.2f}" for c in color if isinstance(c, int | float))
        else:
            color_s = f"{color:.2f}" if isinstance(color, int | float) else ""
        if color_s in ("", "0.00", "0.00,0.00,0.00", "0.00,0.00,0.00,1.00"):
            color_s = "black"
        style = Style(
            font=base,
            size=key[1],
            bold=bool(_BOLD.search(base)) or described_bold,
            italic=bool(_ITALIC.search(base)) or skew,
            color=color_s,
        )
        if len(_STYLE_CACHE) > 4096:
            _STYLE_CACHE.clear()
        _STYLE_CACHE[key] = style
    return style


def _rows(chars: list[_Char]) -> list[list[_Char]]:
    """Group characters into rows by vertical overlap, each row sorted left to right."""
    rows: list[tuple[float, float, list[_Char]]] = []
    for ch in sorted(chars, key=lambda c: (c.top, c.x0)):
        h = max(ch.bottom - ch.top, 0.1)
        for i in range(len(rows) - 1, max(len(rows) - 4, -1), -1):
            top, bottom, members = rows[i]
            overlap = min(bottom, ch.bottom) - max(top, ch.top)
            if overlap > th.ROW_OVERLAP * min(h, bottom - top):
                members.append(ch)
                break
        else:
            rows.append((ch.top, ch.bottom, [ch]))
    return [sorted(members, key=lambda c: c.x0) for _, _, members in rows]


# Unicode superscript digits are a footnote marker whatever their font, size or rise: a word
# processor may set `Taobao²:` with the mark in the text's own size and in the separator's font
SUPERSCRIPTS = frozenset("⁰¹²³⁴⁵⁶⁷⁸⁹")


def _is_marker(ch: _Char, main_size: float, baseline: float) -> bool:
    """A footnote marker: smaller than the line's text and raised above its baseline."""
    size = ch.style.size
    rise = baseline - ch.baseline
    if size <= th.MARKER_TINY * main_size:
        return rise >= th.MARKER_RISE_SMALL * main_size
    return size <= th.MARKER_SIZE * main_size and rise >= th.MARKER_RISE * main_size


def _make_line(page: int, row: list[_Char]) -> Line:
    sizes = Counter(c.style.size for c in row if not c.text.isspace())
    main_size = sizes.most_common(1)[0][0] if sizes else row[0].style.size
    baseline = statistics.median(c.baseline for c in row if c.style.size == main_size)
    items: list[tuple[str, Style, bool]] = []
    prev: _Char | None = None
    for ch in row:
        if prev is not None and _duplicate(prev, ch):
            continue  # the same glyph drawn twice (fake bold, shadows)
        sup = ch.text in SUPERSCRIPTS or (
            not ch.text.isspace() and _is_marker(ch, main_size, baseline)
        )
        if prev is not None and not ch.text.isspace() and not prev.text.isspace():
            gap = ch.x0 - prev.x1
            size = min(ch.style.size, prev.style.size)
            if gap > th.WORD_GAP * size:  # a wide gap (tab, TOC page number) becomes a tab
                items.append(("\t" if gap > th.TAB_GAP * size else " ", ch.style, sup))
        items.append((ch.text, ch.style, sup))
        prev = ch
    spans = tuple(
        Span(normalize_text("".join(t for t, _, _ in group)), style, sup)
        for (style, sup), group in groupby(items, key=lambda i: (i[1], i[2]))
    )
    main = [c for c in row if c.style.size == main_size and not c.text.isspace()] or row
    return Line(
        page=page,
        top=min(c.top for c in main),
        bottom=max(c.bottom for c in main),
        x0=row[0].x0,
        x1=row[-1].x1,
        spans=spans,
        baseline=baseline,
    )


def _duplicate(a: _Char, b: _Char) -> bool:
    return (
        a.text == b.text
        and abs(a.x0 - b.x0) < th.DUPLICATE_GLYPH * max(a.x1 - a.x0, 0.1)
        and abs(a.top - b.top) < 1.0
    )


def _body_style(pages: list[Page]) -> Style:
    weights: Counter[Style] = Counter()
    for page in pages:
        for line in page.lines:
            for span in line.spans:
                if not span.sup:
                    weights[span.style] += len(span.text)
    return weights.most_common(1)[0][0]
