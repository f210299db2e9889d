"""Heavy and UI libraries stay out of the core and out of everyday start-up (STYLE.md, after
harlequin's test_import_hygiene.py).

Each check runs in a fresh interpreter, because this test process has long since imported
everything. The cost guarded against: `workbench --help` or `status` paying for pandas, spaCy,
Textual or Alembic (each a few hundred milliseconds), and the domain core growing a UI dependency.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
HEAVY = ("textual", "spacy", "pandas", "matplotlib", "alembic", "numpy", "networkx", "rich")


def loaded_after(code: str) -> list[str]:
    """Which HEAVY top-level packages are in sys.modules after running `code` in a new process."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}})))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=REPO, timeout=120,
                         env={**os.environ, "PYTHONPATH": str(REPO)}, check=True)
    loaded = json.loads(out.stdout.strip().splitlines()[-1])
    return [m for m in HEAVY if m in loaded]


def test_headless_layers_do_not_load_ui_or_heavy_libraries() -> None:
    code = ("import workbench.core.model, workbench.core.errors, workbench.core.refs, workbench.core.ids\n"
            "import workbench.store.api, workbench.analysis.cells, workbench.analysis.table\n"
            "import workbench.formats.records, workbench.formats.codebook_yaml\n"
            "import workbench.services.build, workbench.services.merge, workbench.services.verify\n"
            "import workbench.analysis.narrative, workbench.analysis.appendix, workbench.analysis.checklist\n"
            "import workbench.formats.writeup_md, workbench.formats.writeup_html, workbench.formats.writeup_docx")
    assert loaded_after(code) == []


def test_help_loads_nothing_heavy() -> None:
    code = ("from workbench.cli import cli\n"
            "try:\n    cli(['--help'], prog_name='workbench')\nexcept SystemExit as e:\n    assert e.code == 0")
    assert loaded_after(code) == []


@pytest.mark.parametrize("args", [["status"], ["check"], ["log", "-n", "3"], ["codebook", "show"]])
def test_everyday_commands_load_nothing_heavy(example_dir: Path, args: list[str]) -> None:
    code = ("from workbench.cli import cli\n"
            f"try:\n    cli(['-p', {str(example_dir)!r}, *{args!r}], prog_name='workbench')\n"
            "except SystemExit as e:\n    assert e.code == 0, e.code")
    assert loaded_after(code) == []


def test_workbench_help_in_a_real_process() -> None:
    out = subprocess.run([sys.executable, "-m", "workbench", "--help"], capture_output=True, text=True, cwd=REPO,
                         env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=60)
    assert out.returncode == 0 and "Example:" in out.stdout and out.stderr == ""


def test_import_workbench_and_open_load_nothing_heavy(example_dir: Path) -> None:
    """`import workbench` and `workbench.open(…)` cost a script nothing heavy: pandas, networkx and
    spaCy come in with the first frame or graph that needs them."""
    assert loaded_after("import workbench") == []
    assert loaded_after(f"import workbench\nsyn = workbench.open({str(example_dir)!r})\nsyn.close()") == []


def test_the_analysts_frames_load_only_what_they_use(example_dir: Path) -> None:
    opened = f"import workbench\nsyn = workbench.open({str(example_dir)!r})\n"
    assert loaded_after(opened + "syn.codings(); syn.cells(); syn.matrix(); syn.cooccurrence()") == ["pandas", "numpy"]
    assert loaded_after(opened + "syn.graph()") == ["networkx"]
