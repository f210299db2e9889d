"""The Reconcile screen: the team's meeting, one disagreement at a time, into the agreed set.

Left, the disagreements still open (or all, with `t`); right, the excerpt under the cursor with
each coder's codings side by side and what the agreed set holds. `a` accepts a coder's coding,
`w` writes the meeting's own, `r` rejects the subtheme, `o` leaves the item open with a note,
`g` copies everything the coders agree on. Each decision is one transaction with an audit entry
naming the coder at the keyboard; the same verbs are `workbench compare …` on the command line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Static

from workbench.tui.messages import DataChanged
from workbench.tui.screens.base import WorkbenchScreen
from workbench.tui.screens.dialogs import Ask, Pick

if TYPE_CHECKING:
    from workbench.store.viewer import CoderView


@dataclass
class ReconcileView:
    """What the screen shows, read in a worker thread (no Textual here)."""

    blind: bool
    coders: list[str] = field(default_factory=list)
    items: list[Any] = field(default_factory=list)  # analysis.disagreements.Item
    coverage: str = ""
    agreements: list[tuple[str, str, str]] = field(default_factory=list)


def load_view(viewer: CoderView, include_settled: bool) -> ReconcileView:
    from workbench.analysis.agreement import choose_coders
    from workbench.analysis.disagreements import all_items, coverage
    from workbench.core.errors import UserError
    from workbench.formats.agreement_meeting import coverage_line

    project = viewer.project
    try:
        viewer.require_open("the meeting screen")
    except UserError:
        return ReconcileView(blind=True)
    try:
        coders = choose_coders(viewer, None)
    except UserError as e:
        return ReconcileView(blind=False, coverage=str(e))
    items = all_items(project, coders)
    consensus = project.codebook.get().consensus_coder
    cov = coverage(items, set(project.collab.coded_excerpts(coders)), set(project.collab.coded_excerpts([consensus])))
    shown = [i for i in items if i.kind != "agreement" and (include_settled or not i.settled)]
    pending = [(i.excerpt.key, i.subtheme, next(iter(i.views))) for i in items
               if i.kind == "agreement" and not i.settled]
    return ReconcileView(False, coders, shown, coverage_line(cov), pending)


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def _side(item: Any, coder: str) -> str:
    from workbench.analysis.disagreements import describe

    codings = item.views.get(coder, [])
    if codings:
        return "; ".join(describe(c).split(" · ", 1)[1] for c in codings)
    return "nothing applies" if coder in item.nothing_applies else "did not apply it"


class ReconcileScreen(WorkbenchScreen):
    MODE = "reconcile"
    MAIN = "#reconcile-grid"
    WATCHES = frozenset({"codings", "codebook"})
    HELP = """\
**Reconcile** — the meeting: settle each disagreement between the coders into the agreed set.

The list shows the excerpt × subtheme items the coders disagree on (whether it applies, or its valence or
perspective). On the right: the excerpt and each coder's codings side by side, and the agreed set so far.

`a` accepts one coder's coding into the agreed set · `w` writes the meeting's own · `r` decides the subtheme does
not apply · `o` leaves the item open with a note · `g` copies every coding the coders agree on · `t` shows settled
items too. Every decision is saved at once, with your name and the time, in the project's log; to change one,
decide again (`t` shows settled items) — ctrl+z undoes coding, not decisions.

