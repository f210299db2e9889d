"""Agreement figures as Markdown, CSV, JSON and XLSX: `agreement_<format>(agreement, out, by=…)`.

Every format says in words where alpha or kappa is undefined, never a number, so a methods
section cannot quote a figure that does not exist.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any, Protocol

from workbench.analysis.agreement import LEVELS, Agreement, AgreementRow, Measure
from workbench.core.errors import UserError
from workbench.formats.cells_safe import md_cell, md_text
from workbench.formats.tabular import write_rows

FORMATS = ("md", "csv", "json", "xlsx")
MEASURE_NAMES = {"subtheme": "subtheme applies", "valence": "same valence", "perspective": "same perspective"}
UNITS_WORD = {"subtheme": "excerpt × subtheme", "valence": "coded by 2+", "perspective": "coded by 2+"}
DEFINITIONS = (
    "Unit: an excerpt that two or more of the chosen coders coded or marked 'nothing applies'. "
    "'subtheme applies': for each unit and subtheme, present or absent (a coder who did not code the "
    "excerpt is missing). 'same valence' / 'same perspective': for each excerpt × subtheme that two or "
    "more coders applied, the set of valences (perspectives) each gave it. Per theme and overall, the "
    "units are excerpt × subtheme pairs pooled over the subthemes. Krippendorff's alpha is nominal with "
    "missing values; Cohen's kappa is per pair of coders with chance agreement Pe = sum over categories "
    "of p1k·p2k; percent agreement is agreeing coder pairs over all coder pairs within units."
)


def _levels(by: str) -> tuple[str, ...]:
    return LEVELS[LEVELS.index(by):]


def _num(value: float | None, digits: int = 3) -> str:
    return "undefined" if value is None else f"{value:.{digits}f}"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


def flat(a: Agreement, by: str = "subtheme") -> Iterator[dict[str, Any]]:
    """One dict per row with every figure, the shape CSV and XLSX write."""
    for r in a.down_to(by):
        m = r.measure
        row: dict[str, Any] = {"level": r.level, "theme": r.theme or "", "name": r.name, "measure": r.field,
                               "units": m.units,
                               "percent_agreement": None if m.percent is None else round(100 * m.percent, 2),
                               "alpha": None if m.alpha is None else round(m.alpha, 4)}
        for pair, k in m.kappa.items():
            row[f"kappa {pair}"] = None if k.value is None else round(k.value, 4)
        row["note"] = m.notes()
        yield row


def columns(a: Agreement) -> list[str]:
    return ["level", "theme", "name", "measure", "units", "percent_agreement", "alpha",
            *[f"kappa {p}" for p in a.pairs], "note"]


def agreement_csv(a: Agreement, out: Path | IO[str], by: str = "subtheme") -> None:
    write_rows(out, columns(a), flat(a, by), "csv")


def agreement_json(a: Agreement, out: Path | IO[str], by: str = "subtheme") -> None:
    doc = {
        "coders": a.coders, "units": a.units, "coded": a.coded, "definitions": DEFINITIONS,
        "rows": [{"level": r.level, "name": r.name, "theme": r.theme, "measure": r.field,
                  "units": r.measure.units, "percent_agreement": r.measure.percent,
                  "alpha": r.measure.alpha, "alpha_note": r.measure.alpha_note or None,
                  "kappa": {p: {"value": k.value, "note": k.note or None, "units": k.units}
                            for p, k in r.measure.kappa.items()}} for r in a.down_to(by)],
        "spans": [{"subtheme": s.subtheme, "items": s.items, "pairs": s.pairs, "mean_iou": s.mean_iou}
                  for s in a.spans],
    }
    text = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    if isinstance(out, Path):
        out.write_text(text, encoding="utf-8")
    else:
        out.write(text)


def _kappa_cells(a: Agreement, m: Measure) -> list[str]:
    if len(a.pairs) <= 3:
        return [_num(m.kappa[p].value) for p in a.pairs]
    values = [k.value for k in m.kappa.values() if k.value is not None]
    return [_num(sum(values) / len(values)) if values else "undefined"]


def _kappa_heads(a: Agreement) -> list[str]:
    return [f"κ {p}" for p in a.pairs] if len(a.pairs) <= 3 else ["mean pairwise κ"]


def _table(head: list[str], body: Iterable[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(md_cell(h) for h in head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    lines += ["| " + " | ".join(md_cell(c) for c in row) + " |" for row in body]
    return lines


def agreement_md(a: Agreement, out: Path | IO[str], by: str = "subtheme") -> None:
    lines = ["# Inter-coder agreement", "",
             md_text(f"Coders: {', '.join(a.coders)}. Units: {a.units} excerpts coded (or marked 'nothing applies') "
                     "by two or more of them (" + ", ".join(f"{c} {n}" for c, n in a.coded.items()) + ")."), ""]
    notes: list[str] = []
    head = ["units", "agreement", "Krippendorff's α", *_kappa_heads(a)]

    def cells(r: AgreementRow) -> list[str]:
        m = r.measure
        if m.notes():
            notes.append(f"{r.name} — {MEASURE_NAMES[r.field]}: {m.notes()}.")
        return [f"{m.units:,}", _pct(m.percent), _num(m.alpha), *_kappa_cells(a, m)]

    rows = a.down_to(by)
    lines += ["## Overall", ""]
    lines += _table(["measure", *head], ([MEASURE_NAMES[r.field], *cells(r)] for r in rows if r.level == "overall"))
    if "theme" in _levels(by):
        lines += ["", "## By theme", ""]
        lines += _table(["theme", "measure", *head],
                        ([r.name, MEASURE_NAMES[r.field], *cells(r)] for r in rows if r.level == "theme"))
    if by == "subtheme":
        lines += ["", "## By subtheme", ""]
        lines += _table(["subtheme", "measure", *head],
                        ([r.name, MEASURE_NAMES[r.field], *cells(r)] for r in rows if r.level == "subtheme"))
    if len(a.pairs) > 3:
        lines += ["", "## Cohen's κ by pair of coders (overall)", ""]
        lines += _table(["pair", *(MEASURE_NAMES[f] for f in ("subtheme", "valence", "perspective"))],
                        ([p, *(_num(a.overall(f).kappa[p].value) for f in ("subtheme", "valence", "perspective"))]
                         for p in a.pairs))
    if a.spans:
        lines += ["", "## Span overlap", "",
                  "Where coders marked parts of an excerpt: mean intersection over union of the characters "
                  "each pair of coders marked for the same subtheme (1 = the same characters).", ""]
        lines += _table(["subtheme", "items", "coder pairs", "mean overlap"],
                        ([s.subtheme, str(s.items), str(s.pairs), _num(s.mean_iou)] for s in a.spans))
    if notes:
        lines += ["", "## Where a figure is undefined", ""] + [f"- {md_text(n)}" for n in notes]
    lines += ["", "## How these are computed", "", DEFINITIONS, ""]
    text = "\n".join(lines)
    if isinstance(out, Path):
        out.write_text(text, encoding="utf-8")
    else:
        out.write(text)


def agreement_xlsx(a: Agreement, out: Path | IO[str], by: str = "subtheme") -> None:
    if not isinstance(out, Path):
        raise UserError("an .xlsx file is binary: write it to a file (-o FILE.xlsx)")
    from openpyxl.styles import Font

    from workbench.formats.cells_safe import SafeWorkbook


    wb = SafeWorkbook()
    ws = wb.active
    ws.title = "agreement"
    cols = columns(a)
    ws.append(cols)
    for row in flat(a, by):
        ws.append([row.get(c) for c in cols])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    for letter, width in zip("ABCDEFG", (10, 30, 40, 12, 8, 10, 8), strict=True):
        ws.column_dimensions[letter].width = width
    if a.spans:
        sp = wb.create_sheet("span overlap")
        sp.append(["subtheme", "items", "coder pairs", "mean overlap (IoU)"])
        for s in a.spans:
            sp.append([s.subtheme, s.items, s.pairs, s.mean_iou])
    about = wb.create_sheet("about")
    about.append(["coders", ", ".join(a.coders)])
    about.append(["units (excerpts)", a.units])
    about.append(["definitions", DEFINITIONS])
    about.column_dimensions["B"].width = 120
    wb.save(out)


class AgreementWriter(Protocol):
    def __call__(self, a: Agreement, out: Path | IO[str], by: str = "subtheme") -> None: ...


WRITERS: dict[str, AgreementWriter] = {"md": agreement_md, "csv": agreement_csv, "json": agreement_json, "xlsx": agreement_xlsx}
