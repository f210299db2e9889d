"""The meeting's verbs on the store: each writes the agreed set, a decision and an audit entry together."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.analysis.disagreements import all_items, disagreements, project_coverage
from workbench.core.errors import UserError
from workbench.store.api import Project

CODERS = ["amira", "ben"]


@pytest.fixture
def project(independent_dir: Path):  # type: ignore[no-untyped-def]
    with Project.open(independent_dir) as p:
        p.set_setting("blind", "0")
        yield p


def first(project, kind: str):  # type: ignore[no-untyped-def]
    return next(i for i in disagreements(project, CODERS) if i.kind == kind)


def test_accept_copies_the_coders_coding_as_the_consensus_coder(project) -> None:  # type: ignore[no-untyped-def]
    item = first(project, "applies")
    coder = next(c for c, v in item.views.items() if v)
    before = project.collab.data_version()
    project.collab.accept_coding(item.excerpt.key, item.subtheme, coder, "chair", "clear case")
    agreed = [c for c in project.records.codings(["consensus"]) if (c.excerpt, c.subtheme) == item.key]
    assert [(c.valence, c.perspective) for c in agreed] == [(c.valence, c.perspective) for c in item.views[coder]]
    assert agreed[0].origin == f"accepted from {coder}"
    decision = project.collab.decisions()[-1]
    assert (decision.excerpt, decision.subtheme, decision.status, decision.actor, decision.note) == (
        item.excerpt.key, item.subtheme, "accepted", "chair", "clear case")
    log = project.audit_log(3)
    assert {e["action"] for e in log} >= {"decision accepted", "code"} and all(e["actor"] == "chair" for e in log[:2])
    assert project.collab.data_version() > before
    assert item.key not in {i.key for i in disagreements(project, CODERS)}
    assert project.collab.reconciling_started()


def test_accepting_again_replaces_the_agreed_coding(project) -> None:  # type: ignore[no-untyped-def]
    item = first(project, "valence")
    a, b = list(item.views)
    project.collab.accept_coding(item.excerpt.key, item.subtheme, a, "chair")
    project.collab.accept_coding(item.excerpt.key, item.subtheme, b, "chair")
    agreed = [c for c in project.records.codings(["consensus"]) if (c.excerpt, c.subtheme) == item.key]
    assert {(c.valence, c.perspective) for c in agreed} == {(c.valence, c.perspective) for c in item.views[b]}
    assert any(e["action"] == "uncode" for e in project.audit_log(10))


def test_write_reject_and_open(project) -> None:  # type: ignore[no-untyped-def]
    items = [i for i in disagreements(project, CODERS) if i.kind == "applies"]
    w, r, o = items[0], items[1], items[2]
    project.collab.write_agreed(w.excerpt.key, w.subtheme, ["benefit", "challenge"], "PSWs", "chair", "both")
    written = {(c.valence, c.perspective, c.origin) for c in project.records.codings(["consensus"])
               if (c.excerpt, c.subtheme) == w.key}
    assert written == {("benefit", "PSWs", "written in meeting"), ("challenge", "PSWs", "written in meeting")}
    project.collab.reject_item(r.excerpt.key, r.subtheme, "chair", "not about this")
    assert not [c for c in project.records.codings(["consensus"]) if (c.excerpt, c.subtheme) == r.key]
    project.collab.leave_open(o.excerpt.key, o.subtheme, "ask the author", "chair")
    still = {i.key: i for i in disagreements(project, CODERS)}
    assert w.key not in still and r.key not in still
    assert still[o.key].status == "open" and still[o.key].note == "ask the author"
    assert still[o.key].decided_by == "chair"
    cov = project_coverage(project, CODERS)
    assert (cov.settled, cov.open_with_note) == (2, 1)
    assert cov.to_do == cov.disagreements - 3


def test_accept_agreements_then_coverage_grows(project) -> None:  # type: ignore[no-untyped-def]
    before = project_coverage(project, CODERS)
    assert before.covered_excerpts == 0 and before.agreements_pending > 0
    agreements = [(i.excerpt.key, i.subtheme, "amira") for i in all_items(project, CODERS) if i.kind == "agreement"]
    added = project.collab.accept_agreements(agreements, "chair")
    assert added == before.agreements_pending
    after = project_coverage(project, CODERS)
    assert after.agreements_pending == 0 and after.covered_excerpts > 0
    # every remaining disagreement is still to do: copying agreements settles none of them
    assert after.to_do == before.to_do


def test_bad_decisions_change_nothing(project) -> None:  # type: ignore[no-untyped-def]
    item = first(project, "applies")
    absent = next(c for c, v in item.views.items() if not v)
    before = project.collab.data_version()
    with pytest.raises(UserError, match="did not code"):
        project.collab.accept_coding(item.excerpt.key, item.subtheme, absent, "chair")
    with pytest.raises(UserError, match="agreed set itself"):
        project.collab.accept_coding(item.excerpt.key, item.subtheme, "consensus", "chair")
    with pytest.raises(UserError, match="unknown excerpt"):
        project.collab.leave_open("nope", item.subtheme, "x", "chair")
    with pytest.raises(UserError, match="unknown subtheme"):
        project.collab.reject_item(item.excerpt.key, "Nope", "chair")
    with pytest.raises(UserError, match="unknown valence"):
        project.collab.write_agreed(item.excerpt.key, item.subtheme, ["maybe"], "PSWs", "chair")
    assert project.collab.data_version() == before and project.collab.decisions() == []


def test_the_table_follows_the_agreed_set_and_says_what_it_covers(project, run, independent_dir) -> None:  # type: ignore[no-untyped-def]
    import json

    item = first(project, "applies")
    coder = next(c for c, v in item.views.items() if v)
    project.collab.accept_coding(item.excerpt.key, item.subtheme, coder, "chair")
    result = run("-p", str(independent_dir), "export", "table", "--format", "json")
    doc = json.loads(result.output)
    subs = [s for th in doc["themes"] for s in th["subthemes"] if s["rows"]]
    assert [s["name"] for s in subs] == [item.subtheme]
    assert doc["provenance"]["excerpts_covered"] == 1 and "not yet reconciled" in doc["provenance"]["note"]
