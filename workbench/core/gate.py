"""The validation gate: what every imported file must satisfy before anything is written.

Readers turn a file into domain objects; before the store sees them, the gate for that kind of
input checks what the database would otherwise refuse with a traceback half-way through a
transaction (a duplicate uuid, a NUL byte) and what would make a later export fail. A problem is
refused with one line naming the file, the row and what to do (`UserError`), so a refused file
changes nothing. The rules (docs/project-format.md, "What an import refuses"):

- **Characters.** NUL (U+0000) and unpaired surrogates are refused everywhere: no XML export,
  no PostgreSQL text and no UTF-8 file can hold them, and in a CSV they mean a binary or UTF-16
  file. Names and keys (refs, excerpt ids, subtheme/theme/perspective/valence/coder names, uuids)
  may hold no control character at all (U+0000–U+001F, U+007F–U+009F, U+2028, U+2029): they
  are matched and printed as one line. Texts (an excerpt, a summary, a note, a definition …) keep
  every other character, TAB/LF/CR and the rest of the control characters included — the
  exports carry them (cells_safe.py).
- **Uniqueness.** A uuid names one entity: the same uuid on two rows that are not the same
  record (two excerpt ids, two sources, two summary cells, two codings), or twice among a
  codebook's themes, subthemes or perspectives, is refused.
- **Ranges.** A span is two whole numbers with 0 ≤ start ≤ end.

Pure rules over domain objects: no I/O, so the same gate serves the CLI, the app and tests.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from workbench.core.errors import UserError
from workbench.core.model import Codebook, Coding, Excerpt, Source, Summary

_NAME_BAD = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _describe(ch: str) -> str:
    return "a NUL character (U+0000)" if ch == "\x00" else f"the control character U+{ord(ch):04X}"


def text_problem(value: str) -> str | None:
    """Why `value` cannot be stored as a text (NUL, an unpaired surrogate), else None."""
    if "\x00" in value:
        return "contains a NUL character (U+0000)"
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as e:
            return f"contains an unpaired surrogate (U+{ord(value[e.start]):04X}), which no UTF-8 text holds"
    return None


def check_text(value: str, file: str | None, line: int | None, what: str, where: str = "row") -> None:
    """Refuse a text the project cannot hold (see `text_problem`)."""
    problem = text_problem(value)
    if problem:
        raise UserError(f"{what} {problem}: remove it, or save the file again as UTF-8 text", file, line, where)


def check_file_text(text: str, file: str) -> None:
    """A whole decoded text file (CSV): NUL is refused with its line. One scan at C speed."""
    at = text.find("\x00")
    if at != -1:
        raise UserError("contains a NUL character (U+0000) — is it a UTF-16 or binary file? Save it as "
                        "'CSV UTF-8'", file, text.count("\n", 0, at) + 1, "line")


def check_name(value: str, file: str | None, line: int | None, what: str, where: str = "row") -> None:
    """Refuse a name or key holding a control character (or a text problem)."""
    m = _NAME_BAD.search(value)
    if m:
        raise UserError(f"{what} '{_NAME_BAD.sub('?', value)[:60]}' contains {_describe(m.group())}: names and "
                        "keys are one line of text", file, line, where)
    check_text(value, file, line, what, where)


def _unique_uuids(rows: Iterable[tuple[int, str, Any]], file: str, kind: str, where: str = "row") -> None:
    """rows: (line, uuid, natural key). The same uuid on two different records is refused; the same
    record twice (same key) is a duplicate row that the import counts, not an error."""
    seen: dict[str, tuple[int, Any]] = {}
    for line, uuid, key in rows:
        if not uuid:
            continue
        other = seen.get(uuid)
        if other is None:
            seen[uuid] = (line, key)
        elif other[1] != key:
            raise UserError(f"uuid '{uuid}' is already used by another {kind} ({where} {other[0]}); a uuid names "
                            "one record: correct it, or leave the uuid empty to derive one", file, line, where)


def check_taken(rows: Iterable[tuple[int, str, Any]], taken: dict[str, Any], file: str, kind: str,
                where: str = "row") -> None:
    """rows: (line, uuid, natural key) of records new to the project; `taken`: the project's uuid →
    natural key. A new record may not take the uuid of another record already in the project."""
    for line, uuid, key in rows:
        other = taken.get(uuid)
        if other is not None and other != key:
            raise UserError(f"uuid '{uuid}' already names another {kind} in the project; correct it, or leave the "
                            "uuid empty to derive one", file, line, where)


def check_sources(rows: Sequence[tuple[int, Source]], file: str, where: str = "row") -> None:
    for line, s in rows:
        check_name(s.ref, file, line, "ref", where)
        check_name(s.uuid, file, line, "uuid", where)
        for what, value in (("citation", s.citation), ("year", s.year), ("design", s.design),
                            ("quality", s.quality), ("groups", s.groups), ("doi", s.doi)):
            check_text(value, file, line, what, where)
    _unique_uuids(((line, s.uuid, s.ref) for line, s in rows), file, "source", where)


def check_excerpts(rows: Sequence[tuple[int, Excerpt]], file: str, where: str = "row") -> None:
    for line, e in rows:
        check_name(e.key, file, line, "id", where)
        check_name(e.source, file, line, "source", where)
        check_name(e.perspective, file, line, "perspective", where)
        check_name(e.uuid, file, line, "uuid", where)
        check_text(e.text, file, line, "text", where)
        check_text(e.location, file, line, "location", where)
        _check_span(e.start, e.end, file, line, where)
    _unique_uuids(((line, e.uuid, e.key) for line, e in rows), file, "excerpt", where)


def check_codings(rows: Sequence[tuple[int, Coding]], file: str, where: str = "row") -> None:
    """Written for speed (an import of 500,000 codings passes here): a few comprehensions and one
    search at C speed over what is new — coder names, uuids, notes — joined; the per-row rules run
    only when that search finds something, to name the row. Excerpt, subtheme, valence and
    perspective names must be ones the project knows (they passed this gate when they came in),
    and spans are checked against the excerpt's text by the store."""
    codings = [c for _, c in rows]
    uuids = [c.uuid for c in codings if c.uuid]
    joined = "".join({c.coder for c in codings}) + "".join(uuids)
    if _NAME_BAD.search(joined) or text_problem(joined) or text_problem("".join(c.note for c in codings)):
        for line, c in rows:
            check_name(c.coder, file, line, "coder", where)
            check_name(c.uuid, file, line, "uuid", where)
            check_text(c.note, file, line, "note", where)
    if len(set(uuids)) != len(uuids):
        _unique_uuids(((line, c.uuid, (c.excerpt, c.subtheme, c.coder, c.valence, c.perspective, c.start, c.end))
                       for line, c in rows), file, "coding", where)


