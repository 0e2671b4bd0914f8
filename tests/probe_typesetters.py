"""Probe the extractor with reports set by "other typesetters".

Run from the repository root:

    /tmp/venv/bin/python tests/probe_typesetters.py [--seeds N] [--only ERA] [--save DIR] [-v]

It generates a seeded matrix of synthetic reports (tests/pdfgen.py): every era x heading
emphasis x footnote style, each with a random (seeded) font, body size, table-of-contents style,
page size, margins, hyphenation, header/folio switches and hard cases (wrapped and hyphen-broken
headings, a heading as the last line of a page, curly apostrophes, diacritics, names starting with
digits, dots and parentheses, footnote markers on headings, market names in other entries' text,
Positive Developments names, counts in words or absent), plus a few stress variants. Each PDF is
read with `tracker.extract.extract` and compared with the truth the generator recorded (name,
kind, country, city, page, review_year, title, stated_counts). Failing variants are printed with
their spec and the differences; a summary ends the run. Exit status: 0 if all pass, 1 otherwise.
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from collections import Counter
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import pdfgen  # noqa: E402
from pdfgen import EMPHASES, ERAS, FOOTNOTES, TOC_STYLES, ReportSpec  # noqa: E402

from tracker.errors import ExtractionError  # noqa: E402
from tracker.extract import extract  # noqa: E402


def matrix(seeds: int, only: str | None = None) -> list[tuple[str, ReportSpec]]:
    """(label, spec) for every variant, deterministic."""
    fonts = pdfgen.available_fonts()
    out: list[tuple[str, ReportSpec]] = []
    n = 0
    for rep in range(seeds):
        for era in ERAS:
            if only and era != only:
                continue
            for emphasis in EMPHASES:
                for footnotes in FOOTNOTES:
                    seed = 1000 * (rep + 1) + n
                    n += 1
                    font = fonts[n % len(fonts)]
                    toc = TOC_STYLES[(n // len(fonts)) % len(TOC_STYLES)]
                    spec = pdfgen.sample_spec(
                        seed, era, emphasis=emphasis, footnotes=footnotes, font=font, toc=toc
                    )
                    label = f"{era}/{emphasis}/{footnotes}/{font}/{toc}#{seed}"
                    out.append((label, spec))
    # stress variants: rarer typesetting choices
    stress_seed = 90000
    for era in ERAS:
        if only and era != only:
            continue
        for name, overrides, spec_overrides in (
            ("small-a4-narrow", {"body_size": 10.0, "page": "a4", "margin": 54.0}, {}),
            ("big-letter-wide", {"body_size": 12.0, "margin": 90.0, "leading": 1.3}, {}),
            ("no-header-no-folio", {"running_header": False, "page_numbers": False}, {}),
            ("stated-mismatch", {}, {"stated": (99, 98)}),
            ("positive-after", {}, {"positive_after_results": True}),
            ("intros", {}, {"section_intros": True, "issue_focus": True}),
            ("no-metadata-title", {}, {"pdf_title": False}),
        ):
            stress_seed += 1
            spec = pdfgen.sample_spec(stress_seed, era, **overrides)
            if spec_overrides:
                if "stated" in spec_overrides and spec.counts == "none":
                    spec = replace(spec, counts="digits")
                spec = replace(spec, **spec_overrides)
            out.append((f"{era}/stress:{name}#{stress_seed}", spec))
    if not only or only == "early":
        stress_seed += 1
        spec = pdfgen.sample_spec(stress_seed, "early", runin="caps", emphasis="caps")
        out.append((f"early/stress:caps-runin-names#{stress_seed}", spec))
    return out


def expected_warnings_ok(got: dict, truth: dict) -> list[str]:
    """A stated count that disagrees with the entries must be reported."""
    out = []
    stated = truth["stated_counts"]
    if stated is not None:
        real = Counter(e["kind"] for e in truth["entries"])
        if (stated["online"], stated["physical"]) != (real["online"], real["physical"]) and not any(
            "states" in w for w in got.get("warnings", [])
        ):
            out.append("no warning that the stated counts disagree with the entries")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--seeds", type=int, default=2, help="repetitions of the matrix (default 2)")
    ap.add_argument("--only", choices=ERAS, help="one era only")
    ap.add_argument("--save", type=Path, help="write failing PDFs and truths here")
    ap.add_argument("-v", "--verbose", action="store_true", help="also print extractor warnings")
    args = ap.parse_args(argv)

    variants = matrix(args.seeds, args.only)
    failed: list[str] = []
    broken: list[str] = []
    by_axis: dict[str, Counter[str]] = {}
    started = time.time()
    for label, spec in variants:
        try:
            pdf, truth = pdfgen.build(spec)
        except Exception:  # a generator bug: say so, never count it against the extractor
            broken.append(label)
            print(f"\nGENERATOR ERROR {label}\n  {pdfgen.describe(spec)}")
            traceback.print_exc()
            continue
        try:
            got = extract(pdf).to_json()
            diffs = pdfgen.compare(got, truth) + expected_warnings_ok(got, truth)
        except ExtractionError as exc:
            got = {"warnings": []}
            diffs = [f"ExtractionError: {exc}"]
        ok = not diffs
        ts = spec.typesetting
        for axis, value in (
            ("era", spec.era),
            ("emphasis", ts.emphasis),
            ("footnotes", ts.footnotes),
            ("font", ts.font),
            ("toc", ts.toc),
        ):
            by_axis.setdefault(axis, Counter())[f"{value}:{'pass' if ok else 'fail'}"] += 1
        if ok:
            if args.verbose and got.get("warnings"):
                print(f"pass {label}  warnings={got['warnings']}")
            continue
        failed.append(label)
        print(f"\nFAIL {label}\n  spec: {pdfgen.describe(spec)}")
        for d in diffs:
            print(f"  - {d}")
        if got.get("warnings"):
            print(f"  warnings: {got['warnings']}")
        if args.save:
            args.save.mkdir(parents=True, exist_ok=True)
            stem = label.replace("/", "_").replace("#", "_").replace(":", "-")
            (args.save / f"{stem}.pdf").write_bytes(pdf)
            import json

            (args.save / f"{stem}.truth.json").write_text(
                json.dumps(truth, indent=1, ensure_ascii=False)
            )
    total = len(variants)
    passed = total - len(failed) - len(broken)
    print("\n" + "=" * 78)
    print(
        f"{total} variants in {time.time() - started:.0f}s: {passed} pass, {len(failed)} fail"
        + (f", {len(broken)} generator errors" if broken else "")
    )
    for axis, tally in by_axis.items():
        values = sorted({k.rsplit(":", 1)[0] for k in tally})
        cells = [
            f"{v} {tally[v + ':pass']}/{tally[v + ':pass'] + tally[v + ':fail']}" for v in values
        ]
        print(f"  {axis:10} " + ", ".join(cells))
    return 0 if not failed and not broken else 1


if __name__ == "__main__":
    raise SystemExit(main())
