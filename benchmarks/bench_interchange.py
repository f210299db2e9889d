"""Benchmark: REFI-QDA export and import of the synthetic project, beside the CSV/YAML path.

    python benchmarks/bench_interchange.py                      # the full 500,000-coding project
    python benchmarks/bench_interchange.py --codings 50000      # a smaller one, built in a temp folder
    python benchmarks/bench_interchange.py --project DIR        # reuse (or first build) the project at DIR

Each operation runs in a fresh child process, which reports its time and its peak memory (max RSS),
and each is printed beside its baseline measured in the same run, with the ratio:

- export .qdpx (snapshot, project.qde and sources/*.txt, the streaming schema self-check) vs
  writing the same records as the CSV/YAML files of DESIGN.md (codebook, sources, excerpts,
  codings, summaries);
- `new --qdpx` (safe unzip, defusedxml gate, one streaming lxml pass that validates and reads,
  mapping, one transaction) vs `new` from those CSV/YAML files;
- the schema check alone (libxml2, streaming: what every import and export runs) vs xmlschema (what
  the tests validate written files with) — xmlschema only below 100,000 codings, as it needs
  minutes and gigabytes for the full project.

Times are the best of --repeat runs (default 1: the full project takes minutes per run).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Each snippet runs in a child; `args` is sys.argv[1:]. It prints nothing; the wrapper times it.
OPS = {
    "export_csv": """
from workbench.formats.codebook_yaml import write_codebook
from workbench.formats.records import write_records
from workbench.store.api import Project
p = Project.open(Path(args[0])); out = Path(args[1]); out.mkdir(exist_ok=True)
write_codebook(p.codebook.get(), out / "codebook.yaml")
for kind, items in (("sources", p.records.sources()), ("excerpts", p.records.excerpts()), ("codings", p.records.codings()),
                    ("summaries", p.summaries.all())):
    write_records(kind, items, out / f"{kind}.csv", "csv")
""",
    "export_qdpx": """
from workbench.formats.refi.qdpx import project_qdpx
from workbench.store.api import Project
project_qdpx(Project.open(Path(args[0])).interchange.bundle(), Path(args[1]))
""",
    "new_csv": """
from workbench.services.build import build_project
d = Path(args[1])
build_project(Path(args[0]), d / "codebook.yaml", d / "sources.csv", d / "excerpts.csv", d / "codings.csv",
              d / "summaries.csv")
""",
    "new_qdpx": """
from workbench.services.build import build_project_from_qdpx
build_project_from_qdpx(Path(args[0]), Path(args[1]))
""",
    "check_lxml": """
import zipfile
from workbench.formats.refi.xmlio import validate_stream
validate_stream(zipfile.ZipFile(args[0]).open("project.qde"), "project", "project.qde")
""",
    "check_xmlschema": """
import zipfile
from workbench.formats.refi.xmlio import validation_errors
assert validation_errors(zipfile.ZipFile(args[0]).read("project.qde"), "project") == []
""",
}

WRAPPER = """
import json, resource, sys, time
from pathlib import Path
args = sys.argv[2:]
t = time.perf_counter()
exec(compile({body!r}, "op", "exec"))
print(json.dumps({{"seconds": time.perf_counter() - t,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def run(op: str, *args: str) -> dict[str, float]:
    done = subprocess.run([sys.executable, "-c", WRAPPER.format(body=OPS[op]), op, *args], cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def best(op: str, repeat: int, *args: str, before=None) -> dict[str, float]:  # type: ignore[no-untyped-def]
    runs = []
    for _ in range(repeat):
        if before:
            before()
        runs.append(run(op, *args))
    return {"seconds": min(r["seconds"] for r in runs), "rss_mb": max(r["rss_mb"] for r in runs)}


def ensure_project(folder: Path, codings: int) -> None:
    if (folder / "workbench.db").exists():
        return
    print(f"building the synthetic project ({codings:,} codings) in {folder} …", flush=True)
    excerpts = max(codings // 10, 100)
    code = ("import sys; from pathlib import Path; from workbench.synthetic import make_synthetic_project; "
            f"make_synthetic_project(Path(sys.argv[1]), excerpts={excerpts}, sources={max(excerpts // 50, 10)}, "
            f"codings={codings})")
    subprocess.run([sys.executable, "-c", code, str(folder)], check=True, cwd=ROOT,
                   env={**os.environ, "PYTHONPATH": str(ROOT)})


def line(label: str, value: dict[str, float], base_label: str, base: dict[str, float]) -> None:
    for key, unit in (("seconds", "s"), ("rss_mb", "MB")):
        what = label if key == "seconds" else "  peak memory"
        print(f"{what:<30} {value[key]:9.2f} {unit:<2}  baseline ({base_label}): {base[key]:9.2f} {unit:<2}  "
              f"ratio {value[key] / base[key]:5.2f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--project", type=Path, default=None)
    ap.add_argument("--codings", type=int, default=500_000)
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-interchange-"))
    folder = args.project or work / "synthetic"
    ensure_project(folder, args.codings)
    from workbench.store.api import Project

    with Project.open(folder) as p:
        counts = p.counts()
    print(f"project: {counts['sources']:,} sources, {counts['excerpts']:,} excerpts, {counts['codings']:,} codings, "
          f"{counts['summaries']:,} summaries")
    csv_dir, qdpx = work / "csv", work / "project.qdpx"
    base = best("export_csv", args.repeat, str(folder), str(csv_dir))
    line("export .qdpx", best("export_qdpx", args.repeat, str(folder), str(qdpx)), "CSV/YAML export", base)

    def clear(name: str):  # type: ignore[no-untyped-def]
        return lambda: shutil.rmtree(work / name, ignore_errors=True)

    base = best("new_csv", args.repeat, str(work / "from-csv"), str(csv_dir), before=clear("from-csv"))
    line("new --qdpx", best("new_qdpx", args.repeat, str(work / "from-qdpx"), str(qdpx), before=clear("from-qdpx")),
         "new from CSV/YAML", base)
    with Project.open(work / "from-qdpx") as copy:
        assert copy.counts() == counts, (copy.counts(), counts)
    lxml = best("check_lxml", args.repeat, str(qdpx))
    if counts["codings"] < 100_000:
        line("schema check (libxml2)", lxml, "xmlschema", best("check_xmlschema", 1, str(qdpx)))
    else:
        print(f"{'schema check (libxml2)':<30} {lxml['seconds']:9.2f} s   peak memory {lxml['rss_mb']:.0f} MB "
              "(xmlschema skipped above 100,000 codings)")
    import zipfile

    unpacked = zipfile.ZipFile(qdpx).getinfo("project.qde").file_size
    print(f"{'.qdpx size':<30} {qdpx.stat().st_size / 1024**2:9.1f} MB  (project.qde {unpacked / 1024**2:.1f} MB unpacked)")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
