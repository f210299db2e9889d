"""The migrations and the schema module agree, and upgrading an old project is safe.

Projects are built by migrating (never `create_all`), so a table or index added to schema.py
without a migration — or the other way round — would give users a different database than the
tests; these tests make that drift fail loudly instead.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
import warnings
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from workbench.store import core as core_module
from workbench.store import migrate
from workbench.store.api import Project
from workbench.store.migrations import HEAD
from workbench.store.schema import metadata


def _indexes(db: Path) -> dict[str, str]:
    """name → normalised CREATE INDEX text of every explicit index (SQLite's own autoindexes aside)."""
    con = sqlite3.connect(db)
    rows = con.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL").fetchall()
    con.close()
    return {name: re.sub(r'[\s"`]', "", sql).lower() for name, sql in rows}


def test_migrated_database_equals_schema_module(tmp_path: Path) -> None:
    """alembic's compare_metadata finds nothing to change, and every index — the expression indexes
    that reflection skips included — exists by name with the same definition as create_all makes."""
    Project.create(tmp_path / "migrated").close()
    migrated = tmp_path / "migrated" / "workbench.db"
    engine = create_engine(f"sqlite:///{migrated}")
    with engine.connect() as conn, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "skipped expression-based index": checked below instead
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
    engine.dispose()
    assert diff == []

    reference = tmp_path / "create_all.db"
    ref_engine = create_engine(f"sqlite:///{reference}")
    metadata.create_all(ref_engine)
    ref_engine.dispose()
    got, want = _indexes(migrated), _indexes(reference)
    assert set(got) == set(want)
    for name in ("ux_coding_natural", "ux_summary_cell", "ux_judgement"):
        assert got[name] == want[name], name


def test_head_is_the_single_alembic_head() -> None:
    """HEAD lets `open` check the version without importing Alembic; it must name the real head."""
    assert migrate.script_heads() == [HEAD]


def test_new_project_is_at_head(example_dir: Path) -> None:
    con = sqlite3.connect(example_dir / "workbench.db")
    assert con.execute("SELECT version_num FROM alembic_version").fetchall() == [(HEAD,)]
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    con.close()


DUMMY = '''"""a later schema (test only)"""
from alembic import op
import sqlalchemy as sa

revision = "zz02"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("later_feature", sa.Column("id", sa.Integer, primary_key=True))
    {fail}


def downgrade():
    op.drop_table("later_feature")
'''


@pytest.fixture
def later_release(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Pretend a newer workbench is installed: its migrations have one more revision after HEAD."""

    def install(fail: bool = False) -> None:
        scripts = tmp_path / "migrations"
        shutil.copytree(migrate.MIGRATIONS, scripts, ignore=shutil.ignore_patterns("__pycache__"))
        (scripts / "versions" / "zz02_later.py").write_text(
            DUMMY.format(head=HEAD, fail='raise RuntimeError("migration bug")' if fail else "pass"),
            encoding="utf-8")
        monkeypatch.setattr(migrate, "MIGRATIONS", scripts)
        monkeypatch.setattr(core_module, "HEAD", "zz02")

    return install


def _dump(db: Path) -> list[str]:
    con = sqlite3.connect(db)
    try:
        return list(con.iterdump())
    finally:
        con.close()


def test_opening_an_old_project_backs_it_up_then_upgrades(example_dir: Path, later_release) -> None:
    original = _dump(example_dir / "workbench.db")
    later_release()
    with Project.open(example_dir) as p:
        assert p.counts()["codings"] == 295
    backups = list((example_dir / "backups").glob("*.db"))
    assert len(backups) == 1 and f"schema{HEAD}" in backups[0].name
    assert _dump(backups[0]) == original
    con = sqlite3.connect(example_dir / "workbench.db")
    assert con.execute("SELECT version_num FROM alembic_version").fetchall() == [("zz02",)]
    assert con.execute("SELECT name FROM sqlite_master WHERE name = 'later_feature'").fetchall()
    con.close()


def test_a_failing_upgrade_leaves_the_project_as_it_was(example_dir: Path, later_release) -> None:
    """The upgrade is one transaction: a migration that fails changes nothing, and the backup is there."""
    later_release(fail=True)
    with pytest.raises(RuntimeError, match="migration bug"):
        Project.open(example_dir)
    con = sqlite3.connect(example_dir / "workbench.db")
    assert con.execute("SELECT version_num FROM alembic_version").fetchall() == [(HEAD,)]
    assert not con.execute("SELECT name FROM sqlite_master WHERE name = 'later_feature'").fetchall()
    assert con.execute("SELECT count(*) FROM coding").fetchone()[0] == 295
    con.close()
    assert len(list((example_dir / "backups").glob("*.db"))) == 1


def test_backup_sqlite_copies_the_file(tmp_path: Path) -> None:
    db = tmp_path / "workbench.db"
    db.write_bytes(b"SQLite format 3\x00 pretend")
    target = migrate.backup_sqlite(db, "0001")
    assert target.parent == tmp_path / "backups" and target.read_bytes() == db.read_bytes()


def test_backup_includes_what_is_still_in_the_wal(tmp_path: Path) -> None:
    """Codings committed but not yet checkpointed into the main file are in the backup too."""
    db = tmp_path / "workbench.db"
    writer = sqlite3.connect(db, isolation_level=None)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA wal_autocheckpoint=0")
    writer.execute("CREATE TABLE coding (id INTEGER PRIMARY KEY, note TEXT)")
    writer.executemany("INSERT INTO coding (note) VALUES (?)", [("acknowledged",)] * 50)
    assert (tmp_path / "workbench.db-wal").stat().st_size > 0
    target = migrate.backup_sqlite(db, "0001")
    writer.close()
    con = sqlite3.connect(target)
    assert con.execute("SELECT count(*) FROM coding").fetchone()[0] == 50
    con.close()
