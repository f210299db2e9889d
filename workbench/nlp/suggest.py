"""Subtheme suggestions: a small text classifier trained on this project's own codings.

spaCy's `textcat_multilabel` with the bag-of-words architecture (TextCatBOW), trained from
scratch on the CPU in seconds: no pretrained model, no vectors, nothing downloaded. Its input is
the excerpt's lemmas without stop words, so "boundaries" and "boundary" count as one word on
the few dozen examples a review team has. Each subtheme's codebook text (name, definition,
include, example) is added as one more labelled example, so a subtheme nobody has used yet can
still be suggested.

A suggestion never codes by itself (the CLI and the TUI make the coder accept it), and its
quality is reported honestly by benchmarks/bench_nlp.py: k-fold cross-validated top-1/top-3
accuracy beside two baselines (the most frequent subthemes; keyword overlap with the codebook).
"""

from __future__ import annotations

import json
import random
import time
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from workbench.core.errors import UserError
from workbench.core.ids import now
from workbench.core.model import Codebook, Subtheme

FEATURES = "lemma-nostop-1"
MODEL_DIR = "suggest"
BOW = {"@architectures": "spacy.TextCatBOW.v3", "exclusive_classes": False, "ngram_size": 1,
       "no_output_layer": False, "length": 2 ** 14}

Ranking = list[tuple[str, float]]


@dataclass(frozen=True)
class Labelled:
    """An excerpt and the subthemes coded on it."""

    key: str
    text: str
    labels: tuple[str, ...]


class Ranker(Protocol):
    def rank(self, texts: Sequence[str]) -> list[Ranking]: ...


def features(text: str) -> str:
    """What the classifier reads: lower-case lemmas of the content words."""
    from spacy.lang.en.stop_words import STOP_WORDS

    from workbench.nlp.pipeline import lemmas

    return " ".join(w for w in lemmas(text) if w not in STOP_WORDS and not w.isdigit())


def codebook_text(s: Subtheme) -> str:
    return " ".join(x for x in (s.name, s.definition, s.include, s.example) if x)


# ----- baselines -------------------------------------------------------------------------------
class MostFrequent:
    """Baseline: always the subthemes coded most often in the training set."""

    def __init__(self, examples: Sequence[Labelled]) -> None:
        counts = Counter(label for e in examples for label in e.labels)
        total = sum(counts.values()) or 1
        self.ranking = [(label, n / total) for label, n in counts.most_common()]

    def rank(self, texts: Sequence[str]) -> list[Ranking]:
        return [list(self.ranking) for _ in texts]


class KeywordOverlap:
    """Baseline: subthemes whose codebook words (name, definition, include, example) the excerpt shares."""

    def __init__(self, codebook: Codebook) -> None:
        self.words = {s.name: set(features(codebook_text(s)).split()) for s in codebook.all_subthemes()}

    def rank(self, texts: Sequence[str]) -> list[Ranking]:
        out = []
        for text in texts:
            words = set(features(text).split())
            scores = [(name, len(words & kw) / (len(kw) ** 0.5 or 1)) for name, kw in self.words.items()]
            out.append(sorted(scores, key=lambda x: -x[1]))  # stable: codebook order breaks ties
        return out


