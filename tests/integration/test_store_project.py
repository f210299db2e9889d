"""The project store on real SQLite files: durability, idempotent imports, the audit log."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.core.errors import UserError
from workbench.core.model import Coding
from workbench.store import queries
from workbench.store.api import Project

REPO = Path(__file__).resolve().parents[2]


def test_connections_use_wal_full_sync_and_foreign_keys(example_project: Project) -> None:
    with example_project.read() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_a_coding_is_committed_before_add_coding_returns(example_project: Project, example_dir: Path) -> None:
    uuid = example_project.records.add_coding(Coding("e005", "Treatment models", "amira", "challenge", "PSWs", 0, 9, "n"))
    other = sqlite3.connect(example_dir / "workbench.db")  # another reader, while the project is still open
    assert other.execute("SELECT note FROM coding WHERE uuid = ?", (uuid,)).fetchall() == [("n",)]
    other.close()


def test_a_coding_survives_kill_9(example_dir: Path) -> None:
    """The process dies the instant after add_coding returns: the acknowledged coding is on disk."""
    code = ("import os, signal, sys\nfrom pathlib import Path\nfrom workbench.core.model import Coding\n"
            "from workbench.store.api import Project\n"
            f"p = Project.open(Path({str(example_dir)!r}))\n"
            "print(p.records.add_coding(Coding('e006', 'Workload', 'amira', 'challenge', 'PSWs')), flush=True)\n"
            "os.kill(os.getpid(), signal.SIGKILL)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60,
                         env={**os.environ, "PYTHONPATH": str(REPO)})
    assert out.returncode == -signal.SIGKILL
    uuid = out.stdout.strip()
    with Project.open(example_dir) as p:
        assert [c.subtheme for c in p.records.codings(["amira"]) if c.uuid == uuid] == ["Workload"]


def test_add_coding_is_idempotent_and_audited(example_project: Project) -> None:
    p = example_project
    p.records.mark_nothing_applies("e007", "zoe")
    c = Coding("e007", "Boundaries", "zoe", "challenge", "PSWs", 4, 30)
    first = p.records.add_coding(c)
    assert p.records.add_coding(c) == first
    assert [x.uuid for x in p.records.codings(["zoe"])] == [first]
    assert p.records.nothing_applies() == []  # coding an excerpt withdraws "nothing applies"
    entry = p.audit_log(1)[0]
    assert (entry["action"], entry["actor"], entry["entity_uuid"]) == ("code", "zoe", first)
    assert json.loads(entry["detail"])["start"] == 4


@pytest.mark.parametrize(("coding", "message"), [
    (Coding("e999", "Boundaries", "zoe"), "unknown excerpt"),
    (Coding("e001", "Nope", "zoe"), "unknown subtheme"),
    (Coding("e001", "Boundaries", "zoe", "sideways"), "unknown valence"),
    (Coding("e001", "Boundaries", "zoe", None, "Martians"), "unknown perspective"),
    (Coding("e001", "Boundaries", "zoe", start=5), "needs both start and end"),
    (Coding("e001", "Boundaries", "zoe", start=5, end=100_000), "outside the excerpt"),
])
def test_add_coding_refuses_what_the_project_does_not_know(example_project: Project, example_dir: Path,
                                                           coding: Coding, message: str) -> None:
    before = example_project.counts()
    with pytest.raises(UserError, match=message):
        example_project.records.add_coding(coding)
    assert example_project.counts() == before
    assert "zoe" not in example_project.records.coders()


def test_remove_coding_keeps_every_field_in_the_audit_log(example_project: Project) -> None:
    p = example_project
    c = next(x for x in p.records.codings(["ben"]) if x.valence)
    removed = p.records.remove_coding(c.uuid, "ben")
    assert removed == c and c.uuid not in {x.uuid for x in p.records.codings()}
    detail = json.loads(p.audit_log(1)[0]["detail"])
    assert (detail["excerpt"], detail["subtheme"], detail["valence"], detail["time"]) == (
        c.excerpt, c.subtheme, c.valence, c.time)
    with pytest.raises(UserError, match="no coding"):
        p.records.remove_coding(c.uuid, "ben")


def test_import_counts_duplicates_and_keeps_given_ids(example_project: Project) -> None:
    p = example_project
    rows = [(2, Coding("e001", "Boundaries", "zoe", "challenge", "PSWs", uuid="given-uuid-1",
                       time="2020-02-02T10:00:00.000000Z", origin="sheet")),
            (3, Coding("e001", "Boundaries", "zoe", "challenge", "PSWs")),  # same natural key
            (4, Coding("e002", "Boundaries", "zoe"))]
    result = p.records.add_codings(rows, "lead", "zoe.csv")
    assert (result.added, result.already) == (2, 1)
    mine = {c.excerpt: c for c in p.records.codings(["zoe"])}
    assert (mine["e001"].uuid, mine["e001"].time, mine["e001"].origin) == (
        "given-uuid-1", "2020-02-02T10:00:00.000000Z", "sheet")
    again = p.records.add_codings(rows, "lead", "zoe.csv")
    assert (again.added, again.already) == (0, 3)
    assert [json.loads(e["detail"])["added"] for e in p.audit_log(2)] == [0, 2]


def test_a_bad_last_row_rolls_back_everything_including_new_coders(example_project: Project,
                                                                   example_dir: Path) -> None:
    p = example_project
    con = sqlite3.connect(example_dir / "workbench.db")
    before = list(con.iterdump())
    rows = [(2, Coding("e001", "Boundaries", "newcoder")), (3, Coding("e002", "Nope", "newcoder"))]
    with pytest.raises(UserError) as e:
        p.records.add_codings(rows, "lead", "f.csv")
    assert (e.value.file, e.value.line, e.value.where) == ("f.csv", 3, "row")
    assert list(con.iterdump()) == before
    con.close()


def test_sources_and_excerpts_imports(example_project: Project) -> None:
    from workbench.core.model import Excerpt, Source

    p = example_project
    with pytest.raises(UserError, match="'Walker 2013' is not a number") as e:
        p.records.add_sources([(2, Source("23", "again")), (3, Source("Walker 2013", "W. 2013"))], file="s.csv")
    assert (e.value.file, e.value.line) == ("s.csv", 3)
    r = p.records.add_sources([(2, Source("23", "again")), (3, Source("900", "W. 2013", groups="PSWs"))])
    assert (r.added, r.already) == (1, 1)
    assert p.records.sources()[-1].ref == "900"
    with pytest.raises(UserError, match="unknown source"):
        p.records.add_excerpts([(2, Excerpt("n1", "901", "text"))], file="e.csv")
    with pytest.raises(UserError, match="empty excerpt text"):
        p.records.add_excerpts([(2, Excerpt("n1", "23", "  "))], file="e.csv")
    r = p.records.add_excerpts([(2, Excerpt("e001", "23", "dup")), (3, Excerpt("n1", "900", "A finding.", "PSWs"))])
    assert (r.added, r.already) == (1, 1)
    assert p.records.excerpts()[-1].key == "n1"


def test_status_counts(example_project: Project) -> None:
    with example_project.read() as conn:
        s = queries.status_counts(conn)
    assert (s["sources"], s["excerpts"], s["codings"]) == (11, 75, 295)
    assert [name for name, _n, _e in s["per_coder"]] == ["amira", "ben", "consensus"]
    assert sum(n for _name, n, _e in s["per_coder"]) == 295
    assert s["unused_subthemes"] == [] and s["uncoded_count"] == 0


def test_opening_and_reading_leave_the_folder_unchanged(example_dir: Path) -> None:
    import hashlib

    def digest() -> dict[str, str]:
        return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in example_dir.iterdir() if p.is_file()}

    before = digest()
    with Project.open(example_dir) as p:
        p.codebook.get()
        p.records.codings()
        p.counts()
    assert digest() == before


def test_opening_many_projects_does_not_grow_the_process(example_dir: Path, run) -> None:
    """A notebook, the fuzz suite or a script opens hundreds of projects in one process: each one's
    engine (with its compiled-statement caches) must go once the project is closed or forgotten."""
    import gc

    from workbench.store import core

    def opened_now() -> int:
        gc.collect()
        return len(core._open_engines)

    with Project.open(example_dir):
        pass
    run("-p", str(example_dir), "status")
    before = opened_now()
    for _ in range(5):
        with Project.open(example_dir) as p:
            p.records.codings()
        Project.open(example_dir).records.excerpts()  # never closed: forgotten
        run("-p", str(example_dir), "status")
    assert opened_now() <= before
