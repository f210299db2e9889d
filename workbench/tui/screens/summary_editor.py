"""Writing one cell's summary with the excerpts behind it beside the editor.

The editor remembers the summary's version when it opened; saving with that version refuses if a
colleague saved in between (SummaryConflict), and then both texts are shown so nothing is lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Static, TextArea

from workbench.store.summaries import SummaryConflict
from workbench.tui.screens.dialogs import Confirm, Modal
from workbench.tui.views import Evidence

if TYPE_CHECKING:
    from workbench.tui.app import WorkbenchApp


@dataclass
class CellRef:
    subtheme: str
    valence: str | None
    perspective: str
    references: list[str]
    text: str
    version: int  # 0: no summary yet


class ConflictScreen(Modal[str | None]):
    """Both texts side by side: keep mine, take theirs, or go back and merge them by hand."""

    BINDINGS = [Binding("escape", "dismiss_edit", "Back to editing")]
    DEFAULT_CSS = """
    ConflictScreen { align: center middle; }
    ConflictScreen > Vertical { width: 110; max-width: 98%; height: 80%; border: thick $error; background: $surface; }
    ConflictScreen Horizontal.texts { height: 1fr; }
    ConflictScreen VerticalScroll { width: 1fr; padding: 0 1; border: round $foreground 30%; }
    ConflictScreen Horizontal.buttons { height: auto; align-horizontal: right; }
    ConflictScreen Button { margin-left: 1; }
    """

    def __init__(self, conflict: SummaryConflict) -> None:
        super().__init__()
        self.conflict = conflict

    def compose(self) -> ComposeResult:
        t = self.conflict.theirs
        with Vertical():
            yield Static(Text(f"⚠ {self.conflict.message}", style="bold"))
            with Horizontal(classes="texts"):
                with VerticalScroll():
                    yield Static(Text(f"Theirs ({t.author or '?'}, version {t.version})\n", style="bold underline"))
                    yield Static(t.text)
                with VerticalScroll():
                    yield Static(Text("Yours (not saved yet)\n", style="bold underline"))
                    yield Static(self.conflict.mine)
            with Horizontal(classes="buttons"):
                yield Button("Edit both together", id="edit", variant="primary")
                yield Button("Keep mine", id="mine", variant="warning")
                yield Button("Take theirs", id="theirs")

    def action_dismiss_edit(self) -> None:
        self.dismiss("edit")

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id)


class SummaryEditor(Modal[bool]):
    """Dismisses True when a summary was saved."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "close", "Close"),
    ]
    DEFAULT_CSS = """
    SummaryEditor { align: center middle; }
    SummaryEditor > Vertical { width: 96%; height: 94%; border: thick $accent; background: $surface; }
    SummaryEditor #summary-head { height: auto; padding: 0 1; }
    SummaryEditor Horizontal { height: 1fr; }
    SummaryEditor TextArea { width: 1fr; }
    SummaryEditor #evidence { width: 1fr; padding: 0 1; border-left: vkey $foreground 30%; }
    SummaryEditor .hint { color: $text-muted; padding: 0 1; }
    SummaryEditor.-narrow Horizontal { layout: vertical; }
    SummaryEditor.-narrow #evidence { border-left: none; border-top: hkey $foreground 30%; }
    """
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]

    def __init__(self, cell: CellRef, evidence: Evidence, words: dict[str, str]) -> None:
        super().__init__()
        self.cell, self.evidence, self.words = cell, evidence, words
        self.version = cell.version

    def compose(self) -> ComposeResult:
        c = self.cell
        head = Text.assemble(("Summary: ", "bold"), c.subtheme, " / ", c.valence or "no valence", " / ",
                             (c.perspective, "bold"), f"  [{', '.join(c.references)}]")
        with Vertical():
            yield Static(head, id="summary-head")
            with Horizontal():
                yield TextArea(c.text, id="summary-text", soft_wrap=True)
                with VerticalScroll(id="evidence"):
                    yield Static(self._evidence_text())
            yield Static("ctrl+s saves · Escape closes · the excerpts behind this cell are on the right",
                         classes="hint")

    def _evidence_text(self) -> Text:
        out = Text()
        out.append(f"{len(self.evidence.rows)} supporting {self.words.get('excerpts', 'excerpts')}\n\n", style="bold")
        for ref, key, text in self.evidence.rows:
            out.append(f"[{ref}] {key}\n", style="bold")
            out.append(text + "\n\n")
        return out

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    @property
    def text(self) -> str:
        return self.query_one(TextArea).text.strip()

    def action_save(self) -> None:
        from workbench.tui.actions import WriteSummary

        c, text = self.cell, self.text
        expected = self.version
        refs = ",".join(c.references)
        cast("WorkbenchApp", self.app).save(lambda s: s.run(WriteSummary(c.subtheme, c.valence, c.perspective, text, s.coder, refs,
                                                   expected)), failed=self._failed,
                      done=lambda _change: self.dismiss(True), hold_keys=True)

    def _failed(self, error: Exception) -> bool:
        if not isinstance(error, SummaryConflict):
            return False
        conflict = error

        def chosen(what: str | None) -> None:
            if what == "mine":
                self.version = conflict.theirs.version
                self.action_save()
            elif what == "theirs":
                self.dismiss(False)
            else:
                area = self.query_one(TextArea)
                area.text = f"{conflict.mine}\n\n--- their version ({conflict.theirs.author}) ---\n{conflict.theirs.text}"
                self.version = conflict.theirs.version

        self.app.push_screen(ConflictScreen(conflict), chosen)
        return True

    def action_close(self) -> None:
        if self.text == self.cell.text.strip():
            self.dismiss(False)
            return
        self.app.push_screen(Confirm("Close without saving?", "Discard", "Your changes to this summary are lost."),
                             lambda ok: ok and self.dismiss(False))
