"""Whole key sequences typed at once, through every dialog; each check reads the database.

`burst` posts every key before the app has handled the first (as a terminal delivers a fast
typist's keys); `pilot.press(*keys)` is used too. Before the key queue, the issue's burst crashed
the app with "Can't pop screen" and ran finder keys as Code-screen shortcuts.
"""

from __future__ import annotations

from typing import Any

from textual.widgets import TextArea
from tui_helpers import burst, drive, make, settle

from workbench.tui.screens.code import CodeScreen
from workbench.tui.widgets.excerpt_list import ExcerptList

ISSUE_BURST = "a w e l l b enter u a b o u n d enter".split()


def mine(project: Any, coder: str = "tess") -> list[tuple[Any, ...]]:
    return sorted((c.excerpt, c.subtheme, c.valence, c.perspective, c.note) for c in project.records.codings([coder]))


def current(app: Any) -> str | None:
    return app.screen_stack[0].query_one(ExcerptList).current_key


def test_the_issue_burst_codes_two_excerpts_in_order(example_project) -> None:
    """a wellb Enter u abound Enter at once: e001 gets Wellbeing, u moves on, e002 gets Boundaries."""
    app = make(example_project)

    async def script(pilot: Any) -> None:
        await burst(pilot, app, *ISSUE_BURST)
        assert mine(example_project) == [("e001", "Wellbeing and recovery", "benefit", "PSWs", ""),
                                         ("e002", "Boundaries", "benefit", "PSWs", "")]
        assert [c.message.split(" (")[0] for c in app.acknowledged] == [
            "coded e001 with Wellbeing and recovery", "coded e002 with Boundaries"]
        assert len(app.screen_stack) == 1 and isinstance(app.screen, CodeScreen)
        assert example_project.interchange.memos() == [] or all(m.text for m in example_project.interchange.memos())
        assert "coded e002 with Boundaries" in str(app.screen.query_one("#status").render())

    drive(app, script)


def test_the_issue_burst_as_amira_on_the_example(example_project) -> None:
    """The issue's own run (amira, who has coded all but e060): e001's coding exists already, so the
    status says so; u reaches e060, which gets Boundaries; the app is still running."""
    app = make(example_project, coder="amira")

    async def script(pilot: Any) -> None:
        before = len(example_project.records.codings(["amira"]))
        await burst(pilot, app, *ISSUE_BURST)
        after = example_project.records.codings(["amira"])
        assert len(after) == before + 1
        assert [(c.excerpt, c.subtheme) for c in after if c.excerpt == "e060"] == [("e060", "Boundaries")]
        assert current(app) == "e060" and len(app.screen_stack) == 1

    drive(app, script)


def test_pilot_press_of_the_same_keys(example_project) -> None:
    """The same sequence through Pilot's own press (which pauses between keys) gives the same result."""
    app = make(example_project)

    async def script(pilot: Any) -> None:
        await pilot.press(*ISSUE_BURST)
        await settle(pilot, app)
        assert [k for k, *_ in mine(example_project)] == ["e001", "e002"]

    drive(app, script)


def test_valence_and_perspective_in_a_burst(example_project) -> None:
    """v then p (a dialog: down, Enter) then the finder: the coding has both choices."""
    app = make(example_project)

    async def script(pilot: Any) -> None:
        await burst(pilot, app, "v", "p", "down", "enter", "a", *"role amb", "enter", "down")
        assert mine(example_project) == [("e001", "Role ambiguity", "challenge", "Service users", "")]
        assert current(app) == "e002"  # the last key went to the list, not to a dialog

    drive(app, script)


def test_note_and_memo_in_a_burst(example_project) -> None:
    """Apply, then e (note) and m (memo, ctrl+s) with their text, then u: all in one burst. Saves
    are slowed down: `e` must wait for the coding `a … Enter` saved, or it notes someone else's
    coding (refused) and the note's letters run as Code-screen keys."""
    import time

    app = make(example_project)

    async def script(pilot: Any) -> None:
        run = app.session.run

        def slow(action: Any) -> Any:
            time.sleep(0.3)
            return run(action)

        app.session.run = slow
        await burst(pilot, app, "a", *"bound", "enter", "e", *"unsure", "enter",
                    "m", *"ask the team", "ctrl+s", "u")
        assert mine(example_project) == [("e001", "Boundaries", "benefit", "PSWs", "unsure")]
        uuid = next(e.uuid for e in [app.session.detail("e001")])
        assert [m.text for m in example_project.interchange.memos(uuid)] == ["ask the team"]
        assert current(app) == "e002"

    drive(app, script)


def test_new_subtheme_from_the_finder_in_a_burst(example_project) -> None:
    """A name nobody has: the finder offers "+ new", Enter opens the new-subtheme dialog with the
    name filled in, Enter moves to the definition, Enter creates and applies it; then u."""
    app = make(example_project)

    async def script(pilot: Any) -> None:
        await burst(pilot, app, "a", *"zzq", "up", "enter", "enter", *"odd one", "enter", "u")
        cb = example_project.codebook.get()
        assert [(s.name, s.definition) for s in cb.ungrouped] == [("zzq", "odd one")]
        assert mine(example_project) == [("e001", "zzq", "benefit", "PSWs", "")]
        assert current(app) == "e002"

    drive(app, script)


