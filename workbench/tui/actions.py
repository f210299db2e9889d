"""Undoable actions: each one calls the Project API to do a thing and its inverse to undo it.

Undo is never a database rollback: it is the opposite verb (remove the coding that was added,
move the subtheme back, restore the merged subtheme from its snapshot), so it is itself one
durable transaction in the audit log, and two coders working at once never undo each other.
No Textual here: the app runs these in worker threads, and tests run them directly.

An action whose write was cut off by a dropped connection may or may not have committed; the app
sends it again (tui/writes.py) with `interrupted` set, and each action then takes "it is already
so" for success rather than an error: a coding is added by its uuid (the store adds nothing the
second time), a removal finds the coding gone, a memo carries its uuid, a note already set is not
set or logged again. So a resend never duplicates a row or an audit entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from workbench.core.errors import UserError
from workbench.core.model import Coding

if TYPE_CHECKING:
    from workbench.store.api import Project


class NothingToDo(UserError):
    """The action would change nothing (the coding exists already …); it is not put on the undo stack."""


@dataclass
class Action:
    """One user action. `kinds` says which views must refresh: codings, codebook, summaries, memos."""

    kinds: frozenset[str] = field(default=frozenset(), init=False)
    excerpt: str | None = field(default=None, init=False)
    interrupted: bool = field(default=False, init=False)  # a connection dropped during an attempt

    def describe(self) -> str:
        """What this change is, for the lists of changes not yet saved ("rename subtheme" …)."""
        import re

        return re.sub(r"(?<!^)(?=[A-Z])", " ", type(self).__name__).lower()

    def do(self, p: Project) -> str:  # -> message for the status bar
        raise NotImplementedError

    def undo(self, p: Project) -> str:
        raise NotImplementedError


def _describe(c: Coding) -> str:
    extra = ", ".join(x for x in (c.valence, c.perspective) if x)
    span = f" {c.start}–{c.end}" if c.start is not None else ""
    return f"{c.subtheme}{f' ({extra})' if extra else ''}{span}"


@dataclass
class Code(Action):
    coding: Coding

    def __post_init__(self) -> None:
        self.kinds = frozenset({"codings"})
        self.excerpt = self.coding.excerpt

    def describe(self) -> str:
        return f"code {self.coding.excerpt} with {_describe(self.coding)}"

    def do(self, p: Project) -> str:
        uuid = p.records.add_coding(self.coding)
        if uuid != self.coding.uuid:
            raise NothingToDo(f"{self.coding.excerpt} is already coded with {_describe(self.coding)}")
        return f"coded {self.coding.excerpt} with {_describe(self.coding)}"

    def undo(self, p: Project) -> str:
        if not (self.interrupted and not p.records.has_coding(self.coding.uuid)):
            p.records.remove_coding(self.coding.uuid, self.coding.coder)
        return f"removed {_describe(self.coding)} from {self.coding.excerpt}"


@dataclass
class Uncode(Action):
    uuid: str
    actor: str
    removed: Coding | None = None  # the coding as shown when the coder removed it (then as removed)

    def __post_init__(self) -> None:
        self.kinds = frozenset({"codings"})
        if self.removed is not None:
            self.excerpt = self.removed.excerpt

    def describe(self) -> str:
        what = f"{_describe(self.removed)} from {self.removed.excerpt}" if self.removed else "a coding"
        return f"remove {what}"

    def do(self, p: Project) -> str:
        if self.interrupted and self.removed is not None and not p.records.has_coding(self.uuid):
            return f"removed {_describe(self.removed)} from {self.removed.excerpt}"  # the first attempt did
        self.removed = p.records.remove_coding(self.uuid, self.actor)
        self.excerpt = self.removed.excerpt
        return f"removed {_describe(self.removed)} from {self.removed.excerpt}"

    def undo(self, p: Project) -> str:
        assert self.removed is not None
        p.records.add_coding(self.removed, self.actor)
        return f"coded {self.removed.excerpt} with {_describe(self.removed)} again"


@dataclass
class NothingApplies(Action):
    key: str
    coder: str
    mark: bool = True

    def __post_init__(self) -> None:
        self.kinds = frozenset({"codings"})
        self.excerpt = self.key

    def describe(self) -> str:
        return f"{self.key}: {'nothing applies' if self.mark else 'withdraw nothing applies'}"

    def _set(self, p: Project, mark: bool) -> str:
        if mark:
            p.records.mark_nothing_applies(self.key, self.coder)
            return f"{self.key}: nothing applies"
        p.workspace.unmark_nothing_applies(self.key, self.coder)
        return f"{self.key}: 'nothing applies' withdrawn"

    def do(self, p: Project) -> str:
        return self._set(p, self.mark)

    def undo(self, p: Project) -> str:
        return self._set(p, not self.mark)


@dataclass
class Note(Action):
    uuid: str
    key: str
    text: str
    actor: str
    old: str = ""

    def __post_init__(self) -> None:
        self.kinds = frozenset({"codings"})
        self.excerpt = self.key

    def describe(self) -> str:
        return f"note on a coding of {self.key}"

    def do(self, p: Project) -> str:
        was = p.workspace.set_coding_note(self.uuid, self.text, self.actor)
        if was != self.text:  # (a resend finds its own text there: `old` stays what it replaced)
            self.old = was
        return f"note saved on a coding of {self.key}"

    def undo(self, p: Project) -> str:
        p.workspace.set_coding_note(self.uuid, self.old, self.actor)
        return f"note on a coding of {self.key} put back"


@dataclass
class Memo(Action):
    target_kind: str
    target_uuid: str
    text: str
    author: str
    key: str = ""
    memo_uuid: str = ""

    def __post_init__(self) -> None:
        self.kinds = frozenset({"memos"})
        self.excerpt = self.key or None
        if not self.memo_uuid:  # fixed up front: a resend adds no second memo
            from workbench.core.ids import new_uuid

            self.memo_uuid = new_uuid()

    def describe(self) -> str:
        return f"memo on {self.key or self.target_kind}"

    def do(self, p: Project) -> str:
        self.memo_uuid = p.interchange.add_memo(self.target_kind, self.target_uuid, self.text, self.author,
                                                self.memo_uuid)
        return f"memo saved on {self.key or self.target_kind}"

    def undo(self, p: Project) -> str:
        p.workspace.delete_memo(self.memo_uuid, self.author)
        return f"memo on {self.key or self.target_kind} deleted"


@dataclass
class Sequence(Action):
    """Several actions as one step (a new subtheme applied at once); undone in reverse order."""

    steps: list[Action]

    def __post_init__(self) -> None:
        self.kinds = frozenset().union(*(s.kinds for s in self.steps))
        self.excerpt = next((s.excerpt for s in self.steps if s.excerpt), None)

    def describe(self) -> str:
        return "; ".join(s.describe() for s in self.steps)

    def do(self, p: Project) -> str:
        for s in self.steps:
            s.interrupted = s.interrupted or self.interrupted
        messages = [s.do(p) for s in self.steps]
        return "; ".join(messages)

    def undo(self, p: Project) -> str:
        for s in self.steps:
            s.interrupted = s.interrupted or self.interrupted
        return "; ".join(s.undo(p) for s in reversed(self.steps))


# ----- the codebook ------------------------------------------------------------------------
@dataclass
class CodebookAction(Action):
    actor: str

    def __post_init__(self) -> None:
        self.kinds = frozenset({"codebook"})


@dataclass
class NewSubtheme(CodebookAction):
    name: str = ""
    theme: str | None = None
    definition: str = ""

    def describe(self) -> str:
        return f"new subtheme '{self.name}'"

    def do(self, p: Project) -> str:
        if not (self.interrupted and any(s.name == self.name for s in p.codebook.get().all_subthemes())):
            p.codebook.add_subtheme(self.name, self.theme, self.actor, self.definition)
        return f"new subtheme '{self.name}'" + (f" under '{self.theme}'" if self.theme else " (ungrouped)")

    def undo(self, p: Project) -> str:
        if not (self.interrupted and all(s.name != self.name for s in p.codebook.get().all_subthemes())):
            p.codebook.delete_subtheme(self.name, self.actor)
        return f"subtheme '{self.name}' withdrawn"


@dataclass
class RenameSubtheme(CodebookAction):
    old: str = ""
    new: str = ""

    def do(self, p: Project) -> str:
        p.codebook.rename_subtheme(self.old, self.new, self.actor)
        return f"renamed '{self.old}' to '{self.new}'"

    def undo(self, p: Project) -> str:
        p.codebook.rename_subtheme(self.new, self.old, self.actor)
        return f"renamed '{self.new}' back to '{self.old}'"


@dataclass
class EditSubtheme(CodebookAction):
    name: str = ""
    new: dict[str, str] = field(default_factory=dict)
    old: dict[str, str] = field(default_factory=dict)

    def do(self, p: Project) -> str:
        p.codebook.edit_subtheme(self.name, self.actor, **self.new)
        return f"'{self.name}' updated"

    def undo(self, p: Project) -> str:
        p.codebook.edit_subtheme(self.name, self.actor, **self.old)
        return f"'{self.name}' put back as it was"


@dataclass
class MoveSubtheme(CodebookAction):
    name: str = ""
    old: str | None = None
    new: str | None = None

    def do(self, p: Project) -> str:
        p.codebook.move_subtheme(self.name, self.new, self.actor)
        return f"moved '{self.name}' to {repr(self.new) if self.new else 'ungrouped'}"

    def undo(self, p: Project) -> str:
        p.codebook.move_subtheme(self.name, self.old, self.actor)
        return f"moved '{self.name}' back to {repr(self.old) if self.old else 'ungrouped'}"


@dataclass
class Reorder(CodebookAction):
    kind: str = "subtheme"
    name: str = ""
    old: int = 1
    new: int = 1

    def do(self, p: Project) -> str:
        p.codebook.reorder(self.kind, self.name, self.new, self.actor)
        return f"'{self.name}' moved to place {self.new}"

    def undo(self, p: Project) -> str:
        p.codebook.reorder(self.kind, self.name, self.old, self.actor)
        return f"'{self.name}' back in place {self.old}"


@dataclass
class Merge(CodebookAction):
    source: str = ""
    into: str = ""
    snapshot: Any = None

    def do(self, p: Project) -> str:
        self.snapshot = p.workspace.subtheme_snapshot(self.source, self.into)
        r = p.codebook.merge_subthemes(self.source, self.into, self.actor)
        return (f"merged '{self.source}' into '{self.into}' ({r['moved']} codings moved, "
                f"{r['duplicates']} duplicates folded)")

    def undo(self, p: Project) -> str:
        p.workspace.restore_subtheme(self.snapshot, self.actor)
        return f"'{self.source}' is back (merge undone)"


@dataclass
class DeleteSubtheme(CodebookAction):
    name: str = ""
    snapshot: Any = None

    def do(self, p: Project) -> str:
        self.snapshot = p.workspace.delete_empty_subtheme(self.name, self.actor)
        return f"deleted subtheme '{self.name}'"

    def undo(self, p: Project) -> str:
        p.workspace.restore_subtheme(self.snapshot, self.actor)
        return f"subtheme '{self.name}' is back"


@dataclass
class NewTheme(CodebookAction):
    name: str = ""

    def do(self, p: Project) -> str:
        p.codebook.add_theme(self.name, self.actor)
        return f"new theme '{self.name}'"

    def undo(self, p: Project) -> str:
        p.codebook.delete_theme(self.name, self.actor)
        return f"theme '{self.name}' withdrawn"


@dataclass
class RenameTheme(CodebookAction):
    old: str = ""
    new: str = ""

    def do(self, p: Project) -> str:
        p.codebook.rename_theme(self.old, self.new, self.actor)
        return f"renamed theme '{self.old}' to '{self.new}'"

    def undo(self, p: Project) -> str:
        p.codebook.rename_theme(self.new, self.old, self.actor)
        return f"renamed theme '{self.new}' back to '{self.old}'"


@dataclass
class DeleteTheme(CodebookAction):
    name: str = ""
    snapshot: Any = None

    def do(self, p: Project) -> str:
        self.snapshot = p.workspace.theme_snapshot(self.name)
        n = p.codebook.delete_theme(self.name, self.actor)
        return f"deleted theme '{self.name}' ({n} subthemes now ungrouped)"

    def undo(self, p: Project) -> str:
        p.workspace.restore_theme(self.snapshot, self.actor)
        return f"theme '{self.name}' is back with its subthemes"


# ----- summaries ---------------------------------------------------------------------------
@dataclass
class WriteSummary(Action):
    subtheme: str
    valence: str | None
    perspective: str
    text: str
    author: str
    references: str = ""
    expected_version: int | None = None
    old_text: str | None = None
    written_version: int = 0
    first: bool = False  # the cell had no summary before: undo deletes it rather than leave it empty

    def __post_init__(self) -> None:
        self.kinds = frozenset({"summaries"})

    def _cell(self) -> str:
        return " / ".join(x for x in (self.subtheme, self.valence, self.perspective) if x)

    def do(self, p: Project) -> str:
        if self.old_text is None:
            before = p.summaries.get(self.subtheme, self.valence, self.perspective)
            self.old_text = before.text if before else ""
            self.first = before is None
            s = p.summaries.set(self.subtheme, self.valence, self.perspective, self.text, self.author,
                              self.references, self.expected_version)
        else:  # redo: write over what undo left
            s = p.summaries.set(self.subtheme, self.valence, self.perspective, self.text, self.author,
                              self.references, self.written_version)
        self.written_version = s.version
        return f"summary saved: {self._cell()}"

    def undo(self, p: Project) -> str:
        if self.first:
            p.summaries.delete(self.subtheme, self.valence, self.perspective, self.author, self.written_version)
            self.written_version = 0  # redo writes the cell afresh
            return f"summary removed: {self._cell()}"
        s = p.summaries.set(self.subtheme, self.valence, self.perspective, self.old_text or "", self.author,
                          self.references, self.written_version)
        self.written_version = s.version
        return f"summary put back: {self._cell()}"


def with_uuid(c: Coding) -> Coding:
    """A coding with its uuid fixed up front, so undo and redo address the same row."""
    if c.uuid:
        return c
    from workbench.core.ids import new_uuid

    return replace(c, uuid=new_uuid())