def check_summaries(rows: Sequence[tuple[int, Summary]], file: str, where: str = "row") -> None:
    for line, s in rows:
        for what, name in (("subtheme", s.subtheme), ("valence", s.valence or ""), ("perspective", s.perspective),
                           ("uuid", s.uuid), ("author", s.author)):
            check_name(name, file, line, what, where)
        check_text(s.text, file, line, "summary", where)
        check_text(s.references, file, line, "references", where)
    _unique_uuids(((line, s.uuid, (s.subtheme, s.valence, s.perspective)) for line, s in rows), file, "summary", where)


def _check_span(start: int | None, end: int | None, file: str, line: int, where: str = "row") -> None:
    if start is None and end is None:
        return
    if start is None or end is None:
        raise UserError("a span needs both start and end", file, line, where)
    if start < 0 or end < start:
        raise UserError(f"span {start}–{end} is not 0 ≤ start ≤ end", file, line, where)


def check_codebook(cb: Codebook, file: str) -> None:
    """Names without control characters, ids unique within themes, subthemes and perspectives."""
    check_text(cb.name, file, None, "the codebook's name")
    for kind, items in (("theme", cb.themes), ("subtheme", cb.all_subthemes()), ("perspective", cb.perspectives)):
        seen: dict[str, str] = {}
        for x in items:
            check_name(x.name, file, None, kind)
            check_name(x.uuid, file, None, f"the id of {kind} '{x.name}'")
            if x.uuid and x.uuid in seen:
                raise UserError(f"{kind}s '{seen[x.uuid]}' and '{x.name}' have the same id '{x.uuid}': an id "
                                "names one entity — correct one, or remove its 'id:' to derive one", file)
            seen[x.uuid] = x.name
    for s in cb.all_subthemes():
        for what in ("definition", "include", "exclude", "example", "origin"):
            check_text(getattr(s, what), file, None, f"{what} of subtheme '{s.name}'")
    for p in cb.perspectives:
        for syn in p.synonyms:
            check_name(syn, file, None, f"a synonym of perspective '{p.name}'")
    for v in cb.valences:
        check_name(v, file, None, "valence")
    check_name(cb.consensus_coder, file, None, "consensus_coder")
    for key, label in cb.labels.items():
        check_text(key, file, None, "a label key")
        check_text(label, file, None, f"label '{key}'")


def check_bundle(b: Any, file: str) -> None:
    """A whole project read from an exchange file (`ProjectBundle`: a .qdpx, an archive): the same
    rules as the record files, records counted in file order ("record 12"), and memos and
    documents each with a uuid of their own."""
    where = "record"
    check_codebook(b.codebook, file)
    check_sources(list(enumerate(b.sources, 1)), file, where)
    check_excerpts(list(enumerate(b.excerpts, 1)), file, where)
    check_codings(list(enumerate(b.codings, 1)), file, where)
    check_summaries(list(enumerate(b.summaries, 1)), file, where)
    for kind, items in (("memo", b.memos), ("document", b.documents)):
        seen: set[str] = set()
        for n, x in enumerate(items, 1):
            check_text(x.text, file, n, f"the text of {kind}", where)
            check_name(x.uuid, file, n, f"the uuid of {kind}", where)
            if x.uuid and x.uuid in seen:
                raise UserError(f"two {kind}s have the uuid '{x.uuid}': a uuid names one {kind}", file, n, where)
            seen.add(x.uuid)
