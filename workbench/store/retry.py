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


# SQLSTATE classes and codes that mean "the connection, not the statement, failed": 08 (connection
# exception), 57P01–57P03 (the server shut the session down or is starting), 53300 (too many
# connections). The statement may or may not have committed; resending it must be safe.
_LOST_STATES = ("57P01", "57P02", "57P03", "53300")


def connection_lost(error: BaseException) -> bool:
    """True when a write failed because the database could not be reached or the connection broke
    (the app then keeps the write and sends it again), False for a refusal or a bad statement
    (shown to the coder). On SQLite a locked or busy database counts: waiting is the remedy too."""
    from sqlalchemy.exc import DBAPIError

    if not isinstance(error, DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    orig = error.orig
    module = type(orig).__module__ if orig is not None else ""
    if module.startswith("sqlite3"):
        text = str(orig).lower()
        return "locked" in text or "busy" in text
    state = getattr(orig, "sqlstate", None)
    if state is None:  # psycopg raises OperationalError without a state when it cannot connect at all
        return isinstance(error, OperationalError) or type(orig).__name__ in ("OperationalError", "InterfaceError")
    return state.startswith("08") or state in _LOST_STATES
