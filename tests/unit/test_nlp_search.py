"""The lemma search index: words, phrases, misspellings, prefixes, context, and its saved form."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.core.errors import UserError
from workbench.nlp.search import SearchIndex

TEXTS = {
    "a1": "Peer workers struggled to set boundaries with clients they had known as friends.",
    "a2": "A boundary between friendship and work was hard to draw. Boundaries blurred again later.",
    "a3": "Peer support workers valued supervision; supervisors were rarely trained.",
    "a4": "Clients said the peer worker was easy to talk to.",
    "a5": "Low pay signalled that the PSWs' posts were undervalued.",
}


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex.build(list(TEXTS), ["1", "1", "2", "3", "3"], list(TEXTS.values()), "fp")


def test_a_word_finds_its_other_forms(index: SearchIndex) -> None:
    assert index.search("boundary").keys() == ["a1", "a2"]
    assert index.search("Boundaries").keys() == ["a1", "a2"]
    assert index.search("friend").keys() == ["a1"]  # "friendship" is another word


def test_several_words_must_all_occur(index: SearchIndex) -> None:
    assert index.search("peer client").keys() == ["a1", "a4"]


def test_phrases_need_the_words_next_to_each_other(index: SearchIndex) -> None:
    assert index.search("peer worker", "phrase").keys() == ["a1", "a4"]  # not "peer support workers"
    assert index.search("peer support worker", "phrase").keys() == ["a3"]
    assert index.search("worker peer", "phrase").keys() == []


def test_fuzzy_forgives_misspellings(index: SearchIndex) -> None:
    assert index.search("boundries").keys() == []
    assert index.search("boundries", "fuzzy").keys() == ["a1", "a2"]
    assert index.search("supervison", "fuzzy").keys() == ["a3"]


def test_prefix_completes_the_last_word(index: SearchIndex) -> None:
    assert index.search("supervis", prefix=True).keys() == ["a3"]
    assert index.search("supervis").keys() == []


def test_hits_show_the_first_match_in_context_and_count_them(index: SearchIndex) -> None:
    (hit,) = index.search("boundary").hits()[1:]
    assert hit.key == "a2" and hit.source == "1" and hit.count == 2
    assert TEXTS["a2"][hit.start:hit.end] == "boundary"
    assert hit.match == "boundary" and hit.left.endswith("A ") and hit.right.startswith(" between")
    assert "[boundary]" in hit.kwic(20)
    (p,) = index.search("peer support worker", "phrase").hits()
    assert p.match == "Peer support workers"


def test_empty_and_unknown_queries(index: SearchIndex) -> None:
    assert len(index.search("zebra")) == 0
    with pytest.raises(UserError):
        index.search("  ,. ")
    with pytest.raises(UserError):
        index.search("peer", "regex")


def test_saved_index_loads_back_and_a_broken_file_is_ignored(index: SearchIndex, tmp_path: Path) -> None:
    path = tmp_path / "search-index.npz"
    index.save(path)
    again = SearchIndex.load(path)
    assert again is not None and again.fingerprint == "fp" and again.keys == index.keys
    assert again.search("boundary").keys() == ["a1", "a2"]
    assert again.search("peer worker", "phrase").hits()[0].match == "Peer workers"
    path.write_bytes(b"not an index")
    assert SearchIndex.load(path) is None


def test_an_empty_project_has_an_empty_index(tmp_path: Path) -> None:
    empty = SearchIndex.build([], [], [], "none")
    assert len(empty.search("peer")) == 0
    empty.save(tmp_path / "i.npz")
    assert SearchIndex.load(tmp_path / "i.npz") is not None
