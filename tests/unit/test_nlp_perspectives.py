"""Perspective hints from the codebook's names and synonyms, matched on lemmas."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.core.errors import UserError
from workbench.core.example import example_files
from workbench.formats.codebook_yaml import load_codebook
from workbench.nlp.perspectives import PerspectiveDetector


@pytest.fixture(scope="module")
def codebook():  # type: ignore[no-untyped-def]
    return load_codebook(Path(example_files()["codebook"]))


def detect(cb, text: str, rule: str = "speaker") -> tuple[list[str], str]:  # type: ignore[no-untyped-def]
    return next(PerspectiveDetector(cb, rule).detect([text]))


def test_synonyms_match_on_lemmas(codebook) -> None:  # type: ignore[no-untyped-def]
    assert detect(codebook, "The nurse was worried.") == (["Non-peer staff"], "Non-peer staff")
    assert detect(codebook, "A Peer Support Worker spoke first.") == (["PSWs"], "PSWs")
    assert detect(codebook, "PSWs felt valued.") == (["PSWs"], "PSWs")
    assert detect(codebook, "Patients felt understood.") == (["Service users"], "Service users")


def test_longest_match_wins(codebook) -> None:  # type: ignore[no-untyped-def]
    assert detect(codebook, "Non-peer staff doubted it.")[0] == ["Non-peer staff"]
    assert detect(codebook, "Consumer-providers were rewarded.")[0] == ["PSWs"]


def test_several_groups_offer_mixed_unless_the_text_opens_with_one(codebook) -> None:  # type: ignore[no-untyped-def]
    text = "Some peer workers said that clients trusted them."
    assert detect(codebook, text, "speaker") == (["PSWs", "Service users"], "PSWs")
    assert detect(codebook, text, "names") == (["PSWs", "Service users"], "Mixed")
    assert detect(codebook, "Working with clients was hard for peer workers.", "speaker")[1] == "Mixed"


def test_a_mixed_synonym_is_mixed_and_nothing_named_is_no_hint(codebook) -> None:  # type: ignore[no-untyped-def]
    assert detect(codebook, "Stakeholders worried about peer workers.")[1] == "Mixed"
    assert detect(codebook, "They felt it was unfair.") == ([], "")


def test_mentions_have_character_offsets(codebook) -> None:  # type: ignore[no-untyped-def]
    d = PerspectiveDetector(codebook)
    text = "Clinicians and peer workers met."
    mentions = d.mentions(d.nlp(text))
    assert [(m.perspective, text[m.start:m.end]) for m in mentions] == [
        ("Non-peer staff", "Clinicians"), ("PSWs", "peer workers")]


def test_an_unknown_rule_is_a_user_error(codebook) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UserError):
        PerspectiveDetector(codebook, "guess")
