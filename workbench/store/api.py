"""`Project`: the one API object the CLI, the TUI and the tests open."""

from __future__ import annotations

from workbench.store.codebook_ops import CodebookOps
from workbench.store.collab import CollabOps
from workbench.store.evidence import EvidenceOps
from workbench.store.interchange import InterchangeOps
from workbench.store.nlp_store import NlpOps
from workbench.store.project import ProjectBase
from workbench.store.records import ImportResult, RecordOps
from workbench.store.summaries import SummaryConflict, SummaryOps
from workbench.store.viewer import CoderView
from workbench.store.workspace import WorkspaceOps


class Project(CodebookOps, RecordOps, SummaryOps, EvidenceOps, CollabOps, InterchangeOps, NlpOps, WorkspaceOps,
              ProjectBase):
    """A synthesis project: its database and every operation on it (each concern in its own mixin)."""

    def viewer(self, coder: str | None) -> CoderView:
        """The one door for reading codings: `coder`'s view, with the blind rule (store/viewer.py)."""
        return CoderView(self, coder)


__all__ = ["ImportResult", "Project", "SummaryConflict"]
