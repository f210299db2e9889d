"""The app's writes: one queue in key order, one worker thread, and nothing lost on the way.

A change is on screen the moment its key is pressed (the session lays it over what was read:
`Session.stage`, `Session.shown`); this queue then sends the writes one at a time, in the order
they were made, each one transaction. What can happen to a write, and what the coder sees:

- **saved**: its "saving" mark goes; the status line says what was saved (`✓ …`).
- **refused or failed** (the server's row security, a `UserError`, a read-only database): it is
  taken off the screen (rolled back), a notification says what and why, and it waits in the list
  of changes not saved (`ctrl+r`), to be sent again or dropped. The writes after it still go: each
  is checked by the database as it lands, so one that needed the failed one (a note on a coding
  that was refused) fails loudly in its turn and joins the list; none assumes silently.
- **the connection dropped** (or SQLite stayed locked): the write and every one after it stay on
  screen, marked as waiting, and the queue pauses; it is sent again after 1, 2, 4 … (at most 5)
  seconds until the database answers, then the rest follow in order. A write cut off mid-way may
  have committed; the action knows (`Action.interrupted`) and takes "already so" for done, and the
  store adds a coding by its uuid, so a resend duplicates nothing.

`NothingToDo` (the coding was there already) is no failure: the overlay is dropped and the screen
shows the database's state.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from workbench.core.errors import UserError
from workbench.tui.actions import NothingToDo
from workbench.tui.session import FAILED, SAVED, SAVING, WAITING, Change, Pending

if TYPE_CHECKING:
    from textual.timer import Timer

    from workbench.tui.app import WorkbenchApp
    from workbench.tui.session import Session

RETRY_FIRST = 1.0  # seconds before the first resend after a dropped connection
RETRY_MAX = 5.0


@dataclass(eq=False)
class Write:
    """One queued write: the job (run in the writer thread), the screen's hooks, its overlay record."""

    job: Callable[[Session], Change]
    pending: Pending
    failed: Callable[[Exception], bool] | None = None
    done: Callable[[Change], object] | None = None
    finished: list[bool] = field(default_factory=list)  # set once the keys held for it may go


