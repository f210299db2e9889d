"""Bad input: one clear line naming the file and the line or row, exit 1, and nothing changed.

Each case hashes every file of the project folder (or of the folder `new` would write into)
before and after, so "changes nothing" means byte for byte, not "the counts look the same".
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from openpyxl import Workbook

from workbench.core.example import example_files
from workbench.store.api import Project

HEADER = "excerpt,subtheme,coder,valence,perspective\n"


def digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def assert_refused(result, *names: str) -> str:
    """Exit 1, no traceback, exactly one line on stderr that names what it must (file, row …)."""
    assert result.exit_code == 1, (result.output, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output + result.stderr
    for name in names:
        assert name in lines[0], (name, lines[0])
    return lines[0]


def write(path: Path, text: str | bytes) -> Path:
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def bad(tmp_path: Path) -> Path:
    folder = tmp_path / "bad-files"
    folder.mkdir()
    return folder


CODINGS_CASES = {
    "unknown_subtheme": (HEADER + "e001,No such subtheme,amira,benefit,PSWs\n", "row 2", "unknown subtheme"),
    "unknown_perspective": (HEADER + "e001,Boundaries,amira,benefit,Martians\n", "row 2", "unknown perspective"),
    "unknown_valence": (HEADER + "e001,Boundaries,amira,wonderful,PSWs\n", "row 2", "unknown valence"),
    "unknown_excerpt": (HEADER + "e999,Boundaries,amira,benefit,PSWs\n", "row 2", "unknown excerpt"),
    "last_row_bad": (HEADER + "e001,Boundaries,zoe,benefit,PSWs\ne002,Boundaries,zoe,challenge,PSWs\n"
                     "e003,Boundaries,zoe,benefit,Nobody\n", "row 4", "unknown perspective 'Nobody'"),
    "missing_column": ("excerpt,subtheme,coder,perspective\ne001,Boundaries,amira,PSWs\n", "row 1",
                       "missing column valence"),
    "span_outside_text": ("excerpt,subtheme,coder,valence,perspective,start,end\n"
                          "e001,Boundaries,amira,benefit,PSWs,10,99999\n", "row 2", "outside"),
    "too_many_cells": (HEADER + "e001,Boundaries,amira,benefit,PSWs,extra\n", "line 2", "cells"),
}


@pytest.mark.parametrize("case", sorted(CODINGS_CASES))
def test_bad_codings_file_changes_nothing(example_dir: Path, run, bad: Path, case: str) -> None:
    """A codings CSV with one bad row: the file and row are named; not even the good rows land."""
    text, where, what = CODINGS_CASES[case]
    file = write(bad / f"{case}.csv", text)
    before = digest(example_dir)
    assert_refused(run("-p", str(example_dir), "import", "codings", str(file)), f"{case}.csv", where, what)
    assert digest(example_dir) == before


def test_cp1252_csv_is_read_with_a_note_naming_its_line(example_dir: Path, run, bad: Path) -> None:
    """A CSV saved by Excel's plain "CSV" on Windows (cp1252): read, with one note naming the first
    line that is not UTF-8, so a wrong guess can be checked (issue 15; it used to be refused)."""
    file = write(bad / "latin1.csv", (HEADER.rstrip("\n") + ",note\ne001,Boundaries,amira,benefit,PSWs,ok\n"
                                      "e002,Boundaries,amira,benefit,PSWs,caf\xe9\n").encode("cp1252"))
    result = run("-p", str(example_dir), "import", "codings", str(file))
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [f"{file}: not UTF-8 (first at line 3); read as Windows-1252 — check "
                                          "accented letters, or save it as 'CSV UTF-8'"]
    with Project.open(example_dir) as p:
        assert "café" in {c.note for c in p.records.codings()}


def test_duplicate_excerpt_id(example_dir: Path, run, bad: Path) -> None:
    file = write(bad / "excerpts.csv", "id,source,text,perspective\nn1,23,One finding.,PSWs\n"
                                       "n2,23,Another.,PSWs\nn1,34,Again the first id.,PSWs\n")
    before = digest(example_dir)
    assert_refused(run("-p", str(example_dir), "import", "excerpts", str(file)), "excerpts.csv", "row 4",
                   "duplicate excerpt id 'n1'", "row 2")
    assert digest(example_dir) == before


def test_duplicate_source_ref(example_dir: Path, run, bad: Path) -> None:
    file = write(bad / "sources.csv", "ref,citation,year,design,quality,groups\n900,A,2020,review,low,PSWs\n"
                                      "900,B,2021,review,high,carers\n")
    before = digest(example_dir)
    assert_refused(run("-p", str(example_dir), "import", "sources", str(file)), "sources.csv", "row 3",
                   "duplicate source ref '900'")
    assert digest(example_dir) == before


def test_xlsx_with_an_empty_sheet(example_dir: Path, run, bad: Path) -> None:
    file = bad / "empty.xlsx"
    Workbook().save(file)
    before = digest(example_dir)
    assert_refused(run("-p", str(example_dir), "import", "codings", str(file)), "empty.xlsx", "row 1", "empty")
    assert digest(example_dir) == before


def test_xlsx_with_a_missing_column(example_dir: Path, run, bad: Path) -> None:
    file = bad / "codings.xlsx"
    wb = Workbook()
    wb.active.append(["excerpt", "subtheme", "coder", "perspective"])
    wb.active.append(["e001", "Boundaries", "amira", "PSWs"])
    wb.save(file)
    before = digest(example_dir)
    assert_refused(run("-p", str(example_dir), "import", "codings", str(file)), "codings.xlsx", "row 1",
                   "missing column valence")
    assert digest(example_dir) == before


def test_xlsx_last_row_bad(example_dir: Path, run, bad: Path) -> None:
    file = bad / "codings.xlsx"
    wb = Workbook()
    for row in (["excerpt", "subtheme", "coder", "valence", "perspective"],
                ["e001", "Boundaries", "zoe", "benefit", "PSWs"], ["e002", "Ghost subtheme", "zoe", "", "PSWs"]):
        wb.active.append(row)
    wb.save(file)
    before = digest(example_dir)
    assert_refused(run("-p", str(example_dir), "import", "codings", str(file)), "codings.xlsx", "row 3",
                   "Ghost subtheme")
    assert digest(example_dir) == before


def test_jsonl_bad_line(example_dir: Path, run, bad: Path) -> None:
    file = write(bad / "codings.jsonl", '{"excerpt": "e001", "subtheme": "Boundaries", "coder": "zoe", '
                                        '"valence": "benefit", "perspective": "PSWs"}\n{"excerpt": "e002",\n')
    before = digest(example_dir)
    assert_refused(run("-p", str(example_dir), "import", "codings", str(file)), "codings.jsonl", "line 2")
    assert digest(example_dir) == before


def test_missing_file(example_dir: Path, run, bad: Path) -> None:
    before = digest(example_dir)
    assert_refused(run("-p", str(example_dir), "import", "codings", str(bad / "nowhere.csv")), "nowhere.csv",
                   "no such file")
    assert digest(example_dir) == before


def test_folder_that_is_not_a_project(run, tmp_path: Path) -> None:
    folder = tmp_path / "just-a-folder"
    folder.mkdir()
    (folder / "notes.txt").write_text("hello", encoding="utf-8")
    before = digest(folder)
    assert_refused(run("-p", str(folder), "status"), "just-a-folder", "not a workbench project")
    assert_refused(run("-p", str(tmp_path / "absent"), "status"), "absent", "no such project folder")
    assert digest(folder) == before


def test_project_from_a_newer_schema(example_dir: Path, run) -> None:
    """A project written by a newer workbench is refused, not "upgraded" backwards or damaged."""
    con = sqlite3.connect(example_dir / "workbench.db")
    con.execute("UPDATE alembic_version SET version_num = '9999'")
    con.commit()
    con.close()
    before = digest(example_dir)
    line = assert_refused(run("-p", str(example_dir), "status"), "peer-support", "newer workbench")
    assert "9999" in line
    assert_refused(run("-p", str(example_dir), "import", "codings", str(example_files()["codings"])), "newer")
    assert digest(example_dir) == before
    assert not (example_dir / "backups").exists()


def _new(run, folder: Path, codebook: Path, **files: Path) -> object:
    f = example_files()
    paths = {k: files.get(k, f[k]) for k in ("sources", "excerpts", "codings")}
    return run("new", str(folder), "--codebook", str(codebook), "--sources", str(paths["sources"]),
               "--excerpts", str(paths["excerpts"]), "--codings", str(paths["codings"]))


def test_new_with_malformed_yaml_makes_nothing(run, tmp_path: Path, bad: Path) -> None:
    codebook = write(bad / "codebook.yaml", "valences: [benefit, challenge]\nthemes:\n  - name: A\n"
                                            "    subthemes: [one, two\n  - name: B\n")
    work = tmp_path / "work"
    work.mkdir()
    before = digest(work)
    line = assert_refused(_new(run, work / "review", codebook), "codebook.yaml", "line")
    assert "malformed YAML" in line
    assert digest(work) == before and not list(work.iterdir())


@pytest.mark.parametrize(("text", "what"), [
    ("themes:\n  - name: A\n    subthemes: [Same]\n  - name: B\n    subthemes: [Same]\n", "duplicate subtheme"),
    ("themes:\n  - subthemes: [x]\n", "needs a 'name'"),
    ("citation: harvard\nthemes: []\n", "citation"),
    ("- just\n- a list\n", "mapping"),
])
def test_new_with_a_wrong_codebook(run, tmp_path: Path, bad: Path, text: str, what: str) -> None:
    codebook = write(bad / "codebook.yaml", text)
    work = tmp_path / "work"
    work.mkdir()
    assert_refused(_new(run, work / "review", codebook), "codebook.yaml", "line", what)
    assert not list(work.iterdir())


def test_new_whose_last_coding_row_is_bad_leaves_no_folder(run, tmp_path: Path, bad: Path) -> None:
    """Everything is read and checked before the project exists; a bad last row leaves nothing behind."""
    f = example_files()
    text = f["codings"].read_text(encoding="utf-8") + "e075,Boundaries,amira,benefit,Nobody\n"
    codings = write(bad / "codings.csv", text)
    rows = text.count("\n")
    work = tmp_path / "work"
    work.mkdir()
    assert_refused(_new(run, work / "review", f["codebook"], codings=codings), "codings.csv", f"row {rows}")
    assert not list(work.iterdir())


def test_new_into_a_non_empty_folder(run, tmp_path: Path) -> None:
    folder = tmp_path / "occupied"
    folder.mkdir()
    (folder / "thesis.docx").write_bytes(b"not ours")
    before = digest(folder)
    assert_refused(_new(run, folder, example_files()["codebook"]), "occupied", "not empty")
    assert digest(folder) == before


def test_new_with_an_unknown_source_in_excerpts(run, tmp_path: Path, bad: Path) -> None:
    excerpts = write(bad / "excerpts.csv", "id,source,text,perspective\nq1,23,Fine.,PSWs\nq2,77,Whose?,PSWs\n")
    work = tmp_path / "work"
    work.mkdir()
    result = run("new", str(work / "r"), "--codebook", str(example_files()["codebook"]),
                 "--sources", str(example_files()["sources"]), "--excerpts", str(excerpts))
    assert_refused(result, "excerpts.csv", "row 3", "unknown source '77'")
    assert not list(work.iterdir())


def test_wrong_usage_is_exit_2(run) -> None:
    """An unknown command or option is click's usage error (exit 2), not a user-data error."""
    assert run("no-such-command").exit_code == 2
    assert run("status", "--no-such-option").exit_code == 2


