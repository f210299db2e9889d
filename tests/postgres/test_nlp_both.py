"""Language help on SQLite and on PostgreSQL (`any_project`): stored detections, coding every
hit in one step and undoing it, the search index and the training data give the same answers."""

from __future__ import annotations

from workbench.services.language import apply_hints, project_index, run_detection


def test_detection_is_stored_and_applied(any_project) -> None:  # type: ignore[no-untyped-def]
    report = run_detection(any_project)
    assert (report.total, report.computed, report.with_hint) == (75, 75, 70)
    assert run_detection(any_project).computed == 0
    assert any_project.nlp.results(["e045"])["e045"].hint == "Mixed"
    assert apply_hints(any_project, "tester") == 2


def test_code_hits_and_undo(any_project) -> None:  # type: ignore[no-untyped-def]
    keys = project_index(any_project).search("friend").keys()
    assert keys == ["e045", "e055"]
    uuids, already = any_project.nlp.code_excerpts(keys, "Boundaries", "zoe", "challenge", None, "search")
    assert len(uuids) == 2 and already == 0
    assert any_project.nlp.code_excerpts(keys, "Boundaries", "zoe", "challenge", None, "search") == ([], 2)
    (step,) = any_project.nlp.bulk_codings("zoe")
    assert any_project.nlp.undo_bulk_coding(step, "zoe") == 2
    assert any_project.nlp.bulk_codings("zoe") == []


def test_training_data_and_uncoded(any_project) -> None:  # type: ignore[no-untyped-def]
    assert len(any_project.nlp.labelled_excerpts(["consensus"])) == 75
    assert any_project.nlp.uncoded_excerpts(None) == []
    assert len(any_project.nlp.uncoded_excerpts("zoe", 3)) == 3
