"""Bringing a database to the newest schema with Alembic — the only module that imports it.

Alembic is imported here, and only when a project is created or upgraded, so everyday commands do
not pay its import time. Before an upgrade of an existing SQLite project the database file is
copied to `backups/` (Taguette does the same): a failed migration must never cost a user's codings.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection

from workbench.core.ids import now

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(connection: Connection | None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def upgrade(connection: Connection, revision: str = "heads") -> None:
    from alembic import command

    from workbench.store import server_connect

    server_connect.schema_changed()  # revisions read by connections' start-up statements are stale now
    command.upgrade(alembic_config(connection), revision)


def script_heads() -> list[str]:
    from alembic.script import ScriptDirectory

    config = alembic_config(None)
    return list(ScriptDirectory.from_config(config).get_heads())


def backup_sqlite(db_file: Path, current: str) -> Path:
    """A consistent copy in backups/ through SQLite's backup API: a plain file copy would miss what
    is committed but still in the -wal file (WAL mode), i.e. the latest codings."""
    import sqlite3

    folder = db_file.parent / "backups"
    folder.mkdir(exist_ok=True)
    target = folder / f"{db_file.stem}-schema{current}-{now()[:19].replace(':', '')}.db"
    source = sqlite3.connect(db_file)
    try:
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
    except sqlite3.DatabaseError:
        shutil.copy2(db_file, target)  # not readable as SQLite: keep its bytes as they are
    finally:
        source.close()
    return target
