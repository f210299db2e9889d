"""The frame around every screen: the screen tabs on top, the status bar above the footer."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Static


class NavBar(Horizontal):
    """Clickable screen names with their number keys (the current one marked ▸ … ◂), then where we are."""

    DEFAULT_CSS = """
    NavBar { height: 1; background: $panel; color: $text; padding: 0 1; }
    NavBar #tabs { width: auto; }
    NavBar #where { width: 1fr; text-align: right; text-wrap: nowrap; text-overflow: ellipsis; color: $text-muted; }
    """

    _shown: tuple[object, ...] | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="tabs")
        yield Static(id="where")

    def show(self, entries: list[tuple[str, str, str]], current: str, label: str = "", tail: str = "") -> None:
        """entries: (mode, key, title); label: the project; tail: coder and blind mode."""
        parts: list[Content] = []
        for mode, key, title in entries:
            if mode == current:
                parts.append(Content.from_markup(f"[bold reverse]▸{key} {title}◂[/]"))
            else:
                parts.append(Content.from_markup(f"[@click=app.go('{mode}')] {key} {title} [/]"))
        shown = (current, tuple(entries))
        if shown != self._shown:  # the tabs change width only when the screen or a label changes
            self._shown = shown
            self.query_one("#tabs", Static).update(Content(" ").join(parts))
        self.query_one("#where", Static).update(f"{tail} · {label}" if label else tail, layout=False)


class StatusBar(Static):
    """Project counts and what was last saved; the app keeps it current."""

    DEFAULT_CSS = """
    StatusBar { height: 1; background: $panel; color: $text-muted; padding: 0 1; text-wrap: nowrap;
                text-overflow: ellipsis; }
    """
