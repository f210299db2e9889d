"""Blind scope in every view: while blind, coder ines sees exactly what she would see if nobody
else had coded — in the table, trace, graph, matrix, queries, evidence, report, checks, exports and
the app's views — and asking for anyone else's codings is one clear line, exit 1.

The project has three coders (amira, ben, ines) and an agreed set. Its "twin" holds the same
sources and excerpts but only ines's codings; each view of the blind project as ines must equal the
same view of the twin for `--coders ines`.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from workbench.store.api import Project

SUBTHEME = "Wellbeing and recovery"  # ines coded it (tests/conftest.py: _blind_templates)
OTHERS = re.compile(r"\b(amira|ben|consensus)\b")


def _same(run: Callable[..., Result], blind: str, twin: str, *args: str,
          pick: Callable[[str], object] = lambda text: text) -> None:
    mine = run("--coder", "ines", "-p", blind, *args)
    assert mine.exit_code == 0, mine.output
    alone = run("-p", twin, *args, "--coders", "ines")
    assert alone.exit_code == 0, alone.output
    assert pick(mine.stdout) == pick(alone.stdout)
    assert not OTHERS.search(mine.stdout)


def test_table_trace_graph_matrix_queries_and_evidence_equal_the_coder_alone(run, blind_projects) -> None:  # type: ignore[no-untyped-def]
    """Each view as ines on the blind project equals the twin's view of ines's codings alone."""
    blind, twin, _ = blind_projects
    _same(run, blind, twin, "export", "table", "--format", "json", pick=lambda t: json.loads(t)["themes"])
    _same(run, blind, twin, "export", "graph", "--format", "json", pick=json.loads)
    _same(run, blind, twin, "export", "matrix", "--format", "csv")
    _same(run, blind, twin, "export", "evidence", "--format", "csv")
    _same(run, blind, twin, "trace", SUBTHEME, "--json", pick=json.loads)
    _same(run, blind, twin, "query", "supports", SUBTHEME, "--json", pick=json.loads)
    _same(run, blind, twin, "query", "single-source", "--json", pick=json.loads)
    _same(run, blind, twin, "query", "contrasting", "--json", pick=json.loads)
    _same(run, blind, twin, "query", "low-quality", "--json", pick=json.loads)
    _same(run, blind, twin, "evidence", "show")


def test_report_codings_and_checks_hold_only_the_coders_own(run, blind_projects, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    blind, twin, foreign = blind_projects
    out = tmp_path / "report.html"
    assert run("--coder", "ines", "-p", blind, "export", "report", "-o", str(out)).exit_code == 0
    page = out.read_text(encoding="utf-8")
    assert "e001" in page and not [k for k in foreign if f">{k}<" in page or f'"{k}"' in page]
    assert not OTHERS.search(page)
    codings = run("--coder", "ines", "-p", blind, "export", "codings", "--format", "csv")
    assert codings.exit_code == 0 and "blind coding is on" in codings.stderr
    assert {r["coder"] for r in csv.DictReader(codings.stdout.splitlines())} == {"ines"}
    mine, alone = run("--coder", "ines", "-p", blind, "check"), run("-p", twin, "check")
    assert mine.stdout.splitlines() == [line for line in alone.stdout.splitlines()
                                        if not line.startswith(("cell ", "summary "))]


def test_asking_for_anyone_elses_codings_is_one_line(run, blind_projects) -> None:  # type: ignore[no-untyped-def]
    """--coders amira / all / consensus while blind: exit 1 naming the rule; so is having no name."""
    blind, _, _ = blind_projects
    views = [("export", "table", "--format", "json"), ("export", "graph", "--format", "json"),
             ("export", "matrix", "--format", "csv"), ("export", "evidence", "--format", "csv"),
             ("trace", SUBTHEME), ("query", "supports", SUBTHEME), ("evidence", "show"),
             ("summary", "show", SUBTHEME, "--valence", "benefit", "--perspective", "PSWs")]
    for args in views:
        for choice in ("amira", "all", "consensus"):
            r = run("--coder", "ines", "-p", blind, *args, "--coders", choice)
            assert r.exit_code == 1, (args, choice, r.output)
            assert r.output.count("\n") == 1 and "codes blind" in r.output and "Traceback" not in r.output
        nobody = run("-p", blind, *args)
        assert nobody.exit_code == 1 and "--coder NAME" in nobody.output, (args, nobody.output)
    sheet = run("--coder", "ines", "-p", blind, "export", "coding-sheet", "--coder", "amira")
    assert sheet.exit_code == 1 and "codes blind" in sheet.output
    for args in (("export", "agreement"), ("compare", "list")):
        r = run("--coder", "ines", "-p", blind, *args)
        assert r.exit_code == 1 and "blind" in r.output


def test_agreement_figures_stay_available_while_blind(run, blind_projects) -> None:  # type: ignore[no-untyped-def]
    blind, _, _ = blind_projects
    r = run("--coder", "ines", "-p", blind, "agreement", "--coders", "amira,ben", "--format", "json")
    assert r.exit_code == 0 and json.loads(r.stdout)["coders"] == ["amira", "ben"]


def test_consensus_without_an_agreed_set_is_refused(run, independent_dir: Path) -> None:
    """Before the meeting there is no agreed set: asking for it is an error, not an empty table."""
    p = str(independent_dir)
    assert run("-p", p, "settings", "blind", "off").exit_code == 0
    r = run("-p", p, "export", "table", "--format", "json", "--coders", "consensus")
    assert r.exit_code == 1 and "has no codings yet" in r.output
    default = json.loads(run("-p", p, "export", "table", "--format", "json").stdout)
    assert default["provenance"]["coders"] == "all" and default["themes"]


def test_the_apps_views_equal_the_coder_alone(blind_projects) -> None:  # type: ignore[no-untyped-def]
    """The Matrix, Table and Sources screens' data, an excerpt's codings and the Themes counts."""
    from workbench.tui import views
    from workbench.tui.session import Session

    blind, twin, _ = blind_projects
    with Project.open(Path(blind)) as pb, Project.open(Path(twin)) as pt:
        mine, alone = Session(pb, "ines"), Session(pt, "ines")
        for s in (mine, alone):
            s.load()
        assert mine.blind and not alone.blind
        m1, m2 = views.matrix_view(mine, "default"), views.matrix_view(alone, "ines")
        assert m1 is not None and m2 is not None and m1.matrix.rows == m2.matrix.rows
        t1, t2 = views.table_view(mine, "default"), views.table_view(alone, "ines")
        assert [(x[1], x[2].references) for x in t1.entries()] == [(x[1], x[2].references) for x in t2.entries()]
        s1, s2 = views.sources_view(mine, "default"), views.sources_view(alone, "ines")
        assert s1.supports == s2.supports
        assert {c.coder for c in mine.detail("e001").codings} == {"ines"}
        assert pb.workspace.subtheme_counts(mine.visible_coders()) == pt.workspace.subtheme_counts(None)
        with pytest.raises(Exception, match="codes blind"):
            views.table_view(mine, "consensus")


def test_the_log_withholds_others_codings_while_blind(run, blind_projects) -> None:  # type: ignore[no-untyped-def]
    """`workbench log` names excerpt and subtheme of every coding: while blind, only one's own."""
    blind, _, _ = blind_projects
    assert run("--coder", "ines", "-p", blind, "code", "e010", SUBTHEME, "--valence", "benefit",
               "--perspective", "PSWs").exit_code == 0
    assert run("--coder", "amira", "-p", blind, "code", "e011", SUBTHEME, "--valence", "benefit",
               "--perspective", "PSWs").exit_code == 0
    mine = run("--coder", "ines", "-p", blind, "log")
    assert mine.exit_code == 0 and '"e010"' in mine.stdout and '"e011"' not in mine.stdout
    assert "not shown" in mine.stderr
    assert run("-p", blind, "log").exit_code == 1
    assert run("-p", blind, "settings", "blind", "off").exit_code == 0
    assert '"e011"' in run("--coder", "ines", "-p", blind, "log").stdout