def test_text_refs_in_a_numeric_project(run, tmp_path: Path, bad: Path) -> None:
    """`citation: numeric` with a ref like 'Walker 2013' is a mistake in the sources, named by row."""
    sources = write(bad / "sources.csv", "ref,citation,year,design,quality,groups\n1,A,2020,review,low,PSWs\n"
                                         "Walker 2013,B,2013,review,high,PSWs\n")
    work = tmp_path / "work"
    work.mkdir()
    result = run("new", str(work / "r"), "--codebook", str(example_files()["codebook"]), "--sources", str(sources),
                 "--excerpts", str(write(bad / "excerpts.csv", "id,source,text,perspective\nq1,1,Fine.,PSWs\n")))
    assert_refused(result, "sources.csv", "row 3", "'Walker 2013' is not a number", "citation: author-year")
    assert not list(work.iterdir())


# ----- issue 16: what the fuzzing found, each fixed at the gate (core/gate.py) -------------------
UUID_A = "11111111-2222-4333-8444-555555555555"


@pytest.mark.parametrize(("kind", "text", "row"), [
    ("excerpts", f"id,source,text,perspective,uuid\nn1,23,One.,PSWs,{UUID_A}\nn2,23,Two.,PSWs,{UUID_A}\n", "row 3"),
    ("sources", f"ref,citation,year,design,quality,groups,uuid\n901,A,2020,r,low,PSWs,{UUID_A}\n"
                f"902,B,2021,r,low,PSWs,{UUID_A}\n", "row 3"),
    ("codings", f"{HEADER.strip()},uuid\ne001,Boundaries,zoe,benefit,PSWs,{UUID_A}\n"
                f"e002,Boundaries,zoe,benefit,PSWs,{UUID_A}\n", "row 3"),
])
def test_the_same_uuid_on_two_rows(example_dir: Path, run, bad: Path, kind: str, text: str, row: str) -> None:
    """Two records with one uuid: refused at the gate (it was an IntegrityError traceback)."""
    file = write(bad / f"{kind}.csv", text)
    before = digest(example_dir)
    assert_refused(run("-p", str(example_dir), "import", kind, str(file)), f"{kind}.csv", row, UUID_A, "row 2")
    assert digest(example_dir) == before


