"""`workbench verify-table`: a table typed by hand, read (formats) and compared with the codings (analysis)."""

from __future__ import annotations

from pathlib import Path

from workbench.analysis.table import build_table
from workbench.analysis.verify import Finding, verify_table
from workbench.formats.typed_table import read_grid
from workbench.store.viewer import CoderView


def verify_typed_table(view: CoderView, path: Path, fmt: str, coders: str | None = None) -> tuple[int, list[Finding]]:
    """(typed rows read, findings): one finding per row that differs from the derived table."""
    grid, tidy = read_grid(path, fmt)
    return verify_table(build_table(view, coders), grid, tidy, str(path), fmt)
