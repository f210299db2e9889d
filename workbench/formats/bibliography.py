"""The reference-library reader's old address; it lives in workbench/formats/references/ now."""

from __future__ import annotations

from workbench.formats.references import (
    BibliographyRows,
    Library,
    Reference,
    author_year_label,
    citation_of,
    family_and_initials,
    is_bibliography,
    normal_doi,
    normal_title,
    read_bibliography,
    read_references,
)

__all__ = ["BibliographyRows", "Library", "Reference", "author_year_label", "citation_of", "family_and_initials",
           "is_bibliography", "normal_doi", "normal_title", "read_bibliography", "read_references"]
