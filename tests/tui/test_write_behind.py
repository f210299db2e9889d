"""The app's write-behind on SQLite (issue 19): a change is on screen before it is saved, marked
as saving; a refused write is taken off the screen and offered again; a write whose connection
fails is kept and sent again, in order, exactly once. The store is slowed down or made to fail by
wrapping its own methods (a fake around the real project), so what lands is the real database's."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy.exc import OperationalError
from textual.widgets import OptionList
from tui_helpers import drive, make, settle

from workbench.core.errors import UserError
from workbench.tui.excerpt_index import CODED, UNCODED
from workbench.tui.widgets.chrome import StatusBar


def mine(project: Any) -> list[tuple[str, str]]:
    return [(c.excerpt, c.subtheme) for c in project.records.codings(["tess"])]


def codings_shown(app: Any) -> list[str]:
    ol = app.screen.query_one("#codings", OptionList)
    return [str(ol.get_option_at_index(i).prompt) for i in range(ol.option_count)]


def status(app: Any) -> str:
    return str(app.screen.query_one(StatusBar).render())


async def until(pilot: Any, cond: Callable[[], bool], seconds: float = 10) -> None:
    for _ in range(int(seconds / 0.02)):
        await pilot.pause()
        if cond():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("condition not met in time")


def test_a_coding_shows_at_once_marked_saving_then_saved(example_project) -> None:
    """The write is held back: the coding is already listed (⧗ saving), the excerpt marked ✓ and the
    status line counts it, while the database has nothing; once let through, the mark goes."""
    app = make(example_project)
    gate = threading.Event()
    add = example_project.records.add_coding

    def held(coding: Any, actor: Any = None) -> str:
        gate.wait(10)
        return add(coding, actor)

    example_project.records.add_coding = held

    async def script(pilot: Any) -> None:
        await pilot.press("a", *"bound", "enter")
        await until(pilot, lambda: any("Boundaries" in c for c in codings_shown(app)))
        assert any("⧗ saving" in c and "Boundaries" in c for c in codings_shown(app))
        assert app.session.index.state[app.session.index.position["e001"]] == CODED
        assert "⧗ saving 1" in status(app)
        assert mine(example_project) == []  # nothing written yet
        gate.set()
        await settle(pilot, app)
        assert mine(example_project) == [("e001", "Boundaries")]
        shown = [c for c in codings_shown(app) if "Boundaries" in c]
        assert len(shown) == 1 and "⧗" not in shown[0]
        assert "✓ 09:30:00 coded e001 with Boundaries" in status(app)
        assert app.session.unsaved() == []

    drive(app, script)


def test_a_refused_coding_is_rolled_back_and_sent_again(example_project) -> None:
    """The store refuses the first attempt: the coding leaves the screen, the notification says why
    and how to send it again; ctrl+r, r sends it again and it is saved once. A second refusal,
    dropped with d, stays off the screen and out of the database."""
    app = make(example_project)
    add = example_project.records.add_coding
    refusals = [1]

    def refusing(coding: Any, actor: Any = None) -> str:
        if refusals:
            refusals.pop()
            raise UserError("the server refused: a test said no")
        return add(coding, actor)

    example_project.records.add_coding = refusing

    async def script(pilot: Any) -> None:
        await pilot.press("a", *"bound", "enter")
        await settle(pilot, app)
        assert not any("Boundaries" in c for c in codings_shown(app))
        assert app.session.index.state[0] == UNCODED
        errors = [n.message for n in app._notifications if n.severity == "error"]
        assert any("a test said no" in m and "ctrl+r" in m for m in errors), errors
        assert "1 not saved (ctrl+r)" in status(app)
        assert mine(example_project) == []
        await pilot.press("ctrl+r")
        await until(pilot, lambda: type(app.screen).__name__ == "Unsaved")
        assert "code e001 with Boundaries" in str(app.screen.query_one(OptionList).get_option_at_index(0).prompt)
        await pilot.press("r")
        await settle(pilot, app)
        assert mine(example_project) == [("e001", "Boundaries")]
        assert "not saved" not in status(app)
        assert [e["action"] for e in example_project.audit_log(5)].count("code") == 1

        refusals.append(1)
        await pilot.press("a", *"work", "enter")
        await settle(pilot, app)
        assert len(app.writer.failed) == 1
        await pilot.press("ctrl+r")
        await until(pilot, lambda: type(app.screen).__name__ == "Unsaved")
        await pilot.press("d")
        await settle(pilot, app)
        assert app.writer.failed == [] and app.session.unsaved() == []
        assert mine(example_project) == [("e001", "Boundaries")]
        assert not any("Workload" in c for c in codings_shown(app))

    drive(app, script)


def test_a_lost_connection_keeps_the_writes_and_resends_them_once_in_order(example_project) -> None:
    """The database cannot be reached for a while (SQLite locked: the same path as a server's
    dropped connection): a coding, a note on it and a second coding wait on screen, marked, and the
    queue pauses; when the database answers they land in order, each once."""
    app = make(example_project)
    add = example_project.records.add_coding
    down = threading.Event()
    down.set()
    tries: list[str] = []

    def flaky(coding: Any, actor: Any = None) -> str:
        tries.append(coding.subtheme)
        if down.is_set():
            raise OperationalError("INSERT", {}, sqlite3.OperationalError("database is locked"))
        return add(coding, actor)

    example_project.records.add_coding = flaky

    async def script(pilot: Any) -> None:
        await pilot.press("a", *"bound", "enter", "e", *"unsure", "enter", "a", *"work", "enter")
        await until(pilot, lambda: bool(app.writer.lost))
        await until(pilot, lambda: "connection lost: 3 waiting" in status(app))
        shown = codings_shown(app)
        assert any("Boundaries" in c and "unsure" in c and "⧗" in c for c in shown), shown
        assert any("Workload" in c and "⧗" in c for c in shown), shown
        assert mine(example_project) == []
        assert app.busy
        down.clear()
        await until(pilot, lambda: not app.busy, seconds=15)
        await settle(pilot, app)
        assert [(c.subtheme, c.note) for c in example_project.records.codings(["tess"])] == [
            ("Boundaries", "unsure"), ("Workload", "")]
        actions = [e["action"] for e in reversed(example_project.audit_log(10))]
        assert actions[-3:] == ["code", "note", "code"]
        assert tries.count("Boundaries") >= 2  # it was really sent again
        assert not any("⧗" in c for c in codings_shown(app))
        assert "connection lost" not in status(app)

    drive(app, script)


def test_quitting_with_a_change_not_saved_asks_twice(example_project) -> None:
    """ctrl+q with a refused change waiting says so and stays; a second ctrl+q quits."""
    app = make(example_project)

    def refusing(coding: Any, actor: Any = None) -> str:
        raise UserError("the server refused: no")

    example_project.records.add_coding = refusing

    async def script(pilot: Any) -> None:
        await pilot.press("a", *"bound", "enter")
        await settle(pilot, app)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app.is_running
        assert any("not saved yet" in n.message for n in app._notifications)
        await pilot.press("ctrl+q")
        await pilot.pause(0.2)
        assert not app.is_running

    drive(app, script)


def test_undo_and_redo_show_at_once(example_project) -> None:
    """ctrl+z takes the coding off the screen before the removal is written, ctrl+y puts it back;
    also straight after `a … Enter`, while the coding itself is still on its way."""
    app = make(example_project)
    gate = threading.Event()
    gate.set()
    remove, add = example_project.records.remove_coding, example_project.records.add_coding

    def held_remove(uuid: str, actor: str) -> Any:
        gate.wait(10)
        return remove(uuid, actor)

    def held_add(coding: Any, actor: Any = None) -> str:
        gate.wait(10)
        return add(coding, actor)

    example_project.records.remove_coding = held_remove
    example_project.records.add_coding = held_add

    async def script(pilot: Any) -> None:
        await pilot.press("a", *"bound", "enter")
        await settle(pilot, app)
        gate.clear()
        await pilot.press("ctrl+z")
        await until(pilot, lambda: not any("Boundaries" in c for c in codings_shown(app)))
        assert mine(example_project) == [("e001", "Boundaries")]  # not written yet
        assert app.session.index.state[0] == UNCODED
        gate.set()
        await settle(pilot, app)
        assert mine(example_project) == []
        gate.clear()
        await pilot.press("ctrl+y")
        await until(pilot, lambda: any("⧗" in c and "Boundaries" in c for c in codings_shown(app)))
        assert mine(example_project) == []
        gate.set()
        await settle(pilot, app)
        assert mine(example_project) == [("e001", "Boundaries")]
        gate.clear()
        await pilot.press("a", *"work", "enter", "ctrl+z")  # undo what is still on its way
        await until(pilot, lambda: app.session.unsaved() and len(app.session.unsaved()) == 2)
        assert not any("Workload" in c for c in codings_shown(app))
        gate.set()
        await settle(pilot, app)
        assert mine(example_project) == [("e001", "Boundaries")]
        assert not any("Workload" in c for c in codings_shown(app))

    drive(app, script)
