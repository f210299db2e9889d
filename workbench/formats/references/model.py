"""One reference as a citation needs it, the list a reader returns, and how a file is recognised.

A file is recognised by what it holds, never by its name: EndNote, Web of Science, Rayyan and
PubMed all save as `.txt`, and an IEEE export may use lone carriage returns for line ends.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from workbench.core.errors import UserError

MAX_BYTES = 100 * 1024**2
TABULAR = (".csv", ".tsv", ".xlsx", ".jsonl", ".json", ".ndjson")


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
    registry: str = ""  # a trial registration number (NCT…) found in the record


class Library(list[Reference]):
    """The references of a file, one line per record that could not be read, and notes on reading."""

    def __init__(self, refs: Sequence[Reference] = (), skipped: Sequence[str] = (), notes: Sequence[str] = (),
                 kind: str = "") -> None:
        super().__init__(refs)
        self.skipped = list(skipped)
        self.notes = list(notes)
        self.kind = kind


def library_text(path: Path) -> tuple[str, str]:
    """The file's text with every line end (CRLF, lone CR) made LF, and a note on a guessed encoding."""
    from workbench.formats.tabular import decode_text

    if not path.is_file():
        raise UserError("no such file", str(path))
    if path.stat().st_size > MAX_BYTES:
        raise UserError(f"larger than {MAX_BYTES // 1024**2} MB", str(path))
    text, note = decode_text(path.read_bytes(), str(path))
    return text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff"), note


_KINDS = (
    ("ris", re.compile(r"^\s*TY  -", re.M)),
    ("medline", re.compile(r"^PMID- ?\d", re.M)),
    ("wos", re.compile(r"^(?:FN (?:Clarivate|Thomson)|PT [JBSPC]\s*$)", re.M)),
    ("bibtex", re.compile(r"^\s*@\s*[A-Za-z]+\s*[{(]", re.M)),
    ("endnote-xml", re.compile(r"^\s*(?:<\?xml[^>]*>\s*)?<xml>\s*<records>", re.S)),
)


def kind_of_text(text: str) -> str:
    """'ris', 'medline', 'wos', 'bibtex', 'endnote-xml', or '' — from the first 64 KB."""
    head = text[: 64 * 1024]
    found = [(m.start(), kind) for kind, rx in _KINDS if (m := rx.search(head))]
    return min(found)[1] if found else ""
