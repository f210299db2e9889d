"""`workbench import sources LIBRARY`: labels continue, duplicates are listed, --renumber on request."""

from __future__ import annotations

import json
import re
from pathlib import Path

from workbench.store.api import Project

BIB = Path(__file__).parent.parent / "fixtures" / "bib"


def test_a_ris_library_joins_the_example(example_dir: Path, run) -> None:
    result = run("-p", str(example_dir), "import", "sources", str(BIB / "library.ris"))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"{BIB / 'library.ris'}: 2 added, 0 already present"
    assert result.stderr.splitlines() == [
        f"{BIB / 'library.ris'}, line 14: same title as source 23 — skipped",
        f"{BIB / 'library.ris'}, line 34: same DOI as the reference on line 1 — skipped"]
    with Project.open(example_dir) as p:
        new = p.records.sources()[-2:]
    assert [(s.ref, s.year, s.doi) for s in new] == [("65", "2019", "10.5555/IRCC.2019.7.33"),
                                                     ("66", "2021", "10.5555/jimhr.2021.0142")]
    again = run("-p", str(example_dir), "import", "sources", str(BIB / "library.ris"))
    assert again.exit_code == 0 and "0 added" in again.stdout and len(again.stderr.splitlines()) == 4


def test_every_format_imports(example_dir: Path, run) -> None:
    for name in ("library.bib", "pubmed.nbib", "zotero.csv"):
        result = run("-p", str(example_dir), "import", "sources", str(BIB / name))
        assert result.exit_code == 0 and result.stderr == "", result.output
    with Project.open(example_dir) as p:
        assert [s.ref for s in p.records.sources()][-7:] == ["65", "66", "67", "68", "69", "70", "71"]


def test_renumber_closes_the_gaps_and_keeps_summaries_fresh(example_dir: Path, run) -> None:
    with Project.open(example_dir) as p:
        old = {s.uuid: s.ref for s in p.records.sources()}
        refs_before = {s.uuid: s.references for s in p.summaries.all()}
    result = run("-p", str(example_dir), "import", "sources", str(BIB / "pubmed.nbib"), "--renumber")
    assert result.exit_code == 0
    assert "renumbered 13 sources" in result.stdout
    with Project.open(example_dir) as p:
        assert [s.ref for s in p.records.sources()] == [str(i) for i in range(1, 14)]
        mapping = {old[s.uuid]: s.ref for s in p.records.sources() if s.uuid in old}
        for s in p.summaries.all():
            want = ",".join(mapping.get(r, r) for r in refs_before[s.uuid].split(",")) if refs_before[s.uuid] else ""
            assert s.references == want
    table = run("-p", str(example_dir), "export", "table", "--format", "json")
    assert table.exit_code == 0
    cited = {r for th in json.loads(table.stdout)["themes"] for st in th["subthemes"] for row in st["rows"]
             for r in row["references"]}
    assert cited <= set(range(1, 12)) and 1 in cited


def test_renumber_refuses_author_year_before_changing_anything(tmp_path: Path, run) -> None:
    target = tmp_path / "ay"
    Project.create(target).close()
    with Project.open(target) as p:
        p.set_setting("citation", "author-year")
    result = run("-p", str(target), "import", "sources", str(BIB / "library.bib"), "--renumber")
    assert result.exit_code == 1 and "author-year" in result.stderr
    with Project.open(target) as p:
        assert p.records.sources() == []
    ok = run("-p", str(target), "import", "sources", str(BIB / "library.bib"))
    assert ok.exit_code == 0
    with Project.open(target) as p:
        assert [s.ref for s in p.records.sources()] == ["Haddad 2016", "Müller et al. 2018",
                                                "World Invented Health Organisation 2020"]


def test_a_broken_record_is_named_and_the_rest_imports(example_dir: Path, run) -> None:
    result = run("-p", str(example_dir), "import", "sources", str(BIB / "broken.bib"))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"{BIB / 'broken.bib'}: 1 added, 0 already present"
    assert result.stderr == (f"{BIB / 'broken.bib'}, line 6: a BibTeX entry that could not be read "
                             "(BlockAbortedException) — skipped\n")


def test_a_file_that_is_no_library_is_one_line(example_dir: Path, run, tmp_path: Path) -> None:
    prose = tmp_path / "search-notes.txt"
    prose.write_text("Searched on 3 May.\n", encoding="utf-8")
    result = run("-p", str(example_dir), "import", "sources", str(prose))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"workbench: {prose}: not a reference library: expected RIS")
    assert len(result.stderr.splitlines()) == 1


REFS = Path(__file__).parent.parent / "fixtures" / "references"


def test_real_exports_import_whole_whatever_their_names(tmp_path: Path, run) -> None:
    """Every database export of tests/fixtures/references/ comes in whole, author-year labels right."""
    target = tmp_path / "ay"
    Project.create(target).close()
    with Project.open(target) as p:
        p.set_setting("citation", "author-year")
    counts, skipped = {}, {}
    for f in sorted(REFS.iterdir()):
        result = run("-p", str(target), "import", "sources", str(f))
        assert result.exit_code == 0, (f, result.output)
        counts[f.name] = result.stdout.strip().removeprefix(f"{f}: ")
        skipped[f.name] = result.stderr.splitlines()
    assert counts["embase.csv"] == "3 added, 0 already present"  # read before embase.ris (sorted names)
    assert counts["embase.ris"] == "0 added, 0 already present"  # the same three records, named as skipped
    assert len(skipped["embase.ris"]) == 3 and all("same title as source" in x for x in skipped["embase.ris"])
    assert counts["web_of_science_tagged.txt"] == "3 added, 0 already present"
    assert counts["ieee_xplore_lone_cr.ris"] == "4 added, 0 already present"
    with Project.open(target) as p:
        labels = {s.ref for s in p.records.sources()}
    assert {"Liu and Adler 2014", "Kogge and Shalf 2013", "Sun and Russell 2017", "Phillips et al. 2005",
            "Aliev and Ismayilova 2022", "Trindade et al. 2019"} <= labels
    assert not any(re.search(r"\b[A-Z]\.", label) for label in labels)  # no "R. and D.G. 2014"
