"""Coding sheets: one coder's Excel sheet out (drop-downs, others hidden) and back in, by sheet row."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from workbench.formats.coding_sheet import is_coding_sheet
from workbench.store.api import Project


@pytest.fixture
def sheet(independent_dir: Path, run, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    out = tmp_path / "ben.xlsx"
    result = run("-p", str(independent_dir), "export", "coding-sheet", "--coder", "ben", "-o", str(out))
    assert result.exit_code == 0, result.output
    return out


def rows_of(path: Path) -> list[list]:  # type: ignore[type-arg]
    return [list(r) for r in load_workbook(path)["coding"].iter_rows(values_only=True)]


def test_sheet_holds_every_excerpt_own_codings_and_drop_downs(sheet: Path, independent_dir: Path) -> None:
    wb = load_workbook(sheet)
    assert wb.sheetnames == ["coding", "lists", "how to"] and wb["lists"].sheet_state == "hidden"
    ws = wb["coding"]
    body = [list(r) for r in ws.iter_rows(min_row=2, values_only=True)]
    with Project.open(independent_dir) as project:
        excerpts = [e.key for e in project.records.excerpts()]
        ben = project.records.codings(["ben"])
        subthemes = [s.name for s in project.codebook.get().all_subthemes()]
    assert [k for k in dict.fromkeys(r[0] for r in body)] == excerpts
    assert sorted(r[9] for r in body if r[9]) == sorted(c.uuid for c in ben)  # only ben's, with uuids
    assert len(body) == len(ben) + len(excerpts)  # one spare row per excerpt
    assert ws.column_dimensions["J"].hidden
    validations = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    assert validations == {"E2": f"=lists!$A$2:$A${len(subthemes) + 1}", "F2": "=lists!$B$2:$B$3",
                           "G2": "=lists!$C$2:$C$7", "I2": "=lists!$D$2:$D$2"}
    lists = wb["lists"]
    assert [lists.cell(i, 1).value for i in range(2, len(subthemes) + 2)] == subthemes
    assert is_coding_sheet(sheet)


def test_others_codings_stay_hidden(sheet: Path) -> None:
    wb = load_workbook(sheet)
    text = " ".join(str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row if c)
    assert "amira" not in text


def test_round_trip_changes_nothing(sheet: Path, independent_dir: Path, run) -> None:
    with Project.open(independent_dir) as project:
        before = sorted(c.uuid for c in project.records.codings())
        n_ben = len(project.records.codings(["ben"]))
    result = run("-p", str(independent_dir), "import", "codings", str(sheet))
    assert result.exit_code == 0
    assert f"coding sheet of ben: 0 added, 0 changed, 0 removed, {n_ben} unchanged" in result.output
    with Project.open(independent_dir) as project:
        assert sorted(c.uuid for c in project.records.codings()) == before


def edit(sheet: Path, target: Path, changes: dict[tuple[int, int], object]) -> Path:
    wb = load_workbook(sheet)
    ws = wb["coding"]
    for (row, col), value in changes.items():
        ws.cell(row, col).value = value
    wb.save(target)
    return target


def test_add_change_remove_mark_and_note(sheet: Path, independent_dir: Path, run, tmp_path: Path) -> None:
    body = rows_of(sheet)
    spare = next(i for i, r in enumerate(body) if i and r[0] == "e002" and not r[4]) + 1
    changed = 2  # e001's first coding
    removed = 3  # e001's second coding
    no_codings = next(i for i, r in enumerate(body) if i and r[3] and not r[4]
                      and (i + 1 >= len(body) or body[i + 1][0] != r[0])) + 1
    filled = edit(sheet, tmp_path / "filled.xlsx", {
        (spare, 5): "Workload", (spare, 6): "challenge", (spare, 7): "PSWs",
        (changed, 6): "challenge", (changed, 8): "second look",
        (removed, 5): None, (removed, 6): None, (removed, 7): None,
        (no_codings, 9): "yes"})
    result = run("-p", str(independent_dir), "import", "codings", str(filled))
    assert result.exit_code == 0, result.output
    assert "1 added, 1 changed, 1 removed" in result.output and "'nothing applies' 1 marked" in result.output
    with Project.open(independent_dir) as project:
        e001 = {(c.subtheme, c.valence, c.note) for c in project.records.codings(["ben"]) if c.excerpt == "e001"}
        assert e001 == {("Wellbeing and recovery", "challenge", "second look")}
        assert ("e002", "Workload") in {(c.excerpt, c.subtheme) for c in project.records.codings(["ben"])}
        assert (body[no_codings - 1][0], "ben") in project.collab.marks(["ben"])
        assert {"uncode", "code", "nothing applies"} <= {e["action"] for e in project.audit_log(10)}
    again = run("-p", str(independent_dir), "import", "codings", str(filled))
    assert "0 added, 0 changed, 0 removed" in again.output


@pytest.mark.parametrize(("changes", "message"), [
    ({(2, 5): "Not a subtheme"}, "sheet 'coding' row 2: unknown subtheme 'Not a subtheme'"),
    ({(4, 6): "benefit"}, "sheet 'coding' row 4: a valence or perspective without a subtheme"),
    ({(3, 7): "Martians"}, "sheet 'coding' row 3: unknown perspective 'Martians'"),
    ({(2, 9): "yes"}, "sheet 'coding' row 2: 'nothing applies' for e001, but row 2 codes it"),
    ({(5, 9): "maybe"}, "sheet 'coding' row 5: 'nothing applies' must be 'yes' or empty"),
    ({(4, 1): None, (4, 5): "Workload"}, "sheet 'coding' row 4: a coding without an excerpt id"),
])
def test_errors_name_the_sheet_row_and_change_nothing(sheet: Path, independent_dir: Path, run, tmp_path: Path,
                                                      changes: dict, message: str) -> None:  # type: ignore[type-arg]
    with Project.open(independent_dir) as project:
        before = project.collab.data_version()
    bad = edit(sheet, tmp_path / "bad.xlsx", {(10, 5): "Workload", **changes})
    result = run("-p", str(independent_dir), "import", "codings", str(bad))
    assert result.exit_code == 1
    assert message in result.output and str(bad) in result.output and "Traceback" not in result.output
    with Project.open(independent_dir) as project:
        assert project.collab.data_version() == before


def test_a_tampered_sheet_is_refused(sheet: Path, independent_dir: Path, run, tmp_path: Path) -> None:
    wb = load_workbook(sheet)
    wb["lists"].cell(3, 7).value = None  # the coder's name
    wb.save(tmp_path / "tampered.xlsx")
    result = run("-p", str(independent_dir), "import", "codings", str(tmp_path / "tampered.xlsx"))
    assert result.exit_code == 1 and "not a coding sheet" in result.output


def test_ordinary_xlsx_codings_still_import(independent_dir: Path, run, tmp_path: Path) -> None:
    out = tmp_path / "codings.xlsx"
    assert run("-p", str(independent_dir), "settings", "blind", "off").exit_code == 0
    assert run("-p", str(independent_dir), "export", "codings", "-o", str(out)).exit_code == 0
    assert not is_coding_sheet(out)
    result = run("-p", str(independent_dir), "import", "codings", str(out))
    assert result.exit_code == 0 and "already present" in result.output


def test_no_sheet_for_the_agreed_set(independent_dir: Path, run, tmp_path: Path) -> None:
    result = run("-p", str(independent_dir), "export", "coding-sheet", "--coder", "consensus",
                 "-o", str(tmp_path / "c.xlsx"))
    assert result.exit_code == 1 and "agreed set" in result.output


def test_default_path_is_the_exports_folder(independent_dir: Path, run) -> None:
    result = run("--coder", "amira", "-p", str(independent_dir), "export", "coding-sheet")
    assert result.exit_code == 0
    assert (independent_dir / "exports" / "coding-sheet-amira.xlsx").is_file()
