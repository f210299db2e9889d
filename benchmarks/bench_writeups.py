"""Benchmark: the write-ups (narrative, appendix, checklist) beside the table export, same run.

    python benchmarks/bench_writeups.py                 # builds the 500,000-coding project in a temp folder
    python benchmarks/bench_writeups.py --project DIR   # reuses (or first builds) the project at DIR

Targets (issue 18), whole process (`python -m workbench …`, start-up included), each printed
beside `export table --format md` measured in the same run (the write-ups start from the same
derivation, so the ratio shows what arranging and quoting adds):

- `export narrative` (md and docx) ≤ 3 s;
- `export appendix` (md, html and docx: every excerpt behind the agreed set's cells, quoted) ≤ 10 s;
- `export checklist` (md) for reference: it also computes the agreement figures;
- peak memory of each (max RSS from wait4), beside the table export's.

Times are medians of --repeat runs (default 3), the runs of all commands interleaved so a busy
machine slows each alike.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_table import ensure_project, process, row  # noqa: E402  (a sibling script)

RUNS = [("table", "md", None), ("narrative", "md", 3.0), ("narrative", "docx", 3.0), ("appendix", "md", 10.0),
        ("appendix", "html", 10.0), ("appendix", "docx", 10.0), ("checklist", "md", None)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--project", type=Path, default=None, help="project folder to reuse or create")
    ap.add_argument("--codings", type=int, default=500_000)
    ap.add_argument("--repeat", type=int, default=3)
    opts = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="wb-bench-writeups-") as tmp:
        folder = opts.project or Path(tmp) / "synthetic"
        ensure_project(folder, opts.codings)
        run(folder, opts.repeat, Path(tmp))


def run(folder: Path, repeat: int, scratch: Path) -> None:
    times: dict[tuple[str, str], list[float]] = {(w, f): [] for w, f, _t in RUNS}
    memory: dict[tuple[str, str], float] = {}
    for _ in range(repeat):
        for what, fmt, _target in RUNS:
            wall, rss = process(["-p", str(folder), "export", what, "--format", fmt,
                                 "-o", str(scratch / f"{what}.{fmt}")])
            times[(what, fmt)].append(wall)
            memory[(what, fmt)] = max(memory.get((what, fmt), 0.0), rss)
    base = statistics.median(times[("table", "md")])
    base_m = memory[("table", "md")]
    print(f"project: {folder}; baseline: export table --format md, median of {repeat}\n")
    for what, fmt, target in RUNS[1:]:
        goal = f"target ≤ {target:g} s" if target else "(reference)"
        row(f"export {what} {fmt} (whole process)", statistics.median(times[(what, fmt)]), base, "s", goal)
    for what, fmt, _target in RUNS[1:]:
        row(f"peak memory, export {what} {fmt}", memory[(what, fmt)], base_m, "MB", "")
    sizes = ", ".join(f"{w}.{f} {(scratch / f'{w}.{f}').stat().st_size / 1e6:.1f} MB" for w, f, _t in RUNS)
    print(f"\nfiles: {sizes}")


if __name__ == "__main__":
    main()
