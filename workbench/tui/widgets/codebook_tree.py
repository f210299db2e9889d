"""The codebook as a tree: overarching themes → subthemes, with the ungrouped ones standing out.

Used by the Code screen (apply a subtheme with Enter) and the Themes screen (with counts).
Ungrouped subthemes get a "⚠" and the words "not in the table", so they stand out without colour.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from workbench.core.model import Codebook


@dataclass(frozen=True)
class Node:
    kind: str  # "theme" | "subtheme" | "ungrouped"
    name: str
    theme: str | None = None


def counts_text(c: tuple[int, int, int] | None) -> str:
    if not c:
        return "  —"
    e, s, k = c
    return f"  {e} exc · {s} src · {k} cod"


class CodebookTree(Tree[Node]):
    """Themes and subthemes; `current` is the node under the cursor.

    Enter or a double click on a subtheme posts `Chosen` (the Code screen applies it); a single
    click only moves the cursor, so browsing definitions with the mouse never codes anything.
    """

    BINDINGS = [Binding("enter", "choose", "Apply", show=False)]

    @dataclass
    class Chosen(Message):
        tree: CodebookTree
        node: Node

    DEFAULT_CSS = """
    CodebookTree { height: 1fr; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("Codebook", id=id)
        self.show_root = False
        self.auto_expand = False
        self.guide_depth = 2

    def action_choose(self) -> None:
        node = self.cursor_node
        if node is None or node.data is None:
            return
        if node.data.kind == "subtheme":
            self.post_message(self.Chosen(self, node.data))
        else:
            node.toggle()

    def action_select_cursor(self) -> None:
        """A click lands here: move only (expanding a theme), never apply."""
        node = self.cursor_node
        if node is not None and node.allow_expand:
            node.toggle()

    def on_click(self, event: events.Click) -> None:
        if event.chain == 2 and self.current is not None and self.current.kind == "subtheme":
            self.post_message(self.Chosen(self, self.current))

    @property
    def current(self) -> Node | None:
        node = self.cursor_node
        return node.data if node is not None else None

    def show_codebook(self, cb: Codebook, words: dict[str, str],
                      counts: dict[str, tuple[int, int, int]] | None = None) -> None:
        """(Re)build the tree, keeping the cursor on the same theme or subtheme where possible."""
        keep = self.current
        collapsed = {n.data for n in self._tree_nodes.values() if n.data is not None and n.allow_expand
                     and not n.is_expanded}
        self.clear()
        target: TreeNode[Node] | None = None
        self._shown = (cb, words, counts)
        width = self._name_width(cb, counts)

        def label(name: str, n: Node) -> Text:
            shown = name if len(name) <= width else name[:width - 1] + "…"
            text = Text(name if counts is None else f"{shown:<{width}}")
            if counts is not None:
                text.append(counts_text(counts.get(name)), style="dim")
            return text

        for th in cb.themes:
            tdata = Node("theme", th.name)
            t_label = Text(th.name, style="bold")
            t_label.append(f"  ({len(th.subthemes)})", style="dim")
            tnode = self.root.add(t_label, data=tdata, expand=tdata not in collapsed)
            if keep == tdata:
                target = tnode
            for st in th.subthemes:
                sdata = Node("subtheme", st.name, th.name)
                snode = tnode.add_leaf(label(st.name, sdata), data=sdata)
                if keep == sdata:
                    target = snode
        udata = Node("ungrouped", words.get("ungrouped", "ungrouped"))
        u_label = Text(f"⚠ {words.get('ungrouped', 'ungrouped').capitalize()} — not in the table",
                       style="bold italic")
        u_label.append(f"  ({len(cb.ungrouped)})", style="dim")
        unode = self.root.add(u_label, data=udata, expand=udata not in collapsed)
        if keep == udata:
            target = unode
        for st in cb.ungrouped:
            sdata = Node("subtheme", st.name, None)
            text = Text("⚠ ")
            text.append_text(label(st.name, sdata))
            snode = unode.add_leaf(text, data=sdata)
            if keep == sdata:
                target = snode
        self._tree_lines  # noqa: B018 — lay the lines out now, so the cursor can move onto a new node
        if target is not None:
            self.move_cursor(target)
        elif keep is not None and keep.kind == "subtheme" and self.select_subtheme(keep.name):
            pass
        elif self.cursor_line < 0 and self.last_line >= 0:
            self.cursor_line = 0

    def _name_width(self, cb: Codebook, counts: dict[str, tuple[int, int, int]] | None) -> int:
        """The names' column: as wide as the longest name, or as the tree leaves room for beside the
        counts (a wide terminal shows whole names; 80 columns cut the longest with "…")."""
        longest = max((len(s.name) for s in cb.all_subthemes()), default=10)
        if counts is None or self.size.width <= 0:
            return longest
        room = self.size.width - 2 * self.guide_depth - 6 - max(len(counts_text(c)) for c in [*counts.values(), None])
        return max(16, min(longest, room))

    def on_resize(self) -> None:
        shown = getattr(self, "_shown", None)
        if shown is not None and shown[2] is not None:
            self.show_codebook(*shown)

    def select_subtheme(self, name: str) -> bool:
        for node in self._tree_nodes.values():
            if node.data is not None and node.data.kind == "subtheme" and node.data.name == name:
                if node.parent is not None:
                    node.parent.expand()
                self.move_cursor(node)
                return True
        return False

    def select_theme(self, name: str) -> bool:
        for node in self._tree_nodes.values():
            if node.data is not None and node.data.kind == "theme" and node.data.name == name:
                self.move_cursor(node)
                return True
        return False
