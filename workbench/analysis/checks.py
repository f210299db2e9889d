"""`workbench check`: problems in a project, one per line, from a registry of checks.

Each check is a function view → list of messages; adding a check is adding one function to
CHECKS, and the CLI, the TUI and the tests all run the same list. A check takes the coder-scoped
view (store/viewer.py), so while blind it names only the viewer's own codings.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from workbench.store.viewer import CoderView

if TYPE_CHECKING:
    from workbench.analysis.table import TableModel

Check = Callable[[CoderView], list[str]]
CHECKS: list[Check] = []


def check(f: Check) -> Check:
    CHECKS.append(f)
    return f


@check
def ungrouped_subthemes(view: CoderView) -> list[str]:
    project = view.project
    return [f"subtheme '{s.name}' is under no overarching theme (it stays out of the table)"
            for s in project.codebook.get().ungrouped]


@check
def excerpt_hints_known(view: CoderView) -> list[str]:
    project = view.project
    names = {p.name for p in project.codebook.get().perspectives}
    return [f"excerpt '{e.key}' has perspective hint '{e.perspective}', which the codebook does not define"
            for e in project.records.excerpts() if e.perspective and e.perspective not in names]


LIMIT = 20  # lines per check before "… and N more": a problem list should stay readable


def _capped(lines: list[str], total: int | None = None, what: str = "") -> list[str]:
    total = len(lines) if total is None else total
    shown = lines[:LIMIT]
    return shown + ([f"… and {total - len(shown)} more {what}".rstrip()] if total > len(shown) else [])


@check
def codings_without_perspective(view: CoderView) -> list[str]:
    """A coding with no perspective is left out of every perspective's line of the table."""
    project = view.project
    from workbench.store import table_queries

    if not project.codebook.get().perspectives:
        return []
    with project.read() as conn:
        n, rows = table_queries.codings_without_perspective(conn, LIMIT, view.own_only())
    lines = [f"coding of excerpt '{r.key}' as '{r.subtheme}' by {r.coder} has no perspective "
             "(it stays out of the table)" for r in rows]
    return _capped(lines, n, "codings without a perspective")


@check
def sources_cited_by_no_coding(view: CoderView) -> list[str]:
    project = view.project
    from workbench.store import table_queries

    with project.read() as conn:
        refs = table_queries.uncited_sources(conn, view.own_only())
    return _capped([f"source {r} is cited by no coding" for r in refs], None, "uncited sources")


@check
def mixed_codings_without_groups(view: CoderView) -> list[str]:
    """A mixed cell lists its sources' sample groups; a source without any leaves that list short."""
    project = view.project
    from workbench.store import table_queries

    with project.read() as conn:
        n, rows = table_queries.mixed_codings_without_groups(conn, LIMIT, view.own_only())
    lines = [f"coding of excerpt '{r.key}' as '{r.subtheme}' by {r.coder} is {r.perspective}, but source "
             f"{r.ref} lists no sample groups" for r in rows]
    return _capped(lines, n, "mixed codings whose source has no groups")


def _short(model: TableModel, refs: list[str]) -> str:
    return model.refs_text(refs) if len(refs) <= 8 else model.refs_text([*refs[:6], f"… {len(refs)} sources"])


@check
def table_summaries(view: CoderView) -> list[str]:
    """Cells of the table without a summary, and summaries whose cell's references changed
    (or that no longer have a cell): the table the team publishes would be wrong or incomplete."""
    project = view.project
    from workbench.analysis.table import build_table

    if view.blind:  # summaries are written from the agreed set: nothing to compare one coder's cells with
        return []
    model = build_table(view)
    missing, stale = [], []
    cells = set()
    for _theme, sub, row, e in model.entries():
        cells.add((sub, row.valence, e.perspective))
        name = f"{sub} / {row.valence or '(no valence)'} / {e.perspective}"
        if not e.summary.strip():
            missing.append(f"cell {name} {_short(model, e.references)} has codings but no summary")
        elif e.stale:
            stale.append(f"summary of {name} is stale: written for {_short(model, e.written_for)}, "
                         f"the codings now give {_short(model, e.references)}")
    grouped = {s.name for t in model.codebook.themes for s in t.subthemes}
    for s in project.summaries.all():
        if s.text.strip() and s.subtheme in grouped and (s.subtheme, s.valence, s.perspective) not in cells:
            stale.append(f"summary of {s.subtheme} / {s.valence or '(no valence)'} / {s.perspective} is stale: "
                         "no codings give that cell any references now")
    return _capped(missing, None, "cells without a summary") + _capped(stale, None, "stale summaries")


def run_checks(view: CoderView) -> list[str]:
    problems: list[str] = []
    for f in CHECKS:
        problems.extend(f(view))
    return problems
