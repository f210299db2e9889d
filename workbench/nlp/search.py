"""Search excerpts by lemma, phrase or fuzzy spelling, with hits shown in context (KWIC).

"boundary" finds "boundaries" because both the excerpts and the query are reduced to lemmas (the
lookup table of spacy-lookups-data); a phrase matches consecutive lemmas ("peer worker" finds
"peer workers", not "peer support workers"); fuzzy search also accepts words within a rapidfuzz
similarity of the query ("boundries"). Searching as one types over 50,000 excerpts must answer in
well under 150 ms, so every word's occurrences are precomputed once into flat numpy arrays sorted
by lemma (an inverted index with positions), saved as <project>/cache/search-index.npz (plain
arrays, loaded with allow_pickle=False: a project folder someone sends you cannot run code) and
rebuilt only when the excerpts change.
"""

from __future__ import annotations

import bisect
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from workbench.core.errors import UserError

INDEX_VERSION = "1"
MODES = ("word", "phrase", "fuzzy")
SEP = "\x1f"
Progress = Callable[[int], None]


@dataclass(frozen=True)
class Hit:
    """One excerpt that matched, with its first match in context (keyword in context)."""

    key: str
    source: str
    start: int
    end: int
    count: int
    left: str
    match: str
    right: str

    def kwic(self, width: int = 40) -> str:
        """One line: the match in brackets, the left context right-aligned so matches line up."""
        return f"{self.left[-width:]:>{width}}[{self.match}]{self.right[:width]}".rstrip()


def _context(text: str, start: int, end: int, width: int) -> tuple[str, str, str]:
    """Up to `width` characters either side of the match, whitespace runs folded to one space."""
    def flat(s: str) -> str:
        return re.sub(r"\s+", " ", s)

    left = flat(text[max(0, start - width * 2):start])
    right = flat(text[end:end + width * 2])
    if len(left) > width or start > width * 2:
        left = "…" + left[-(width - 1):]
    if len(right) > width:
        right = right[:width - 1] + "…"
    return left, flat(text[start:end]), right


class SearchResult:
    """The excerpts that matched (in project order) with their first match; Hits built on demand."""

    def __init__(self, index: SearchIndex, docs: np.ndarray, starts: np.ndarray, ends: np.ndarray,
                 counts: np.ndarray) -> None:
        self.index, self.docs, self.starts, self.ends, self.counts = index, docs, starts, ends, counts

    def __len__(self) -> int:
        return int(len(self.docs))

    def keys(self) -> list[str]:
        keys = self.index.keys
        return [keys[i] for i in self.docs.tolist()]

    def hits(self, limit: int | None = None, width: int = 40) -> list[Hit]:
        out = []
        n = len(self) if limit is None else min(limit, len(self))
        for j in range(n):
            d, a, b = int(self.docs[j]), int(self.starts[j]), int(self.ends[j])
            text = self.index.text(d)
            left, match, right = _context(text, a, b, width)
            out.append(Hit(self.index.keys[d], self.index.refs[d], a, b, int(self.counts[j]), left, match, right))
        return out


