"""The session's overlay of changes not yet saved (tui/session.py `stage`, `shown`), without the app:
what the Code screen shows of an excerpt while its writes are on their way, refused, or saved."""

from __future__ import annotations

import pytest

from workbench.core.errors import UserError
from workbench.core.model import Coding
from workbench.tui import actions as A
from workbench.tui.excerpt_index import CODED, NOTHING, UNCODED
from workbench.tui.session import FAILED, SAVED, SAVING, WAITING, Session


def _session(project) -> Session:  # type: ignore[no-untyped-def]
    s = Session(project, "tess")
    s.load()
    return s


def test_a_staged_coding_shows_marked_until_saved_and_read_back(example_project) -> None:
    s = _session(example_project)
    base = s.detail("e001")
    action = s.coding_action("e001", "Boundaries", "benefit", "PSWs")
    p = s.stage(action)
    shown = s.shown(base)
    assert [c.subtheme for c in shown.codings if c.coder == "tess"] == ["Boundaries"]
    assert shown.saving == {action.coding.uuid} and shown.unsaved == ("code e001 with Boundaries (benefit, PSWs)",)
    assert s.index.state[s.index.position["e001"]] == CODED
    s.settle(p, WAITING, "connection lost")
    assert s.shown(base).saving == {action.coding.uuid}  # still shown, still marked
    s.settle(p, SAVING)
    change = s.run(action)  # the queue's worker
    s.settle(p, SAVED, seq=change.seq)
    assert s.unsaved() == []
    again = s.shown(base)  # an older read: the saved coding stays on it, unmarked
    assert [c.subtheme for c in again.codings if c.coder == "tess"] == ["Boundaries"] and not again.saving
    fresh = s.detail("e001")
    assert s.shown(fresh).codings == fresh.codings
    assert [c.subtheme for c in fresh.codings if c.coder == "tess"] == ["Boundaries"]


def test_a_failed_change_is_rolled_back_and_a_dropped_one_forgotten(example_project) -> None:
    s = _session(example_project)
    base = s.detail("e002")
    p = s.stage(A.NothingApplies("e002", "tess"))
    assert s.shown(base).nothing_applies and s.index.state[s.index.position["e002"]] == NOTHING
    s.settle(p, FAILED, "the server refused")
    assert not s.shown(base).nothing_applies and s.index.state[s.index.position["e002"]] == UNCODED
    assert s.unsaved() == [p]
    s.drop(p)
    assert s.unsaved() == []


def test_changes_lay_over_each_other_in_order(example_project) -> None:
    """Code, note it, code another, remove the first: each step on what the one before left."""
    s = _session(example_project)
    base = s.detail("e003")
    first = s.coding_action("e003", "Boundaries", None, None)
    s.stage(first)
    s.stage(A.Note(first.coding.uuid, "e003", "unsure", "tess", ""))
    second = s.coding_action("e003", "Workload", None, None)
    s.stage(second)
    shown = s.shown(base)
    assert [(c.subtheme, c.note) for c in shown.codings if c.coder == "tess"] == [("Boundaries", "unsure"),
                                                                                   ("Workload", "")]
    s.stage(s.removal(next(c for c in shown.codings if c.uuid == first.coding.uuid)))
    shown = s.shown(base)
    assert [c.subtheme for c in shown.codings if c.coder == "tess"] == ["Workload"]
    assert len(shown.unsaved) == 4
    with pytest.raises(UserError, match="remove your codings"):  # shown as coded, though not saved yet
        s.nothing_applies_toggle(shown)


def test_a_memo_shows_at_once(example_project) -> None:
    s = _session(example_project)
    base = s.detail("e004")
    s.stage(A.Memo("excerpt", base.uuid, "ask the team", "tess", "e004"))
    assert [m.text for m in s.shown(base).memos][-1] == "ask the team"


def test_a_coding_by_someone_else_is_not_mine_to_remove(example_project) -> None:
    s = _session(example_project)
    with pytest.raises(UserError, match="only your own"):
        s.removal(Coding("e005", "Boundaries", "ben"))
