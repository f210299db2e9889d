"""The project commands as a user runs them: new, example, status, check, schema, log, import.

Most run in-process through CliRunner; a few run `python -m workbench` in a real process, the
way the README's commands do, so the entry point and the packaging of the example are covered.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from workbench.cli import COMMANDS
from workbench.core.example import example_files

REPO = Path(__file__).resolve().parents[2]


def real(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "workbench", *args], capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=120)


def test_example_then_status_in_real_processes(tmp_path: Path) -> None:
    """The README's first steps: `workbench example DIR`, then `workbench -p DIR status`."""
    made = real("example", str(tmp_path / "peer-support"))
    assert made.returncode == 0, made.stderr
    assert "created" in made.stdout and "295 added" in made.stdout
    status = real("-p", str(tmp_path / "peer-support"), "status")
    assert status.returncode == 0, status.stderr
    assert "sources    11" in status.stdout and "excerpts   75" in status.stdout
    assert status.stderr == ""
    leftovers = [p.name for p in (tmp_path / "peer-support").iterdir() if p.name.endswith(("-wal", "-shm"))]
    assert leftovers == [], "the commands left SQLite's -wal/-shm files behind"


def test_status_from_inside_the_folder(example_dir: Path) -> None:
    """Without -p, the current folder is the project."""
    out = real("status", cwd=example_dir)
    assert out.returncode == 0 and "sources    11" in out.stdout


def test_example_keeps_an_existing_project(run, tmp_path: Path) -> None:
    folder = tmp_path / "ex"
    assert run("example", str(folder)).exit_code == 0
    assert run("--coder", "amira", "-p", str(folder), "code", "e001", "Boundaries", "--valence", "challenge").exit_code == 0
    again = run("example", str(folder))
    assert again.exit_code == 0
    assert "already holds a project" in again.output
    codings = run("-p", str(folder), "export", "codings").output
    assert "e001,Boundaries,amira,challenge" in codings  # the coding made in between is still there


