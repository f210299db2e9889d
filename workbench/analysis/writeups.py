"""Which derivation makes which write-up, from a table already built (the Table screen has one).

The CLI builds each write-up with its own `build_*`; the app already holds the `TableModel` it
shows, so it derives the write-up from that very model — what is exported is what is on screen.
"""

from __future__ import annotations

from typing import Any

from workbench.analysis.table import TableModel
from workbench.store.viewer import CoderView

WRITEUP_KINDS = ("narrative", "appendix", "checklist")


def writeup_from(what: str, view: CoderView, model: TableModel) -> Any:
    """The Narrative, Appendix or Checklist of `model` (built for `view`; the appendix and the
    checklist read more of the project through it)."""
    if what == "narrative":
        from workbench.analysis.narrative import narrative_from

        return narrative_from(model)
    if what == "appendix":
        from workbench.analysis.appendix import appendix_from

        return appendix_from(view, model)
    if what == "checklist":
        from workbench.analysis.checklist import checklist_from

        return checklist_from(view, model)
    raise ValueError(f"unknown write-up {what!r} (known: {', '.join(WRITEUP_KINDS)})")
