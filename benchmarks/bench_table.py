"""Benchmark: the cell derivation and the table exports on the synthetic project.

    python benchmarks/bench_table.py                 # builds the 500,000-coding project in a temp folder
    python benchmarks/bench_table.py --project DIR   # reuses (or first builds) the project at DIR

Targets (issue 3), each printed beside a baseline measured in the same run, with the ratio:

- cell derivation (`derive_cells`, default coders = the agreed set) ≤ 2× one SQL
  `GROUP BY subtheme, valence, perspective` with `group_concat(DISTINCT source)` over the covering
  index, and ≤ 0.5 s. Also shown for every coder but the consensus coder (`--coders all`).
- `export table --format json` and `--format docx`, whole process (`python -m workbench …`,
  start-up included), ≤ 3 s each; baseline: the same process running `status`.
- peak memory of those processes (max RSS from wait4) ≤ 1 GB; baseline: `status`'s.

Times are medians of --repeat runs (default 7 for the derivation, 3 for the processes), with the
derivation and its baseline interleaved so a busy machine slows both alike.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def ensure_project(folder: Path, codings: int) -> None:
    if (folder / "workbench.db").exists():
        return
    print(f"building the synthetic project ({codings:,} codings) in {folder} …", flush=True)
    code = ("import sys; from pathlib import Path; from workbench.synthetic import make_synthetic_project; "
            f"make_synthetic_project(Path(sys.argv[1]), codings={codings})")
    subprocess.run([sys.executable, "-c", code, str(folder)], check=True, cwd=ROOT, env=ENV)


def baseline_sql(db: Path, coder_filter: str) -> Callable[[], object]:
    con = sqlite3.connect(db)
    sql = ("SELECT c.subtheme_id, c.valence_id, c.perspective_id, group_concat(DISTINCT e.source_id) "
           "FROM coding c JOIN excerpt e ON e.id = c.excerpt_id "
           f"WHERE c.coder_id {coder_filter} GROUP BY 1, 2, 3")
    plan = " / ".join(r[3] for r in con.execute("EXPLAIN QUERY PLAN " + sql))
    assert "COVERING INDEX ix_coding_cell" in plan, plan
    return lambda: con.execute(sql).fetchall()


def interleaved(a: Callable[[], object], b: Callable[[], object], repeat: int) -> tuple[float, float]:
    ta, tb = [], []
    a(), b()  # warm the page cache for both
    for _ in range(repeat):
        t = time.perf_counter()
        a()
        ta.append(time.perf_counter() - t)
        t = time.perf_counter()
        b()
        tb.append(time.perf_counter() - t)
    return statistics.median(ta), statistics.median(tb)


def process(args: list[str]) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB) of one `python -m workbench …` process."""
    t = time.perf_counter()
    p = subprocess.Popen([sys.executable, "-m", "workbench", *args], cwd=ROOT, env=ENV,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        raise SystemExit(f"workbench {' '.join(args)} failed: {p.stderr.read().decode() if p.stderr else ''}")
    return wall, usage.ru_maxrss / 1024  # Linux: kB


def median_process(args: list[str], repeat: int) -> tuple[float, float]:
    runs = [process(args) for _ in range(repeat)]
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs)


def row(label: str, value: float, base: float, unit: str, target: str) -> None:
    ratio = value / base if base else float("inf")
    print(f"{label:<44} {value:8.3f} {unit:<3} baseline {base:8.3f} {unit:<3} ratio {ratio:5.2f}   {target}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--project", type=Path, default=None, help="project folder to reuse or create")
    ap.add_argument("--codings", type=int, default=500_000)
    ap.add_argument("--repeat", type=int, default=7)
    opts = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="wb-bench-table-") as tmp:
        folder = opts.project or Path(tmp) / "synthetic"
        ensure_project(folder, opts.codings)
        run(folder, opts.repeat, Path(tmp))


def run(folder: Path, repeat: int, scratch: Path) -> None:
    # The processes first, while this one is small: a child's max RSS counts the memory it was
    # forked with, so measuring after loading the project here would inflate every figure.
    n = max(3, repeat // 2)
    base_t, base_m = median_process(["-p", str(folder), "status"], n)
    results = {fmt: median_process(["-p", str(folder), "export", "table", "--format", fmt,
                                    "-o", str(scratch / f"table.{fmt}")], n) for fmt in ("json", "docx")}

    from workbench.analysis.cells import derive_cells
    from workbench.store.api import Project

    db = folder / "workbench.db"
    with Project.open(folder) as project:
        counts = project.counts()
        consensus = project.codebook.get().consensus_coder
        d = derive_cells(project.viewer(None))
        print(f"project: {counts['codings']:,} codings, {counts['excerpts']:,} excerpts, {counts['sources']:,} "
              f"sources, {counts['subthemes']} subthemes, {counts['coders']} coders; default coders: "
              f"{d.coder_choice} ({len(d.cells):,} cells)\n")
        cid = sqlite3.connect(db).execute("SELECT id FROM coder WHERE name = ?", (consensus,)).fetchone()[0]
        ours, base = interleaved(lambda: derive_cells(project.viewer(None)), baseline_sql(db, f"= {cid}"), repeat)
        row("cell derivation (agreed set)", ours, base, "s", "target ≤ 2× and ≤ 0.5 s")
        ours, base = interleaved(lambda: derive_cells(project.viewer(None), "all"), baseline_sql(db, f"<> {cid}"),
                                 max(3, repeat // 2))
        row("cell derivation (all coders, for reference)", ours, base, "s", "")
    for fmt in ("json", "docx"):
        row(f"export table --format {fmt} (whole process)", results[fmt][0], base_t, "s", "target ≤ 3 s")
    for fmt in ("json", "docx"):
        row(f"peak memory, export table --format {fmt}", results[fmt][1], base_m, "MB", "target ≤ 1024 MB")
    sizes = ", ".join(f"{f} {(scratch / f'table.{f}').stat().st_size / 1e6:.1f} MB" for f in results)
    print(f"\nfiles: {sizes}; baseline process: workbench status")


if __name__ == "__main__":
    main()
