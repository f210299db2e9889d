"""The progress bar appears only when stderr is a terminal (DESIGN.md): pipes and logs stay clean."""

from __future__ import annotations

import io
import sys

import pytest

from workbench.cli.common import progress


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class FakePipe(io.StringIO):
    def isatty(self) -> bool:
        return False


def test_silent_when_stderr_is_not_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    err = FakePipe()
    monkeypatch.setattr(sys, "stderr", err)
    with progress(500_000, "importing codings") as advance:
        for done in range(0, 500_000, 50_000):
            advance(done)
    assert err.getvalue() == ""


def test_a_bar_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    err = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", err)
    with progress(500_000, "importing codings") as advance:
        for done in range(0, 500_001, 50_000):
            advance(done)
    assert "importing codings" in err.getvalue()


def test_no_bar_for_small_work_even_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    err = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", err)
    with progress(200, "importing codings") as advance:
        advance(100)
    assert err.getvalue() == ""


def test_import_reports_progress_to_the_callback(synthetic_dir, synthetic_inputs) -> None:  # type: ignore[no-untyped-def]
    """add_codings calls the callback while checking rows and while inserting, up to the total."""
    from workbench.formats.records import read_codings
    from workbench.store.api import Project

    rows = read_codings(synthetic_inputs / "codings.csv")
    seen: list[int] = []
    with Project.open(synthetic_dir) as p:
        result = p.records.add_codings(rows, "x", "codings.csv", seen.append)
    assert result.already == len(rows) == 5_000
    assert seen[0] == 0 and seen == sorted(seen) and seen[-1] >= len(rows)


def test_busy_spinner_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    from workbench.cli.common import busy

    pipe = FakePipe()
    monkeypatch.setattr(sys, "stderr", pipe)
    with busy("reading codings.csv"):
        pass
    assert pipe.getvalue() == ""
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    with busy("reading codings.csv"):
        import time

        time.sleep(0.3)
    assert "reading codings.csv" in terminal.getvalue()
