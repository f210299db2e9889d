"""The wheel carries the bundled example, so `workbench example DIR` works from an installed copy,
not only from a checkout (issue 2). Built from the tracked files alone, as a clean clone would.

About 15–25 s: one wheel build (pip's build isolation fetches the pinned setuptools, as
`pip install` does), one venv, one install without any index.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _tracked_copy(target: Path) -> Path:
    """The repository's tracked files (a clean clone without the history); the whole tree if not a checkout."""
    # Tracked and not-ignored files: in a clean clone exactly the tracked ones.
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO,
                            capture_output=True)
    if listed.returncode != 0:
        shutil.copytree(REPO, target, ignore=shutil.ignore_patterns(".git", "build", "*.egg-info", "__pycache__"))
        return target
    for name in filter(None, listed.stdout.decode().split("\0")):
        src = REPO / name
        if src.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, target / name)
    return target


def test_wheel_contains_the_example_and_example_runs_from_it(tmp_path: Path) -> None:
    source = _tracked_copy(tmp_path / "clone")
    wheels = tmp_path / "wheels"
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", str(source), "-w", str(wheels), "--no-deps",
                            "-q"], capture_output=True, text=True, timeout=300)
    assert build.returncode == 0, build.stderr
    wheel = next(wheels.glob("workbench-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ("workbench/_example/codebooks/peer-support.yaml", "workbench/_example/codebooks/template.yaml",
                   "workbench/_example/excerpts/codings.csv", "workbench/_example/excerpts/summaries.csv",
                   "workbench/store/migrations/versions/0001_initial_schema.py",
                   "workbench/store/migrations/script.py.mako"):
        assert needed in names, needed

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    # The dependencies come from the interpreter running the tests, whether that is a system Python
    # or itself a venv (where --system-site-packages would reach past it to the base Python): its
    # site-packages are listed in a .pth file, which adds them after the venv's own (the wheel
    # wins) and runs none of their .pth hooks (an editable checkout stays out of sight).
    purelib = subprocess.run([str(bin_dir / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True, timeout=60).stdout.strip()
    import site

    outer = [p for p in (*site.getsitepackages(), site.getusersitepackages()) if Path(p).is_dir()]
    Path(purelib).mkdir(parents=True, exist_ok=True)
    (Path(purelib) / "_outer_site.pth").write_text("\n".join(outer) + "\n", encoding="utf-8")
    install = subprocess.run([sys.executable, "-m", "pip", "--python", str(bin_dir / "python"), "install", "-q",
                              "--no-deps", "--no-index", str(wheel)], capture_output=True, text=True, timeout=300)
    assert install.returncode == 0, install.stderr
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    work = tmp_path / "elsewhere"
    work.mkdir()
    where = subprocess.run([str(bin_dir / "python"), "-c", "import workbench; print(workbench.__file__)"],
                           capture_output=True, text=True, cwd=work, env=env, timeout=60)
    assert str(venv) in where.stdout, "the test would not exercise the installed wheel"
    made = subprocess.run([str(bin_dir / "workbench"), "example", "peer-support"], capture_output=True, text=True,
                          cwd=work, env=env, timeout=120)
    assert made.returncode == 0, made.stderr
    assert "295 added" in made.stdout
    status = subprocess.run([str(bin_dir / "workbench"), "-p", "peer-support", "status"], capture_output=True,
                            text=True, cwd=work, env=env, timeout=60)
    assert status.returncode == 0 and "sources    11" in status.stdout
