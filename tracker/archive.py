"""The archive of report PDFs: content-addressed, written atomically, never half there."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from tracker.errors import StoreError


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def archive_path(reports_dir: Path, digest: str) -> Path:
    return reports_dir / f"{digest}.pdf"


def store_pdf(reports_dir: Path, data: bytes) -> Path:
    """Keep `data` as reports_dir/<sha256>.pdf (temp file, fsync, rename); returns its path."""
    target = archive_path(reports_dir, sha256(data))
    if target.is_file() and target.stat().st_size == len(data):
        return target
    try:
        reports_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=reports_dir, prefix=".incoming-", suffix=".pdf")
    except OSError as exc:
        raise StoreError(f"{reports_dir}: cannot write the report archive: {exc.strerror}") from exc
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise StoreError(f"{target}: cannot write the report: {exc.strerror}") from exc
    return target
