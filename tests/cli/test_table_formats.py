"""`export table` in every format, through the CLI, each file opened back and checked."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from workbench.formats.table_registry import TABLE_FORMATS

FIXTURES = Path(__file__).parent.parent / "fixtures"
ROOT = Path(__file__).parent.parent.parent
HOSTILE = "<script>alert('x')</script> Peers & staff =1+1"


def _export(run, project: Path, fmt: str, out: Path, *extra: str) -> Path:  # type: ignore[no-untyped-def]
    result = run("-p", str(project), "export", "table", "--format", fmt, "-o", str(out), *extra)
    assert result.exit_code == 0, result.output
    return out


def _hostile(run, project: Path) -> None:  # type: ignore[no-untyped-def]
    r = run("-p", str(project), "--coder", "lead", "summary", "set", "Bridge", "--valence", "benefit",
            "--perspective", "Mixed", HOSTILE)
    assert r.exit_code == 0, r.output


# ----- a minimal JSON Schema check, so the test needs no package the project does not declare ----
def _validate(value: Any, schema: dict[str, Any], root: dict[str, Any], path: str = "$") -> None:
    if "$ref" in schema:
        schema = root["$defs"][schema["$ref"].rsplit("/", 1)[1]]
    types = schema.get("type")
    if types is not None:
        names = [types] if isinstance(types, str) else types
        py = {"object": dict, "array": list, "string": str, "null": type(None), "boolean": bool}
        ok = any((isinstance(value, int) and not isinstance(value, bool)) if t == "integer" else isinstance(value, py[t])
                 for t in names)
        assert ok, f"{path}: {value!r} is not {names}"
    if isinstance(value, dict):
        for key in schema.get("required", []):
            assert key in value, f"{path}: missing {key}"
        for key, sub in schema.get("properties", {}).items():
            if key in value:
                _validate(value[key], sub, root, f"{path}.{key}")
    if isinstance(value, list):
        assert len(value) >= schema.get("minItems", 0), f"{path}: too few items"
        for i, item in enumerate(value):
            _validate(item, schema.get("items", {}), root, f"{path}[{i}]")


def validate(doc: Any, schema: dict[str, Any]) -> None:
    try:
        import jsonschema
    except ImportError:
        jsonschema = None
    if jsonschema is not None:
        jsonschema.validate(doc, schema)
    _validate(doc, schema, schema)


def test_registry_lists_every_format() -> None:
    assert list(TABLE_FORMATS) == ["md", "csv", "json", "docx", "html", "xlsx"]
    for f in TABLE_FORMATS.values():
        assert callable(f.load())


def test_json_matches_schema_and_author_year_refs_are_strings(run, example_dir: Path, author_year_dir: Path,
                                                              tmp_path: Path) -> None:
    schema = json.loads((FIXTURES / "table.schema.json").read_text(encoding="utf-8"))
    doc = json.loads(_export(run, example_dir, "json", tmp_path / "a.json").read_text(encoding="utf-8"))
    validate(doc, schema)
    assert all(isinstance(r, int) for th in doc["themes"] for st in th["subthemes"] for row in st["rows"]
               for r in row["references"])
    doc = json.loads(_export(run, author_year_dir, "json", tmp_path / "b.json").read_text(encoding="utf-8"))
    validate(doc, schema)
    row = doc["themes"][0]["subthemes"][0]["rows"][0]
    assert row["references"] == ["Abara 2019", "ong 2021", "Ong 2022", "walker 2013"]
    assert row["perspectives"][0]["stale"] is True
    assert "covers 7 of the 8" in doc["provenance"]["note"]
    assert doc["themes"][0]["subthemes"][1]["rows"][1]["valence"] is None


def test_markdown_is_a_table_with_footnote_and_sources(run, example_dir: Path, tmp_path: Path) -> None:
    _hostile(run, example_dir)
    text = _export(run, example_dir, "md", tmp_path / "t.md").read_text(encoding="utf-8")
    lines = text.splitlines()
    assert "| Theme | Benefit/challenge, references | Summary and perspective |" in lines
    assert "| **What the PSW role can bring** | | |" in lines
    assert any(line.startswith("| Wellbeing and recovery | Benefit [23, 34, 61] | PSWs [23, 34, 61]: ")
               for line in lines)
    assert any(line.startswith("|  | Challenge [23, 34, 42, 55, 60] | ") and "Mixed<sup>a</sup> [42, 55, 60]:" in line
               for line in lines)
    assert any(line.startswith("| Offering treatment choice | [60] |") for line in lines)
    table = [line for line in lines if line.startswith("|")]
    assert all(line.count(" | ") == 2 or line.endswith("| | |") for line in table[2:])  # 3 cells per row
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert any(line.startswith("<sup>a</sup> A mixed sample") for line in lines)
    assert "- \\[64\\] Viking T" in text


def test_markdown_to_stdout_by_default(run, example_dir: Path) -> None:
    result = run("-p", str(example_dir), "export", "table")
    assert result.exit_code == 0
    assert result.output.startswith("**Peer support")


def test_csv_is_tidy(run, example_dir: Path, tmp_path: Path) -> None:
    _hostile(run, example_dir)
    out = _export(run, example_dir, "csv", tmp_path / "t.csv")
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    keys = [(r["subtheme"], r["valence"], r["perspective"]) for r in rows]
    assert len(keys) == len(set(keys)) == 42  # one line per subtheme × valence × perspective
    first = rows[0]
    assert (first["theme"], first["subtheme"], first["valence"], first["perspective"], first["references"]) == (
        "What the PSW role can bring", "Wellbeing and recovery", "benefit", "PSWs", "23; 34; 61")
    mixed = next(r for r in rows if r["subtheme"] == "Wellbeing and recovery" and r["perspective"] == "Mixed")
    assert mixed["row_references"] == "23; 34; 42; 55; 60"
    assert mixed["groups"] == "carers; non-peer staff; PSWs; service users"
    other = next(r for r in rows if r["subtheme"] == "Offering treatment choice")
    assert other["valence"] == ""
    bridge = next(r for r in rows if r["subtheme"] == "Bridge")
    assert bridge["summary"] == HOSTILE  # starts with '<', not a formula character: kept as written


def test_csv_neutralises_formulas_and_notes_provenance(run, author_year_dir: Path, tmp_path: Path) -> None:
    r = run("-p", str(author_year_dir), "--coder", "lead", "summary", "set", "Teacher buy-in", "--valence",
            "facilitator", "--perspective", "Pupils", "=HYPERLINK(\"http://x\")")
    assert r.exit_code == 0, r.output
    text = _export(run, author_year_dir, "csv", tmp_path / "t.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert any(row["summary"] == "'=HYPERLINK(\"http://x\")" for row in rows)
    assert text.splitlines()[-2].startswith("# Provenance: the agreed set (agreed) covers 7 of the 8")


def test_html_is_standalone_and_escaped(run, example_dir: Path, tmp_path: Path) -> None:
    _hostile(run, example_dir)
    text = _export(run, example_dir, "html", tmp_path / "t.html").read_text(encoding="utf-8")

    class Collect(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.tags: list[str] = []
            self.attrs: list[tuple[str, str | None]] = []
            self.text: list[str] = []
            self.theme_rows = 0

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.tags.append(tag)
            self.attrs += attrs
            if tag == "tr" and ("class", "theme") in attrs:
                self.theme_rows += 1

        def handle_data(self, data: str) -> None:
            self.text.append(data)

    p = Collect()
    p.feed(text)
    assert "script" not in p.tags and "link" not in p.tags and "img" not in p.tags
    assert not any(k in ("src", "href") for k, _v in p.attrs)  # nothing to fetch
    assert "default-src 'none'" in text
    assert HOSTILE in "".join(p.text)  # shown as text, escaped in the source
    assert "&lt;script&gt;" in text and "Peers &amp; staff" in text
    assert p.theme_rows == 4 and p.tags.count("thead") == 1 and p.tags.count("sup") >= 1
    assert "Sources cited" in "".join(p.text)


def test_docx_is_a_journal_table(run, example_dir: Path, tmp_path: Path) -> None:
    from docx import Document
    from docx.oxml.ns import qn

    _hostile(run, example_dir)
    doc = Document(str(_export(run, example_dir, "docx", tmp_path / "t.docx")))
    assert len(doc.tables) == 1
    table = doc.tables[0]
    header = table.rows[0]._tr
    assert header.trPr.find(qn("w:tblHeader")) is not None  # repeats on every page
    assert [c.text for c in table.rows[0].cells] == ["Theme", "Benefit/challenge, references",
                                                     "Summary and perspective"]
    themes = []
    for tr in table._tbl.tr_lst[1:]:
        tcs = tr.tc_lst
        if len(tcs) == 1:  # one cell spanning the width
            assert tcs[0].tcPr.find(qn("w:gridSpan")).get(qn("w:val")) == "3"
            runs = list(tcs[0].iter(qn("w:r")))
            assert runs and all(r.find(qn("w:rPr")).find(qn("w:b")) is not None for r in runs)
            themes.append("".join(t.text for t in tcs[0].iter(qn("w:t"))))
    assert themes == ["What the PSW role can bring", "Confusion over the PSW role",
                      "Organisational challenges and impact", "Other"]
    summary_cell = table.rows[3].cells[2]  # Wellbeing and recovery, challenge
    sup = [r for p in summary_cell.paragraphs for r in p.runs if r.font.superscript]
    assert [r.text for r in sup] == ["a"]
    assert summary_cell.paragraphs[1].text.startswith("Mixeda [42, 55, 60]: ")
    assert table.rows[3].cells[1].text == "Challenge [23, 34, 42, 55, 60]"
    texts = [p.text for p in doc.paragraphs]
    assert any(t.startswith("a A mixed sample") for t in texts)  # the footnote, marker in superscript
    assert "Sources cited" in texts
    assert any(t.startswith("[23] du Plessis C") for t in texts)
    section = doc.sections[0]
    assert section.page_width > section.page_height  # long reference lists: landscape
    assert any(HOSTILE in c.text for row in table.rows for c in row.cells)


def test_docx_and_xlsx_go_to_exports_without_o(run, example_dir: Path) -> None:
    for fmt in ("docx", "xlsx"):
        result = run("-p", str(example_dir), "export", "table", "--format", fmt)
        assert result.exit_code == 0, result.output
        assert (example_dir / "exports" / f"table.{fmt}").is_file()
        assert str(example_dir / "exports" / f"table.{fmt}") in result.output


def test_xlsx_merged_frozen_wrapped_and_neutralised(run, author_year_dir: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    r = run("-p", str(author_year_dir), "--coder", "lead", "summary", "set", "Teacher buy-in", "--valence",
            "none", "--perspective", "Pupils", "x")
    assert r.exit_code == 0, r.output
    r = run("-p", str(author_year_dir), "codebook", "rename", "Parents' view", "=SUM(A1:A3)")
    assert r.exit_code == 0, r.output
    wb = load_workbook(_export(run, author_year_dir, "xlsx", tmp_path / "t.xlsx"))
    ws = wb["Table"]
    assert ws.freeze_panes == "A2"
    assert [c.value for c in ws[1]] == ["Theme", "Facilitator/hindrance, references", "Summary and sample"]
    merged = sorted(str(m) for m in ws.merged_cells.ranges)
    assert merged == ["A2:C2", "A6:C6"]  # the two theme rows span the width
    assert ws["A2"].value == "Making it work" and ws["A2"].font.b
    assert ws["B3"].value == "Hindrance [Abara 2019; ong 2021; Ong 2022; walker 2013]"
    assert ws["C3"].alignment.wrap_text and ws["A3"].alignment.wrap_text
    assert "Mixed" in str(ws["C3"].value) and "[ong 2021; Ong 2022]" in str(ws["C3"].value)
    assert ws["A7"].value == "'=SUM(A1:A3)"  # neutralised: no formula
    assert ws["A7"].data_type == "s"
    assert ws.column_dimensions["C"].width >= 80
    assert [row[0].value for row in wb["Sources"].iter_rows(min_row=2)] == [
        "Abara 2019", "ong 2021", "Ong 2022", "walker 2013"]


def test_unknown_format_and_coder_are_user_errors(run, example_dir: Path, tmp_path: Path) -> None:
    r = run("-p", str(example_dir), "export", "table", "-o", str(tmp_path / "t.pdf"))
    assert r.exit_code == 1 and "cannot tell the format" in r.output
    r = run("-p", str(example_dir), "export", "table", "--coders", "nobody")
    assert r.exit_code == 1 and "unknown coder 'nobody'" in r.output


def test_real_process_writes_every_format(example_dir: Path, tmp_path: Path) -> None:
    """The installed entry point, as a user runs it (one subprocess per format)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for fmt in TABLE_FORMATS:
        out = tmp_path / f"table.{fmt}"
        p = subprocess.run([sys.executable, "-m", "workbench", "-p", str(example_dir), "export", "table",
                            "-o", str(out)], capture_output=True, text=True, env=env, timeout=120)
        assert p.returncode == 0, p.stderr
        assert out.stat().st_size > 1000
        assert not out.with_name(out.name + ".part").exists()


@pytest.mark.parametrize("fmt", ["md", "csv", "docx"])
def test_exported_table_verifies_clean(run, example_dir: Path, tmp_path: Path, fmt: str) -> None:
    """What `export table` writes, `verify-table` reads back without a finding."""
    out = _export(run, example_dir, fmt, tmp_path / f"t.{fmt}")
    r = run("-p", str(example_dir), "verify-table", str(out))
    assert r.exit_code == 0, r.output
    assert "agrees with the codings (26 rows)" in r.output
