"""The excerpt's text: read-only, selectable (to code a span), with coded spans underlined.

A read-only TextArea gives mouse and shift+arrow selection for free. Coded spans are drawn
through TextArea's highlight map (the mechanism its syntax highlighting uses), styled bold and
underlined — never by colour alone — and the coding under the cursor in the codings list is
shown reversed as well.
"""

from __future__ import annotations

from rich.style import Style
from textual.binding import Binding
from textual.widgets import TextArea
from textual.widgets.text_area import Document, TextAreaTheme

THEME = TextAreaTheme(
    "workbench",
    syntax_styles={
        "coded": Style(underline=True, bold=True),
        "coded-focus": Style(underline=True, bold=True, reverse=True),
    },
)


class ExcerptText(TextArea):
    """Shows one excerpt; `selected_span` is the selection as character offsets into its text."""

    # The text is read-only, so TextArea's own undo/redo would do nothing here; the keys mean what
    # they mean everywhere else (undo the last change to the project), and the footer says so.
    BINDINGS = [Binding("ctrl+z", "app.undo", "Undo"), Binding("ctrl+y", "app.redo", "Redo")]
    DEFAULT_CSS = """
    ExcerptText { height: auto; max-height: 12; min-height: 3; border: none; padding: 0 1; }
    ExcerptText:focus { border: none; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", read_only=True, soft_wrap=True, show_line_numbers=False, id=id,
                         show_cursor=True, highlight_cursor_line=False)
        self._spans: list[tuple[int, int]] = []
        self._focus_span: tuple[int, int] | None = None

    def on_mount(self) -> None:
        self.register_theme(THEME)
        self.theme = "workbench"

    def show(self, text: str, spans: list[tuple[int, int]]) -> None:
        """A new excerpt: its text, and the spans coded in it (character offsets)."""
        self._spans = spans
        self._focus_span = None
        self.load_text(text)
        self._build_highlight_map()
        self.refresh()

    def set_spans(self, spans: list[tuple[int, int]], focus: tuple[int, int] | None = None) -> None:
        self._spans = spans
        self._focus_span = focus
        self._build_highlight_map()
        self.refresh()

    def _plain_document(self) -> Document:
        """The text as TextArea keeps it without a syntax tree (we never set a language)."""
        doc = self.document
        assert isinstance(doc, Document)
        return doc

    @property
    def selected_span(self) -> tuple[int, int] | None:
        """The selection as (start, end) character offsets, or None when nothing is selected."""
        start, end = sorted((self.selection.start, self.selection.end))
        if start == end:
            return None
        doc = self._plain_document()
        a = doc.get_index_from_location(start)
        b = doc.get_index_from_location(end)
        return (a, b) if b > a else None

    def clear_selection(self) -> None:
        self.selection = type(self.selection).cursor(self.selection.end)

    def _build_highlight_map(self) -> None:
        """Underline coded spans (replaces TextArea's tree-sitter highlights, which we do not use)."""
        self._line_cache.clear()
        highlights = self._highlights
        highlights.clear()
        doc = self._plain_document()
        if not self.text:
            return
        length = len(self.text)
        marks = [(s, e, "coded") for s, e in self._spans]
        if self._focus_span:
            marks.append((*self._focus_span, "coded-focus"))
        for start, end, name in marks:
            start, end = max(0, min(start, length)), max(0, min(end, length))
            if end <= start:
                continue
            (r0, c0), (r1, c1) = doc.get_location_from_index(start), doc.get_location_from_index(end)
            for row in range(r0, r1 + 1):
                line = doc.get_line(row)
                a = c0 if row == r0 else 0
                b = c1 if row == r1 else len(line)
                # the highlight map counts UTF-8 bytes, like tree-sitter does
                highlights[row].append((len(line[:a].encode()), len(line[:b].encode()), name))
