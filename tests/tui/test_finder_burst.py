"""The finder's two paths: a query typed ahead with its Enter is applied without the dialog
(`KeyQueue.take_line`); a query still being typed opens the dialog. The user must not be able to
tell them apart: same coding, same status line, same undo, the keys after Enter on the Code screen.

Which path ran is seen in the messages: the dialog's query box posts `Input.Changed` per key.
"""

from __future__ import annotations

import threading
from typing import Any

from textual.widgets import Input
from textual.widgets.text_area import Selection
from tui_helpers import burst, drive, make, settle

from workbench.tui.screens.code import CodeScreen
from workbench.tui.screens.finder import SubthemeFinder, finder_entries, rank
from workbench.tui.widgets.excerpt_list import ExcerptList
from workbench.tui.widgets.excerpt_text import ExcerptText


def codings(project: Any, coder: str = "tess") -> list[tuple[Any, ...]]:
    return sorted((c.excerpt, c.subtheme, c.valence, c.perspective, c.start, c.end)
                  for c in project.records.codings([coder]))


def typed_into_finder(messages: list[Any]) -> list[str]:
    """The finder's query box after each change (a message bubbling up is recorded at each step)."""
    changes = {id(m): m for m in messages if isinstance(m, Input.Changed) and m.input.id == "query"}
    return [m.value for m in changes.values()]


def status(app: Any) -> str:
    return str(app.screen_stack[0].query_one("#status").render())


def current(app: Any) -> str | None:
    return app.screen_stack[0].query_one(ExcerptList).current_key


def test_a_query_typed_ahead_is_applied_as_the_dialog_applies_it(example_project) -> None:
    """Selected span, `a role amb Enter` at once (no dialog), undo; then the same with the Enter
    typed after the dialog is up: the same coding, the same status line, and undo takes both back."""
    app = make(example_project)
    messages: list[Any] = []

    async def script(pilot: Any) -> None:
        app.screen.query_one(ExcerptText).selection = Selection((0, 0), (0, 12))
        await pilot.pause()
        await burst(pilot, app, "a", *"role amb", "enter")
        assert typed_into_finder(messages) == []  # the dialog never opened
        direct = (codings(example_project), status(app), len(app.screen_stack))
        assert direct[0] == [("e001", "Role ambiguity", "benefit", "PSWs", 0, 12)]
        await burst(pilot, app, "ctrl+z")
        assert codings(example_project) == []
        undone = status(app)

        await burst(pilot, app, "a", *"role amb")  # no Enter yet: the dialog opens with the query in it
        assert isinstance(app.screen, SubthemeFinder)
        assert app.screen.query_one("#query", Input).value == "role amb"
        await burst(pilot, app, "enter")
        assert typed_into_finder(messages)[-1] == "role amb"
        assert (codings(example_project), status(app), len(app.screen_stack)) == direct
        assert direct[1].startswith("✓ 09:30:00 coded e001 with Role ambiguity (benefit, PSWs) 0–12 · ctrl+z undoes")
        await burst(pilot, app, "ctrl+z")
        assert codings(example_project) == [] and status(app) == undone

    drive(app, script, messages=messages)


def test_four_codings_typed_at_once_land_in_order(example_project) -> None:
    """The benchmark's burst on the example (a, query, Enter, ↓ four times; 38 keys at once): every
    coding lands on its excerpt in order, the ↓ after each Enter moves the list, no dialog is shown."""
    app = make(example_project)
    messages: list[Any] = []
    plan = [("bound", "Boundaries"), ("role amb", "Role ambiguity"), ("lack sup", "Lack of support and training"),
            ("wellb", "Wellbeing and recovery")]

    async def script(pilot: Any) -> None:
        await burst(pilot, app, *[k for q, _name in plan for k in ("a", *q, "enter", "down")])
        assert typed_into_finder(messages) == []
        expected = [(f"e00{i}", name) for i, (_q, name) in enumerate(plan, start=1)]
        assert [(c.excerpt, c.message.split(" with ", 1)[1].split(" (")[0]) for c in app.acknowledged] == expected
        assert [c[:2] for c in codings(example_project)] == expected
        assert current(app) == "e005" and len(app.screen_stack) == 1 and isinstance(app.screen, CodeScreen)
        assert status(app).startswith("✓ 09:30:00 coded e004 with Wellbeing and recovery")
        await burst(pilot, app, "ctrl+z", "ctrl+z")
        assert [c[:2] for c in codings(example_project)] == [("e001", "Boundaries"), ("e002", "Role ambiguity")]

    drive(app, script, messages=messages)


