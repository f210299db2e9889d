"""The finder's ranking on the example codebook, and the focus model of the Code screen.

The queries are the ones coders typed in the issue; before, rapidfuzz alone put "Recovery and role
models" above "Role ambiguity" and Enter applied it.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Input, OptionList
from tui_helpers import burst, drive, make

from workbench.tui.screens.finder import rank
from workbench.tui.widgets.codebook_tree import CodebookTree
from workbench.tui.widgets.excerpt_list import ExcerptList
from workbench.tui.widgets.excerpt_text import ExcerptText


@pytest.fixture
def names(example_project) -> list[str]:  # type: ignore[no-untyped-def]
    cb = example_project.codebook.get()
    return [s.name for t in cb.themes for s in t.subthemes] + [s.name for s in cb.ungrouped]


@pytest.mark.parametrize(("query", "first"), [
    ("role amb", "Role ambiguity"),
    ("lack sup", "Lack of support and training"),
    ("lack of sup", "Lack of support and training"),
    ("treatment mod", "Treatment models"),
    ("wellb", "Wellbeing and recovery"),
    ("Boundaries", "Boundaries"),
    ("bridge", "Bridge"),
    ("rol ambiguty", "Role ambiguity"),  # a typo: only the fuzzy tier can find it
])
def test_the_intended_subtheme_comes_first(names: list[str], query: str, first: str) -> None:
    assert rank(query, names)[0] == first


def test_tiers_exact_prefix_word_starts_then_fuzzy_ties_in_codebook_order() -> None:
    names = ["Peer role", "Role models", "Role", "Clear role models", "Rolling out", "Rloe"]
    ranked = rank("role", names)
    assert ranked[:4] == ["Role", "Role models", "Peer role", "Clear role models"]
    assert set(ranked[4:]) <= {"Rolling out", "Rloe"}  # fuzzy only, after every word match
    assert rank("role mod", names)[:2] == ["Role models", "Clear role models"]
    assert rank("", names) == names


def test_enter_applies_the_top_match_and_the_status_line_says_so(example_project) -> None:
    app = make(example_project)

    async def script(pilot: Any) -> None:
        await burst(pilot, app, "a", *"treatment mod")
        top = app.screen.query_one(OptionList).get_option_at_index(0)
        assert top.id == "Treatment models"
        await burst(pilot, app, "enter")
        assert [(c.excerpt, c.subtheme) for c in example_project.records.codings(["tess"])] == [("e001", "Treatment models")]
        status = str(app.screen.query_one("#status").render())
        assert status.startswith("✓ 09:30:00 coded e001 with Treatment models") and "ctrl+z undoes" in status
        await burst(pilot, app, "ctrl+z")
        assert example_project.records.codings(["tess"]) == []
        assert "ctrl+y redoes" in str(app.screen.query_one("#status").render())

    drive(app, script)


def test_escape_steps_back_to_the_list_from_every_pane(example_project) -> None:
    app = make(example_project)

    async def script(pilot: Any) -> None:
        screen = app.screen
        for widget in (screen.query_one(CodebookTree), screen.query_one(ExcerptText),
                       screen.query_one("#codings", OptionList), screen.query_one("#search", Input)):
            widget.focus()
            await burst(pilot, app, "escape")
            assert isinstance(app.focused, ExcerptList), widget

    drive(app, script)


def test_undo_and_redo_from_the_excerpt_text_and_the_footer_shows_them(example_project) -> None:
    """Span coding leaves focus in the text: ctrl+z / ctrl+y still undo and redo the coding."""
    app = make(example_project)

    async def script(pilot: Any) -> None:
        await burst(pilot, app, "a", *"bound", "enter", "enter")  # Enter on the list: focus to the text
        assert isinstance(app.focused, ExcerptText)
        footer = {b.binding.key for b in app.screen.active_bindings.values() if b.binding.show}
        assert {"ctrl+z", "ctrl+y"} <= footer
        await burst(pilot, app, "ctrl+z")
        assert example_project.records.codings(["tess"]) == []
        await burst(pilot, app, "ctrl+y", "question_mark")
        assert len(example_project.records.codings(["tess"])) == 1
        assert type(app.screen).__name__ == "HelpScreen"
        help_text = str(app.screen.query_one("Markdown").source)  # type: ignore[attr-defined]
        assert "`1`–`6` switch screens" in help_text

    drive(app, script)


def test_the_highlighted_coding_follows_the_excerpt(example_project) -> None:
    """Moving to another excerpt highlights its first coding, so x removes a coding of that excerpt
    that the coder can see — never one at the old position."""
    app = make(example_project, coder="amira")

    async def script(pilot: Any) -> None:
        codings = app.screen.query_one("#codings", OptionList)
        codings.highlighted = 2
        await burst(pilot, app, "down")
        assert codings.highlighted == 0
        assert app.screen.detail.key == "e002"  # type: ignore[attr-defined]

    drive(app, script)


def test_t_at_80_columns_takes_focus_with_the_codebook(example_project) -> None:
    """t hides the list at 80 columns: focus goes to the codebook (and ? opens help, not a query)."""
    app = make(example_project)

    async def script(pilot: Any) -> None:
        app.screen.query_one("#search", Input).focus()
        await burst(pilot, app, "escape", "t")
        assert isinstance(app.focused, CodebookTree) and app.focused.display
        await burst(pilot, app, "question_mark")
        assert type(app.screen).__name__ == "HelpScreen"
        assert app.screen_stack[0].query_one("#search", Input).value == ""
        await burst(pilot, app, "escape", "t")
        assert isinstance(app.focused, ExcerptList) and app.focused.region.width > 0

    drive(app, script, size=(80, 24))


@pytest.mark.parametrize(("size", "whole"), [((160, 48), True), ((80, 24), False)])
def test_themes_names_use_the_width(example_project, size: tuple[int, int], whole: bool) -> None:
    """At 160 columns the longest subthemes are shown whole (they were cut at 40 characters); at
    80 they are cut with "…" so the counts still fit."""
    app = make(example_project)
    name = "Complementary role, expertise and becoming part of the team"

    async def script(pilot: Any) -> None:
        await burst(pilot, app, "2")
        tree = app.screen.query_one(CodebookTree)
        labels = [str(node.label) for node in tree._tree_nodes.values()]
        assert any(name in label for label in labels) == whole
        assert all("exc ·" in label or "—" in label for label in labels
                   if label.lstrip("⚠ ").startswith(name[:10]))

    drive(app, script, size=size)


def test_help_leads_every_footer_at_80_columns(example_project) -> None:
    """An 80-column footer is cut at its right end; "? Help" is first on every screen, and each
    screen starts in its main pane (so the digit keys switch screens, never type into a Select)."""
    from textual.widgets._footer import FooterKey

    app = make(example_project)

    async def script(pilot: Any) -> None:
        for key in "234561":
            await burst(pilot, app, key)
            assert app.current_mode == {"1": "code", "2": "themes", "3": "matrix", "4": "table",
                                        "5": "sources", "6": "reconcile"}[key]
            first = app.screen.query(FooterKey).first()
            assert first.key == "question_mark" and first.region.x < 10
            assert type(app.focused).__name__ not in ("Select", "SelectCurrent")

    drive(app, script, size=(80, 24))