class SearchIndex:
    """Every non-punctuation token of every excerpt: lemma id, excerpt, position, character span."""

    def __init__(self, keys: list[str], refs: list[str], blob: bytes, offsets: np.ndarray, vocab: list[str],
                 forms: list[str], form_lemma: np.ndarray, ptr: np.ndarray, docs: np.ndarray, pos: np.ndarray,
                 starts: np.ndarray, ends: np.ndarray, fingerprint: str) -> None:
        self.keys, self.refs, self.blob, self.offsets = keys, refs, blob, offsets
        self.vocab, self.forms, self.form_lemma, self.ptr = vocab, forms, form_lemma, ptr
        self.docs, self.pos, self.starts, self.ends = docs, pos, starts, ends
        self.fingerprint = fingerprint
        self.lemma_id = {w: i for i, w in enumerate(vocab)}

    def __len__(self) -> int:
        return len(self.keys)

    def text(self, doc: int) -> str:
        return self.blob[int(self.offsets[doc]):int(self.offsets[doc + 1])].decode("utf-8")

    # ----- building, saving, loading -------------------------------------------------------
    @classmethod
    def build(cls, keys: Sequence[str], refs: Sequence[str], texts: Sequence[str], fingerprint: str = "",
              progress: Progress | None = None) -> SearchIndex:
        """Tokenise every text once (spaCy's rule-based tokenizer) and index its lemmas."""
        from spacy.tokenizer import Tokenizer

        from workbench.nlp.pipeline import _unknown, get_nlp, lemma_table

        nlp = get_nlp()
        table = lemma_table()
        lemma_id: dict[str, int] = {}
        form_of: dict[str, int] = {}
        lem, dd, pp, ss, ee = [], [], [], [], []
        tokenizer = nlp.tokenizer
        assert isinstance(tokenizer, Tokenizer)  # spaCy types it as any callable
        for d, doc in enumerate(tokenizer.pipe(texts, batch_size=1000)):
            for tok in doc:
                if tok.is_punct or tok.is_space:
                    continue
                low = tok.lower_
                lid = form_of.get(low)
                if lid is None:
                    lemma = table.get(low)
                    if lemma is None:
                        lemma = _unknown(tok.text, low)
                    lid = lemma_id.setdefault(lemma, len(lemma_id))
                    form_of[low] = lid
                lem.append(lid)
                dd.append(d)
                pp.append(tok.i)
                ss.append(tok.idx)
                ee.append(tok.idx + len(tok.text))
            if progress is not None and d % 1000 == 999:
                progress(d + 1)
        lemmas = np.asarray(lem, dtype=np.int32)
        order = np.argsort(lemmas, kind="stable")
        ptr = np.zeros(len(lemma_id) + 1, dtype=np.int64)
        np.cumsum(np.bincount(lemmas, minlength=len(lemma_id)), out=ptr[1:])
        vocab = [""] * len(lemma_id)
        for w, i in lemma_id.items():
            vocab[i] = w
        forms = sorted(form_of)
        encoded = [t.encode("utf-8") for t in texts]
        offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
        np.cumsum([len(b) for b in encoded], out=offsets[1:])
        return cls(list(keys), list(refs), b"".join(encoded), offsets, vocab, forms,
                   np.asarray([form_of[f] for f in forms], dtype=np.int32), ptr,
                   np.asarray(dd, dtype=np.int32)[order], np.asarray(pp, dtype=np.int32)[order],
                   np.asarray(ss, dtype=np.int32)[order], np.asarray(ee, dtype=np.int32)[order], fingerprint)

    def save(self, path: Path) -> None:
        """Write atomically (a half-written index would be read as garbage next time)."""
        tmp = path.with_name(f"{path.name}.{os.getpid()}.part")  # two processes may save at once
        with open(tmp, "wb") as f:
            np.savez(f, version=np.array(INDEX_VERSION), fingerprint=np.array(self.fingerprint),
                     keys=np.frombuffer(SEP.join(self.keys).encode("utf-8"), dtype=np.uint8),
                     refs=np.frombuffer(SEP.join(self.refs).encode("utf-8"), dtype=np.uint8),
                     blob=np.frombuffer(self.blob, dtype=np.uint8), offsets=self.offsets,
                     vocab=np.frombuffer(SEP.join(self.vocab).encode("utf-8"), dtype=np.uint8),
                     forms=np.frombuffer(SEP.join(self.forms).encode("utf-8"), dtype=np.uint8),
                     form_lemma=self.form_lemma, ptr=self.ptr, docs=self.docs, pos=self.pos,
                     starts=self.starts, ends=self.ends)
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path) -> SearchIndex | None:
        """The saved index, or None when it is missing, from another version or unreadable."""
        try:
            with np.load(path, allow_pickle=False) as z:
                if str(z["version"]) != INDEX_VERSION:
                    return None

                def words(name: str) -> list[str]:
                    raw = z[name].tobytes().decode("utf-8")
                    return raw.split(SEP) if raw else []

                n_keys = words("keys")
                return cls(n_keys, words("refs") if n_keys else [], z["blob"].tobytes(), z["offsets"],
                           words("vocab"), words("forms"), z["form_lemma"], z["ptr"], z["docs"], z["pos"],
                           z["starts"], z["ends"], str(z["fingerprint"]))
        except (OSError, ValueError, KeyError, UnicodeDecodeError, EOFError):
            return None

    # ----- querying ------------------------------------------------------------------------
    def _occurrences(self, ids: Sequence[int]) -> tuple[np.ndarray, ...]:
        """(docs, pos, starts, ends) of these lemma ids, sorted by excerpt and position."""
        if not ids:
            empty = np.zeros(0, dtype=np.int32)
            return empty, empty, empty, empty
        parts = [slice(int(self.ptr[i]), int(self.ptr[i + 1])) for i in ids]
        cols = tuple(np.concatenate([a[s] for s in parts]) for a in (self.docs, self.pos, self.starts, self.ends))
        if len(parts) > 1:
            order = np.lexsort((cols[1], cols[0]))
            cols = tuple(c[order] for c in cols)
        return cols

    def word_ids(self, word: str, fuzzy: bool = False, prefix: bool = False, cutoff: float = 85) -> list[int]:
        """Lemma ids a query word stands for: its lemma; near spellings (fuzzy); completions (prefix)."""
        from workbench.nlp.pipeline import lemma_of

        low = word.lower()
        ids = {self.lemma_id[x] for x in (lemma_of(word), low) if x in self.lemma_id}
        if prefix and low:
            i = bisect.bisect_left(self.forms, low)
            while i < len(self.forms) and self.forms[i].startswith(low):
                ids.add(int(self.form_lemma[i]))
                i += 1
        if fuzzy and len(low) >= 4:
            from rapidfuzz import fuzz, process

            for _, _, i in process.extract(low, self.forms, scorer=fuzz.ratio, score_cutoff=cutoff, limit=None):
                ids.add(int(self.form_lemma[i]))
        return sorted(ids)

    def search(self, query: str, mode: str = "word", prefix: bool = False, cutoff: float = 85) -> SearchResult:
        """Excerpts matching every word of `query` (mode word/fuzzy) or the words in a row (phrase)."""
        if mode not in MODES:
            raise UserError(f"search mode is one of {', '.join(MODES)}, not '{mode}'")
        words = query_words(query)
        if not words:
            raise UserError("give a word to search for")
        fuzzy = mode == "fuzzy"
        ids = [self.word_ids(w, fuzzy, prefix and n == len(words) - 1, cutoff) for n, w in enumerate(words)]
        occ = [self._occurrences(i) for i in ids]
        if mode == "phrase" and len(words) > 1:
            return self._phrase(occ)
        docs = np.unique(occ[0][0])
        for o in occ[1:]:
            docs = np.intersect1d(docs, o[0], assume_unique=False)
        d0, _, s0, e0 = occ[0]
        keep = np.isin(d0, docs)
        d0, s0, e0 = d0[keep], s0[keep], e0[keep]
        firsts = np.unique(d0, return_index=True)[1]
        counts = sum(np.bincount(o[0][np.isin(o[0], docs)], minlength=len(self.keys))[docs] for o in occ)
        return SearchResult(self, docs, s0[firsts], e0[firsts], np.asarray(counts))

    def _phrase(self, occ: list[tuple[np.ndarray, ...]]) -> SearchResult:
        width = np.int64(1 << 20)  # positions within one excerpt stay far below a million tokens
        d0, p0, s0, _ = occ[0]
        code = d0.astype(np.int64) * width + p0
        keep = np.ones(len(code), dtype=bool)
        for k, (d, p, _, _) in enumerate(occ[1:], start=1):
            keep &= np.isin(code + k, d.astype(np.int64) * width + p)
        dl, pl, _, el = occ[-1]
        last_codes = dl.astype(np.int64) * width + pl
        order = np.argsort(last_codes)
        found = code[keep] + (len(occ) - 1)
        ends = el[order][np.searchsorted(last_codes[order], found)]
        docs_all, starts = d0[keep], s0[keep]
        docs, firsts, counts = np.unique(docs_all, return_index=True, return_counts=True)
        return SearchResult(self, docs, starts[firsts], ends[firsts], counts)


def query_words(query: str) -> list[str]:
    """The words of a query as the index tokenised them (punctuation dropped)."""
    from workbench.nlp.pipeline import get_nlp

    return [t.text for t in get_nlp().tokenizer(query) if not (t.is_punct or t.is_space)]
