"""The write-ups' queries on SQLite and PostgreSQL alike: the same appendix and checklist figures."""

from __future__ import annotations

from workbench.analysis.appendix import build_appendix
from workbench.analysis.checklist import build_checklist
from workbench.analysis.narrative import build_narrative


def test_appendix_checklist_and_narrative(any_project) -> None:  # type: ignore[no-untyped-def]
    appendix = build_appendix(any_project.viewer(None), "all")
    sub = next(s for th in appendix.themes for s in th.subthemes if s.name == "Wellbeing and recovery")
    challenge = next(v for v in sub.valences if v.valence == "challenge")
    mixed = next(p for p in challenge.perspectives if p.perspective == "Mixed")
    assert [(q.ref, q.key) for q in mixed.quotes][:1] == [("42", "e029")]
    assert {tuple(q.coders) for q in mixed.quotes} >= {("amira", "ben")}
    checklist = build_checklist(any_project.viewer(None))
    assert checklist.figures["status"]["codings"] == 295 and checklist.figures["excerpts_quoted"] == 75
    data = next(i for i in checklist.items if i.name == "Data extraction")
    assert data.known == ["75 excerpts extracted from 11 sources; 75 record their location in the source and 73 "
                          "the sample they come from."]
    assert len([f for th in build_narrative(any_project.viewer(None)).themes for s in th.sections for f in s.findings]) == 42
