"""Probe the extractor with reports set by other layout engines than the one in tests/pdfgen.py.

Run from the repository root:

    .venv/bin/python tests/probe_engines.py [--engine html|typst|docx|all] [--seeds N]
        [--era early|mid|modern] [--save DIR] [-v]

Each variant takes its content from `pdfgen.sample_spec` (real names, hard cases) and its look
from `typeset.look.random_look` (fonts, sizes, leading, heading measure and balance, emphasis,
markers, contents style, page furniture), drawn independently, and is set by a real engine:
HTML and CSS printed by headless Chromium, Typst, or a .docx converted by LibreOffice. The truth
pages come from the PDF's own outline. Each PDF is read with `tracker.extract.extract` and
compared with `pdfgen.compare`; the summary gives the share of exact reports and the F1 over
all entries, and how many reports were wrong without a doubtful notice (silently wrong) or
exact with one (a false alarm: a held digest a person releases). Exit status 0 when every variant is exact.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import pdfgen  # noqa: E402
from tests.typeset import content as content_mod  # noqa: E402
from tests.typeset.engines import ENGINES  # noqa: E402
from tests.typeset.look import Look, random_look  # noqa: E402
from tracker.errors import ExtractionError  # noqa: E402
from tracker.extract import extract  # noqa: E402
from tracker.model import DOUBTFUL  # noqa: E402


def entry_scores(got: dict, truth: dict) -> tuple[int, int, int]:
    """(true positives, extracted, expected) by (kind, name, country, city)."""

    def keys(entries: list[dict]) -> Counter[tuple]:
        return Counter((e["kind"], e["name"], e.get("country"), e.get("city")) for e in entries)

    g, t = keys(got.get("entries", [])), keys(truth["entries"])
    return sum((g & t).values()), sum(g.values()), sum(t.values())


def _forced(look: Look, pairs: list[str]) -> Look:
    """`look` with FIELD=VALUE pairs applied (values read as the field's type)."""
    changes: dict[str, object] = {}
    for pair in pairs:
        field, _, value = pair.partition("=")
        current = getattr(look, field)
        if isinstance(current, bool):
            changes[field] = value.lower() in ("1", "true", "yes")
        elif isinstance(current, int | float):
            changes[field] = type(current)(value)
        else:
            changes[field] = value
    return replace(look, **changes)  # type: ignore[arg-type]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--engine", default="all", choices=[*ENGINES, "all"])
    ap.add_argument("--seeds", type=int, default=4)
    ap.add_argument("--first", type=int, default=0, help="start at the first+1-th seed")
    ap.add_argument("--era", choices=pdfgen.ERAS)
    ap.add_argument("--save", type=Path)
    ap.add_argument(
        "--look",
        action="append",
        default=[],
        metavar="FIELD=VALUE",
        help="force a look field in every variant (e.g. plain_tail=true, heading_measure=0.5)",
    )
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    engines = list(ENGINES) if args.engine == "all" else [args.engine]
    eras = [args.era] if args.era else list(pdfgen.ERAS)
    tp = ext = exp = 0
    exact = total = silent = alarms = 0
    by: Counter[str] = Counter()
    ok_by: Counter[str] = Counter()
    start = time.time()
    for engine in engines:
        render = ENGINES[engine]
        if not render.available():
            print(f"{engine}: not installed, skipped")
            continue
        for n in range(args.first, args.first + args.seeds):
            for era in eras:
                seed = 500 + 37 * n + 7 * pdfgen.ERAS.index(era)
                spec = pdfgen.sample_spec(seed, era)
                look = _forced(random_look(seed * 13 + len(engine)), args.look)
                cont = content_mod.build(spec, caps=look.emphasis == "caps")
                label = f"{engine}/{era}#{seed}"
                try:
                    pdf, pages = render.render(cont, look)
                except Exception as exc:  # an engine failure is not the extractor's
                    print(f"SKIP {label}: the engine failed: {exc}")
                    continue
                truth = cont.truth(pages)
                try:
                    report = extract(pdf)
                    got = report.to_json()
                    flagged = any(n.code in DOUBTFUL for n in report.notices)
                except ExtractionError as exc:
                    got, flagged = {"entries": [], "warnings": [str(exc)]}, True
                diffs = pdfgen.compare(got, truth)
                silent += bool(diffs) and not flagged
                alarms += not diffs and flagged
                if not diffs and flagged:
                    doubts = [n.message for n in report.notices if n.code in DOUBTFUL]
                    print(f"\nALARM {label}: exact, but flagged: {doubts}")
                a, b, c = entry_scores(got, truth)
                tp, ext, exp = tp + a, ext + b, exp + c
                total += 1
                by[f"{engine}/{era}"] += 1
                if not diffs:
                    exact += 1
                    ok_by[f"{engine}/{era}"] += 1
                if args.save:
                    args.save.mkdir(parents=True, exist_ok=True)
                    stem = label.replace("/", "-").replace("#", "-")
                    (args.save / f"{stem}.pdf").write_bytes(pdf)
                    (args.save / f"{stem}.truth.json").write_text(json.dumps(truth, indent=1))
                if diffs or args.verbose:
                    print(f"\n{'FAIL' if diffs else 'ok  '} {label}\n  look: {look.describe()}")
                    print(f"  spec: {pdfgen.describe(spec)}")
                    for d in diffs:
                        print(f"  - {d}")
                    if diffs:
                        print(f"  warnings: {got.get('warnings')}")
    precision = tp / ext if ext else 0.0
    recall = tp / exp if exp else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print("\n" + "=" * 78)
    print(
        f"{total} reports in {time.time() - start:.0f}s: {exact} exact "
        f"({100 * exact / max(total, 1):.1f}%); entries P {precision:.4f} R {recall:.4f} "
        f"F1 {f1:.4f}"
    )
    print(f"not exact and not flagged (silently wrong): {silent}; exact but flagged: {alarms}")
    for key in sorted(by):
        print(f"  {key:<16} {ok_by[key]}/{by[key]}")
    return 0 if exact == total else 1


if __name__ == "__main__":
    raise SystemExit(main())
