"""report: the static report site."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from tracker.commands.common import (
    UsageError,
    command,
    json_flag,
    load_config,
    open_store,
    print_json,
)


def register(sub: Any) -> None:
    p = command(
        sub, "report", cmd_report, "write the static report site (timeline, years, markets, feed)"
    )
    p.add_argument(
        "--out", type=Path, metavar="DIR", help="where to write it (default: report.out_dir)"
    )
    p.add_argument(
        "--base-url", metavar="URL", help="where it is published (absolute links in the feed)"
    )
    json_flag(p)


def cmd_report(args: argparse.Namespace) -> int:
    from tracker.site.publish import describe, publish, read_site

    config = load_config(args)
    out = args.out or config.report.out_dir
    if out is None:
        raise UsageError("report needs --out DIR (or report.out_dir in the configuration)")
    with open_store(config) as store:
        data = read_site(store, args.base_url or config.report.base_url)
    done = publish(data, out)
    if args.json:
        print_json(
            {
                "out_dir": str(done.out_dir),
                "years": [y.year for y in data.years],
                "markets": done.markets,
                "files": done.files,
                "index_bytes": done.index_bytes,
                "seconds": round(done.seconds, 3),
            }
        )
    else:
        print(describe(done))
    return 0
