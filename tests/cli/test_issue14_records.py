"""The command-line and store side of issue 14 ("Why"): what the app shows, the files say too.

- "nothing applies" travels in `export codings` as a row the importer reads back;
- `status --coverage` counts an excerpt the way the app's "coded by me" does;
- the app's table export never replaces an earlier file;
- audit entries for a note or a memo name the excerpt.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from workbench.store.api import Project


def _uncoded_by(project: Project, coder: str) -> str:
    coded = {c.excerpt for c in project.records.codings([coder])}
    return next(e.key for e in project.records.excerpts() if e.key not in coded)


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_nothing_applies_is_exported_and_imported_back(example_dir: Path, tmp_path: Path, run, fmt: str) -> None:  # type: ignore[no-untyped-def]
    with Project.open(example_dir) as project:
        key = _uncoded_by(project, "ben")
        project.records.mark_nothing_applies(key, "ben")
    out = tmp_path / f"codings.{fmt}"
    assert run("-p", str(example_dir), "export", "codings", "-o", str(out)).exit_code == 0
    if fmt == "csv":
        rows = list(csv.DictReader(out.open(encoding="utf-8")))
    else:
        rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    marks = [r for r in rows if r["nothing_applies"] == "yes"]
    assert [(r["excerpt"], r["coder"], r["subtheme"]) for r in marks] == [(key, "ben", "")]
    # withdrawn in the project, then the file brings it back; a second import changes nothing
    with Project.open(example_dir) as project:
        project.workspace.unmark_nothing_applies(key, "ben")
        assert (key, "ben") not in project.records.nothing_applies()
    result = run("-p", str(example_dir), "import", "codings", str(out))
    assert result.exit_code == 0, result.output
    assert "nothing applies: 1 marked, 0 already present" in result.output
    again = run("-p", str(example_dir), "import", "codings", str(out))
    assert "nothing applies: 0 marked, 1 already present" in again.output
    with Project.open(example_dir) as project:
        assert (key, "ben") in project.records.nothing_applies()


def test_a_nothing_applies_row_for_an_unknown_excerpt_changes_nothing(example_dir: Path, tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "codings.csv"
    bad.write_text("excerpt,subtheme,coder,valence,perspective,nothing_applies\n"
                   "e001,Boundaries,zoe,benefit,PSWs,\n"
                   "e999,,zoe,,,yes\n", encoding="utf-8")
    result = run("-p", str(example_dir), "import", "codings", str(bad))
    assert result.exit_code == 1
    assert "row 3" in result.output and "e999" in result.output and "Traceback" not in result.output
    with Project.open(example_dir) as project:
        assert project.records.codings(["zoe"]) == []


def test_status_coverage_agrees_with_the_app(example_dir: Path, run) -> None:  # type: ignore[no-untyped-def]
    """The issue: status said 11 where the app said 12 coded by me (a "nothing applies" excerpt)."""
    from workbench.tui.session import Session

    with Project.open(example_dir) as project:
        key = _uncoded_by(project, "ben")
        project.records.mark_nothing_applies(key, "ben")
        session = Session(project, "ben")
        session.load()
        in_app = session.counts().coded_by_me
    out = run("-p", str(example_dir), "status", "--coverage").output
    line = next(x for x in out.splitlines() if x.strip().startswith("ben"))
    assert f"on {in_app} of " in line


def test_the_apps_table_export_never_replaces_an_earlier_file(example_dir: Path) -> None:
    from workbench.analysis.table import build_table
    from workbench.tui.screens.table import export_table

    with Project.open(example_dir) as project:
        session = SimpleNamespace(project=project)
        model = build_table(project.viewer(None), None)
        first = export_table(session, model, "md")
        first.write_text("edited by hand", encoding="utf-8")
        second = export_table(session, model, "md")
        third = export_table(session, model, "md")
    assert (first.name, second.name, third.name) == ("table.md", "table-2.md", "table-3.md")
    assert first.read_text(encoding="utf-8") == "edited by hand"
    assert "Role ambiguity" in second.read_text(encoding="utf-8")
    assert not list(first.parent.glob("*.part"))


def test_audit_entries_for_a_note_and_a_memo_name_the_excerpt(example_project: Project) -> None:
    coding = next(c for c in example_project.records.codings(["amira"]) if c.excerpt == "e002")
    example_project.workspace.set_coding_note(coding.uuid, "check wording", "amira")
    uuid, _location = example_project.workspace.excerpt_meta("e002")
    memo = example_project.interchange.add_memo("excerpt", uuid, "ask the team", "amira")
    example_project.workspace.delete_memo(memo, "amira")
    entries = example_project.audit_log(3)
    details = {e["action"]: json.loads(e["detail"]) for e in entries}
    assert details["note"]["excerpt"] == "e002" and details["note"]["subtheme"] == coding.subtheme
    assert details["memo"]["excerpt"] == "e002"
    assert details["delete memo"]["excerpt"] == "e002"


def test_one_coders_view_marks_summaries_written_for_the_agreed_set(example_project: Project, run, example_dir: Path) -> None:  # type: ignore[no-untyped-def]
    """The example's summaries were written for the agreed set; in amira's view a cell whose
    references differ shows the summary with † and what it was written for."""
    from workbench.analysis.table import build_table

    view = example_project.viewer(None)
    assert not any(e.stale for *_x, e in build_table(view, None).entries())
    marked = [(st, e) for _t, st, _r, e in build_table(view, "amira").entries() if e.stale]
    assert marked and all(e.written_for and e.written_for != e.references for _st, e in marked)
    out = run("-p", str(example_dir), "export", "table", "--coders", "amira").output
    assert "†" in out and "Stale summary" in out
