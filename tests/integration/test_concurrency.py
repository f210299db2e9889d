"""Several coders at once on one SQLite project: nothing lost, nothing half-written.

Real processes, a real project folder: ten writers coding at once must all find their codings;
a writer killed with SIGKILL mid-run must leave a consistent database holding every coding it
acknowledged (it prints a uuid only after the commit returns) and no half of a bulk import.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from workbench.core.model import Coding, Summary
from workbench.store.api import Project, SummaryConflict

WRITER = r'''
import sys
from pathlib import Path
from workbench.core.model import Coding
from workbench.store.api import Project

folder, coder, n, batch_every = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
with Project.open(folder) as project:
    excerpts = [e.key for e in project.records.excerpts()]
    subthemes = [s.name for s in project.codebook.get().all_subthemes()]
    valences = [None, "benefit", "challenge"]
    per_round = len(excerpts) * len(subthemes)
    for i in range(n):
        c = Coding(excerpts[i % len(excerpts)], subthemes[(i // len(excerpts)) % len(subthemes)], coder,
                   valences[(i // per_round) % 3], "PSWs")
        print(project.records.code_durably(c), flush=True)
        if batch_every and i % batch_every == batch_every - 1:
            k = i // batch_every
            rows = [(j, Coding(excerpts[j % len(excerpts)], subthemes[(j // len(excerpts)) % len(subthemes)],
                               f"{coder}-batch-{k}", None, "PSWs")) for j in range(1000)]
            project.records.add_codings(rows, coder, "batch")
            print(f"batch {k}", flush=True)
'''


def writer(folder: Path, coder: str, n: int, batch_every: int = 0) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", WRITER, str(folder), coder, str(n), str(batch_every)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def integrity(folder: Path) -> str:
    with Project.open(folder) as project:
        return project.collab.integrity_check()


def test_ten_processes_code_one_project_at_once(independent_dir: Path) -> None:
    procs = [writer(independent_dir, f"w{i}", 1000) for i in range(10)]
    acknowledged: dict[str, set[str]] = {}
    for i, p in enumerate(procs):
        out, err = p.communicate(timeout=600)
        assert p.returncode == 0, err
        acknowledged[f"w{i}"] = set(out.split())
    with Project.open(independent_dir) as project:
        found = {c.uuid for c in project.records.codings([f"w{i}" for i in range(10)])}
        assert project.collab.integrity_check() == "ok"
    assert all(len(a) == 1000 for a in acknowledged.values())
    assert found == set().union(*acknowledged.values())
    assert len(found) == 10_000


def test_sigkill_mid_run_loses_nothing_acknowledged(independent_dir: Path) -> None:
    steady = writer(independent_dir, "steady", 300)
    victim = writer(independent_dir, "victim", 5000, batch_every=40)
    acknowledged: list[str] = []
    batches: list[int] = []
    assert victim.stdout is not None
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = victim.stdout.readline().strip()
        if not line:
            break
        if line.startswith("batch "):
            batches.append(int(line.split()[1]))
        else:
            acknowledged.append(line)
        if len(batches) >= 2 and len(acknowledged) % 40 == 7:  # between batches: likely mid-transaction
            time.sleep(0.002 * (len(acknowledged) % 5))
            os.kill(victim.pid, signal.SIGKILL)
            break
    victim.wait(timeout=60)
    assert victim.returncode == -signal.SIGKILL
    # whatever the victim printed after our last read was also acknowledged
    rest = victim.stdout.read().split("\n")
    acknowledged += [x for x in rest if x and not x.startswith("batch")]
    batches += [int(x.split()[1]) for x in rest if x.startswith("batch")]
    out, err = steady.communicate(timeout=600)
    assert steady.returncode == 0, err
    assert integrity(independent_dir) == "ok"
    with Project.open(independent_dir) as project:
        found = {c.uuid for c in project.records.codings(["victim"])}
        assert set(acknowledged) <= found
        assert len(found) - len(acknowledged) <= 1  # at most the one committed but not yet printed
        counts = {}
        for c in project.records.codings():
            if "-batch-" in c.coder:
                counts[c.coder] = counts.get(c.coder, 0) + 1
        assert all(n == 1000 for n in counts.values()), counts  # a bulk import is all or nothing
        assert {f"victim-batch-{k}" for k in batches} <= set(counts)
        assert len({c.uuid for c in project.records.codings(["steady"])}) == 300


def test_second_summary_writer_is_told_and_shown_both(independent_dir: Path) -> None:
    with Project.open(independent_dir) as alice, Project.open(independent_dir) as bob:
        cell = ("Workload", "challenge", "PSWs")
        alice.summaries.set(*cell, "first draft", "alice")
        seen_by_both = alice.summaries.get(*cell).version  # both open the cell at this version
        alice.summaries.set(*cell, "alice's rewrite", "alice", expected_version=seen_by_both)
        with pytest.raises(SummaryConflict) as caught:
            bob.summaries.set(*cell, "bob's rewrite", "bob", expected_version=seen_by_both)
        assert caught.value.mine == "bob's rewrite"
        assert isinstance(caught.value.theirs, Summary) and caught.value.theirs.text == "alice's rewrite"
        assert "alice saved this summary" in str(caught.value)
        assert bob.summaries.get(*cell).text == "alice's rewrite"  # never silently overwritten


def test_data_version_sees_another_connections_work(independent_dir: Path) -> None:
    with Project.open(independent_dir) as screen, Project.open(independent_dir) as other:
        before = screen.collab.data_version()
        other.records.code_durably(Coding("e001", "Workload", "carla", "challenge", "PSWs"))
        assert screen.collab.data_version() > before


def test_retry_on_locked_gives_up_on_other_errors() -> None:
    from sqlalchemy.exc import OperationalError

    from workbench.store.retry import retry_locked

    calls = []

    def locked_twice() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise OperationalError("INSERT", {}, Exception("database is locked"))
        return "done"

    assert retry_locked(locked_twice, pause=0.001) == "done" and len(calls) == 3
    with pytest.raises(OperationalError):
        retry_locked(lambda: (_ for _ in ()).throw(OperationalError("x", {}, Exception("disk I/O error"))))
