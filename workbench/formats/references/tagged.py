"""Two-letter tagged exports: PubMed's MEDLINE (.nbib, or "Save" as .txt) and Web of Science's
plain text ("PT J … ER"), both with values continued on indented lines."""

from __future__ import annotations

import re
from collections.abc import Callable

from workbench.formats.references.model import Library, Reference
from workbench.formats.references.names import REGISTRY


def _fields(lines: list[tuple[int, str]], tag: re.Pattern[str], indent: str,
            listed: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(tag, value) pairs; an indented line continues the last value, or, for a `listed` tag
    (Web of Science's AU), is the next value of that tag."""
    out: list[tuple[str, str]] = []
    for _n, line in lines:
        m = tag.match(line)
        if m:
            out.append((m.group(1), m.group(2).strip()))
        elif line.startswith(indent) and out:
            t, v = out[-1]
            if t in listed:
                out.append((t, line.strip()))
            else:
                out[-1] = (t, f"{v} {line.strip()}")
    return out


def _getter(fields: list[tuple[str, str]]) -> Callable[[str], str]:
    first: dict[str, str] = {}
    for t, v in fields:
        first.setdefault(t, v)
    return lambda tag: first.get(tag, "")


def read_medline(text: str, file: str) -> Library:
    """PubMed's MEDLINE format: 'TAG - value' lines, values continued on lines indented six spaces."""
    lib = Library(kind="MEDLINE")
    blocks: list[tuple[int, list[tuple[int, str]]]] = []
    for n, line in enumerate(text.split("\n"), start=1):
        if re.match(r"^PMID- ?", line):
            blocks.append((n, []))
        if blocks:
            blocks[-1][1].append((n, line))
    rx = re.compile(r"^([A-Z]{2,4})\s*-\s?(.*)$")
    for start, lines in blocks:
        fields = _fields(lines, rx, "      ")
        get = _getter(fields)
        doi = next((v.split()[0] for t, v in fields if t in ("LID", "AID") and v.endswith("[doi]")), "")
        authors = [v for t, v in fields if t == "AU"] or [v for t, v in fields if t == "FAU"]
        registry = next((m.group(1) for t, v in fields if t == "SI" and (m := REGISTRY.search(v))), "")
        lib.append(Reference(start, authors, get("TI").rstrip("."), get("TA") or get("JT"), get("DP"),
                             get("VI"), get("IP"), get("PG"), doi, registry))
    return lib


def read_wos(text: str, file: str) -> Library:
    """Web of Science plain text: 'PT J' opens a record, 'ER' closes it; AU continues one per line."""
    lib = Library(kind="Web of Science")
    rx = re.compile(r"^([A-Z][A-Z0-9]) (.*)$")
    current: list[tuple[int, str]] | None = None
    start = 0
    for n, line in enumerate(text.split("\n"), start=1):
        if line.startswith("PT "):
            current, start = [], n
        if current is None:
            continue
        if line.rstrip() == "ER":
            fields = _fields(current, rx, "   ", ("AU", "AF"))
            get = _getter(fields)
            pages = "-".join(p for p in (get("BP"), get("EP")) if p)
            title = get("TI")
            if not title:
                lib.skipped.append(f"{file}, line {start}: a record without a title (TI) — skipped")
            else:
                lib.append(Reference(start, [v for t, v in fields if t == "AU"], title, get("JI") or get("SO"),
                                     get("PY"), get("VL"), get("IS"), pages or get("AR"), get("DI")))
            current = None
        else:
            current.append((n, line))
    return lib
