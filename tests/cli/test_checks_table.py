"""`workbench check` finds what would make the published table wrong or incomplete."""

from __future__ import annotations

from pathlib import Path

from workbench.analysis import checks


def _check(run, folder: Path) -> tuple[int, list[str]]:  # type: ignore[no-untyped-def]
    r = run("-p", str(folder), "check")
    return r.exit_code, [line for line in r.output.splitlines() if not line.endswith(("problem", "problems"))]


def test_the_example_checks_clean(run, example_dir: Path) -> None:
    code, lines = _check(run, example_dir)
    assert (code, lines) == (0, ["no problems found"])


def test_the_author_year_project_problems(run, author_year_dir: Path) -> None:
    code, lines = _check(run, author_year_dir)
    assert code == 1
    assert lines == [
        "subtheme 'Holiday gaps' is under no overarching theme (it stays out of the table)",
        "cell Teacher buy-in / (no valence) / Pupils [Ong 2022] has codings but no summary",
        "cell Parents' view / (no valence) / Mixed [walker 2013] has codings but no summary",
        "summary of Timetable pressure / barrier / Teachers is stale: written for [walker 2013], "
        "the codings now give [Abara 2019; walker 2013]",
    ]  # Baker 2020 is cited (x8, by rin); x8's coding is Pupils, not mixed


def test_perspective_uncited_and_mixed_without_groups(run, author_year_dir: Path) -> None:
    r = run("-p", str(author_year_dir), "--coder", "rin", "code", "x8", "Timetable pressure", "--valence",
            "barrier", "--perspective", "Mixed")
    assert r.exit_code == 0, r.output
    r = run("-p", str(author_year_dir), "--coder", "rin", "code", "x3", "Teacher buy-in", "--valence",
            "facilitator", "--perspective", "")
    assert r.exit_code == 0, r.output
    code, lines = _check(run, author_year_dir)
    assert code == 1
    assert ("coding of excerpt 'x8' as 'Timetable pressure' by rin is Mixed, but source Baker 2020 lists no "
            "sample groups") in lines
    assert "coding of excerpt 'x3' as 'Teacher buy-in' by rin has no perspective (it stays out of the table)" in lines
    r = run("-p", str(author_year_dir), "import", "sources", str(_extra_source(author_year_dir)))
    assert r.exit_code == 0, r.output
    _, lines = _check(run, author_year_dir)
    assert "source Zed 2024 is cited by no coding" in lines


def _extra_source(folder: Path) -> Path:
    f = folder.parent / "more-sources.csv"
    f.write_text("ref,citation,year,design,quality,groups\nZed 2024,Zed Z. Unused. 2024.,2024,survey,low,pupils\n",
                 encoding="utf-8")
    return f


def test_long_lists_are_capped(run, example_dir: Path) -> None:
    from workbench.store.api import Project

    with Project.open(example_dir) as project:
        for s in project.summaries.all():
            project.summaries.set(s.subtheme, s.valence, s.perspective, "", "test")
        lines = checks.table_summaries(project.viewer(None))
    assert len(lines) == checks.LIMIT + 1
    assert lines[-1] == f"… and {42 - checks.LIMIT} more cells without a summary"


def test_every_check_is_registered() -> None:
    names = {f.__name__ for f in checks.CHECKS}
    assert {"ungrouped_subthemes", "codings_without_perspective", "sources_cited_by_no_coding",
            "mixed_codings_without_groups", "table_summaries"} <= names
