"""Benchmark: coding together — agreement on the synthetic project, and concurrent writers.

    python benchmarks/bench_collab.py                 # builds the 500,000-coding project in a temp folder
    python benchmarks/bench_collab.py --project DIR   # reuses (or first builds) the project at DIR

Targets (issue 6), each printed beside a baseline measured in the same run, with the ratio:

- agreement for the synthetic project's 10 coders (its 9 independent coders and the agreed set,
  500,000 codings) ≤ 5 s, in process and as a whole `workbench agreement` process; baseline: the
  bare SQL read of those codings' ids that any agreement computation has to make.
- 10 processes coding one project at once sustain ≥ 500 durable codings/s in total (each coding
  its own committed transaction, synchronous=FULL, so the disk's fsync rate is the ceiling),
  printed beside one writer alone doing the same.

Times are medians of --repeat runs, with the CPU time beside the wall time (on a busy machine the
two part ways); writer rates are the best of --repeat runs (a busy machine only slows them down).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}

WRITER = r"""
import sys
from pathlib import Path
from workbench.core.model import Coding
from workbench.store.api import Project

folder, coder, n = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
with Project.open(folder) as project:
    excerpts = [e.key for e in project.records.excerpts()]
    subthemes = [s.name for s in project.codebook.get().all_subthemes()]
    sys.stdout.write("ready\n"); sys.stdout.flush()
    sys.stdin.readline()  # start together
    for i in range(n):
        project.records.code_durably(Coding(excerpts[i % len(excerpts)], subthemes[(i // len(excerpts)) % len(subthemes)],
                                    coder, None, None))
"""


def ensure_project(folder: Path, codings: int) -> None:
    if (folder / "workbench.db").exists():
        return
    print(f"building the synthetic project ({codings:,} codings) in {folder} …", flush=True)
    code = ("import sys; from pathlib import Path; from workbench.synthetic import make_synthetic_project; "
            f"make_synthetic_project(Path(sys.argv[1]), codings={codings})")
    subprocess.run([sys.executable, "-c", code, str(folder)], check=True, cwd=ROOT, env=ENV)


def line(label: str, value: float, base: float, unit: str, base_label: str, target: str) -> None:
    print(f"  {label:<44} {value:8.2f} {unit:<10} baseline ({base_label}) {base:8.2f} {unit:<10} "
          f"ratio {value / base:6.2f}   target {target}")


def bench_agreement(folder: Path, repeat: int) -> None:
    from workbench.analysis.agreement import agreement
    from workbench.store.api import Project

    with Project.open(folder) as project:
        coders = project.records.coders()  # all ten, the agreed set included
    con = sqlite3.connect(folder / "workbench.db")
    placeholders = ",".join("?" * len(coders))
    coder_ids = [r[0] for r in con.execute(f"SELECT id FROM coder WHERE name IN ({placeholders})", coders)]
    sql = (f"SELECT excerpt_id, subtheme_id, coder_id, valence_id, perspective_id FROM coding "
           f"WHERE coder_id IN ({','.join('?' * len(coder_ids))})")
    base_times, times, cpu = [], [], []
    with Project.open(folder) as project:
        for _ in range(repeat):
            t = time.perf_counter()
            n = len(con.execute(sql, coder_ids).fetchall())
            base_times.append(time.perf_counter() - t)
            t, c = time.perf_counter(), time.process_time()
            result = agreement(project, coders)
            times.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
    base = statistics.median(base_times)
    print(f"agreement: {len(coders)} coders, {n:,} codings, {result.units:,} units; overall subtheme alpha "
          f"{result.overall().alpha:.3f}")
    line("agreement(), in process", statistics.median(times), base, "s", "SQL read of the ids", "≤ 5 s")
    line("  of which CPU time", statistics.median(cpu), base, "s", "SQL read of the ids", "")
    proc_times, proc_cpu = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(max(1, repeat // 2)):
            t, before = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
            subprocess.run([sys.executable, "-m", "workbench", "-p", str(folder), "agreement", "--coders",
                            ",".join(coders), "--format", "json", "-o", str(Path(tmp) / "a.json")],
                           check=True, env=ENV, capture_output=True)
            proc_times.append(time.perf_counter() - t)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            proc_cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    line("workbench agreement --format json (process)", statistics.median(proc_times), base, "s",
         "SQL read of the ids", "≤ 5 s")
    line("  of which CPU time", statistics.median(proc_cpu), base, "s", "SQL read of the ids", "")


def run_writers(template: Path, writers: int, per_writer: int) -> float:
    """Total durable codings per second of `writers` processes started together on a fresh copy."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "p"
        shutil.copytree(template, folder)
        procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(folder), f"w{i}", str(per_writer)], env=ENV,
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
                 for i in range(writers)]
        for p in procs:
            assert p.stdout is not None and p.stdout.readline().strip() == "ready"
        t = time.perf_counter()
        for p in procs:
            assert p.stdin is not None
            p.stdin.write("go\n")
            p.stdin.flush()
        for p in procs:
            p.wait()
            assert p.returncode == 0
        elapsed = time.perf_counter() - t
        con = sqlite3.connect(folder / "workbench.db")
        found = con.execute("SELECT count(*) FROM coding JOIN coder ON coder.id = coding.coder_id "
                            "WHERE coder.name LIKE 'w%'").fetchone()[0]
        con.close()
        assert found == writers * per_writer, (found, writers * per_writer)
        return writers * per_writer / elapsed


def bench_writers(repeat: int, per_writer: int) -> None:
    from workbench.core.example import example_files
    from workbench.services.build import build_project

    with tempfile.TemporaryDirectory() as tmp:
        template = Path(tmp) / "example"
        f = example_files()
        build_project(template, f["codebook"], f["sources"], f["excerpts"], None, None, "bench")
        single = max(run_writers(template, 1, per_writer * 2) for _ in range(repeat))
        ten = max(run_writers(template, 10, per_writer) for _ in range(repeat))
    print(f"concurrent writers: 10 processes × {per_writer} codings, each its own committed transaction "
          "(every coding found afterwards)")
    line("10 writers at once (durable codings/s)", ten, single, "/s", "1 writer", "≥ 500 /s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--project", type=Path, default=None, help="Synthetic project folder to reuse or build.")
    ap.add_argument("--codings", type=int, default=500_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--per-writer", type=int, default=300)
    ap.add_argument("--skip-agreement", action="store_true")
    ap.add_argument("--skip-writers", action="store_true")
    args = ap.parse_args()
    print(f"machine: {os.cpu_count()} cpus, load average {os.getloadavg()[0]:.1f}")
    if not args.skip_agreement:
        with tempfile.TemporaryDirectory() as tmp:
            folder = args.project or Path(tmp) / "synthetic"
            ensure_project(folder, args.codings)
            bench_agreement(folder, args.repeat)
    if not args.skip_writers:
        bench_writers(args.repeat, args.per_writer)


if __name__ == "__main__":
    main()
