"""Segmenting documents we wrote: offsets exact, non-findings skipped, wrong splits mended."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.core.errors import UserError
from workbench.nlp.segment import segment

FIXTURES = Path(__file__).parent.parent / "fixtures" / "nlp"


@pytest.fixture(scope="module")
def review() -> str:
    return (FIXTURES / "review.txt").read_text(encoding="utf-8")


def test_every_segment_is_the_exact_slice_of_the_text(review: str) -> None:
    for by in ("sentence", "paragraph"):
        segments = segment(review, by)
        assert segments
        for s in segments:
            assert review[s.start:s.end] == s.text
            assert s.text == s.text.strip()


def test_headings_tables_page_marks_and_references_are_skipped(review: str) -> None:
    texts = [s.text for s in segment(review, "paragraph")]
    joined = "\n".join(texts)
    assert "Journal of Peer Work Studies" not in joined  # running header, three times
    assert "Abstract" not in texts and "2. Results" not in texts
    assert "Peer support in community mental health: a qualitative synthesis" not in texts  # the title
    assert "|" not in joined and "critically low" not in joined  # the table
    assert "Hurley J" not in joined and "Psychiatr Rehabil J" not in joined  # the reference list
    assert len(texts) == 4


def test_sections_come_from_the_headings_above(review: str) -> None:
    by_text = {s.text[:20]: s.section for s in segment(review, "sentence")}
    assert by_text["Peer support workers"] == "Abstract"
    assert by_text["Walker et al. (2013)"] == "1. Introduction"
    assert by_text["Stakeholders disagre"] == "2. Results"


def test_abbreviations_and_citations_do_not_split_sentences(review: str) -> None:
    sentences = [s.text for s in segment(review, "sentence")]
    assert "Several studies, e.g. those in Asia, reported role confusion [23, 34]." in sentences
    assert "Peer work has grown quickly in the last decade, i.e. since national policies began to fund it." \
        in sentences
    assert "Walker et al. (2013) called it a distinct profession." in sentences
    assert "Some managers said the posts were cheap, etc. and temporary." in sentences
    assert "Approx. half of the reviews mentioned friendship." in sentences


def test_a_citation_after_the_full_stop_stays_with_its_sentence(review: str) -> None:
    sentences = [s.text for s in segment(review, "sentence")]
    assert "Service users found peer workers easy to talk to.[23–26]" in sentences
    assert "Nurses and other clinicians were less certain about the role." in sentences


def test_a_line_wrapped_sentence_is_one_sentence(review: str) -> None:
    wrapped = [s.text for s in segment(review, "sentence") if s.text.startswith("Many peer workers")]
    assert wrapped == ["Many peer workers felt undervalued by colleagues\nbecause of low pay; this was common "
                       "in inpatient settings."]


def test_markdown_with_a_table_and_crlf_line_ends() -> None:
    text = ("# Findings\r\n\r\nPeer staff felt valued by Smith et al. [4] and others. Clinicians were unsure.\r\n\r\n"
            "| Theme | Studies |\r\n|---|---|\r\n| Boundaries | 3 |\r\n\r\n"
            "## Discussion\r\n\r\nPay was low (Walker & Bryant, 2013). Workload grew.\r\n\r\n"
            "## References\r\n\r\n1. Smith J, Jones K. Peer work. J Ment Health. 2019;4:1-9.\r\n")
    sentences = segment(text, "sentence")
    assert [s.text for s in sentences] == [
        "Peer staff felt valued by Smith et al. [4] and others.", "Clinicians were unsure.",
        "Pay was low (Walker & Bryant, 2013).", "Workload grew."]
    assert [s.section for s in sentences] == ["Findings", "Findings", "Discussion", "Discussion"]
    for s in sentences:
        assert text[s.start:s.end] == s.text


def test_reference_entries_without_a_heading_are_skipped() -> None:
    text = ("Peer support helped. It was valued.\n\n"
            "[1] Walker G, Bryant W. Peer support in adult mental health services. 2013;36:28-34.\n"
            "[2] Jones CCG, Jomeen J. The impact of peer support. Midwifery. 2014;30:491-8.\n")
    assert [s.text for s in segment(text, "paragraph")] == ["Peer support helped. It was valued."]


def test_empty_text_and_a_wrong_unit() -> None:
    assert segment("", "sentence") == []
    assert segment("\n\n  \n", "paragraph") == []
    with pytest.raises(UserError):
        segment("Some text.", "word")


def test_text_extracted_from_a_pdf_without_blank_lines() -> None:
    """A .docx (title, headings, a table, references) saved as PDF by LibreOffice, read by pypdf."""
    text = (FIXTURES / "review-from-pdf.txt").read_text(encoding="utf-8")
    paragraphs = segment(text, "paragraph")
    assert [p.section for p in paragraphs] == ["Results", "Results", "Discussion"]
    assert paragraphs[0].text.startswith("Peer workers described") and "Walker et al. (2013)" in paragraphs[0].text
    assert paragraphs[2].text.endswith("the role was undervalued.")
    joined = " ".join(p.text for p in paragraphs)
    assert "critically low" not in joined and "inpatient wards" not in joined and "Psychiatr" not in joined
    sentences = segment(text, "sentence")
    assert len(sentences) == 6
    assert sentences[3].text == "Some\nclinicians, i.e. those on acute wards, welcomed the posts."
