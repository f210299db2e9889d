"""The one registry of table formats: name → exporter, for the CLI, the TUI and the tests.

Each entry names its exporter as "module:function" and loads it only when used, so writing
Markdown never imports python-docx or openpyxl. Every exporter has the same shape,
`table_<format>(model, out)`, taking the `TableModel` of `analysis.table.build_table` and a Path
(binary formats need one) or a text file object.

    from workbench.formats.table_registry import TABLE_FORMATS, write_table
    write_table(model, "docx", Path("table6.docx"))
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

Exporter = Callable[[Any, "Path | IO[str]"], None]


@dataclass(frozen=True)
class TableFormat:
    name: str  # what --format takes, and the file extension
    title: str  # what a menu shows
    binary: bool  # binary formats go to a file (the project's exports/ unless -o)
    exporter: str  # "module:function"

    def load(self) -> Exporter:
        module, _, attr = self.exporter.partition(":")
        return getattr(importlib.import_module(module), attr)


_F = "workbench.formats."
TABLE_FORMATS: dict[str, TableFormat] = {f.name: f for f in (
    TableFormat("md", "Markdown", False, _F + "table_md:table_md"),
    TableFormat("csv", "CSV (tidy: one line per cell)", False, _F + "table_csv:table_csv"),
    TableFormat("json", "JSON", False, _F + "table_json:table_json"),
    TableFormat("docx", "Word document", True, _F + "table_docx:table_docx"),
    TableFormat("html", "Web page (standalone)", False, _F + "table_html:table_html"),
    TableFormat("xlsx", "Excel workbook", True, _F + "table_xlsx:table_xlsx"),
)}


def write_table(model: Any, fmt: str, out: Path | IO[str]) -> None:
    """Write `model` (a TableModel) as `fmt` to a path or a text stream."""
    TABLE_FORMATS[fmt].load()(model, out)


def write_text(out: Path | IO[str], text: str) -> None:
    """The text exporters' last step: to a UTF-8 file (with '\\n' line ends) or a stream."""
    if isinstance(out, Path):
        with out.open("w", encoding="utf-8", newline="\n") as f:
            f.write(text)
    else:
        out.write(text)
