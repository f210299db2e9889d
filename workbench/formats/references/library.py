"""Sources from a reference library: labels, Vancouver citations and duplicates (the readers are
the other modules of this package; docs/interchange.md lists what each database writes).

Each reference becomes a source with a Vancouver-style citation ("Walker G, Bryant W. Title.
Journal. 2013;20:48–64."), its year and DOI. Labels are assigned in a stable order — by first
author, year, then title — so the same library gives the same labels whatever order the reference
manager exported it in. Numeric labels continue after the highest one in the project and existing
labels never change (`--renumber` asks for that explicitly); author–year labels ("Walker 2013",
"Walker and Bryant 2013", "Walker et al. 2013") get a, b … on a clash. A reference already in the
project or earlier in the file — same DOI, or same title once case, accents and punctuation are
ignored — is skipped and reported, never imported twice. A record with no author but a trial
registration number is labelled by its registry ("ClinicalTrials.gov 2020"), never by the number.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from workbench.core.errors import UserError
from workbench.core.ids import stable_uuid
from workbench.core.model import Source
from workbench.formats.references.model import TABULAR, Library, Reference, kind_of_text, library_text
from workbench.formats.references.names import family_and_initials, vancouver

REGISTRIES = (("NCT", "ClinicalTrials.gov"), ("ISRCTN", "ISRCTN"), ("ACTRN", "ANZCTR"), ("ChiCTR", "ChiCTR"),
              ("DRKS", "DRKS"), ("EUCTR", "EU CTR"), ("CTRI", "CTRI"), ("JPRN", "JPRN"), ("IRCT", "IRCT"),
              ("NTR", "Netherlands Trial Register"), ("NL", "Netherlands Trial Register"), ("KCT", "CRIS"),
              ("TCTR", "TCTR"), ("PACTR", "PACTR"))


class BibliographyRows(list[tuple[int, Source]]):
    """The rows to import, plus one message per reference skipped (a duplicate, or unreadable)."""

    def __init__(self, rows: Sequence[tuple[int, Source]] = (), skipped: Sequence[str] = (),
                 notes: Sequence[str] = ()) -> None:
        super().__init__(rows)
        self.skipped = list(skipped)
        self.notes = list(notes)


def is_bibliography(path: Path) -> bool:
    """Any file but a spreadsheet is read as a library (its content decides the format); a CSV is
    one when it has a title column and no 'ref' column (Scopus, IEEE, Springer, Embase, Zotero …)."""
    from workbench.formats.references.tables import is_reference_table

    suffix = path.suffix.lower()
    if suffix not in TABULAR:
        return True
    if suffix not in (".csv", ".tsv") or not path.is_file():
        return False
    from workbench.formats.tabular import read_header

    try:
        return is_reference_table(read_header(path, "csv"))
    except (OSError, UserError):
        return False


def read_references(path: Path) -> Library:
    """Every reference in a library file, whatever its name; unreadable records listed in `.skipped`."""
    file = str(path)
    if path.suffix.lower() in (".csv", ".tsv"):
        from workbench.formats.references.tables import read_table

        lib = read_table(path)
    else:
        text, note = library_text(path)
        kind = kind_of_text(text)
        if kind == "ris":
            from workbench.formats.references.ris import read_ris

            lib = read_ris(text, file)
        elif kind == "medline":
            from workbench.formats.references.tagged import read_medline

            lib = read_medline(text, file)
        elif kind == "wos":
            from workbench.formats.references.tagged import read_wos

            lib = read_wos(text, file)
        elif kind == "bibtex":
            from workbench.formats.references.bibtex import read_bibtex

            lib = read_bibtex(text, file)
        elif kind == "endnote-xml":
            from workbench.formats.references.endnote import read_endnote_xml

            lib = read_endnote_xml(text, file)
        elif not text.strip():
            raise UserError("no references found in the file (it is empty)", file)
        else:
            raise UserError("not a reference library: expected RIS (TY  - …), MEDLINE/PubMed (PMID- …), Web of "
                            "Science (PT J … ER), BibTeX (@article{…), EndNote XML or a CSV with a title column", file)
        if note:
            lib.notes.insert(0, note)
    for r in lib:
        r.year = _year(r.year)
    if not lib:
        more = f"; {lib.skipped[0]}" if lib.skipped else ""
        raise UserError(f"no references found in the file{more}", file)
    return lib


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


def _year(value: str) -> str:
    m = re.search(r"\b(1[5-9]\d\d|20\d\d)\b", value)
    return m.group(1) if m else ""


# ----- citations and labels ---------------------------------------------------------------------
def citation_of(r: Reference) -> str:
    """Vancouver style, as the example project writes its sources."""
    names = [vancouver(a) for a in r.authors]
    authors = ", ".join(names[:6]) + (", et al" if len(names) > 6 else "")
    parts = [p for p in (authors, r.title.rstrip("."), r.journal.rstrip(".")) if p]
    text = " ".join(p if p.endswith(("?", "!")) else p + "." for p in parts)  # "…employers? Journal."
    tail = r.year
    if r.volume:
        tail += f";{r.volume}" + (f"({r.issue})" if r.issue else "")
    if r.pages:
        tail += f":{_pages(r.pages)}"
    if r.registry and r.registry not in text:
        text += f" {r.registry}."
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
           else f"{fams[0]} et al." if fams else _registry_name(r.registry) or (r.title.split(":")[0][:30] or "Anon"))
    return f"{who} {r.year or 'n.d.'}"


def _registry_name(number: str) -> str:
    return next((name for prefix, name in REGISTRIES if number.startswith(prefix)), "") if number else ""


def read_bibliography(path: Path, existing_sources: Sequence[Source], citation: str | None = None) -> BibliographyRows:
    """Sources for the references in `path` that the project lacks, labelled after the existing ones."""
    refs = read_references(path)
    file = str(path)
    known_doi = {normal_doi(s.doi): s.ref for s in existing_sources if s.doi.strip()}
    known_cites = [(normal_title(s.citation), s.ref) for s in existing_sources]
    numeric = (citation or "numeric") == "numeric" and all(s.ref.isdigit() for s in existing_sources)
    skipped: list[str] = list(refs.skipped)
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
    return BibliographyRows(rows, skipped, refs.notes)
