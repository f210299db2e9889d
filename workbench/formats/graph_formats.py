"""One registry of the writers for the matrix, the graph, the evidence profile, the report and the
subthemes coded together (co-occurrence).

The CLI, the TUI and the tests reach a format the same way — `writer("matrix", "png")` — and the
heavy modules (matplotlib, python-docx, openpyxl) are imported only when that format is written.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from workbench.core.errors import UserError

M = "workbench.formats."
WRITERS: dict[str, dict[str, str]] = {
    "matrix": {"md": M + "matrix_text:matrix_md", "csv": M + "matrix_text:matrix_csv",
               "xlsx": M + "matrix_text:matrix_xlsx", "png": M + "matrix_picture:matrix_png",
               "svg": M + "matrix_picture:matrix_svg"},
    "graph": {"graphml": M + "graph_files:graph_graphml", "gexf": M + "graph_files:graph_gexf",
              "json": M + "graph_files:graph_json", "png": M + "graph_picture:graph_png",
              "svg": M + "graph_picture:graph_svg"},
    "evidence": {"md": M + "evidence_files:evidence_md", "csv": M + "evidence_files:evidence_csv",
                 "xlsx": M + "evidence_files:evidence_xlsx", "docx": M + "evidence_files:evidence_docx"},
    "report": {"html": M + "report_html:report_html"},
    "cooccurrence": {"csv": M + "cooccurrence_files:cooccurrence_csv",
                     "xlsx": M + "cooccurrence_files:cooccurrence_xlsx",
                     "png": M + "cooccurrence_files:cooccurrence_png"},
}


def writer(what: str, fmt: str) -> Callable[[Any, Any], None]:
    """The `<what>_<format>(data, out)` function for a format, imported on first use."""
    try:
        module, _, name = WRITERS[what][fmt].partition(":")
    except KeyError:
        formats = ", ".join(WRITERS.get(what, {}))
        raise UserError(f"cannot write the {what} as '{fmt}' (formats: {formats or 'none'})") from None
    return getattr(importlib.import_module(module), name)
