"""The record files of DESIGN.md's stable interface: their columns, and rows ↔ domain objects.

Inputs need the required columns; exports add `uuid` and `time`, and imports keep those where
given, so export → import gives back the same project, UUIDs included.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any, TypeVar

from workbench.core import gate
from workbench.core.errors import UserError
from workbench.core.model import Codebook, Coding, Excerpt, Source, Summary
from workbench.formats.tabular import Row, Rows, read_rows, write_rows

REQUIRED = {
    "sources": ("ref", "citation", "year", "design", "quality", "groups"),
    "excerpts": ("id", "source", "text", "perspective"),
    "codings": ("excerpt", "subtheme", "coder", "valence", "perspective"),
    "summaries": ("subtheme", "valence", "perspective", "summary"),
}
COLUMNS = {
    "sources": ("ref", "citation", "year", "design", "quality", "groups", "doi", "uuid"),
    "excerpts": ("id", "source", "text", "perspective", "location", "start", "end", "uuid"),
    "codings": ("excerpt", "subtheme", "coder", "valence", "perspective", "start", "end", "note", "origin",
                "nothing_applies", "uuid", "time"),
    "summaries": ("subtheme", "valence", "perspective", "summary", "author", "version", "references", "uuid",
                  "time"),
}


MAX_PROBLEMS = 50
T = TypeVar("T")


class RowProblems:
    """Every bad row of a file, so one run lists them all (up to MAX_PROBLEMS) instead of fix, rerun, fix."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.lines: list[tuple[int, str]] = []
        self.count = 0
        self.first: UserError | None = None

    def add(self, error: UserError) -> None:
        self.count += 1
        located = error if error.file else error.located(self.file)
        self.first = self.first or located
        self.lines.append((located.line or 0, str(located)))

    def check(self) -> None:
        """Raise one UserError carrying one line per problem; nothing has been written yet."""
        if not self.lines:
            return
        if self.count == 1 and self.first is not None:
            raise self.first
        more = f" (the first {MAX_PROBLEMS} are listed)" if self.count > MAX_PROBLEMS else ""
        rows = len({line for line, _ in self.lines})
        what = f"{rows} row{'s' if rows > 1 else ''}"
        if rows != self.count:  # a row can have several problems (an unknown excerpt and subtheme)
            what = f"{self.count} problems in {what}"
        head = f"{self.file}: {what} to fix{more}; nothing was imported"
        shown = sorted(self.lines, key=lambda x: x[0])[:MAX_PROBLEMS]
        raise UserError("\n".join([head, *(text for _, text in shown)]))


class Records(list[tuple[int, T]]):
    """Rows read from a file, with notes on how it was read (an encoding guessed, names matched)."""

    def __init__(self, rows: Iterable[tuple[int, T]] = (), notes: Sequence[str] = ()) -> None:
        super().__init__(rows)
        self.notes = list(notes)
        self.nothing_applies: list[tuple[int, NothingApplies]] = []  # codings files only


def _each(rows: Rows, file: str, build: Callable[[int, Row], T], cb: Codebook | None = None,
          known_keys: tuple[str, set[str]] | None = None) -> Records[T]:
    problems = RowProblems(file)
    out: Records[T] = Records(notes=rows.notes)
    for line, r in rows:
        try:
            out.append((line, build(line, r)))
        except UserError as e:
            problems.add(e)
    return _matched(out, cb, file, problems, known_keys)


def _matched(out: Records[T], cb: Codebook | None, file: str, problems: RowProblems,
             known_keys: tuple[str, set[str]] | None = None) -> Records[T]:
    if cb is not None:
        rows, notes = match_names(out, cb, file, problems, known_keys)
        out = Records(rows, [*out.notes, *notes])
    problems.check()
    return out


