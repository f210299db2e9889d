"""Screenshots of every screen on the bundled example, at 120×40 and at 80×24.

The clock is frozen and the cursor does not blink (conftest), so the pictures only change when the
screens do. `--snapshot-update` rewrites them; docs/screens/ holds copies for the README.
"""

from __future__ import annotations

from typing import Any

import pytest
from tui_helpers import burst, make, settle

from workbench.tui.screens import SCREENS

SIZES = {"wide": (120, 40), "narrow": (80, 24)}


def _before(key: str) -> Any:
    async def run_before(pilot: Any) -> None:
        await settle(pilot, pilot.app)
        await pilot.press(key)
        await settle(pilot, pilot.app)

    return run_before


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("mode", [e.mode for e in SCREENS])
def test_screen(snap_compare, example_project, mode: str, size: str) -> None:  # type: ignore[no-untyped-def]
    """Each screen as a researcher first sees it on the example project."""
    key = next(e.key for e in SCREENS if e.mode == mode)
    assert snap_compare(make(example_project), run_before=_before(key), terminal_size=SIZES[size])


def test_code_screen_after_coding_a_span(snap_compare, example_project) -> None:  # type: ignore[no-untyped-def]
    """A span coded in e002: underlined in the text, ① in the codings list, ✓ in the excerpt list."""

    async def run_before(pilot: Any) -> None:
        from textual.widgets.text_area import Selection

        from workbench.tui.widgets.excerpt_list import ExcerptList
        from workbench.tui.widgets.excerpt_text import ExcerptText

        app = pilot.app
        await settle(pilot, app)
        app.screen.query_one(ExcerptList).select_key("e002")
        await settle(pilot, app)
        app.screen.query_one(ExcerptText).selection = Selection((0, 0), (0, 40))
        await pilot.press("v", "a", *"wellb", "enter")
        await settle(pilot, app)

    assert snap_compare(make(example_project), run_before=run_before, terminal_size=(120, 40))


def test_help_overlay(snap_compare, example_project) -> None:  # type: ignore[no-untyped-def]
    """? on the Code screen: what it is for and every key."""
    assert snap_compare(make(example_project), run_before=_before("question_mark"), terminal_size=(120, 40))


# Every dialog at 80×24 (the smallest terminal the app supports), opened the way a coder opens it.
DIALOGS = {
    "finder": ["a", *"role amb"],
    "perspective": ["p"],
    "note": ["a", *"bound", "enter", "e"],
    "memo": ["m"],
    "new-subtheme": ["s"],
    "filter": ["f"],
    "help": ["question_mark"],
    "merge": ["2", "down", "g", *"rapp"],
    "merge-confirm": ["2", "down", "g", *"rapp", "enter"],
    "summary-editor": ["4", "e"],
    "codebook-shown": ["t"],
}


@pytest.mark.parametrize("name", list(DIALOGS))
def test_dialog_at_80x24(snap_compare, example_project, name: str) -> None:  # type: ignore[no-untyped-def]
    """Each dialog (and the Code screen with its codebook shown) fits 80×24 with its hint line."""

    async def run_before(pilot: Any) -> None:
        await settle(pilot, pilot.app)
        await burst(pilot, pilot.app, *DIALOGS[name])

    assert snap_compare(make(example_project), run_before=run_before, terminal_size=(80, 24))


def test_coder_name_dialog_at_80x24(snap_compare, example_project) -> None:  # type: ignore[no-untyped-def]
    """The first start without a coder name asks for one."""

    async def run_before(pilot: Any) -> None:
        from textual.widgets import Input

        from workbench.tui.screens.dialogs import CoderName

        for _ in range(500):
            await pilot.pause()
            if isinstance(pilot.app.screen, CoderName) and isinstance(pilot.app.focused, Input):
                break
        await pilot.pause()

    assert snap_compare(make(example_project, coder=None), run_before=run_before, terminal_size=(80, 24))
