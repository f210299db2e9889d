"""Split a document's text into candidate excerpts, by paragraph or by sentence, with offsets.

The text of a review arrives from .txt, .docx or .pdf with section headings, running page headers,
tables and a reference list mixed in. None of those is a finding, so they are skipped here rather
than left for the researcher to delete one by one. Sentences come from spaCy's rule-based
sentencizer, which splits wrongly around "e.g.", "et al." and bracketed citations ("[23, 34]");
those splits are mended afterwards, because a finding cut in half is worse than none.

`segment(text, by)` is the API the document import calls; every `Segment` keeps `start`/`end`
into the original text and `text == original[start:end]`, so a coding's span can point back into
the document.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from workbench.core.errors import UserError


@dataclass(frozen=True)
class Segment:
    """A candidate excerpt: `text` is exactly `document[start:end]`; `section` the heading above it."""

    start: int
    end: int
    text: str
    section: str = ""


BY = ("sentence", "paragraph")

_REFERENCES_HEADING = re.compile(
    r"^(?:#+\s*)?(?:\d+(?:\.\d+)*\.?\s+)?(?:references|reference list|bibliography|works cited|"
    r"literature cited|cited literature|sources)\s*:?\s*$", re.I)
_CAPTION = re.compile(r"^(?:table|figure|fig\.|box|supplementary (?:table|figure))\s*[A-Z]?\d+[a-z]?\b", re.I)
_NUMBERED_HEADING = re.compile(r"^(?:\d+(?:\.\d+)*\.?|[IVX]+\.|[A-Z]\.)\s+\S")
_PAGE_MARK = re.compile(r"^(?:page\s+)?\d+(?:\s*(?:of|/)\s*\d+)?$", re.I)
_YEAR = re.compile(r"\b(?:19|20)\d\d[a-z]?\b")
# "12. Walker G, Bryant W." / "[12] Walker G" / "Walker, G., & Bryant, W. (2013)."
_REFERENCE_ENTRY = re.compile(
    r"^(?:\[\d{1,4}\]|\d{1,4}\.)\s+\S"
    r"|^[A-Z][\w'’\-]+(?:\s[\w'’\-]+)?,?\s(?:[A-Z]{1,3}|[A-Z]\.(?:\s?[A-Z]\.)*)[,.]"
    r"|^[A-Z][\w'’\-]+,\s(?:[A-Z]\.\s?)+.*\((?:19|20)\d\d[a-z]?\)")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)+\|?\s*$")
_ABBREVIATION = re.compile(
    r"(?:\b(?:e\.\s?g|i\.\s?e|et\s+al|cf|vs|approx|figs?|tab|dr|mr|mrs|ms|prof|ca|incl|resp|viz|"
    r"suppl|eq|pp?|vol|refs?|dept)\.|\b[A-Z]\.)\s*[\[(]?$", re.I)
_ETC = re.compile(r"\betc\.\s*$", re.I)
_CONTINUATION = re.compile(r"^(?:[a-z]|[)\],;:]|\d[\d,;\s–\-]*[)\]])")
# A citation after the full stop ("…valued.[23, 34] Next") belongs to the sentence before it.
_TRAILING_CITATION = re.compile(r"[.!?]\s*(?:\[[\d,;\s–\-]+\]|\((?:[^()]{1,80}?\d{4}[a-z]?)\))(?=\s+[A-Z\"“‘'(\[])")


def segment(text: str, by: str = "sentence") -> list[Segment]:
    """Candidate excerpts of `text`, paragraph by paragraph or sentence by sentence."""
    if by not in BY:
        raise UserError(f"split by 'sentence' or 'paragraph', not '{by}'")
    paragraphs = paragraphs_of(text)
    if by == "paragraph":
        return paragraphs
    return sentences_of(text, paragraphs)


# ----- paragraphs -------------------------------------------------------------------------------
def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line, newline excluded."""
    out, pos = [], 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        out.append((pos, pos + len(body)))
        pos += len(line)
    return out


def _is_table_line(line: str) -> bool:
    stripped = line.strip()
    if _TABLE_SEPARATOR.match(stripped):
        return True
    if stripped.count("|") >= 2 or "\t" in stripped:
        return True
    cells = [c for c in re.split(r"\s{3,}", stripped) if c]
    return len(cells) >= 3


def _is_heading(line: str, next_line: str) -> bool:
    """Short, no closing full stop: 'Results', '2.1 Methods', '## Findings', 'PEER SUPPORT', a title.

    A line that runs on into a lower-case line is a wrapped sentence, not a heading; one that
    stands alone (blank line after it) may be longer, as titles are.
    """
    s = line.strip()
    if not s:
        return False
    if s.startswith("#") or _REFERENCES_HEADING.match(s) or _CAPTION.match(s):
        return True
    words = s.split()
    if len(words) > 16 or len(s) > 120 or s[-1] in ".!?;,":
        return False
    if s[0].islower() or next_line[:1].islower():
        return False
    if not next_line:
        return True
    return bool(_NUMBERED_HEADING.match(s) or s.isupper() or len(words) <= 4)


def _is_reference_entry(line: str) -> bool:
    s = line.strip()
    return bool(_REFERENCE_ENTRY.match(s) and _YEAR.search(s))


