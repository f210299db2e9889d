"""The Themes screen: the grouping step — subthemes under a few overarching themes.

Counts beside each subtheme (excerpts, sources, coders behind it) help the team weigh a merge;
ungrouped subthemes stand out with ⚠ because they stay out of the table. Merges and deletes ask
first, and like every change here they can be undone (ctrl+z).
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Static

from workbench.tui import actions as A
from workbench.tui.messages import DataChanged
from workbench.tui.screens.base import WorkbenchScreen
from workbench.tui.screens.code_parts import definition_text
from workbench.tui.screens.dialogs import Ask, Confirm, Pick
from workbench.tui.screens.finder import SubthemeFinder
from workbench.tui.widgets.codebook_tree import CodebookTree, Node

UNGROUPED = "\x00ungrouped"


class ThemesScreen(WorkbenchScreen):
    MODE = "themes"
    MAIN = "#themes-tree"
    WATCHES = frozenset({"codings", "codebook"})
    HELP = """\
**Themes** — group the subthemes under a few overarching themes, as the team settles them in meetings.

Beside each subtheme: how many excerpts, sources and coders are behind it (only yours while coding blind).
Subthemes marked ⚠ are **ungrouped**: they stay out of the table until you move them under a theme.

Move a subtheme with `m`, merge it into another with `g` (its codings and summaries go along), rename with `r`,
reorder with `shift+↑`/`shift+↓` (or `K`/`J`), make a theme with `n` or a subtheme with `s`, delete with `d`.
Merges and deletes ask first; `ctrl+z` undoes any of these.
"""
    BINDINGS = [
        Binding("m", "move", "Move"),
        Binding("g", "merge", "Merge into"),
        Binding("r", "rename", "Rename"),
        Binding("n", "new_theme", "New theme"),
        Binding("s", "new_subtheme", "New subtheme"),
        Binding("d,delete", "delete", "Delete"),
        Binding("shift+up,K", "reorder(-1)", "Move up", show=False),
        Binding("shift+down,J", "reorder(1)", "Move down", show=False),
        Binding("e", "edit_definition", "Edit definition", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.counts: dict[str, tuple[int, int, int]] | None = None

    def body(self) -> ComposeResult:
        with Horizontal(id="themes-body"):
            yield CodebookTree(id="themes-tree")
            with VerticalScroll(id="themes-side"):
                yield Static("", id="themes-detail")

    @property
    def codebook_tree(self) -> CodebookTree:
        return self.query_one(CodebookTree)

    def reload(self, change: DataChanged | None = None) -> None:
        s = self.session
        self.codebook_tree.show_codebook(s.codebook, s.words(), self.counts or {})
        self.codebook_tree.focus()
        coders = s.visible_coders()
        self.wb.fetch(lambda: s.project.workspace.subtheme_counts(coders), self._counted, group="theme-counts")

    def _counted(self, counts: dict[str, tuple[int, int, int]]) -> None:
        self.counts = counts
        self.codebook_tree.show_codebook(self.session.codebook, self.session.words(), counts)
        self._detail(self.codebook_tree.current)

    @on(CodebookTree.NodeHighlighted)
    def _highlighted(self, event: CodebookTree.NodeHighlighted[Any]) -> None:
        self._detail(event.node.data)

    def _detail(self, node: Node | None) -> None:
        s = self.session
        text = definition_text(s.codebook, node, s.words(), coding=False)
        if node is not None and node.kind == "subtheme" and self.counts is not None:
            e, src, k = self.counts.get(node.name, (0, 0, 0))
            who = "your codings" if s.blind else "all coders"
            text.append(f"\n\n{e} {s.word('excerpts')} · {src} {s.word('sources')} · {k} coders ({who})")
            text.append(f"\n{'⚠ ungrouped: not in the table' if node.theme is None else 'under ' + node.theme}",
                        style="italic")
        self.query_one("#themes-detail", Static).update(text)

    # ----- verbs ---------------------------------------------------------------------------
    def _subtheme(self) -> Node | None:
        node = self.codebook_tree.current
        if node is None or node.kind != "subtheme":
            self.notify(f"put the cursor on a {self.session.word('subtheme')} first", severity="warning")
            return None
        return node

    def action_move(self) -> None:
        node = self._subtheme()
        if node is None:
            return
        s = self.session
        choices: list[tuple[str, str]] = [(th.name, th.name) for th in s.codebook.themes]
        choices.append((f"⚠ {s.word('ungrouped')} (out of the table)", UNGROUPED))
        current = node.theme or UNGROUPED
        selected = next((i for i, (_l, v) in enumerate(choices) if v == current), 0)

        def done(target: str | None) -> None:
            if target is None:
                return
            new = None if target == UNGROUPED else target
            if new == node.theme:
                return
            self.wb.save(lambda sess: sess.run(A.MoveSubtheme(sess.coder, name=node.name, old=node.theme, new=new)))

        self.app.push_screen(Pick(f"Move '{node.name}' to which {s.word('theme')}?", choices, selected), done)

    def action_merge(self) -> None:
        node = self._subtheme()
        if node is None:
            return
        s = self.session

        def picked(result: tuple[str, str] | None) -> None:
            if result is None or result[0] != "apply":
                return
            into = result[1]
            e = (self.counts or {}).get(node.name, (0, 0, 0))[0]
            self.app.push_screen(
                Confirm(f"Merge '{node.name}' into '{into}'?", "Merge",
                        f"Its codings ({e} {s.word('excerpts')}) and summaries move to '{into}' and "
                        f"'{node.name}' disappears. ctrl+z undoes the merge."),
                lambda ok: self._save_if(ok, A.Merge(s.coder, source=node.name, into=into)))

        self.app.push_screen(SubthemeFinder(s.codebook, f"Merge '{node.name}' into…", s.words(), allow_new=False,
                                            exclude=node.name, enter="chooses (you confirm next)"), picked)

    def action_rename(self) -> None:
        node = self.codebook_tree.current
        if node is None or node.kind == "ungrouped":
            return
        kind = node.kind

        def done(new: str | None) -> None:
            if not new or new.strip() == node.name:
                return
            new = new.strip()
            if kind == "theme":
                self.wb.save(lambda s: s.run(A.RenameTheme(s.coder, old=node.name, new=new)),
                             done=lambda _c: self.codebook_tree.select_theme(new))
            else:
                self.wb.save(lambda s: s.run(A.RenameSubtheme(s.coder, old=node.name, new=new)),
                             done=lambda _c: self.codebook_tree.select_subtheme(new))

        self.app.push_screen(Ask(f"Rename the {self.session.word(kind)} '{node.name}'", node.name), done)

    def action_new_theme(self) -> None:
        def done(name: str | None) -> None:
            if name and name.strip():
                self.wb.save(lambda s: s.run(A.NewTheme(s.coder, name=name.strip())),
                             done=lambda _c: self.codebook_tree.select_theme(name.strip()))

        self.app.push_screen(Ask(f"New overarching {self.session.word('theme')}", placeholder="name"), done)

    def action_new_subtheme(self) -> None:
        node = self.codebook_tree.current
        theme = node.name if node is not None and node.kind == "theme" else (node.theme if node else None)
        where = f"under '{theme}'" if theme else f"({self.session.word('ungrouped')})"

        def done(name: str | None) -> None:
            if name and name.strip():
                self.wb.save(lambda s: s.run(A.NewSubtheme(s.coder, name=name.strip(), theme=theme)),
                             done=lambda _c: self.codebook_tree.select_subtheme(name.strip()))

        self.app.push_screen(Ask(f"New {self.session.word('subtheme')} {where}", placeholder="name"), done)

    def action_edit_definition(self) -> None:
        node = self._subtheme()
        if node is None:
            return
        sub = next((x for x in self.session.codebook.all_subthemes() if x.name == node.name), None)
        old = sub.definition if sub else ""

        def done(text: str | None) -> None:
            if text is not None and text.strip() != old:
                self.wb.save(lambda s: s.run(A.EditSubtheme(s.coder, name=node.name, new={"definition": text.strip()},
                                                            old={"definition": old})))

        self.app.push_screen(Ask(f"Definition of '{node.name}'", old), done)

    def action_delete(self) -> None:
        node = self.codebook_tree.current
        if node is None or node.kind == "ungrouped":
            return
        s = self.session
        if node.kind == "theme":
            question = f"Delete the {s.word('theme')} '{node.name}'?"
            detail = f"Its {s.word('subthemes')} become ungrouped; nothing coded is lost. ctrl+z undoes it."
            action: A.Action = A.DeleteTheme(s.coder, name=node.name)
        else:
            used = (self.counts or {}).get(node.name)
            if used and used[0]:
                self.notify(f"'{node.name}' has codings; merge it into another {s.word('subtheme')} (g) instead",
                            severity="warning")
                return
            question = f"Delete the {s.word('subtheme')} '{node.name}'?"
            detail = "It has no codings. ctrl+z brings it back."
            action = A.DeleteSubtheme(s.coder, name=node.name)
        self.app.push_screen(Confirm(question, "Delete", detail), lambda ok: self._save_if(ok, action))

    def _save_if(self, ok: bool | None, action: A.Action) -> None:
        """After a confirmation: do the action if the answer was yes."""
        if ok:
            self.wb.save(lambda sess: sess.run(action))

    def action_reorder(self, step: int) -> None:
        node = self.codebook_tree.current
        if node is None or node.kind == "ungrouped":
            return
        cb = self.session.codebook
        if node.kind == "theme":
            names = [t.name for t in cb.themes]
        elif node.theme is None:
            names = [x.name for x in cb.ungrouped]
        else:
            names = [x.name for t in cb.themes if t.name == node.theme for x in t.subthemes]
        old = names.index(node.name) + 1
        new = old + step
        if not 1 <= new <= len(names):
            return
        self.wb.save(lambda s: s.run(A.Reorder(s.coder, kind=node.kind, name=node.name, old=old, new=new)))
