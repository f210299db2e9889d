"""Detection results stored and kept fresh; coding every hit in one undoable step (real SQLite)."""

from __future__ import annotations

import json

import pytest

from workbench.core.errors import UserError
from workbench.core.model import Excerpt
from workbench.services.language import apply_hints, plan_detection, project_index, run_detection


def test_detection_is_stored_and_runs_once(example_project) -> None:  # type: ignore[no-untyped-def]
    first = run_detection(example_project)
    assert first.total == first.computed == 75
    stored = example_project.nlp.results()
    assert len(stored) == 75
    assert stored["e001"].groups == ["PSWs"] and stored["e001"].hint == "PSWs"
    assert stored["e045"].hint == "Mixed"  # "stakeholders"
    assert stored["e001"].stamp.startswith("wb1:")
    again = run_detection(example_project)
    assert again.computed == 0 and again.with_hint == first.with_hint
    assert run_detection(example_project, force=True).computed == 75


def test_new_excerpts_and_a_changed_codebook_are_detected_again(example_project) -> None:  # type: ignore[no-untyped-def]
    run_detection(example_project)
    example_project.records.add_excerpts([(2, Excerpt("n1", "61", "Nurses cited [61, 63] and (Walker & Bryant, 2013)."))])
    assert len(plan_detection(example_project).todo) == 1
    run_detection(example_project)
    n1 = example_project.nlp.results(["n1"])["n1"]
    assert n1.hint == "Non-peer staff"
    assert [c["refs"] for c in n1.citations] == [["61", "63"], ["61"]]
    # Another rule (or codebook) means every stored result is stale.
    assert len(plan_detection(example_project, rule="names").todo) == 76


def test_apply_fills_only_empty_hints(example_project) -> None:  # type: ignore[no-untyped-def]
    run_detection(example_project)
    before = {e.key: e.perspective for e in example_project.records.excerpts()}
    assert before["e033"] == "" and before["e001"] == "PSWs"
    filled = apply_hints(example_project, "tester")
    after = {e.key: e.perspective for e in example_project.records.excerpts()}
    assert filled == 2 and after["e033"] == "Non-peer staff" and after["e034"] == "Mixed"
    assert {k: v for k, v in after.items() if k not in ("e033", "e034")} == \
        {k: v for k, v in before.items() if k not in ("e033", "e034")}
    assert example_project.audit_log(1)[0]["action"] == "apply perspective hints"
    assert apply_hints(example_project, "tester") == 0


def test_code_hits_then_undo_in_one_step(example_project) -> None:  # type: ignore[no-untyped-def]
    before = len(example_project.records.codings())
    keys = project_index(example_project).search("friend").keys()
    assert keys == ["e045", "e055"]
    uuids, already = example_project.nlp.code_excerpts(keys, "Boundaries", "zoe", "challenge", None, "search",
                                                   query="friend")
    assert len(uuids) == 2 and already == 0
    mine = [c for c in example_project.records.codings(["zoe"])]
    assert {(c.excerpt, c.perspective, c.origin) for c in mine} == {("e045", "Mixed", "search"),
                                                                   ("e055", "PSWs", "search")}
    entry = example_project.audit_log(1)[0]
    assert entry["action"] == "code hits" and json.loads(entry["detail"])["uuids"] == uuids
    # The same step again adds nothing and leaves no step to undo.
    assert example_project.nlp.code_excerpts(keys, "Boundaries", "zoe", "challenge", None, "search") == ([], 2)
    (step,) = example_project.nlp.bulk_codings("zoe")
    assert example_project.nlp.undo_bulk_coding(step, "zoe") == 2
    assert len(example_project.records.codings()) == before
    assert example_project.nlp.bulk_codings("zoe") == []
    assert json.loads(example_project.audit_log(1)[0]["detail"])["undoes"] == step.audit_id


def test_bad_input_codes_nothing(example_project) -> None:  # type: ignore[no-untyped-def]
    before = len(example_project.records.codings())
    for args in ((["e001"], "No such subtheme", "zoe", None, None),
                 (["e001"], "Boundaries", "zoe", "sideways", None),
                 (["e001"], "Boundaries", "zoe", None, "Martians"),
                 (["e001", "nope"], "Boundaries", "zoe", None, None)):
        with pytest.raises(UserError):
            example_project.nlp.code_excerpts(*args, origin="search")
    assert len(example_project.records.codings()) == before
    assert "zoe" not in example_project.records.coders()


def test_the_search_index_is_cached_and_rebuilt_when_excerpts_change(example_project) -> None:  # type: ignore[no-untyped-def]
    first = project_index(example_project)
    path = example_project.nlp.folder("cache") / "search-index.npz"
    assert path.is_file()
    assert project_index(example_project).fingerprint == first.fingerprint
    example_project.records.add_excerpts([(2, Excerpt("n2", "61", "Boundaries were discussed at length."))])
    again = project_index(example_project)
    assert again.fingerprint != first.fingerprint
    assert "n2" in again.search("boundary").keys()


def test_labelled_and_uncoded_excerpts(example_project) -> None:  # type: ignore[no-untyped-def]
    agreed = example_project.nlp.labelled_excerpts(["consensus"])
    assert len(agreed) == 75
    e003 = next(x for x in agreed if x[0] == "e003")
    assert e003[2] == ["Recovery and role models", "Career, social inclusion and identity"]
    assert example_project.nlp.uncoded_excerpts(None) == []
    assert len(example_project.nlp.uncoded_excerpts("zoe")) == 75
    assert len(example_project.nlp.uncoded_excerpts("zoe", 5)) == 5