def test_example_open_falls_back_to_status_without_the_app(run, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """`example --open` opens the app; where the app's module is missing it prints the status."""
    monkeypatch.setitem(COMMANDS, "open", ("workbench.cli.not_installed_here:open_app", "Open the app."))
    result = run("example", "--open", str(tmp_path / "ex"))
    assert result.exit_code == 0, result.stderr
    assert "created" in result.output and "sources    11" in result.output


def test_example_open_invokes_the_open_command_on_the_folder(run, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    import click

    seen: list[Path] = []

    @click.command()
    @click.pass_obj
    def fake_open(obj) -> None:  # type: ignore[no-untyped-def]
        """Stands in for the TUI.

        Example: workbench open
        """
        seen.append(obj.project_dir)

    module = type(sys)("fake_tui_cmds")
    module.open_app = fake_open  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "fake_tui_cmds", module)
    monkeypatch.setitem(COMMANDS, "open", ("fake_tui_cmds:open_app", "Open the app."))
    folder = tmp_path / "ex"
    assert run("example", "--open", str(folder)).exit_code == 0
    assert run("example", "--open", str(folder)).exit_code == 0  # kept, and opened again
    assert seen == [folder, folder]


def test_new_reports_counts_and_counts_duplicates(run, tmp_path: Path) -> None:
    f = example_files()
    text = f["codings"].read_text(encoding="utf-8")
    doubled = tmp_path / "codings.csv"
    first_rows = text.splitlines()[1:4]
    doubled.write_text(text + "\n".join(first_rows) + "\n", encoding="utf-8")
    result = run("new", str(tmp_path / "r"), "--codebook", str(f["codebook"]), "--sources", str(f["sources"]),
                 "--excerpts", str(f["excerpts"]), "--codings", str(doubled))
    assert result.exit_code == 0, result.stderr
    assert "codings 295 added, 3 already present" in result.output


def test_import_adds_and_counts(example_dir: Path, run, tmp_path: Path) -> None:
    new = tmp_path / "more.csv"
    new.write_text("excerpt,subtheme,coder,valence,perspective,note\n"
                   "e001,Wellbeing and recovery,amira,benefit,PSWs,\n"  # already there
                   "e003,Boundaries,zoe,challenge,PSWs,a new coder\n"
                   "e003,Boundaries,zoe,challenge,PSWs,same again\n"  # duplicate within the file
                   "e004,Role ambiguity,zoe,,,no valence or perspective\n", encoding="utf-8")
    result = run("-p", str(example_dir), "import", "codings", str(new))
    assert result.exit_code == 0, result.stderr
    assert result.output.strip() == f"{new}: 2 added, 2 already present"
    status = run("-p", str(example_dir), "status").output
    assert "zoe" in status and "coders     4" in status
    assert run("-p", str(example_dir), "import", "codings", str(new)).output.strip().endswith(
        "0 added, 4 already present")
    sources = tmp_path / "sources.jsonl"
    sources.write_text('{"ref": "23", "citation": "again", "year": 2020, "design": "", "quality": "", '
                       '"groups": ""}\n{"ref": "99", "citation": "A new review", "year": 2024, "design": "review", '
                       '"quality": "high", "groups": "PSWs;carers"}\n', encoding="utf-8")
    assert run("-p", str(example_dir), "import", "sources", str(sources)).output.strip().endswith(
        "1 added, 1 already present")
    excerpts = tmp_path / "excerpts.csv"
    excerpts.write_text("id,source,text,perspective\nn1,99,Carers valued the peer worker's honesty.,Mixed\n",
                        encoding="utf-8")
    assert run("-p", str(example_dir), "import", "excerpts", str(excerpts)).output.strip().endswith(
        "1 added, 0 already present")
    assert "excerpts nobody has coded: 1 (n1)" in run("-p", str(example_dir), "status").output


def test_status_lists_what_is_left(synthetic_dir: Path, run) -> None:
    out = run("-p", str(synthetic_dir), "status").output
    lines = out.splitlines()
    assert lines[0].startswith("project    Synthetic project")
    assert "codings    5000" in out and "coders     10" in out
    per_coder = [ln for ln in lines if ln.startswith("  ") and ln.endswith(" codings")]
    assert len(per_coder) == 10 and sum(int(ln.split()[1]) for ln in per_coder) == 5000
    assert "subthemes without codings: 1 (" in out  # the ungrouped candidate nobody used
    assert "excerpts nobody has coded: 5 (x000097" in out
    covered = run("-p", str(synthetic_dir), "status", "--coverage").output
    assert re.search(r"^  consensus +\d+ codings on \d+ of 500 excerpts$", covered, re.M)


def test_check_is_clean_on_the_example(example_dir: Path, run) -> None:
    result = run("-p", str(example_dir), "check")
    assert result.exit_code == 0
    assert result.output.strip() == "no problems found"


def test_check_lists_problems_one_per_line(synthetic_dir: Path, run) -> None:
    result = run("-p", str(synthetic_dir), "check")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert "subtheme 'Training and supervision 040' is under no overarching theme (it stays out of the table)" in lines
    assert result.stderr.strip().endswith(" problems")


def test_schema_validates_the_shipped_codebooks(run, synthetic_inputs: Path) -> None:
    schema = json.loads(run("schema", "codebook").output)
    jsonschema.Draft202012Validator.check_schema(schema)
    for path in (REPO / "codebooks" / "peer-support.yaml", REPO / "codebooks" / "template.yaml",
                 synthetic_inputs / "codebook.yaml"):
        jsonschema.validate(yaml.safe_load(path.read_text(encoding="utf-8")), schema)


def test_schema_accepts_an_exported_codebook_and_rejects_a_wrong_one(example_dir: Path, run) -> None:
    schema = json.loads(run("schema", "codebook").output)
    exported = yaml.safe_load(run("-p", str(example_dir), "export", "codebook").output)
    jsonschema.validate(exported, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"citation": "harvard", "themes": []}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"themes": [{"subthemes": []}]}, schema)


