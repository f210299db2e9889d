"""Reference libraries → sources. Readers per format (ris, tagged, bibtex, tables), recognised by
content (model.kind_of_text); names as each database writes them (names); labels, citations and
duplicates (library)."""

from __future__ import annotations

from workbench.formats.references.library import (
    BibliographyRows,
    author_year_label,
    citation_of,
    is_bibliography,
    normal_doi,
    normal_title,
    read_bibliography,
    read_references,
)
from workbench.formats.references.model import Library, Reference
from workbench.formats.references.names import family_and_initials

__all__ = ["BibliographyRows", "Library", "Reference", "author_year_label", "citation_of", "family_and_initials",
           "is_bibliography", "normal_doi", "normal_title", "read_bibliography", "read_references"]
