"""Hearing at once that a colleague saved something, on a project server (LISTEN/NOTIFY).

The app shows colleagues' codings by re-reading when `collab.data_version` (the newest audit entry)
moves. On SQLite it polls that number; on a server a trigger on the audit log (init-server,
store/server_policies.py) sends a notification on the channel `workbench_changes` after every
audited statement, and a `ChangeWatcher` — one idle connection of its own, LISTENing — wakes
within milliseconds instead of at the next poll, without a round trip per poll. A notification
says only "something changed": what changed is still read through the coder's view, so it leaks
nothing, and a spurious one (anyone may call pg_notify) costs one re-read.
"""

from __future__ import annotations

from typing import Any

from workbench.store.server_connect import libpq_url

CHANNEL = "workbench_changes"
APPLICATION_NAME = "workbench-listen"


class ChangeWatcher:
    """A LISTENing connection: `wait(timeout)` is True once a change was announced since the last call."""

    def __init__(self, url: str) -> None:
        import psycopg

        u = libpq_url(url)
        conninfo = u.set(drivername="postgresql").render_as_string(hide_password=False)
        # named, so an administrator sees in pg_stat_activity what the idle connection is for
        self._conn: Any = psycopg.connect(conninfo, autocommit=True, application_name=APPLICATION_NAME)
        self._conn.execute(f"LISTEN {CHANNEL}")

    def announced(self) -> bool:
        """Whether the server announces changes at all (init-server's trigger on the audit log; a
        server set up before it was added stays silent, and the app must poll it instead)."""
        row = self._conn.execute("SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_trigger "
                                 "WHERE tgname = 'workbench_audit_notify')").fetchone()
        return bool(row and row[0])

    def wait(self, timeout: float) -> bool:
        """Block up to `timeout` seconds for a notification (True if one came)."""
        heard = False
        for _ in self._conn.notifies(timeout=timeout, stop_after=1):
            heard = True
        return heard

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> ChangeWatcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
