"""Coding together on SQLite and PostgreSQL (`any_project`): the same figures, decisions and merge."""

from __future__ import annotations

from pathlib import Path

from workbench.analysis.agreement import agreement
from workbench.analysis.disagreements import disagreements, project_coverage
from workbench.core.model import Coding


def test_agreement_figures_are_the_same(any_project, example_project) -> None:  # type: ignore[no-untyped-def]
    mine, ref = agreement(any_project, ["amira", "ben"]), agreement(example_project, ["amira", "ben"])
    assert [(r.level, r.name, r.field, r.measure.alpha, r.measure.percent) for r in mine.rows] == \
           [(r.level, r.name, r.field, r.measure.alpha, r.measure.percent) for r in ref.rows]
    assert round(mine.overall().alpha, 3) == 0.763


def test_decisions_and_coverage(any_project) -> None:  # type: ignore[no-untyped-def]
    items = disagreements(any_project, ["amira", "ben"], include_settled=True)
    item = next(i for i in items if i.kind == "applies")
    coder = next(c for c, v in item.views.items() if v)
    before = any_project.collab.data_version()
    any_project.collab.accept_coding(item.excerpt.key, item.subtheme, coder, "chair", "on the server")
    any_project.collab.leave_open(items[1].excerpt.key, items[1].subtheme, "later", "chair")
    assert [d.status for d in any_project.collab.decisions()] == ["accepted", "open"]
    assert any_project.collab.data_version() > before
    assert project_coverage(any_project, ["amira", "ben"]).open_with_note == 1
    assert any_project.collab.integrity_check() == "ok"


def test_merge_a_laptop_copy_in(any_project, example_dir: Path) -> None:  # type: ignore[no-untyped-def]
    from workbench.services.merge import merge_project
    from workbench.store.api import Project

    with Project.open(example_dir) as laptop:
        laptop.records.add_coding(Coding("e005", "Workload", "carla", "challenge", "PSWs"))
    report = merge_project(any_project, example_dir, "chair")
    assert report.added["coding"] == 1 and not report.conflicts
    assert merge_project(any_project, example_dir, "chair").changed is False
