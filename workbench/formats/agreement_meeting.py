"""The disagreements report for a reconciliation meeting: `disagreements_<md|xlsx>(agenda, out)`.

It opens with how far the agreed set has got, then lists each disagreement with the excerpt's
text and every coder's codings side by side, so the team can print it as the meeting's agenda.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from workbench.analysis.disagreements import Coverage, Item, describe
from workbench.core.errors import UserError
from workbench.formats.cells_safe import md_cell, md_text

FORMATS = ("md", "xlsx")


@dataclass
class Agenda:
    coders: list[str]
    items: list[Item]
    coverage: Coverage
    overall_alpha: str  # the overall subtheme alpha, already in words or digits


def coverage_line(c: Coverage) -> str:
    return (f"The agreed set covers {c.covered_excerpts} of {c.coded_excerpts} coded excerpts "
            f"({100 * c.share:.0f}%). Disagreements: {c.disagreements} — {c.settled} settled, "
            f"{c.open_with_note} left open with a note, {c.to_do} to do. "
            f"Items all coders agree on, not yet in the agreed set: {c.agreements_pending}"
            + (" (copy them with: workbench compare accept-agreements)." if c.agreements_pending else "."))


def _side(item: Item, coder: str) -> str:
    codings = item.views.get(coder, [])
    if codings:
        return "; ".join(describe(c).split(" · ", 1)[1] for c in codings)
    if coder in item.nothing_applies:
        return "nothing applies"
    return "did not apply it"


def disagreements_md(agenda: Agenda, out: Path | IO[str]) -> None:
    m = md_text
    lines = ["# Disagreements for the meeting", "", m(coverage_line(agenda.coverage)), "",
             f"Overall agreement on which subthemes apply (Krippendorff's α): {m(agenda.overall_alpha)}.", ""]
    if not agenda.items:
        lines += ["Nothing left to settle.", ""]
    for n, item in enumerate(agenda.items, start=1):
        e = item.excerpt
        lines += [f"## {n}. {m(e.key)} · {m(item.subtheme)}", "",
                  m(f"Source {e.source}" + (f", sample: {e.perspective}" if e.perspective else "")
                    + f". They differ on: {item.kind}. Status: {item.status}"
                    + (f" ({item.note})" if item.note else "") + "."), ""]
        lines += ["> " + line for line in textwrap.wrap(m(e.text), 96)] + [""]
        lines += ["| coder | codes it as (valence · perspective) |", "|---|---|"]
        for coder in item.views:
            lines.append(f"| {md_cell(coder)} | {md_cell(_side(item, coder))} |")
        if item.agreed:
            lines.append(f"| agreed set | {md_cell('; '.join(describe(c).split(' · ', 1)[1] for c in item.agreed))} |")
        lines += ["", m(f"Settle with: `workbench compare accept {e.key} \"{item.subtheme}\" --from CODER`, "
                        "`… write …`, `… reject …` or `… open-note …`."), ""]
    text = "\n".join(lines)
    if isinstance(out, Path):
        out.write_text(text, encoding="utf-8")
    else:
        out.write(text)


def disagreements_xlsx(agenda: Agenda, out: Path | IO[str]) -> None:
    if not isinstance(out, Path):
        raise UserError("an .xlsx file is binary: write it to a file (-o FILE.xlsx)")
    from openpyxl.styles import Alignment, Font

    from workbench.formats.cells_safe import SafeWorkbook


    wb = SafeWorkbook()
    ws = wb.active
    ws.title = "disagreements"
    head = ["#", "excerpt", "source", "subtheme", "differ on", "status", "note", "text", *agenda.coders,
            "agreed set", "decision (accept CODER / write / reject / open)"]
    ws.append(head)
    for n, item in enumerate(agenda.items, start=1):
        e = item.excerpt
        ws.append([n, *(v for v in (e.key, e.source, item.subtheme, item.kind, item.status,
                                                 item.note, e.text)),
                   *(_side(item, c) if c in item.views else "" for c in agenda.coders),
                   "; ".join(describe(c).split(" · ", 1)[1] for c in item.agreed), ""])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    widths = [4, 9, 8, 28, 12, 12, 20, 60] + [24] * len(agenda.coders) + [24, 28]
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[ws.cell(1, i).column_letter].width = w
    ws.freeze_panes = "C2"
    about = wb.create_sheet("coverage")
    about.append([coverage_line(agenda.coverage)])
    about.append([f"Overall agreement on which subthemes apply (Krippendorff's α): {agenda.overall_alpha}"])
    about.column_dimensions["A"].width = 140
    wb.save(out)


WRITERS: dict[str, Callable[[Agenda, Path | IO[str]], None]] = {"md": disagreements_md, "xlsx": disagreements_xlsx}
