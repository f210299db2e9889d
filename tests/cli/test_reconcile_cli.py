"""`workbench compare` and `export agreement`: the meeting as a user runs it."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from workbench.store.api import Project


@pytest.fixture
def meeting(independent_dir: Path, run) -> str:  # type: ignore[no-untyped-def]
    assert run("-p", str(independent_dir), "settings", "blind", "off").exit_code == 0
    return str(independent_dir)


def listed(run, p: str, *extra: str) -> list[list[str]]:  # type: ignore[no-untyped-def]
    out = run("-p", p, "compare", "list", *extra).output
    return [line.split() for line in out.splitlines() if line[:1] == "e"]


def test_list_next_show(meeting: str, run) -> None:  # type: ignore[no-untyped-def]
    rows = listed(run, meeting)
    assert len(rows) == 54 and all(r[-2:] == ["to", "do"] for r in rows)
    nxt = run("-p", meeting, "compare", "next")
    assert nxt.exit_code == 0
    assert "[1 of 54] e001 · Recovery and role models" in nxt.output
    assert "amira" in nxt.output and "ben" in nxt.output and "did not apply it" in nxt.output
    assert "agreed set  —" in nxt.output
    show = run("-p", meeting, "compare", "show", "e001", "Recovery and role models")
    assert "benefit · PSWs" in show.output
    missing = run("-p", meeting, "compare", "show", "e001", "Workload")
    assert missing.exit_code == 1 and "do not disagree" in missing.output


def test_accept_write_reject_open_note_from_the_shell(meeting: str, run) -> None:  # type: ignore[no-untyped-def]
    chair = ("--coder", "chair", "-p", meeting, "compare")
    ok = run(*chair, "accept", "e001", "Recovery and role models", "--from", "ben", "--note", "ben is right")
    assert ok.exit_code == 0 and "accepted ben's coding" in ok.output
    assert run(*chair, "reject", "e002", "Workload").exit_code == 0
    assert run(*chair, "write", "e003", "Career, social inclusion and identity", "--valence", "benefit").exit_code == 0
    assert run(*chair, "open-note", "e004", "Lack of support and training", "ask the author").exit_code == 0
    rows = listed(run, meeting)
    assert len(rows) == 51 and rows[0][:1] == ["e004"] and "(ask the author)" in " ".join(rows[0])
    with Project.open(Path(meeting)) as project:
        agreed = {(c.excerpt, c.subtheme, c.valence, c.perspective) for c in project.records.codings(["consensus"])}
        assert ("e003", "Career, social inclusion and identity", "benefit", "PSWs") in agreed  # perspective from hint
        assert [d.status for d in project.collab.decisions()] == ["accepted", "rejected", "written", "open"]
        assert {d.actor for d in project.collab.decisions()} == {"chair"}
    everything = listed(run, meeting, "--all")
    assert len(everything) == 54
    cov = run("-p", meeting, "compare", "coverage").output
    assert "3 settled, 1 left open with a note, 50 to do" in cov


def test_deciding_needs_a_name_and_a_real_coding(meeting: str, run) -> None:  # type: ignore[no-untyped-def]
    anon = run("-p", meeting, "compare", "accept", "e001", "Recovery and role models", "--from", "ben",
               env={"WORKBENCH_CODER": ""})
    assert anon.exit_code == 1 and "who is coding" in anon.output
    wrong = run("--coder", "chair", "-p", meeting, "compare", "accept", "e001", "Recovery and role models",
                "--from", "amira")
    assert wrong.exit_code == 1 and "amira did not code e001" in wrong.output


def test_walk_one_by_one(meeting: str, run) -> None:  # type: ignore[no-untyped-def]
    answers = "\n".join(["1", "", "r", "no", "o", "ask Ben", "w", "challenge", "PSWs", "", "s", "q"]) + "\n"
    result = run("--coder", "chair", "-p", meeting, "compare", input=answers)
    assert result.exit_code == 0, result.output
    assert "[1 of 54]" in result.output and "[5 of 54]" in result.output and "stopped." in result.output
    assert "4 decided this session" in result.output
    with Project.open(Path(meeting)) as project:
        assert [d.status for d in project.collab.decisions()] == ["accepted", "rejected", "open", "written"]
        assert project.collab.decisions()[2].note == "ask Ben"


def test_accept_agreements_and_the_meeting_report(meeting: str, run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    copied = run("--coder", "chair", "-p", meeting, "compare", "accept-agreements")
    assert copied.exit_code == 0 and copied.output.startswith("62 codings the coders agree on copied")
    md = run("-p", meeting, "export", "agreement")
    assert md.exit_code == 0
    assert md.output.startswith("# Disagreements for the meeting")
    assert "## 1. e001 · Recovery and role models" in md.output and "> Peer workers" in md.output
    assert "Krippendorff's α): 0.763" in md.output
    out = tmp_path / "agenda.xlsx"
    assert run("-p", meeting, "export", "agreement", "-o", str(out)).exit_code == 0
    ws = load_workbook(out)["disagreements"]
    head = [c.value for c in ws[1]]
    assert head[:8] == ["#", "excerpt", "source", "subtheme", "differ on", "status", "note", "text"]
    assert ws.max_row == 55 and {"amira", "ben"} <= set(head)


def test_settled_example_has_an_empty_agenda(example_dir: Path, run) -> None:
    result = run("-p", str(example_dir), "export", "agreement")
    assert "Nothing left to settle." in result.output and "covers 75 of 75" in result.output
    assert len(listed(run, str(example_dir), "--all")) == 54
