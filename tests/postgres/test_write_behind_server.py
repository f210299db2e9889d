"""The app's write-behind against a real server (issue 19): the server refuses a write (rolled back
on screen, offered again); the connection drops mid-queue or loses a write's answer (nothing
acknowledged is lost, nothing lands twice); the saving mark, then saved; a colleague's coding
heard through LISTEN/NOTIFY. The app connects through benchmarks/delay_proxy.py where the network
must fail: it cuts every connection, or lets a statement through and drops its answer."""

from __future__ import annotations

import asyncio
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import make_url
from textual.widgets import OptionList

from workbench.core.model import Coding
from workbench.store.api import Project

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))

from delay_proxy import Proxy  # noqa: E402


def _app(project: Project, coder: str, **options: Any) -> Any:
    from workbench.tui.app import make_app

    options.setdefault("poll_seconds", 0)
    return make_app(project, coder, "server", clock=lambda: datetime(2024, 3, 1, 9, 30), **options)


async def _until(pilot: Any, cond: Callable[[], bool], seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        await pilot.pause()
        if cond():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("condition not met in time")


async def _settle(pilot: Any, app: Any) -> None:
    await _until(pilot, lambda: app.ready and not app.busy and not app.keys.pending
                 and not [w for w in app.workers if w.is_running])
    await pilot.pause()


def _drive(app: Any, script: Callable[[Any], Any]) -> None:
    async def main() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await _settle(pilot, app)
            await script(pilot)

    asyncio.run(main())


def _shown(app: Any) -> list[str]:
    ol = app.screen.query_one("#codings", OptionList)
    return [str(ol.get_option_at_index(i).prompt) for i in range(ol.option_count)]


def _codings(url: str, coder: str) -> list[tuple[str, str, str]]:
    with Project.open(None, url) as admin:
        return sorted((c.excerpt, c.subtheme, c.note) for c in admin.records.codings([coder]))


def _audit(url: str, actor: str) -> list[str]:
    with Project.open(None, url) as admin:
        return [e["action"] for e in admin.audit_log(1000) if e["actor"] == actor]


@pytest.fixture
def far(team) -> Iterator[tuple[str, str, Proxy, str]]:  # type: ignore[no-untyped-def]
    """amira's login, her URL through a proxy that can fail, the proxy, and the server's own URL
    (the test looks at the database directly, never through the proxy it breaks)."""
    amira, url = team.login("amira")
    u = make_url(url)
    with Proxy(u.host or "127.0.0.1", u.port or 5432, 0.001) as proxy:
        yield amira, u.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False), proxy, team.url


def _hold_codings(project: Project) -> threading.Event:
    """Hold every coding write until the returned event is set (at most 20 s)."""
    gate = threading.Event()
    add = project.records.add_coding

    def held(coding: Any, actor: Any = None) -> str:
        gate.wait(20)
        return add(coding, actor)

    project.records.add_coding = held  # type: ignore[method-assign]
    return gate


def test_a_write_the_server_refuses_is_rolled_back_and_offered_again(team) -> None:  # type: ignore[no-untyped-def]
    """The app codes as ben under amira's login: row security refuses. The coding leaves the screen,
    the reason is shown, ctrl+r offers it again (sent again: refused again, still offered), d drops it."""
    amira, url = team.login("amira")
    before = _codings(team.url, "ben")  # (ben is one of the example's coders)
    with Project.open(None, url) as project:
        app = _app(project, "ben")

        async def script(pilot: Any) -> None:
            await pilot.press("a", *"bound", "enter")
            await _settle(pilot, app)
            assert not any("Boundaries" in c for c in _shown(app))
            refusals = [n.message for n in app._notifications if "the server refused" in n.message]
            assert len(refusals) == 1 and "ctrl+r" in refusals[0]
            assert [w.pending.what for w in app.writer.failed] == ["code e001 with Boundaries (benefit, PSWs)"]
            await pilot.press("ctrl+r")
            await _until(pilot, lambda: type(app.screen).__name__ == "Unsaved")
            await pilot.press("r")  # sent again: the server still says no, and it is offered still
            await _settle(pilot, app)
            assert len([n for n in app._notifications if "the server refused" in n.message]) == 2
            assert len(app.writer.failed) == 1
            assert not any("Boundaries" in c for c in _shown(app))
            await pilot.press("ctrl+r")
            await _until(pilot, lambda: type(app.screen).__name__ == "Unsaved")
            await pilot.press("d")
            await _settle(pilot, app)
            assert app.writer.failed == [] and app.session.unsaved() == []

        _drive(app, script)
    assert _codings(team.url, "ben") == before
    assert "code" not in _audit(team.url, amira)


