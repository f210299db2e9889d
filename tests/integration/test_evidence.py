"""The evidence profile and the CERQual judgements behind the SoQF table (SYNTHETIC fixture)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbench.analysis.evidence import evidence_profile
from workbench.analysis.graph import build_graph, contrasting, single_source
from workbench.core.errors import UserError
from workbench.formats.tabular import read_rows
from workbench.store.api import Project

FIXTURE = Path(__file__).parent.parent / "fixtures" / "synthetic_graph"


@pytest.fixture
def project(synthetic_graph_dir: Path):  # type: ignore[no-untyped-def]
    with Project.open(synthetic_graph_dir) as p:
        rows = read_rows(FIXTURE / "included_studies.csv", ["source", "study"])
        p.evidence.add_included_studies([(n, r["source"], r["study"]) for n, r in rows], "test", "included_studies.csv")
        yield p


def test_findings_and_figures(project) -> None:  # type: ignore[no-untyped-def]
    prof = evidence_profile(project.viewer(None))
    keys = [(f.subtheme, f.valence) for f in prof.findings]
    assert keys == [("Confidence", "benefit"), ("Confidence", "challenge"), ("Income", "benefit"),
                    ("Belonging", "benefit"), ("Workload", "benefit"), ("Workload", "challenge"),
                    ("Stigma at work", "challenge"), ("Supervision", "challenge")]
    conf = prof.finding("Confidence", "benefit")
    assert conf is not None
    assert conf.sources == ["Adams 2019", "Chen 2018"] and conf.excerpts == ["a1", "c1"]
    assert conf.perspectives == ["PSWs"] and conf.quality_summary == "1 high, 1 low"
    assert conf.contrasting and not conf.single_source
    stigma = prof.finding("Stigma at work", "challenge")
    assert stigma is not None and stigma.flags == ["single source", "low quality only"]
    sup = prof.finding("Supervision", "challenge")
    assert sup is not None and sup.quality_summary == "1 unrated" and "low quality only" not in sup.flags


def test_overlap_per_finding_matches_the_hand_worked_cases(project) -> None:  # type: ignore[no-untyped-def]
    """Confidence/benefit rests on Adams + Chen: 50 % (tests/unit/test_overlap.py works it by hand);
    Belonging/benefit on Chen + Diaz: 25 %; Workload/benefit on Evans alone, who has no list."""
    prof = evidence_profile(project.viewer(None))
    assert prof.finding("Confidence", "benefit").overlap.cca == pytest.approx(0.5)  # type: ignore[union-attr]
    assert prof.finding("Belonging", "benefit").overlap.cca == pytest.approx(0.25)  # type: ignore[union-attr]
    work = prof.finding("Workload", "benefit").overlap  # type: ignore[union-attr]
    assert work.cca is None and work.without_list == ["Evans 2017"]
    assert prof.overlap.cca == pytest.approx(3 / 18)


def test_flags_agree_with_the_graph_queries(project) -> None:  # type: ignore[no-untyped-def]
    """One derivation: a finding is flagged contrasting exactly when the graph query lists its subtheme."""
    g = build_graph(project.viewer(None))
    prof = evidence_profile(project.viewer(None))
    assert {f.subtheme for f in prof.findings if f.contrasting} == {s.subtheme for s in contrasting(g)}
    grouped_single = {s.subtheme for s in single_source(g) if s.theme != "(ungrouped)"}
    single_findings = {f.subtheme for f in prof.findings if f.single_source}
    assert grouped_single <= single_findings


def test_judgements_stored_per_finding_and_audit_logged(project) -> None:  # type: ignore[no-untyped-def]
    project.evidence.set_judgement("Confidence", "benefit", "Adequacy", "minor", "Two reviews, short excerpts", "amira")
    project.evidence.set_judgement("Confidence", "benefit", "overall", "moderate", "Minor concerns on adequacy", "amira")
    project.evidence.set_judgement("Confidence", "challenge", "overall", "low", "One critically low review", "ben")
    changed = project.evidence.set_judgement("Confidence", "benefit", "adequacy", "moderate", "Thin data after all", "ben")
    assert changed.judgement == "moderate concerns"
    prof = evidence_profile(project.viewer(None))
    conf = prof.finding("Confidence", "benefit")
    assert conf is not None
    assert {k: j.judgement for k, j in conf.judgements.items()} == {
        "adequacy": "moderate concerns", "overall": "moderate confidence"}
    assert conf.judgements["adequacy"].author == "ben"
    assert prof.finding("Confidence", "challenge").judgements["overall"].judgement == "low confidence"  # type: ignore[union-attr]
    log = [e for e in project.audit_log() if e["action"] == "cerqual judgement"]
    assert len(log) == 4
    detail = json.loads(log[0]["detail"])  # newest first: ben's change, with what it replaced
    assert detail["old"] == {"judgement": "minor concerns", "explanation": "Two reviews, short excerpts"}
    assert project.evidence.clear_judgement("Confidence", "benefit", "adequacy", "ben") is True
    assert project.evidence.clear_judgement("Confidence", "benefit", "adequacy", "ben") is False
    assert "adequacy" not in evidence_profile(project.viewer(None)).finding("Confidence", "benefit").judgements  # type: ignore[union-attr]


def test_a_judged_finding_without_codings_still_appears(project) -> None:  # type: ignore[no-untyped-def]
    project.evidence.set_judgement("Income", "challenge", "overall", "very low", "No data yet", "amira")
    f = evidence_profile(project.viewer(None)).finding("Income", "challenge")
    assert f is not None and f.sources == [] and f.judgements["overall"].judgement == "very low confidence"


def test_bad_input_changes_nothing(project) -> None:  # type: ignore[no-untyped-def]
    before = (project.evidence.judgements(), project.evidence.included_studies())
    with pytest.raises(UserError, match="unknown subtheme"):
        project.evidence.set_judgement("Nope", "benefit", "overall", "high", "x", "amira")
    with pytest.raises(UserError, match="unknown valence 'good'"):
        project.evidence.set_judgement("Confidence", "good", "overall", "high", "x", "amira")
    with pytest.raises(UserError, match="not a judgement"):
        project.evidence.set_judgement("Confidence", "benefit", "coherence", "high", "x", "amira")
    with pytest.raises(UserError, match="row 3: unknown source 'Zed 1999'"):
        project.evidence.add_included_studies([(2, "Adams 2019", "New 2020"), (3, "Zed 1999", "Old 1990")], "t", "f.csv")
    assert (project.evidence.judgements(), project.evidence.included_studies()) == before


def test_included_studies_add_and_replace(project) -> None:  # type: ignore[no-untyped-def]
    again = project.evidence.add_included_studies([(2, "Adams 2019", "Kim  2010"), (3, "Adams 2019", "Wu 2019")], "t")
    assert (again.added, again.already) == (1, 1)
    assert project.evidence.included_studies()["Adams 2019"] == ["Kim 2010", "Lopez 2012", "Moore 2014", "Wu 2019"]
    project.evidence.add_included_studies([(2, "Adams 2019", "Wu 2019")], "t", replace=True)
    assert project.evidence.included_studies()["Adams 2019"] == ["Wu 2019"]
    assert project.evidence.included_studies()["Chen 2018"] == ["Lopez 2012", "Moore 2014", "Ng 2015"]
