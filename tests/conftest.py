"""Fixtures shared by every test: projects built the way users build them (by migrating).

`example_project` is the bundled peer-support example, copied fresh for each test; `run` invokes
the CLI in-process through click's CliRunner and returns the result.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from workbench.cli import cli
from workbench.core.example import example_files
from workbench.services.build import build_project

FIXTURES = Path(__file__).parent / "fixtures"

# Variables a test run must not inherit from the person running it; WORKBENCH_TEST_PG names the
# throwaway server .ci/postgres.sh started and is the only one kept.
_KEEP = {"WORKBENCH_TEST_PG"}


def pytest_configure(config: pytest.Config) -> None:
    """Before any fixture, session-scoped ones included (the shared template projects): no
    WORKBENCH_* variable of the person running the tests, and an empty config home."""
    import os
    import tempfile

    for name in [n for n in os.environ if n.startswith("WORKBENCH_") and n not in _KEEP]:
        del os.environ[name]
    os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="workbench-test-config-")


@pytest.fixture(autouse=True)
def _hermetic(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own empty config home and no WORKBENCH_* variables, so a machine where
    someone has used the app (a remembered name, WORKBENCH_CODER in a profile) runs the suite as a
    fresh one does. Subprocesses inherit the same environment."""
    import os

    home = tmp_path_factory.mktemp("config-home")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    for name in list(os.environ):
        if name.startswith("WORKBENCH_") and name not in _KEEP:
            monkeypatch.delenv(name)
    return home


@pytest.fixture(scope="session")
def _example_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("template") / "peer-support"
    f = example_files()
    build_project(folder, f["codebook"], f["sources"], f["excerpts"], f["codings"], f["summaries"], "example")
    return folder


@pytest.fixture
def example_dir(_example_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of the bundled example project (a folder with workbench.db)."""
    target = tmp_path / "peer-support"
    shutil.copytree(_example_template, target)
    return target


@pytest.fixture
def example_project(example_dir: Path):  # type: ignore[no-untyped-def]
    from workbench.store.api import Project

    with Project.open(example_dir) as project:
        yield project


@pytest.fixture
def run() -> Callable[..., Result]:
    """run(*args) → click Result; the CLI exactly as a user calls it, in-process."""
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
        return runner.invoke(cli, list(args), input=input, env=env, catch_exceptions=False)

    return invoke


@pytest.fixture(scope="session")
def _synthetic_graph_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("synthetic-graph") / "synthetic-graph"
    f = FIXTURES / "synthetic_graph"
    build_project(folder, f / "codebook.yaml", f / "sources.csv", f / "excerpts.csv", f / "codings.csv", None, "test")
    return folder


@pytest.fixture
def synthetic_graph_dir(_synthetic_graph_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of the SYNTHETIC graph fixture project (tests/fixtures/synthetic_graph/README.md),
    where every graph query has a proper, non-empty answer."""
    target = tmp_path / "synthetic-graph"
    shutil.copytree(_synthetic_graph_template, target)
    return target


@pytest.fixture(scope="session")
def _independent_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import csv

    base = tmp_path_factory.mktemp("independent")
    f = example_files()
    with f["codings"].open(encoding="utf-8", newline="") as src:
        rows = [r for r in csv.DictReader(src) if r["coder"] != "consensus"]
    codings = base / "codings.csv"
    with codings.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    folder = base / "independent"
    build_project(folder, f["codebook"], f["sources"], f["excerpts"], codings, None, "example")
    return folder


@pytest.fixture
def independent_dir(_independent_template: Path, tmp_path: Path) -> Path:
    """The bundled example before its meeting: amira's and ben's codings, no agreed set yet."""
    target = tmp_path / "independent"
    shutil.copytree(_independent_template, target)
    return target


# The synthetic project of the tests: the benchmarks' generator at about 1% of their size.
SYNTHETIC_SIZE = dict(excerpts=500, sources=50, subthemes=40, themes=5, coders=10, codings=5_000, seed=7)


@pytest.fixture(scope="session")
def _synthetic_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from workbench.synthetic import make_synthetic_project

    base = tmp_path_factory.mktemp("synthetic")
    return make_synthetic_project(base / "synthetic", inputs=base / "inputs", **SYNTHETIC_SIZE)


@pytest.fixture
def synthetic_dir(_synthetic_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of a synthetic project with 5,000 codings (workbench/synthetic.py); the text
    inputs it was built from are in `synthetic_inputs`."""
    target = tmp_path / "synthetic"
    shutil.copytree(_synthetic_template, target)
    return target


@pytest.fixture
def synthetic_inputs(_synthetic_template: Path) -> Path:
    """The folder holding codebook.yaml, sources.csv, excerpts.csv, codings.csv, summaries.csv of
    `synthetic_dir` (shared: copy before changing)."""
    return _synthetic_template.parent / "inputs"


@pytest.fixture
def author_year_dir(tmp_path: Path) -> Path:
    """A tiny author–year project (tests/fixtures/author_year: labels 'ong 2021' and 'Ong 2022', a
    no-valence row, a stale summary, an agreed set covering 7 of 8 coded excerpts)."""
    src = FIXTURES / "author_year"
    folder = tmp_path / "author-year"
    build_project(folder, src / "codebook.yaml", src / "sources.csv", src / "excerpts.csv", src / "codings.csv",
                  src / "summaries.csv", "test")
    return folder


# A blind project with three coders (amira, ben, ines) and an agreed set, and its "twin" holding
# only ines's codings: whatever ines sees of the first must equal what the second shows of hers.
BLIND_INES_EXCERPTS = ("e001", "e002", "e003", "e004", "e005", "e006")
BLIND_SUBTHEME = "Wellbeing and recovery"


def _write_rows(path: Path, rows: list[dict[str, str]]) -> Path:
    import csv

    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture(scope="session")
def _blind_templates(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, set[str]]:
    import csv

    from workbench.store.api import Project

    base = tmp_path_factory.mktemp("blind-scope")
    f = example_files()
    with f["codings"].open(encoding="utf-8", newline="") as src:
        rows = list(csv.DictReader(src))
    ines = [{**r, "coder": "ines"} for r in rows if r["coder"] == "amira" and r["excerpt"] in BLIND_INES_EXCERPTS]
    assert ines and any(r["subtheme"] == BLIND_SUBTHEME for r in ines)
    foreign = {r["excerpt"] for r in rows} - set(BLIND_INES_EXCERPTS)
    blind = base / "blind"
    build_project(blind, f["codebook"], f["sources"], f["excerpts"], _write_rows(base / "all.csv", rows + ines),
                  None, "test")
    with Project.open(blind) as project:
        project.set_setting("blind", "1", "test")
    twin = base / "twin"
    build_project(twin, f["codebook"], f["sources"], f["excerpts"], _write_rows(base / "ines.csv", ines), None,
                  "test")
    with Project.open(twin) as project:
        project.set_setting("blind", "0", "test")
    return blind, twin, foreign


@pytest.fixture
def blind_projects(_blind_templates: tuple[Path, Path, set[str]], tmp_path: Path) -> tuple[str, str, set[str]]:
    """(blind project, twin with only ines's codings, excerpt keys only the others coded), fresh copies."""
    blind, twin, foreign = _blind_templates
    shutil.copytree(blind, tmp_path / "blind")
    shutil.copytree(twin, tmp_path / "twin")
    return str(tmp_path / "blind"), str(tmp_path / "twin"), foreign
