"""Projects as ATLAS.ti, NVivo, MAXQDA and QualCoder write them import with codes, codings and users.

The fixtures (tests/fixtures/refi/, made by make_fixtures.py) follow each tool's habits rather than
the letter of the standard: file and folder names in any case, a BOM and CRLF line ends, UTF-16
positions, the 0:4 namespace, hierarchy flattened into 'a::b' names. Each test checks that the
selected text is exactly the phrase the tool selected — the proof that positions were read right.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from workbench.formats.refi.qdpx import read_qdpx
from workbench.services.build import build_project_from_qdpx
from workbench.store.api import Project

REFI = Path(__file__).parent.parent / "fixtures" / "refi"


def pack(tool: str, target: Path) -> Path:
    """Zip a fixture folder the way the tool's export would."""
    archive = target / f"{tool}.qdpx"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted((REFI / tool).rglob("*")):
            if path.is_file():
                zf.write(path, path.relative_to(REFI / tool).as_posix())
    return archive


def texts(bundle) -> dict[str, str]:  # type: ignore[no-untyped-def]
    by_key = {e.key: e.text for e in bundle.excerpts}
    return {f"{c.coder}:{c.subtheme}": by_key[c.excerpt] for c in bundle.codings}


def test_atlasti_flattened_names_bom_crlf_and_upper_case_files(tmp_path: Path) -> None:
    b = read_qdpx(pack("atlasti", tmp_path))
    assert [(t.name, [s.name for s in t.subthemes]) for t in b.codebook.themes] == [
        ("Role", ["ambiguity"]), ("Support", ["supervision"])]
    assert [s.name for s in b.codebook.ungrouped] == ["Hope"]
    assert texts(b) == {"amira:ambiguity": "Nobody could tell me what my job actually was.",
                        "ben:ambiguity": "Nobody could tell me what my job actually was.",
                        "amira:supervision": "I had no supervisor for the first six months.",
                        "ben:Hope": "gave my clients hope"}
    assert len(b.excerpts) == 3  # two coders on one span share one excerpt
    doc = b.documents[0]
    assert "\r" not in doc.text and not doc.text.startswith("\ufeff")
    for e in b.excerpts:
        assert doc.text[e.start:e.end] == e.text
    assert any(line.startswith("changed: code names with '::'") for line in b.losses)
    assert any(line.startswith("not carried: code colours") for line in b.losses)


def test_nvivo_utf16_positions_nested_codes_memos_and_cases(tmp_path: Path) -> None:
    archive = pack("nvivo", tmp_path)
    b = read_qdpx(archive)
    assert texts(b) == {"Chloé:Rapport": "Talking to someone who had been there made it easier to open up.",
                        "Dev:Rapport / Opening up": "made it easier to open up",
                        "Chloé:Worry about the peer": "the peer worker seemed to be unwell too"}
    assert [(t.name, [s.name for s in t.subthemes]) for t in b.codebook.themes] == [
        ("Relationships", ["Rapport", "Rapport / Opening up"])]
    memos = {m.text: m.target_kind for m in b.memos}
    assert memos == {"Check whether rapport differs for carers.": "subtheme",
                     "How service users relate to peer workers.": "theme"}
    assert {m.author for m in b.memos if m.target_kind == "subtheme"} == {"Dev"}
    lines = "\n".join(b.losses)
    assert "picture sources" in lines and "source variables workbench has no field for: 1" in lines
    # read as code points instead, the emoji shifts every selection by one character
    wrong = read_qdpx(archive, positions="codepoints")
    assert texts(wrong) != texts(b)


def test_maxqda_other_qde_name_old_namespace_variables_sets(tmp_path: Path) -> None:
    b = read_qdpx(pack("maxqda", tmp_path))
    assert [s.name for s in b.codebook.ungrouped] == ["Low pay", "Team contribution"]
    (source,) = b.sources
    assert (source.ref, source.year, source.design) == ("Evaluation 2019", "2019", "service evaluation")
    assert {c.coder for c in b.codings} == {"Fatima"}
    assert texts(b)["Fatima:Low pay"] == "Peer workers were paid less than other staff for similar work."
    assert "not carried: sets: 1" in b.losses


def test_qualcoder_categories_inline_text_and_notes(tmp_path: Path) -> None:
    b = read_qdpx(pack("qualcoder", tmp_path))
    assert [(t.name, [s.name for s in t.subthemes]) for t in b.codebook.themes] == [
        ("Working as a peer", ["Training", "Disclosure"])]
    assert b.codebook.themes[0].subthemes[0].definition == "Training and preparation"
    notes = {c.subtheme: c.note for c in b.codings}
    assert notes == {"Training": "Compare with interview 1.", "Disclosure": ""}
    assert [(m.target_kind, m.text) for m in b.memos] == [("source", "Recorded in a noisy cafe.")]
    assert b.losses == []


@pytest.mark.parametrize("tool", ["atlasti", "nvivo", "maxqda", "qualcoder"])
def test_each_tool_makes_a_project_that_exports_back_to_valid_refi(tool: str, tmp_path: Path) -> None:
    stats, _ = build_project_from_qdpx(tmp_path / tool, pack(tool, tmp_path))
    assert stats["codings added"] > 0
    with Project.open(tmp_path / tool) as p:
        assert p.records.codings() and p.interchange.documents()
        for e in p.records.excerpts():
            doc = next(d for d in p.interchange.documents() if d.source == e.source)
            assert doc.text[e.start:e.end] == e.text
        from workbench.formats.refi.qdpx import project_qdpx
        from workbench.formats.refi.xmlio import validation_errors

        out = tmp_path / "back.qdpx"
        project_qdpx(p.interchange.bundle(), out)
        with zipfile.ZipFile(out) as zf:
            assert validation_errors(zf.read("project.qde"), "project") == []


def test_a_foreign_project_into_a_numeric_project_gets_numeric_labels(example_project: Project, tmp_path: Path) -> None:
    example_project.interchange.import_bundle(read_qdpx(pack("maxqda", tmp_path)), "amira")
    src = example_project.records.sources()[-1]
    highest = max(int(s.ref) for s in example_project.records.sources()[:-1])
    assert (src.ref, src.citation) == (str(highest + 1), "Evaluation 2019")


def test_a_codebook_pasted_into_a_project_in_its_own_old_namespace(tmp_path: Path) -> None:
    """Seen in the wild: <CodeBook xmlns="urn:QDA-XML:codebook:0:4"> inside a 1.0 project."""
    qde = (REFI / "qualcoder" / "project.qde").read_text(encoding="utf-8").replace(
        "<CodeBook>", '<CodeBook xmlns="urn:QDA-XML:codebook:0:4">')
    archive = tmp_path / "pasted.qdpx"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("project.qde", qde)
    b = read_qdpx(archive)
    assert [s.name for t in b.codebook.themes for s in t.subthemes] == ["Training", "Disclosure"]
    assert len(b.codings) == 2
