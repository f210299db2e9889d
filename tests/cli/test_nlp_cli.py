"""The language-help commands as a user runs them on the bundled example."""

from __future__ import annotations

import csv
import io
import os
import socket
import subprocess
import sys
from pathlib import Path

FIXTURES = Path(__file__).parent.parent / "fixtures" / "nlp"
REPO = Path(__file__).resolve().parents[2]


def test_detect_stores_shows_and_applies(example_dir: Path, run) -> None:  # type: ignore[no-untyped-def]
    p = str(example_dir)
    first = run("-p", p, "detect")
    assert first.exit_code == 0, first.output
    assert "75 excerpts: 75 analysed, 0 unchanged" in first.output
    shown = run("-p", p, "detect", "--show", "e001", "e045")
    assert shown.exit_code == 0
    assert "0 analysed, 75 unchanged" in shown.output
    assert [line.split()[0] for line in shown.stdout.splitlines()] == ["e001", "e045"]
    applied = run("-p", p, "detect", "--apply")
    assert "filled 2 empty perspective hints" in applied.output
    bad = run("-p", p, "detect", "--show", "nope")
    assert bad.exit_code == 1 and "unknown excerpt 'nope'" in bad.output


def test_search_shows_hits_in_context(example_dir: Path, run) -> None:  # type: ignore[no-untyped-def]
    result = run("-p", str(example_dir), "search", "boundary")
    assert result.exit_code == 0
    assert "e063" in result.stdout and "[boundaries]" in result.stdout
    assert "1 excerpt matches 'boundary' (word)" in result.output
    fuzzy = run("-p", str(example_dir), "search", "--fuzzy", "boundries", "--keys")
    assert fuzzy.stdout.split() == ["e063"]
    phrase = run("-p", str(example_dir), "search", "--phrase", "low", "pay", "--keys")
    assert phrase.stdout.split() == ["e020", "e072"]
    limited = run("-p", str(example_dir), "search", "peer", "-n", "3")
    assert len(limited.stdout.splitlines()) == 3 and "-n 0 shows all" in limited.output


def test_search_codes_hits_after_confirmation_and_undoes(example_dir: Path, run) -> None:  # type: ignore[no-untyped-def]
    p = str(example_dir)
    args = ("-p", p, "--coder", "zoe", "search", "friend", "--code", "Boundaries", "--valence", "challenge")
    declined = run(*args, input="n\n")
    assert declined.exit_code == 0 and "nothing coded" in declined.output
    accepted = run(*args, input="y\n")
    assert accepted.exit_code == 0 and "coded 2 excerpts with 'Boundaries' as zoe" in accepted.output
    codings = run("-p", p, "export", "codings").stdout
    mine = [r for r in csv.DictReader(io.StringIO(codings)) if r["coder"] == "zoe"]
    assert {(r["excerpt"], r["origin"], r["valence"]) for r in mine} == {("e045", "search", "challenge"),
                                                                        ("e055", "search", "challenge")}
    undo = run("-p", p, "--coder", "zoe", "search", "--undo-last", "--yes")
    assert undo.exit_code == 0 and "removed 2 codings" in undo.output
    assert "zoe" not in run("-p", p, "export", "codings").stdout
    nothing = run("-p", p, "--coder", "zoe", "search", "--undo-last", "--yes")
    assert nothing.exit_code == 1 and "no 'search --code' step by zoe" in nothing.output


def test_search_codes_only_the_ticked_hits(example_dir: Path, run) -> None:  # type: ignore[no-untyped-def]
    p = str(example_dir)
    ok = run("-p", p, "--coder", "zoe", "search", "supervision", "--code", "Lack of support and training",
             "--perspective", "PSWs", "--only", "e019", "--yes")
    assert ok.exit_code == 0 and "coded 1 excerpt " in ok.output
    outside = run("-p", p, "--coder", "zoe", "search", "supervision", "--code", "Workload", "--only", "e001",
                  "--yes")
    assert outside.exit_code == 1 and "'e001' is not among the hits" in outside.output


def test_search_user_errors_are_one_line_and_change_nothing(example_dir: Path, run) -> None:  # type: ignore[no-untyped-def]
    p = str(example_dir)
    before = run("-p", p, "export", "codings").stdout
    for args, message in ((("search", "friend", "--code", "Nope", "--yes"), "unknown subtheme 'Nope'"),
                          (("search", "friend", "--code", "Boundaries", "--valence", "meh", "--yes"),
                           "unknown valence 'meh'"),
                          (("search", ",,", "--code", "Boundaries", "--yes"), "give a word")):
        result = run("-p", p, "--coder", "zoe", *args)
        assert result.exit_code == 1, result.output
        assert message in result.output and "Traceback" not in result.output
    assert run("-p", p, "export", "codings").stdout == before
    assert run("-p", p, "search").exit_code == 2
    assert run("-p", p, "search", "x", "--valence", "benefit").exit_code == 2


