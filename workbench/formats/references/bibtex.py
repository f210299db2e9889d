"""BibTeX (Zotero, JabRef, Scopus, Google Scholar) through bibtexparser 2, LaTeX accents decoded.

Real exports repeat fields: Zotero writes one `annote` per note, Scopus repeats
`funding_details`. bibtexparser sets such an entry aside; it is read here with the repeated
values of a note-like field joined and, for any other field, the first value kept — with a note
saying how many entries that touched. An entry that cannot be parsed at all is skipped and named.
"""

from __future__ import annotations

import logging
from typing import Any

from workbench.formats.references.model import Library, Reference
from workbench.formats.references.names import REGISTRY

MERGED = {"annote", "note", "keywords", "funding_details", "funding_text", "references", "file", "abstract",
          "mendeley-tags", "url", "comment"}


def read_bibtex(text: str, file: str) -> Library:
    import bibtexparser
    from bibtexparser.library import Library as BibLibrary
    from bibtexparser.model import DuplicateFieldKeyBlock, Entry, Field

    logger = logging.getLogger("bibtexparser")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        middlewares = _middlewares()
        library = bibtexparser.parse_string(text, append_middleware=middlewares[1:])
        lib = Library(kind="BibTeX")
        repaired = BibLibrary()
        merged = first_kept = 0
        for block in library.failed_blocks:
            entry = block.ignore_error_block if isinstance(block, DuplicateFieldKeyBlock) else None
            if not isinstance(entry, Entry):
                lib.skipped.append(f"{file}, line {(block.start_line or 0) + 1}: a BibTeX entry that could not be read "
                                   f"({type(block.error).__name__}) — skipped")
                continue
            fields: dict[str, Field] = {}
            for field in entry.fields:
                key = field.key.lower()
                if key not in fields:
                    fields[key] = Field(key, field.value)
                elif key in MERGED:
                    fields[key] = Field(key, f"{_bare(fields[key].value)}\n\n{_bare(field.value)}")
                    merged += 1
                else:
                    first_kept += 1
            repaired.add(Entry(entry.entry_type, entry.key, list(fields.values()), entry.start_line))
        for m in middlewares:
            repaired = m.transform(repaired)
    finally:
        logger.setLevel(level)
    entries = sorted([*library.entries, *repaired.entries], key=lambda e: e.start_line or 0)
    for e in entries:
        f = {k.lower(): str(v.value) for k, v in e.fields_dict.items()}
        authors = _authors(f.get("author", "") or f.get("editor", ""))
        registry = REGISTRY.search(" ".join(f.get(k, "") for k in ("title", "note", "annote")))
        lib.append(Reference((e.start_line or 0) + 1, authors, _unbrace(f.get("title", "")),
                             _unbrace(f.get("journal") or f.get("journaltitle") or f.get("booktitle", "")),
                             f.get("year") or f.get("date", ""), _unbrace(f.get("volume", "")),
                             _unbrace(f.get("number", "")), _unbrace(f.get("pages", "")),
                             _unbrace(f.get("doi", "")), registry.group(1) if registry else ""))
    if merged:
        lib.notes.append(f"{file}: repeated note fields (annote, funding_details …) joined: {merged}")
    if first_kept:
        lib.notes.append(f"{file}: other repeated fields — the first value kept: {first_kept}")
    return lib


def _middlewares() -> list[Any]:
    from bibtexparser.middlewares import RemoveEnclosingMiddleware

    out: list[Any] = [RemoveEnclosingMiddleware()]
    try:
        from bibtexparser.middlewares import LatexDecodingMiddleware

        out.append(LatexDecodingMiddleware(keep_braced_groups=True))
    except ImportError:  # pragma: no cover - pylatexenc missing
        pass
    return out


def _bare(value: object) -> str:
    text = str(value).strip()
    if (text.startswith("{") and text.endswith("}")) or (text.startswith('"') and text.endswith('"')):
        return text[1:-1]
    return text


def _authors(value: str) -> list[str]:
    """Split on ' and ' outside braces; a name wholly in braces is an organisation, kept as '{…}'."""
    import re

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


def _unbrace(value: str) -> str:
    import re

    return re.sub(r"\s+", " ", value.replace("{", "").replace("}", "")).strip()