def paragraphs_of(text: str) -> list[Segment]:
    """Paragraphs of running text; headings, captions, tables, page marks and references left out."""
    lines = _lines(text)
    bodies = [text[a:b] for a, b in lines]
    repeated = {s.strip() for s, n in Counter(b.strip() for b in bodies if b.strip()).items()
                if n >= 3 and len(s.strip()) < 80 and not s.strip().endswith(".")}
    long_lines = sorted(len(b.strip()) for b in bodies if len(b.strip()) >= 40)
    wide = long_lines[len(long_lines) // 2] if long_lines else 80  # a full line of this text
    out: list[Segment] = []
    section = ""
    in_references = False
    block: list[tuple[int, int]] = []

    def flush() -> None:
        if block and not in_references:
            start, end = block[0][0], block[-1][1]
            chunk = text[start:end]
            lead = len(chunk) - len(chunk.lstrip())
            trail = len(chunk) - len(chunk.rstrip())
            if any(ch.isalpha() for ch in chunk) and not _fragment(chunk):
                out.append(Segment(start + lead, end - trail, text[start + lead:end - trail], section))
        block.clear()

    def short(line: str) -> bool:
        return len(line) < 0.6 * wide and line[-1:] not in ".!?;,"

    for i, (a, b) in enumerate(lines):
        line = bodies[i]
        s = line.strip()
        prev = bodies[i - 1].strip() if i else ""
        after_break = not prev or prev[-1] in ".!?:" or not block
        if not s:
            flush()
            continue
        if s in repeated or _PAGE_MARK.match(s):
            continue  # running header/footer or page number: not part of the paragraph
        if _is_table_line(line):
            flush()
            continue
        following = bodies[i + 1].strip() if i + 1 < len(bodies) else ""
        # Text from a PDF has no blank lines: a short capitalised line after a finished (or short)
        # line, not running on into a lower-case one, is a heading or a table row.
        opens = not block and len(s) < 0.9 * wide and s[-1] not in ".!?;,"  # e.g. a title above its text
        pdf_heading = ((short(s) or opens) and s[0].isupper() and following[:1].isupper()
                       and (not block or prev[-1:] in ".!?:" or short(prev)))
        if pdf_heading or after_break and _is_heading(line, following) and (not block or prev[-1:] in ".!?"):
            flush()
            heading = s.lstrip("#").strip()
            if pdf_heading and following and short(following):
                continue  # a row of a table set as lines: not a section name
            if _REFERENCES_HEADING.match(s):
                in_references = True
            elif in_references and not _YEAR.search(s) and len(s.split()) <= 6 and not _is_reference_entry(s):
                in_references = False
            if not _CAPTION.match(s):
                section = heading
            continue
        if in_references:
            continue
        if _is_reference_entry(line) and (not block or _is_reference_entry(prev)):
            flush()
            continue
        block.append((a, b))
        if s[-1] in ".!?" and len(s) < 0.8 * wide and following[:1].isupper():
            flush()  # a short last line ending a sentence: the paragraph ends (text from a PDF)
    flush()
    return out


def _fragment(chunk: str) -> bool:
    """No sentence in it: a wrapped title, or the cells of a table that lost its layout."""
    if re.search(r"[.!?]", chunk):
        return False
    words = chunk.split()
    return len(words) < 8 or sum(any(c.isdigit() for c in w) for w in words) * 4 >= len(words)


# ----- sentences --------------------------------------------------------------------------------
def sentences_of(text: str, paragraphs: list[Segment] | None = None) -> list[Segment]:
    """Sentences of each paragraph (spaCy's sentencizer), with its wrong splits mended."""
    from workbench.nlp.pipeline import LEMMATIZER, get_nlp

    if paragraphs is None:
        paragraphs = paragraphs_of(text)
    nlp = get_nlp()
    out: list[Segment] = []
    docs = nlp.pipe((p.text for p in paragraphs), disable=[LEMMATIZER])
    for para, doc in zip(paragraphs, docs, strict=True):
        spans = [(s.start_char, s.end_char) for s in doc.sents]
        for a, b in _split_trailing_citations(para.text, _merge(para.text, spans)):
            chunk = para.text[a:b]
            lead = len(chunk) - len(chunk.lstrip())
            trail = len(chunk) - len(chunk.rstrip())
            a, b = a + lead, b - trail
            if b > a and any(ch.isalpha() for ch in para.text[a:b]):
                out.append(Segment(para.start + a, para.start + b, text[para.start + a:para.start + b],
                                   para.section))
    return out


def _merge(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged:
            prev = text[merged[-1][0]:merged[-1][1]].rstrip()
            nxt = text[a:b].lstrip()
            if (_ABBREVIATION.search(prev) or prev.endswith(("(", "["))
                    or _CONTINUATION.match(nxt) or (_ETC.search(prev) and nxt[:1].islower())):
                merged[-1] = (merged[-1][0], b)
                continue
        merged.append((a, b))
    return merged


def _split_trailing_citations(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in spans:
        start = a
        for m in _TRAILING_CITATION.finditer(text, a, b):
            out.append((start, m.end()))
            start = m.end()
        out.append((start, b))
    return out
