"""The Code screen driven with Pilot on the bundled example; every check reads the database after."""

from __future__ import annotations

from typing import Any

from textual.widgets import Input, OptionList, Static
from textual.widgets.text_area import Selection
from tui_helpers import drive, make, settle

from workbench.tui.excerpt_index import CODED, NOTHING, UNCODED
from workbench.tui.messages import DataChanged
from workbench.tui.screens.code import CodeScreen
from workbench.tui.widgets.codebook_tree import CodebookTree
from workbench.tui.widgets.excerpt_list import ExcerptList
from workbench.tui.widgets.excerpt_text import ExcerptText


def mine(project: Any, coder: str = "tess") -> list[tuple[Any, ...]]:
    return sorted((c.excerpt, c.subtheme, c.valence, c.perspective, c.start, c.end, c.note)
                  for c in project.records.codings([coder]))


def test_apply_from_the_finder_uses_valence_and_the_hinted_perspective(example_project) -> None:
    """a, type a few letters, Enter: e001 is coded at once (benefit, its hint PSWs), shown with ✓ and ①."""
    app = make(example_project)
    seen: list[Any] = []

    async def script(pilot: Any) -> None:
        await pilot.press("a", *"bound", "enter")
        await settle(pilot, app)
        assert mine(example_project) == [("e001", "Boundaries", "benefit", "PSWs", None, None, "")]
        screen = app.screen
        assert isinstance(screen, CodeScreen)
        assert screen.query_one(ExcerptList).render_lines_for_test()[0].startswith("✓ e001")
        codings = screen.query_one("#codings", OptionList)
        assert "① Boundaries · benefit · PSWs" in str(codings.get_option_at_index(0).prompt)
        assert "coded e001 with Boundaries" in app.session.last_saved
        # v cycles the valence; the next coding records it
        await pilot.press("v", "a", *"workl", "enter")
        await settle(pilot, app)
        assert ("e001", "Workload", "challenge", "PSWs", None, None, "") in mine(example_project)

    drive(app, script, messages=seen)
    assert any(isinstance(m, DataChanged) and "codings" in m.kinds for m in seen)


def test_apply_from_the_tree_and_the_perspective_picker(example_project) -> None:
    """p picks another perspective (hint marked); Enter on a subtheme in the tree applies it."""
    app = make(example_project)

    async def script(pilot: Any) -> None:
        await pilot.press("p")
        await pilot.pause()
        labels = [str(o.prompt) for o in app.screen.query_one(OptionList).options]
        assert any(label.startswith("PSWs") and "← hint" in label for label in labels)
        await pilot.press("down", "enter")  # Service users
        await pilot.pause()
        tree = app.screen.query_one(CodebookTree)
        tree.focus()
        assert tree.select_subtheme("Bridge")
        await pilot.press("enter")
        await settle(pilot, app)
        assert mine(example_project) == [("e001", "Bridge", "benefit", "Service users", None, None, "")]

    drive(app, script)


def test_a_mixed_perspective_shows_its_source_groups(example_project) -> None:
    """e007's hint is Mixed: the picker line spells out source 23's sample instead of a bare 'Mixed'."""
    app = make(example_project)

    async def script(pilot: Any) -> None:
        screen = app.screen
        screen.query_one(ExcerptList).select_key("e007")
        await settle(pilot, app)
        pickers = str(screen.query_one("#pickers", Static).render())
        assert "Mixed (hint) = PSWs" in pickers
        await pilot.press("p")
        await pilot.pause()
        labels = [str(o.prompt) for o in app.screen.query_one(OptionList).options]
        assert "Mixed — this source's sample: PSWs  ← hint" in labels

    drive(app, script)


def test_code_a_selected_span_and_see_it_underlined(example_project) -> None:
    """Text selected in the excerpt is what gets coded; the span is then drawn as a highlight."""
    app = make(example_project)

    async def script(pilot: Any) -> None:
        text = app.screen.query_one(ExcerptText)
        text.selection = Selection((0, 0), (0, 12))
        await pilot.pause()
        assert "selection 0–12" in str(app.screen.query_one("#pickers", Static).render())
        await pilot.press("a", *"wellb", "enter")
        await settle(pilot, app)
        assert mine(example_project) == [("e001", "Wellbeing and recovery", "benefit", "PSWs", 0, 12, "")]
        assert (0, 12, "coded") in text._highlights[0]
        label = str(app.screen.query_one("#codings", OptionList).get_option_at_index(0).prompt)
        assert "“Peer workers”" in label

    drive(app, script)


def test_remove_then_undo_and_redo(example_project) -> None:
    """x removes the highlighted coding; ctrl+z brings it back with the same uuid; ctrl+y removes it again."""
    app = make(example_project)

    async def script(pilot: Any) -> None:
        await pilot.press("a", *"bound", "enter")
        await settle(pilot, app)
        uuid = example_project.records.codings(["tess"])[0].uuid
        await pilot.press("x")
        await settle(pilot, app)
        assert mine(example_project) == []
        index = app.session.index
        assert index.state[index.position["e001"]] == UNCODED
        await pilot.press("ctrl+z")
        await settle(pilot, app)
        assert [c.uuid for c in example_project.records.codings(["tess"])] == [uuid]
        assert index.state[index.position["e001"]] == CODED
        await pilot.press("ctrl+y")
        await settle(pilot, app)
        assert mine(example_project) == []
        actions = [e["action"] for e in example_project.audit_log(3)]
        assert actions == ["uncode", "code", "uncode"]

    drive(app, script)


