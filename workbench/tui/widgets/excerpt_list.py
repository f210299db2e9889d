"""The excerpt list: a Line API widget that paints only the rows on screen.

A widget per excerpt (ListView) takes 36 s for 10,000 rows and a DataTable seconds per refilter
(issue 5); this one holds a list of row numbers into the `ExcerptIndex` and renders each visible
line on demand, so 50,000 excerpts open and refilter in milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.segment import Segment
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from workbench.tui.excerpt_index import CODED, NOTHING, ExcerptIndex

# Marks that carry the state without colour: coded by me, nothing applies, not yet.
MARKS = {CODED: "✓", NOTHING: "∅"}
UNCODED_MARK = "·"


class ExcerptList(ScrollView, can_focus=True):
    """Rows: mark, excerpt key, source ref, perspective hint, the start of the text."""

    BINDINGS = [
        Binding("up,k", "move(-1)", "Up", show=False),
        Binding("down,j", "move(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "jump(0)", "First", show=False),
        Binding("end", "jump(-1)", "Last", show=False),
        Binding("enter", "choose", "Read", show=False),
    ]
    COMPONENT_CLASSES = {"excerpt-list--cursor", "excerpt-list--mark", "excerpt-list--dim"}
    DEFAULT_CSS = """
    ExcerptList { height: 1fr; overflow-x: hidden; overflow-y: scroll; }
    ExcerptList > .excerpt-list--cursor { text-style: bold reverse; }
    ExcerptList:focus > .excerpt-list--cursor { background: $accent; color: $text; text-style: bold; }
    ExcerptList > .excerpt-list--mark { text-style: bold; }
    ExcerptList > .excerpt-list--dim { color: $text-muted; }
    """

    cursor: reactive[int] = reactive(0, always_update=True, init=False)

    @dataclass
    class Highlighted(Message):
        """The cursor rests on another excerpt (or on none: key is None)."""

        excerpt_list: ExcerptList
        key: str | None

    @dataclass
    class Chosen(Message):
        excerpt_list: ExcerptList
        key: str

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.index: ExcerptIndex | None = None
        self.rows: list[int] = []
        self.hint_words: dict[str, str] = {}
        self._widths = (6, 4, 10)

    # ----- data ----------------------------------------------------------------------------
    def set_index(self, index: ExcerptIndex) -> None:
        self.index = index
        cap = lambda values, limit: min(limit, max(map(len, values), default=1))  # noqa: E731
        self._widths = (cap(index.keys, 12), cap(index.refs, 14), cap(index.perspectives, 14))

    def set_rows(self, rows: list[int], keep: str | None = None) -> None:
        """Show these row numbers; keep the cursor on `keep` when it is still among them."""
        self.rows = rows
        self._set_height(len(rows))
        target = 0
        if keep is not None and self.index is not None:
            i = self.index.position.get(keep)
            if i is not None:
                # rows are in project order: bisect instead of scanning 50,000 entries
                from bisect import bisect_left

                pos = bisect_left(rows, i)
                if pos < len(rows) and rows[pos] == i:
                    target = pos
        self.cursor = target
        self.refresh()

    @property
    def current_key(self) -> str | None:
        if self.index is None or not self.rows or not 0 <= self.cursor < len(self.rows):
            return None
        return self.index.keys[self.rows[self.cursor]]

    def select_key(self, key: str) -> bool:
        """Put the cursor on an excerpt if it is in the list."""
        if self.index is None or key not in self.index.position:
            return False
        i = self.index.position[key]
        from bisect import bisect_left

        pos = bisect_left(self.rows, i)
        if pos < len(self.rows) and self.rows[pos] == i:
            self.cursor = pos
            return True
        return False

    # ----- cursor --------------------------------------------------------------------------
    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, len(self.rows) - 1)) if self.rows else 0

    def watch_cursor(self, value: int) -> None:
        self.scroll_to_region_y(value)
        self.refresh()
        self.post_message(self.Highlighted(self, self.current_key))

    def scroll_to_region_y(self, row: int) -> None:
        height = self.scrollable_content_region.height or 1
        top = round(self.scroll_y)
        if row < top:
            self.scroll_to(y=row, animate=False)
        elif row >= top + height:
            self.scroll_to(y=row - height + 1, animate=False)

    def action_move(self, step: int) -> None:
        self.cursor += step

    def action_page(self, step: int) -> None:
        self.cursor += step * max(1, self.scrollable_content_region.height - 1)

    def action_jump(self, where: int) -> None:
        self.cursor = 0 if where == 0 else len(self.rows) - 1

    def action_choose(self) -> None:
        key = self.current_key
        if key:
            self.post_message(self.Chosen(self, key))

    def on_click(self, event: events.Click) -> None:
        row = event.y + round(self.scroll_y)
        if 0 <= row < len(self.rows):
            self.cursor = row
            if event.chain == 2:
                self.action_choose()

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, len(self.rows))

    def _set_height(self, n: int) -> None:
        """A new row count without a layout pass: our own size does not change (the scrollbar is always
        there), and a full layout of the screen per keystroke costs more than the filter itself."""
        size = Size(self.size.width, n)
        if size != self.virtual_size:
            self.set_reactive(ScrollView.virtual_size, size)
            self._scroll_update(size)

    # ----- painting ------------------------------------------------------------------------
    def refresh_row(self, key: str) -> None:
        """Repaint one excerpt's line (after its coding state changed)."""
        self.refresh()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        row = y + round(self.scroll_y)
        base = self.rich_style
        if self.index is None or row >= len(self.rows):
            return Strip.blank(width, base)
        i = self.rows[row]
        idx = self.index
        kw, rw, pw = self._widths
        # keep at least 16 columns for the text: shorten the perspective column if need be
        pw = max(5, min(pw, width - (kw + rw + 5) - 16))
        mark = MARKS.get(idx.state[i], UNCODED_MARK)
        persp = idx.perspectives[i] or "–"
        text = idx.texts[i]
        head = f" {idx.keys[i][:kw]:<{kw}} {idx.refs[i][:rw]:>{rw}} {persp[:pw]:<{pw}} "
        snippet = text[: max(0, width)].replace("\n", " ")
        cursor = row == self.cursor
        style = base + self.get_component_rich_style("excerpt-list--cursor") if cursor else base
        if head.isascii() and snippet.isascii() and len(head) < width:
            # Every character one cell wide: cut and pad by length and tell the Strip its width,
            # sparing Rich a per-character width scan of each line on every repaint.
            room = max(0, width - 1 - len(head))
            snippet = snippet[:room].ljust(room)
            if cursor:
                return Strip([Segment(f"{mark}{head}{snippet}", style)], width)
            mark_style = base + self.get_component_rich_style("excerpt-list--mark")
            dim = base + self.get_component_rich_style("excerpt-list--dim")
            return Strip([Segment(mark, mark_style), Segment(head, base), Segment(snippet, dim)], width)
        if cursor:
            segments = [Segment(f"{mark}{head}{snippet}", style)]
        else:
            mark_style = base + self.get_component_rich_style("excerpt-list--mark")
            dim = base + self.get_component_rich_style("excerpt-list--dim")
            segments = [Segment(mark, mark_style), Segment(head, base), Segment(snippet, dim)]
        return Strip(segments).crop_extend(0, width, style)

    def render_lines_for_test(self) -> list[str]:
        """The visible lines as text (tests and the benchmark read the screen through this)."""
        return [self.render_line(y).text for y in range(self.scrollable_content_region.height)]