def match_names(rows: Sequence[tuple[int, Any]], cb: Codebook, file: str, problems: RowProblems | None = None,
                known_keys: tuple[str, set[str]] | None = None) -> tuple[list[tuple[int, Any]], list[str]]:
    """Subtheme, valence and perspective names as the codebook spells them.

    A name that differs only in case or surrounding spaces ("wellbeing and recovery ", "Challenge",
    "psws") is taken as the codebook's, with one note per name; any other unknown name is a problem
    of its row, with "did you mean …" when a codebook name is close (rapidfuzz). `known_keys`
    (field, values) checks one more field the same way, exactly: a coding's excerpt, an excerpt's
    source. Every row is checked before anything is written."""
    known = {"subtheme": [s.name for s in cb.all_subthemes()], "valence": list(cb.valences),
             "perspective": [p.name for p in cb.perspectives]}
    exact = {k: set(names) for k, names in known.items()}
    folded = {k: {n.strip().casefold(): n for n in names} for k, names in known.items()}
    changed: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    problems = problems or RowProblems(file)
    out = []
    subs, vals, pers = exact["subtheme"], exact["valence"], exact["perspective"]
    hints: dict[tuple[str, str], str] = {}
    key_field, keys = known_keys or ("", set())
    for line, item in rows:
        if key_field and getattr(item, key_field) not in keys:
            problems.add(UserError(f"unknown {key_field} '{getattr(item, key_field)}' (not in the project)", file,
                                   line, "row"))
        # the common row names what the codebook names: one test per field, nothing built
        s_, v_, p_ = getattr(item, "subtheme", None), getattr(item, "valence", None), item.perspective
        if (not s_ or s_ in subs) and (not v_ or v_ in vals) and (not p_ or p_ in pers):
            out.append((line, item))
            continue
        updates: dict[str, str] = {}
        for kind in ("subtheme", "valence", "perspective"):
            value = getattr(item, kind, None)
            if not value or value in exact[kind]:
                continue
            match = folded[kind].get(value.strip().casefold())
            if match is not None:
                updates[kind] = match
                changed[(kind, value, match)].append(line)
                continue
            if (kind, value) not in hints:  # a file may repeat one wrong name on thousands of rows
                hints[(kind, value)] = _suggest(value, known[kind], kind)
            problems.add(UserError(f"unknown {kind} '{value}'{hints[(kind, value)]}", file, line, "row"))
        out.append((line, replace(item, **updates) if updates else item))
    problems.check()
    notes = [f"{file}: {kind} '{old}' read as '{new}' (case or spaces differ) in row{'s' if len(lines) > 1 else ''} "
             f"{_ranges(lines)}" for (kind, old, new), lines in changed.items()]
    return out, notes


def _suggest(value: str, names: list[str], kind: str) -> str:
    if not names:
        return f" (the codebook has no {kind}s)"
    from rapidfuzz import fuzz, process, utils

    best = process.extractOne(value, names, scorer=fuzz.WRatio, processor=utils.default_process, score_cutoff=75)
    if best is not None:
        return f" — did you mean '{best[0]}'?"
    shown = ", ".join(f"'{n}'" for n in names[:8]) + (" …" if len(names) > 8 else "")
    return f" (the codebook's {kind}s: {shown})"


def _ranges(lines: list[int]) -> str:
    shown = ", ".join(str(n) for n in lines[:10])
    return shown + (f" and {len(lines) - 10} more" if len(lines) > 10 else "")


def _int(row: Row, key: str, file: str, line: int) -> int | None:
    value = row.get(key, "").strip()
    if not value:
        return None
    try:
        number = int(float(value)) if value.replace(".", "", 1).isdigit() else int(value)
    except ValueError:
        raise UserError(f"{key} must be a whole number, not '{value}'", file, line, "row") from None
    if number < 0:
        raise UserError(f"{key} must not be negative", file, line, "row")
    return number


def _need(row: Row, key: str, file: str, line: int) -> str:
    value = row.get(key, "").strip()
    if not value:
        raise UserError(f"empty {key}", file, line, "row")
    return value


def read_sources(path: Path, fmt: str | None = None) -> list[tuple[int, Source]]:
    f = str(path)
    out = _each(read_rows(path, REQUIRED["sources"], fmt), f, lambda line, r: Source(
        _need(r, "ref", f, line), r.get("citation", ""), r.get("year", "").strip(), r.get("design", ""),
        r.get("quality", "").strip(), r.get("groups", ""), r.get("doi", "").strip(), r.get("uuid", "").strip()))
    gate.check_sources(out, f)
    return out


def read_excerpts(path: Path, fmt: str | None = None, codebook: Codebook | None = None,
                  sources: set[str] | None = None) -> Records[Excerpt]:
    f = str(path)
    out = _each(read_rows(path, REQUIRED["excerpts"], fmt), f, lambda line, r: Excerpt(
        _need(r, "id", f, line), _need(r, "source", f, line), r.get("text", ""), r.get("perspective", "").strip(),
        r.get("location", ""), r.get("uuid", "").strip(), _int(r, "start", f, line), _int(r, "end", f, line)),
        codebook, ("source", sources) if sources is not None else None)
    gate.check_excerpts(out, f)
    return out


@dataclass(frozen=True)
class NothingApplies:
    """A coder read the excerpt and found no subtheme fits: in a codings file, a row with no
    subtheme and `nothing_applies` set, so export → import keeps it (agreement counts it)."""

    excerpt: str
    coder: str
    uuid: str = ""


