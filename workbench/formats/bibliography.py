"""Sources from a reference library: RIS (EndNote, Zotero, Mendeley), BibTeX, PubMed NBIB, or a CSV
export with title/author/year/DOI columns (Zotero, Rayyan, Covidence).

Each reference becomes a source with a Vancouver-style citation ("Walker G, Bryant W. Title.
Journal. 2013;20:48–64."), its year and DOI. Labels are assigned in a stable order — by first
author, year, then title — so the same library gives the same labels whatever order the reference
manager exported it in. Numeric labels continue after the highest one in the project and existing
labels never change (`--renumber` asks for that explicitly); author–year labels ("Walker 2013",
"Walker and Bryant 2013", "Walker et al. 2013") get a, b … on a clash. A reference already in the
project or earlier in the file — same DOI, or same title once case, accents and punctuation are
ignored — is skipped and reported, never imported twice.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from workbench.core.errors import UserError
from workbench.core.ids import stable_uuid
from workbench.core.model import Source

SUFFIXES = (".ris", ".bib", ".bibtex", ".nbib")
MAX_BYTES = 100 * 1024**2


@dataclass
class Reference:
    """One entry of a library, as far as a citation needs it."""

    line: int
    authors: list[str] = field(default_factory=list)  # "Family, Given" or "Family G" as written
    title: str = ""
    journal: str = ""
    year: str = ""
    volume: str = ""
    issue: str = ""
    pages: str = ""
    doi: str = ""


class BibliographyRows(list[tuple[int, Source]]):
    """The rows to import, plus one message per reference skipped as a duplicate."""

    def __init__(self, rows: Sequence[tuple[int, Source]] = (), skipped: Sequence[str] = ()) -> None:
        super().__init__(rows)
        self.skipped = list(skipped)


def is_bibliography(path: Path) -> bool:
    """True for .ris/.bib/.nbib, and for a CSV with a title column but no 'ref' column."""
    suffix = path.suffix.lower()
    if suffix in SUFFIXES:
        return True
    if suffix != ".csv" or not path.is_file():
        return False
    try:
        with path.open(encoding="utf-8-sig", errors="replace") as fh:
            header = [h.strip().strip('"').lower() for h in fh.readline().split(",")]
    except OSError:
        return False
    return "ref" not in header and "title" in header


# ----- reading ----------------------------------------------------------------------------------
def _text(path: Path) -> str:
    if not path.is_file():
        raise UserError("no such file", str(path))
    if path.stat().st_size > MAX_BYTES:
        raise UserError(f"larger than {MAX_BYTES // 1024**2} MB", str(path))
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError as e:
        raise UserError("not UTF-8 text (export the library as UTF-8)", str(path),
                        raw[: e.start].count(b"\n") + 1) from None


def read_references(path: Path) -> list[Reference]:
    suffix = path.suffix.lower()
    if suffix == ".ris":
        refs = _ris(_text(path), str(path))
    elif suffix in (".bib", ".bibtex"):
        refs = _bibtex(_text(path), str(path))
    elif suffix == ".nbib":
        refs = _nbib(_text(path))
    elif suffix == ".csv":
        refs = _csv(path)
    else:
        raise UserError("not a reference library (.ris, .bib, .nbib or .csv)", str(path))
    if not refs:
        raise UserError("no references found in the file", str(path))
    return refs


def _ris(text: str, file: str) -> list[Reference]:
    import rispy

    starts = [n for n, line in enumerate(text.split("\n"), start=1) if re.match(r"^TY  -", line.lstrip("\ufeff"))]
    try:
        entries = rispy.loads(text, skip_unknown_tags=True)
    except Exception as e:  # noqa: BLE001 — rispy raises bare IOError/ValueError variants
        raise UserError(f"malformed RIS: {e}", file) from None
    out = []
    for n, entry in enumerate(entries):
        pages = "-".join(p for p in (str(entry.get("start_page", "")), str(entry.get("end_page", ""))) if p)
        out.append(Reference(
            starts[n] if n < len(starts) else 0, list(entry.get("authors") or entry.get("first_authors") or []),
            entry.get("title") or entry.get("primary_title") or "",
            entry.get("alternate_title1") or entry.get("journal_name") or entry.get("secondary_title") or
            entry.get("alternate_title3") or "",
            _year(str(entry.get("year") or entry.get("publication_year") or entry.get("date") or "")),
            str(entry.get("volume") or ""), str(entry.get("number") or ""), pages, entry.get("doi") or ""))
    return out


def _bibtex(text: str, file: str) -> list[Reference]:
    import logging

    import bibtexparser

    logger = logging.getLogger("bibtexparser")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        try:
            from bibtexparser.middlewares import LatexDecodingMiddleware

            library = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware(keep_braced_groups=True)])
        except ImportError:  # pragma: no cover - pylatexenc missing
            library = bibtexparser.parse_string(text)
    finally:
        logger.setLevel(level)
    if library.failed_blocks:
        block = library.failed_blocks[0]
        raise UserError(f"malformed BibTeX entry ({type(block.error).__name__})", file, (block.start_line or 0) + 1)
    out = []
    for e in library.entries:
        raw = {k.lower(): str(v.value) for k, v in e.fields_dict.items()}
        f = {k: _unbrace(v) for k, v in raw.items()}
        authors = _bibtex_authors(raw.get("author", ""))
        out.append(Reference((e.start_line or 0) + 1, authors, f.get("title", ""),
                             f.get("journal") or f.get("journaltitle") or f.get("booktitle", ""),
                             _year(f.get("year") or f.get("date", "")), f.get("volume", ""),
                             f.get("number", ""), f.get("pages", ""), f.get("doi", "")))
    return out


def _nbib(text: str) -> list[Reference]:
    """PubMed's MEDLINE format: 'TAG - value' lines, values continued on lines indented six spaces."""
    out: list[Reference] = []
    fields: list[tuple[str, str]] = []
    start = 0

    def flush() -> None:
        if not fields:
            return
        get = lambda tag: next((v for t, v in fields if t == tag), "")  # noqa: E731
        doi = next((v.split()[0] for t, v in fields if t in ("LID", "AID") and v.endswith("[doi]")), "")
        authors = [v for t, v in fields if t == "AU"] or [v for t, v in fields if t == "FAU"]
        out.append(Reference(start, authors, get("TI").rstrip("."), get("TA") or get("JT"), _year(get("DP")),
                             get("VI"), get("IP"), get("PG"), doi))
        fields.clear()

    for n, line in enumerate(text.split("\n"), start=1):
        m = re.match(r"^([A-Z]{2,4})\s*-\s?(.*)$", line)
        if m:
            if m.group(1) == "PMID":
                flush()
                start = n
            fields.append((m.group(1), m.group(2).strip()))
        elif line.startswith("      ") and fields:
            tag, value = fields[-1]
            fields[-1] = (tag, f"{value} {line.strip()}")
    flush()
    return out


