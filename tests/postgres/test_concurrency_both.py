"""Several coders' processes coding at the same moment lose nothing — on SQLite and on the server.

Real processes (not threads): each opens the project the way the CLI does and records codings one
durable transaction at a time, all started together.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

from workbench.core.model import Coding

WORKERS = 4
EACH = 30

SCRIPT = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from workbench.core.model import Coding
    from workbench.store.api import Project

    where, coder, start_at, each = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
    project = Project.open(None, where) if "://" in where else Project.open(Path(where))
    keys = [e.key for e in project.records.excerpts()]
    subs = [s.name for th in project.codebook.get().themes for s in th.subthemes]
    while time.time() < start_at:
        time.sleep(0.005)
    for i in range(each):
        project.records.add_coding(Coding(keys[i % len(keys)], subs[i % len(subs)], coder, "benefit", None, note=str(i)))
    project.close()
""")


def _location(project) -> str:  # type: ignore[no-untyped-def]
    if project.is_sqlite:
        return str(project.folder)
    return project.engine.url.render_as_string(hide_password=False)


def test_concurrent_coders_lose_nothing(any_project) -> None:  # type: ignore[no-untyped-def]
    import time

    where = _location(any_project)
    start_at = time.time() + 2.0
    procs = [subprocess.Popen([sys.executable, "-c", SCRIPT, where, f"worker{n}", str(start_at), str(EACH)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for n in range(WORKERS)]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    codings = any_project.records.codings([f"worker{n}" for n in range(WORKERS)])
    assert len(codings) == WORKERS * EACH
    assert len({c.uuid for c in codings}) == WORKERS * EACH
    assert any_project.counts()["codings"] == 295 + WORKERS * EACH
    logged = [e for e in any_project.audit_log() if e["action"] == "code"]
    assert len(logged) == WORKERS * EACH


def test_two_connections_one_coding_twice_keep_one(any_project) -> None:  # type: ignore[no-untyped-def]
    """The unique natural key, not the app, keeps a doubled click from making two codings."""
    from workbench.store.api import Project

    where = _location(any_project)
    other = Project.open(None, where) if "://" in where else Project.open(any_project.folder)
    c = Coding("e010", "Boundaries", "zoe", "benefit", "PSWs")
    try:
        assert any_project.records.add_coding(c) == other.records.add_coding(c)
    finally:
        other.close()
    assert len([x for x in any_project.records.codings(["zoe"]) if x.excerpt == "e010"]) == 1
