"""Benchmark: the analyst's door (workbench.open) on the synthetic project.

    python benchmarks/bench_python_api.py                  # builds the 500,000-coding project in a temp folder
    python benchmarks/bench_python_api.py --project DIR    # reuses (or first builds) the project at DIR
    python benchmarks/bench_python_api.py --codings 50000  # a quicker, smaller run

Targets (issue 17), each printed beside a baseline measured in the same run, with the ratio:

- `syn.codings()` (500,000 rows, categoricals included) ≤ 1.5× `pandas.read_sql` of the same rows
  (one SQL joining the names of excerpt, source, theme, subtheme, coder, valence, perspective).
- `syn.cells()` (default coders: the agreed set) ≤ 1.5× the CLI's cell derivation in process:
  `build_table`, what `export table` runs to derive the cells it writes (`derive_cells` and the
  table's summaries, staleness and groups). `derive_cells` alone is printed too, for reference.
- `syn.matrix()` ≤ 1 s (baseline: the CLI's `build_matrix`).
- for reference: `syn.cooccurrence()` per excerpt and per source, `syn.graph()`.

Times are medians of --repeat runs, each figure and its baseline interleaved so a busy machine slows
both alike.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SAME_ROWS = """
SELECT e.key AS excerpt, s.ref AS source, th.name AS theme, st.name AS subtheme, cd.name AS coder,
       v.name AS valence, p.name AS perspective, c.start, c."end", c.note, c.time, c.uuid
FROM coding c
JOIN excerpt e ON e.id = c.excerpt_id
JOIN source s ON s.id = e.source_id
JOIN subtheme st ON st.id = c.subtheme_id
LEFT JOIN theme th ON th.id = st.theme_id
JOIN coder cd ON cd.id = c.coder_id
LEFT JOIN valence v ON v.id = c.valence_id
LEFT JOIN perspective p ON p.id = c.perspective_id
ORDER BY c.id
"""


def ensure_project(folder: Path, codings: int) -> None:
    if (folder / "workbench.db").exists():
        return
    print(f"building the synthetic project ({codings:,} codings) in {folder} …", flush=True)
    code = ("import sys; from pathlib import Path; from workbench.synthetic import make_synthetic_project; "
            f"make_synthetic_project(Path(sys.argv[1]), codings={codings}, excerpts=max(500, {codings} // 10))")
    subprocess.run([sys.executable, "-c", code, str(folder)], check=True, cwd=ROOT,
                   env={**os.environ, "PYTHONPATH": str(ROOT)})


def interleaved(a: Callable[[], object], b: Callable[[], object], repeat: int) -> tuple[float, float]:
    ta, tb = [], []
    a(), b()  # warm the page cache and the imports for both
    for _ in range(repeat):
        t = time.perf_counter()
        a()
        ta.append(time.perf_counter() - t)
        t = time.perf_counter()
        b()
        tb.append(time.perf_counter() - t)
    return statistics.median(ta), statistics.median(tb)


def row(label: str, value: float, base_label: str, base: float, target: str, ok: bool) -> None:
    ratio = value / base if base else float("inf")
    print(f"{label:<34} {value:7.3f} s   {base_label:<34} {base:7.3f} s   {ratio:5.2f}×   {target:<16} "
          f"{'ok' if ok else 'MISSED'}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--project", type=Path, default=None, help="project folder to reuse or create")
    ap.add_argument("--codings", type=int, default=500_000)
    ap.add_argument("--repeat", type=int, default=5)
    opts = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="wb-bench-api-") as tmp:
        folder = opts.project or Path(tmp) / "synthetic"
        ensure_project(folder, opts.codings)
        run(folder, opts.repeat)


def run(folder: Path, repeat: int) -> None:
    import pandas as pd
    from sqlalchemy import text

    import workbench
    from workbench.analysis.cells import derive_cells
    from workbench.analysis.matrix import build_matrix
    from workbench.analysis.table import build_table

    syn = workbench.open(folder)
    project = syn._project  # the same open database, for the baselines
    counts = project.counts()
    print(f"project: {counts['codings']:,} codings, {counts['excerpts']:,} excerpts, {counts['sources']:,} sources, "
          f"{counts['subthemes']} subthemes; load average {os.getloadavg()[0]:.1f}; median of {repeat}")
    print(f"{'figure':<34} {'value':>9}   {'baseline (same run)':<34} {'value':>9}   ratio   target")

    def read_sql() -> object:
        with project.engine.connect() as conn:
            return pd.read_sql(text(SAME_ROWS), conn)

    frame = syn.codings()
    assert len(frame) == len(read_sql()) == counts["codings"]
    t, b = interleaved(syn.codings, read_sql, repeat)
    row("syn.codings()", t, "pandas.read_sql, same rows", b, "≤ 1.5× base", t <= 1.5 * b)

    t, b = interleaved(syn.cells, lambda: build_table(project.viewer(None)), repeat)
    row("syn.cells()", t, "build_table (export table's cells)", b, "≤ 1.5× base", t <= 1.5 * b)
    t, b = interleaved(syn.cells, lambda: derive_cells(project.viewer(None)).cells, repeat)
    row("syn.cells()", t, "derive_cells alone", b, "(reference)", True)

    t, b = interleaved(syn.matrix, lambda: build_matrix(project.viewer(None)), repeat)
    row("syn.matrix()", t, "build_matrix (the CLI's)", b, "≤ 1 s", t <= 1.0)

    t, b = interleaved(syn.cooccurrence, lambda: derive_cells(project.viewer(None)).cells, repeat)
    row("syn.cooccurrence() per excerpt", t, "derive_cells", b, "(reference)", True)
    t, b = interleaved(lambda: syn.cooccurrence("source"), lambda: derive_cells(project.viewer(None)).cells, repeat)
    row("syn.cooccurrence('source')", t, "derive_cells", b, "(reference)", True)
    syn.close()


if __name__ == "__main__":
    main()
