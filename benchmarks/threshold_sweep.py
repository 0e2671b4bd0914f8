"""Which of the extractor's thresholds carry weight: each number in tracker/extract/thresholds.py
is moved by -30 % and +30 % in turn, and every report of a corpus with truth is extracted again;
the table prints how many reports stay exact. A threshold whose move breaks reports is one the
extractor leans on; one that moves nothing is slack (or untested by the corpus).

    python benchmarks/threshold_sweep.py [--corpus DIR ...] [--factor 0.3] [--only NAME ...]

The default corpus is tests/fixtures (the samples of both typesetters and the reports set by
Chromium, Typst and LibreOffice); add directories saved by `tests/probe_engines.py --save`.
Layout thresholds (how characters become lines) re-read each PDF; the others reuse the lines.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import pdfgen  # noqa: E402
from tracker.errors import ExtractionError  # noqa: E402
from tracker.extract import parse  # noqa: E402
from tracker.extract import thresholds as th  # noqa: E402
from tracker.extract.layout import Document, read_document  # noqa: E402

LAYOUT = {
    "ROW_OVERLAP",
    "MARKER_SIZE",
    "MARKER_RISE",
    "MARKER_RISE_SMALL",
    "MARKER_TINY",
    "WORD_GAP",
    "TAB_GAP",
    "DUPLICATE_GLYPH",
    "STYLE_SIZE_STEP",
    "MARGIN_BAND",
    "REPEAT_SHARE",
    "SMALL_PRINT",
    "FOOTNOTE_ZONE",
}


def corpus(dirs: list[Path]) -> list[tuple[Path, dict]]:
    out = []
    for d in dirs:
        for pdf in sorted(d.glob("*.pdf")):
            truth = pdf.with_suffix(".truth.json")
            if truth.is_file():
                out.append((pdf, json.loads(truth.read_text(encoding="utf-8"))))
    return out


def exact(doc: Document, truth: dict) -> bool:
    try:
        got = parse(doc).to_json()
    except ExtractionError:
        return False
    if not any("canonical" in e for e in truth["entries"]):  # made by a generator
        return not pdfgen.compare(got, truth)
    want = [(e["kind"], e["name"], e.get("city"), e["page"]) for e in truth["entries"]]
    have = [(e["kind"], e["name"], e.get("city"), e["page"]) for e in got["entries"]]
    return want == have and got["review_year"] == truth["review_year"]


def run(items: list[tuple[Path, dict]], docs: list[Document] | None) -> int:
    total = 0
    for n, (pdf, truth) in enumerate(items):
        doc = docs[n] if docs is not None else read_document(pdf)
        total += exact(doc, truth)
    return total


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, action="append", default=[])
    ap.add_argument("--factor", type=float, default=0.3)
    ap.add_argument("--only", action="append", default=[])
    args = ap.parse_args()
    fixtures = ROOT / "tests" / "fixtures"
    items = corpus([fixtures, fixtures / "engines", *args.corpus])
    docs = [read_document(pdf) for pdf, _ in items]
    base = run(items, docs)
    print(f"{len(items)} reports, {base} exact with the thresholds as they are\n")
    names = [n for n in vars(th) if n.isupper() and isinstance(getattr(th, n), int | float)]
    print(
        f"{'threshold':<24} {'value':>8} {'-' + str(int(args.factor * 100)) + '%':>6} "
        f"{'+' + str(int(args.factor * 100)) + '%':>6}"
    )
    start = time.time()
    for name in names:
        if args.only and name not in args.only:
            continue
        value = getattr(th, name)
        results = []
        for sign in (-1, 1):
            setattr(th, name, value * (1 + sign * args.factor))
            results.append(run(items, None if name in LAYOUT else docs))
        setattr(th, name, value)
        marks = ["" if r == base else " <" for r in results]
        print(f"{name:<24} {value:>8g} {results[0]:>5}{marks[0]:<2} {results[1]:>5}{marks[1]:<2}")
    print(f"\n({time.time() - start:.0f} s; '<' marks a setting that breaks reports)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
