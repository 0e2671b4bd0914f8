"""Fuzz the extractor with random and mutated PDFs, each read in the extraction sandbox (the
child process `check` uses: time and address-space limits), and count what came out.

    python benchmarks/fuzz_extract.py [--cases 200] [--seed 1] [--timeout 20] [--memory 1024]

Mutations of the sample reports: bytes flipped, a range deleted or duplicated, the file cut
short, a stream's bytes zeroed, objects swapped, pure random bytes after a PDF header. Every
outcome must be a report or one ExtractionError line: a crash (any other exception, a signal)
is printed with its case so it can be reproduced. Also printed: the slowest case and the
largest input.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tracker.config import ExtractionConfig  # noqa: E402
from tracker.errors import ExtractionError  # noqa: E402
from tracker.sandbox import extract_isolated  # noqa: E402

SAMPLES = sorted((ROOT / "tests" / "fixtures").glob("*.pdf"))


def mutate(data: bytes, rng: random.Random) -> tuple[str, bytes]:
    kind = rng.choice(("flip", "delete", "duplicate", "truncate", "zero-stream", "swap", "random"))
    b = bytearray(data)
    n = len(b)
    if kind == "flip":
        for _ in range(rng.randint(1, 200)):
            i = rng.randrange(n)
            b[i] ^= 1 << rng.randrange(8)
    elif kind == "delete":
        i = rng.randrange(n)
        del b[i : i + rng.randint(1, 4096)]
    elif kind == "duplicate":
        i = rng.randrange(n)
        chunk = b[i : i + rng.randint(1, 8192)]
        j = rng.randrange(n)
        b[j:j] = chunk * rng.randint(1, 20)
    elif kind == "truncate":
        del b[rng.randint(8, n - 1) :]
    elif kind == "zero-stream":
        i = data.find(b"stream", rng.randrange(n))
        if i >= 0:
            end = data.find(b"endstream", i)
            b[i + 7 : end] = bytes(max(end - i - 7, 0))
    elif kind == "swap":
        i, j = sorted(rng.randrange(n) for _ in range(2))
        k = rng.randint(1, 2048)
        b[i : i + k], b[j : j + k] = b[j : j + k], b[i : i + k]
    else:
        b = bytearray(b"%PDF-1.7\n" + rng.randbytes(rng.randint(10, 200_000)))
    return kind, bytes(b)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=20.0)
    ap.add_argument("--memory", type=int, default=1024)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    limits = ExtractionConfig(timeout_s=args.timeout, memory_mb=args.memory)
    outcomes: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    slowest = (0.0, "")
    crashes: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "case.pdf"
        for n in range(args.cases):
            sample = rng.choice(SAMPLES)
            kind, data = mutate(sample.read_bytes(), rng)
            path.write_bytes(data)
            label = f"#{n} {kind} of {sample.name} ({len(data)} bytes)"
            start = time.perf_counter()
            try:
                report = extract_isolated(path, limits)
                outcomes["report"] += 1
                if report.doubtful:
                    outcomes["report flagged doubtful"] += 1
            except ExtractionError as exc:
                message = str(exc)
                if "crashed" in message or "nonsense" in message:
                    outcomes["crash"] += 1
                    crashes.append(f"{label}: {message}")
                elif "did not finish" in message:
                    outcomes["time limit"] += 1
                elif "out of memory" in message:
                    outcomes["memory limit"] += 1
                else:
                    outcomes["clean error"] += 1
                    errors[message.removeprefix(f"{path}: ")[:60]] += 1
            elapsed = time.perf_counter() - start
            slowest = max(slowest, (elapsed, label))
    print(f"{args.cases} cases (seed {args.seed}, limits {args.timeout:g} s, {args.memory} MB)")
    for what, count in outcomes.most_common():
        print(f"  {what:<26} {count}")
    print("clean errors by first words:")
    for what, count in errors.most_common(8):
        print(f"  {count:>4}  {what}")
    print(f"slowest: {slowest[0]:.2f} s ({slowest[1]})")
    import resource

    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"largest extraction child: {peak:.0f} MB peak RSS")
    for line in crashes:
        print(f"CRASH {line}")
    return 1 if crashes else 0


if __name__ == "__main__":
    raise SystemExit(main())
