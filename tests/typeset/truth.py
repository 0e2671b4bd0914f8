"""The pages of the truth, read from what an engine wrote into the PDF itself (its outline),
never from the extractor under test."""

from __future__ import annotations

import io


def outline_pages(pdf: bytes, expected: int) -> list[int]:
    """The 1-based page of each outline entry, in document order (nested entries flattened).
    Raises when the outline does not hold `expected` entries."""
    from pdfminer.pdfdocument import PDFDocument, PDFNoOutlines
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import resolve1

    doc = PDFDocument(PDFParser(io.BytesIO(pdf)))
    ids = {page.pageid: n for n, page in enumerate(PDFPage.create_pages(doc), start=1)}
    out: list[int] = []
    try:
        outlines = list(doc.get_outlines())
    except PDFNoOutlines:
        outlines = []
    for _level, _title, dest, action, _se in outlines:
        if dest is None and action is not None:
            dest = resolve1(action).get("D")
        dest = resolve1(dest)
        if isinstance(dest, bytes | str):
            dest = resolve1(doc.get_dest(dest))
        if isinstance(dest, dict):
            dest = resolve1(dest.get("D"))
        ref = dest[0]
        out.append(ids[ref.objid])
    if len(out) != expected:
        raise ValueError(f"the PDF's outline has {len(out)} entries, expected {expected}")
    return out
