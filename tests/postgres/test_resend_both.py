"""Sending a write again after a dropped connection is safe, for every kind the app resends
(tui/writes.py): the first attempt may have committed before the connection went, so the resend
(`interrupted` set) must leave the database — rows and audit log — as one attempt would. Both on
SQLite and on a server (`any_project`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from workbench.core.model import Coding
from workbench.tui import actions as A


def state(p: Any) -> tuple[Any, ...]:
    excerpt = p.workspace.excerpt_meta("e002")[0]
    return (sorted((c.uuid, c.excerpt, c.subtheme, c.coder, c.note) for c in p.records.codings()),
            sorted(p.records.nothing_applies()), sorted((m.uuid, m.text) for m in p.interchange.memos(excerpt)),
            [s.name for s in p.codebook.get().ungrouped], len(p.audit_log(100_000)))


def _tess_coding(p: Any) -> Coding:
    p.records.add_coding(Coding("e002", "Bridge", "tess", "challenge", "PSWs", uuid="11111111-2222-4333-8444-555555555555"))
    return next(c for c in p.records.codings(["tess"]) if c.subtheme == "Bridge")


KINDS: dict[str, Callable[[Any], A.Action]] = {
    "code": lambda p: A.Code(A.with_uuid(Coding("e002", "Workload", "tess", "challenge", "PSWs"))),
    "remove": lambda p: A.Uncode(_tess_coding(p).uuid, "tess", _tess_coding(p)),
    "nothing applies": lambda p: A.NothingApplies("e002", "tess"),
    "withdraw nothing applies": lambda p: (p.records.mark_nothing_applies("e002", "tess"),
                                           A.NothingApplies("e002", "tess", mark=False))[1],
    "note": lambda p: A.Note(_tess_coding(p).uuid, "e002", "unsure", "tess", ""),
    "memo": lambda p: A.Memo("excerpt", p.workspace.excerpt_meta("e002")[0], "ask the team", "tess", "e002"),
    "new subtheme applied": lambda p: A.Sequence([A.NewSubtheme("tess", name="Maybe"),
                                                  A.Code(A.with_uuid(Coding("e002", "Maybe", "tess")))]),
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_resent_write_lands_once(any_project, kind: str) -> None:  # type: ignore[no-untyped-def]
    """Done, then sent again as after a lost answer: the same rows and audit entries as done once;
    and undone afterwards, the project is as before."""
    p = any_project
    action = KINDS[kind](p)
    before = state(p)
    action.do(p)
    once = state(p)
    assert once != before
    action.interrupted = True
    action.do(p)
    assert state(p) == once
    action.undo(p)
    assert state(p)[:4] == before[:4]


@pytest.mark.parametrize("kind", ["code", "remove", "new subtheme applied"])
def test_an_undo_sent_again_lands_once(any_project, kind: str) -> None:  # type: ignore[no-untyped-def]
    """An undo cut off by the connection is sent again too (ctrl+z in the queue): same rule."""
    p = any_project
    action = KINDS[kind](p)
    before = state(p)
    action.do(p)
    action.undo(p)
    undone = state(p)
    assert undone[:4] == before[:4]
    action.interrupted = True
    action.undo(p)
    assert state(p) == undone
