"""Summaries out to co-researchers (DOCX/XLSX/CSV) and their edits back in, safely.

Many co-researchers write in Word or Excel, not in the app. `build_sheet` lists every cell of
the table with its references, the excerpts behind it and its current summary; each row carries
a key (hidden in the file) with the cell, the summary's version and the references at export.
`apply_edits` reads the edited rows back and writes only the summaries that were changed in the
file — and refuses the whole import, listing the cells, when any edited cell changed in the
project since the export (someone saved its summary, or its codings now give other references):
writing over those would silently throw away a colleague's work or summarise evidence that is
no longer the cell's. Nothing is written when it refuses.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from workbench.analysis.table import build_table
from workbench.core.errors import UserError
from workbench.core.gate import check_text, text_problem
from workbench.core.ids import now
from workbench.core.model import Summary
from workbench.store.viewer import CoderView

KEY_PREFIX = "workbench-cell:"
MAX_EXCERPTS = 40  # per cell in a sheet; Excel caps a cell at 32,767 characters


def text_hash(text: str) -> str:
    """A fingerprint of a summary that ignores what Word and Excel do to whitespace."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()[:16]


@dataclass
class SheetCell:
    theme: str
    subtheme: str
    valence: str | None
    perspective: str
    references: list[str]
    summary: str
    version: int  # 0: no summary yet
    stale: bool
    excerpts: list[tuple[str, str, str]] = field(default_factory=list)  # (ref, excerpt id, text)
    more_excerpts: int = 0

    def key(self, coders: str) -> str:
        """The hidden key written beside the row: enough to tell later whether the cell moved on."""
        return KEY_PREFIX + json.dumps({"subtheme": self.subtheme, "valence": self.valence,
                                        "perspective": self.perspective, "version": self.version,
                                        "references": self.references, "text": text_hash(self.summary),
                                        "coders": coders}, ensure_ascii=False, separators=(",", ":"))


@dataclass
class SummarySheet:
    title: str
    coders: str
    cells: list[SheetCell]
    refs_text: Any  # TableModel.refs_text: '[23, 34]' or '[Abara 2019; Chen 2022]'
    exported: str = field(default_factory=now)


def build_sheet(view: CoderView, coders: str | None = None) -> SummarySheet:
    """Every cell of the table (for the chosen coders, as `view` may see them) with its excerpts and
    current summary."""
    project = view.project
    model = build_table(view, coders)
    versions = {(s.subtheme, s.valence, s.perspective): s.version for s in project.summaries.all()}
    texts = {e.key: e.text for e in project.records.excerpts()}
    cells = []
    for theme, subtheme, row, e in model.entries():
        cell = model.derivation.cell(subtheme, row.valence, e.perspective)
        excerpts = [(ref, key, texts.get(key, "")) for ref in e.references
                    for key in (cell.excerpts.get(ref, []) if cell else [])]
        cells.append(SheetCell(theme, subtheme, row.valence, e.perspective, e.references, e.summary,
                               versions.get((subtheme, row.valence, e.perspective), 0), e.stale,
                               excerpts[:MAX_EXCERPTS], max(0, len(excerpts) - MAX_EXCERPTS)))
    return SummarySheet(model.title, model.derivation.coder_choice, cells, model.refs_text)


@dataclass
class EditedRow:
    """One row read back from a summaries file."""

    line: int
    subtheme: str
    valence: str | None
    perspective: str
    text: str
    key: dict[str, Any] | None = None  # the hidden key (DOCX/XLSX); None for a plain CSV row
    version: int | None = None  # a CSV's version column, if it has one


def parse_key(raw: str, file: str, line: int) -> dict[str, Any]:
    raw = raw.strip()
    if not raw.startswith(KEY_PREFIX):
        raise UserError("the hidden cell key was removed or changed; export the summaries again", file, line, "row")
    try:
        key = json.loads(raw[len(KEY_PREFIX):])
    except json.JSONDecodeError:
        raise UserError("the hidden cell key is damaged; export the summaries again", file, line, "row") from None
    if not isinstance(key, dict) or not {"subtheme", "valence", "perspective", "version"} <= set(key):
        raise UserError("the hidden cell key is incomplete; export the summaries again", file, line, "row")
    problem = _key_problem(key)
    if problem:
        raise UserError(f"the hidden cell key was changed ({problem}); export the summaries again", file, line, "row")
    return key