def _csv(path: Path) -> list[Reference]:
    from workbench.formats.tabular import read_rows

    out = []
    for line, r in read_rows(path, ("title",), "csv"):
        authors = r.get("author") or r.get("authors") or ""
        out.append(Reference(line, [a.strip() for a in re.split(r";|\s+and\s+", authors) if a.strip()],
                             r.get("title", "").strip(),
                             r.get("publication title") or r.get("journal") or r.get("source title") or "",
                             _year(r.get("publication year") or r.get("year") or ""), r.get("volume", ""),
                             r.get("issue", ""), r.get("pages", ""), r.get("doi", "").strip()))
    return out


def _bibtex_authors(value: str) -> list[str]:
    """Split on ' and ' outside braces; a name wholly in braces is an organisation, kept as '{…}'."""
    names, depth, start = [], 0, 0
    for m in re.finditer(r"[{}]|\s+and\s+", value):
        token = m.group()
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
        elif depth == 0:
            names.append(value[start:m.start()])
            start = m.end()
    names.append(value[start:])
    out = []
    for name in (n.strip() for n in names):
        if name.startswith("{") and name.endswith("}") and name.count("{") == 1:
            out.append(name)
        elif name:
            out.append(_unbrace(name))
    return out


def _pages(value: str) -> str:
    """'101-119' → '101–19', as Vancouver abbreviates a page range."""
    m = re.fullmatch(r"\s*(\d+)\s*(?:-+|–)\s*(\d+)\s*", value)
    if not m:
        return value.strip()
    first, last = m.groups()
    if len(first) == len(last):
        i = 0
        while i < len(last) - 1 and first[i] == last[i]:
            i += 1
        last = last[i:]
    return f"{first}–{last}"


def _unbrace(value: str) -> str:
    return re.sub(r"\s+", " ", value.replace("{", "").replace("}", "")).strip()


def _year(value: str) -> str:
    m = re.search(r"\b(1[5-9]\d\d|20\d\d)\b", value)
    return m.group(1) if m else ""


