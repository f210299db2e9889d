"""The Code screen's excerpt list in memory: filter 50,000 excerpts per keystroke in a few ms.

Rebuilding widgets per keystroke costs seconds at this size (see issue 5); here a filter is a
list of row numbers, computed from parallel lists with C-level `map`/`compress`, and the list
widget paints only the visible rows of it. Typing more letters narrows the previous result
instead of scanning everything again.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import compress, repeat

from workbench.store.workspace import ExcerptRows

UNCODED, CODED, NOTHING = 0, 1, 2


@dataclass(frozen=True)
class Filter:
    """What the researcher narrowed the list to; empty fields match everything."""

    text: str = ""
    source: str = ""
    perspective: str = ""
    subtheme: str = ""
    uncoded: bool = False

    def describe(self, words: dict[str, str]) -> str:
        parts = []
        if self.uncoded:
            parts.append("not yet coded by me")
        if self.source:
            parts.append(f"{words.get('source', 'source')} {self.source}")
        if self.perspective:
            parts.append(self.perspective if self.perspective != "-" else f"no {words.get('perspective', 'perspective')}")
        if self.subtheme:
            parts.append(f"coded {self.subtheme}")
        if self.text:
            parts.append(f"“{self.text}”")
        return " · ".join(parts)


class ExcerptIndex:
    """Excerpts in project order with my coding state; `filter` returns matching row numbers."""

    def __init__(self, rows: ExcerptRows, coded: set[str], nothing: set[str]) -> None:
        self.keys = rows.keys
        self.refs = rows.refs
        self.perspectives = rows.perspectives
        self.texts = rows.texts
        self._lower: list[str] | None = None
        self.position = dict(zip(self.keys, range(len(self.keys)), strict=True))
        self.state = bytearray(len(self.keys))  # UNCODED is 0
        self._mark(coded, nothing)
        self._base_key: tuple[object, ...] | None = None
        self._base: list[int] = []
        self._last: tuple[str, list[int]] = ("", [])
        self.subtheme_keys: dict[str, set[str]] = {}

    @property
    def lower(self) -> list[str]:
        """Case-folded texts for search, built on first use (or by `warm` after the first paint)."""
        if self._lower is None:
            self._lower = [t.casefold() for t in self.texts]
        return self._lower

    def warm(self) -> None:
        self.lower  # noqa: B018

    def __len__(self) -> int:
        return len(self.keys)

    def set_state(self, key: str, state: int) -> None:
        i = self.position.get(key)
        if i is not None:
            self.state[i] = state
            if self._base_key and self._base_key[3]:
                self._base_key = None  # the "uncoded" base list is stale now

    def _mark(self, coded: set[str], nothing: set[str]) -> None:
        position, state = self.position, self.state
        for k in nothing:
            if k in position:
                state[position[k]] = NOTHING
        for k in coded:  # a coding outranks an old "nothing applies"
            if k in position:
                state[position[k]] = CODED

    def refresh_states(self, coded: set[str], nothing: set[str]) -> None:
        """Re-read my coding states (the same coder may be working in another window)."""
        self.state[:] = bytearray(len(self.keys))
        self._mark(coded, nothing)
        self._base_key = None

    def uncoded_count(self) -> int:
        return self.state.count(UNCODED)

    def _base_rows(self, f: Filter) -> list[int]:
        key = (f.source, f.perspective, f.subtheme, f.uncoded)
        if key == self._base_key:
            return self._base
        rows: list[int] = list(range(len(self.keys)))
        if f.source:
            rows = [i for i in rows if self.refs[i] == f.source]
        if f.perspective:
            wanted = "" if f.perspective == "-" else f.perspective
            rows = [i for i in rows if self.perspectives[i] == wanted]
        if f.subtheme:
            keys = self.subtheme_keys.get(f.subtheme, set())
            rows = [i for i in rows if self.keys[i] in keys]
        if f.uncoded:
            state = self.state
            rows = [i for i in rows if state[i] == UNCODED]
        self._base_key, self._base = key, rows
        self._last = ("", rows)
        return rows

    def filter(self, f: Filter) -> list[int]:
        """Row numbers matching every part of the filter, in project order."""
        base = self._base_rows(f)
        needle = f.text.casefold().strip()
        if not needle:
            self._last = ("", base)
            return base
        last_needle, last_rows = self._last
        # Typing one more letter only narrows: scan the previous result, not all excerpts.
        pool = last_rows if last_needle and last_needle in needle else base
        lower = self.lower
        if len(base) == len(lower) and len(pool) * 3 > len(lower):
            # Most rows still in play: one C-speed pass over every text beats gathering the subset.
            hits = list(compress(range(len(lower)), map(str.__contains__, lower, repeat(needle))))
        else:
            texts = [lower[i] for i in pool]
            hits = list(compress(pool, map(str.__contains__, texts, repeat(needle))))
        # A key or source ref typed into the search box finds that excerpt too.
        if len(needle) <= 12:
            exact = self.position.get(f.text.strip())
            if exact is not None and exact not in hits and exact in set(base):
                hits = sorted([*hits, exact])
        self._last = (needle, hits)
        return hits

    def next_uncoded(self, rows: list[int], after: int) -> int | None:
        """Position in `rows` of the next excerpt I have not coded, wrapping round; None if none."""
        state = self.state
        n = len(rows)
        for step in range(1, n + 1):
            pos = (after + step) % n
            if state[rows[pos]] == UNCODED:
                return pos
        return None
