"""ctrl+r: the changes not saved — the ones the database refused (to send again or drop) and the
ones still on their way. Nothing a coder did leaves the screen without being said and offered."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from workbench.tui.screens.dialogs import Dialog

if TYPE_CHECKING:
    from workbench.tui.app import WorkbenchApp
    from workbench.tui.writes import Write


class Unsaved(Dialog[None]):
    """The failed writes, oldest first: r (or Enter) sends one again, a sends all, d drops one."""

    BINDINGS = [Binding("escape", "cancel", "Close"), Binding("r", "resend", "Send again"),
                Binding("a", "resend_all", "Send all again"), Binding("d", "drop", "Drop")]

    def __init__(self, app: WorkbenchApp) -> None:
        super().__init__()
        self.wb = app

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Changes not saved", classes="title")
            yield OptionList(id="unsaved")
            yield Static("", id="waiting", classes="hint")
            yield Static("r or Enter sends the highlighted one again · a sends all again · d drops it "
                         "(it stays off the screen) · Escape closes", classes="hint")

    def on_mount(self) -> None:
        self.fill()
        self.query_one(OptionList).focus()

    def fill(self) -> None:
        ol = self.query_one(OptionList)
        keep = ol.highlighted or 0
        ol.clear_options()
        for i, w in enumerate(self.wb.writer.failed):
            line = Text("✗ ", style="bold")
            line.append(w.pending.what, style="bold")
            line.append(f" — {w.pending.error}")
            ol.add_option(Option(line, id=str(i)))
        if not self.wb.writer.failed:
            ol.add_option(Option(Text("nothing refused: every change was saved or is on its way", style="dim"),
                                 disabled=True))
        else:
            ol.highlighted = min(keep, len(self.wb.writer.failed) - 1)
        queued = len(self.wb.writer.queue)
        why = f" (connection lost: {self.wb.writer.lost}; sent again when it answers)" if self.wb.writer.lost else ""
        self.query_one("#waiting", Static).update(f"{queued} change(s) on their way{why}." if queued else "")

    def on_option_list_option_selected(self) -> None:  # Enter on a line
        self.action_resend()

    def _chosen(self) -> Write | None:
        i = self.query_one(OptionList).highlighted
        failed = self.wb.writer.failed
        return failed[i] if i is not None and 0 <= i < len(failed) else None

    def action_resend(self) -> None:
        w = self._chosen()
        if w is not None:
            self.wb.writer.resend(w)
        self._after()

    def action_resend_all(self) -> None:
        for w in list(self.wb.writer.failed):
            self.wb.writer.resend(w)
        self._after()

    def action_drop(self) -> None:
        w = self._chosen()
        if w is not None:
            self.wb.writer.drop(w)
        self._after()

    def _after(self) -> None:
        if self.wb.writer.failed:
            self.fill()
        else:
            self.dismiss(None)


def open_unsaved(app: WorkbenchApp) -> None:
    if isinstance(app.screen, Unsaved):
        app.screen.dismiss(None)
        return
    app.push_screen(Unsaved(app))
