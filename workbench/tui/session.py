"""The app's working state and its one door to the project: what screens ask for, and every action.

Screens never touch the database: they call a `Session` method from a worker thread and render
the plain result. Writes go through `run(action)` so each one is one transaction, lands on the
undo stack and updates the in-memory excerpt index at once. No Textual import here, so the same
code is exercised by the Pilot tests, the benchmarks and plain unit tests.

What the coder sees of an excerpt is the database's state with the changes not yet saved laid
over it (`stage` → `shown`): a coding applied is on screen, marked as saving, the moment the key
is pressed, while the write waits its turn in the app's queue (tui/writes.py). The overlay lives
here, beside the excerpts it changes, so every screen that shows an excerpt shows the same thing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING

from workbench.core.errors import UserError
from workbench.core.interchange import Memo
from workbench.core.model import Codebook, Coding, Source
from workbench.store.viewer import CoderView
from workbench.tui.actions import Action, Code, Note, NothingApplies, NothingToDo, Sequence, Uncode
from workbench.tui.actions import Memo as MemoAction
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
    seq: int = 0  # the session's count of saved writes once this one was saved


# Where a change stands on its way to the database (Pending.state).
SAVING = "saving"  # queued or being written
WAITING = "waiting"  # the connection dropped: kept, and sent again when the database answers
FAILED = "failed"  # refused or failed: no longer shown; the coder sends it again or drops it
SAVED = "saved"


@dataclass(eq=False)
class Pending:
    """A change the coder made that the database has not confirmed yet (or has refused)."""

    action: Action | None  # what is laid over the screen; None for a write that is not (a rename …)
    what: str
    excerpt: str | None = None
    state: str = SAVING
    error: str = ""
    seq: int = 0  # once saved: the session's count of saved writes with it
    runs: bool = True  # the write runs `action` (False: an undo or redo, shown by what it will do)


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
    seq: int = 0  # the session's count of saved writes when this was read
    saving: frozenset[str] = frozenset()  # uuids of codings (and memos) shown before they are saved
    unsaved: tuple[str, ...] = ()  # what is still on its way for this excerpt, for the screen to say


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
        self.saved_count = 0  # writes saved so far: a read remembers it, to know which changes it saw
        self.pending: list[Pending] = []  # main thread only: changes on their way, in key order
        self._bases: dict[str, ExcerptDetail] = {}  # the latest read of excerpts shown (a few)

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
        """The excerpt as the database has it (`shown` lays the unsaved changes over it)."""
        idx = self.index
        assert idx is not None
        seq = self.saved_count
        i = idx.position[key]
        f = self.project.workspace.excerpt_detail(key, self.visible_coders(), self.coder)  # one round trip
        codings = sorted(f.codings, key=lambda c: c.coder != self.coder)  # mine first, the ones I can change
        d = ExcerptDetail(key, idx.texts[i], idx.perspectives[i], self.sources.get(idx.refs[i]),
                          codings, f.memos, f.nothing_applies, f.uuid, f.location, seq)
        known = self._bases.get(key)
        if known is None or known.seq <= seq:
            if len(self._bases) > 64:
                self._bases.clear()
            self._bases[key] = d
        return d

    # ----- changes on their way ------------------------------------------------------------
    def stage(self, action: Action | None, what: str = "", runs: bool = True) -> Pending:
        """Record a change the moment the coder makes it (main thread): screens show it at once."""
        p = Pending(action, what or (action.describe() if action is not None else "a change"),
                    action.excerpt if action is not None else None, runs=runs)
        self.pending.append(p)
        self.restate(p.excerpt)
        return p

    def settle(self, p: Pending, state: str, error: str = "", seq: int = 0) -> None:
        """The queue's news about a change: saved, waiting for the connection, failed, or (SAVING)
        sent again. A saved change is forgotten once a read that includes it has been shown."""
        p.state, p.error, p.seq = state, error, seq or p.seq
        if p not in self.pending and state != SAVED:
            self.pending.append(p)
        self.restate(p.excerpt)
        self.pending = [x for x in self.pending if x.state != SAVED or self._read_before(x)]

    def _read_before(self, p: Pending) -> bool:
        """True while the latest read of p's excerpt predates p's save (p is still laid over it)."""
        base = self._bases.get(p.excerpt or "")
        return base is not None and base.seq < p.seq

    def drop(self, p: Pending) -> None:
        """The coder gave a failed change up: it leaves the screen for good."""
        if p in self.pending:
            self.pending.remove(p)
        self.restate(p.excerpt)

    def undo_preview(self) -> Action | None:
        """What ctrl+z pressed now will do, as a change to lay over the screen — the inverse of the
        last change — when it can be known before the queue has drained: None when an undo, redo or
        other write still queued could change which change that is (the undo then shows when saved)."""
        queued = [p for p in self.pending if p.state in (SAVING, WAITING)]
        if any(not p.runs or p.action is None for p in queued):
            return None
        last = queued[-1].action if queued else (self.undo_stack[-1] if self.undo_stack else None)
        return _inverse(last) if last is not None else None

    def redo_preview(self) -> Action | None:
        """What ctrl+y pressed now will do, when nothing is queued that could change it."""
        if any(p.state in (SAVING, WAITING) for p in self.pending) or not self.redo_stack:
            return None
        return self.redo_stack[-1]

    def base(self, key: str) -> ExcerptDetail | None:
        """The latest read of this excerpt, if it was read lately."""
        return self._bases.get(key)

    def unsaved(self) -> list[Pending]:
        return [p for p in self.pending if p.state != SAVED]

    def shown(self, d: ExcerptDetail) -> ExcerptDetail:
        """`d` (as read from the database) with the changes not yet saved laid over it, in the order
        they were made: what the coder intends, marked. Failed changes are left out (rolled back).
        A read that raced a save (begun before it, answered after) is replaced by the newer read,
        and a change saved after `d` was read is laid over it too, unmarked: a coding never blinks
        away."""
        newer = self._bases.get(d.key)
        if newer is not None and newer.seq > d.seq:
            d = newer
        on = [p for p in self.pending if p.excerpt == d.key and p.action is not None
              and (p.state in (SAVING, WAITING) or (p.state == SAVED and p.seq > d.seq))]
        if not on:
            return d
        codings, memos, nothing = list(d.codings), list(d.memos), d.nothing_applies
        saving: set[str] = set()
        for p in on:
            marked = p.state != SAVED
            for step in _steps(p.action):
                if isinstance(step, Code) and step.coding.excerpt == d.key:
                    if all(c.uuid != step.coding.uuid for c in codings):
                        mine = sum(1 for c in codings if c.coder == self.coder)
                        codings.insert(mine, step.coding)  # after my codings, before others' (as read)
                    nothing = False
                    if marked:
                        saving.add(step.coding.uuid)
                elif isinstance(step, Uncode):
                    codings = [c for c in codings if c.uuid != step.uuid]
                elif isinstance(step, NothingApplies):
                    nothing = step.mark
                elif isinstance(step, Note):
                    codings = [replace(c, note=step.text) if c.uuid == step.uuid else c for c in codings]
                    if marked:
                        saving.add(step.uuid)
                elif isinstance(step, MemoAction) and all(m.uuid != step.memo_uuid for m in memos):
                    memos.append(Memo(step.target_kind, step.target_uuid, step.text, step.author,
                                      step.memo_uuid, "saving…"))
                    if marked:
                        saving.add(step.memo_uuid)
        return replace(d, codings=codings, memos=memos, nothing_applies=nothing, saving=frozenset(saving),
                       unsaved=tuple(p.what for p in on if p.state != SAVED))

    def restate(self, key: str | None) -> None:
        """The list's mark for `key` (✓ ∅ ·) as the coder will see it once everything is saved."""
        base = self._bases.get(key or "")
        if base is None or self.index is None:
            return
        d = self.shown(base)
        mine = any(c.coder == self.coder for c in d.codings)
        self.index.set_state(d.key, CODED if mine else NOTHING if d.nothing_applies else UNCODED)


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
            message = self._attempt(action, action.do)
            self.undo_stack.append(action)
            self.redo_stack.clear()
            return self._after(action, message)

    def undo(self) -> Change:
        with self.write_lock:
            if not self.undo_stack:
                raise NothingToDo("nothing to undo")
            action = self.undo_stack[-1]
            message = self._attempt(action, action.undo)
            self.redo_stack.append(self.undo_stack.pop())
            return self._after(action, "undone: " + message)

    def redo(self) -> Change:
        with self.write_lock:
            if not self.redo_stack:
                raise NothingToDo("nothing to redo")
            action = self.redo_stack[-1]
            message = self._attempt(action, action.do)
            self.undo_stack.append(self.redo_stack.pop())
            return self._after(action, "redone: " + message)

    def _attempt(self, action: Action, step: Callable[[Project], str]) -> str:
        """One attempt; a dropped connection marks the action, so that its resend takes "already
        done" for done (the attempt may have committed before the connection went)."""
        from workbench.store.retry import connection_lost

        try:
            message = step(self.project)
        except Exception as e:
            if connection_lost(e):
                action.interrupted = True
            raise
        self.saved_count += 1
        return message

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
        return Change(message, action.kinds, action.excerpt, stamp, detail, self.saved_count)

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
        return self.run(self.coding_action(key, subtheme, valence, perspective, span, note))

    def coding_action(self, key: str, subtheme: str, valence: str | None, perspective: str | None,
                      span: tuple[int, int] | None = None, note: str = "") -> Code:
        from workbench.tui.actions import with_uuid

        start, end = span if span else (None, None)
        return Code(with_uuid(Coding(key, subtheme, self.coder, valence or None, perspective or None,
                                     start, end, note)))

    def removal(self, coding: Coding) -> Uncode:
        if coding.coder != self.coder:
            raise UserError(f"that coding is {coding.coder}'s; you can remove only your own")
        return Uncode(coding.uuid, self.coder, coding)

    def remove(self, coding: Coding) -> Change:
        return self.run(self.removal(coding))

    def nothing_applies_toggle(self, d: ExcerptDetail) -> NothingApplies:
        """Mark or withdraw "nothing applies" on the excerpt as shown (its unsaved changes included)."""
        if d.nothing_applies:
            return NothingApplies(d.key, self.coder, mark=False)
        if any(c.coder == self.coder for c in d.codings):
            raise UserError("you have coded this excerpt; remove your codings before marking 'nothing applies'")
        return NothingApplies(d.key, self.coder)

    def toggle_nothing_applies(self, key: str) -> Change:
        return self.run(self.nothing_applies_toggle(self.detail(key)))


def _inverse(a: Action) -> Action | None:
    """The change undoing `a` makes, as an action to lay over the screen (never run: undo runs
    `a.undo`); None for what the overlay does not show (codebook, summaries, a memo's removal)."""
    if isinstance(a, Code):
        return Uncode(a.coding.uuid, a.coding.coder, a.coding)
    if isinstance(a, Uncode):
        return Code(a.removed) if a.removed is not None else None
    if isinstance(a, NothingApplies):
        return NothingApplies(a.key, a.coder, mark=not a.mark)
    if isinstance(a, Note):
        return Note(a.uuid, a.key, a.old, a.actor, a.text)
    if isinstance(a, Sequence):
        steps = [x for x in (_inverse(s) for s in reversed(a.steps)) if x is not None]
        return Sequence(steps) if steps else None
    return None


def _steps(action: Action | None) -> list[Action]:
    if isinstance(action, Sequence):
        return [x for s in action.steps for x in _steps(s)]
    return [action] if action is not None else []


def _touched_excerpts(action: Action) -> list[str]:
    if isinstance(action, Sequence):
        return [k for s in action.steps for k in _touched_excerpts(s)]
    return [action.excerpt] if action.excerpt and "codings" in action.kinds else []

