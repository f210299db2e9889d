"""Matrix, Table and Sources screens: what they show, the summary editor, conflicts and export."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import DataTable, OptionList, Select, Static, TextArea
from tui_helpers import drive, make, settle

from workbench.tui.screens.code import CodeScreen
from workbench.tui.screens.summary_editor import ConflictScreen, SummaryEditor
from workbench.tui.widgets.excerpt_list import ExcerptList


def test_matrix_cell_lists_its_excerpts_and_opens_one_in_code(example_project) -> None:
    app = make(example_project)

    async def script(pilot: Any) -> None:
        await pilot.press("3")
        await settle(pilot, app)
        grid = app.screen.query_one(DataTable)
        assert str(grid.get_cell_at((1, 1))) == "B3 C2"  # Wellbeing and recovery × PSWs (agreed set)
        grid.move_cursor(row=2, column=1)  # Recovery and role models × PSWs
        await pilot.press("enter")
        await settle(pilot, app)
        labels = [str(o.prompt) for o in app.screen.query_one(OptionList).options]
        assert [label.split()[0] for label in labels] == ["e003", "e014", "e039"]
        await pilot.press("down", "enter")
        await settle(pilot, app)
        assert isinstance(app.screen, CodeScreen)
        assert app.screen.query_one(ExcerptList).current_key == "e014"

    drive(app, script)


def test_matrix_coder_choice_changes_the_counts(example_project) -> None:
    app = make(example_project)

    async def script(pilot: Any) -> None:
        await pilot.press("3")
        await settle(pilot, app)
        app.screen.query_one("#coders", Select).value = "amira"
        await settle(pilot, app)
        assert app.screen.choice == "amira"
        assert app.screen.view.derivation.coders == ["amira"]

    drive(app, script)


def test_table_summary_edit_saves_with_the_evidence_beside_it(example_project) -> None:
    app = make(example_project)

    async def script(pilot: Any) -> None:
        await pilot.press("4")
        await settle(pilot, app)
        await pilot.press("enter")
        await settle(pilot, app)
        editor = app.screen
        assert isinstance(editor, SummaryEditor)
        evidence = str(editor.query_one("#evidence Static", Static).render())
        assert "3 supporting excerpts" in evidence and "[23] e001" in evidence
        editor.query_one(TextArea).text = "Peer workers gained confidence."
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        s = example_project.summaries.get("Wellbeing and recovery", "benefit", "PSWs")
        assert (s.text, s.author, s.version, s.references) == ("Peer workers gained confidence.", "tess", 2,
                                                             "23,34,61")
        assert not isinstance(app.screen, SummaryEditor)
        await pilot.press("ctrl+z")
        await settle(pilot, app)
        assert example_project.summaries.get("Wellbeing and recovery", "benefit", "PSWs").text.startswith("Peer workers felt")

    drive(app, script)


def test_a_conflicting_summary_shows_both_texts_and_keeps_mine_on_request(example_project) -> None:
    """Someone saves the cell while the editor is open: both texts appear; 'Keep mine' then writes mine."""
    app = make(example_project)

    async def script(pilot: Any) -> None:
        await pilot.press("4")
        await settle(pilot, app)
        await pilot.press("enter")
        await settle(pilot, app)
        example_project.summaries.set("Wellbeing and recovery", "benefit", "PSWs", "Theirs.", "amira")
        app.screen.query_one(TextArea).text = "Mine."
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert isinstance(app.screen, ConflictScreen)
        shown = " ".join(str(w.render()) for w in app.screen.query(Static))
        assert "Theirs." in shown and "Mine." in shown
        assert example_project.summaries.get("Wellbeing and recovery", "benefit", "PSWs").text == "Theirs."
        await pilot.click("#mine")
        await settle(pilot, app)
        assert example_project.summaries.get("Wellbeing and recovery", "benefit", "PSWs").text == "Mine."

    drive(app, script)


def test_export_writes_a_file_and_says_which(example_project) -> None:
    app = make(example_project)

    async def script(pilot: Any) -> None:
        await pilot.press("4")
        await settle(pilot, app)
        await pilot.press("x")
        await pilot.pause()
        names = [str(o.prompt) for o in app.screen.query_one(OptionList).options]
        await pilot.press(*["down"] * names.index("Word document (.docx)"), "enter")
        await settle(pilot, app)
        out = Path(example_project.folder) / "exports" / "table.docx"
        assert out.stat().st_size > 1000
        assert any(f"wrote {out}" in n.message for n in app._notifications)

    drive(app, script)


def test_sources_show_quality_support_and_an_evidence_profile(example_project) -> None:
    app = make(example_project)

    async def script(pilot: Any) -> None:
        await pilot.press("5")
        await settle(pilot, app)
        grid = app.screen.query_one(DataTable)
        assert grid.row_count == 11
        assert str(grid.get_cell_at((0, 3))) == "critically low"
        supports = str(app.screen.query_one("#supports", Static).render())
        assert "Wellbeing and recovery · benefit · PSWs" in supports
        await pilot.press("s", *"boundar", "enter")
        await settle(pilot, app)
        profile = str(app.screen.query_one("#profile", Static).render())
        assert "Evidence profile: Boundaries" in profile and "challenge" in profile

    drive(app, script)
