"""Reference libraries → sources: parsing RIS/BibTeX/NBIB/CSV, citations, labels, duplicates."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.core.errors import UserError
from workbench.core.model import Source
from workbench.formats.references import (
    author_year_label,
    citation_of,
    family_and_initials,
    is_bibliography,
    read_bibliography,
    read_references,
)

BIB = Path(__file__).parent.parent / "fixtures" / "bib"


def refs(name: str, existing=(), citation=None) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(s.ref, s.citation) for _, s in read_bibliography(BIB / name, list(existing), citation)]


def test_each_format_reads_title_authors_year_doi() -> None:
    ris, bib, nbib, csv = (read_references(BIB / n) for n in ("library.ris", "library.bib", "pubmed.nbib", "zotero.csv"))
    assert (ris[0].title, ris[0].year, ris[0].doi, ris[0].line) == (
        "Paid peer roles in crisis services: a qualitative evidence synthesis", "2021", "10.5555/jimhr.2021.0142", 1)
    assert bib[0].authors[0] == "Müller, Jörg" and bib[0].line == 2
    assert bib[2].authors == ["{World Invented Health Organisation}"]
    assert nbib[0].title == "Experiences of peer support workers in forensic settings: a thematic synthesis"
    assert (nbib[0].doi, nbib[0].year, nbib[1].doi) == ("10.5555/ifmh.2022.55", "2022", "10.5555/imc.2015.12")
    assert csv[0].authors == ["Varga, Eszter", "Xu, Lin"] and csv[1].doi == ""


def test_vancouver_citations() -> None:
    cites = dict(refs("library.bib"))
    assert cites["2"] == ("Müller J, Santos B, Chen W, Evans R, Gupta A, Ito K, et al. Peer mentoring for young "
                          "people leaving inpatient care: a realist review. Invented Journal of Youth Services. "
                          "2018;3(1):1–20.")
    assert cites["3"] == "World Invented Health Organisation. Guidance on peer support roles. 2020."
    assert family_and_initials("du Plessis, Carol Anne") == ("du Plessis", "CA")
    assert family_and_initials("Carol du Plessis") == ("du Plessis", "C")
    assert family_and_initials("Walker GB") == ("Walker", "GB")


def test_numeric_labels_continue_after_the_highest_in_a_stable_order(tmp_path: Path) -> None:
    existing = [Source("7"), Source("12")]
    got = refs("library.ris", existing)
    assert [r for r, _ in got] == ["13", "14", "15"]
    assert [c.split(".")[0] for _, c in got] == ["Abara T", "du Plessis C, Whitaker L, Hurley J", "Okafor N, Lindqvist AM"]
    # the same library exported in another order gets the same labels
    entries = (BIB / "library.bib").read_text(encoding="utf-8").split("\n\n")
    reordered = tmp_path / "reordered.bib"
    reordered.write_text("\n\n".join(reversed(entries)), encoding="utf-8")
    assert [(s.ref, s.citation) for _, s in read_bibliography(reordered, existing)] == refs("library.bib", existing)


def test_author_year_labels_get_letters_on_a_clash() -> None:
    got = [r for r, _ in refs("library.bib", [Source("Haddad 2016")], "author-year")]
    assert got == ["Haddad 2016b", "Müller et al. 2018", "World Invented Health Organisation 2020"]
    ref = read_references(BIB / "zotero.csv")[0]
    assert author_year_label(ref) == "Varga and Xu 2017"


def test_duplicates_by_doi_or_title_are_skipped_and_reported() -> None:
    existing = [Source("23", "du Plessis C, Whitaker L, Hurley J. Peer support workers in substance abuse treatment "
                             "services: a systematic review of the literature. J Subst Use. 2020;25:225–30.")]
    rows = read_bibliography(BIB / "library.ris", existing)
    assert [s.ref for _, s in rows] == ["24", "25"]
    assert rows.skipped == [
        f"{BIB / 'library.ris'}, line 14: same title as source 23 — skipped",
        f"{BIB / 'library.ris'}, line 34: same DOI as the reference on line 1 — skipped"]
    again = read_bibliography(BIB / "library.ris", existing + [s for _, s in rows])
    assert list(again) == [] and len(again.skipped) == 4


def test_ids_follow_the_reference_not_the_label() -> None:
    a = {s.doi: s.uuid for _, s in read_bibliography(BIB / "library.ris", [])}
    b = {s.doi: s.uuid for _, s in read_bibliography(BIB / "library.ris", [Source("40")])}
    assert a == b


def test_bad_libraries_are_one_line_errors(tmp_path: Path) -> None:
    rows = read_bibliography(BIB / "broken.bib", [])  # the readable entry imports; the broken one is named
    assert [s.citation for _, s in rows] == ["A fine entry. 2020."]
    assert rows.skipped == [f"{BIB / 'broken.bib'}, line 6: a BibTeX entry that could not be read "
                            "(BlockAbortedException) — skipped"]
    only_broken = tmp_path / "only.bib"
    only_broken.write_text("@article{broken,\n  title = {never closes,\n  year = {2021}\n", encoding="utf-8")
    with pytest.raises(UserError, match=r"only.bib: no references found in the file; .*line 1: a BibTeX entry"):
        read_bibliography(only_broken, [])
    latin = tmp_path / "latin.ris"
    latin.write_bytes("TY  - JOUR\nTI  - Caf\xe9 culture\nER  - \n".encode("latin-1"))
    got = read_bibliography(latin, [])
    assert [s.citation for _, s in got] == ["Café culture."] and "read as Windows-1252" in got.notes[0]
    empty = tmp_path / "empty.nbib"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(UserError, match="no references"):
        read_bibliography(empty, [])
    prose = tmp_path / "notes.txt"
    prose.write_text("Some notes about the search.\n", encoding="utf-8")
    with pytest.raises(UserError, match=r"notes.txt: not a reference library: expected RIS"):
        read_bibliography(prose, [])


def test_which_files_are_libraries(tmp_path: Path) -> None:
    assert is_bibliography(BIB / "zotero.csv") and is_bibliography(Path("x.RIS")) and is_bibliography(Path("x.txt"))
    plain = tmp_path / "sources.csv"
    plain.write_text("ref,citation,year,design,quality,groups,title\n", encoding="utf-8")
    assert not is_bibliography(plain)
    assert citation_of(read_references(BIB / "pubmed.nbib")[1]).endswith("Invent Matern Care. 2015.")
