"""What every workbench screen shares: the frame, the help text, the data-changed protocol."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Select

from workbench.tui.messages import DataChanged
from workbench.tui.widgets.chrome import NavBar, StatusBar

if TYPE_CHECKING:
    from workbench.tui.app import WorkbenchApp
    from workbench.tui.session import Session


class WorkbenchScreen(Screen[None]):
    """A mode of the app. Subclasses compose `body()`, implement `reload()` and say what they show.

    `WATCHES` names the kinds of change (codings, codebook, summaries, memos) after which the
    screen must reload; a screen that is not showing reloads when it is next shown.
    """

    # "? Help" first in every footer: at 80 columns the footer is cut at its right end, and the key
    # that explains all the others must be the one that always shows (the app's own binding came last).
    BINDINGS = [Binding("question_mark", "app.help", "Help"),
                Binding("escape", "back", "Back to the main pane", show=False)]
    MAIN: ClassVar[str] = ""  # the pane the screen starts in and Escape returns to
    MODE: ClassVar[str] = ""
    HELP: ClassVar[str] = ""
    WATCHES: ClassVar[frozenset[str]] = frozenset()
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]

    def __init__(self) -> None:
        super().__init__()
        self._seen_version = -1

    @property
    def wb(self) -> WorkbenchApp:
        return cast("WorkbenchApp", self.app)  # every screen here runs inside the WorkbenchApp

    @property
    def session(self) -> Session:
        return self.wb.session

    def compose(self) -> ComposeResult:
        yield NavBar(id="nav")
        yield from self.body()
        yield StatusBar(id="status")
        yield Footer()

    def body(self) -> ComposeResult:
        yield from ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.MAIN and "AUTO_FOCUS" not in cls.__dict__:
            cls.AUTO_FOCUS = cls.MAIN  # never a toolbar's Select, which would swallow the digit keys

    def on_mount(self) -> None:
        self.wb.refresh_chrome(self)

    def action_back(self) -> None:
        """Escape: one step out — from a toolbar or side pane back to the screen's main pane."""
        if self.MAIN:
            self.query_one(self.MAIN).focus()

    def on_screen_resume(self) -> None:
        self.wb.refresh_chrome(self)
        if self.wb.ready and self._seen_version != self.wb.version_for(self.WATCHES):
            self._seen_version = self.wb.version_for(self.WATCHES)
            self.reload()

    def on_data_changed(self, message: DataChanged) -> None:
        if message.kinds & self.WATCHES or message.kinds == {"all"}:
            self._seen_version = self.wb.version_for(self.WATCHES)
            self.reload(message)

    def reload(self, change: DataChanged | None = None) -> None:
        """Fetch what the screen shows (in a worker) and render it."""

    def show_unsaved(self, excerpt: str | None) -> None:
        """Changes not saved yet were made, saved, refused or dropped (`excerpt`: the one they touch):
        a screen that shows them repaints from what it has (no read: this runs on the key's path)."""


class CoderChoiceScreen(WorkbenchScreen):
    """A screen that shows the one derivation for a choice of coders (agreed set, all, one coder).

    Matrix, Table and Sources share the choice's widget (`#coders`), its default and its key, so
    the three cannot drift apart in how "whose codings count" is chosen.
    """

    def __init__(self) -> None:
        super().__init__()
        self.choice = "default"

    def coder_select(self) -> ComposeResult:
        from textual.widgets import Select

        yield Select([("…", "default")], value="default", id="coders", allow_blank=False)

    def sync_coder_choice(self) -> str:
        """Refresh the options (coders come and go) and return the choice to derive for."""
        from textual.widgets import Select

        s = self.session
        sel = self.query_one("#coders", Select)
        choices = s.coder_choices()
        values = [v for _l, v in choices]
        if self.choice not in values:
            self.choice = s.default_coder_choice() if s.default_coder_choice() in values else values[0]
        with sel.prevent(Select.Changed):
            sel.set_options(choices)
            sel.value = self.choice
        return self.choice

    def on_select_changed(self, event: Select.Changed) -> None:

        if event.select.id == "coders" and event.value is not Select.NULL and event.value != self.choice:
            self.choice = str(event.value)
            self.reload()
            self.action_back()  # chosen: back to the grid, where the keys mean what the footer says

    def action_coders(self) -> None:
        from textual.widgets import Select

        self.query_one("#coders", Select).focus()
        self.query_one("#coders", Select).action_show_overlay()
