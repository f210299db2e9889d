"""REFI-QDA project archives (.qdpx): `project_qdpx` writes one, `read_qdpx` reads one.

The writer is qdpx_write.py; reading is qdpx_read.py (the archive and its XML, checked) followed
by qdpx_map.py (records → a `ProjectBundle`). Both directions and the mapping are described in
docs/interchange.md. Reading changes nothing: the bundle is imported by the store in one
transaction, so a file refused at any point leaves the project as it was.
"""

from __future__ import annotations

from pathlib import Path

from workbench.core.gate import check_bundle
from workbench.core.interchange import ProjectBundle
from workbench.formats.refi.qdpx_map import POSITIONS, to_bundle
from workbench.formats.refi.qdpx_read import read_archive
from workbench.formats.refi.qdpx_write import project_qdpx


def read_qdpx(path: Path, positions: str = "auto", dots: bool | None = None) -> ProjectBundle:
    """A project from a .qdpx (ours or another tool's); `bundle.losses` says what did not come across.
    `dots`: code names 'parent.child' read as a hierarchy (None: for Taguette's files only). The
    bundle passes the import gate (core/gate.py) before the store sees it."""
    bundle = to_bundle(read_archive(path), positions, dots)
    check_bundle(bundle, str(path))
    return bundle


__all__ = ["POSITIONS", "project_qdpx", "read_qdpx"]