def test_the_same_uuid_on_two_summaries_of_new(run, tmp_path: Path, bad: Path) -> None:
    f = example_files()
    summaries = write(bad / "summaries.csv", f"subtheme,valence,perspective,summary,uuid\n"
                                             f"Boundaries,benefit,PSWs,One.,{UUID_A}\nBoundaries,challenge,PSWs,Two.,{UUID_A}\n")
    result = run("new", str(tmp_path / "p"), "--codebook", str(f["codebook"]), "--sources", str(f["sources"]),
                 "--excerpts", str(f["excerpts"]), "--codings", str(f["codings"]), "--summaries", str(summaries))
    assert_refused(result, "summaries.csv", "row 3", UUID_A)
    assert not (tmp_path / "p").exists()


def test_the_same_record_twice_with_its_uuid_is_counted_not_refused(example_dir: Path, run, bad: Path) -> None:
    """A row repeated whole (same natural key, same uuid) is a duplicate the import counts."""
    file = write(bad / "codings.csv", f"{HEADER.strip()},uuid\ne001,Boundaries,zoe,benefit,PSWs,{UUID_A}\n"
                                      f"e001,Boundaries,zoe,benefit,PSWs,{UUID_A}\n")
    result = run("-p", str(example_dir), "import", "codings", str(file))
    assert result.exit_code == 0, result.output
    assert "1 added, 1 already present" in result.output


