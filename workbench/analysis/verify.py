"""`workbench verify-table`: check a table typed by hand against the lists derived from the codings.

Teams type Table 6 by hand, and hand-typed lists drift: the seed article's own Table 6 prints two
row lists that disagree with the lines beneath them. This reads a typed table in Table 6's shape
(Markdown, CSV or DOCX: a theme/subtheme column, "Benefit [23, 34]", and "PSWs [23]: …" lines),
and reports one finding per differing row: the references missing from it and those extra in it
(marking references to no known source), for the row's list and for each perspective's list.
A tidy CSV as `export table` writes it is read too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from workbench.analysis.table import TableModel
from workbench.core.errors import UserError
from workbench.core.refs import sort_refs

RowKey = tuple[str, str | None]


@dataclass
class TypedRow:
    line: int
    subtheme: str
    valence: str | None
    references: list[str] | None  # None: the row printed no list of its own
    perspectives: list[tuple[str, list[str]]] = field(default_factory=list)


@dataclass
class Finding:
    line: int | None  # where in the typed file; None for a row the file lacks
    subtheme: str
    valence: str | None
    problems: list[str]
    where: str = "line"  # "row" for a Word table
    is_row: bool = True  # False: a name the codebook does not know (no valence to show)

    def __str__(self) -> str:
        where = f"{self.where} {self.line}: " if self.line is not None else ""
        what = f"{self.subtheme} / {self.valence or '(no valence)'}" if self.is_row else self.subtheme
        return f"{where}{what}: {'; '.join(self.problems)}"


def _norm(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split()).casefold()


class Names:
    """Matching typed names to the codebook's, forgiving case and spacing."""

    def __init__(self, model: TableModel) -> None:
        cb = model.codebook
        self.themes = {_norm(t.name): t.name for t in cb.themes}
        self.subthemes = {_norm(s.name): s.name for s in cb.all_subthemes()}
        self.valences = {_norm(v): v for v in cb.valences}
        self.valences.update({_norm(model.valence_word_for(v)): v for v in cb.valences})
        self.perspectives = {_norm(p.name): p.name for p in cb.perspectives}
        self.refs = {_norm(r): r for r in model.sources}
        names = sorted((p.name for p in cb.perspectives), key=len, reverse=True)
        self.entry = re.compile(
            r"(?:^|(?<=[\s(>]))(" + "|".join(re.escape(n) for n in names) + r")"
            r"\s*(?:\^\s*a|ᵃ|\*)?\s*\[([^\]]*)\]\s*:", re.IGNORECASE) if names else None
        self.author_year = model.author_year

    def subtheme(self, text: str) -> tuple[str | None, str | None]:
        """(theme, subtheme) named by a first-column cell; the article runs a theme and its first
        subtheme together ("What the PSW role can bring Wellbeing and recovery")."""
        n = _norm(text)
        if n in self.subthemes:
            return None, self.subthemes[n]
        for tn, theme in self.themes.items():
            if n.startswith(tn + " ") and n[len(tn) + 1:] in self.subthemes:
                return theme, self.subthemes[n[len(tn) + 1:]]
        return None, None

    def parse_refs(self, text: str) -> list[str]:
        sep = ";" if (";" in text or self.author_year) else ","
        out: list[str] = []
        for part in text.split(sep):
            part = part.strip()
            span = re.fullmatch(r"(\d+)\s*[-–]\s*(\d+)", part)
            if span and int(span[1]) < int(span[2]) <= int(span[1]) + 200:
                out += [str(i) for i in range(int(span[1]), int(span[2]) + 1)]
            elif part:
                out.append(self.refs.get(_norm(part), part))
        return out


def parse_typed(grid: list[tuple[int, list[str]]], model: TableModel, file: str) -> tuple[list[TypedRow], list[Finding]]:
    """Typed rows from a three-column grid (header first), and findings for what cannot be read."""
    names = Names(model)
    rows: list[TypedRow] = []
    bad: list[Finding] = []
    current: str | None = None
    body = grid[1:] if grid and "[" not in " ".join(grid[0][1][1:2]) else grid
    for line, cells in body:
        cells = [*cells, "", "", ""][:3] if len(cells) < 3 else cells[:3]
        first, second, third = (c.strip() for c in cells)
        if not second and not third:
            if not first or _norm(first) in names.themes:
                continue
            _theme, sub = names.subtheme(first)
            if sub is None:
                bad.append(Finding(line, first, None, ["neither a theme nor a subtheme of the codebook"], is_row=False))
            current = sub
            continue
        if first:
            _theme, current = names.subtheme(first)
            if current is None:
                bad.append(Finding(line, first, None, ["unknown subtheme (not in the codebook)"], is_row=False))
                continue
        elif current is None:
            continue  # rows under an unknown subtheme were reported with it
        m = re.fullmatch(r"(.*?)\s*\[([^\]]*)\]\s*", second, re.S)
        word = (m[1] if m else second).strip()
        valence = names.valences.get(_norm(word)) if word else None
        if word and valence is None:
            bad.append(Finding(line, f"{current} / {word}", None, ["unknown valence (not in the codebook)"],
                               is_row=False))
            continue
        row = TypedRow(line, current, valence, names.parse_refs(m[2]) if m else None)
        if names.entry is not None:
            for e in names.entry.finditer(third):
                row.perspectives.append((names.perspectives[_norm(e[1])], names.parse_refs(e[2])))
        rows.append(row)
    return rows, bad


