"""Property-based fuzzing of every importer and exporter (issue 16), and its two profiles.

    python -m pytest tests/fuzz                              # CI: derandomised, a few hundred cases
    HYPOTHESIS_PROFILE=release python -m pytest tests/fuzz   # release check: 10,000 cases per family

The profile is the one thing read from the environment: without HYPOTHESIS_PROFILE the suite
is the same on every machine (derandomised, no example database), so CI stays reproducible.
`release` draws fresh random cases each run; a failure prints the example and a
`@reproduce_failure` blob to paste into the test. WORKBENCH_FUZZ_EXAMPLES overrides the number of
cases of either profile (e.g. to spread a release check over several sessions).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, settings

from workbench.core.example import example_files
from workbench.services.build import build_project

# No shrinking: a failing case of a whole import can take minutes to shrink; it is printed as drawn,
# with the blob that replays it.
_COMMON = dict(deadline=None, database=None, print_blob=True, phases=[Phase.explicit, Phase.generate],
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                      HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much])
settings.register_profile("ci", derandomize=True, max_examples=30, **_COMMON)  # type: ignore[arg-type]
settings.register_profile("release", derandomize=False, max_examples=10_000, **_COMMON)  # type: ignore[arg-type]
_profile = os.environ.get("HYPOTHESIS_PROFILE", "ci")
if os.environ.get("WORKBENCH_FUZZ_EXAMPLES"):
    settings.register_profile("override", settings.get_profile(_profile),
                              max_examples=int(os.environ["WORKBENCH_FUZZ_EXAMPLES"]))
    _profile = "override"
settings.load_profile(_profile)


@pytest.fixture(scope="session")
def fuzz_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled example project, built once; each case works on a fresh copy."""
    folder = tmp_path_factory.mktemp("fuzz-template") / "project"
    f = example_files()
    build_project(folder, f["codebook"], f["sources"], f["excerpts"], f["codings"], f["summaries"], "fuzz")
    return folder


@pytest.fixture(scope="session")
def seeds(fuzz_template: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """Valid files of every input kind, written by workbench itself: what the mutations start from."""
    from fuzz_harness import make_seeds

    return make_seeds(fuzz_template, tmp_path_factory.mktemp("fuzz-seeds"))


@pytest.fixture
def scratch(tmp_path: Path) -> Iterator[Path]:
    """A folder emptied before every generated case (hypothesis reuses a test's tmp_path)."""
    folder = tmp_path / "case"

    def reset() -> Path:
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        return folder

    yield reset  # type: ignore[misc]
