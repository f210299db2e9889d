"""Keys applied one at a time, in order, each to the screen it was typed for.

Textual hands a key to the focused widget's queue and takes the next key at once. A key that
opens a dialog (`a`) therefore runs its binding only after the keys typed behind it have gone to
the old screen's widgets (where `e` wrote a note and `u` moved the list), and an Enter that
dismisses a dialog can reach that dialog again after it was popped (which popped the screen
below it: the app ended with "Can't pop screen"). Coders type bursts by muscle memory, so every
key waits here until everything the previous key set off has settled — its handlers, the
messages they posted, a screen it pushed or popped (composed, mounted, focused) — and until no
action has asked to hold the keys (an action waiting for the excerpt it acts on). Then it is
handed to Textual as if it had just been typed, to whatever now has focus.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from time import monotonic
from typing import TYPE_CHECKING, Any, TypeVar

from textual import events, messages
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey, FooterLabel

if TYPE_CHECKING:
    from textual.app import App

T = TypeVar("T")
_COSMETIC = (Footer, FooterKey, FooterLabel)
_DRAWING = (messages.Update, messages.Layout, messages.UpdateScroll, messages.Prompt, events.Resize)
SETTLE_CAP = 10.0  # seconds: a key is never kept longer by a widget that does not settle (a safety valve
#   only: on a machine so busy that a dialog takes seconds to open, releasing early would lose keys)
HOLD_CAP = 30.0  # seconds: nor by a hold whose condition never turns (a read that hangs)


class KeyQueue:
    """The app's queue of typed keys (see the module docstring for why)."""

    def __init__(self, app: App[Any]) -> None:
        self.app = app
        self.keys: deque[events.Key] = deque()
        self._released: set[int] = set()
        self._holds: list[tuple[float, Callable[[], bool]]] = []
        self._task: asyncio.Task[None] | None = None

    # ----- the app's side ---------------------------------------------------------------------
    def take(self, event: events.Event) -> bool:
        """True when the app must not handle `event` now: a typed key, queued for its turn."""
        if not isinstance(event, events.Key) or event.is_forwarded:
            return False
        if id(event) in self._released:
            self._released.discard(id(event))
            return False
        self.keys.append(events.Key(event.key, event.character))
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._feed())
        return True

    @property
    def pending(self) -> int:
        """Keys typed but not yet handed on (tests and the benchmark wait for 0)."""
        return len(self.keys) + (0 if self._task is None or self._task.done() else 1)

    def take_line(self, accept: Callable[[str], T | None]) -> T | None:
        """Hand `accept` the text of the keys queued next if they are characters ended by Enter —
        what a text box opened now would hold when that Enter reached it — and take those keys off
        the queue if it answers (not None). Nothing is taken when an Enter is not queued yet or
        another key comes first (an arrow, Backspace, Escape, Tab: the dialog is needed for those).
        For a dialog whose answer follows from its text alone: the burst `a role Enter` then
        costs no dialog composed, focused, painted and popped (most of the time a burst took)."""
        text: list[str] = []
        for n, key in enumerate(self.keys, start=1):
            if key.key == "enter":
                result = accept("".join(text))
                if result is not None:
                    for _ in range(n):
                        self.keys.popleft()
                return result
            if not key.is_printable or key.character is None:
                return None
            text.append(key.character)
        return None

    def hold_while(self, holding: Callable[[], bool]) -> None:
        """Keep the following keys back while `holding()` is true: an action is waiting for data
        it needs (a read in a worker, a save before its dialog closes). A condition rather than a
        count, so a worker cancelled before it ever ran cannot leave the keys held."""
        self._holds.append((monotonic(), holding))

    def held(self) -> bool:
        now = monotonic()
        self._holds = [(t, h) for t, h in self._holds if now - t < HOLD_CAP and h()]
        return bool(self._holds)

    # ----- feeding ----------------------------------------------------------------------------
    async def _feed(self) -> None:
        try:
            await self._feed_keys()
        except Exception as e:  # noqa: BLE001 — a fault here must not strand the keys behind it
            self.app.log.error("key queue", e)
            while self.keys:  # handed on as they are, marked so that `take` lets them through
                key = self.keys.popleft()
                self._released.add(id(key))
                self.app.post_message(key)

    async def _feed_keys(self) -> None:
        # One loop, so that keys typed while the last one settles are fed too (a check after a final
        # settle outside the loop missed them: the web driver delivers keys in such trickles).
        while True:
            await self._settle()
            if not self.keys:
                return
            key = self.keys.popleft()
            self._released.add(id(key))
            key.set_sender(self.app)
            self.app.post_message(key)
            await asyncio.sleep(0)

    async def _settle(self) -> None:
        start = monotonic()
        spins = 0
        while True:
            if self.app._closing or self.app._closed:  # the app is going: nothing left to type into
                self.keys.clear()
                return
            held = self.held()
            if not held and not self._busy():
                return
            if not held and monotonic() - start > SETTLE_CAP:
                self.app.log.warning("key queue: the app did not settle; handing the key on")
                return
            spins += 1
            await asyncio.sleep(0 if spins < 20 else 0.002)

    def _busy(self) -> bool:
        """True while the app, or a widget of the screen the next key goes to, has messages queued,
        is still being mounted, or has callbacks due. A pump handles its whole queue without
        yielding to the event loop unless a handler waits on something (a mount: seen here as a
        pump not yet mounted), so "every queue empty" means that everything the last key set off has
        run. Screens below the top one, and the footer's keys (rebuilt on every focus change, only
        drawing), cannot change where the next key goes, so they are not waited for; nor are
        repaints (a key need not wait for the frame of the one before: frames coalesce)."""
        app = self.app
        if app._message_queue.values or app._next_callbacks:  # (the app's loop is not a task of its own)
            return True
        try:
            screen = app.screen
        except Exception:  # noqa: BLE001 — no screen yet: nothing to wait for
            return False
        if getattr(screen, "_callbacks", None):
            return True
        for pump in app._registry:
            if pump._closed or pump._closing or pump._task is None or isinstance(pump, _COSMETIC):
                continue
            if pump is not screen and _screen_of(pump) is not screen:
                continue
            if not pump._is_mounted or pump._next_callbacks:
                return True
            if any(not isinstance(m, _DRAWING) for m in pump._message_queue.values):
                return True
        return False


def _screen_of(node: Any) -> Any:
    while node is not None and not isinstance(node, Screen):
        node = node._parent
    return node
