"""GRADE-CERQual: the components a team judges per finding and the words each judgement may use.

Kept in the core (no I/O) so the store can validate what it writes and the exports can print the
judgements in the order reviewers expect, from one list. A typo such as "minor" is accepted as the
full phrase, so the stored text is always one of the approach's own wordings.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.core.errors import UserError

CONCERNS = ("no or very minor concerns", "minor concerns", "moderate concerns", "serious concerns")
CONFIDENCE = ("high confidence", "moderate confidence", "low confidence", "very low confidence")

# component key (as typed on the command line) → (heading, allowed judgements)
COMPONENTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "methodological-limitations": ("Methodological limitations", CONCERNS),
    "coherence": ("Coherence", CONCERNS),
    "adequacy": ("Adequacy", CONCERNS),
    "relevance": ("Relevance", CONCERNS),
    "overall": ("Overall confidence", CONFIDENCE),
}

_SHORT = {"none": "no or very minor concerns", "no": "no or very minor concerns",
          "very minor": "no or very minor concerns"}


@dataclass(frozen=True)
class Judgement:
    """One CERQual judgement on a finding (subtheme × valence), with the team's reason for it."""

    subtheme: str
    valence: str | None
    component: str
    judgement: str
    explanation: str = ""
    author: str = ""
    time: str = ""
    uuid: str = ""


def component_key(text: str) -> str:
    """'Methodological limitations', 'methodological_limitations' … → 'methodological-limitations'."""
    key = "-".join(text.strip().lower().replace("_", " ").replace("-", " ").split())
    if key in ("overall-confidence", "confidence"):
        key = "overall"
    if key not in COMPONENTS:
        raise UserError(f"unknown CERQual component '{text}' (use {', '.join(COMPONENTS)})")
    return key


def normalise_judgement(component: str, text: str) -> str:
    """The full wording for `text` under `component`; a short form such as 'minor' or 'high' is enough."""
    allowed = COMPONENTS[component_key(component)][1]
    said = " ".join(text.strip().lower().replace("-", " ").split())
    said = _SHORT.get(said, said)
    for full in allowed:
        if said == full or full.startswith(said + " ") and said:
            return full
    raise UserError(f"'{text}' is not a judgement for {component} (use one of: {'; '.join(allowed)})")
