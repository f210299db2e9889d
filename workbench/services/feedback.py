"""How a long use case tells its caller how far it got, without knowing what a terminal is.

The CLI shows rich progress bars on a terminal (`cli/common.py` `TerminalFeedback`); tests, the
benchmarks and the synthetic generator pass nothing and get `QUIET`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Protocol


class Feedback(Protocol):
    def busy(self, label: str) -> AbstractContextManager[None]:
        """Work that cannot count its steps (reading a 500,000-row file)."""
        ...

    def progress(self, total: int, label: str) -> AbstractContextManager[Callable[[int], None]]:
        """Work of `total` steps; the callable is told how many are done."""
        ...

    def note(self, text: str) -> None:
        """Something the person should know about how their files were read (a name matched)."""
        ...


class _Quiet:
    @contextmanager
    def busy(self, label: str) -> Iterator[None]:
        yield

    @contextmanager
    def progress(self, total: int, label: str) -> Iterator[Callable[[int], None]]:
        yield lambda _done: None

    def note(self, text: str) -> None:
        pass


QUIET: Feedback = _Quiet()
