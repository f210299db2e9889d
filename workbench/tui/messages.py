"""Messages that travel up to the app or across screens (attributes go down, messages go up)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.message import Message


@dataclass
class DataChanged(Message):
    """Something was saved; screens showing these kinds of data reload. `excerpt` names the one touched."""

    kinds: frozenset[str]
    excerpt: str | None = None
    detail: Any = None  # the touched excerpt as it now is, when the action read it back


@dataclass
class OpenExcerpt(Message):
    """Show this excerpt on the Code screen (from the Matrix, the Table or the Sources screen)."""

    key: str


@dataclass
class SessionReady(Message):
    """The project is loaded: screens may ask the session for data."""