# ----- citations and labels ---------------------------------------------------------------------
def family_and_initials(author: str) -> tuple[str, str]:
    """('du Plessis', 'C') from 'du Plessis, Carol', 'du Plessis C' or 'Carol du Plessis'."""
    author = author.strip()
    if author.startswith("{") and author.endswith("}"):  # an organisation, as BibTeX marks one
        return author[1:-1].strip(), ""
    if "," in author:
        family, given = (x.strip() for x in author.split(",", 1))
    elif re.fullmatch(r".+\s[A-Z]{1,3}", author):  # Vancouver already: "Walker GB"
        family, given = author.rsplit(" ", 1)
        return family, given
    elif " " in author:
        parts = author.split()
        i = next((k for k in range(len(parts) - 1) if parts[k][:1].islower()), len(parts) - 1)
        family, given = " ".join(parts[i:]), " ".join(parts[:i])
    else:
        return author, ""
    initials = "".join(p[0].upper() for p in re.split(r"[\s.\-]+", given) if p and p[0].isalpha())
    return family, initials


def citation_of(r: Reference) -> str:
    """Vancouver style, as the example project writes its sources."""
    names = [" ".join(x for x in family_and_initials(a) if x) for a in r.authors]
    authors = ", ".join(names[:6]) + (", et al" if len(names) > 6 else "")
    parts = [p for p in (authors, r.title.rstrip("."), r.journal.rstrip(".")) if p]
    text = ". ".join(parts) + "."
    tail = r.year
    if r.volume:
        tail += f";{r.volume}" + (f"({r.issue})" if r.issue else "")
    if r.pages:
        tail += f":{_pages(r.pages)}"
    return f"{text} {tail}." if tail else text


def normal_doi(doi: str) -> str:
    doi = doi.strip().lower()
    return re.sub(r"^(https?://(dx\.)?doi\.org/|doi:\s*)", "", doi)


def normal_title(title: str) -> str:
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def _sort_key(r: Reference) -> tuple[str, str, str]:
    family = family_and_initials(r.authors[0])[0] if r.authors else ""
    return (normal_title(family), r.year or "9999", normal_title(r.title))


def author_year_label(r: Reference) -> str:
    fams = [family_and_initials(a)[0] for a in r.authors]
    who = (fams[0] if len(fams) == 1 else f"{fams[0]} and {fams[1]}" if len(fams) == 2
           else f"{fams[0]} et al." if fams else (r.title.split(":")[0][:30] or "Anon"))
    return f"{who} {r.year or 'n.d.'}"


def read_bibliography(path: Path, existing_sources: Sequence[Source], citation: str | None = None) -> BibliographyRows:
    """Sources for the references in `path` that the project lacks, labelled after the existing ones."""
    refs = read_references(path)
    file = str(path)
    known_doi = {normal_doi(s.doi): s.ref for s in existing_sources if s.doi.strip()}
    known_cites = [(normal_title(s.citation), s.ref) for s in existing_sources]
    numeric = (citation or "numeric") == "numeric" and all(s.ref.isdigit() for s in existing_sources)
    skipped: list[str] = []
    seen_doi: dict[str, int] = {}
    seen_title: dict[str, int] = {}
    keep: list[Reference] = []
    for r in refs:
        where = f"{file}, line {r.line}" if r.line else file
        doi, title = normal_doi(r.doi), normal_title(r.title)
        if not title and not r.authors:
            skipped.append(f"{where}: no title and no authors — skipped")
            continue
        if doi and doi in known_doi:
            skipped.append(f"{where}: same DOI as source {known_doi[doi]} ({r.doi}) — skipped")
            continue
        match = next((ref for cite, ref in known_cites if len(title) >= 20 and title in cite), None)
        if match is not None:
            skipped.append(f"{where}: same title as source {match} — skipped")
            continue
        if doi and doi in seen_doi:
            skipped.append(f"{where}: same DOI as the reference on line {seen_doi[doi]} — skipped")
            continue
        if title and title in seen_title:
            skipped.append(f"{where}: same title as the reference on line {seen_title[title]} — skipped")
            continue
        if doi:
            seen_doi[doi] = r.line
        if title:
            seen_title[title] = r.line
        keep.append(r)
    keep.sort(key=_sort_key)
    used = {s.ref for s in existing_sources}
    next_number = max((int(s.ref) for s in existing_sources if s.ref.isdigit()), default=0) + 1
    rows = []
    for r in keep:
        if numeric:
            label = str(next_number)
            next_number += 1
        else:
            base = author_year_label(r)
            label, n = base, 1
            while label in used:
                n += 1
                label = base + (chr(ord("a") + n - 1) if n <= 26 else f"-{n}")
        used.add(label)
        identity = ("doi", normal_doi(r.doi)) if r.doi else ("title", normal_title(r.title), r.year)
        doi = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:\s*)", "", r.doi.strip(), flags=re.I)
        rows.append((r.line, Source(label, citation_of(r), r.year, doi=doi,
                                    uuid=stable_uuid("source", *identity))))
    return BibliographyRows(rows, skipped)
