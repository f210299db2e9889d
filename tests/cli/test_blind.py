"""Blind coding: on by default until reconciling starts; each coder sees only their own codings."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from workbench.store.api import Project


def coders_in(csv_text: str) -> set[str]:
    return {r["coder"] for r in csv.DictReader(io.StringIO(csv_text))}


def test_blind_is_on_before_reconciling_and_off_once_an_agreed_set_exists(independent_dir: Path,
                                                                          example_dir: Path, run) -> None:
    assert run("-p", str(independent_dir), "settings", "blind").output.strip() == "on"
    assert run("-p", str(example_dir), "settings", "blind").output.strip() == "off"
    listing = run("-p", str(independent_dir), "settings").output
    assert "blind            on (default: on until reconciling starts)" in listing


def test_export_codings_shows_only_the_coders_own_while_blind(independent_dir: Path, run) -> None:
    p = str(independent_dir)
    mine = run("--coder", "amira", "-p", p, "export", "codings", "--format", "csv")
    assert mine.exit_code == 0 and coders_in(mine.stdout) == {"amira"}
    env_coder = run("-p", p, "export", "codings", "--format", "csv", env={"WORKBENCH_CODER": "ben"})
    assert coders_in(env_coder.stdout) == {"ben"}
    nobody = run("-p", p, "export", "codings", "--format", "csv")
    assert nobody.exit_code == 1 and "--coder NAME" in nobody.output
    assert run("-p", p, "settings", "blind", "off").exit_code == 0
    everyone = run("--coder", "amira", "-p", p, "export", "codings", "--format", "csv")
    assert coders_in(everyone.stdout) == {"amira", "ben"} and not everyone.stderr
    assert run("-p", p, "settings", "blind", "on").output.strip() == "blind coding is now on"
    assert coders_in(run("--coder", "ben", "-p", p, "export", "codings").stdout) == {"ben"}


def test_compare_refuses_while_blind(independent_dir: Path, run) -> None:
    result = run("--coder", "chair", "-p", str(independent_dir), "compare", "list")
    assert result.exit_code == 1
    assert "codes blind" in result.output and "settings blind off" in result.output
    # coverage shows no one's codings, so it is allowed
    assert run("-p", str(independent_dir), "compare", "coverage").exit_code == 0


def test_the_viewer_holds_the_rule(independent_dir: Path) -> None:
    """`project.viewer(coder)` is the one door: own codings only while blind, nobody unnamed."""
    import pytest

    from workbench.core.errors import UserError

    with Project.open(independent_dir) as project:
        assert project.viewer("amira").own_only() == ["amira"]
        assert project.viewer("amira").scope().names == ["amira"]
        with pytest.raises(UserError, match="--coder NAME"):
            project.viewer(None).scope()
        with pytest.raises(UserError, match="codes blind"):
            project.viewer("amira").scope("ben")
        project.set_setting("blind", "0")
        assert project.viewer("amira").own_only() is None
        assert project.viewer(None).scope().names == ["amira", "ben"]


def test_nothing_applies_counts_as_coding_for_agreement(independent_dir: Path, run) -> None:
    """An excerpt only amira coded becomes a unit once ben marks it 'nothing applies'."""
    p = str(independent_dir)
    before = json.loads(run("-p", p, "agreement", "--format", "json").output)
    with Project.open(independent_dir) as project:
        coded = project.collab.coded_excerpts(["amira", "ben"])
        only_amira = sorted(e for e, who in coded.items() if who == {"amira"})
        assert only_amira
        project.records.mark_nothing_applies(only_amira[0], "ben")
        assert (only_amira[0], "ben") in project.collab.marks(["ben"])
    after = json.loads(run("-p", p, "agreement", "--format", "json").output)
    assert after["units"] == before["units"] + 1


def test_bad_settings_are_user_errors(independent_dir: Path, run) -> None:
    p = str(independent_dir)
    wrong = run("-p", p, "settings", "blind", "maybe")
    assert wrong.exit_code == 1 and "on or off" in wrong.output
    unknown = run("-p", p, "settings", "colour", "blue")
    assert unknown.exit_code == 1 and "unknown setting 'colour'" in unknown.output
    assert run("-p", p, "settings", "blind").output.strip() == "on"


def test_trace_and_table_show_only_the_coders_own_while_blind(independent_dir: Path, run) -> None:
    p = str(independent_dir)
    traced = run("--coder", "amira", "-p", p, "trace", "Wellbeing and recovery", "--json")
    assert traced.exit_code == 0
    doc = json.loads(traced.stdout)
    assert doc["coder_names"] == ["amira"]
    assert "\"ben\"" not in traced.output
    table = json.loads(run("--coder", "ben", "-p", p, "export", "table", "--format", "json").stdout)
    assert table["provenance"]["coder_names"] == ["ben"] and table["provenance"]["blind"] is True
    run("-p", p, "settings", "blind", "off")
    table = json.loads(run("--coder", "ben", "-p", p, "export", "table", "--format", "json").stdout)
    assert table["provenance"]["coder_names"] == ["amira", "ben"] and "blind" not in table["provenance"]
