"""`Project`: the one API object the CLI, the TUI and the tests open.

A composition, not a class hierarchy: the core (`ProjectCore`: engine, transactions, audit log,
settings, ids) plus one small store per concern, each given only the core and the stores it uses
(its constructor says which), and reached as an attribute:

    project.codebook      the codebook value (`get()`) and its edits         store/codebook_ops.py
    project.records       sources, excerpts, coders, codings                  store/records.py
    project.summaries     one summary per cell, with versions                 store/summaries.py
    project.evidence      included studies, CERQual judgements                store/evidence.py
    project.collab        blind coding, the agreed set, sheets, merge         store/collab.py
    project.interchange   documents, memos, source labels, whole bundles      store/interchange.py
    project.nlp           stored detections, bulk coding and its undo         store/nlp_store.py
    project.workspace     the TUI's reads, undo snapshots                     store/workspace.py

and `project.viewer(coder)`, the one door for reading codings (the blind rule; store/viewer.py).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from workbench.store.codebook_ops import CodebookStore
from workbench.store.collab import CollabStore
from workbench.store.core import ProjectCore
from workbench.store.evidence import EvidenceStore
from workbench.store.interchange import InterchangeStore
from workbench.store.nlp_store import NlpStore
from workbench.store.records import ImportResult, RecordStore
from workbench.store.summaries import SummaryConflict, SummaryStore
from workbench.store.viewer import CoderView
from workbench.store.workspace import WorkspaceStore


class Project(ProjectCore):
    """A synthesis project: its database (the core's own methods) and a store per concern."""

    def __init__(self, engine: Engine, folder: Path | None) -> None:
        super().__init__(engine, folder)
        self.codebook = CodebookStore(self)
        self.records = RecordStore(self)
        self.summaries = SummaryStore(self)
        self.evidence = EvidenceStore(self)
        self.collab = CollabStore(self, self.records)
        self.interchange = InterchangeStore(self, self.records, self.codebook, self.summaries)
        self.nlp = NlpStore(self, self.records)
        self.workspace = WorkspaceStore(self, self.codebook)

    def viewer(self, coder: str | None) -> CoderView:
        """The one door for reading codings: `coder`'s view, with the blind rule (store/viewer.py)."""
        return CoderView(self, coder)


__all__ = ["ImportResult", "Project", "SummaryConflict"]
