"""`workbench import included-studies`, `workbench evidence set|show|clear`, `workbench export evidence`."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

FIXTURE = Path(__file__).parent.parent / "fixtures" / "synthetic_graph"


@pytest.fixture
def judged(synthetic_graph_dir: Path, run) -> Path:  # type: ignore[no-untyped-def]
    p = str(synthetic_graph_dir)
    r = run("-p", p, "import", "included-studies", str(FIXTURE / "included_studies.csv"))
    assert r.exit_code == 0 and "9 added, 0 already present" in r.stdout, r.output
    for comp, judgement, why in (("methodological-limitations", "minor", "One high, one low review"),
                                 ("coherence", "no or very minor", "Both reviews describe growing confidence"),
                                 ("adequacy", "moderate", "Two short excerpts"),
                                 ("relevance", "minor", "PSWs only"),
                                 ("overall", "moderate", "Concerns on adequacy")):
        r = run("--coder", "amira", "-p", p, "evidence", "set", "Confidence", "--valence", "benefit",
                "--component", comp, "--judgement", judgement, "--explanation", why)
        assert r.exit_code == 0, r.output
    return synthetic_graph_dir


def test_set_and_show(judged: Path, run) -> None:  # type: ignore[no-untyped-def]
    r = run("-p", str(judged), "evidence", "show", "Confidence", "--valence", "benefit")
    assert r.exit_code == 0, r.output
    text = r.stdout
    assert "Confidence — benefit  [Personal gains]" in text
    assert "sources      Adams 2019, Chen 2018 (2); excerpts 2" in text
    assert "overlap      CCA 50.0% (very high; 2 reviews, 4 studies, 6 inclusions)" in text
    assert "flags        contrasting" in text
    assert "adequacy                   moderate concerns — Two short excerpts" in text
    assert "overall                    moderate confidence — Concerns on adequacy" in text
    everything = run("-p", str(judged), "evidence", "show").stdout
    assert everything.splitlines()[-1].startswith("8 findings; overlap of all reviews: CCA 16.7%")
    log = run("-p", str(judged), "log", "-n", "5").stdout
    assert "amira" in log and "cerqual judgement" in log


def test_set_needs_a_coder_and_valid_words(synthetic_graph_dir: Path, run) -> None:  # type: ignore[no-untyped-def]
    p = str(synthetic_graph_dir)
    base = ("evidence", "set", "Confidence", "--valence", "benefit", "--component")
    r = run("-p", p, *base, "overall", "--judgement", "high", "--explanation", "x", env={"WORKBENCH_CODER": ""})
    assert r.exit_code == 1 and "who is coding?" in r.stderr
    r = run("--coder", "amira", "-p", p, *base, "clarity", "--judgement", "high", "--explanation", "x")
    assert r.exit_code == 1 and "unknown CERQual component 'clarity'" in r.stderr
    r = run("--coder", "amira", "-p", p, *base, "coherence", "--judgement", "high", "--explanation", "x")
    assert r.exit_code == 1 and "'high' is not a judgement for coherence" in r.stderr
    r = run("-p", p, "evidence", "show", "Nope")
    assert r.exit_code == 1 and "unknown subtheme 'Nope'" in r.stderr
    r = run("-p", p, "evidence", "set", "Confidence", "--component", "overall")
    assert r.exit_code == 2  # wrong usage: missing --judgement


def test_clear(judged: Path, run) -> None:  # type: ignore[no-untyped-def]
    args = ("--coder", "ben", "-p", str(judged), "evidence", "clear", "Confidence", "--valence", "benefit",
            "--component", "relevance")
    assert run(*args).stdout.strip() == "removed"
    assert run(*args).stdout.strip() == "there was no such judgement"


def test_import_included_studies_bad_rows_change_nothing(synthetic_graph_dir: Path, run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.csv"
    bad.write_text("source,study\nAdams 2019,Kim 2010\nZed 1999,Old 1990\n", encoding="utf-8")
    r = run("-p", str(synthetic_graph_dir), "import", "included-studies", str(bad))
    assert r.exit_code == 1 and r.stderr.strip() == f"workbench: {bad}, row 3: unknown source 'Zed 1999'"
    missing = tmp_path / "cols.csv"
    missing.write_text("review,study\nAdams 2019,Kim 2010\n", encoding="utf-8")
    r = run("-p", str(synthetic_graph_dir), "import", "included-studies", str(missing))
    assert r.exit_code == 1 and "missing column source" in r.stderr
    r = run("-p", str(synthetic_graph_dir), "evidence", "show", "Confidence", "--valence", "benefit")
    assert "CCA n/a (no included-study lists)" in r.stdout


def test_export_evidence_markdown_and_csv(judged: Path, run) -> None:  # type: ignore[no-untyped-def]
    md = run("-p", str(judged), "export", "evidence").stdout.splitlines()
    assert md[0].startswith("| Summary of review finding | Contributing sources | Evidence |")
    row = next(ln for ln in md if ln.startswith("| Personal gains › Confidence (benefit)"))
    assert "| Adams 2019, Chen 2018 |" in row and "| moderate confidence |" in row
    assert "Adequacy: moderate concerns — Two short excerpts." in row
    assert "not yet assessed" in next(ln for ln in md if "Confidence (challenge)" in ln)
    out = run("-p", str(judged), "export", "evidence", "--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    conf = rows[0]
    assert (conf["subtheme"], conf["valence"], conf["n_sources"], conf["cca_percent"]) == (
        "Confidence", "benefit", "2", "50.0")
    assert conf["coherence"] == "no or very minor concerns"
    assert conf["overall explanation"] == "Concerns on adequacy"


def test_export_evidence_docx_and_xlsx(judged: Path, run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    docx_path = tmp_path / "soqf.docx"
    assert run("-p", str(judged), "export", "evidence", "-o", str(docx_path)).exit_code == 0
    table = Document(str(docx_path)).tables[0]
    assert table.rows[0].cells[4].text == "CERQual assessment of confidence"
    assert table.rows[1].cells[0].text.startswith("Personal gains › Confidence (benefit)")
    assert table.rows[1].cells[4].text == "moderate confidence"
    xlsx = tmp_path / "soqf.xlsx"
    assert run("-p", str(judged), "export", "evidence", "-o", str(xlsx)).exit_code == 0
    ws = load_workbook(xlsx)["Evidence profile"]
    head = [c.value for c in ws[1]]
    assert ws.cell(2, head.index("overall") + 1).value == "moderate confidence"
    assert ws.cell(2, head.index("cca_percent") + 1).value == 50.0
    r = run("-p", str(judged), "export", "evidence", "--format", "docx")
    assert r.exit_code == 0 and (judged / "exports" / "evidence.docx").is_file()
