"""Every undoable action of the app against a real project: do, undo, redo leave the database as it was."""

from __future__ import annotations

from typing import Any

import pytest

from workbench.core.errors import UserError
from workbench.core.model import Coding
from workbench.tui import actions as A
from workbench.tui.session import Session


def state(p: Any) -> tuple[Any, ...]:
    """What the team sees (an empty summary counts: undoing a first summary must remove it)."""
    cb = p.codebook.get()
    return (sorted((c.uuid, c.excerpt, c.subtheme, c.coder, c.valence, c.perspective, c.note) for c in p.records.codings()),
            [(t.name, [s.name for s in t.subthemes]) for t in cb.themes], [s.name for s in cb.ungrouped],
            sorted((s.uuid, s.subtheme, s.valence, s.perspective, s.text) for s in p.summaries.all()),
            sorted(p.records.nothing_applies()))


CASES = [
    lambda c: A.Code(A.with_uuid(Coding("e002", "Bridge", c, "challenge", "PSWs", 3, 9, "n"))),
    lambda c: A.NothingApplies("e002", c),
    lambda c: A.Merge(c, source="Pioneer and expectations", into="Bridge"),
    lambda c: A.Merge(c, source="Wellbeing and recovery", into="Recovery and role models"),
    lambda c: A.MoveSubtheme(c, name="Bridge", old="What the PSW role can bring", new=None),
    lambda c: A.Reorder(c, kind="theme", name="Other", old=4, new=1),
    lambda c: A.RenameTheme(c, old="Other", new="Elsewhere"),
    lambda c: A.RenameSubtheme(c, old="Bridge", new="Bridging"),
    lambda c: A.DeleteTheme(c, name="Confusion over the PSW role"),
    lambda c: A.NewTheme(c, name="Later"),
    lambda c: A.NewSubtheme(c, name="Maybe", theme="Other", definition="d"),
    lambda c: A.EditSubtheme(c, name="Bridge", new={"definition": "new"}, old={"definition": ""}),
    lambda c: A.WriteSummary("Bridge", "benefit", "Service users", "text", c),
]


@pytest.mark.parametrize("make_action", CASES)
def test_do_undo_redo(example_project, make_action) -> None:  # type: ignore[no-untyped-def]
    session = Session(example_project, "tess")
    session.load()
    before = state(example_project)
    change = session.run(make_action("tess"))
    after = state(example_project)
    assert after != before or isinstance(make_action("tess"), A.EditSubtheme)
    assert change.message
    session.undo()
    assert state(example_project) == before
    session.redo()
    assert state(example_project) == after


def test_edit_subtheme_round_trip(example_project) -> None:
    session = Session(example_project, "tess")
    session.load()
    old = next(s for s in example_project.codebook.get().all_subthemes() if s.name == "Bridge").definition
    session.run(A.EditSubtheme("tess", name="Bridge", new={"definition": "new"}, old={"definition": old}))
    assert next(s for s in example_project.codebook.get().all_subthemes() if s.name == "Bridge").definition == "new"
    session.undo()
    assert next(s for s in example_project.codebook.get().all_subthemes() if s.name == "Bridge").definition == old


def test_an_existing_coding_is_not_put_on_the_undo_stack(example_project) -> None:
    session = Session(example_project, "amira")
    session.load()
    with pytest.raises(A.NothingToDo):
        session.apply("e001", "Wellbeing and recovery", "benefit", "PSWs")
    assert session.undo_stack == []
    with pytest.raises(A.NothingToDo):
        session.undo()


def test_someone_elses_coding_cannot_be_removed(example_project) -> None:
    session = Session(example_project, "tess")
    session.load()
    theirs = example_project.records.codings(["amira"])[0]
    with pytest.raises(UserError, match="amira's"):
        session.remove(theirs)


def test_undoing_a_first_summary_removes_it(example_project) -> None:
    p = example_project
    session = Session(p, "tess")
    session.load()
    cell = ("Bridge", "benefit", "Service users")
    assert p.summaries.get(*cell) is None
    session.run(A.WriteSummary(*cell, "first words", "tess"))
    written = p.summaries.get(*cell)
    assert written is not None and written.text == "first words"
    session.undo()
    assert p.summaries.get(*cell) is None  # gone, not an empty summary
    last = p.audit_log(limit=1)[0]
    assert (last["action"], last["actor"], last["entity_uuid"]) == ("delete summary", "tess", written.uuid)
    session.redo()
    again = p.summaries.get(*cell)
    assert again is not None and (again.text, again.uuid) == ("first words", written.uuid)


def test_undoing_a_later_summary_puts_the_old_text_back(example_project) -> None:
    p = example_project
    cell = ("Bridge", "benefit", "Service users")
    p.summaries.set(*cell, "before", "amira")
    session = Session(p, "tess")
    session.load()
    session.run(A.WriteSummary(*cell, "after", "tess"))
    session.undo()
    kept = p.summaries.get(*cell)
    assert kept is not None and kept.text == "before"


def test_delete_summary_refuses_a_summary_saved_since(example_project) -> None:
    from workbench.store.summaries import SummaryConflict

    p = example_project
    cell = ("Bridge", "benefit", "Service users")
    first = p.summaries.set(*cell, "one", "tess")
    p.summaries.set(*cell, "two", "amira", expected_version=first.version)
    with pytest.raises(SummaryConflict):
        p.summaries.delete(*cell, "tess", expected_version=first.version)
    kept = p.summaries.get(*cell)
    assert kept is not None and kept.text == "two"
    assert p.summaries.delete(*cell, "tess") is not None
    assert p.summaries.get(*cell) is None
    assert p.summaries.delete(*cell, "tess") is None  # nothing left: nothing to do
