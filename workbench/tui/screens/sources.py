"""The Sources screen: each source's quality, sample groups and what it supports, and the evidence
profile of a subtheme (how many sources carry it, of what quality, from which perspectives)."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Static

from workbench.tui import views
from workbench.tui.messages import DataChanged
from workbench.tui.screens.base import CoderChoiceScreen
from workbench.tui.screens.finder import SubthemeFinder


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


class SourcesScreen(CoderChoiceScreen):
    MODE = "sources"
    MAIN = "#sources-grid"
    WATCHES = frozenset({"codings", "codebook", "summaries"})
    HELP = """\
**Sources** — the included studies or reviews: their quality rating, the groups in their samples and how many
subthemes each supports.

Below, on the left: what the source under the cursor supports (subtheme, valence, perspective). On the right: the
evidence profile of a subtheme — press `s` to choose it, or it follows the first subtheme the source supports —
with its sources, their quality, the perspectives and warnings such as "single source" or "low quality only".
`c` chooses whose codings count.
"""
    BINDINGS = [
        Binding("s", "subtheme", "Evidence for subtheme"),
        Binding("c", "coders", "Whose codings"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.view: views.SourcesView | None = None
        self.subtheme: str | None = None

    def body(self) -> ComposeResult:
        with Horizontal(classes="toolbar"):
            yield from self.coder_select()
            yield Static("", id="sources-note")
        yield DataTable(id="sources-grid", cursor_type="row", zebra_stripes=True)
        with Horizontal(id="sources-side"):
            with VerticalScroll():
                yield Static("", id="supports")
            with VerticalScroll():
                yield Static("", id="profile")

    def reload(self, change: DataChanged | None = None) -> None:
        s = self.session
        choice = self.sync_coder_choice()
        self.wb.fetch(lambda: views.sources_view(s, choice), self._show, group="sources", hold_keys=True)

    def _show(self, view: views.SourcesView) -> None:
        s = self.session
        self.view = view
        grid = self.query_one(DataTable)
        keep = grid.cursor_row
        grid.clear(columns=True)
        w = s.words()
        for label in (w["source"].capitalize(), "Year", "Design", w["quality"].capitalize(),
                      w["groups"].capitalize(), "Supports"):
            grid.add_column(label)
        for src in view.sources:
            sup = view.supports.get(src.ref, [])
            subs = len({x[0] for x in sup})
            grid.add_row(Text(src.ref, style="bold"), src.year, _clip(src.design, 28), src.quality or "unrated",
                         _clip("; ".join(src.group_list), 40), f"{subs} {w['subthemes'] if subs != 1 else w['subtheme']}",
                         key=src.ref)
        if view.sources:
            grid.move_cursor(row=min(keep, len(view.sources) - 1))
        note = "" if view.profile is not None else "you have no codings yet — "
        self.query_one("#sources-note", Static).update(
            Text(f"{note}{len(view.sources)} {w['sources']} · s: evidence profile of a {w['subtheme']}", style="dim"))
        self._supports()
        grid.focus()

    @on(DataTable.RowHighlighted)
    def _row(self) -> None:
        self._supports()

    def _current_source(self) -> Any:
        if self.view is None or not self.view.sources:
            return None
        row = self.query_one(DataTable).cursor_row
        return self.view.sources[row] if 0 <= row < len(self.view.sources) else None

    def _supports(self) -> None:
        src = self._current_source()
        box = self.query_one("#supports", Static)
        if src is None or self.view is None:
            box.update("")
            return
        s = self.session
        out = Text(f"{s.word('source').capitalize()} {src.ref}", style="bold")
        out.append(f" · {src.quality or 'unrated'}\n")
        if src.citation:
            out.append(src.citation + "\n", style="dim")
        sup = self.view.supports.get(src.ref, [])
        out.append(f"Supports {len(sup)} cells:\n" if sup else "Supports nothing yet.\n", style="bold")
        for sub, val, persp in sup:
            out.append(f"  {sub} · {val or '–'} · {persp or '–'}\n")
        box.update(out)
        if sup and (self.subtheme is None or self.subtheme not in {x[0] for x in sup}):
            self.subtheme = sup[0][0]
        self._profile()

    def action_subtheme(self) -> None:
        s = self.session

        def chosen(result: tuple[str, str] | None) -> None:
            if result and result[0] == "apply":
                self.subtheme = result[1]
                self._profile()

        self.app.push_screen(SubthemeFinder(s.codebook, f"Evidence profile of which {s.word('subtheme')}?", s.words(),
                                            allow_new=False, enter="shows it"), chosen)

    def _profile(self) -> None:
        box = self.query_one("#profile", Static)
        view = self.view
        if view is None or view.profile is None or self.subtheme is None:
            box.update(Text("choose a subtheme with s", style="dim"))
            return
        findings = [f for f in view.profile.findings if f.subtheme == self.subtheme]
        out = Text(f"Evidence profile: {self.subtheme}\n", style="bold")
        if not findings:
            out.append("no grouped finding (ungrouped, or no codings for this choice of coders)\n", style="dim")
        for f in findings:
            out.append(f"{f.valence or 'no valence'}: ", style="bold underline")
            out.append(f"{len(f.sources)} sources [{', '.join(f.sources)}], {len(f.excerpts)} excerpts\n")
            out.append(f"  quality: {f.quality_summary or 'unrated'}\n")
            out.append(f"  perspectives: {', '.join(f.perspectives) or '—'}\n")
            if f.flags:
                out.append("  ⚠ " + ", ".join(f.flags) + "\n", style="bold")
        box.update(out)
