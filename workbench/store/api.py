"""`Project`: the one API object the CLI, the TUI and the tests open."""

from __future__ import annotations

from workbench.store.codebook_ops import CodebookOps
from workbench.store.project import ProjectBase
from workbench.store.records import ImportResult, RecordOps
from workbench.store.summaries import SummaryConflict, SummaryOps


class Project(CodebookOps, RecordOps, SummaryOps, ProjectBase):
    """A synthesis project: its database and every operation on it."""


__all__ = ["ImportResult", "Project", "SummaryConflict"]
