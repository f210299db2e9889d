"""Small modal dialogs with typed results (ModalScreen[T] + dismiss), shared by every screen."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Generic, TypeVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.await_complete import AwaitComplete
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option

T = TypeVar("T")


class Modal(ModalScreen[T]):
    """A modal screen that answers once: a dismiss after it has left the top of the stack is ignored.

    Without this a late second Enter reached a dialog already dismissed, ran its callback again (a
    second coding) and popped the screen below it (the app crashed with an empty stack).
    """

    def dismiss(self, result: T | None = None) -> AwaitComplete:
        if not self.is_attached or self.app.screen is not self:
            return AwaitComplete.nothing()
        return super().dismiss(result)


class Dialog(Modal[T]):
    """A centred box; Escape cancels (dismisses with None, or False for a confirmation)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    DEFAULT_CSS = """
    Dialog { align: center middle; }
    Dialog > Vertical { width: 76; max-width: 95%; height: auto; max-height: 90%; border: thick $accent;
                        background: $surface; padding: 0 1; }
    Dialog .title { text-style: bold; padding: 0 0 1 0; }
    Dialog .hint { color: $text-muted; }
    Dialog Horizontal.buttons { height: auto; align-horizontal: right; padding-top: 1; }
    Dialog Button { margin-left: 2; min-width: 10; }
    """

    def action_cancel(self) -> None:
        self.dismiss(None)


class Confirm(Dialog[bool]):
    """Yes/no before something that is hard to take back (a merge, a delete); it can still be undone."""

    BINDINGS = [Binding("escape,n", "cancel", "No"), Binding("y", "yes", "Yes")]

    def __init__(self, question: str, yes: str = "Yes", detail: str = "") -> None:
        super().__init__()
        self.question, self.yes, self.detail = question, yes, detail

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.question, classes="title")
            if self.detail:
                yield Static(self.detail, classes="hint")
            with Horizontal(classes="buttons"):
                yield Button("No (n)", id="no")
                yield Button(f"{self.yes} (y)", id="yes", variant="warning")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def action_cancel(self) -> None:
        self.dismiss(False)

    def action_yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")


class Ask(Dialog[str | None]):
    """One line of text (a name, a note); Enter saves."""

    def __init__(self, title: str, value: str = "", placeholder: str = "", hint: str = "") -> None:
        super().__init__()
        self.title_text, self.value, self.placeholder, self.hint = title, value, placeholder, hint

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, classes="title")
            yield Input(self.value, placeholder=self.placeholder, id="answer")
            yield Static(self.hint or "Enter saves · Escape cancels", classes="hint")

    @on(Input.Submitted)
    def _submit(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)


class AskLong(Dialog[str | None]):
    """Several lines (a memo); Ctrl+S saves."""

    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "save", "Save", priority=True)]

    def __init__(self, title: str, value: str = "", hint: str = "") -> None:
        super().__init__()
        self.title_text, self.value, self.hint = title, value, hint

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, classes="title")
            yield TextArea(self.value, id="answer", soft_wrap=True)
            yield Static(self.hint or "Ctrl+S saves · Escape cancels", classes="hint")

    def on_mount(self) -> None:
        self.query_one(TextArea).styles.height = 8

    def action_save(self) -> None:
        self.dismiss(self.query_one(TextArea).text)


class Pick(Dialog[T], Generic[T]):
    """Choose one of a list with the arrows and Enter (or a click)."""

    def __init__(self, title: str, choices: Sequence[tuple[Any, T]], selected: int = 0, hint: str = "") -> None:
        super().__init__()
        self.title_text, self.choices, self.selected, self.hint = title, list(choices), selected, hint

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, classes="title")
            yield OptionList(*[Option(Text(label) if isinstance(label, str) else label, id=str(i))
                               for i, (label, _v) in enumerate(self.choices)], id="choices")
            yield Static(self.hint or "↑↓ choose · Enter takes it · Escape cancels", classes="hint")

    def on_mount(self) -> None:
        ol = self.query_one(OptionList)
        ol.styles.max_height = 16
        ol.highlighted = self.selected if self.choices else None
        ol.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.choices[int(event.option.id or 0)][1])


class NewSubtheme(Dialog[tuple[str, str] | None]):
    """A subtheme made on the spot while coding: name and an optional definition."""

    def __init__(self, name: str = "", words: dict[str, str] | None = None) -> None:
        super().__init__()
        self.initial = name
        self.words = words or {}

    def compose(self) -> ComposeResult:
        sub = self.words.get("subtheme", "subtheme")
        with Vertical():
            yield Static(f"New {sub} (ungrouped until you group it on the Themes screen)", classes="title")
            yield Label("Name")
            yield Input(self.initial, id="name")
            yield Label("Definition (optional)")
            yield Input("", id="definition")
            yield Static("Enter in the definition field creates it · Escape cancels", classes="hint")

    @on(Input.Submitted, "#name")
    def _next(self) -> None:
        self.query_one("#definition", Input).focus()

    @on(Input.Submitted, "#definition")
    def _done(self) -> None:
        name = self.query_one("#name", Input).value.strip()
        if not name:
            self.notify("a name is needed", severity="warning")
            self.query_one("#name", Input).focus()
            return
        self.dismiss((name, self.query_one("#definition", Input).value.strip()))


class CoderName(Dialog[str | None]):
    """Asked when the app opens without --coder or WORKBENCH_CODER: identity belongs to this
    session. The name given last time on this project is filled in, for the person to confirm."""

    BINDINGS: ClassVar[list[BindingType]] = []  # no escape: the app needs a name to go on

    def __init__(self, remembered: str | None = None) -> None:
        super().__init__()
        self.remembered = remembered or ""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Who is coding?", classes="title")
            yield Static("Your name (or initials) is recorded with every coding you make. This computer "
                         "remembers it for this project only, for you to confirm next time; --coder NAME "
                         "or WORKBENCH_CODER sets it for a session.", classes="hint")
            yield Input(self.remembered, placeholder="e.g. amira", id="answer")

    @on(Input.Submitted)
    def _submit(self, event: Input.Submitted) -> None:
        name = event.value.strip()
        if name:
            self.dismiss(name)
        else:
            self.notify("please type a name", severity="warning")