def test_a_connection_dropped_mid_queue_loses_nothing(far) -> None:  # type: ignore[no-untyped-def]
    """Three codings and a note queued; the first write is under way when the network goes. All four
    wait on screen; once the network is back they land in order, each exactly once."""
    amira, url, proxy, direct = far
    with Project.open(None, url) as project:
        app = _app(project, amira)
        gate = _hold_codings(project)

        async def script(pilot: Any) -> None:
            await pilot.press("a", *"bound", "enter", "a", *"workl", "enter", "a", *"role amb", "enter",
                              "e", *"unsure", "enter")
            await _until(pilot, lambda: len(app.session.unsaved()) == 4)
            proxy.cut()
            gate.set()
            await _until(pilot, lambda: bool(app.writer.lost))
            shown = _shown(app)
            assert sum("⧗" in c for c in shown) == 3 and any("Boundaries" in c and "unsure" in c for c in shown)
            await asyncio.sleep(1.5)  # a resend or two, refused while the network is down
            assert app.busy and len(app.writer.queue) == 4
            await pilot.press("escape", "down")  # a read while the network is down: said, not an error
            await _until(pilot, lambda: any(n.title == "Cannot read" for n in app._notifications))
            assert not [n for n in app._notifications if n.severity == "error"]
            proxy.restore()
            await _until(pilot, lambda: not app.busy)
            await _settle(pilot, app)
            assert not any("⧗" in c for c in _shown(app))
            assert app.writer.failed == []

        _drive(app, script)
    assert _codings(direct, amira) == [("e001", "Boundaries", "unsure"), ("e001", "Role ambiguity", ""),
                                       ("e001", "Workload", "")]
    assert sorted(_audit(direct, amira)) == ["code", "code", "code", "note"]


def test_a_write_whose_answer_is_lost_is_resent_and_lands_once(far) -> None:  # type: ignore[no-untyped-def]
    """The coding's statement reaches the server and commits, but its answer never comes back; the
    connection then drops. The app cannot know it committed: it resends when the network returns,
    and the server keeps one coding and one audit entry."""
    amira, url, proxy, direct = far
    with Project.open(None, url) as project:
        app = _app(project, amira)

        async def script(pilot: Any) -> None:
            proxy.mute_on = b"workbench_log"  # the one-statement coding (store/server_writes.py)
            await pilot.press("a", *"bound", "enter")
            for _ in range(200):  # the server has it; the app is still waiting for the answer
                if _codings(direct, amira):
                    break
                await asyncio.sleep(0.05)
            assert _codings(direct, amira) == [("e001", "Boundaries", "")]
            assert app.busy and any("⧗" in c and "Boundaries" in c for c in _shown(app))
            proxy.cut()
            await _until(pilot, lambda: bool(app.writer.lost))
            proxy.restore()
            await _until(pilot, lambda: not app.busy)
            await _settle(pilot, app)
            assert [c for c in _shown(app) if "Boundaries" in c] and not any("⧗" in c for c in _shown(app))
            assert app.acknowledged and app.acknowledged[-1].message.startswith("coded e001 with Boundaries")

        _drive(app, script)
    assert _codings(direct, amira) == [("e001", "Boundaries", "")]
    assert _audit(direct, amira) == ["code"]


