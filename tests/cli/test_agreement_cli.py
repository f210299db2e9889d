"""`workbench agreement` on the bundled example, in every format, and its user errors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from openpyxl import load_workbook

# The bundled example's two independent coders (README quotes these figures).
EXAMPLE_OVERALL_ALPHA = 0.763


def test_example_overall_agreement_is_between_point6_and_point85(example_dir: Path, run) -> None:
    result = run("-p", str(example_dir), "agreement", "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["coders"] == ["amira", "ben"]
    overall = {r["measure"]: r for r in doc["rows"] if r["level"] == "overall"}
    alpha = overall["subtheme"]["alpha"]
    assert 0.6 <= alpha <= 0.85
    assert round(alpha, 3) == EXAMPLE_OVERALL_ALPHA
    assert 0.6 <= overall["subtheme"]["kappa"]["amira–ben"]["value"] <= 0.85
    assert overall["valence"]["units"] > 0 and overall["perspective"]["units"] > 0


def test_markdown_reads_as_a_report(example_dir: Path, run) -> None:
    result = run("-p", str(example_dir), "agreement", "--by", "theme")
    assert result.exit_code == 0
    text = result.output
    assert "## Overall" in text and "## By theme" in text and "## By subtheme" not in text
    assert "Krippendorff's α" in text and "κ amira–ben" in text
    # undefined figures are words, with the reason spelled out
    assert "| undefined |" in text and "no variation to measure agreement on" in text


def test_csv_has_every_subtheme_and_theme(example_dir: Path, run, example_project) -> None:
    result = run("-p", str(example_dir), "agreement", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.output)))
    names = {r["name"] for r in rows if r["level"] == "subtheme"}
    assert names == {s.name for s in example_project.codebook.get().all_subthemes()}
    assert {r["measure"] for r in rows} == {"subtheme", "valence", "perspective"}
    for r in rows:
        if r["alpha"] == "":
            assert "undefined" in r["note"] or "no units" in r["note"]


def test_by_overall_and_xlsx_file(example_dir: Path, run, tmp_path: Path) -> None:
    out = tmp_path / "agreement.xlsx"
    result = run("-p", str(example_dir), "agreement", "--by", "overall", "-o", str(out))
    assert result.exit_code == 0, result.output
    wb = load_workbook(out)
    assert wb.sheetnames == ["agreement", "about"]
    body = list(wb["agreement"].iter_rows(values_only=True))
    assert body[0][:4] == ("level", "theme", "name", "measure") and len(body) == 4


def test_three_coders_including_the_agreed_set(example_dir: Path, run) -> None:
    result = run("-p", str(example_dir), "agreement", "--coders", "amira,ben,consensus", "--format", "json")
    doc = json.loads(result.output)
    assert set(doc["rows"][0]["kappa"]) == {"amira–ben", "amira–consensus", "ben–consensus"}


def test_unknown_coder_and_a_single_coder_are_user_errors(example_dir: Path, run) -> None:
    bad = run("-p", str(example_dir), "agreement", "--coders", "amira,zoe")
    assert bad.exit_code == 1 and "unknown coder 'zoe'" in bad.output and "Traceback" not in bad.output
    one = run("-p", str(example_dir), "agreement", "--coders", "amira")
    assert one.exit_code == 1 and "two or more coders" in one.output
