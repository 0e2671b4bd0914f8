"""`nml-tracker extract` through the real entry point (in this process; the console script in a
child): output, exit codes, stderr."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tracker.cli import build_parser

from .clirun import cli, run
from .conftest import sample_pdf, sample_truth


def test_extract_json_shape() -> None:
    res = cli("extract", sample_pdf(2021), "--json")
    assert res.code == 0, res.err
    doc = res.json()
    assert set(doc) == {"review_year", "title", "stated_counts", "entries", "warnings"}
    assert doc["review_year"] == 2021
    assert doc["stated_counts"] == {"online": 42, "physical": 35}
    assert len(doc["entries"]) == 77
    assert set(doc["entries"][0]) == {"name", "kind", "country", "city", "domains", "page"}
    la_salada = next(e for e in doc["entries"] if e["name"] == "La Salada")
    assert la_salada == {
        "name": "La Salada",
        "kind": "physical",
        "country": "Argentina",
        "city": "Lomas de Zamora",
        "domains": [],
        "page": 19,
    }
    assert doc["warnings"] == []


def test_extract_table_lists_every_market() -> None:
    res = cli("extract", sample_pdf(2016))
    assert res.code == 0, res.err
    assert "2016 Out-of-Cycle Review of Notorious Markets (review year 2016, 17 pages)" in res.out
    for entry in sample_truth(2016)["entries"]:
        assert entry["name"] in res.out


def test_missing_file_exits_1_with_one_line() -> None:
    res = cli("extract", "no-such-report.pdf")
    assert res.code == 1
    assert res.err.strip().splitlines() == ["no-such-report.pdf: no such file"]
    assert res.out == ""


def test_html_instead_of_pdf_is_refused(tmp_path: Path) -> None:
    page = tmp_path / "report.pdf"
    page.write_text("<!doctype html><title>Access denied</title>", encoding="utf-8")
    res = cli("extract", page)
    assert res.code == 1
    assert res.err.strip() == f"{page}: not a PDF: the file does not start with %PDF"
    assert "Traceback" not in res.err


def test_truncated_pdf_is_refused(tmp_path: Path) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(sample_pdf(2021).read_bytes()[:40_000])
    res = cli("-q", "extract", broken)
    assert res.code == 1
    assert len(res.err.strip().splitlines()) == 1
    assert str(broken) in res.err and "Traceback" not in res.err


def test_pdf_without_markets_is_an_error(tmp_path: Path) -> None:
    from reportlab.pdfgen import canvas

    path = tmp_path / "letter.pdf"
    c = canvas.Canvas(str(path))
    c.drawString(72, 720, "Dear reader, this is not a Review of Notorious Markets.")
    c.save()
    res = cli("extract", path, "--json")
    assert res.code == 1
    assert "no 'Online Markets' or 'Physical Markets' section" in res.err
    assert res.out == ""


def test_usage_error_exits_2() -> None:
    res = cli("extract")
    assert res.code == 2
    assert "PDF" in res.err


@pytest.mark.slow
def test_console_script_and_module_agree() -> None:
    script = Path(sys.executable).with_name("nml-tracker")
    out = subprocess.run([script, "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == run("--version").out.strip()


def test_every_command_has_help_text() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name, command in sub.choices.items():  # type: ignore[union-attr]
        assert command.description, f"{name} has no help text"


@pytest.mark.slow  # a generated PDF
def test_count_mismatch_exits_1_unless_allowed(tmp_path: Path) -> None:
    from dataclasses import replace

    from .pdfgen import build, sample_spec

    spec = sample_spec(5, "modern", n_online=4, n_physical=3, hard=False)
    pdf, truth = build(replace(spec, stated=(5, 3), counts="digits"))  # one online too many
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    res = cli("extract", path, "--json")
    assert res.code == 1
    doc = res.json()  # the JSON still comes out
    assert doc["stated_counts"] == {"online": 5, "physical": 3}
    assert "extracted 4 online markets but the report states 5" in doc["warnings"]
    assert res.err.strip() == (
        f"{path}: extracted 4 online and 3 physical markets but the report states 5 and 3 "
        "(check the warnings; --allow-mismatch accepts it)"
    )
    allowed = cli("extract", path, "--json", "--allow-mismatch")
    assert allowed.code == 0 and allowed.json() == doc
    assert len(truth["entries"]) == 7


def test_json_log_lines(tmp_path: Path) -> None:
    import json

    res = cli("--log-format", "json", "--verbose", "extract", sample_pdf(2011), "--json")
    assert res.code == 0
    lines = [json.loads(line) for line in res.err.strip().splitlines()]
    assert any(
        rec["logger"] == "tracker.extract" and "extracted 17 online" in rec["message"]
        for rec in lines
    )
    assert all({"time", "level", "logger", "message"} <= set(rec) for rec in lines)
    # --verbose is the tracker's own debug output, not pdfminer's every parsed token
    assert not [
        rec
        for rec in lines
        if rec["level"] == "debug"
        and rec["logger"] != "tracker"
        and not rec["logger"].startswith("tracker.")
    ]
