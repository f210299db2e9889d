"""RIS as EndNote, Zotero, Mendeley, Embase, Scopus, Ovid, IEEE Xplore, Rayyan and Web of Science
write it: read one record at a time (rispy), so one broken record is reported and the rest import.

Ovid numbers its records ("1.") and adds lines between them ("Link to the Ovid Full Text…");
those sit outside any TY…ER block and are passed over. Authors come from AU and A1 (Embase and
Ovid use A1), one per line or all on one line.
"""

from __future__ import annotations

import re

from workbench.formats.references.model import Library, Reference
from workbench.formats.references.names import REGISTRY, split_names

_TAG = re.compile(r"^([A-Z][A-Z0-9])  -(?: (.*))?$")


def records(text: str) -> list[tuple[int, list[str]]]:
    """(first line number, lines) of every TY … ER block."""
    out: list[tuple[int, list[str]]] = []
    current: list[str] | None = None
    start = 0
    for n, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if re.match(r"^TY  -", stripped):
            if current:
                out.append((start, current))
            current, start = [stripped], n
        elif current is not None:
            if re.match(r"^ER  -", stripped) or stripped == "ER":
                out.append((start, current))
                current = None
            else:
                current.append(line.rstrip())
    if current:
        out.append((start, current))
    return out


def read_ris(text: str, file: str) -> Library:
    import rispy

    lib = Library(kind="RIS")
    for start, lines in records(text):
        try:
            entries = rispy.loads("\n".join([*lines, "ER  - "]) + "\n", skip_unknown_tags=True)
            if len(entries) != 1:
                raise ValueError("not one record")
            e = entries[0]
        except Exception as err:  # noqa: BLE001 — rispy raises bare IOError/ValueError variants
            lib.skipped.append(f"{file}, line {start}: a record that could not be read ({err}) — skipped")
            continue
        lib.append(_reference(start, e, "\n".join(lines)))
    return lib


def _one(value: object) -> str:
    if isinstance(value, list):
        return str(value[0]) if value else ""
    return str(value or "")


def _reference(line: int, e: dict[str, object], raw: str) -> Reference:
    names: list[str] = []
    for key in ("authors", "first_authors"):
        value = e.get(key) or []
        names += [str(v) for v in (value if isinstance(value, list) else [value])]
    pages = _one(e.get("start_page"))
    end = _one(e.get("end_page"))
    if pages and end and not (pages, end) == ("No", "Specified"):
        pages = f"{pages}-{end}"
    elif (pages, end) == ("No", "Specified"):  # Ovid's "SP - No / EP - Specified"
        pages = ""
    registry = REGISTRY.search(raw)
    return Reference(
        line, split_names(names),
        _one(e.get("title") or e.get("primary_title")).strip(),
        _one(e.get("alternate_title1") or e.get("journal_name") or e.get("secondary_title") or
             e.get("alternate_title3") or e.get("alternate_title2")).strip(),
        _one(e.get("year") or e.get("publication_year") or e.get("date")),
        _one(e.get("volume")), _one(e.get("number")), pages, _one(e.get("doi")).strip(),
        registry.group(1) if registry and not registry.group(1).startswith("CN-") else "")