def test_suggest_trains_shows_and_accepts(example_dir: Path, run) -> None:  # type: ignore[no-untyped-def]
    p = str(example_dir)
    none = run("-p", p, "suggest", "e001")
    assert none.exit_code == 1 and "suggest --train" in none.output
    trained = run("-p", p, "suggest", "--train")
    assert trained.exit_code == 0 and "trained on 75 coded excerpts (consensus)" in trained.output
    assert (example_dir / "models" / "suggest" / "workbench.json").is_file()
    shown = run("-p", p, "suggest", "e008")
    assert shown.exit_code == 0
    top = shown.stdout.splitlines()[0]
    assert top.startswith("e008") and top.count("·") == 2 and "The value of the PSW role and low pay" in top
    uncoded = run("-p", p, "--coder", "zoe", "suggest", "-n", "2")
    assert [line.split()[0] for line in uncoded.stdout.splitlines()[::2]] == ["e001", "e002"]
    assert "every excerpt is coded" in run("-p", p, "suggest", env={"WORKBENCH_CODER": ""}).output
    accepted = run("-p", p, "--coder", "zoe", "suggest", "--accept", "e008", "The value of the PSW role and low pay",
                   "--valence", "challenge")
    assert accepted.exit_code == 0, accepted.output
    row = [r for r in csv.DictReader(io.StringIO(run("-p", p, "export", "codings").stdout)) if r["coder"] == "zoe"]
    assert [(r["excerpt"], r["subtheme"], r["perspective"], r["origin"]) for r in row] == [
        ("e008", "The value of the PSW role and low pay", "PSWs", "suggestion")]
    refused = run("-p", p, "--coder", "zoe", "suggest", "--accept", "e008", "Offering treatment choice")
    assert refused.exit_code == 1 and "not among the suggestions" in refused.output


def test_segment_writes_candidate_excerpts_that_import(example_dir: Path, run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    p = str(example_dir)
    out = tmp_path / "candidates.csv"
    result = run("-p", p, "segment", str(FIXTURES / "review.txt"), "--source", "61", "-o", str(out))
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == 11 and rows[0]["id"] == "61-001" and rows[0]["perspective"] == "PSWs"
    assert rows[0]["location"] == "Abstract"
    cited = next(r for r in rows if r["text"].startswith("Walker et al."))
    assert '"refs": ["61"]' in cited["citations"]
    text = (FIXTURES / "review.txt").read_text(encoding="utf-8")
    assert all(text[int(r["start"]):int(r["end"])] == r["text"] for r in rows)
    imported = run("-p", p, "import", "excerpts", str(out))
    assert imported.exit_code == 0 and "11 added" in imported.output
    again = run("-p", p, "segment", str(FIXTURES / "review.txt"), "--source", "61")
    assert again.exit_code == 1 and "is taken" in again.output
    assert run("-p", p, "segment", str(FIXTURES / "review.txt")).exit_code == 1
    assert run("-p", p, "segment", str(FIXTURES / "review.txt"), "--source", "999").exit_code == 1


def test_nothing_opens_a_network_connection(example_dir: Path, run, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Detection, search and suggestions with every way out of the machine blocked."""
    from workbench.nlp import pipeline

    attempts: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(args)
        raise OSError("network use is not allowed in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(pipeline, "_state", {})  # build the pipeline again, under the block
    p = str(example_dir)
    for args in (("detect", "--force", "--apply"), ("search", "boundary"), ("search", "--fuzzy", "boundries"),
                 ("suggest", "--train"), ("suggest", "e001")):
        result = run("-p", p, *args)
        assert result.exit_code == 0, (args, result.output)
    assert attempts == []


def test_language_help_stays_out_of_start_up() -> None:
    """`workbench --help` and the nlp command module must not pull in spaCy or numpy (a second each)."""
    code = ("import sys; from click.testing import CliRunner; from workbench.cli import cli; "
            "import workbench.cli.nlp_cmds; r = CliRunner().invoke(cli, ['search', '--help']); "
            "assert r.exit_code == 0, r.output; "
            "print(sorted(m for m in ('spacy', 'numpy', 'rapidfuzz', 'thinc') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO,
                         env={**os.environ, "PYTHONPATH": str(REPO)})
    assert out.stdout.strip() == "[]"


def test_a_real_process(example_dir: Path) -> None:
    """The installed entry point's module, in its own process, as a script would call it."""
    args = ("search", "peer", "worker", "--phrase", "--keys")
    out = subprocess.run([sys.executable, "-m", "workbench", "-p", str(example_dir), *args], capture_output=True,
                         text=True, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=120)
    assert out.returncode == 0, out.stderr
    assert len(out.stdout.split()) == 33 and out.stdout.split()[0] == "e001"
    assert (example_dir / "cache" / "search-index.npz").is_file()
