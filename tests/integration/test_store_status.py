"""`status` has a fast path (stdlib sqlite3, no SQLAlchemy) and the full path; both give the same
figures, and the fast path steps aside for anything it should not answer."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from workbench.store import engine, queries
from workbench.store.api import Project
from workbench.store.status import DB_NAME, sqlite_status


@pytest.mark.parametrize("which", ["example_dir", "synthetic_dir"])
def test_both_paths_agree(which: str, request: pytest.FixtureRequest) -> None:
    folder: Path = request.getfixturevalue(which)
    with Project.open(folder) as p:
        p.records.mark_nothing_applies(p.records.excerpts()[-1].key, "zoe")
        p.codebook.add_subtheme("Candidate nobody used", None, "lead")
        with p.read() as conn:
            full = queries.status_counts(conn)
            full_coverage = queries.status_counts(conn, coverage=True)
    fast = sqlite_status(folder)
    assert fast == full
    assert sqlite_status(folder, coverage=True) == full_coverage
    assert all(e is None for _n, _c, e in full["per_coder"])
    assert sum(e for _n, _c, e in full_coverage["per_coder"]) >= full_coverage["excerpts"] - full["uncoded_count"]
    assert fast["codings"] > 0
    assert "Candidate nobody used" in fast["unused_subthemes"]


def test_fast_path_steps_aside(tmp_path: Path, example_dir: Path) -> None:
    assert DB_NAME == engine.DB_NAME
    assert sqlite_status(tmp_path) is None  # no project here: the full path reports the error
    (tmp_path / DB_NAME).write_bytes(b"not a database at all, just bytes" * 10)
    assert sqlite_status(tmp_path) is None
    con = sqlite3.connect(example_dir / DB_NAME)
    con.execute("UPDATE alembic_version SET version_num = 'older'")
    con.commit()
    con.close()
    assert sqlite_status(example_dir) is None  # to upgrade (or refuse): the full path decides


def test_fast_path_leaves_no_files_and_writes_nothing(example_dir: Path) -> None:
    before = {p.name: p.read_bytes() for p in example_dir.iterdir() if p.is_file()}
    assert sqlite_status(example_dir)["sources"] == 11
    assert {p.name: p.read_bytes() for p in example_dir.iterdir() if p.is_file()} == before


def test_status_command_does_not_import_sqlalchemy(example_dir: Path) -> None:
    import os
    import subprocess
    import sys

    repo = Path(__file__).resolve().parents[2]
    code = ("import sys\nfrom workbench.cli import cli\n"
            f"try:\n    cli(['-p', {str(example_dir)!r}, 'status'])\nexcept SystemExit as e:\n    assert e.code == 0\n"
            "print('sqlalchemy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=repo, timeout=60,
                         env={**os.environ, "PYTHONPATH": str(repo)}, check=True)
    assert out.stdout.strip().splitlines()[-1] == "False"