def _key_problem(key: dict[str, Any]) -> str | None:
    """The gate for a key read back from a file: each field of the type `SheetCell.key` wrote, so a
    list or mapping where a name belongs is refused here instead of failing as a dictionary key."""
    for name in ("subtheme", "perspective"):
        if not isinstance(key[name], str) or not key[name]:
            return f"'{name}' is not a name"
    if key["valence"] is not None and not isinstance(key["valence"], str):
        return "'valence' is not a name"
    version = key["version"]
    if isinstance(version, bool) or not isinstance(version, int) or version < 0:
        return "'version' is not a whole number"
    refs = key.get("references", [])
    if not isinstance(refs, list) or not all(isinstance(r, str | int) and not isinstance(r, bool) for r in refs):
        return "'references' is not a list of labels"
    for name in ("text", "coders"):
        if key.get(name) is not None and not isinstance(key[name], str):
            return f"'{name}' is not text"
    for name in ("subtheme", "valence", "perspective", "coders"):
        if isinstance(key.get(name), str) and text_problem(key[name]):
            return f"'{name}' {text_problem(key[name])}"
    return None


@dataclass
class ImportReport:
    written: int = 0
    unchanged: int = 0
    emptied: int = 0  # summaries deleted in the file: never cleared by an import
    refused: list[str] = field(default_factory=list)  # one line per cell changed since the export

    def __str__(self) -> str:
        text = f"{self.written} summar{'y' if self.written == 1 else 'ies'} written, {self.unchanged} unchanged"
        if self.emptied:
            text += f", {self.emptied} left empty in the file (not cleared; use 'summary set' to change them)"
        return text


def _cell_name(subtheme: str, valence: str | None, perspective: str) -> str:
    return f"{subtheme} / {valence or '(no valence)'} / {perspective}"


def apply_edits(view: CoderView, rows: list[EditedRow], file: str, author: str) -> ImportReport:
    """Write the edited summaries in one transaction, or nothing if any edited cell moved on."""
    project = view.project
    cb = project.codebook.get()
    known_sub = {s.name for s in cb.all_subthemes()}
    known_val = set(cb.valences)
    known_per = {p.name for p in cb.perspectives}
    for r in rows:
        check_text(r.text, file, r.line, "summary")
        if r.subtheme not in known_sub:
            raise UserError(f"unknown subtheme '{r.subtheme}'", file, r.line, "row")
        if r.valence is not None and r.valence not in known_val:
            raise UserError(f"unknown valence '{r.valence}'", file, r.line, "row")
        if r.perspective not in known_per:
            raise UserError(f"unknown perspective '{r.perspective}'", file, r.line, "row")
    current: dict[tuple[str, str | None, str], Summary] = {
        (s.subtheme, s.valence, s.perspective): s for s in project.summaries.all()}
    derived: dict[str, dict[tuple[str, str | None, str | None], list[str]]] = {}

    def refs_now(coders: str, cell: tuple[str, str | None, str]) -> list[str]:
        if coders not in derived:
            d = project_cells(view, coders)
            derived[coders] = d
        return derived[coders].get(cell, [])

    report = ImportReport()
    todo: list[tuple[EditedRow, int | None, list[str] | None]] = []
    for r in rows:
        cell = (r.subtheme, r.valence, r.perspective)
        have = current.get(cell)
        have_version = have.version if have else 0
        have_text = have.text if have else ""
        if not r.text.strip():
            if have_text.strip():
                report.emptied += 1
            else:
                report.unchanged += 1
            continue
        if r.key is not None:
            if text_hash(r.text) == r.key.get("text") or " ".join(r.text.split()) == " ".join(have_text.split()):
                report.unchanged += 1
                continue
            coders = str(r.key.get("coders") or "consensus")
            refs = refs_now(coders, cell)
            was = [str(x) for x in r.key.get("references", [])]
            if have_version != r.key["version"]:
                who = f" by {have.author}" if have and have.author else ""
                report.refused.append(f"{_cell_name(*cell)}: its summary was saved{who} since the export "
                                      f"(version {r.key['version']} then, {have_version} now)")
            elif refs != was:
                report.refused.append(f"{_cell_name(*cell)}: its references changed since the export "
                                      f"({', '.join(was) or 'none'} then, {', '.join(refs) or 'none'} now)")
            else:
                todo.append((r, r.key["version"], refs))
        else:
            if " ".join(r.text.split()) == " ".join(have_text.split()):
                report.unchanged += 1
                continue
            if r.version is not None and r.version != have_version:
                report.refused.append(f"{_cell_name(*cell)}: its summary was saved since the file was written "
                                      f"(version {r.version} in the file, {have_version} now)")
                continue
            todo.append((r, r.version, None))
    if report.refused:
        return report
    with project.write() as conn:
        for r, version, given in todo:
            cell_refs = given if given is not None else refs_now("default", (r.subtheme, r.valence, r.perspective))
            project.summaries.set(r.subtheme, r.valence, r.perspective, r.text.strip(), author, ",".join(cell_refs),
                                version, conn)
            report.written += 1
    return report


def project_cells(view: CoderView, coders: str) -> dict[tuple[str, str | None, str | None], list[str]]:
    from workbench.analysis.cells import derive_cells

    d = derive_cells(view, None if coders == "default" else coders)
    return {c.key: c.refs for c in d.cells}