def test_a_duplicate_subtheme_id_in_the_codebook(run, tmp_path: Path, bad: Path) -> None:
    f = example_files()
    text = f["codebook"].read_text(encoding="utf-8")
    cb = write(bad / "codebook.yaml", text.replace("- name: Boundaries", f"- name: Boundaries\n        id: {UUID_A}", 1)
               .replace("- name: Bridge", f"- name: Bridge\n        id: {UUID_A}", 1))
    assert text.count("- name: Boundaries") and text.count("- name: Bridge")
    result = _new(run, tmp_path / "p", cb, sources=f["sources"], excerpts=f["excerpts"])
    assert_refused(result, "codebook.yaml", "same id", UUID_A)
    assert not (tmp_path / "p").exists()


@pytest.mark.parametrize("bad_char", ["\x00", "\ud800"])
def test_nul_and_lone_surrogates_are_refused_with_their_row(example_dir: Path, run, bad: Path,
                                                             bad_char: str) -> None:
    """JSON can spell both (\\u0000, \\ud800); no UTF-8 file, XML export or PostgreSQL text holds them."""
    import json

    row = {"id": "n1", "source": "23", "text": f"A finding{bad_char} here.", "perspective": "PSWs"}
    file = write(bad / "excerpts.jsonl", json.dumps({**row, "id": "n0", "text": "fine"}) + "\n" + json.dumps(row) + "\n")
    before = digest(example_dir)
    line = assert_refused(run("-p", str(example_dir), "import", "excerpts", str(file)), "excerpts.jsonl", "line 2")
    assert "NUL" in line or "surrogate" in line
    assert digest(example_dir) == before


def test_a_control_character_in_a_name_is_refused(example_dir: Path, run, bad: Path) -> None:
    file = write(bad / "codings.csv", HEADER + "e001,Boundaries,zo\x0be,benefit,PSWs\n")
    before = digest(example_dir)
    assert_refused(run("-p", str(example_dir), "import", "codings", str(file)), "codings.csv", "row 2", "U+000B")
    assert digest(example_dir) == before


@pytest.mark.parametrize("value", [["a", "b"], {"x": 1}])
def test_summaries_xlsx_whose_hidden_key_holds_a_list_or_mapping(example_dir: Path, run, value: object) -> None:
    import json

    from openpyxl import load_workbook

    sheet = example_dir / "summaries.xlsx"
    assert run("-p", str(example_dir), "export", "summaries", "-o", str(sheet)).exit_code == 0
    wb = load_workbook(sheet)
    ws = wb["Summaries"]
    col = [c.value for c in ws[1]].index("key") + 1
    key = json.loads(ws.cell(2, col).value.split(":", 1)[1])
    ws.cell(2, col).value = "workbench-cell:" + json.dumps({**key, "subtheme": value})
    ws.cell(2, [c.value for c in ws[1]].index("summary") + 1).value = "Edited."
    wb.save(sheet)
    before = digest(example_dir)
    assert_refused(run("-p", str(example_dir), "import", "summaries", str(sheet)), "summaries.xlsx", "row 2",
                   "subtheme")
    assert digest(example_dir) == before


