"""The Table screen: the Table 6 preview as it will export, summaries written in place, export.

Each perspective paragraph ("PSWs [23, 34]: summary…") is one entry of the list; Enter opens the
editor with the excerpts behind that cell beside it. `x` exports to any format of the table
registry, or a write-up of the table (narrative, appendix, checklist), into the project's exports/
folder and says which file it wrote.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from workbench.tui import views
from workbench.tui.messages import DataChanged
from workbench.tui.screens.base import CoderChoiceScreen
from workbench.tui.screens.dialogs import Pick
from workbench.tui.screens.summary_editor import CellRef, SummaryEditor

if TYPE_CHECKING:
    from workbench.analysis.table import TableModel
    from workbench.tui.session import Session


def export_table(session: Session, model: TableModel, fmt: str) -> Path:
    """Write the table, or a write-up of it ("narrative:docx"), into the project's exports/ folder
    (atomically) and return the path.

    Never over an earlier export: someone may have edited table.docx by hand since, so the next
    one is table-2.docx, table-3.docx … (the name is claimed with O_EXCL, so two exports at once
    cannot pick the same one either)."""
    from workbench.formats.table_registry import write_table

    what, _, fmt = fmt.rpartition(":")
    base = session.project.folder or Path.cwd()
    folder = base / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    n = 1
    while True:
        stem = what or "table"
        out = folder / (f"{stem}.{fmt}" if n == 1 else f"{stem}-{n}.{fmt}")
        try:
            os.close(os.open(out, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
            break
        except FileExistsError:
            n += 1
    tmp = out.with_name(out.name + ".part")
    try:
        if what:
            from workbench.analysis.writeups import writeup_from
            from workbench.formats.writeup_registry import write_writeup

            write_writeup(what, writeup_from(what, session.view, model), fmt, tmp)
        else:
            write_table(model, fmt, tmp)
        os.replace(tmp, out)
    except BaseException:
        out.unlink(missing_ok=True)  # the claimed name stays free for the next try
        raise
    finally:
        if tmp.exists():
            tmp.unlink()
    return out


class TableScreen(CoderChoiceScreen):
    MODE = "table"
    MAIN = "#table-preview"
    WATCHES = frozenset({"codings", "codebook", "summaries"})
    HELP = """\
**Table** — the theme table (Table 6 style) exactly as it will export: themes, subthemes, a row per valence with
its references, and a paragraph per perspective with the team's summary.

Move to a paragraph and press Enter to write or edit its summary; the excerpts behind that cell are shown beside
the editor. `ctrl+s` saves. If a colleague saved the same summary meanwhile, you see both texts and choose.
A † marks a summary written when the cell cited other sources. `x` exports the table (Word, Excel, HTML,
Markdown, CSV, JSON), the Results narrative, the appendix of detailed themes or the ENTREQ checklist to the
project's exports/ folder. `c` chooses whose codings count.
"""
    BINDINGS = [
        Binding("enter", "edit", "Edit summary", show=False),
        Binding("e", "edit", "Edit summary"),
        Binding("x", "export", "Export"),
        Binding("c", "coders", "Whose codings"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.model: Any = None
        self._entries: dict[str, tuple[str, Any, Any]] = {}  # option id → (subtheme, row, entry)

    def body(self) -> ComposeResult:
        with Horizontal(classes="toolbar"):
            yield from self.coder_select()
            yield Static("", id="table-note")
        yield OptionList(id="table-preview")

    def reload(self, change: DataChanged | None = None) -> None:
        s = self.session
        choice = self.sync_coder_choice()
        self.wb.fetch(lambda: views.table_view(s, choice), self._show, group="table", hold_keys=True)

    def _show(self, model: Any) -> None:
        preview = self.query_one(OptionList)
        keep = preview.highlighted_option.id if preview.highlighted_option is not None else None
        preview.clear_options()
        self.model = model
        self._entries = {}
        note = self.query_one("#table-note", Static)
        if model is None:
            note.update("you have no codings yet: code some excerpts first (screen 1)")
            return
        options: list[Option] = []
        theme_h, col2, col3 = model.headers
        options.append(Option(Text(f"{model.title}\n{theme_h} │ {col2} │ {col3}", style="bold"), disabled=True))
        n = 0
        for line in model.lines():
            if line.heading:
                options.append(Option(Text(f"\n{line.theme}", style="bold underline"), disabled=True))
                continue
            row = line.row
            label = Text()
            if line.first:
                label.append(f"  {line.subtheme}\n", style="bold")
            label.append(f"    {model.row_label(row)}", style="italic")
            options.append(Option(label, disabled=True))
            for e in row.perspectives:
                oid = f"e{n}"
                n += 1
                self._entries[oid] = (line.subtheme, row, e)
                text = Text("      ")
                head = e.perspective + ("ᵃ" if e.mixed else "") + " " + model.refs_text(e.references) + ":"
                text.append(head, style="bold")
                body = e.summary or "(no summary yet — Enter writes one)"
                text.append(" " + body, style="" if e.summary else "dim italic")
                if e.stale:
                    text.append(" †", style="bold")
                groups = model.groups_text(e)
                if groups:
                    text.append(" " + groups)
                options.append(Option(text, id=oid))
        for marker, foot in model.footnotes():
            options.append(Option(Text(f"\n{marker} {foot}", style="dim"), disabled=True))
        for sentence in model.notes()[:3]:
            options.append(Option(Text(sentence, style="dim italic"), disabled=True))
        preview.add_options(options)
        missing = sum(1 for _s, _r, e in self._entries.values() if not e.summary)
        note.update(Text(f"{len(self._entries)} cells · {missing} without a summary · Enter edits · x exports",
                         style="dim"))
        if keep in self._entries:
            preview.highlighted = preview.get_option_index(keep)
        elif self._entries:
            preview.highlighted = preview.get_option_index(next(iter(self._entries)))
        preview.focus()

    @on(OptionList.OptionSelected, "#table-preview")
    def _selected(self) -> None:
        self.action_edit()

    def action_edit(self) -> None:
        opt = self.query_one(OptionList).highlighted_option
        if opt is None or opt.id not in self._entries:
            self.notify("move to a perspective paragraph to edit its summary")
            return
        subtheme, row, e = self._entries[opt.id]
        s = self.session
        model = self.model

        def load() -> tuple[CellRef, views.Evidence]:
            current = s.project.summaries.get(subtheme, row.valence, e.perspective)
            cell = CellRef(subtheme, row.valence, e.perspective, list(e.references),
                           current.text if current else "", current.version if current else 0)
            return cell, views.summary_evidence(s, model, subtheme, row.valence, e.perspective)

        self.wb.fetch(load, lambda got: self.app.push_screen(SummaryEditor(got[0], got[1], s.words())),
                      group="summary", hold_keys=True)

    def action_export(self) -> None:
        from workbench.formats.table_registry import TABLE_FORMATS
        from workbench.formats.writeup_registry import WRITEUPS

        if self.model is None:
            self.notify("nothing to export yet")
            return
        choices = [(f"{f.title} (.{f.name})", f.name) for f in TABLE_FORMATS.values()]
        choices += [(f"{f.title} (.{f.name})", f"{what}:{f.name}") for what, fs in WRITEUPS.items() for f in fs.values()]
        s, model = self.session, self.model

        def chosen(fmt: str | None) -> None:
            if fmt:
                self.wb.fetch(lambda: export_table(s, model, fmt),
                              lambda path: self.notify(f"wrote {path}", title="Exported", timeout=10),
                              group="export")

        self.app.push_screen(Pick("Export the table as…", choices), chosen)
