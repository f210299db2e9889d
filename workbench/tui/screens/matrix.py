"""The Matrix screen: which perspective supports which subtheme, split by valence.

Rows are subthemes under their themes, columns the perspectives; a cell reads "B3 C1": three
sources for the first valence, one for the second (letters explained above the grid). Enter on a
cell lists the excerpts behind it; Enter on one of those opens it on the Code screen.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Static

from workbench.tui import views
from workbench.tui.messages import DataChanged, OpenExcerpt
from workbench.tui.screens.base import CoderChoiceScreen
from workbench.tui.screens.dialogs import Pick


class MatrixScreen(CoderChoiceScreen):
    MODE = "matrix"
    MAIN = "#matrix-grid"
    WATCHES = frozenset({"codings", "codebook"})
    HELP = """\
**Matrix** — which perspective supports which subtheme, and in which direction.

Each row is a subtheme (under its theme), each column a perspective. A cell such as `B3 C1` means three sources
support the subtheme as a benefit and one as a challenge from that perspective (the letters are explained above
the grid; `·` means none). Choose whose codings count with `c` (the agreed set, all coders, one coder).

Enter on a cell lists the excerpts behind it; Enter on an excerpt opens it on the Code screen.
"""
    BINDINGS = [
        Binding("c", "coders", "Whose codings"),
        Binding("enter", "open_cell", "Excerpts behind cell", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.view: views.MatrixView | None = None
        self._rows: list[tuple[str | None, str | None]] = []  # (theme heading, subtheme) per grid row

    def body(self) -> ComposeResult:
        with Horizontal(classes="toolbar"):
            yield from self.coder_select()
            yield Static("", id="matrix-legend")
        yield DataTable(id="matrix-grid", cursor_type="cell", zebra_stripes=True)

    def reload(self, change: DataChanged | None = None) -> None:
        s = self.session
        choice = self.sync_coder_choice()
        self.query_one("#matrix-legend", Static).update("computing…")
        self.wb.fetch(lambda: views.matrix_view(s, choice), self._show, group="matrix", hold_keys=True)

    def _show(self, view: views.MatrixView | None) -> None:
        s = self.session
        grid = self.query_one(DataTable)
        grid.clear(columns=True)
        self.view = view
        self._rows = []
        legend = self.query_one("#matrix-legend", Static)
        if view is None:
            legend.update("you have no codings yet: code some excerpts first (screen 1)")
            return
        m = view.matrix
        legend.update(Text("  ·  ".join(f"{a} = {m.valence_label(v)}" for v, a in view.abbreviations.items())
                           + f"  ·  numbers count {s.word('sources')}", style="dim"))
        grid.add_column(s.word("subtheme").capitalize(), key="subtheme")
        for p in m.perspectives:
            grid.add_column(m.perspective_label(p), key=str(p))
        for theme, rows in m.themes():
            grid.add_row(Text(theme if len(theme) <= 40 else theme[:39] + "…", style="bold"), *["" for _ in m.perspectives])
            self._rows.append((theme, None))
            for row in rows:
                cells = []
                for p in m.perspectives:
                    cell = row.cell(p)
                    parts = [f"{view.abbreviations[v]}{cell.count(v)}" for v in m.valences if cell.count(v)]
                    cells.append(Text(" ".join(parts) if parts else "·", style="" if parts else "dim"))
                name = row.subtheme if len(row.subtheme) <= 38 else row.subtheme[:37] + "…"
                grid.add_row(Text("  " + name), *cells)
                self._rows.append((None, row.subtheme))
        if not m.rows:
            legend.update(f"no grouped {s.word('subthemes')} yet: group them on the Themes screen (2)")
        grid.focus()

    @on(DataTable.CellSelected)
    def _cell_selected(self, event: DataTable.CellSelected) -> None:
        self.action_open_cell()

    def action_open_cell(self) -> None:
        grid = self.query_one(DataTable)
        view = self.view
        if view is None or not self._rows:
            return
        row, col = grid.cursor_coordinate.row, grid.cursor_coordinate.column
        subtheme = self._rows[row][1] if row < len(self._rows) else None
        if subtheme is None or col == 0:
            self.notify("Enter on a perspective cell of a subtheme row lists its excerpts")
            return
        perspective = view.matrix.perspectives[col - 1]
        s = self.session
        valences = list(view.matrix.valences)
        self.wb.fetch(lambda: views.cell_excerpts(s, view.derivation, subtheme, perspective, valences),
                      lambda found: self._list(subtheme, perspective, found), group="matrix-cell", hold_keys=True)

    def _list(self, subtheme: str, perspective: str | None, found: list[tuple[str, str, str | None, str]]) -> None:
        if not found:
            self.notify("no excerpts behind this cell")
            return
        choices: list[tuple[str, Any]] = []
        for key, ref, valence, text in found:
            snippet = text.replace("\n", " ")
            choices.append((f"{key} [{ref}] {valence or '–'}: {snippet[:90]}", key))
        title = f"{subtheme} × {perspective or 'no perspective'}: {len(found)} excerpts — Enter opens one in Code"

        def done(key: str | None) -> None:
            if key:
                self.app.post_message(OpenExcerpt(key))

        self.app.push_screen(Pick(title, choices), done)
