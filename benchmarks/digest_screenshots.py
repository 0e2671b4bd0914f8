"""Screenshots (PNG) of the HTML digest rendered in headless Chromium, as a mail client without
remote content would show it: the 2020 and 2021 sample reports are ingested into a temporary
SQLite history and the 2021 digest is rendered, then shot whole at a desktop width and at a
narrow one (500 px, Chromium's narrowest window), and its top (the summary) alone. JavaScript
is off; the page loads nothing but itself.

    python benchmarks/digest_screenshots.py [--out state/screenshots]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.site_screenshots import element, full_page  # noqa: E402
from tests.browser import chromium, file_url, missing  # noqa: E402

SAMPLES = {y: ROOT / "tests" / "fixtures" / f"{y}-docx.pdf" for y in (2020, 2021)}


def sample_digest(folder: Path) -> Path:
    """The 2021 sample digest's HTML part, written to folder/digest.html."""
    from alerts.digest import render
    from tracker.config import Config
    from tracker.ingest import ingest_file
    from tracker.pipeline import digest_input
    from tracker.store import Store

    config = Config(state_dir=folder / "state", database_url=f"sqlite:///{folder}/tracker.db")
    with Store(config.database_url) as store:
        for year, pdf in SAMPLES.items():
            ingest_file(config, store, pdf, url=f"https://ustr.gov/{year}.pdf")
        with store.transaction() as tx:
            html = render(digest_input(tx, 2021)).html
    path = folder / "digest.html"
    path.write_text(html, encoding="utf-8")
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "state" / "screenshots")
    args = parser.parse_args()
    if why := missing():
        print(why, file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    shots = []
    with tempfile.TemporaryDirectory() as tmp:
        page = sample_digest(Path(tmp))
        for name, width in (("digest-desktop.png", 1024), ("digest-narrow.png", 500)):
            with chromium(width, 900, javascript=False) as driver:
                driver.get(file_url(page))
                full_page(driver, args.out / name)
                shots.append(name)
                if width == 1024:  # the summary a reader takes in at a glance
                    element(driver, "table[width='640']", args.out / "digest-top.png", height=900)
                    shots.append("digest-top.png")
    for name in shots:
        path = args.out / name
        print(f"{path}: {os.path.getsize(path) / 1024:.0f} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
