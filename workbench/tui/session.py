"""The app's working state and its one door to the project: what screens ask for, and every action.

Screens never touch the database: they call a `Session` method from a worker thread and render
the plain result. Writes go through `run(action)` so each one is one transaction, lands on the
undo stack and updates the in-memory excerpt index at once. No Textual import here, so the same
code is exercised by the Pilot tests, the benchmarks and plain unit tests.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from workbench.core.errors import UserError
from workbench.core.interchange import Memo
from workbench.core.model import Codebook, Coding, Source
from workbench.store.viewer import CoderView
from workbench.tui.actions import Action, Code, NothingApplies, NothingToDo, Uncode
from workbench.tui.excerpt_index import CODED, NOTHING, UNCODED, ExcerptIndex

if TYPE_CHECKING:
    from workbench.store.api import Project

# Words on screen that a team may rename through the codebook's `labels:` (DESIGN.md).
DEFAULT_WORDS = {
    "theme": "theme", "themes": "themes", "subtheme": "subtheme", "subthemes": "subthemes",
    "perspective": "perspective", "perspectives": "perspectives", "valence": "valence",
    "source": "source", "sources": "sources", "excerpt": "excerpt", "excerpts": "excerpts",
    "coder": "coder", "summary": "summary", "quality": "quality", "groups": "groups",
    "ungrouped": "ungrouped", "nothing_applies": "nothing applies", "table": "table",
}


@dataclass
class Change:
    """What an action did: a message for the status bar and which views must refresh."""

    message: str
    kinds: frozenset[str]
    excerpt: str | None = None
    time: str = ""
    detail: ExcerptDetail | None = None  # the touched excerpt as it now is (saves the screen a re-read)


@dataclass
class ExcerptDetail:
    """Everything the Code screen shows about one excerpt."""

    key: str
    text: str
    perspective: str
    source: Source | None
    codings: list[Coding]
    memos: list[Memo]
    nothing_applies: bool
    uuid: str = ""
    location: str = ""


@dataclass
class Counts:
    excerpts: int = 0
    coded_by_me: int = 0
    codings: int = 0
    sources: int = 0


@dataclass
class Session:
    """One coder's session on one project."""

    project: Project
    coder: str
    clock: Callable[[], datetime] = datetime.now
    codebook: Codebook = field(default_factory=Codebook)
    blind: bool = True
    sources: dict[str, Source] = field(default_factory=dict)
    index: ExcerptIndex | None = None
    last_saved: str = ""
    undo_stack: list[Action] = field(default_factory=list)
    redo_stack: list[Action] = field(default_factory=list)
    codings_total: int = 0

    def __post_init__(self) -> None:
        # One writer at a time, in the order the keys were pressed (see app.WorkbenchApp.save).
        self.write_lock = threading.Lock()
        self.view: CoderView = self.project.viewer(self.coder)

    # ----- loading -------------------------------------------------------------------------
    def load_codebook(self) -> Codebook:
        self.codebook = self.project.codebook.get()
        # The view holds the blind rule (store/viewer.py); a fresh one per load sees a changed setting.
        self.view = self.project.viewer(self.coder)
        self.blind = self.view.blind
        return self.codebook

    def first_page(self, n: int) -> ExcerptIndex:
        """The first `n` excerpts with my coding state, to paint while `load` reads all of them.
        Not kept: `index` stays None until `load`, so nothing mistakes the page for the project."""
        coded, nothing = self.project.workspace.coded_keys(self.coder)
        return ExcerptIndex(self.project.workspace.excerpt_rows(limit=n), coded, nothing)

    def load(self) -> ExcerptIndex:
        """Everything the first screen needs: codebook, sources, the excerpt index (one pass each)."""
        self.load_codebook()
        self.sources = {s.ref: s for s in self.project.records.sources()}
        coded, nothing = self.project.workspace.coded_keys(self.coder)
        self.index = ExcerptIndex(self.project.workspace.excerpt_rows(), coded, nothing)
        return self.index

    def word(self, key: str) -> str:
        """The team's word for a label on screen (codebook `labels:`), else ours."""
        return self.codebook.label(key, DEFAULT_WORDS.get(key, key))

    def words(self) -> dict[str, str]:
        return {k: self.word(k) for k in DEFAULT_WORDS}

    def visible_coders(self) -> list[str] | None:
        """Whose single codings the screens list: the view's rule (only mine while blind)."""
        return self.view.own_only()

    def coder_choices(self) -> list[tuple[str, str]]:
        """(label, value) for a coder picker: me, all, agreed, each coder — only me while blind."""
        if self.blind:
            return [(f"me ({self.coder}) — blind coding", self.coder)]
        consensus = self.codebook.consensus_coder
        others = [c for c in self.project.records.coders() if c not in (self.coder, consensus)]
        return ([("agreed set (" + consensus + ")", "consensus"), ("all coders", "all"),
                 (f"me ({self.coder})", self.coder)] + [(c, c) for c in others])

    def default_coder_choice(self) -> str:
        return self.coder if self.blind else "default"

    def counts(self) -> Counts:
        idx = self.index
        if idx is None:
            return Counts()
        return Counts(len(idx), len(idx) - idx.uncoded_count(), self.codings_total, len(self.sources))

    # ----- reading for screens -------------------------------------------------------------
    def detail(self, key: str) -> ExcerptDetail:
        idx = self.index
        assert idx is not None
        i = idx.position[key]
        codings = self.project.workspace.excerpt_codings(key, self.visible_coders())
        codings.sort(key=lambda c: c.coder != self.coder)  # mine first, the ones I can change
        uuid, location = self.project.workspace.excerpt_meta(key)
        memos = self.project.interchange.memos(uuid)
        nothing = self.project.workspace.has_nothing_applies(key, self.coder)
        return ExcerptDetail(key, idx.texts[i], idx.perspectives[i], self.sources.get(idx.refs[i]),
                             codings, memos, nothing, uuid, location)

    def load_subtheme_filter(self, subtheme: str) -> set[str]:
        assert self.index is not None
        keys = self.project.workspace.keys_with_subtheme(subtheme, self.visible_coders())
        self.index.subtheme_keys[subtheme] = keys
        return keys

    def mixed_groups(self, key: str) -> list[str]:
        """The groups of the excerpt's source: what a 'mixed' perspective stands for here."""
        assert self.index is not None
        src = self.sources.get(self.index.refs[self.index.position[key]])
        return src.group_list if src else []

    # ----- writing -------------------------------------------------------------------------
    def run(self, action: Action) -> Change:
        """Do one action (one transaction), push it on the undo stack and update the index."""
        with self.write_lock:
            message = action.do(self.project)
            self.undo_stack.append(action)
            self.redo_stack.clear()
            return self._after(action, message)

    def undo(self) -> Change:
        with self.write_lock:
            if not self.undo_stack:
                raise NothingToDo("nothing to undo")
            action = self.undo_stack[-1]
            message = action.undo(self.project)
            self.redo_stack.append(self.undo_stack.pop())
            return self._after(action, "undone: " + message)

    def redo(self) -> Change:
        with self.write_lock:
            if not self.redo_stack:
                raise NothingToDo("nothing to redo")
            action = self.redo_stack[-1]
            message = action.do(self.project)
            self.undo_stack.append(self.redo_stack.pop())
            return self._after(action, "redone: " + message)

    def _after(self, action: Action, message: str) -> Change:
        if "codebook" in action.kinds:
            self.load_codebook()
        keys = _touched_excerpts(action)
        detail = None
        if self.index is not None and keys:
            for key in keys:
                if key == action.excerpt and key in self.index.position:
                    detail = self.detail(key)  # one read gives both the screen and the list mark
                    mine = any(c.coder == self.coder for c in detail.codings)
                    self.index.set_state(key, CODED if mine else NOTHING if detail.nothing_applies else UNCODED)
                else:
                    self.refresh_state(key)
        stamp = self.clock().strftime("%H:%M:%S")
        self.last_saved = f"{stamp} {message}"
        return Change(message, action.kinds, action.excerpt, stamp, detail)

    def refresh_state(self, key: str) -> int:
        """Re-read whether I have coded this excerpt (after any write that touched it)."""
        assert self.index is not None
        mine = self.project.workspace.excerpt_codings(key, [self.coder])
        state = CODED if mine else (NOTHING if self.project.workspace.has_nothing_applies(key, self.coder) else UNCODED)
        self.index.set_state(key, state)
        return state

    # ----- the Code screen's verbs ---------------------------------------------------------
    def apply(self, key: str, subtheme: str, valence: str | None, perspective: str | None,
              span: tuple[int, int] | None = None, note: str = "") -> Change:
        from workbench.tui.actions import with_uuid

        start, end = span if span else (None, None)
        return self.run(Code(with_uuid(Coding(key, subtheme, self.coder, valence or None, perspective or None,
                                             start, end, note))))

    def remove(self, coding: Coding) -> Change:
        if coding.coder != self.coder:
            raise UserError(f"that coding is {coding.coder}'s; you can remove only your own")
        return self.run(Uncode(coding.uuid, self.coder))

    def toggle_nothing_applies(self, key: str) -> Change:
        if self.project.workspace.has_nothing_applies(key, self.coder):
            return self.run(NothingApplies(key, self.coder, mark=False))
        if self.project.workspace.excerpt_codings(key, [self.coder]):
            raise UserError("you have coded this excerpt; remove your codings before marking 'nothing applies'")
        return self.run(NothingApplies(key, self.coder))


def _touched_excerpts(action: Action) -> list[str]:
    from workbench.tui.actions import Sequence

    if isinstance(action, Sequence):
        return [k for s in action.steps for k in _touched_excerpts(s)]
    return [action.excerpt] if action.excerpt and "codings" in action.kinds else []

