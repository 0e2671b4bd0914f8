"""Screenshots (PNG) of the report site in headless Chromium: the index in full, the timeline
alone and one market's page. Without --site it builds the site from the five sample reports
(ingested into a temporary SQLite history).

    python benchmarks/site_screenshots.py [--site DIR] [--out screenshots] [--market la-salada]
                                          [--readme docs/timeline.png]
"""

from __future__ import annotations

import argparse
import base64
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser import chromium, file_url  # noqa: E402

SAMPLES = [ROOT / "tests" / "fixtures" / f"{y}-docx.pdf" for y in (2011, 2016, 2019, 2020, 2021)]


def sample_site(folder: Path) -> Path:
    """Ingest the samples into folder/tracker.db and publish the site as folder/site."""
    from tracker.config import Config
    from tracker.ingest import ingest_file
    from tracker.site.publish import publish, read_site
    from tracker.store import Store

    config = Config(state_dir=folder / "state", database_url=f"sqlite:///{folder}/tracker.db")
    with Store(config.database_url) as store:
        for pdf in SAMPLES:
            ingest_file(config, store, pdf)
        publish(read_site(store), folder / "site")
    return folder / "site"


def full_page(driver: Any, path: Path) -> None:
    """The whole page, not only the window (Chromium's DevTools protocol)."""
    size = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot",
        {
            "format": "png",
            "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1},
        },
    )
    path.write_bytes(base64.b64decode(shot["data"]))


def element(driver: Any, css: str, path: Path, height: int | None = None) -> None:
    """One element (its first `height` CSS pixels, when given)."""
    box = driver.execute_script(
        "const r = document.querySelector(arguments[0]).getBoundingClientRect();"
        "return {x: r.left + scrollX, y: r.top + scrollY, width: r.width, height: r.height};",
        css,
    )
    clip = {**box, "height": min(box["height"], height or box["height"]), "scale": 1}
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "clip": clip}
    )
    path.write_bytes(base64.b64decode(shot["data"]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="a built site (default: build the samples')")
    parser.add_argument("--out", type=Path, default=Path("screenshots"))
    parser.add_argument("--market", default="la-salada", help="the market page to shoot")
    parser.add_argument("--readme", type=Path, help="also write the timeline's top here")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        site = args.site or sample_site(Path(tmp))
        with chromium(1280, 900) as driver:
            driver.get(file_url(site / "index.html"))
            full_page(driver, args.out / "index.png")
            element(driver, "#markets", args.out / "timeline.png")
            driver.get(file_url(site / "markets" / f"{args.market}.html"))
            full_page(driver, args.out / "market.png")
        if args.readme:  # a narrower window: the timeline's top, small enough for a README
            with chromium(720, 900) as driver:
                driver.get(file_url(site / "index.html"))
                element(driver, "#markets", args.readme, height=720)
    for name in ("index.png", "timeline.png", "market.png"):
        path = args.out / name
        print(f"{path}: {os.path.getsize(path) / 1024:.0f} KB")
    if args.readme:
        print(f"{args.readme}: {os.path.getsize(args.readme) / 1024:.0f} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