While the project codes blind, this screen stays closed: turn blind coding off (`workbench settings blind off`)
when the team is ready to compare.
"""
    BINDINGS = [
        Binding("a", "accept", "Accept a coder's"),
        Binding("w", "write", "Write agreed"),
        Binding("r", "reject", "Reject"),
        Binding("o", "open_note", "Leave open"),
        Binding("g", "agreements", "Copy agreements"),
        Binding("t", "toggle_settled", "Show settled"),
    ]
    DEFAULT_CSS = """
    #reconcile-body { height: 1fr; }
    #reconcile-grid { width: 3fr; height: 1fr; }
    #reconcile-side { width: 2fr; height: 1fr; padding: 0 1; border-left: vkey $foreground 20%; }
    ReconcileScreen.-narrow #reconcile-body { layout: vertical; }
    #reconcile-note { height: auto; padding: 0 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.view: ReconcileView | None = None
        self.include_settled = False

    def body(self) -> ComposeResult:
        yield Static("", id="reconcile-note")
        with Horizontal(id="reconcile-body"):
            yield DataTable(id="reconcile-grid", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="reconcile-side"):
                yield Static("", id="reconcile-item")

    def reload(self, change: DataChanged | None = None) -> None:
        session, settled = self.session, self.include_settled
        self.wb.fetch(lambda: load_view(session.project.viewer(session.coder), settled), self._show,
                      group="reconcile", hold_keys=True)

    def _show(self, view: ReconcileView) -> None:
        self.view = view
        grid = self.query_one(DataTable)
        keep = grid.cursor_row
        grid.clear(columns=True)
        note = self.query_one("#reconcile-note", Static)
        if view.blind:
            note.update(Text("Blind coding is on: coders cannot see each other's codings yet. When the team is "
                             "ready to compare, turn it off (workbench settings blind off).", style="bold"))
            self.query_one("#reconcile-item", Static).update("")
            return
        w = self.session.words()
        for label in (w["excerpt"].capitalize(), w["subtheme"].capitalize(), "Differ on", "Status"):
            grid.add_column(label)
        for n, item in enumerate(view.items):
            grid.add_row(item.excerpt.key, _clip(item.subtheme, 32), item.kind,
                         item.status + (f" ({item.note})" if item.note else ""), key=str(n))
        pending = f" · g: copy {len(view.agreements)} agreed codings" if view.agreements else ""
        note.update(Text(f"{view.coverage}{pending}", style="dim"))
        if view.items:
            grid.move_cursor(row=min(keep, len(view.items) - 1))
        self._detail()
        grid.focus()

    @on(DataTable.RowHighlighted)
    def _row(self) -> None:
        self._detail()

    def current(self) -> Any:
        if self.view is None or not self.view.items:
            return None
        row = self.query_one(DataTable).cursor_row
        return self.view.items[row] if 0 <= row < len(self.view.items) else None

    def _detail(self) -> None:
        from workbench.analysis.disagreements import describe

        box = self.query_one("#reconcile-item", Static)
        item = self.current()
        if item is None:
            box.update(Text("Nothing left to settle." if self.view and not self.view.blind else "", style="bold"))
            return
        e = item.excerpt
        out = Text(f"{e.key} · {item.subtheme}\n", style="bold")
        out.append(f"source {e.source}" + (f" · {e.perspective}" if e.perspective else "") + f" · differ on {item.kind}\n\n",
                   style="dim")
        out.append(e.text + "\n\n")
        width = max(len(c) for c in [*item.views, "agreed set"])
        for coder in item.views:
            out.append(f"{coder:<{width}}  ", style="bold")
            out.append(_side(item, coder) + "\n")
        out.append(f"{'agreed set':<{width}}  ", style="bold")
        out.append("; ".join(describe(c).split(" · ", 1)[1] for c in item.agreed) or "—")
        if item.note:
            out.append(f"\n\nnote: {item.note}", style="italic")
        box.update(out)

    # ----- decisions -----------------------------------------------------------------------
    def _decide(self, message: str, act: Any) -> None:
        from workbench.tui.session import Change

        item = self.current()
        key = item.excerpt.key if item is not None else None

        def job(s: Any) -> Change:
            act(s.project, s.coder)
            return Change(message, frozenset({"codings"}), key)

        self.wb.save(job, done=lambda change: self.notify(change.message))

    def action_accept(self) -> None:
        item = self.current()
        if item is None:
            return
        coders = [c for c, v in item.views.items() if v]

        def chosen(coder: str | None) -> None:
            if coder:
                self._decide(f"accepted {coder}'s coding of {item.excerpt.key} · {item.subtheme}",
                             lambda p, me: p.collab.accept_coding(item.excerpt.key, item.subtheme, coder, me))

        if len(coders) == 1:
            chosen(coders[0])
        else:
            self.app.push_screen(Pick("Accept whose coding?", [(f"{c}: {_side(item, c)}", c) for c in coders]),
                                 chosen)

    def action_write(self) -> None:
        item = self.current()
        if item is None:
            return
        cb = self.session.codebook
        valences: list[tuple[str, str | None]] = [(v, v) for v in cb.valences] + [("no valence", None)]

        def perspective_chosen(valence: str | None, perspective: str | None) -> None:
            if perspective is None:
                return
            self._decide(f"wrote the agreed coding of {item.excerpt.key} · {item.subtheme}",
                         lambda p, me: p.collab.write_agreed(item.excerpt.key, item.subtheme, [valence], perspective, me))

        def valence_chosen(valence: Any) -> None:
            if valence == "cancel":
                return
            options = [(p.name, p.name) for p in cb.perspectives]
            hint = next((i for i, (_l, v) in enumerate(options) if v == item.excerpt.perspective), 0)
            self.app.push_screen(Pick(f"{cb.label('perspective', 'Perspective')}?", options, hint),
                                 lambda persp: perspective_chosen(None if valence == "none" else valence, persp))

        self.app.push_screen(Pick(f"{cb.label('valence', 'Valence')}?",
                                  [(label, value if value is not None else "none") for label, value in valences]),
                             lambda v: valence_chosen(v if v is not None else "cancel"))

    def action_reject(self) -> None:
        item = self.current()
        if item is not None:
            self._decide(f"{item.subtheme} does not apply to {item.excerpt.key}",
                         lambda p, me: p.collab.reject_item(item.excerpt.key, item.subtheme, me))

    def action_open_note(self) -> None:
        item = self.current()
        if item is None:
            return

        def noted(text: str | None) -> None:
            if text and text.strip():
                self._decide(f"left {item.excerpt.key} · {item.subtheme} open",
                             lambda p, me: p.collab.leave_open(item.excerpt.key, item.subtheme, text.strip(), me))

        self.app.push_screen(Ask("What is still open?", item.note, hint="Kept with the item for the next meeting."),
                             noted)

    def action_agreements(self) -> None:
        if self.view is None or not self.view.agreements:
            self.notify("no agreed codings waiting to be copied")
            return
        items = list(self.view.agreements)
        self._decide(f"copied {len(items)} codings the coders agree on into the agreed set",
                     lambda p, me: p.collab.accept_agreements(items, me))

    def action_toggle_settled(self) -> None:
        self.include_settled = not self.include_settled
        self.reload()