def test_pilot_press_while_a_read_holds_the_keys_takes_the_direct_path(example_project) -> None:
    """pilot.press of ↓ a bound Enter u while e002's text is still being read: the keys queue behind
    `a`, which then finds its query and Enter typed and codes e002 without the dialog; u moves on."""
    app = make(example_project)
    messages: list[Any] = []
    release = threading.Event()

    async def script(pilot: Any) -> None:
        read = app.session.detail

        def slow(key: str) -> Any:
            if key == "e002":
                release.wait(10)
            return read(key)

        app.session.detail = slow
        await pilot.press("down", "a", *"bound", "enter", "u")
        assert app.keys.pending  # everything after `a` waits for e002's text
        release.set()
        await settle(pilot, app)
        assert typed_into_finder(messages) == []
        assert [c[:2] for c in codings(example_project)] == [("e002", "Boundaries")]
        assert current(app) == "e003"

    drive(app, script, messages=messages)


def test_pilot_press_at_typing_speed_uses_the_dialog(example_project) -> None:
    """pilot.press pauses between keys: the finder opens on `a` and receives the query key by key."""
    app = make(example_project)
    messages: list[Any] = []

    async def script(pilot: Any) -> None:
        await pilot.press("a", *"bound", "enter", "down")
        await settle(pilot, app)
        assert typed_into_finder(messages) == ["b", "bo", "bou", "boun", "bound"]
        assert [c[:2] for c in codings(example_project)] == [("e001", "Boundaries")]
        assert current(app) == "e002" and len(app.screen_stack) == 1

    drive(app, script, messages=messages)


def test_a_typed_ahead_name_nobody_has_opens_the_new_subtheme_dialog(example_project) -> None:
    """`a zzq Enter` with no match answers "+ new" as the dialog would: the new-subtheme dialog opens
    with the name filled in; Enter, a definition, Enter create and apply it; u then moves on."""
    app = make(example_project)
    messages: list[Any] = []

    async def script(pilot: Any) -> None:
        await burst(pilot, app, "a", *"zzq", "enter", "enter", *"odd one", "enter", "u")
        assert typed_into_finder(messages) == []
        cb = example_project.codebook.get()
        assert [(s.name, s.definition) for s in cb.ungrouped] == [("zzq", "odd one")]
        assert [c[:2] for c in codings(example_project)] == [("e001", "zzq")]
        assert current(app) == "e002"

    drive(app, script, messages=messages)


def test_keys_other_than_characters_before_enter_go_to_the_dialog(example_project) -> None:
    """Backspace or an arrow before Enter needs the dialog (its text, its highlight): `a role ⌫ e
    ↓ Enter` at once opens it, edits the query and applies the second match."""
    app = make(example_project)
    messages: list[Any] = []

    async def script(pilot: Any) -> None:
        await burst(pilot, app, "a", *"role", "backspace", "e", "down", "enter")
        assert typed_into_finder(messages)[-1] == "role"
        names = [n for n, _w in finder_entries(app.session.codebook, app.session.words())]
        assert [c[:2] for c in codings(example_project)] == [("e001", rank("role", names)[1])]
        assert len(app.screen_stack) == 1

    drive(app, script, messages=messages)
