"""The frame around every screen: the screen tabs on top, the status bar above the footer."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static


class NavBar(Static):
    """Clickable screen names with their number keys; the current one is marked ▸ … ◂ and bold."""

    DEFAULT_CSS = """
    NavBar { height: 1; background: $panel; color: $text; padding: 0 1; }
    """

    def show(self, entries: list[tuple[str, str, str]], current: str, label: str = "", tail: str = "") -> None:
        """entries: (mode, key, title)."""
        parts: list[Content] = []
        for mode, key, title in entries:
            if mode == current:
                parts.append(Content.from_markup(f"[bold reverse]▸{key} {title}◂[/]"))
            else:
                parts.append(Content.from_markup(f"[@click=app.go('{mode}')] {key} {title} [/]"))
        line = Content(" ").join(parts)
        width = self.size.width or 120
        room = width - 3 - line.cell_length - len(tail)
        if len(label) > room:
            label = label[:room - 1] + "…" if room > 6 else ""
        right = f"{label} · {tail}" if label else tail
        if right:
            pad = max(1, width - 2 - line.cell_length - len(right))
            line = line + Content(" " * pad) + Content(right)
        self.update(line)


class StatusBar(Static):
    """Project counts and what was last saved; the app keeps it current."""

    DEFAULT_CSS = """
    StatusBar { height: 1; background: $panel; color: $text-muted; padding: 0 1; }
    """