def test_merge_on_the_themes_screen_in_a_burst(example_project) -> None:
    """2, down to a subtheme, g (merge finder), a query, Enter, y (confirm): merged at once."""
    app = make(example_project)

    async def script(pilot: Any) -> None:
        await burst(pilot, app, "2")
        tree = app.screen.codebook_tree
        tree.select_subtheme("Bridge")
        await settle(pilot, app)
        await burst(pilot, app, "g", *"rapport", "enter", "y", "1")
        names = [s.name for s in example_project.codebook.get().all_subthemes()]
        assert "Bridge" not in names and "Rapport and empathy with service users" in names
        assert app.current_mode == "code"

    drive(app, script)


def test_summary_editor_in_a_burst(example_project) -> None:
    """4, e (the editor opens after a read), text, ctrl+s (closes after the save), 1: saved."""
    app = make(example_project)

    async def script(pilot: Any) -> None:
        await burst(pilot, app, "4", "e")
        editor = app.screen
        cell = editor.cell  # type: ignore[attr-defined]
        await burst(pilot, app, "end", *" more.", "ctrl+s", "1")
        saved = example_project.summaries.get(cell.subtheme, cell.valence, cell.perspective)
        assert saved is not None and " more." in saved.text
        assert app.current_mode == "code" and len(app.screen_stack) == 1
        assert not any(isinstance(w, TextArea) and "more." in w.text for w in app.screen.query(TextArea))

    drive(app, script, size=(120, 40))


def test_no_key_sequence_empties_the_screen_stack(example_project) -> None:
    """Enters and Escapes far beyond the dialogs they close: every screen stays, nothing crashes."""
    app = make(example_project)

    async def script(pilot: Any) -> None:
        await burst(pilot, app, "a", "enter", "enter", "enter", "escape", "escape", "p", "enter", "enter",
                    "escape", "m", "escape", "escape", "question_mark", "escape", "escape", "enter")
        assert len(app.screen_stack) == 1 and isinstance(app.screen, CodeScreen)
        assert app.is_running

    drive(app, script)


def test_keys_right_after_a_move_act_on_the_new_excerpt(example_project) -> None:
    """down then a at once: the finder waits for e002's text and codes e002 (the key is not dropped)."""
    app = make(example_project)

    async def script(pilot: Any) -> None:
        await burst(pilot, app, "down", "down", "a", *"bound", "enter", "down", "n")
        assert mine(example_project) == [("e003", "Boundaries", "benefit", "PSWs", "")]
        assert ("e004", "tess") in example_project.records.nothing_applies()

    drive(app, script)


def test_keys_typed_while_the_project_loads_are_applied(example_dir) -> None:
    """Keys sent before the project has been read wait for it (test_serve's lost `a`)."""
    import asyncio

    from tui_helpers import key_event

    from workbench.store.api import Project

    with Project.open(example_dir) as project:
        app = make(project)

        async def main() -> None:
            async with app.run_test(size=(120, 40)) as pilot:
                for key in ["a", *"bound", "enter"]:
                    app.post_message(key_event(key))
                for _ in range(1000):
                    await asyncio.sleep(0.01)
                    if app.ready and not app.keys.pending:
                        break
                await settle(pilot, app)
                assert mine(project) == [("e001", "Boundaries", "benefit", "PSWs", "")]

        asyncio.run(main())


def test_a_superseded_read_does_not_hold_the_keys(example_project) -> None:
    """Reads in one group supersede each other; one cancelled before it ran must not keep the keys
    waiting (in the real terminal, 4 after 3 did nothing for ten seconds)."""
    import time

    app = make(example_project)

    async def script(pilot: Any) -> None:
        for _ in range(4):
            app.fetch(lambda: time.sleep(0.05), lambda _none: None, group="same", hold_keys=True)
        start = time.monotonic()
        await burst(pilot, app, "down")
        assert current(app) == "e002" and time.monotonic() - start < 3
        assert not app.keys.held()

    drive(app, script)


def test_keys_that_arrive_while_the_last_one_settles_are_applied(example_project) -> None:
    """Keys in trickles (as the browser's driver delivers them): `a` alone, then the rest while the
    queue is still waiting for what `a` set off (the finder opening). They were left in the queue."""
    import asyncio

    from tui_helpers import key_event

    app = make(example_project)

    async def script(pilot: Any) -> None:
        q = app.keys
        app.post_message(key_event("a"))
        for _ in range(5000):  # until `a` has been handed on and the queue waits for it to settle
            await asyncio.sleep(0)
            if not q.keys and not q._released and q._task is not None and not q._task.done():
                break
        else:
            raise AssertionError("never saw the queue settling after `a`")
        for key in [*"bound", "enter"]:
            assert q.take(key_event(key))  # as the app does with a key arriving now
        for _ in range(1000):
            await asyncio.sleep(0.01)
            if not q.pending:
                break
        await settle(pilot, app)
        assert mine(example_project) == [("e001", "Boundaries", "benefit", "PSWs", "")]

    drive(app, script)
