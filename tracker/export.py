"""The whole history as a file, one row per listing: what `export` prints and the report site
offers under data/."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

from tracker.records import EXPORT_FIELDS, ExportRow


def export_json(rows: Sequence[ExportRow]) -> str:
    return json.dumps([r.to_json() for r in rows], ensure_ascii=False, indent=2) + "\n"


def export_csv(rows: Sequence[ExportRow]) -> str:
    """Domains joined by spaces; an empty history still names its first columns."""
    out = io.StringIO()
    fields = list(EXPORT_FIELDS) if rows else ["review_year", "market_id", "name"]
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        doc = row.to_json()
        writer.writerow({**doc, "domains": " ".join(doc["domains"])})
    return out.getvalue()
