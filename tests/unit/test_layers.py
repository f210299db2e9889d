"""The layers of docs/ARCHITECTURE.md hold: the import-linter contracts in pyproject.toml are kept.

Run as a test as well as in .ci/run, so a back-edge (analysis reading a file through formats, the
store calling an analysis) fails where a developer looks first. The second test proves the check
reads our code and can fail: a contract that the CLI never imports the store must be broken.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
LINT = shutil.which("lint-imports") or str(Path(sys.executable).with_name("lint-imports"))


def _lint(config: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([LINT, "--no-cache", "--no-logo", str(config)], capture_output=True, text=True,
                          cwd=REPO, timeout=120)


def test_the_layer_contracts_are_kept() -> None:
    out = _lint(REPO / "pyproject.toml")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "0 broken" in out.stdout and "store imports only core KEPT" in out.stdout


def test_a_false_contract_is_reported_broken(tmp_path: Path) -> None:
    config = tmp_path / "false.toml"
    config.write_text('[tool.importlinter]\nroot_package = "workbench"\n\n'
                      '[[tool.importlinter.contracts]]\nname = "the CLI never reaches the store"\n'
                      'type = "forbidden"\nsource_modules = ["workbench.cli"]\n'
                      'forbidden_modules = ["workbench.store"]\n')
    out = _lint(config)
    assert out.returncode == 1 and "BROKEN" in out.stdout
    assert "workbench.cli." in out.stdout  # it names the offending import