class Writer:
    """The queue, its worker and the changes not saved (see the module docstring)."""

    def __init__(self, app: WorkbenchApp) -> None:
        self.app = app
        self.queue: deque[Write] = deque()
        self.failed: list[Write] = []
        self._lock = threading.Lock()
        self._running = False
        self.lost = ""  # why the connection is down ("" while it is up)
        self._delay = RETRY_FIRST
        self._timer: Timer | None = None

    @property
    def busy(self) -> bool:
        """True while writes are queued, running or waiting for the connection."""
        return self._running or bool(self.queue)

    def put(self, write: Write) -> None:
        with self._lock:
            self.queue.append(write)
            if self._running or self.lost:
                return
            self._running = True
        # The worker starts once the frame showing the change is painted: a near database answers
        # within milliseconds, and the write's Python would otherwise take the interpreter from
        # that frame (≈ 20 ms of the key's 50).
        self.app.call_after_refresh(self._start)

    def _start(self) -> None:
        self.app.run_worker(self._drain, thread=True, group="writer", exit_on_error=False)

    # ----- the worker thread -----------------------------------------------------------------
    def _drain(self) -> None:
        from workbench.store.retry import connection_lost

        while True:
            with self._lock:
                if not self.queue:
                    self._running = False
                    return
                write = self.queue[0]
            try:
                change = write.job(self.app.session)
            except Exception as e:  # noqa: BLE001 — every failure is shown and kept, never a crash
                if connection_lost(e):
                    with self._lock:
                        self._running = False
                        self.lost = _first_line(e)
                    self.app.from_thread(self._connection_lost)
                    return
                with self._lock:
                    self.queue.popleft()
                self.app.from_thread(self._failed, write, e)
            else:
                with self._lock:
                    self.queue.popleft()
                    back, self.lost = bool(self.lost), ""
                self.app.from_thread(self._saved, write, change, back)

    # ----- the main thread -------------------------------------------------------------------
    def _saved(self, write: Write, change: Change, back: bool) -> None:
        session = self.app.session
        session.settle(write.pending, SAVED, seq=change.seq)
        if back:
            self._reconnected()
        self.app.saved(change, write.done)
        write.finished.append(True)

    def _failed(self, write: Write, error: Exception) -> None:
        session = self.app.session
        p = write.pending
        write.finished.append(True)
        if write.failed is not None and write.failed(error):  # the screen dealt with it
            session.drop(p)
            self.app.show_unsaved(p.excerpt)
            return
        if isinstance(error, NothingToDo):
            session.drop(p)
            self.app.show_unsaved(p.excerpt)
            self.app.notify(str(error), title="Nothing changed")
            return
        reason = str(error) if isinstance(error, UserError) else _first_line(error)
        session.settle(p, FAILED, reason)
        self.failed.append(write)
        self.app.show_unsaved(p.excerpt)
        if not isinstance(error, UserError):
            self.app.log.error("write failed", error)
        self.app.notify(f"{p.what}: {reason[:200]}\nTaken off the screen; the database is unchanged by it and nothing "
                        "saved before is lost. ctrl+r sends it again or drops it.",
                        title="Not saved", severity="error", timeout=12)

    def _connection_lost(self) -> None:
        first = self._timer is None and self._delay == RETRY_FIRST
        for write in list(self.queue):
            self.app.session.settle(write.pending, WAITING, self.lost)
            write.finished.append(True)  # keys held for it go on: it is kept, not lost
        self.app.show_unsaved(self.queue[0].pending.excerpt if self.queue else None)
        if first:
            self.app.notify(f"{self.lost[:200]}\n{len(self.queue)} change(s) kept on screen; they are sent again, "
                            "in order, as soon as the database answers.", title="Connection lost",
                            severity="warning", timeout=10)
        self._timer = self.app.set_timer(self._delay, self._resume)
        self._delay = min(self._delay * 2, RETRY_MAX)

    def _resume(self) -> None:
        self._timer = None
        with self._lock:
            if self._running or not self.queue:
                return
            self._running = True
        self._start()

    def _reconnected(self) -> None:
        self._delay = RETRY_FIRST
        for write in self.queue:
            self.app.session.settle(write.pending, SAVING)
        self.app.notify("The connection is back; the changes kept are being sent.", title="Connected")

    # ----- what the coder does with a failed write -------------------------------------------
    def resend(self, write: Write) -> None:
        """Send a failed write again (at the end of the queue: after what was typed since)."""
        if write in self.failed:
            self.failed.remove(write)
            self.app.session.settle(write.pending, SAVING)
            self.app.show_unsaved(write.pending.excerpt)
            self.put(Write(write.job, write.pending, write.failed, write.done))

    def drop(self, write: Write) -> None:
        """Give a failed write up: it leaves the list and the screen for good."""
        if write in self.failed:
            self.failed.remove(write)
            self.app.session.drop(write.pending)
            self.app.show_unsaved(write.pending.excerpt)

    def unsaved_count(self) -> int:
        return len(self.queue) + len(self.failed)

    def describe(self) -> str:
        """The status line's word on writes not yet saved ("" when there are none)."""
        parts = []
        if self.failed:
            parts.append(f"⚠ {len(self.failed)} not saved (ctrl+r)")
        if self.lost and self.queue:
            parts.append(f"⚠ connection lost: {len(self.queue)} waiting, resent when it answers")
        elif self.queue:
            parts.append(f"⧗ saving {len(self.queue)}…")
        return " · ".join(parts)


def _first_line(error: BaseException) -> str:
    text = str(getattr(error, "orig", None) or error).strip()
    return text.splitlines()[0] if text else type(error).__name__
