"""The one blank English pipeline, built once per process and only when a command needs it.

`spacy.blank("en")` needs no model download: its tokenizer and sentencizer are rules, and the
lemmas come from the lookup table that spacy-lookups-data installs on disk. We apply that table to
the lower-cased word (spaCy's own lookup lemmatizer is case-sensitive, so "Boundaries" at the start
of a sentence would not become "boundary"), and every lemma we set is lower case, which is what
search and the PhraseMatcher compare.

Building the pipeline costs about a second (importing spaCy, reading the table), so it happens
lazily behind a lock: the TUI may ask from a worker thread while the CLI asks from the main one.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

# Bump when tokenising, lemmas or detection rules change: stored results made by an older
# version are then recomputed by `workbench detect`.
PIPELINE_VERSION = "wb1"
LEMMATIZER = "workbench_lemmatizer"

_lock = threading.Lock()
_state: dict[str, Any] = {}


def lemma_table() -> dict[str, str]:
    """word → lemma (English) from the file spacy-lookups-data installed; read once, never fetched."""
    with _lock:
        if "table" not in _state:
            from spacy.util import load_language_data, registry

            paths = registry.lookups.get("en")  # the entry point spacy-lookups-data registers
            _state["table"] = dict(load_language_data(paths["lemma_lookup"]))
        return _state["table"]


def lemma_of(word: str) -> str:
    """The lower-case lemma of one word ("Boundaries" → "boundary"); unknown words stay as written."""
    low = word.lower()
    lemma = lemma_table().get(low)
    return lemma if lemma is not None else _unknown(word, low)


def get_nlp() -> Language:
    """blank English + sentencizer + our lookup lemmatizer; shared by every caller in the process."""
    with _lock:
        nlp = _state.get("nlp")
    if nlp is not None:
        return nlp
    table = lemma_table()
    import spacy
    from spacy.language import Language

    if not Language.has_factory(LEMMATIZER):
        @Language.factory(LEMMATIZER)
        def _make(nlp: Language, name: str) -> Callable[[Doc], Doc]:
            return _LowerLemmatizer(lemma_table())

    built = spacy.blank("en")
    built.add_pipe("sentencizer")
    built.add_pipe(LEMMATIZER)
    del table
    with _lock:
        return _state.setdefault("nlp", built)


class _LowerLemmatizer:
    """Sets `token.lemma_` to the table's lemma of the lower-cased word."""

    def __init__(self, table: dict[str, str]) -> None:
        self.table = table

    def __call__(self, doc: Doc) -> Doc:
        table = self.table
        for token in doc:
            low = token.lower_
            lemma = table.get(low)
            token.lemma_ = lemma if lemma is not None else _unknown(token.text, low)
        return doc


def _unknown(word: str, low: str) -> str:
    """A word the table lacks: a plural acronym ("PSWs") loses its s, anything else stays as it is."""
    if len(word) > 2 and word[-1] == "s" and word[:-1].isupper():
        return low[:-1]
    return low


WORD = re.compile(r"\w+(?:['’\-]\w+)*")


def lemmas(text: str) -> list[str]:
    """Lemmas of the words in a short text (a query, a codebook synonym) without running spaCy."""
    table = lemma_table()
    out = []
    for m in WORD.finditer(text):
        word = m.group(0)
        low = word.lower()
        lemma = table.get(low)
        out.append(lemma if lemma is not None else _unknown(word, low))
    return out
