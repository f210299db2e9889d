"""Cutting a document's text into excerpts: by paragraph, by sentence, or by a regular expression.

The offsets point exactly into the text `formats/documents.py` read, so a coding's span points
back into the document. Paragraphs and sentences come from `segment.py` (headings, captions and
reference lists skipped, wrong splits after "e.g." or "et al." mended); this module adds the
location label each excerpt carries and the user's own pattern.
"""

from __future__ import annotations

import re

from workbench.core.errors import UserError
from workbench.nlp.segment import segment

SPLITS = ("none", "paragraph", "sentence", "regex")


def split_document(text: str, by: str, pattern: str | None = None, name: str = "") -> list[tuple[int, int, str]]:
    """(start, end, location) of each excerpt: `text[start:end]` is the excerpt, exactly."""
    if by == "none":
        return []
    if by == "regex":
        return _regex_spans(text, pattern or "", name)
    if by not in SPLITS:
        raise UserError(f"split by {', '.join(SPLITS)}, not '{by}'")
    word = "paragraph" if by == "paragraph" else "sentence"
    out = []
    for i, s in enumerate(segment(text, by), start=1):
        where = ", ".join(x for x in (name, s.section) if x)
        out.append((s.start, s.end, f"{where} ({word} {i})" if where else f"{word} {i}"))
    return out


def _regex_spans(text: str, pattern: str, name: str) -> list[tuple[int, int, str]]:
    try:
        rx = re.compile(pattern, re.M)
    except re.error as e:
        raise UserError(f"--pattern is not a valid regular expression: {e}") from None
    out: list[tuple[int, int, str]] = []
    for m in rx.finditer(text):
        a, b = m.span(1) if rx.groups else m.span()
        if a < 0 or b <= a or not text[a:b].strip():
            continue
        chunk = text[a:b]
        a, b = a + len(chunk) - len(chunk.lstrip()), a + len(chunk.rstrip())
        n = len(out) + 1
        out.append((a, b, f"{name} (match {n})" if name else f"match {n}"))
    if not out:
        raise UserError(f"--pattern '{pattern}' matches nothing in the document")
    return out
