"""The `?` overlay: what the screen is for, and every key it answers to (read from its bindings)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Markdown, Static

from workbench.tui.screens.dialogs import Modal

GENERAL = """\
**Everywhere:** `1`–`{last}` switch screens ({names}; or click the tabs on top) · `ctrl+p` command palette
(every action is there, searchable) · `ctrl+z` undo · `ctrl+y` redo (both from any pane, the excerpt text
included) · `tab` next pane · `escape` one step back (a dialog closes; a pane returns to the list) ·
`F6` high contrast · `?` this help · `ctrl+q` quit. Keys typed quickly are applied in the order typed, even
while a dialog is still opening. Everything is saved the moment you do it.
"""


def general_help() -> str:
    """The part every screen's help shares; the screen count comes from the registry, never by hand."""
    from workbench.tui.screens import SCREENS

    return GENERAL.format(last=SCREENS[-1].key, names=", ".join(f"{e.key} {e.title}" for e in SCREENS))


class HelpScreen(Modal[None]):
    BINDINGS = [Binding("escape,question_mark,q", "close", "Close help")]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Vertical { width: 100; max-width: 96%; height: 90%; border: thick $accent; background: $surface; }
    HelpScreen VerticalScroll { height: 1fr; padding: 0 1; }
    HelpScreen .hint { color: $text-muted; padding: 0 1; }
    """

    def __init__(self, screen: Screen) -> None:
        super().__init__()
        self.target = screen

    def compose(self) -> ComposeResult:
        help_text = getattr(self.target, "HELP", "") or ""
        keys = ["| key | what it does |", "|---|---|"]
        seen: set[str] = set()
        for binding in getattr(self.target, "BINDINGS", []):
            if not isinstance(binding, Binding) or not binding.description or binding.action in seen:
                continue
            seen.add(binding.action)
            shown = ", ".join(f"`{self.app.get_key_display(Binding(k.strip(), ''))}`" for k in binding.key.split(","))
            keys.append(f"| {shown} | {binding.description} |")
        with Vertical():
            with VerticalScroll():
                yield Markdown(help_text + "\n\n**Keys on this screen**\n\n" + "\n".join(keys) + "\n\n" + general_help())
            yield Static("Escape or ? closes this help", classes="hint")

    def action_close(self) -> None:
        self.dismiss()
