"""Real exports of reference managers and databases (tests/fixtures/references/, origins in
tests/fixtures/README.md): each comes in whole, with surnames first and initials kept."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from workbench.core.model import Source
from workbench.formats.references import (
    author_year_label,
    citation_of,
    family_and_initials,
    is_bibliography,
    read_bibliography,
    read_references,
)

REFS = Path(__file__).parent.parent / "fixtures" / "references"


def labels(name: str) -> list[str]:
    return [s.ref for _, s in read_bibliography(REFS / name, [], "author-year")]


@pytest.mark.parametrize(("name", "kind", "count"), [
    ("embase.ris", "RIS", 3), ("ovid_psycinfo.ris", "RIS", 2), ("ieee_xplore_lone_cr.ris", "RIS", 4),
    ("rayyan.txt", "RIS", 3), ("citavi_scopus.txt", "RIS", 3), ("web_of_science_ris.txt", "RIS", 3),
    ("pubmed_endnote.txt", "RIS", 3), ("web_of_science_tagged.txt", "Web of Science", 3),
    ("scopus.csv", "Scopus CSV", 2), ("ieee.csv", "IEEE Xplore CSV", 3), ("springer.csv", "Springer Link CSV", 3),
    ("embase.csv", "Embase CSV", 3), ("endnote.xml", "EndNote XML", 3)])
def test_every_record_of_every_export_is_read(name: str, kind: str, count: int) -> None:
    lib = read_references(REFS / name)
    assert (lib.kind, len(lib), lib.skipped) == (kind, count, [])
    assert all(r.title and r.year for r in lib)
    assert is_bibliography(REFS / name)


def test_embase_authors_keep_their_initials() -> None:
    """Embase writes 'A1  - Adler D.G.': the label was 'R. and D.G. 2014' before."""
    assert family_and_initials("Quintanilla-Dieck L.") == ("Quintanilla-Dieck", "L")
    for name in ("embase.ris", "embase.csv"):  # the RIS A1 lines and the CSV's "Author Names" column
        refs = read_references(REFS / name)
        assert citation_of(refs[0]).startswith("Liu R, Adler DG. Duplication cysts: Diagnosis, management, and "
                                               "the role of endoscopic ultrasound. Endoscopic Ultrasound. "
                                               "2014;3(3):152–60.")
        assert author_year_label(refs[0]) == "Liu and Adler 2014"


def test_each_database_author_format_becomes_surname_and_initials() -> None:
    first = {name: read_references(REFS / name)[0].authors[:2] for name in (
        "ieee.csv", "scopus.csv", "springer.csv", "web_of_science_tagged.txt", "web_of_science_ris.txt",
        "ovid_psycinfo.ris", "citavi_scopus.txt")}
    vancouver = {k: [" ".join(family_and_initials(a)) for a in v] for k, v in first.items()}
    assert vancouver == {
        "ieee.csv": ["Kogge P", "Shalf J"], "scopus.csv": ["Phillips JC", "Braun R"],
        "springer.csv": ["Aliev AR", "Ismayilova NT"], "web_of_science_tagged.txt": ["Sun ZW", "Russell TP"],
        "web_of_science_ris.txt": ["Alceste F", "Luke TJ"], "ovid_psycinfo.ris": ["Trindade IA", "Irons C"],
        "citavi_scopus.txt": ["Vaimann T", "Kudrjavtsev O"]}
    assert [" ".join(family_and_initials(a)) for a in read_references(REFS / "ieee.csv")[1].authors][2] == "Nominé JP"


def test_lone_carriage_returns_do_not_lose_records() -> None:
    """IEEE Xplore starts records with a lone CR: 1 of 25 was imported, silently."""
    raw = (REFS / "ieee_xplore_lone_cr.ris").read_bytes()
    assert b"\n\rTY  -" in raw
    assert labels("ieee_xplore_lone_cr.ris") == ["Bobák et al. 2019", "Hill 2014", "Kalbe and Kalbe 2019",
                                                 "Wang et al. 2021"]


def test_ovid_numbering_and_links_between_records_are_passed_over() -> None:
    refs = read_references(REFS / "ovid_psycinfo.ris")
    assert (REFS / "ovid_psycinfo.ris").read_text(encoding="utf-8").startswith("1.\nTY  - JOUR")
    assert [r.doi for r in refs] == ["http://dx.doi.org/10.1002/cpp.2398", "http://dx.doi.org/10.1177/1359105317742958"]
    assert sorted(s.doi for _, s in read_bibliography(REFS / "ovid_psycinfo.ris", [])) == [
        "10.1002/cpp.2398", "10.1177/1359105317742958"]
    assert refs[0].pages == ""  # Ovid's "SP - No / EP - Specified"


def test_one_line_author_lists_are_split(tmp_path: Path) -> None:
    """Ovid (CENTRAL) writes every author on one A1 line; the same author then got two labels."""
    f = tmp_path / "central.ris"
    f.write_text("1.\nTY  - JOUR\nA1  - Kogge P; Shalf J\nT1  - Exascale computing trends\nY1  - 2013\nER  - \n\n"
                 "2.\nTY  - JOUR\nA1  - Kogge P\nT1  - Another paper\nY1  - 2013\nER  - \n", encoding="utf-8")
    assert [s.ref for _, s in read_bibliography(f, [], "author-year")] == [
        "Kogge 2013", "Kogge and Shalf 2013"]


def test_trial_registry_ids_never_become_labels(tmp_path: Path) -> None:
    f = tmp_path / "central.txt"
    f.write_text("TY  - JOUR\nAU  - NCT04381559\nTI  - Hydroxychloroquine for COVID-19 in health workers\n"
                 "PY  - 2020\nAN  - CN-02131111\nER  - \n", encoding="utf-8")
    rows = read_bibliography(f, [], "author-year")
    assert [s.ref for _, s in rows] == ["ClinicalTrials.gov 2020"]
    assert "NCT04381559" in rows[0][1].citation


def test_txt_names_are_read_by_content(tmp_path: Path) -> None:
    """EndNote, Web of Science, Rayyan and PubMed save as .txt: refused as "unknown format 'txt'" before."""
    for name in ("rayyan.txt", "pubmed_endnote.txt", "web_of_science_tagged.txt"):
        copy = tmp_path / (Path(name).stem + ".export")
        shutil.copy(REFS / name, copy)
        assert len(read_references(copy)) == 3


def test_repeated_bibtex_fields_are_merged_or_the_first_kept(tmp_path: Path) -> None:
    """Zotero repeats `annote` once per note, Scopus repeats `funding_details`: refused whole before."""
    f = tmp_path / "zotero.bib"
    f.write_text("@article{walker_2013,\n  title = {Peer support in adult mental health services},\n"
                 "  author = {Walker, Gillian and Bryant, Wendy},\n  year = {2013},\n"
                 "  annote = {first note},\n  annote = {second note},\n  year = {2014},\n}\n\n"
                 "@article{ok, title = {A second entry}, author = {Smith, J.}, year = {2020}}\n", encoding="utf-8")
    lib = read_references(f)
    assert [(r.title, r.year, r.line) for r in lib] == [
        ("Peer support in adult mental health services", "2013", 1), ("A second entry", "2020", 10)]
    assert lib.notes == [f"{f}: repeated note fields (annote, funding_details …) joined: 1",
                         f"{f}: other repeated fields — the first value kept: 1"]


def test_the_same_library_twice_adds_nothing() -> None:
    first = read_bibliography(REFS / "web_of_science_tagged.txt", [])
    again = read_bibliography(REFS / "web_of_science_tagged.txt", [s for _, s in first])
    assert list(again) == [] and len(again.skipped) == 3
    assert all(isinstance(s, Source) for _, s in first)


def test_endnote_xml_records_read_with_editors_only_when_no_author() -> None:
    refs = read_references(REFS / "endnote.xml")
    assert [citation_of(r) for r in refs] == [
        "Ahlquist JS, Breunig C. Country Clustering in Comparative Political Economy. 2009:32.",
        "Foderaro LW. Rooftop greenhouse will boost city farming. New York Times. 2012:A20.",
        "Mares I. Firms and the welfare state: When, why, and how does social policy matter to employers? "
        "Varieties of capitalism. The institutional foundations of comparative advantage. 2001:184–213."]
