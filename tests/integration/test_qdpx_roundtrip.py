"""Export to .qdpx, then make a new project from it: the same project comes back, UUIDs included.

"The same" is judged the way DESIGN.md states it: the codebook YAML and the sources, excerpts and
codings CSVs of both projects are byte-identical, and so are everything else a project holds that
the exchange carries (summaries with versions and authors, memos, documents and which excerpts
point into them, "nothing applies" marks, settings). Every archive written is validated against
the packaged Project.xsd.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from workbench.core.model import Coding, Excerpt, Source
from workbench.formats.refi.qdpx import project_qdpx, read_qdpx
from workbench.formats.refi.xmlio import validation_errors
from workbench.services.build import build_project_from_qdpx
from workbench.store import schema as t
from workbench.store.api import Project


def export_and_validate(project: Project, target: Path) -> list[str]:
    losses = project_qdpx(project.interchange.bundle(), target)
    with zipfile.ZipFile(target) as zf:
        assert validation_errors(zf.read("project.qde"), "project") == []
    return losses


def everything(folder: Path, run, out: Path) -> dict[str, str]:
    """The project as files and plain values: what must be equal after a round trip."""
    out.mkdir(parents=True, exist_ok=True)
    files = {}
    for kind, ext in (("codebook", "yaml"), ("sources", "csv"), ("excerpts", "csv"), ("codings", "csv")):
        target = out / f"{kind}.{ext}"
        assert run("-p", str(folder), "export", kind, "-o", str(target)).exit_code == 0
        files[kind] = target.read_text(encoding="utf-8")
    with Project.open(folder) as p:
        files["summaries"] = repr(p.summaries.all())
        files["memos"] = repr(p.interchange.memos())
        files["documents"] = repr(p.interchange.documents())
        files["nothing"] = repr(sorted(p.records.nothing_applies()))
        files["coders"] = repr(p.records.coders())
        with p.read() as conn:
            files["settings"] = repr(sorted(conn.execute(t.setting.select()).all()))
            files["placement"] = repr(sorted(conn.execute(
                t.excerpt.select().with_only_columns(t.excerpt.c.key, t.document.c.uuid)
                .outerjoin(t.document, t.document.c.id == t.excerpt.c.document_id)).all()))
    return files


def test_the_example_comes_back_exactly(example_dir: Path, tmp_path: Path, run) -> None:
    qdpx = tmp_path / "example.qdpx"
    result = run("-p", str(example_dir), "export", "qdpx", "-o", str(qdpx))
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(qdpx) as zf:
        assert validation_errors(zf.read("project.qde"), "project") == []
        qde = zf.read("project.qde")
        texts = qde.count(b"<TextSource ") + qde.count(b"<Note ")  # a source's text, and each note as a file
        assert texts == 11 + qde.count(b"<Note ")
        assert sorted(n.split("/")[0] for n in zf.namelist()) == ["project.qde"] + ["sources"] * texts
    result = run("new", str(tmp_path / "copy"), "--qdpx", str(qdpx))
    assert result.exit_code == 0, result.output
    assert result.stderr == ""  # nothing lost
    assert everything(example_dir, run, tmp_path / "a") == everything(tmp_path / "copy", run, tmp_path / "b")


def test_a_richer_project_comes_back_exactly(example_project: Project, example_dir: Path, tmp_path: Path, run) -> None:
    """Documents, span codings, notes, memos of every kind, odd ids and times, rows out of order."""
    p = example_project
    doc = p.interchange.add_document("23", "du Plessis 2020.txt", "Findings\r\n\r\nPeers felt valued.\tThey felt hope.\n",
                         "amira", [(12, 30, "Findings (sentence 1)")])
    p.records.add_sources([(2, Source("99", "A source with an id that is not a GUID", "2024", uuid="src-99"))])
    p.records.add_excerpts([(2, Excerpt("late", "23", "An excerpt added later, with offsets into a text we lack.",
                                "Mixed", "p. 4", "not-a-guid", 5, 61))])
    key = doc.excerpts[0]
    p.records.add_coding(Coding(key, "Boundaries", "amira", "challenge", "PSWs", 0, 5, note="first word only",
                        origin="suggested", time="yesterday"))
    p.records.add_coding(Coding(key, "Bridge", "ben", None, None, 0, len("Peers felt valued."), note="whole span, given"))
    p.records.add_coding(Coding("late", "Workload", "ben", "benefit", None))
    p.records.mark_nothing_applies("e002", "ben")
    sub = next(s for s in p.codebook.get().all_subthemes() if s.name == "Workload")
    p.codebook.edit_subtheme("Workload", "lead", definition="Too much to do.\n\nInclude: this line is part of the definition")
    p.interchange.add_memo("subtheme", sub.uuid, "Ask the group about workload.", "lead")
    p.interchange.add_memo("source", p.records.sources()[0].uuid, "Check the quality rating.", "amira")
    p.interchange.add_memo("excerpt", next(e.uuid for e in p.records.excerpts() if e.key == key), "Nice quote.", "ben")
    p.interchange.add_memo("coding", p.records.codings(["ben"])[-1].uuid, "Why benefit?", "amira")
    p.interchange.add_memo("project", "", "Meeting on Friday.", "lead")
    p.interchange.add_memo("theme", p.codebook.get().themes[0].uuid, "Rename this theme?", "")
    p.summaries.set("Workload", "benefit", "PSWs", "Written by someone who never coded.", "lead")
    p.set_setting("blind_coding", "true", "lead")
    p.set_setting("labels", json.dumps({"perspective": "sample"}), "lead")
    qdpx = tmp_path / "rich.qdpx"
    assert export_and_validate(p, qdpx) == []
    stats, losses = build_project_from_qdpx(tmp_path / "copy", qdpx)
    assert losses == []
    assert stats["codings added"] == len(p.records.codings())
    assert everything(example_dir, run, tmp_path / "a") == everything(tmp_path / "copy", run, tmp_path / "b")


def test_importing_our_own_export_again_adds_nothing(example_project: Project, tmp_path: Path) -> None:
    qdpx = tmp_path / "again.qdpx"
    export_and_validate(example_project, qdpx)
    before = example_project.counts()
    stats = example_project.interchange.import_bundle(read_qdpx(qdpx), "amira", str(qdpx))
    assert example_project.counts() == before
    assert not [k for k, n in stats.items() if k.endswith("added") and n]
    assert stats["codings already present"] == before["codings"]


def test_a_colleagues_export_merges_into_the_project_it_came_from(example_dir: Path, tmp_path: Path) -> None:
    """Site B exports, codes more offline and exports again; site A imports only what is new."""
    qdpx = tmp_path / "site-b.qdpx"
    with Project.open(example_dir) as a:
        export_and_validate(a, qdpx)
    build_project_from_qdpx(tmp_path / "b", qdpx)
    with Project.open(tmp_path / "b") as b:
        b.records.add_coding(Coding("e003", "Boundaries", "chloe", "challenge", "PSWs"))
        b.codebook.add_subtheme("Peer supervision", "Confusion over the PSW role", "chloe")
        b.records.add_coding(Coding("e004", "Peer supervision", "chloe", "challenge", "PSWs"))
        export_and_validate(b, tmp_path / "site-b-2.qdpx")
    with Project.open(example_dir) as a:
        before = a.counts()
        stats = a.interchange.import_bundle(read_qdpx(tmp_path / "site-b-2.qdpx"), "amira")
        assert stats["codings added"] == 2 and stats["subthemes added"] == 1
        assert a.counts()["codings"] == before["codings"] + 2
        assert a.codebook.get().theme_of("Peer supervision") == "Confusion over the PSW role"
        assert {c.coder for c in a.records.codings()} >= {"chloe"}
