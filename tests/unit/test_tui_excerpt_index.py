"""The excerpt list's in-memory filter: the same answers as a plain scan, narrowing as you type."""

from __future__ import annotations

from workbench.store.workspace import ExcerptRows
from workbench.tui.excerpt_index import CODED, NOTHING, UNCODED, ExcerptIndex, Filter
from workbench.tui.views import abbreviate


def index() -> ExcerptIndex:
    texts = ["Peer workers felt hope", "Stigma at work", "Hope for recovery", "Low pay", "hopeful clients"]
    rows = ExcerptRows([f"e{i}" for i in range(5)], ["1", "1", "2", "2", "3"],
                       ["PSWs", "", "PSWs", "Mixed", "Service users"], texts)
    return ExcerptIndex(rows, coded={"e1"}, nothing={"e3"})


def test_text_search_is_case_insensitive_and_narrows() -> None:
    idx = index()
    assert idx.filter(Filter(text="h")) == [0, 2, 4]  # "h" is in hope/hopeful… and "Stigma at work"? no
    assert idx.filter(Filter(text="hop")) == [0, 2, 4]
    assert idx.filter(Filter(text="hope f")) == [2]
    assert idx.filter(Filter(text="HOPE")) == [0, 2, 4]
    assert idx.filter(Filter(text="")) == [0, 1, 2, 3, 4]


def test_other_filters_combine_with_the_text() -> None:
    idx = index()
    assert idx.filter(Filter(source="2")) == [2, 3]
    assert idx.filter(Filter(perspective="PSWs", text="hope")) == [0, 2]
    assert idx.filter(Filter(perspective="-")) == [1]
    assert idx.filter(Filter(uncoded=True)) == [0, 2, 4]
    idx.subtheme_keys["Hope"] = {"e2", "e4"}
    assert idx.filter(Filter(subtheme="Hope", text="ful")) == [4]


def test_states_and_next_uncoded_wrap_round() -> None:
    idx = index()
    assert [idx.state[i] for i in range(5)] == [UNCODED, CODED, UNCODED, NOTHING, UNCODED]
    rows = idx.filter(Filter())
    assert idx.next_uncoded(rows, 0) == 2
    assert idx.next_uncoded(rows, 4) == 0
    idx.set_state("e0", CODED)
    idx.set_state("e2", CODED)
    idx.set_state("e4", CODED)
    assert idx.next_uncoded(rows, 0) is None
    assert idx.uncoded_count() == 0
    assert idx.filter(Filter(uncoded=True)) == []


def test_valence_abbreviations_stay_unique() -> None:
    assert abbreviate(["benefit", "challenge", None]) == {"benefit": "B", "challenge": "C", None: "–"}
    assert abbreviate(["facilitator", "frustration"]) == {"facilitator": "F", "frustration": "Fr"}
