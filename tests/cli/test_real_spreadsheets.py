"""Spreadsheets as Excel saves them in any locale, and codings files with near-miss names (issue 15)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from workbench.store.api import Project

ROWS = [("e001", "Boundaries", "carla", "benefit", "PSWs", "café"),
        ("e002", "Boundaries", "carla", "challenge", "Service users", "naïve")]


def _digest(folder: Path) -> str:
    return hashlib.sha256((folder / "workbench.db").read_bytes()).hexdigest()


@pytest.mark.parametrize(("delimiter", "encoding", "note"), [
    (";", "utf-8-sig", ""), ("\t", "utf-16", ""), (",", "utf-8", ""), (";", "cp1252", "read as Windows-1252")])
def test_excel_csv_in_any_locale_imports(example_dir: Path, run, tmp_path: Path, delimiter: str, encoding: str,
                                         note: str) -> None:
    """Semicolons (Excel in most European locales), tabs and UTF-16 ("Unicode text"), a BOM, cp1252."""
    f = tmp_path / "codings.csv"
    lines = [delimiter.join(("excerpt", "subtheme", "coder", "valence", "perspective", "note"))]
    lines += [delimiter.join(r) for r in ROWS]
    f.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    result = run("-p", str(example_dir), "import", "codings", str(f))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"{f}: 2 added, 0 already present"
    assert (note in result.stderr) if note else result.stderr == ""
    with Project.open(example_dir) as p:
        got = sorted((c.excerpt, c.valence, c.perspective, c.note) for c in p.records.codings() if c.coder == "carla")
    assert got == [("e001", "benefit", "PSWs", "café"), ("e002", "challenge", "Service users", "naïve")]


def test_a_wrong_cell_count_names_the_delimiter(example_dir: Path, run, tmp_path: Path) -> None:
    f = tmp_path / "codings.csv"
    f.write_text("excerpt;subtheme;coder;valence;perspective\ne001;Boundaries;carla;benefit;PSWs;extra\n",
                 encoding="utf-8")
    result = run("-p", str(example_dir), "import", "codings", str(f))
    assert result.exit_code == 1
    assert result.stderr == (f"workbench: {f}, line 2: 6 cells but the header has 5 columns (read as "
                             "semicolon-separated; is a cell missing its quotes?)\n")


def test_names_differing_in_case_or_spaces_are_matched_with_a_note(example_dir: Path, run, tmp_path: Path) -> None:
    f = tmp_path / "codings.csv"
    f.write_text("excerpt,subtheme,coder,valence,perspective\n"
                 "e001,wellbeing and recovery ,carla,Challenge,psws\ne002,Wellbeing and recovery,carla,benefit,PSWs\n"
                 "e003,wellbeing and recovery ,carla,benefit,PSWs\n", encoding="utf-8")
    result = run("-p", str(example_dir), "import", "codings", str(f))
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        f"{f}: subtheme 'wellbeing and recovery' read as 'Wellbeing and recovery' (case or spaces differ) in rows 2, 4",
        f"{f}: valence 'Challenge' read as 'challenge' (case or spaces differ) in row 2",
        f"{f}: perspective 'psws' read as 'PSWs' (case or spaces differ) in row 2"]
    with Project.open(example_dir) as p:
        mine = sorted((c.excerpt, c.subtheme, c.valence, c.perspective) for c in p.records.codings() if c.coder == "carla")
    assert mine[0] == ("e001", "Wellbeing and recovery", "challenge", "PSWs")


def test_every_bad_row_is_reported_in_one_run_and_nothing_is_written(example_dir: Path, run, tmp_path: Path) -> None:
    f = tmp_path / "codings.csv"
    f.write_text("excerpt,subtheme,coder,valence,perspective\n"
                 "e001,Wellbeing and recoveri,carla,benefit,PSWs\n"
                 "e002,Boundaries,carla,benefits,PSWs\n"
                 "e003,,carla,benefit,PSWs\n"
                 "e004,Boundaries,carla,benefit,Peer workers\n"
                 "e005,Boundaries,carla,benefit,PSWs\n"
                 "e9999,Boundaries,carla,benefit,PSWs\n", encoding="utf-8")
    before = _digest(example_dir)
    result = run("-p", str(example_dir), "import", "codings", str(f))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"workbench: {f}: 5 rows to fix; nothing was imported",
        f"{f}, row 2: unknown subtheme 'Wellbeing and recoveri' — did you mean 'Wellbeing and recovery'?",
        f"{f}, row 3: unknown valence 'benefits' — did you mean 'benefit'?",
        f"{f}, row 4: empty subtheme",
        f"{f}, row 5: unknown perspective 'Peer workers' — did you mean 'Peer support group members'?",
        f"{f}, row 7: unknown excerpt 'e9999' (not in the project)"]
    assert _digest(example_dir) == before


def test_at_most_fifty_problems_are_listed(example_dir: Path, run, tmp_path: Path) -> None:
    f = tmp_path / "codings.csv"
    f.write_text("excerpt,subtheme,coder,valence,perspective\n" +
                 "".join(f"e001,Nothing like it {i},carla,benefit,PSWs\n" for i in range(60)), encoding="utf-8")
    result = run("-p", str(example_dir), "import", "codings", str(f))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0] == f"workbench: {f}: 60 rows to fix (the first 50 are listed); nothing was imported"
    assert len(lines) == 51 and "the codebook's subthemes: 'Wellbeing and recovery'" in lines[1]


def test_excerpts_with_unknown_sources_and_perspectives_are_all_listed(example_dir: Path, run, tmp_path: Path) -> None:
    f = tmp_path / "excerpts.csv"
    f.write_text("id;source;text;perspective\nx1;23;One finding.;psws\nx2;999;Another.;PSWs\n"
                 "x3;23;A third.;Carers\n", encoding="utf-8")
    result = run("-p", str(example_dir), "import", "excerpts", str(f))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0] == f"workbench: {f}: 2 rows to fix; nothing was imported"
    assert lines[1].startswith(f"{f}, row 3: unknown source '999'")
    assert lines[2].startswith(f"{f}, row 4: unknown perspective 'Carers'")


def test_new_matches_names_like_import_and_says_so(run, tmp_path: Path) -> None:
    """`new` reads codings and summaries with the codebook's names, as `import` does (one rule)."""
    from workbench.core.example import example_files

    f = example_files()
    codings = tmp_path / "codings.csv"
    codings.write_text("excerpt,subtheme,coder,valence,perspective\n"
                       "e001,boundaries ,carla,Benefit,psws\ne002,Boundaries,carla,challenge,PSWs\n", encoding="utf-8")
    summaries = tmp_path / "summaries.csv"
    summaries.write_text("subtheme,valence,perspective,summary\nBOUNDARIES,benefit,psws,Peer workers kept limits.\n",
                         encoding="utf-8")
    target = tmp_path / "project"
    result = run("new", str(target), "--codebook", str(f["codebook"]), "--sources", str(f["sources"]),
                 "--excerpts", str(f["excerpts"]), "--codings", str(codings), "--summaries", str(summaries))
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        f"{codings}: subtheme 'boundaries' read as 'Boundaries' (case or spaces differ) in row 2",
        f"{codings}: valence 'Benefit' read as 'benefit' (case or spaces differ) in row 2",
        f"{codings}: perspective 'psws' read as 'PSWs' (case or spaces differ) in row 2",
        f"{summaries}: subtheme 'BOUNDARIES' read as 'Boundaries' (case or spaces differ) in row 2",
        f"{summaries}: perspective 'psws' read as 'PSWs' (case or spaces differ) in row 2"]
    with Project.open(target) as p:
        assert sorted((c.subtheme, c.valence, c.perspective) for c in p.records.codings()) == [
            ("Boundaries", "benefit", "PSWs"), ("Boundaries", "challenge", "PSWs")]
        assert [(s.subtheme, s.perspective) for s in p.summaries.all()] == [("Boundaries", "PSWs")]


