"""The Reconcile screen: closed while blind; the meeting's verbs land in the agreed set."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable, Static
from tui_helpers import drive, make, settle

from workbench.store.api import Project
from workbench.tui.screens import SCREENS, ScreenEntry
from workbench.tui.screens.dialogs import Ask, Pick

RECONCILE = ScreenEntry("reconcile", "6", "Reconcile", "workbench.tui.screens.reconcile:ReconcileScreen")


@pytest.fixture(autouse=True)
def _reconcile_registered(monkeypatch: pytest.MonkeyPatch) -> None:
    """The screen as the app registers it (added here too, should the registry not list it)."""
    if not any(e.mode == "reconcile" for e in SCREENS):
        monkeypatch.setattr("workbench.tui.app.SCREENS", [*SCREENS, RECONCILE])


async def open_reconcile(pilot: Any, app: Any) -> None:
    app.action_go("reconcile")
    await settle(pilot, app)


def test_closed_while_blind(independent_dir: Path) -> None:
    with Project.open(independent_dir) as project:
        app = make(project)

        async def script(pilot: Any) -> None:
            await open_reconcile(pilot, app)
            note = str(app.screen.query_one("#reconcile-note", Static).render())
            assert "Blind coding is on" in note
            assert app.screen.query_one(DataTable).row_count == 0

        drive(app, script)


def test_accept_reject_open_and_copy_agreements(independent_dir: Path) -> None:
    with Project.open(independent_dir) as project:
        project.set_setting("blind", "0")
        app = make(project, "chair")

        async def script(pilot: Any) -> None:
            await open_reconcile(pilot, app)
            grid = app.screen.query_one(DataTable)
            assert grid.row_count == 54
            side = str(app.screen.query_one("#reconcile-item", Static).render())
            assert "e001 · Recovery and role models" in side and "did not apply it" in side
            await pilot.press("a")  # only ben applied it: accepted at once
            await settle(pilot, app)
            assert app.screen.query_one(DataTable).row_count == 53
            await pilot.press("r")  # e002 · Workload
            await settle(pilot, app)
            await pilot.press("o")
            await settle(pilot, app)
            assert isinstance(app.screen, Ask)
            await pilot.press(*"ask the author", "enter")
            await settle(pilot, app)
            assert app.screen.query_one(DataTable).row_count == 52  # the open item stays listed
            await pilot.press("g")
            await settle(pilot, app)
            note = str(app.screen.query_one("#reconcile-note", Static).render())
            assert "not yet in the agreed set: 0" in note

        drive(app, script)
        decisions = project.collab.decisions()
        assert [(d.excerpt, d.status, d.actor) for d in decisions] == [
            ("e001", "accepted", "chair"), ("e002", "rejected", "chair"), ("e003", "open", "chair")]
        assert decisions[2].note == "ask the author"
        assert len(project.records.codings(["consensus"])) > 60


def test_write_picks_valence_and_perspective(independent_dir: Path) -> None:
    with Project.open(independent_dir) as project:
        project.set_setting("blind", "0")
        app = make(project, "chair")

        async def script(pilot: Any) -> None:
            await open_reconcile(pilot, app)
            await pilot.press("w")
            await settle(pilot, app)
            assert isinstance(app.screen, Pick)
            await pilot.press("down", "enter")  # challenge
            await settle(pilot, app)
            assert isinstance(app.screen, Pick)
            await pilot.press("enter")  # the excerpt's own perspective is preselected
            await settle(pilot, app)

        drive(app, script)
        agreed = [(c.excerpt, c.subtheme, c.valence, c.perspective) for c in project.records.codings(["consensus"])]
        assert agreed == [("e001", "Recovery and role models", "challenge", "PSWs")]
        assert project.collab.decisions()[0].status == "written"