def test_log_shows_who_did_what(example_dir: Path, run) -> None:
    assert run("--coder", "lead", "-p", str(example_dir), "codebook", "rename", "Bridge", "Bridging role").exit_code == 0
    lines = run("-p", str(example_dir), "log", "-n", "2").output.splitlines()
    assert len(lines) == 2
    assert "lead" in lines[0] and "rename subtheme" in lines[0] and "Bridging role" in lines[0]


def test_codebook_verbs_through_the_cli(example_dir: Path, run) -> None:
    p = ("--coder", "lead", "-p", str(example_dir))
    assert run(*p, "codebook", "add", "Peer supervision", "--theme", "Other", "--origin", "Supervision").exit_code == 0
    assert run(*p, "codebook", "add", "Wider system", "--new-theme").exit_code == 0
    assert run(*p, "codebook", "move", "Peer supervision", "Wider system").exit_code == 0
    assert run(*p, "codebook", "move", "Treatment models", "--ungroup").exit_code == 0
    assert run(*p, "codebook", "reorder", "Wider system", "1", "--theme").exit_code == 0
    merged = run(*p, "codebook", "merge", "Career, social inclusion and identity", "Wellbeing and recovery")
    assert merged.exit_code == 0 and "4 duplicates folded" in merged.output
    refused = run(*p, "codebook", "delete", "Boundaries")
    assert refused.exit_code == 1 and "--move-to" in refused.stderr
    assert run(*p, "codebook", "delete", "Boundaries", "--move-to", "Role ambiguity").exit_code == 0
    assert run(*p, "codebook", "rename", "Wider system", "The wider system", "--theme").exit_code == 0
    show = run("-p", str(example_dir), "codebook", "show").output.splitlines()
    assert show[0] == "The wider system"
    assert show[1] == "  Peer supervision  [origin: Supervision]"
    assert show[-2:] == ["(ungrouped)", "  Treatment models"]
    table = json.loads(run("-p", str(example_dir), "export", "table", "--format", "json").output)
    names = {s["name"] for th in table["themes"] for s in th["subthemes"]}
    assert "Treatment models" not in names and "Boundaries" not in names
    check = run("-p", str(example_dir), "check")
    assert check.exit_code == 1 and "Treatment models" in check.output
    assert len(run("-p", str(example_dir), "log", "-n", "100").output.splitlines()) >= 9


def test_code_records_one_coding(example_dir: Path, run) -> None:
    args = ("--coder", "amira", "-p", str(example_dir), "code", "e010", "Boundaries", "--valence", "challenge",
            "--span", "0-12", "--note", "the opening words")
    first = run(*args)
    assert first.exit_code == 0 and first.output.startswith("coded e010 with Boundaries (")
    assert run(*args).output == first.output  # recording it again returns the same coding
    codings = run("-p", str(example_dir), "export", "codings").output
    assert "e010,Boundaries,amira,challenge,PSWs,0,12,the opening words" in codings
    removed = run("--coder", "amira", "-p", str(example_dir), "code", "e010", "Boundaries", "--valence",
                  "challenge", "--span", "0-12", "--remove")
    assert removed.exit_code == 0
    assert "e010,Boundaries,amira,challenge,PSWs,0,12" not in run("-p", str(example_dir), "export", "codings").output


def test_export_defaults(example_dir: Path, run, tmp_path: Path) -> None:
    """Text formats go to stdout without -o; XLSX (binary) to the project's exports/ with the path printed."""
    out = run("-p", str(example_dir), "export", "sources")
    assert out.output.startswith("ref,citation,year,design,quality,groups,doi,uuid\n")
    xlsx = run("-p", str(example_dir), "export", "codings", "--format", "xlsx")
    assert xlsx.exit_code == 0
    assert (example_dir / "exports" / "codings.xlsx").is_file()
    assert str(example_dir / "exports" / "codings.xlsx") in xlsx.output + xlsx.stderr
    bad = run("-p", str(example_dir), "export", "codings", "-o", str(tmp_path / "codings.txt"))
    assert bad.exit_code == 1 and "--format" in bad.stderr