def test_nothing_applies_toggles_and_is_refused_once_coded(example_project) -> None:
    app = make(example_project)

    async def script(pilot: Any) -> None:
        await pilot.press("n")
        await settle(pilot, app)
        assert ("e001", "tess") in example_project.records.nothing_applies()
        assert app.session.index.state[0] == NOTHING
        assert app.screen.query_one(ExcerptList).render_lines_for_test()[0].startswith("∅ e001")
        await pilot.press("n")
        await settle(pilot, app)
        assert ("e001", "tess") not in example_project.records.nothing_applies()
        await pilot.press("a", *"bound", "enter", "n")
        await settle(pilot, app)
        assert ("e001", "tess") not in example_project.records.nothing_applies()
        assert len(mine(example_project)) == 1

    drive(app, script)


def test_note_on_a_coding_and_memo_on_the_excerpt(example_project) -> None:
    app = make(example_project)

    async def script(pilot: Any) -> None:
        await pilot.press("a", *"bound", "enter")
        await settle(pilot, app)
        await pilot.press("e", *"unsure", "enter")
        await settle(pilot, app)
        assert mine(example_project)[0][-1] == "unsure"
        await pilot.press("m", *"ask the team", "ctrl+s")
        await settle(pilot, app)
        uuid = app.screen.detail.uuid
        assert [m.text for m in example_project.interchange.memos(uuid)] == ["ask the team"]
        assert "ask the team" in str(app.screen.query_one("#source-detail", Static).render())
        await pilot.press("ctrl+z", "ctrl+z")
        await settle(pilot, app)
        assert example_project.interchange.memos(uuid) == []
        assert mine(example_project)[0][-1] == ""

    drive(app, script)


def test_new_subtheme_on_the_spot_is_ungrouped_applied_and_undoable(example_project) -> None:
    app = make(example_project)

    async def script(pilot: Any) -> None:
        await pilot.press("a", *"zzq")
        await pilot.pause()
        assert str(app.screen.query_one(OptionList).get_option_at_index(0).prompt) == "+ new subtheme “zzq”"
        await pilot.press("escape", "s", *"Peer pride", "enter", *"Pride in the role", "enter")
        await settle(pilot, app)
        cb = example_project.codebook.get()
        assert [(s.name, s.definition) for s in cb.ungrouped] == [("Peer pride", "Pride in the role")]
        assert mine(example_project) == [("e001", "Peer pride", "benefit", "PSWs", None, None, "")]
        await pilot.press("ctrl+z")
        await settle(pilot, app)
        assert example_project.codebook.get().ungrouped == ()
        assert mine(example_project) == []

    drive(app, script)


def test_search_filters_and_next_uncoded(example_project) -> None:
    """Typing narrows the list at once; o keeps only excerpts I have not coded; u jumps to the next one."""
    app = make(example_project)

    async def script(pilot: Any) -> None:
        screen = app.screen
        lst = screen.query_one(ExcerptList)
        await pilot.press("a", *"bound", "enter")
        await settle(pilot, app)
        await pilot.press("u")
        await settle(pilot, app)
        assert lst.current_key == "e002"
        await pilot.press("slash", *"mothers")
        await pilot.pause()
        keys = [app.session.index.keys[i] for i in lst.rows]
        assert keys and all("mother" in app.session.index.texts[i].lower() for i in lst.rows)
        assert f"{len(keys)} of 75" in str(screen.query_one("#filter-line", Static).render())
        # leaving the search shows the list's excerpt at once, so the next key acts on what is seen
        await pilot.press("escape", "n")
        await settle(pilot, app)
        assert (keys[0], "tess") in example_project.records.nothing_applies()
        await pilot.press("n", "slash")
        await settle(pilot, app)
        screen.query_one("#search", Input).value = ""
        await pilot.press("escape", "o")
        await pilot.pause()
        assert len(lst.rows) == 74 and app.session.index.position["e001"] not in lst.rows
        await pilot.press("f")
        await pilot.pause()
        dialog = app.screen
        from textual.widgets import Select

        dialog.query_one("#source", Select).value = "49"
        await pilot.click("#apply")
        await settle(pilot, app)
        assert {app.session.index.refs[i] for i in lst.rows} == {"49"}

    drive(app, script)


def test_blind_coding_shows_only_my_codings(example_project) -> None:
    """With the project set to blind, amira sees her coding of e001 and nobody else's."""
    example_project.set_setting("blind", "1")
    app = make(example_project, "amira")

    async def script(pilot: Any) -> None:
        coders = {c.coder for c in app.screen.detail.codings}
        assert coders == {"amira"}
        assert "blind" in str(app.screen.query_one("#where", Static).render())

    drive(app, script)


def test_not_blind_shows_every_coder(example_project) -> None:
    example_project.set_setting("blind", "0")
    app = make(example_project)

    async def script(pilot: Any) -> None:
        assert {c.coder for c in app.screen.detail.codings} == {"amira", "ben", "consensus"}

    drive(app, script)


def test_narrow_terminal_toggles_the_codebook(example_project) -> None:
    """At 80×24 the codebook hides behind t, which swaps it with the list."""
    app = make(example_project)

    async def script(pilot: Any) -> None:
        pane = app.screen.query_one("#codebook-pane")
        assert pane.display is False or pane.region.width == 0
        await pilot.press("t")
        await pilot.pause()
        assert app.screen.query_one("#codebook-pane").region.width > 0
        assert app.screen.query_one("#list-pane").region.width == 0

    drive(app, script, size=(80, 24))
