"""The one registry of write-up formats: (narrative | appendix | checklist) × format → exporter.

Like `table_registry`, each entry names its exporter as "module:function" and loads it only when
used (Markdown never imports python-docx), and every exporter has the shape
`<what>_<format>(model, out)` with `out` a Path (binary formats need one) or a text stream. The
CLI, the Table screen's export menu and the tests all reach a format through `write_writeup`.

    from workbench.formats.writeup_registry import WRITEUPS, write_writeup
    write_writeup("narrative", model, "docx", Path("results.docx"))
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

from workbench.formats.table_registry import TableFormat

_F = "workbench.formats."
WRITEUPS: dict[str, dict[str, TableFormat]] = {
    "narrative": {f.name: f for f in (
        TableFormat("md", "Results narrative — Markdown", False, _F + "writeup_md:narrative_md"),
        TableFormat("docx", "Results narrative — Word document", True, _F + "writeup_docx:narrative_docx"),
        TableFormat("html", "Results narrative — web page", False, _F + "writeup_html:narrative_html"),
    )},
    "appendix": {f.name: f for f in (
        TableFormat("md", "Detailed themes appendix — Markdown", False, _F + "writeup_md:appendix_md"),
        TableFormat("docx", "Detailed themes appendix — Word document", True, _F + "writeup_docx:appendix_docx"),
        TableFormat("html", "Detailed themes appendix — web page", False, _F + "writeup_html:appendix_html"),
    )},
    "checklist": {f.name: f for f in (
        TableFormat("md", "ENTREQ checklist — Markdown", False, _F + "writeup_md:checklist_md"),
        TableFormat("docx", "ENTREQ checklist — Word document", True, _F + "writeup_docx:checklist_docx"),
    )},
}


def write_writeup(what: str, model: Any, fmt: str, out: Path | IO[str]) -> None:
    """Write `model` (a Narrative, Appendix or Checklist) as `fmt` to a path or a text stream."""
    WRITEUPS[what][fmt].load()(model, out)
