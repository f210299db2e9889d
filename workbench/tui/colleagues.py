"""Colleagues' changes on screen without reopening: a poll on SQLite, LISTEN/NOTIFY on a server.

Both watch one number, the newest audit entry written by someone else
(`collab.data_version(others_than=…)`): our own saves never move it, so a colleague's change made
in the same second as ours is never mistaken for one of ours. When it moves, the codebook and my
list marks are read again and the screens told.

- SQLite: one indexed lookup every `poll_seconds` (5 s), on a timer.
- A server: a `ChangeWatcher` (store/server_watch.py) — its own connection, LISTENing, in a thread
  of its own — hears of a change within milliseconds and the number is read then; no timer, no
  round trip every five seconds. If the watcher's connection drops, the thread polls once and
  connects again every `poll_seconds` until it can listen (what was missed meanwhile is read); on a
  server set up before init-server added the trigger, it polls every `poll_seconds` as on SQLite.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from workbench.tui.messages import DataChanged

if TYPE_CHECKING:
    from workbench.tui.app import WorkbenchApp


class Colleagues:
    """What the app does to notice other coders' work (see the module docstring)."""

    def __init__(self, app: WorkbenchApp, poll_seconds: float) -> None:
        self.app = app
        self.poll_seconds = poll_seconds
        self.version: int | None = None
        self.listening = False  # a watcher is connected (tests wait for it)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def me(self) -> str:
        """Whose audit entries are ours: the server writes the login as actor, SQLite the coder."""
        project = self.app.project
        if project.is_sqlite:
            return self.app.coder or ""
        return project.engine.url.username or self.app.coder or ""

    def baseline(self) -> int:
        """Read (in the load's worker) before the project is loaded: what a colleague saves while we
        load is then noticed rather than taken for what we already show."""
        return self.app.project.collab.data_version(others_than=self.me)

    def start(self, version: int | None) -> None:
        self.version = version
        if self.poll_seconds <= 0:
            return
        if self.app.project.is_sqlite:
            self.app.set_interval(self.poll_seconds, self.check)
            return
        self._thread = threading.Thread(target=self._listen, daemon=True, name="workbench-listen")
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(2)

    def _listen(self) -> None:
        from workbench.store.server_watch import ChangeWatcher

        url = self.app.project.engine.url.render_as_string(hide_password=False)
        while not self._stop.is_set():
            try:
                watcher = ChangeWatcher(url)
            except Exception:  # noqa: BLE001 — the server is away: poll, and try again later
                self.app.from_thread(self.check)
                self._stop.wait(self.poll_seconds)
                continue
            self.listening = True
            self.app.from_thread(self.check)  # anything missed while not listening
            try:
                announced, quiet = watcher.announced(), 0.0
                while not self._stop.is_set():
                    if watcher.wait(1.0):
                        self.app.from_thread(self.check)
                    elif not announced:  # no trigger on this server (init-server not re-run): poll
                        quiet += 1.0
                        if quiet >= self.poll_seconds:
                            quiet = 0.0
                            self.app.from_thread(self.check)
            except Exception:  # noqa: BLE001 — the connection dropped: connect again
                self._stop.wait(min(self.poll_seconds, 1.0))
            finally:
                self.listening = False
                try:
                    watcher.close()
                except Exception:  # noqa: BLE001, S110 — closing a broken connection may fail too
                    pass

    # ----- main thread -----------------------------------------------------------------------
    def check(self) -> None:
        if self.app.ready:
            self.app.fetch(lambda: self.app.project.collab.data_version(others_than=self.me), self._checked,
                           group="poll")

    def _checked(self, version: int) -> None:
        if self.version is None:
            self.version = version
            return
        if version == self.version:
            return
        self.version = version
        app, session = self.app, self.app.session

        def reread() -> None:
            session.load_codebook()
            if session.index is not None:
                coded, nothing = app.project.workspace.coded_keys(session.coder)
                session.index.refresh_states(coded, nothing)

        def show(_none: None) -> None:
            for p in session.unsaved():  # my changes on their way still show as made
                session.restate(p.excerpt)
            kinds = frozenset({"codings", "codebook", "summaries", "memos"})
            for kind in kinds:
                app.versions[kind] += 1
            app.notify_screens(DataChanged(kinds))

        app.fetch(reread, show, group="poll-reload")
