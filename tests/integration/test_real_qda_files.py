"""Files of other QDA tools as they really are (issue 15): Taguette's codebook with its empty
<Sets/> and dotted names, openqda's codebook with ids that are not GUIDs, and a .qdpx whose sources
are named without internal:// (as the `qc` coder writes them). Origins: tests/fixtures/README.md."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from workbench.formats.refi.qdc import read_qdc
from workbench.formats.refi.xmlio import fast_validation_errors
from workbench.store.api import Project

QDA = Path(__file__).parent.parent / "fixtures" / "qda"


def test_taguette_codebook_reads_with_its_hierarchy_rebuilt() -> None:
    raw = (QDA / "taguette_codebook.qdc").read_bytes()
    assert b"<Sets/>" in raw and fast_validation_errors(raw, "codebook")  # the schema refuses it as written
    read = read_qdc(QDA / "taguette_codebook.qdc")
    cb = read.codebook
    assert [(t.name, [s.name for s in t.subthemes]) for t in cb.themes] == [
        ("Barriers", ["cost", "stigma", "stigma / self"]), ("Facilitators", ["peer support"])]
    assert [s.name for s in cb.ungrouped] == ["1. Perceived risk", "interesting", "e.g. quotes"]  # a dot after no code
    assert read.losses[0] == "read: an empty <Sets/> (Taguette writes one; the standard wants a Set inside it): 1"
    flat = read_qdc(QDA / "taguette_codebook.qdc", dots=False).codebook
    assert not flat.themes and "Barriers.stigma.self" in [s.name for s in flat.ungrouped]


def test_dotted_names_are_kept_whole_for_other_tools_unless_asked(tmp_path: Path) -> None:
    other = tmp_path / "other.qdc"
    other.write_bytes((QDA / "taguette_codebook.qdc").read_bytes().replace(b"Taguette 1.5.2", b"NVivo 14"))
    assert not read_qdc(other).codebook.themes
    assert [t.name for t in read_qdc(other, dots=True).codebook.themes] == ["Barriers", "Facilitators"]


def test_openqda_codebook_with_non_guid_ids_gets_new_guids_and_says_which(tmp_path: Path, run) -> None:
    read = read_qdc(QDA / "openqda_codebook.qdc")
    assert [(t.name, [s.name for s in t.subthemes]) for t in read.codebook.themes] == [("Code 2", ["Code 2.1"])]
    assert [s.definition for s in read.codebook.ungrouped] == ["First code description"]
    mapping = next(x for x in read.losses if x.startswith("changed: ids that are not GUIDs"))
    assert "code-1 → " in mapping and "code-2-1 → " in mapping and mapping.endswith(": 3")
    target = tmp_path / "p"
    Project.create(target).close()
    result = run("-p", str(target), "import", "qdc", str(QDA / "openqda_codebook.qdc"))
    assert result.exit_code == 0, result.output
    assert "code-2 → " in result.stderr
    with Project.open(target) as p:
        assert {s.name for s in p.codebook.get().all_subthemes()} == {"Code 1", "Code 2.1"}


def _rewrite(src: Path, dst: Path, edit) -> None:  # type: ignore[no-untyped-def]
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            zout.writestr(info.filename, edit(data) if info.filename == "project.qde" else data)


def test_a_qdpx_with_bare_source_paths_empty_sets_and_odd_ids_imports_every_coding(
        example_dir: Path, tmp_path: Path, run) -> None:
    """The `qc` coder names sources plainTextPath="board_2017.txt": 0 of 205 codings came in."""
    ours = tmp_path / "ours.qdpx"
    assert run("-p", str(example_dir), "export", "qdpx", "-o", str(ours)).exit_code == 0

    def qc_like(data: bytes) -> bytes:
        data = re.sub(rb'(<TextSource [^>]*plainTextPath=")internal://', rb"\1", data)
        data = data.replace(b"</Project>", b"<Sets/></Project>") if b"<Sets" not in data else data
        users = re.findall(rb'<User guid="([^"]+)"', data)
        return data.replace(users[0], b"coder-1")  # an id that is not a GUID, used on every coding of that user
    theirs = tmp_path / "qc.qdpx"
    _rewrite(ours, theirs, qc_like)
    qde = zipfile.ZipFile(theirs).read("project.qde")
    assert not re.search(rb'<TextSource [^>]*internal://', qde) and re.search(rb'<TextSource [^>]*plainTextPath="', qde)
    result = run("new", str(tmp_path / "from-qc"), "--qdpx", str(theirs))
    assert result.exit_code == 0, result.output
    assert "read: text paths without internal://, found in the archive's sources/:" in result.stderr
    assert "changed: ids that are not GUIDs given new GUIDs (coder-1 → " in result.stderr
    with Project.open(example_dir) as a, Project.open(tmp_path / "from-qc") as b:
        want = sorted((c.excerpt, c.subtheme, c.coder, c.valence, c.perspective) for c in a.records.codings())
        got = sorted((c.excerpt, c.subtheme, c.coder, c.valence, c.perspective) for c in b.records.codings())
    assert len(got) == len(want) > 200 and got == want
