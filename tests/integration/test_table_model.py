"""The table model: rows, wording, citation styles, stale summaries and provenance, on real projects."""

from __future__ import annotations

from pathlib import Path

import yaml

from workbench.analysis.cells import derive_cells
from workbench.analysis.table import build_table
from workbench.analysis.trace import trace_cell
from workbench.store.api import Project

FIXTURES = Path(__file__).parent.parent / "fixtures"


def test_example_rows_follow_table6(example_project) -> None:  # type: ignore[no-untyped-def]
    """Themes, subthemes and valence rows come in the article's order with its reference lists."""
    model = build_table(example_project.viewer(None))
    want = yaml.safe_load((FIXTURES / "table6.yaml").read_text(encoding="utf-8"))
    printed = [(th["name"], st["name"], row["valence"]) for th in want["themes"] for st in th["subthemes"]
               for row in st["rows"]]
    got = [(line.theme, line.subtheme, line.row.valence) for line in model.lines() if line.row is not None]
    assert got == printed
    headings = [line.theme for line in model.lines() if line.heading]
    assert headings == [th["name"] for th in want["themes"]]


def test_example_wording(example_project) -> None:  # type: ignore[no-untyped-def]
    """'Benefit [23, 34, 61]', 'Mixed^a [42, 55, 60]: … (groups)', a bare list for the no-valence row."""
    model = build_table(example_project.viewer(None))
    rows = {(line.subtheme, line.row.valence): line.row for line in model.lines() if line.row is not None}
    assert model.row_label(rows[("Wellbeing and recovery", "benefit")]) == "Benefit [23, 34, 61]"
    assert model.row_label(rows[("Offering treatment choice", None)]) == "[60]"
    mixed = rows[("Wellbeing and recovery", "challenge")].perspectives[1]
    text = model.entry_text(mixed)
    assert text.startswith("Mixed^a [42, 55, 60]: ")
    assert text.endswith("(carers, non-peer staff, PSWs, service users)")
    assert model.headers == ("Theme", "Benefit/challenge, references", "Summary and perspective")
    assert [m for m, _ in model.footnotes()] == ["a"]
    assert model.notes() == []  # the agreed set covers every coded excerpt and no summary is stale
    assert [s.ref for s in model.cited_sources()] == ["23", "34", "39", "42", "46", "49", "55", "60", "61", "63", "64"]


def test_author_year_sorts_ignoring_case_and_uses_labels(author_year_dir: Path) -> None:
    """Author–year labels sort alphabetically ignoring case and print with '; '; `labels:` renames."""
    with Project.open(author_year_dir) as project:
        model = build_table(project.viewer(None))
    rows = {(line.subtheme, line.row.valence): line.row for line in model.lines() if line.row is not None}
    timetable = rows[("Timetable pressure", "barrier")]
    assert timetable.references == ["Abara 2019", "ong 2021", "Ong 2022", "walker 2013"]
    assert model.row_label(timetable) == "Hindrance [Abara 2019; ong 2021; Ong 2022; walker 2013]"
    assert model.row_label(rows[("Teacher buy-in", None)]) == "[Ong 2022]"
    assert model.headers == ("Theme", "Facilitator/hindrance, references", "Summary and sample")
    mixed = timetable.perspectives[1]
    assert mixed.groups == ["parents", "Pupils", "school nurses"]
    assert [s.ref for s in model.cited_sources()] == ["Abara 2019", "ong 2021", "Ong 2022", "walker 2013"]
    assert "Holiday gaps" not in {line.subtheme for line in model.lines()}  # ungrouped stays out


def test_stale_summary_and_partial_agreed_set_are_noted(author_year_dir: Path) -> None:
    with Project.open(author_year_dir) as project:
        model = build_table(project.viewer(None))
    stale = [e for _t, _s, _r, e in model.entries() if e.stale]
    assert [(e.perspective, e.written_for, e.references) for e in stale] == [
        ("Teachers", ["walker 2013"], ["Abara 2019", "walker 2013"])]
    notes = model.notes()
    assert any("covers 7 of the 8 coded excerpts" in n for n in notes)
    assert any(n.startswith("Stale summary: Timetable pressure / barrier / Teachers") for n in notes)
    assert [m for m, _ in model.footnotes()] == ["a", "†"]


def test_other_coders_are_noted_as_provenance(example_project) -> None:  # type: ignore[no-untyped-def]
    model = build_table(example_project.viewer(None), "all")
    assert any("not from an agreed set" in n for n in model.notes())
    assert model.derivation.coders == ["amira", "ben"]


def test_lazy_detail_matches_trace(example_project) -> None:  # type: ignore[no-untyped-def]
    """A cell's excerpts and coders (loaded on first use) agree with `trace` for every cell."""
    d = derive_cells(example_project.viewer(None), "all")
    assert d.cells
    for cell in d.cells:
        assert sorted(cell.excerpts) == cell.refs == sorted(cell.coders, key=int)
        tr = trace_cell(example_project.viewer(None), cell.subtheme, cell.valence or "none", cell.perspective or "none", "all")
        assert tr.refs == cell.refs
        by_ref = {s.ref: s for s in tr.sources}
        for ref in cell.refs:
            assert sorted(e.key for e in by_ref[ref].excerpts) == cell.excerpts[ref]
            assert sorted({c for e in by_ref[ref].excerpts for c in e.coders}) == cell.coders[ref]


def test_derivation_equals_a_naive_one_on_a_synthetic_project(synthetic_dir: Path) -> None:
    """The grouped SQL derivation gives, for every coder choice, exactly the cells a plain loop over
    the codings gives: refs, mixed groups, coding counts."""
    from collections import defaultdict

    from workbench.core.refs import sort_refs

    with Project.open(synthetic_dir) as project:
        source_of = {e.key: e.source for e in project.records.excerpts()}
        groups_of = {s.ref: s.group_list for s in project.records.sources()}
        mixed = {p.name for p in project.codebook.get().perspectives if p.mixed}
        codings = project.records.codings()
        for choice, names in ((None, {"consensus"}), ("all", {c.coder for c in codings} - {"consensus"}),
                              ("coder01,coder02", {"coder01", "coder02"})):
            want: dict[tuple, set[str]] = defaultdict(set)
            count: dict[tuple, int] = defaultdict(int)
            for c in codings:
                if c.coder in names:
                    want[(c.subtheme, c.valence, c.perspective)].add(source_of[c.excerpt])
                    count[(c.subtheme, c.valence, c.perspective)] += 1
            d = derive_cells(project.viewer(None), choice)
            assert {c.key: c.refs for c in d.cells} == {k: sort_refs(v) for k, v in want.items()}
            assert {c.key: c.codings for c in d.cells} == dict(count)
            for c in d.cells:
                if c.perspective in mixed:
                    union = {g for r in c.refs for g in groups_of[r]}
                    assert c.groups == sorted(union, key=lambda g: (g.lower(), g))


def test_staleness_is_judged_against_the_default_coders_only(author_year_dir: Path) -> None:
    with Project.open(author_year_dir) as project:
        assert any(e.stale for *_x, e in build_table(project.viewer(None), "agreed").entries())  # the default, by name
        assert not any(e.stale for *_x, e in build_table(project.viewer(None), "rin").entries())
