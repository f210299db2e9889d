"""The REFI-QDA commands as a user runs them: export/import qdpx and qdc, new --qdpx."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

from workbench.formats.refi.qdc import read_qdc
from workbench.formats.refi.xmlio import validation_errors
from workbench.store.api import Project


def assert_valid(qdpx: Path) -> None:
    """Every archive a test writes is checked against Project.xsd with xmlschema."""
    with zipfile.ZipFile(qdpx) as zf:
        assert validation_errors(zf.read("project.qde"), "project") == []


def test_export_qdpx_goes_to_exports_and_says_where(example_dir: Path, run) -> None:
    result = run("-p", str(example_dir), "export", "qdpx")
    assert result.exit_code == 0, result.output
    written = example_dir / "exports" / "peer-support.qdpx"
    assert result.stdout.strip() == f"wrote {written}"
    assert not list((example_dir / "exports").glob("*.part"))
    assert_valid(written)


def test_import_qdpx_twice_changes_nothing_the_second_time(example_dir: Path, tmp_path: Path, run) -> None:
    qdpx = tmp_path / "p.qdpx"
    run("-p", str(example_dir), "export", "qdpx", "-o", str(qdpx))
    assert_valid(qdpx)
    result = run("-p", str(example_dir), "import", "qdpx", str(qdpx))
    assert result.exit_code == 0
    assert "added" not in result.stdout.replace("0 added", "")
    assert "codings 295 already present" in result.stdout


def test_losses_are_listed_one_line_per_kind(example_project: Project, example_dir: Path, tmp_path: Path,
                                            run) -> None:
    # a CERQual judgement: nothing in REFI-QDA can hold it
    example_project.evidence.set_judgement("Boundaries", "challenge", "coherence", "minor concerns", "", "amira")
    result = run("-p", str(example_dir), "export", "qdpx", "-o", str(tmp_path / "x.qdpx"))
    assert result.exit_code == 0
    assert result.stderr.splitlines() == ["not carried: CERQual judgements (REFI-QDA has no place for them): 1"]
    assert_valid(tmp_path / "x.qdpx")


def test_codebook_qdc_out_and_in(example_dir: Path, tmp_path: Path, run) -> None:
    result = run("-p", str(example_dir), "export", "qdc")
    assert result.exit_code == 0 and result.stdout.startswith("<?xml")
    assert validation_errors(result.stdout.encode("utf-8"), "codebook") == []
    qdc = tmp_path / "codebook.qdc"
    qdc.write_text(result.stdout, encoding="utf-8")
    empty = tmp_path / "empty"
    Project.create(empty).close()
    result = run("-p", str(empty), "import", "qdc", str(qdc))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"{qdc}: themes 4 added; subthemes 20 added; valences 2 added; perspectives 6 added")
    with Project.open(example_dir) as a, Project.open(empty) as b:
        ca, cb = a.codebook.get(), b.codebook.get()
        assert (ca.themes, ca.ungrouped, ca.valences, ca.perspectives, ca.valence_uuids) == (
            cb.themes, cb.ungrouped, cb.valences, cb.perspectives, cb.valence_uuids)
    again = run("-p", str(empty), "import", "qdc", str(qdc))
    assert "added" not in again.stdout


def test_a_qdc_from_another_tool(tmp_path: Path, run) -> None:
    qdc = tmp_path / "nvivo.qdc"
    qdc.write_text('<?xml version="1.0" encoding="utf-8"?>\n<CodeBook xmlns="urn:QDA-XML:codebook:1.0" '
                   'origin="NVivo"><Codes><Code guid="{11111111-1111-4111-8111-111111111111}" name="Barriers" '
                   'isCodable="true" color="#FF0000"><Description>Things in the way</Description>'
                   '<Code guid="22222222-2222-4222-8222-222222222222" name="Stigma" isCodable="true"/></Code>'
                   '</Codes><Sets><Set guid="33333333-3333-4333-8333-333333333333" name="s"/></Sets></CodeBook>',
                   encoding="utf-8")
    read = read_qdc(qdc)
    assert [(t.name, t.uuid, [s.name for s in t.subthemes]) for t in read.codebook.themes] == [
        ("Barriers", "11111111-1111-4111-8111-111111111111", ["Stigma"])]
    assert [m.text for m in read.memos] == ["Things in the way"]
    assert read.losses == ["not carried: code colours: 1", "not carried: code sets: 1"]
    target = tmp_path / "p"
    Project.create(target).close()
    result = run("-p", str(target), "import", "qdc", str(qdc))
    assert result.exit_code == 0
    assert result.stderr.splitlines() == read.losses


def test_a_bad_qdc_is_one_line(tmp_path: Path, run, example_dir: Path) -> None:
    qdc = tmp_path / "bad.qdc"
    qdc.write_text('<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code name="x" isCodable="maybe"/>'
                   "</Codes></CodeBook>", encoding="utf-8")
    result = run("-p", str(example_dir), "import", "qdc", str(qdc))
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "not a valid REFI-QDA codebook" in result.stderr


def test_new_needs_inputs_or_qdpx_but_not_both(tmp_path: Path, run) -> None:
    assert run("new", str(tmp_path / "a")).exit_code == 2
    assert run("new", str(tmp_path / "a"), "--qdpx", "x.qdpx", "--codebook", "c.yaml").exit_code == 2
    missing = run("new", str(tmp_path / "a"), "--qdpx", str(tmp_path / "missing.qdpx"))
    assert missing.exit_code == 1 and "no such file" in missing.stderr and not (tmp_path / "a").exists()


def test_export_then_new_in_real_processes(example_dir: Path, tmp_path: Path) -> None:
    """The installed command, as a shell runs it (no CliRunner)."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    qdpx = tmp_path / "out.qdpx"
    done = subprocess.run([sys.executable, "-m", "workbench", "-p", str(example_dir), "export", "qdpx", "-o", str(qdpx)],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert_valid(qdpx)
    done = subprocess.run([sys.executable, "-m", "workbench", "new", str(tmp_path / "copy"), "--qdpx", str(qdpx)],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"created {tmp_path / 'copy'}: themes 4 added")
    bad = tmp_path / "bad.qdpx"
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("../escape.txt", "x")
        zf.writestr("project.qde", "<x/>")
    done = subprocess.run([sys.executable, "-m", "workbench", "new", str(tmp_path / "no"), "--qdpx", str(bad)],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert len(io.StringIO(done.stderr).readlines()) == 1
