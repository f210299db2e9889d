"""The grouping step's verbs: each changes what it says, leaves one audit entry, and is atomic.

Merges are checked cell by cell against what the codings said before: the merged subtheme's
reference list in every subtheme × valence × perspective cell is the union of the two, duplicates
collapse, and summaries of a shared cell are joined rather than lost. Atomicity is checked by
making the audit write (the last step of every verb) fail, and comparing the whole database.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import pytest

from workbench.analysis.cells import derive_cells
from workbench.core.errors import UserError
from workbench.core.model import Coding
from workbench.store.api import Project

SRC, DST = "Career, social inclusion and identity", "Wellbeing and recovery"


def dump(folder: Path) -> list[str]:
    con = sqlite3.connect(folder / "workbench.db")
    try:
        return list(con.iterdump())
    finally:
        con.close()


def cells_by_key(project: Project, coders: str) -> dict[tuple, list[str]]:
    return {(c.subtheme, c.valence, c.perspective): c.refs for c in derive_cells(project.viewer(None), coders).cells}


def natural_keys(project: Project, subtheme: str) -> set[tuple]:
    return {(c.excerpt, c.coder, c.valence, c.perspective, c.start, c.end)
            for c in project.records.codings() if c.subtheme == subtheme}


def test_merge_moves_codings_and_summaries_cell_by_cell(example_project: Project) -> None:
    p = example_project
    before_cells = {who: cells_by_key(p, who) for who in ("consensus", "all")}
    src_keys, dst_keys = natural_keys(p, SRC), natural_keys(p, DST)
    keys, overlap = src_keys | dst_keys, src_keys & dst_keys
    summaries = {(s.subtheme, s.valence, s.perspective): s for s in p.summaries.all()}
    n_codings = p.counts()["codings"]

    result = p.codebook.merge_subthemes(SRC, DST, "lead")

    assert result["duplicates"] == len(overlap) > 0
    assert result["moved"] == len(src_keys) - len(overlap)
    assert p.counts()["codings"] == n_codings - len(overlap)
    assert natural_keys(p, DST) == keys and natural_keys(p, SRC) == set()
    assert SRC not in {s.name for s in p.codebook.get().all_subthemes()}
    # Every cell of the merged subtheme is the union of the two, for the agreed set and for all coders.
    for who, before in before_cells.items():
        after = cells_by_key(p, who)
        expected: dict[tuple, set[str]] = defaultdict(set)
        for (sub, v, persp), refs in before.items():
            expected[(DST if sub == SRC else sub, v, persp)].update(refs)
        assert {k: sorted(v, key=int) for k, v in expected.items()} == after, who
    # Summaries: cells only SRC had move over; a cell both had keeps both texts, version bumped.
    after_summaries = {(s.subtheme, s.valence, s.perspective): s for s in p.summaries.all()}
    joined = 0
    for (sub, v, persp), s in summaries.items():
        if sub != SRC:
            continue
        merged = after_summaries[(DST, v, persp)]
        assert s.text.strip() in merged.text
        if (DST, v, persp) in summaries:
            joined += 1
            assert summaries[(DST, v, persp)].text.rstrip() in merged.text
            assert merged.version == summaries[(DST, v, persp)].version + 1
        else:
            assert merged.uuid == s.uuid
    assert joined == result["summaries_joined"] > 0
    entry = p.audit_log(1)[0]
    assert (entry["action"], entry["actor"]) == ("merge subthemes", "lead")
    assert SRC in entry["detail"] and "source_fields" in entry["detail"]


def test_merge_on_the_synthetic_project(synthetic_dir: Path) -> None:
    """With thousands of codings and ten coders the counts still add up exactly."""
    with Project.open(synthetic_dir) as p:
        subs = [s.name for s in p.codebook.get().themes[0].subthemes]
        a, b = subs[0], subs[1]
        keys_a, keys_b = natural_keys(p, a), natural_keys(p, b)
        total = p.counts()["codings"]
        r = p.codebook.merge_subthemes(a, b, "lead")
        assert r["duplicates"] == len(keys_a & keys_b)
        assert r["moved"] == len(keys_a) - len(keys_a & keys_b)
        assert p.counts()["codings"] == total - r["duplicates"]
        assert natural_keys(p, b) == keys_a | keys_b


def test_add_subtheme_records_its_origin(example_project: Project) -> None:
    p = example_project
    p.codebook.add_subtheme("Peer supervision", "Other", "amira", "Supervision by an experienced peer.",
                   origin="Peer supervision (Walker 2013)", example="A peer mentor met weekly.")
    sub = next(s for s in p.codebook.get().themes[-1].subthemes if s.name == "Peer supervision")
    assert (sub.origin, sub.example) == ("Peer supervision (Walker 2013)", "A peer mentor met weekly.")
    p.codebook.add_subtheme("Hope", None, "amira")
    assert "Hope" in [s.name for s in p.codebook.get().ungrouped]
    assert next(s for s in p.codebook.get().ungrouped if s.name == "Hope").origin == "new"
    assert [e["action"] for e in p.audit_log(2)] == ["add subtheme", "add subtheme"]
    with pytest.raises(UserError, match="already exists"):
        p.codebook.add_subtheme("Boundaries", None, "amira")
    with pytest.raises(UserError, match="unknown theme"):
        p.codebook.add_subtheme("Elsewhere", "No such theme", "amira")


def test_rename_keeps_uuid_and_codings(example_project: Project) -> None:
    p = example_project
    uuid = next(s.uuid for s in p.codebook.get().all_subthemes() if s.name == "Bridge")
    n = len(natural_keys(p, "Bridge"))
    p.codebook.rename_subtheme("Bridge", "Bridging role", "lead")
    assert next(s.uuid for s in p.codebook.get().all_subthemes() if s.name == "Bridging role") == uuid
    assert len(natural_keys(p, "Bridging role")) == n > 0
    assert p.audit_log(1)[0]["action"] == "rename subtheme"
    with pytest.raises(UserError, match="already exists"):
        p.codebook.rename_subtheme("Bridging role", "Boundaries", "lead")


def test_move_ungroup_and_back(example_project: Project) -> None:
    p = example_project
    p.codebook.move_subtheme("Workload", "Confusion over the PSW role", "lead")
    assert p.codebook.get().theme_of("Workload") == "Confusion over the PSW role"
    p.codebook.move_subtheme("Workload", None, "lead")
    cb = p.codebook.get()
    assert cb.theme_of("Workload") is None and "Workload" in [s.name for s in cb.ungrouped]
    assert [e["action"] for e in p.audit_log(2)] == ["move subtheme", "move subtheme"]


def test_reorder_subthemes_and_themes(example_project: Project) -> None:
    p = example_project
    theme = p.codebook.get().themes[1]
    names = [s.name for s in theme.subthemes]
    p.codebook.reorder("subtheme", names[-1], 1, "lead")
    assert [s.name for s in p.codebook.get().themes[1].subthemes] == [names[-1], *names[:-1]]
    themes = [t.name for t in p.codebook.get().themes]
    p.codebook.reorder("theme", themes[0], len(themes), "lead")
    assert [t.name for t in p.codebook.get().themes] == [*themes[1:], themes[0]]
    assert [e["action"] for e in p.audit_log(2)] == ["reorder theme", "reorder subtheme"]
    with pytest.raises(UserError, match="position must be between"):
        p.codebook.reorder("theme", themes[0], 99, "lead")


def test_delete_is_refused_while_codings_use_it(example_project: Project, example_dir: Path) -> None:
    p = example_project
    before = dump(example_dir)
    with pytest.raises(UserError, match=r"used by \d+ codings"):
        p.codebook.delete_subtheme("Boundaries", "lead")
    assert dump(example_dir) == before
    keys = natural_keys(p, "Boundaries") | natural_keys(p, "Role ambiguity")
    p.codebook.delete_subtheme("Boundaries", "lead", move_to="Role ambiguity")
    assert natural_keys(p, "Role ambiguity") == keys
    entry = p.audit_log(1)[0]
    assert entry["action"] == "delete subtheme" and "Role ambiguity" in entry["detail"]
    p.codebook.add_subtheme("Unused", None, "lead")
    p.codebook.delete_subtheme("Unused", "lead")
    assert "Unused" not in {s.name for s in p.codebook.get().all_subthemes()}


def test_theme_add_rename_delete(example_project: Project) -> None:
    p = example_project
    p.codebook.add_theme("Wider system", "lead")
    p.codebook.rename_theme("Wider system", "The wider system", "lead")
    p.codebook.move_subtheme("Treatment models", "The wider system", "lead")
    assert p.codebook.get().themes[-1].name == "The wider system"
    assert p.codebook.delete_theme("The wider system", "lead") == 1
    assert p.codebook.get().theme_of("Treatment models") is None
    assert [e["action"] for e in p.audit_log(4)] == ["delete theme", "move subtheme", "rename theme", "add theme"]


VERBS: dict[str, Callable[[Project], object]] = {
    "add subtheme": lambda p: p.codebook.add_subtheme("Hope", "Other", "x"),
    "rename subtheme": lambda p: p.codebook.rename_subtheme("Bridge", "Bridging", "x"),
    "edit subtheme": lambda p: p.codebook.edit_subtheme("Bridge", "x", definition="new words"),
    "move subtheme": lambda p: p.codebook.move_subtheme("Workload", None, "x"),
    "reorder": lambda p: p.codebook.reorder("subtheme", "Workload", 1, "x"),
    "merge": lambda p: p.codebook.merge_subthemes(SRC, DST, "x"),
    "delete --move-to": lambda p: p.codebook.delete_subtheme("Boundaries", "x", move_to="Role ambiguity"),
    "add theme": lambda p: p.codebook.add_theme("New theme", "x"),
    "rename theme": lambda p: p.codebook.rename_theme("Other", "Elsewhere", "x"),
    "delete theme": lambda p: p.codebook.delete_theme("Other", "x"),
    "add coding": lambda p: p.records.add_coding(Coding("e001", "Boundaries", "zoe", "benefit", "PSWs")),
    "import codings": lambda p: p.records.add_codings([(2, Coding("e001", "Boundaries", "zoe"))], "x", "f.csv"),
}


@pytest.mark.parametrize("verb", sorted(VERBS))
def test_every_verb_is_one_transaction(example_project: Project, example_dir: Path, verb: str,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """If the last step (the audit entry) fails, none of the verb's changes remain."""
    before = dump(example_dir)

    def broken_log(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full while writing the audit entry")

    monkeypatch.setattr(example_project, "log", broken_log)
    with pytest.raises(RuntimeError, match="disk full"):
        VERBS[verb](example_project)
    assert dump(example_dir) == before
    monkeypatch.undo()
    entries = len(example_project.audit_log())
    VERBS[verb](example_project)  # and without the fault it works, with exactly one audit entry
    assert len(example_project.audit_log()) == entries + 1
    assert dump(example_dir) != before
