"""Failures become notifications (nothing lost), and the frame every screen shares: help, palette,
the coder prompt, the status bar, high contrast, labels."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from textual.widgets import Input, Markdown, Static
from tui_helpers import drive, make, settle

from workbench.store.api import Project
from workbench.tui.screens import SCREENS
from workbench.tui.screens.help import HelpScreen


def test_a_failing_save_shows_a_notification_and_loses_nothing(example_dir: Path) -> None:
    """The database opened read-only: the write fails, the app says so and keeps running; what was
    saved stays, the list mark does not lie, and nothing half-written is left."""
    url = f"sqlite:///file:{example_dir / 'workbench.db'}?mode=ro&uri=true"
    project = Project.open(example_dir, url)
    before = sorted(c.uuid for c in project.records.codings())
    app = make(project, "amira")

    async def script(pilot: Any) -> None:
        shown = app.screen.query_one("#codings").option_count
        await pilot.press("a", *"bound", "enter")
        await settle(pilot, app)
        errors = [n for n in app._notifications if n.severity == "error"]
        assert errors and "readonly database" in errors[0].message
        assert "nothing saved before is lost" in errors[0].message
        assert app.is_running
        assert app.session.undo_stack == []
        assert app.screen.query_one("#codings").option_count == shown
        await pilot.press("n")  # a second failing action: still no crash
        await settle(pilot, app)
        assert len([n for n in app._notifications if n.severity == "error"]) == 2

    drive(app, script)
    project.close()
    with Project.open(example_dir) as p:
        assert sorted(c.uuid for c in p.records.codings()) == before
        assert p.records.nothing_applies() == []


def test_help_overlay_on_every_screen(example_project) -> None:
    app = make(example_project)

    async def script(pilot: Any) -> None:
        for entry in SCREENS:
            await pilot.press(entry.key)
            await settle(pilot, app)
            await pilot.press("question_mark")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            md = app.screen.query_one(Markdown)
            assert "Keys on this screen" in md.source and "ctrl+z" in md.source
            await pilot.press("escape")
            await pilot.pause()
            assert not isinstance(app.screen, HelpScreen)

    drive(app, script)


def test_every_screen_action_is_in_the_command_palette(example_project) -> None:
    app = make(example_project)

    async def script(pilot: Any) -> None:
        for entry in SCREENS:
            await pilot.press(entry.key)
            await settle(pilot, app)
            screen = app.screen
            titles = {c.title for c in app.get_system_commands(screen)}
            for b in screen.BINDINGS:
                assert b.description in titles, (entry.mode, b.description)
            assert {"Undo", "Redo", "Help", "High contrast", f"Go to {entry.title}"} <= titles
        # running one from the palette works like its key
        await pilot.press("1")
        await settle(pilot, app)
        command = next(c for c in app.get_system_commands(app.screen) if c.title == "Nothing applies")
        command.callback()
        await settle(pilot, app)
        assert ("e001", "tess") in example_project.records.nothing_applies()

    drive(app, script)


def test_the_app_asks_for_a_coder_once_and_remembers(example_project, tmp_path: Path) -> None:
    saved: list[str] = []
    app = make(example_project, None, save_coder=saved.append)

    async def script(pilot: Any) -> None:
        await pilot.pause()
        assert isinstance(app.screen.query_one(Input), Input)
        await pilot.press(*"nadia", "enter")
        await settle(pilot, app)
        assert app.session.coder == "nadia" and saved == ["nadia"]
        assert "coder: nadia" in str(app.screen.query_one("#where", Static).render())

    async def main() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await script(pilot)

    import asyncio

    asyncio.run(main())


def test_identity_belongs_to_the_session(example_dir: Path, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The CLI takes --coder, then WORKBENCH_CODER, and never a remembered name; the app's prompt
    remembers a name per project, and offers it only on that project."""
    from workbench.cli.common import Context
    from workbench.cli.tui_cmds import build_app
    from workbench.settings import load_user_settings, project_key, remember_coder

    remember_coder(project_key(example_dir), "nadia")
    assert load_user_settings()["projects"][str(example_dir.resolve())]["coder"] == "nadia"
    assert "coder" not in load_user_settings()  # nothing machine-wide
    assert Context(example_dir, None, None).coder(required=False) == ""
    monkeypatch.setenv("WORKBENCH_CODER", "omar")
    assert Context(example_dir, None, None).coder() == "omar"
    assert Context(example_dir, None, "pia").coder() == "pia"
    monkeypatch.delenv("WORKBENCH_CODER")
    other = tmp_path / "other"
    shutil.copytree(example_dir, other)
    with Project.open(example_dir) as p1, Project.open(other) as p2:
        app1 = build_app(Context(example_dir, None, None), p1)
        app2 = build_app(Context(other, None, None), p2)
        assert app1.coder is None and app1.remembered_coder == "nadia"
        assert app2.coder is None and app2.remembered_coder is None


def test_status_bar_high_contrast_and_labels(example_project) -> None:
    """The status bar counts and names the last save; F6 switches high contrast; labels rename words."""
    import json as _json

    example_project.set_setting("labels", _json.dumps({"perspective": "sample", "excerpts": "findings"}))
    app = make(example_project)

    async def script(pilot: Any) -> None:
        status = str(app.screen.query_one("#status", Static).render())
        assert status.startswith("75 findings · 0 coded by me · 11 sources")
        assert "Sample (p)" in str(app.screen.query_one("#pickers", Static).render())
        await pilot.press("a", *"bound", "enter")
        await settle(pilot, app)
        status = str(app.screen.query_one("#status", Static).render())
        assert "1 coded by me" in status and "09:30:00 coded e001 with Boundaries" in status
        await pilot.press("f6")
        assert app.theme == "workbench-high-contrast"
        await pilot.press("f6")
        assert app.theme != "workbench-high-contrast"

    drive(app, script)


def test_a_colleagues_coding_shows_up_without_reopening(example_dir: Path) -> None:
    """Two coders at once: what ben saves from another window appears on tess's screen within seconds."""
    import asyncio

    from workbench.core.model import Coding

    project = Project.open(example_dir)
    app = make(project, poll_seconds=0.2)

    async def script(pilot: Any) -> None:
        shown = app.screen.query_one("#codings").option_count
        with Project.open(example_dir) as other:
            other.records.add_coding(Coding("e001", "Workload", "ben", "challenge", "PSWs"))
        for _ in range(50):
            await asyncio.sleep(0.1)
            await pilot.pause()
            if app.screen.query_one("#codings").option_count > shown:
                break
        await settle(pilot, app)
        assert app.screen.query_one("#codings").option_count == shown + 1

    drive(app, script)
    project.close()