def test_corrupt_xml_inside_an_xlsx(example_dir: Path, run, bad: Path) -> None:
    import zipfile

    good = bad / "good.xlsx"
    wb = Workbook()
    wb.active.append(["id", "source", "text", "perspective"])
    wb.active.append(["n1", "23", "A finding.", "PSWs"])
    wb.save(good)
    broken = bad / "excerpts.xlsx"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(broken, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item)
            zout.writestr(item, data[: len(data) // 2] if item.filename.endswith("sheet1.xml") else data)
    before = digest(example_dir)
    assert_refused(run("-p", str(example_dir), "import", "excerpts", str(broken)), "excerpts.xlsx", "XLSX")
    assert digest(example_dir) == before


def test_a_damaged_pdf(example_dir: Path, run, bad: Path) -> None:
    """A content stream with a filter pypdf does not implement (it raised NotImplementedError)."""
    stream = b"BT /F1 12 Tf 72 712 Td (Hello) Tj ET"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
               b"/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>",
               b"<< /Length %d /Filter /NoSuchDecode >>\nstream\n" % len(stream) + stream + b"\nendstream"]
    body, offsets = b"%PDF-1.4\n", []
    for n, obj in enumerate(objects, 1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % n + obj + b"\nendobj\n"
    xref = len(body)
    body += b"xref\n0 5\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    body += b"trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref
    pdf = write(bad / "damaged.pdf", body)
    before = digest(example_dir)
    assert_refused(run("-p", str(example_dir), "import", "document", "--source", "23", str(pdf)), "damaged.pdf", "PDF")
    assert digest(example_dir) == before


def test_a_new_source_with_the_uuid_of_one_in_the_project(example_dir: Path, run, bad: Path) -> None:
    """Found by tests/fuzz: a uuid copied from the project's own export onto a new ref."""
    sheet = bad / "sources.csv"
    assert run("-p", str(example_dir), "export", "sources", "-o", str(sheet)).exit_code == 0
    taken = sheet.read_text(encoding="utf-8").splitlines()[1].rsplit(",", 1)[1]
    write(sheet, f"ref,citation,year,design,quality,groups,uuid\n990,New,2024,review,low,PSWs,{taken}\n")
    before = digest(example_dir)
    assert_refused(run("-p", str(example_dir), "import", "sources", str(sheet)), "sources.csv", "row 2", taken,
                   "already names another source")
    assert digest(example_dir) == before


def test_a_qdpx_whose_xml_declares_an_unknown_encoding(example_dir: Path, run, bad: Path) -> None:
    """Found by tests/fuzz: encoding="e001" in the prolog of project.qde (a LookupError)."""
    import zipfile

    good = bad / "good.qdpx"
    assert run("-p", str(example_dir), "export", "qdpx", "-o", str(good)).exit_code == 0
    broken = bad / "broken.qdpx"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(broken, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename.endswith(".qde"):
                data = data.replace(b'encoding="utf-8"', b'encoding="e001"', 1).replace(
                    b"encoding='utf-8'", b"encoding='e001'", 1)
                assert b"e001" in data
            zout.writestr(item, data)
    before = digest(example_dir)
    assert_refused(run("-p", str(example_dir), "import", "qdpx", str(broken)), "broken.qdpx", "encoding")
    assert digest(example_dir) == before


def test_a_coding_sheet_whose_hidden_sheet_is_damaged(example_dir: Path, run, bad: Path) -> None:
    """Found by tests/fuzz: bytes inserted into the XML of the 'lists' sheet (a ParseError)."""
    import zipfile

    good = bad / "good.xlsx"
    assert run("-p", str(example_dir), "export", "coding-sheet", "--coder", "amira", "-o", str(good)).exit_code == 0
    broken = bad / "amira.xlsx"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(broken, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item)
            zout.writestr(item, data[:200] + b"\xd3\xd4<\x11" + data[200:] if item.filename.endswith("sheet2.xml")
                          else data)
    before = digest(example_dir)
    result = run("--coder", "amira", "-p", str(example_dir), "import", "codings", str(broken))
    assert_refused(result, "amira.xlsx")
    assert digest(example_dir) == before
