"""CERQual wordings: what users may type and what gets stored."""

from __future__ import annotations

import pytest

from workbench.core.cerqual import component_key, normalise_judgement
from workbench.core.errors import UserError


@pytest.mark.parametrize(("typed", "stored"), [
    ("minor", "minor concerns"), ("Moderate concerns", "moderate concerns"), ("serious", "serious concerns"),
    ("no or very minor", "no or very minor concerns"), ("none", "no or very minor concerns"),
])
def test_concerns_short_forms(typed: str, stored: str) -> None:
    assert normalise_judgement("adequacy", typed) == stored


@pytest.mark.parametrize(("typed", "stored"), [
    ("high", "high confidence"), ("low", "low confidence"), ("very low", "very low confidence"),
    ("Very-Low", "very low confidence"),
])
def test_overall_confidence_short_forms(typed: str, stored: str) -> None:
    assert normalise_judgement("overall", typed) == stored


def test_component_spellings() -> None:
    assert component_key("Methodological limitations") == "methodological-limitations"
    assert component_key("methodological_limitations") == "methodological-limitations"
    assert component_key("Overall confidence") == "overall"


def test_wrong_words_are_user_errors() -> None:
    with pytest.raises(UserError, match="not a judgement for coherence"):
        normalise_judgement("coherence", "high")  # a confidence level is not a concern level
    with pytest.raises(UserError, match="unknown CERQual component 'clarity'"):
        component_key("clarity")
    with pytest.raises(UserError):
        normalise_judgement("overall", "")
