"""Retrying a write when SQLite reports the database locked: one home for the policy."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import OperationalError

T = TypeVar("T")


def retry_locked(action: Callable[[], T], attempts: int = 20, pause: float = 0.05) -> T:
    """Run `action`, retrying when SQLite says the database is locked or busy.

    The 30 s busy timeout absorbs ordinary contention; this catches the rare SQLITE_BUSY that
    SQLite returns without waiting (a WAL checkpoint or recovery in another process), which would
    otherwise lose a coder's click.
    """
    for attempt in range(attempts):
        try:
            return action()
        except OperationalError as e:
            text = str(e.orig if e.orig is not None else e).lower()
            if ("locked" not in text and "busy" not in text) or attempt == attempts - 1:
                raise
            time.sleep(pause * (1 + attempt))
    raise AssertionError("unreachable")
