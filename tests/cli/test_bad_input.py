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
