"""REFI-QDA on SQLite and on PostgreSQL (`any_project`): documents, memos, an export and a
re-import that adds nothing, and a colleague's file merged in — the same answers on both."""

from __future__ import annotations

import zipfile
from pathlib import Path

from workbench.formats.refi.qdpx import project_qdpx, read_qdpx
from workbench.formats.refi.xmlio import validation_errors

REFI = Path(__file__).parent.parent / "fixtures" / "refi"


def test_export_reimport_and_merge(any_project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    p = any_project
    doc = p.interchange.add_document("23", "full text.txt", "Results\n\nPeers felt valued at work.\n", "amira", [(9, 36, "p. 2")])
    p.interchange.add_memo("excerpt", next(e.uuid for e in p.records.excerpts() if e.key == doc.excerpts[0]), "A quote to use.", "ben")
    out = tmp_path / "p.qdpx"
    project_qdpx(p.interchange.bundle(), out)
    with zipfile.ZipFile(out) as zf:
        assert validation_errors(zf.read("project.qde"), "project") == []
    before = p.counts()
    stats = p.interchange.import_bundle(read_qdpx(out), "amira")
    assert p.counts() == before and stats["codings already present"] == before["codings"]
    archive = tmp_path / "maxqda.qdpx"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted((REFI / "maxqda").rglob("*")):
            if path.is_file():
                zf.write(path, path.relative_to(REFI / "maxqda").as_posix())
    before = p.counts()
    stats = p.interchange.import_bundle(read_qdpx(archive), "amira")
    assert p.counts()["codings"] == before["codings"] + 2, (p.counts(), stats)
    assert (stats["sources added"], stats["codings added"], stats["subthemes added"]) == (1, 2, 2)
    assert [d.name for d in p.interchange.documents()] == ["full text.txt", "Evaluation 2019"]
    assert [m.text for m in p.interchange.memos()] == ["A quote to use."]
    changed = p.interchange.renumber_sources("amira")
    assert [s.ref for s in p.records.sources()] == [str(i) for i in range(1, 13)] and changed["23"] == "1"
