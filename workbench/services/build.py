"""A new project, from text files (`workbench new`) or from a REFI-QDA project (`new --qdpx`).

Every input is read and checked before anything is written; the project is built in a scratch
folder and moved into place at the end, so a bad row anywhere leaves no half-made project behind.
"""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from workbench.core.errors import UserError
from workbench.services.feedback import QUIET, Feedback
from workbench.store.api import Project


@contextmanager
def _scratch_for(folder: Path) -> Iterator[Path]:
    """A scratch folder beside `folder`, moved into its place when the block succeeds."""
    if folder.exists() and any(folder.iterdir()):
        raise UserError("folder exists and is not empty", str(folder))
    scratch = folder.with_name(f".{folder.name}.creating")
    shutil.rmtree(scratch, ignore_errors=True)
    try:
        yield scratch
        if folder.exists():
            folder.rmdir()
        scratch.rename(folder)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def build_project(folder: Path, codebook: Path, sources: Path, excerpts: Path, codings: Path | None,
                  summaries: Path | None = None, actor: str = "", feedback: Feedback = QUIET) -> dict[str, str]:
    """Make the project at `folder` from a codebook YAML and record files; what each step did."""
    from workbench.formats.codebook_yaml import load_codebook
    from workbench.formats.records import read_codings, read_excerpts, read_sources, read_summaries
    from workbench.formats.tabular import read_header

    if folder.exists() and any(folder.iterdir()):
        raise UserError("folder exists and is not empty", str(folder))
    cb = load_codebook(codebook)
    src_rows = read_sources(sources)
    exc_rows = read_excerpts(excerpts, None, cb, {s.ref for _, s in src_rows})
    keys = {e.key for _, e in exc_rows}
    with feedback.busy(f"reading {codings.name}" if codings else "reading"):
        cod_rows = read_codings(codings, None, cb, keys) if codings else []
    sum_rows = read_summaries(summaries, None, cb) if summaries else []
    for note in [*exc_rows.notes, *getattr(cod_rows, "notes", []), *getattr(sum_rows, "notes", [])]:
        feedback.note(note)
    typed_by_hand = summaries is not None and "references" not in read_header(summaries)
    report: dict[str, str] = {}
    with _scratch_for(folder) as scratch, Project.create(scratch) as project:
        project.codebook.load(cb, actor)
        report["sources"] = str(project.records.add_sources(src_rows, actor, str(sources)))
        report["excerpts"] = str(project.records.add_excerpts(exc_rows, actor, str(excerpts)))
        if cod_rows:
            with feedback.progress(len(cod_rows) * 2, "importing codings") as advance:
                report["codings"] = str(project.records.add_codings(cod_rows, actor, str(codings), advance))
        if sum_rows and typed_by_hand:
            # Summaries typed by hand are taken to fit the cells as the codings now make them; an
            # export carries the references they were written for (stale or not) and keeps them.
            from workbench.analysis.cells import derive_cells
            from workbench.store.viewer import CoderView

            derivation = derive_cells(CoderView.for_bookkeeping(project))
            refs = {(c.subtheme, c.valence, c.perspective): ",".join(c.refs) for c in derivation.cells}
            sum_rows = [(n, s if s.references else replace(s, references=refs.get(
                (s.subtheme, s.valence, s.perspective), ""))) for n, s in sum_rows]
        if sum_rows:
            report["summaries"] = f"{project.summaries.add(sum_rows, actor, str(summaries))} written"
    return report


def build_project_from_qdpx(folder: Path, qdpx: Path, actor: str = "",
                            positions: str = "auto") -> tuple[Counter[str], list[str]]:
    """Make the project at `folder` from a REFI-QDA project file: (what came in, what could not)."""
    from workbench.formats.refi.qdpx import read_qdpx

    if folder.exists() and any(folder.iterdir()):
        raise UserError("folder exists and is not empty", str(folder))
    bundle = read_qdpx(qdpx, positions)
    with _scratch_for(folder) as scratch, Project.create(scratch) as project:
        stats = project.interchange.import_bundle(bundle, actor, str(qdpx), fresh=True)
    return stats, bundle.losses