YES = frozenset({"yes", "y", "true", "1", "x"})


def read_codings(path: Path, fmt: str | None = None, codebook: Codebook | None = None,
                 excerpts: set[str] | None = None) -> Records[Coding]:
    """The codings of a file; with `codebook`, names are matched to it (see `match_names`), with
    `excerpts` (their keys) excerpts are checked too, and every bad row, unreadable or unknown, is
    reported in one UserError. Its "nothing applies" rows come as `.nothing_applies`."""
    f = str(path)
    rows = read_rows(path, REQUIRED["codings"], fmt)
    out: Records[Coding] = Records(notes=rows.notes)
    nothing: list[tuple[int, NothingApplies]] = []
    append = out.append
    problems = RowProblems(f)
    # Written for speed (an import of 500,000 codings spends its Python time here): the common row,
    # with no span, is built without the helper calls that the rare cases need.
    for line, r in rows:
        get = r.get
        excerpt, subtheme, coder = get("excerpt", "").strip(), get("subtheme", "").strip(), get("coder", "").strip()
        try:
            if not subtheme and get("nothing_applies", "").strip().casefold() in YES:
                _need(r, "excerpt", f, line)
                _need(r, "coder", f, line)
                if excerpts is not None and excerpt not in excerpts:
                    raise UserError(f"unknown excerpt '{excerpt}' in a 'nothing applies' row (not in the project)",
                                    f, line, "row")
                nothing.append((line, NothingApplies(excerpt, coder, get("uuid", "").strip())))
                continue
            if not (excerpt and subtheme and coder):
                for key in ("excerpt", "subtheme", "coder"):
                    _need(r, key, f, line)
            start, end = get("start"), get("end")
            append((line, Coding(
                excerpt, subtheme, coder, get("valence", "").strip() or None, get("perspective", "").strip() or None,
                _int(r, "start", f, line) if start else None, _int(r, "end", f, line) if end else None,
                get("note", ""), get("uuid", "").strip(), get("time", "").strip(), get("origin", "").strip())))
        except UserError as e:
            problems.add(e)
    out = _matched(out, codebook, f, problems, ("excerpt", excerpts) if excerpts is not None else None)
    gate.check_codings(out, f)
    out.nothing_applies = nothing
    return out


def read_summaries(path: Path, fmt: str | None = None, codebook: Codebook | None = None) -> Records[Summary]:
    """The summaries of a file; with `codebook`, names are matched to it as for codings."""
    f = str(path)
    out = _each(read_rows(path, REQUIRED["summaries"], fmt), f, lambda line, r: Summary(
        _need(r, "subtheme", f, line), r.get("valence", "").strip() or None, _need(r, "perspective", f, line),
        r.get("summary", ""), r.get("uuid", "").strip(), r.get("time", "").strip(), r.get("author", "").strip(),
        _int(r, "version", f, line) or 1, r.get("references", "").strip()), codebook)
    gate.check_summaries(out, f)
    return out


READERS: dict[str, Callable[[Path, str | None], Any]] = {"sources": read_sources, "excerpts": read_excerpts,
           "codings": read_codings,
           "summaries": read_summaries}


def _rows(kind: str, items: Iterable[Any]) -> Iterable[dict[str, Any]]:
    for x in items:
        if kind == "sources":
            yield dict(ref=x.ref, citation=x.citation, year=x.year, design=x.design, quality=x.quality,
                       groups=x.groups, doi=x.doi, uuid=x.uuid)
        elif kind == "excerpts":
            yield {"id": x.key, "source": x.source, "text": x.text, "perspective": x.perspective,
                   "location": x.location, "start": x.start, "end": x.end, "uuid": x.uuid}
        elif kind == "codings" and isinstance(x, NothingApplies):
            yield dict(excerpt=x.excerpt, subtheme="", coder=x.coder, nothing_applies="yes", uuid=x.uuid)
        elif kind == "codings":
            yield dict(excerpt=x.excerpt, subtheme=x.subtheme, coder=x.coder, valence=x.valence,
                       perspective=x.perspective, start=x.start, end=x.end, note=x.note, origin=x.origin,
                       uuid=x.uuid, time=x.time)
        else:
            yield dict(subtheme=x.subtheme, valence=x.valence, perspective=x.perspective, summary=x.text,
                       author=x.author, version=x.version, references=x.references, uuid=x.uuid, time=x.time)


def write_records(kind: str, items: Sequence[Any], out: Path | IO[str], fmt: str) -> None:
    """`sources_csv`, `codings_xlsx` … in one: the columns of `kind` in the chosen format."""
    write_rows(out, COLUMNS[kind], _rows(kind, items), fmt, sheet=kind)
