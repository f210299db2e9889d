"""The workbench terminal app: five screens (modes) over one project, one coder's session.

The app owns the two doors to the database: `fetch` (read in a worker thread, render on the
main thread) and `save` (a FIFO of writes drained by one worker thread, so actions land in the
order the keys were pressed, each one transaction: tui/writes.py). Screens call these and render
the results; they never touch the store. A change is shown before it is saved, marked as saving;
a failed write is taken off the screen, said, and kept for the coder to send again or drop.
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from textual import events
from textual.app import App, SystemCommand
from textual.await_complete import AwaitComplete
from textual.binding import Binding
from textual.screen import Screen
from textual.theme import Theme
from textual.timer import Timer
from textual.worker import WorkerState, get_current_worker

from workbench.core.errors import UserError
from workbench.tui.actions import Action
from workbench.tui.colleagues import Colleagues
from workbench.tui.keys import KeyQueue
from workbench.tui.messages import DataChanged, OpenExcerpt
from workbench.tui.screens import SCREENS
from workbench.tui.session import Change, Session
from workbench.tui.writes import Write, Writer

if TYPE_CHECKING:
    from workbench.store.api import Project

T = TypeVar("T")

HIGH_CONTRAST = Theme(
    name="workbench-high-contrast", primary="#ffff00", secondary="#00ffff", accent="#ffff00",
    foreground="#ffffff", background="#000000", surface="#000000", panel="#262626", boost="#333333",
    warning="#ffaf00", error="#ff8787", success="#87ff87", dark=True,
)
DEFAULT_THEME = "textual-dark"
FIRST_PAGE = 200  # excerpts painted before the whole index has loaded (a tall terminal shows < 100)


class WorkbenchApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "workbench"
    BINDINGS = [
        Binding("question_mark", "help", "Help"),
        Binding("ctrl+z", "undo", "Undo"),
        Binding("ctrl+y", "redo", "Redo"),
        Binding("f6", "toggle_contrast", "High contrast on/off", show=False),
        Binding("ctrl+r", "unsaved", "Changes not saved: send again or drop", show=False),
        *[Binding(e.key, f"go('{e.mode}')", f"{e.title} screen", show=False) for e in SCREENS],
    ]

    def __init__(self, project: Project, coder: str | None, label: str = "", *,
                 clock: Callable[[], datetime] = datetime.now, high_contrast: bool = False,
                 save_coder: Callable[[str], None] | None = None, poll_seconds: float = 5.0,
                 remembered_coder: str | None = None) -> None:
        super().__init__()
        self.project = project
        self.coder = coder
        self.label = label or project.setting("name") or "project"
        self.clock = clock
        self.high_contrast = high_contrast
        self.save_coder = save_coder
        self.remembered_coder = remembered_coder  # offered by the prompt, never used unasked
        self.session: Session = None  # type: ignore[assignment]  # set once the coder is known
        self.ready = False
        self.versions: Counter[str] = Counter()
        self.writer = Writer(self)
        self._quit_armed = False
        self.colleagues = Colleagues(self, poll_seconds)
        self._gc_threshold: tuple[int, int, int] | None = None
        self._gc_timer: Timer | None = None
        self._screen_up = False
        self._page: Any = False  # the first page of excerpts (None if unread), until the screen shows it
        self.keys = KeyQueue(self)
        self._load_failed = False
        self.acknowledged: list[Change] = []  # every save the status bar has shown, in order

    # ----- keys ----------------------------------------------------------------------------
    async def on_event(self, event: events.Event) -> None:
        """Typed keys wait in `self.keys` for their turn (tui/keys.py says why)."""
        if self.keys.take(event):
            return
        await super().on_event(event)

    def pop_screen(self) -> AwaitComplete:
        """Never pop the last screen: whatever asks for it (a stale dismiss) gets nothing done."""
        if len(self.screen_stack) <= 1:
            self.log.warning("pop_screen with one screen left: ignored")
            return AwaitComplete.nothing()
        return super().pop_screen()

    # ----- start-up ------------------------------------------------------------------------
    def on_load(self) -> None:
        """Start reading the project before the first screen is even composed."""
        self._quiet_gc()
        if self.coder:
            self.start_session(self.coder)

    async def on_mount(self) -> None:
        self.register_theme(HIGH_CONTRAST)
        if self.high_contrast:
            self.theme = HIGH_CONTRAST.name
        for entry in SCREENS:
            self.add_mode(entry.mode, entry.factory())
        await self.switch_mode("code")  # before any dialog, so the dialog sits on the Code screen
        self._screen_up = True
        if self.session is not None and self.ready:
            self.notify_screens(DataChanged(frozenset({"all"})))
        elif self._page is not False:  # the first page came before the screen: show it, then read the rest
            self._show_first_page()
            self.call_after_refresh(self._start_load)
        elif not self.coder:
            from workbench.tui.screens.dialogs import CoderName

            self.push_screen(CoderName(self.remembered_coder), self._coder_given)

    def _coder_given(self, name: str | None) -> None:
        if not name:
            self.exit(message="no coder name given")
            return
        if self.save_coder is not None:
            save = self.save_coder
            self.fetch(lambda: save(name), lambda _none: None, group="settings")
        self.start_session(name)

    def start_session(self, coder: str) -> None:
        """Read the project; keys typed meanwhile wait until it is read (and are then applied)."""
        self.coder = coder
        self.keys.hold_while(lambda: not self.ready and not self._load_failed)
        self.session = Session(self.project, coder, self.clock)
        session = self.session
        self.fetch(lambda: self._read_first_page(session), self._first_page, group="first-page")

    def _start_load(self) -> None:
        self.fetch(self._load, self._loaded, group="load")

    @staticmethod
    def _read_first_page(session: Session) -> Any:
        try:
            return session.first_page(FIRST_PAGE)
        except Exception:  # noqa: BLE001 — only a head start: the full load reports what is wrong
            return None

    def _first_page(self, page: Any) -> None:
        """Paint the first rows, then read the whole index (≈ 0.2 s sooner on 50,000 excerpts; the
        full read waits for that paint, which it would otherwise slow down, competing for the
        interpreter). Only the list shows the page: `ready` stays False, and whatever needs the
        index waits for it as before."""
        self._page = page
        if self._screen_up:
            self._show_first_page()
            self.call_after_refresh(self._start_load)
        # else on_mount shows it once the first screen exists, then starts the full read

    def _show_first_page(self) -> None:
        from workbench.tui.widgets.excerpt_list import ExcerptList

        page, self._page = self._page, False
        if not page or self.ready:
            return
        for lst in self.screen.query(ExcerptList):
            if lst.index is None:
                lst.set_index(page)
                lst.set_rows(list(range(len(page))))

    def _load(self) -> int | None:
        """Load the session, after reading what colleagues' changes to watch for start from."""
        version = self.colleagues.baseline()
        self.session.load()
        return version

    def _quiet_gc(self) -> None:
        """Start-up builds ~120,000 long-lived objects (widgets, styles, the excerpt index); the cyclic
        garbage collector would scan them again and again (≈ 0.1–0.2 s of the first screen) and,
        later, in a full pass of 35–65 ms in the middle of a keystroke. So: collect rarely while
        starting, and once the first screen is up, freeze what exists (`gc.freeze`: later passes
        skip it) and collect as usual. Undone when the app exits (tests run many apps per process)."""
        if self._gc_threshold is None:
            self._gc_threshold = gc.get_threshold()
            gc.freeze()
            gc.set_threshold(100_000, 50, 100)

    def _settle_gc(self) -> None:
        if self._gc_threshold is not None:
            gc.freeze()
            gc.set_threshold(*self._gc_threshold)

    def collect_when_idle(self) -> None:
        """Collect garbage once the keys pause (0.35 s after the last call), so that a full pass over
        what the session has built up since start (15–35 ms, growing) does not land inside a key."""
        if self._gc_timer is not None:
            self._gc_timer.stop()
        self._gc_timer = self.set_timer(0.35, self._collect)

    def _collect(self) -> None:
        self._gc_timer = None
        gc.collect()

    def on_unmount(self) -> None:
        self.colleagues.stop()
        if self._gc_threshold is not None:
            gc.set_threshold(*self._gc_threshold)
            gc.unfreeze()
            self._gc_threshold = None

    def _loaded(self, version: int | None) -> None:
        self.ready = True
        self.call_after_refresh(self._settle_gc)
        self.colleagues.start(version)
        self.versions["all"] += 1
        if self.screen_stack:  # else on_mount shows it once the first screen exists
            self.notify_screens(DataChanged(frozenset({"all"})))

    # ----- reading and writing -------------------------------------------------------------
    def fetch(self, job: Callable[[], T], then: Callable[[T], object], group: str = "fetch",
              hold_keys: bool = False) -> None:
        """Run `job` in a worker thread and hand its result to `then` on the main thread.

        A newer fetch in the same group supersedes an older one (its result is dropped).
        `hold_keys` keeps the keys typed meanwhile queued until `then` has run (or the read failed
        or was superseded): for an action that needs what is read, so the keys after it act after it.
        """

        def run() -> None:
            worker = get_current_worker()
            try:
                result = job()
            except UserError as e:
                self._load_failed = self._load_failed or group == "load"
                self._from_thread(self.notify, str(e), severity="error")
                return
            except Exception as e:  # noqa: BLE001 — shown to the user, never a crash
                from workbench.store.retry import connection_lost

                self._load_failed = self._load_failed or group == "load"
                if connection_lost(e) and self.ready:
                    self._from_thread(self.notify, "The database does not answer; what you do is kept and saved "
                                      "when it does. Move again to read.", title="Cannot read",
                                      severity="warning")
                else:
                    self._from_thread(self._failed, "Could not read the project", e)
                return
            if not worker.is_cancelled:
                self._from_thread(then, result)  # the worker runs until `then` has returned

        worker = self.run_worker(run, thread=True, exclusive=True, group=group, exit_on_error=False)
        if hold_keys:
            # (a worker superseded before it started stays PENDING for good: cancelled ends the hold)
            self.keys.hold_while(lambda: not worker.is_cancelled
                                 and worker.state in (WorkerState.PENDING, WorkerState.RUNNING))

    def save(self, job: Callable[[Session], Change] | None = None,
             failed: Callable[[Exception], bool] | None = None, done: Callable[[Change], object] | None = None,
             hold_keys: bool = False, *, action: Action | None = None, what: str = "",
             shows: Action | None = None) -> None:
        """Queue a write; one worker drains the queue in order, each job one transaction.

        Given an `action` (a coding, its removal, a note …) the change is on screen at once, marked
        as saving (the session's overlay), before the write has even started. `failed` may take an
        error first (on the main thread); returning True means it was handled. `done` runs on the
        main thread after a successful save. `hold_keys` keeps the keys typed meanwhile queued until
        then (a dialog that closes once its text is saved). `shows`: for a job (an undo) whose change
        is known beforehand, that change, laid over the screen the same way. tui/writes.py says
        what happens to a write that fails or whose connection drops.
        """
        if self.session is None:
            return
        if job is None:
            if action is None:
                raise ValueError("save() needs a job or an action")
            run_action = action
            job = lambda s: s.run(run_action)  # noqa: E731
        laid = action or shows
        write = Write(job, self.session.stage(laid, what, runs=action is not None), failed, done)
        if hold_keys:
            finished = write.finished
            self.keys.hold_while(lambda: not finished)
        if laid is not None:
            self.show_unsaved(laid.excerpt)
        self.writer.put(write)

    @property
    def busy(self) -> bool:
        """True while writes are queued, running or waiting to be resent (tests and the benchmark
        wait on this)."""
        return self.writer.busy

    def show_unsaved(self, excerpt: str | None) -> None:
        """Repaint what the unsaved changes touch (at once, before any write): the screen on show
        lays them over the excerpt; the status line counts them."""
        from workbench.tui.screens.base import WorkbenchScreen

        base = self.screen_stack[0] if self.screen_stack else None
        if isinstance(base, WorkbenchScreen):
            base.show_unsaved(excerpt)
        self.refresh_chrome(base)

    def from_thread(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        self._from_thread(fn, *args, **kwargs)

    def _from_thread(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        try:
            self.call_from_thread(fn, *args, **kwargs)
        except RuntimeError:  # the app is closing
            pass

    def _failed(self, title: str, error: Exception) -> None:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        self.log.error(title, error)
        self.notify(f"{first[:200]}\nThe database is unchanged by this action; nothing saved before is lost.",
                    title=title, severity="error", timeout=12)

    def saved(self, change: Change, done: Callable[[Change], object] | None = None) -> None:
        self.collect_when_idle()
        self.acknowledged.append(change)
        for kind in change.kinds:
            self.versions[kind] += 1
        self.notify_screens(DataChanged(change.kinds, change.excerpt, change.detail))
        if done is not None:
            done(change)

    def notify_screens(self, message: DataChanged) -> None:
        """Tell the screen on show (below any dialog) what changed; others catch up when shown."""
        from workbench.tui.screens.base import WorkbenchScreen

        base = self.screen_stack[0] if self.screen_stack else None
        if isinstance(base, WorkbenchScreen):
            base.on_data_changed(message)  # at once, not queued: the next key sees the new state
        self.refresh_chrome(base)
        self.post_message(message)  # for anyone listening (tests record it with message_hook)

    def version_for(self, kinds: Iterable[str]) -> int:
        return sum(self.versions[k] for k in kinds) + self.versions["all"]

    # ----- the frame -----------------------------------------------------------------------
    def refresh_chrome(self, screen: Screen | None) -> None:
        from workbench.tui.widgets.chrome import NavBar, StatusBar

        if screen is None or not screen.query(NavBar):
            return
        mode = getattr(screen, "MODE", "")
        s = self.session
        tail = f"coder: {self.coder or '?'}" + (" · blind" if s is not None and s.blind else "")
        screen.query_one(NavBar).show([(e.mode, e.key, self._title(e.title)) for e in SCREENS], mode,
                                      self.label, tail)
        if s is None or not self.ready:
            screen.query_one(StatusBar).update("loading the project…", layout=False)
            return
        c = s.counts()
        counts = f"{c.excerpts} {s.word('excerpts')} · {c.coded_by_me} coded by me · {c.sources} {s.word('sources')}"
        if not s.last_saved:
            text = f"{counts} · nothing saved yet this session"
        else:  # what the last key did comes first (a narrow terminal cuts the end), and how to take it back
            back = "ctrl+y redoes" if s.last_saved.split(" ", 1)[-1].startswith("undone") else "ctrl+z undoes"
            text = f"✓ {s.last_saved} · {back} · {counts}"
        unsaved = self.writer.describe()
        screen.query_one(StatusBar).update(f"{unsaved} · {text}" if unsaved else text, layout=False)

    def _title(self, title: str) -> str:
        s = self.session
        return s.codebook.label(title.lower(), title) if s is not None else title

    # ----- actions -------------------------------------------------------------------------
    def action_go(self, mode: str) -> None:
        if self.current_mode != mode:
            self.switch_mode(mode)

    def action_undo(self) -> None:
        """ctrl+z: on screen at once when what it undoes is known (Session.undo_preview)."""
        shows = self.session.undo_preview() if self.session is not None else None
        self.save(lambda s: s.undo(), what=f"undo ({shows.describe()})" if shows else "undo", shows=shows)

    def action_redo(self) -> None:
        shows = self.session.redo_preview() if self.session is not None else None
        self.save(lambda s: s.redo(), what=f"redo ({shows.describe()})" if shows else "redo", shows=shows)

    def action_unsaved(self) -> None:
        """ctrl+r: the changes the database refused or could not take, to send again or drop."""
        from workbench.tui.screens.unsaved import open_unsaved

        open_unsaved(self)

    async def action_quit(self) -> None:
        """Quitting with changes not saved asks for a second ctrl+q (nothing is lost unsaid)."""
        n = self.writer.unsaved_count()
        if n and not self._quit_armed:
            self._quit_armed = True
            self.set_timer(5, lambda: setattr(self, "_quit_armed", False))
            self.notify(f"{n} change(s) not saved yet ({self.writer.describe()}). ctrl+q again within 5 s quits "
                        "and loses them; ctrl+r shows them.", title="Not saved", severity="warning")
            return
        await super().action_quit()

    def action_help(self) -> None:
        from workbench.tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss()
            return
        self.push_screen(HelpScreen(self.screen_stack[0]))

    def action_toggle_contrast(self) -> None:
        self.theme = DEFAULT_THEME if self.theme == HIGH_CONTRAST.name else HIGH_CONTRAST.name

    def on_open_excerpt(self, message: OpenExcerpt) -> None:
        from workbench.tui.screens.code import CodeScreen

        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.switch_mode("code")
        screen = self.screen_stack[0]
        if isinstance(screen, CodeScreen):
            self.call_after_refresh(screen.open_excerpt, message.key)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every action of the screen (and of the app) in the command palette, keys included."""
        yield from super().get_system_commands(screen)
        for e in SCREENS:
            title = self._title(e.title)
            yield SystemCommand(f"Go to {title}", f"Show the {title} screen (key {e.key})", partial(self.action_go, e.mode))
        yield SystemCommand("Undo", "Undo your last change (ctrl+z)", self.action_undo)
        yield SystemCommand("Redo", "Redo what you undid (ctrl+y)", self.action_redo)
        yield SystemCommand("Help", "What this screen is for and its keys (?)", self.action_help)
        yield SystemCommand("High contrast", "Switch the high-contrast colours on or off (F6)",
                            self.action_toggle_contrast)
        from workbench.tui.screens.base import WorkbenchScreen

        node = self.screen_stack[0] if self.screen_stack else None
        if not isinstance(node, WorkbenchScreen):
            return
        seen: set[str] = set()
        for binding in node.BINDINGS:  # the screen's own list: a focused widget may shadow a key
            if not isinstance(binding, Binding) or not binding.description or binding.action in seen:
                continue
            seen.add(binding.action)
            key = self.get_key_display(Binding(binding.key.split(",")[0], ""))
            yield SystemCommand(binding.description, f"{node.MODE.capitalize()} screen · key {key}",
                                partial(self.call_later, self.run_action, binding.action, node))


def make_app(project: Project, coder: str | None, label: str = "", **options: Any) -> WorkbenchApp:
    """The one factory the CLI, the server, the tests and the benchmarks build the app with."""
    return WorkbenchApp(project, coder, label, **options)