def test_the_saving_mark_then_saved_on_the_server(team) -> None:  # type: ignore[no-untyped-def]
    """While the write is held back the coding is listed with ⧗ and the server has nothing; then the
    server has it and the mark is gone."""
    amira, url = team.login("amira")
    with Project.open(None, url) as project:
        app = _app(project, amira)
        gate = _hold_codings(project)

        async def script(pilot: Any) -> None:
            await pilot.press("a", *"bound", "enter")
            await _until(pilot, lambda: any("⧗ saving" in c and "Boundaries" in c for c in _shown(app)))
            assert _codings(team.url, amira) == []
            gate.set()
            await _settle(pilot, app)
            assert _codings(team.url, amira) == [("e001", "Boundaries", "")]
            assert [c for c in _shown(app) if "Boundaries" in c] and not any("⧗" in c for c in _shown(app))

        _drive(app, script)


def test_a_colleagues_coding_appears_through_listen_notify(team) -> None:  # type: ignore[no-untyped-def]
    """ben's app listens (no poll: poll_seconds is a minute); amira codes e001 from her own connection;
    it is on ben's screen within 5 s."""
    amira, amira_url = team.login("amira")
    ben, ben_url = team.login("ben")
    with Project.open(None, team.url) as admin:
        admin.set_setting("blind", "0")
    with Project.open(None, ben_url) as project:
        app = _app(project, ben, poll_seconds=60)

        async def script(pilot: Any) -> None:
            await _until(pilot, lambda: app.colleagues.listening)
            await _settle(pilot, app)
            assert not any(amira in c for c in _shown(app))
            with Project.open(None, amira_url) as theirs:
                started = time.monotonic()
                theirs.records.add_coding(Coding("e001", "Workload", amira, "challenge", "PSWs"))
            await _until(pilot, lambda: any(amira in c and "Workload" in c for c in _shown(app)), seconds=5)
            assert time.monotonic() - started < 5

        _drive(app, script)


def test_a_server_that_does_not_announce_is_polled(pg_example_url: str) -> None:
    """A database without init-server's trigger: the app hears nothing, so it polls (here every
    second) and a colleague's coding still shows."""
    with Project.open(None, pg_example_url) as project:
        project.set_setting("blind", "0")
        app = _app(project, "tess", poll_seconds=1)

        async def script(pilot: Any) -> None:
            await _until(pilot, lambda: app.colleagues.listening)
            with Project.open(None, pg_example_url) as theirs:
                theirs.records.add_coding(Coding("e001", "Workload", "zoe", "challenge", "PSWs"))
            await _until(pilot, lambda: any("zoe" in c and "Workload" in c for c in _shown(app)), seconds=8)

        _drive(app, script)


def test_the_listening_connection_comes_back_after_it_is_cut(team) -> None:  # type: ignore[no-untyped-def]
    """The server ends ben's listening connection (pg_terminate_backend); amira codes meanwhile;
    the app connects again, reads what it missed, and listens on."""
    from sqlalchemy import text

    amira, amira_url = team.login("amira")
    ben, ben_url = team.login("ben")
    with Project.open(None, team.url) as admin:
        admin.set_setting("blind", "0")
    with Project.open(None, ben_url) as project:
        app = _app(project, ben, poll_seconds=60)

        async def script(pilot: Any) -> None:
            await _until(pilot, lambda: app.colleagues.listening)
            await _settle(pilot, app)
            with Project.open(None, team.url) as admin, admin.engine.connect() as conn:
                ended = conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                          "WHERE usename = :u AND application_name = 'workbench-listen'"),
                                     {"u": ben}).all()
            assert ended == [(True,)]
            with Project.open(None, amira_url) as theirs:
                theirs.records.add_coding(Coding("e001", "Workload", amira, "challenge", "PSWs"))
            await _until(pilot, lambda: any(amira in c and "Workload" in c for c in _shown(app)), seconds=8)
            await _until(pilot, lambda: app.colleagues.listening)
            with Project.open(None, amira_url) as theirs:
                theirs.records.add_coding(Coding("e001", "Boundaries", amira, "benefit", "PSWs"))
            await _until(pilot, lambda: any(amira in c and "Boundaries" in c for c in _shown(app)), seconds=5)

        _drive(app, script)