def _diff(label: str, typed: list[str], derived: list[str], known: set[str], numeric: bool) -> str | None:
    missing = sort_refs(set(derived) - set(typed), numeric)
    extra = sort_refs(set(typed) - set(derived), numeric and all(x.isdigit() for x in typed))
    if not missing and not extra:
        return None
    parts = []
    if missing:
        parts.append(f"missing {', '.join(missing)}")
    if extra:
        unknown = [r for r in extra if r not in known]
        parts.append(f"extra {', '.join(extra)}" + (f" (no such source: {', '.join(unknown)})" if unknown else ""))
    return f"{label}: {' and '.join(parts)}"


def compare(rows: list[TypedRow], model: TableModel) -> list[Finding]:
    """One finding per typed row that differs from the derived row, then one per derived row the
    typed table lacks."""
    derived = {(st.name, row.valence): row for th in model.themes for st in th.subthemes for row in st.rows}
    known = set(model.sources)
    seen: dict[RowKey, int] = {}
    out = []
    for t in rows:
        key = (t.subtheme, t.valence)
        if key in seen:
            out.append(Finding(t.line, t.subtheme, t.valence, [f"the same row again (first on line {seen[key]})"]))
            continue
        seen[key] = t.line
        d = derived.get(key)
        problems = []
        if d is None:
            refs = sorted({r for _p, rs in t.perspectives for r in rs} | set(t.references or []))
            problems.append("no such row in the codings" + (f" (extra {', '.join(refs)})" if refs else ""))
            out.append(Finding(t.line, t.subtheme, t.valence, problems))
            continue
        if t.references is not None:
            p = _diff("row list", t.references, d.references, known, model.numeric)
            if p:
                problems.append(p)
        by_name = {e.perspective: e for e in d.perspectives}
        typed_names = set()
        for name, refs in t.perspectives:
            typed_names.add(name)
            e = by_name.get(name)
            if e is None:
                problems.append(f"{name} not in the codings (extra {', '.join(refs) or 'nothing'})")
                continue
            p = _diff(f"{name}", refs, e.references, known, model.numeric)
            if p:
                problems.append(p)
        for e in d.perspectives:
            if e.perspective not in typed_names:
                problems.append(f"{e.perspective} {model.refs_text(e.references)} missing from the typed row")
        if problems:
            out.append(Finding(t.line, t.subtheme, t.valence, problems))
    for (sub, val), d in derived.items():
        if (sub, val) not in seen:
            out.append(Finding(None, sub, val, [f"row missing from the typed table ({model.row_label(d)})"]))
    return out


def verify_table(model: TableModel, grid: list[tuple[int, list[str]]], tidy: list[TypedRow] | None, file: str,
                 fmt: str) -> tuple[int, list[Finding]]:
    """(typed rows read, findings) for a typed table (as `formats/typed_table.py` reads it) against
    the table derived from the codings."""
    if tidy is not None:
        names = Names(model)
        bad: list[Finding] = []
        for r in tidy:
            r.subtheme = names.subtheme(r.subtheme)[1] or r.subtheme
            if r.valence:
                r.valence = names.valences.get(_norm(r.valence), r.valence)
            r.perspectives = [(names.perspectives.get(_norm(p), p), [names.refs.get(_norm(x), x) for x in refs])
                              for p, refs in r.perspectives]
            if r.references is not None:
                r.references = [names.refs.get(_norm(x), x) for x in r.references]
        rows = tidy
    else:
        rows, bad = parse_typed(grid, model, file)
    if not rows and not bad:
        raise UserError("no rows in Table 6's shape found (subtheme, 'Benefit [23, 34]', 'PSWs [23]: …')", file)
    findings = bad + compare(rows, model)
    if fmt == "docx":
        for f in findings:
            f.where = "row"
    return len(rows), findings