# ----- the classifier --------------------------------------------------------------------------
@dataclass
class Suggester:
    """A trained textcat_multilabel pipeline and what it was trained on."""

    nlp: Any
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def labels(self) -> list[str]:
        return list(self.nlp.get_pipe("textcat_multilabel").labels)

    @classmethod
    def train(cls, examples: Sequence[Labelled], codebook: Codebook | None = None, epochs: int | None = None,
              seed: int = 0, max_examples: int = 5_000,
              progress: Callable[[int, int], None] | None = None) -> Suggester:
        """Train from scratch; a few seconds for a review's few hundred coded excerpts."""
        import spacy
        from spacy.pipeline import TextCategorizer
        from spacy.training import Example
        from spacy.util import fix_random_seed, minibatch

        started = time.perf_counter()
        rng = random.Random(seed)
        data = list(examples)
        if len(data) > max_examples:
            data = rng.sample(data, max_examples)
        names = [s.name for s in codebook.all_subthemes()] if codebook else []
        labels = list(dict.fromkeys(names + [label for e in data for label in e.labels]))
        if codebook is not None:
            data += [Labelled(f"codebook:{s.name}", codebook_text(s), (s.name,)) for s in codebook.all_subthemes()]
        if not data or not labels:
            raise UserError("nothing to learn from: no coded excerpts (code some, or name other --coders)")
        fix_random_seed(seed)
        nlp = spacy.blank("en")
        textcat = nlp.add_pipe("textcat_multilabel", config={"model": BOW})
        assert isinstance(textcat, TextCategorizer)  # spaCy types add_pipe's result as any component
        for label in labels:
            textcat.add_label(label)
        train = [Example.from_dict(nlp.make_doc(features(e.text)), {"cats": {x: float(x in e.labels) for x in labels}})
                 for e in data]
        optimizer = nlp.initialize(lambda: train)
        rounds = epochs or (20 if len(train) <= 1000 else max(3, 20_000 // len(train)))
        for epoch in range(rounds):
            rng.shuffle(train)
            for batch in minibatch(train, size=8 if len(train) < 500 else 32):
                nlp.update(batch, sgd=optimizer, drop=0.2)
            if progress is not None:
                progress(epoch + 1, rounds)
        meta = {"features": FEATURES, "examples": len(data) - (len(codebook.all_subthemes()) if codebook else 0),
                "labels": len(labels), "epochs": rounds, "seconds": round(time.perf_counter() - started, 2),
                "trained": now()}
        return cls(nlp, meta)

    def rank(self, texts: Sequence[str]) -> list[Ranking]:
        """Every label with its score, best first, for each text."""
        out = []
        for doc in self.nlp.pipe(features(t) for t in texts):
            out.append(sorted(doc.cats.items(), key=lambda x: -x[1]))
        return out

    def top(self, texts: Sequence[str], n: int = 3, keep: Collection[str] | None = None) -> list[Ranking]:
        """The n best per text; with `keep`, only those labels (a subtheme renamed or deleted since
        training is not suggested)."""
        return [[x for x in r if keep is None or x[0] in keep][:n] for r in self.rank(texts)]

    def save(self, folder: Path) -> Path:
        """Write to <folder>/suggest (replacing an older model only once the new one is complete)."""
        import os
        import shutil

        target = folder / MODEL_DIR
        tmp = folder / f"{MODEL_DIR}.{os.getpid()}.part"
        shutil.rmtree(tmp, ignore_errors=True)
        self.nlp.to_disk(tmp)
        (tmp / "workbench.json").write_text(json.dumps(self.meta, indent=2, ensure_ascii=False), encoding="utf-8")
        old = folder / f"{MODEL_DIR}.{os.getpid()}.old"
        shutil.rmtree(old, ignore_errors=True)
        if target.exists():
            target.rename(old)
        tmp.rename(target)
        shutil.rmtree(old, ignore_errors=True)
        return target

    @classmethod
    def load(cls, folder: Path) -> Suggester | None:
        """The saved model, or None if there is none (or it was made by another feature version)."""
        target = folder / MODEL_DIR
        meta_file = target / "workbench.json"
        if not meta_file.is_file():
            return None
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        if meta.get("features") != FEATURES:
            return None
        import spacy

        return cls(spacy.load(target), meta)


# ----- evaluation ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Scores:
    """k-fold cross-validated accuracy: the share of held-out excerpts with a coded subtheme
    ranked first (top-1) or among the first three (top-3)."""

    name: str
    top1: float
    top3: float
    n: int
    seconds: float


def cross_validate(name: str, examples: Sequence[Labelled], make: Callable[[list[Labelled]], Ranker],
                   k: int = 5, seed: int = 0) -> Scores:
    """Train on k-1 folds, rank the held-out fold, k times; every excerpt is held out once."""
    started = time.perf_counter()
    data = list(examples)
    random.Random(seed).shuffle(data)
    k = max(2, min(k, len(data)))
    top1 = top3 = 0
    for fold in range(k):
        test = data[fold::k]
        train = [e for i, e in enumerate(data) if i % k != fold]
        ranker = make(train)
        for e, ranking in zip(test, ranker.rank([e.text for e in test]), strict=True):
            names = [label for label, _ in ranking]
            top1 += bool(names[:1]) and names[0] in e.labels
            top3 += any(x in e.labels for x in names[:3])
    n = len(data)
    return Scores(name, top1 / n if n else 0.0, top3 / n if n else 0.0, n, time.perf_counter() - started)