def test_new_reports_an_unknown_excerpt_by_row_and_leaves_no_folder(run, tmp_path: Path) -> None:
    from workbench.core.example import example_files

    f = example_files()
    codings = tmp_path / "codings.csv"
    codings.write_text("excerpt,subtheme,coder,valence,perspective\ne001,Boundaries,carla,,\ne9999,Boundarys,carla,,\n",
                       encoding="utf-8")
    target = tmp_path / "project"
    result = run("new", str(target), "--codebook", str(f["codebook"]), "--sources", str(f["sources"]),
                 "--excerpts", str(f["excerpts"]), "--codings", str(codings))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"workbench: {codings}: 2 problems in 1 row to fix; nothing was imported",
        f"{codings}, row 3: unknown excerpt 'e9999' (not in the project)",
        f"{codings}, row 3: unknown subtheme 'Boundarys' — did you mean 'Boundaries'?"]
    assert not target.exists()


def test_import_summaries_matches_names_and_suggests(example_dir: Path, run, tmp_path: Path) -> None:
    f = tmp_path / "summaries.csv"
    f.write_text("subtheme,valence,perspective,summary\nboundaries,Benefit,psws,Limits kept peer workers well.\n",
                 encoding="utf-8")
    result = run("-p", str(example_dir), "--coder", "lead", "import", "summaries", str(f))
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        f"{f}: subtheme 'boundaries' read as 'Boundaries' (case or spaces differ) in row 2",
        f"{f}: valence 'Benefit' read as 'benefit' (case or spaces differ) in row 2",
        f"{f}: perspective 'psws' read as 'PSWs' (case or spaces differ) in row 2"]
    with Project.open(example_dir) as p:
        assert any(s.text == "Limits kept peer workers well." and (s.subtheme, s.valence, s.perspective)
                   == ("Boundaries", "benefit", "PSWs") for s in p.summaries.all())
    f.write_text("subtheme,valence,perspective,summary\nBoundarys,benefit,PSWs,Another text.\n", encoding="utf-8")
    before = _digest(example_dir)
    result = run("-p", str(example_dir), "--coder", "lead", "import", "summaries", str(f))
    assert result.exit_code == 1
    assert result.stderr == f"workbench: {f}, row 2: unknown subtheme 'Boundarys' — did you mean 'Boundaries'?\n"
    assert _digest(example_dir) == before
