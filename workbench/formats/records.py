"""The record files of DESIGN.md's stable interface: their columns, and rows ↔ domain objects.

Inputs need the required columns; exports add `uuid` and `time`, and imports keep those where
given, so export → import gives back the same project, UUIDs included.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO, Any

from workbench.core.errors import UserError
from workbench.core.model import Coding, Excerpt, Source, Summary
from workbench.formats.tabular import Row, read_rows, write_rows

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
                "uuid", "time"),
    "summaries": ("subtheme", "valence", "perspective", "summary", "author", "version", "references", "uuid",
                  "time"),
}


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
    out = []
    for line, r in read_rows(path, REQUIRED["sources"], fmt):
        out.append((line, Source(_need(r, "ref", f, line), r.get("citation", ""), r.get("year", "").strip(),
                                 r.get("design", ""), r.get("quality", "").strip(), r.get("groups", ""),
                                 r.get("doi", "").strip(), r.get("uuid", "").strip())))
    return out


def read_excerpts(path: Path, fmt: str | None = None) -> list[tuple[int, Excerpt]]:
    f = str(path)
    out = []
    for line, r in read_rows(path, REQUIRED["excerpts"], fmt):
        out.append((line, Excerpt(_need(r, "id", f, line), _need(r, "source", f, line), r.get("text", ""),
                                  r.get("perspective", "").strip(), r.get("location", ""),
                                  r.get("uuid", "").strip(), _int(r, "start", f, line), _int(r, "end", f, line))))
    return out


def read_codings(path: Path, fmt: str | None = None) -> list[tuple[int, Coding]]:
    f = str(path)
    out: list[tuple[int, Coding]] = []
    append = out.append
    # Written for speed (an import of 500,000 codings spends its Python time here): the common row,
    # with no span, is built without the helper calls that the rare cases need.
    for line, r in read_rows(path, REQUIRED["codings"], fmt):
        get = r.get
        excerpt, subtheme, coder = get("excerpt", "").strip(), get("subtheme", "").strip(), get("coder", "").strip()
        if not (excerpt and subtheme and coder):
            for key in ("excerpt", "subtheme", "coder"):
                _need(r, key, f, line)
        start, end = get("start"), get("end")
        append((line, Coding(
            excerpt, subtheme, coder, get("valence", "").strip() or None, get("perspective", "").strip() or None,
            _int(r, "start", f, line) if start else None, _int(r, "end", f, line) if end else None,
            get("note", ""), get("uuid", "").strip(), get("time", "").strip(), get("origin", "").strip())))
    return out


def read_summaries(path: Path, fmt: str | None = None) -> list[tuple[int, Summary]]:
    f = str(path)
    out = []
    for line, r in read_rows(path, REQUIRED["summaries"], fmt):
        version = _int(r, "version", f, line) or 1
        out.append((line, Summary(_need(r, "subtheme", f, line), r.get("valence", "").strip() or None,
                                  _need(r, "perspective", f, line), r.get("summary", ""),
                                  r.get("uuid", "").strip(), r.get("time", "").strip(),
                                  r.get("author", "").strip(), version, r.get("references", "").strip())))
    return out


READERS = {"sources": read_sources, "excerpts": read_excerpts, "codings": read_codings,
           "summaries": read_summaries}


def _rows(kind: str, items: Iterable[Any]) -> Iterable[dict[str, Any]]:
    for x in items:
        if kind == "sources":
            yield dict(ref=x.ref, citation=x.citation, year=x.year, design=x.design, quality=x.quality,
                       groups=x.groups, doi=x.doi, uuid=x.uuid)
        elif kind == "excerpts":
            yield {"id": x.key, "source": x.source, "text": x.text, "perspective": x.perspective,
                   "location": x.location, "start": x.start, "end": x.end, "uuid": x.uuid}
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
