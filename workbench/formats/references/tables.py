"""Reference lists as spreadsheets: the CSV exports of Scopus, IEEE Xplore, Springer Link, Embase,
Zotero, Rayyan and Covidence, recognised by their column names (any case, any delimiter)."""

from __future__ import annotations

import re
from pathlib import Path

from workbench.formats.references.model import Library, Reference
from workbench.formats.references.names import REGISTRY, split_glued, split_names

# field → the columns that hold it, most specific first
COLUMNS: dict[str, tuple[str, ...]] = {
    "title": ("title", "document title", "item title", "article title", "primary title", "ti"),
    "authors": ("authors", "author", "author names", "author(s)", "author full names", "au"),
    "journal": ("abbreviated source title", "source title", "publication title", "journal", "journal title",
                "journal/book", "secondary title", "so"),
    "year": ("year", "publication year", "py", "date", "publication date"),
    "volume": ("volume", "journal volume", "vl"),
    "issue": ("issue", "journal issue", "number", "is"),
    "pages": ("pages", "page numbers"),
    "start": ("page start", "start page", "bp"),
    "end": ("page end", "end page", "ep"),
    "doi": ("doi", "item doi", "di"),
}
# columns that tell which database wrote the file (for the note that says how it was read)
SIGNATURES = (
    ("Scopus", {"source title", "author(s) id", "eid"}),
    ("IEEE Xplore", {"document title", "ieee terms", "publication title"}),
    ("Springer Link", {"item title", "item doi", "content type"}),
    ("Embase", {"author names", "emtree drug index terms", "source"}),
    ("Zotero", {"item type", "publication title", "key"}),
)
TITLE_COLUMNS = COLUMNS["title"]


def database_of(header: list[str]) -> str:
    found = set(header)
    return next((name for name, cols in SIGNATURES if len(cols & found) >= 2), "")


def is_reference_table(header: list[str]) -> bool:
    """A title column and no 'ref' column: a reference manager's list, not workbench's sources.csv."""
    return "ref" not in header and any(c in header for c in TITLE_COLUMNS)


def read_table(path: Path) -> Library:
    from workbench.formats.tabular import read_rows

    rows = read_rows(path, (), "csv")
    header = list(rows[0][1]) if rows else []
    database = database_of(header)
    lib = Library(kind=f"{database} CSV" if database else "CSV", notes=rows.notes)
    pick = {k: next((c for c in names if c in header), "") for k, names in COLUMNS.items()}
    file = str(path)
    for line, r in rows:
        values = {k: r.get(col, "").strip() if col else "" for k, col in pick.items()}
        get = values.__getitem__
        raw_authors = get("authors")
        if database == "Springer Link":
            authors = split_glued(raw_authors)
        else:
            authors = split_names([raw_authors])
        journal, year, volume, issue, pages = get("journal"), get("year"), get("volume"), get("issue"), get("pages")
        if database == "Embase" and not journal:  # "Endoscopic Ultrasound (2014) 3:3 (152-160). Date of …"
            journal, year, volume, issue, pages = _embase_source(r.get("source", "")) or (journal, year, volume,
                                                                                         issue, pages)
        if not pages:
            pages = "-".join(p for p in (get("start"), get("end")) if p)
        title = get("title")
        if not title and not authors:
            lib.skipped.append(f"{file}, row {line}: no title and no authors — skipped")
            continue
        registry = REGISTRY.search(" ".join(str(v) for v in r.values()))
        lib.append(Reference(line, authors, title, journal, year, volume, issue, pages, get("doi"),
                             registry.group(1) if registry and not registry.group(1).startswith("CN-") else ""))
    return lib


def _embase_source(value: str) -> tuple[str, str, str, str, str] | None:
    m = re.match(r"^(?P<j>.+?) \((?P<y>\d{4})\)(?: (?P<v>[^:(\s]+)(?::(?P<i>[^\s(]+))?)?(?: \((?P<p>[^)]+)\))?",
                 value.strip())
    if not m:
        return None
    return m["j"], m["y"], m["v"] or "", m["i"] or "", m["p"] or ""
