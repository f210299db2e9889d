"""The subtheme classifier and its baselines, trained on a small labelled set written here."""

from __future__ import annotations

from pathlib import Path

from workbench.core.model import Codebook, Subtheme, Theme
from workbench.nlp.suggest import KeywordOverlap, Labelled, MostFrequent, Suggester, cross_validate, features

CODEBOOK = Codebook(themes=(Theme("T", (
    Subtheme("Pay", "Low wages and insecure contracts."),
    Subtheme("Boundaries", "The line between friendship and a helping relationship."),
    Subtheme("Supervision", "Support and training from a supervisor."),
)),))

EXAMPLES = [
    Labelled("p1", "Wages were low and contracts short.", ("Pay",)),
    Labelled("p2", "The salary was poor and hours were cut.", ("Pay",)),
    Labelled("p3", "They earned little money for long hours.", ("Pay",)),
    Labelled("b1", "It was hard to know where friendship ended.", ("Boundaries",)),
    Labelled("b2", "Clients wanted to be friends outside work.", ("Boundaries",)),
    Labelled("b3", "Meeting clients socially blurred the line.", ("Boundaries",)),
    Labelled("s1", "Nobody supervised the new peer staff.", ("Supervision",)),
    Labelled("s2", "Supervisors gave little training or support.", ("Supervision",)),
    Labelled("s3", "Supervision sessions were rare and shallow.", ("Supervision",)),
]


def test_features_are_content_lemmas() -> None:
    assert features("The supervisors were offering 12 trainings") == "supervisor offer training"


def test_the_classifier_learns_the_examples_and_ranks_every_label(tmp_path: Path) -> None:
    model = Suggester.train(EXAMPLES, CODEBOOK, seed=1)
    ranking = model.rank(["Their wages were low.", "Friends outside work."])
    assert ranking[0][0][0] == "Pay"
    assert ranking[1][0][0] == "Boundaries"
    assert sorted(label for label, _ in ranking[0]) == ["Boundaries", "Pay", "Supervision"]
    assert all(0.0 <= score <= 1.0 for _, score in ranking[0])
    assert model.meta["examples"] == len(EXAMPLES) and model.meta["labels"] == 3
    model.save(tmp_path)
    again = Suggester.load(tmp_path)
    assert again is not None
    assert again.top(["Their wages were low."], 1)[0][0][0] == "Pay"
    assert Suggester.load(tmp_path / "nowhere") is None


def test_baselines() -> None:
    assert MostFrequent(EXAMPLES[:4]).rank(["anything"])[0][0][0] == "Pay"
    ranked = KeywordOverlap(CODEBOOK).rank(["A supervisor offered training."])[0]
    assert ranked[0][0] == "Supervision"


def test_cross_validation_holds_out_every_example_once() -> None:
    scores = cross_validate("most frequent", EXAMPLES, MostFrequent, k=3)
    assert scores.n == len(EXAMPLES)
    assert 0.0 <= scores.top1 <= scores.top3 <= 1.0
    assert scores.top3 == 1.0  # three labels: the top three are all of them
    learned = cross_validate("textcat", EXAMPLES, lambda train: Suggester.train(train, CODEBOOK), k=3)
    assert learned.top1 >= scores.top1
