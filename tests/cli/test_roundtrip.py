"""Export → `new` → export gives back the same project, UUIDs and times included (DESIGN.md).

Every exported file of the second project is compared with the first one's: byte for byte for
CSV, JSON Lines and the codebook YAML, cell by cell for XLSX (whose zip carries a timestamp).
The project is first changed the way a team changes it (a new coding, a merge, an edited summary,
a moved subtheme), so the round trip is not only tried on freshly imported data.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from workbench.core.model import Coding
from workbench.store.api import Project

RECORDS = ("sources", "excerpts", "codings")


def _export_all(run, project: Path, out: Path, fmt: str) -> dict[str, Path]:
    out.mkdir()
    files = {"codebook": out / "codebook.yaml", "summaries": out / "summaries.csv"}
    files.update({kind: out / f"{kind}.{fmt}" for kind in RECORDS})
    for kind, path in files.items():
        result = run("-p", str(project), "export", kind, "-o", str(path))
        assert result.exit_code == 0, (kind, result.output, result.stderr)
        assert path.is_file()
    return files


def _content(path: Path) -> object:
    if path.suffix == ".xlsx":
        wb = load_workbook(path, read_only=True)
        cells = {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}
        wb.close()
        return cells
    return path.read_bytes()


def _change_like_a_team(folder: Path) -> None:
    with Project.open(folder) as p:
        p.records.add_coding(Coding("e002", "Boundaries", "amira", "challenge", "PSWs", 0, 20, note="first words"))
        p.codebook.merge_subthemes("Isolation and validation", "Wellbeing and recovery", "lead")
        p.codebook.move_subtheme("Workload", None, "lead")
        s = p.summaries.all()[0]
        p.summaries.set(s.subtheme, s.valence, s.perspective, s.text + " (revised)", "lead")
        p.codebook.add_subtheme("Peer supervision", "Other", "amira", "Supervision by a more experienced peer.",
                       origin="Supervision (Walker 2013)")


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "jsonl"])
def test_export_new_export_is_identical(example_dir: Path, run, tmp_path: Path, fmt: str) -> None:
    """Every file exported from a project rebuilt from its own exports equals the original's."""
    _change_like_a_team(example_dir)
    first = _export_all(run, example_dir, tmp_path / "first", fmt)
    rebuilt = tmp_path / "rebuilt"
    result = run("new", str(rebuilt), "--codebook", str(first["codebook"]), "--sources", str(first["sources"]),
                 "--excerpts", str(first["excerpts"]), "--codings", str(first["codings"]),
                 "--summaries", str(first["summaries"]))
    assert result.exit_code == 0, result.stderr
    second = _export_all(run, rebuilt, tmp_path / "second", fmt)
    for kind in first:
        assert _content(first[kind]) == _content(second[kind]), f"{kind}.{fmt} differs after the round trip"
    # And the round trip really carried the changes and the uuids.
    text = first["codings"].read_bytes() if fmt != "xlsx" else b""
    if fmt == "csv":
        assert b"first words" in text
    with Project.open(example_dir) as a, Project.open(rebuilt) as b:
        assert [c.uuid for c in a.records.codings()] == [c.uuid for c in b.records.codings()]
        assert [(s.uuid, s.version) for s in a.summaries.all()] == [(s.uuid, s.version) for s in b.summaries.all()]
        assert a.codebook.get() == b.codebook.get()


def test_synthetic_round_trip_csv(synthetic_dir: Path, run, tmp_path: Path) -> None:
    """The 5,000-coding synthetic project survives the round trip too (mixed perspective, empty valences)."""
    first = _export_all(run, synthetic_dir, tmp_path / "first", "csv")
    rebuilt = tmp_path / "rebuilt"
    result = run("new", str(rebuilt), "--codebook", str(first["codebook"]), "--sources", str(first["sources"]),
                 "--excerpts", str(first["excerpts"]), "--codings", str(first["codings"]),
                 "--summaries", str(first["summaries"]))
    assert result.exit_code == 0, result.stderr
    second = _export_all(run, rebuilt, tmp_path / "second", "csv")
    for kind in first:
        assert first[kind].read_bytes() == second[kind].read_bytes(), kind
    assert first["codings"].read_text(encoding="utf-8").count("\n") == 5_001


def test_reimport_of_an_export_adds_nothing(example_dir: Path, run, tmp_path: Path) -> None:
    """Importing a project's own export into it changes nothing and counts every row as present."""
    out = tmp_path / "codings.xlsx"
    assert run("-p", str(example_dir), "export", "codings", "-o", str(out)).exit_code == 0
    with Project.open(example_dir) as p:
        before = p.counts()
    result = run("-p", str(example_dir), "import", "codings", str(out))
    assert result.exit_code == 0, result.stderr
    assert "0 added, 295 already present" in result.output
    with Project.open(example_dir) as p:
        assert p.counts() == before
