"""Reading a .qdpx archive into plain records, as real tools write it rather than as the letter says.

Tolerated, because NVivo, ATLAS.ti, MAXQDA and QualCoder do it: the project file named
`project.qde`, `Project.qde` or anything ending in .qde (also inside one folder); the text files
under `sources/` or `Sources/`, with any case of name and extension; a UTF-8 byte order mark; the
namespace version 1.0 or 0:4. Positions are converted later (qdpx_map.py), where the text is known.
Refused with one line (nothing written): anything safezip.py or xmlio.py refuses, several .qde
files, a .qde that is not a Project.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from xml.etree.ElementTree import Element

from workbench.core.errors import UserError
from workbench.formats.refi.codes import CodeNode, parse_nodes
from workbench.formats.refi.safezip import SafeArchive, open_archive
from workbench.formats.refi.xmlio import NS, guid, parse

N = "{" + NS["project"] + "}"
MAX_QDE_BYTES = 1024**3


@dataclass
class RCoding:
    guid: str
    code: str
    user: str
    time: str
    notes: list[str] = field(default_factory=list)


@dataclass
class RSelection:
    guid: str
    name: str
    start: int
    end: int
    user: str
    time: str
    description: str
    codings: list[RCoding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class RSource:
    guid: str
    name: str
    text: str | None  # None: its text could not be found
    user: str
    time: str
    selections: list[RSelection] = field(default_factory=list)
    codings: list[RCoding] = field(default_factory=list)  # codings of the whole source
    notes: list[str] = field(default_factory=list)
    variables: dict[str, str] = field(default_factory=dict)


@dataclass
class RNote:
    guid: str
    name: str
    text: str
    user: str
    time: str


@dataclass
class RProject:
    name: str
    origin: str
    creator: str
    description: str
    users: dict[str, str]
    codes: list[CodeNode]
    sources: list[RSource]
    notes: dict[str, RNote]
    project_notes: list[str]
    unsupported: Counter[str] = field(default_factory=Counter)


def find_qde(archive: SafeArchive) -> str:
    """The one .qde member: 'project.qde' in any case, else the only file ending in .qde."""
    qdes = [n for n in archive.names() if n.lower().endswith(".qde")]
    if not qdes:
        raise UserError("no project file (*.qde) in the archive — is this a .qdpx?", str(archive.path))
    top = [n for n in qdes if PurePosixPath(n.replace("\\", "/")).name.lower() == "project.qde"]
    if len(top) == 1:
        return top[0]
    if len(qdes) == 1:
        return qdes[0]
    raise UserError(f"several project files in the archive ({', '.join(sorted(qdes)[:3])}); expected one",
                    str(archive.path))


def decode_text(data: bytes, where: str) -> str:
    """UTF-8 (a byte order mark dropped), or UTF-16 when a BOM says so."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise UserError("not readable UTF-16 text", where) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise UserError("not UTF-8 text (REFI-QDA text sources must be UTF-8)", where, line) from None


def read_archive(path: Path) -> RProject:
    with open_archive(path) as archive:
        qde = find_qde(archive)
        if archive.members[qde.replace("\\", "/").lower()].file_size > MAX_QDE_BYTES:
            raise UserError(f"refused: {qde} is larger than {MAX_QDE_BYTES // 1024**2} MB", str(path))
        root = parse(archive.read(qde), "project", f"{path}: {qde}")
        base = str(PurePosixPath(qde.replace("\\", "/")).parent)
        base = "" if base == "." else base + "/"
        return _project(root, archive, base)


def _internal(archive: SafeArchive, base: str, url: str, unsupported: Counter[str]) -> str | None:
    """The text of an 'internal://name' file, looked up under sources/ or Sources/ in any case."""
    if not url.lower().startswith("internal://"):
        unsupported["not carried: sources outside the archive (relative:// or absolute://)"] += 1
        return None
    name = url[len("internal://"):].lstrip("/")
    for candidate in (f"{base}sources/{name}", f"{name}", f"{base}{name}"):
        real = archive.find(candidate)
        if real is not None:
            return decode_text(archive.read(real), f"{archive.path}: {real}")
    unsupported["not carried: text files named in the project but missing from the archive"] += 1
    return None


def _text_of(el: Element, archive: SafeArchive, base: str, unsupported: Counter[str]) -> str | None:
    content = el.find(f"{N}PlainTextContent")
    if content is not None:
        return content.text or ""
    path = el.get("plainTextPath")
    if path:
        return _internal(archive, base, path, unsupported)
    if el.get("richTextPath"):
        unsupported["not carried: sources with only rich text, no plain text"] += 1
    return None


def _codings(el: Element) -> list[RCoding]:
    out = []
    for c in el.findall(f"{N}Coding"):
        ref = c.find(f"{N}CodeRef")
        out.append(RCoding(guid(c.get("guid")), guid(ref.get("targetGUID")) if ref is not None else "",
                           guid(c.get("creatingUser")), c.get("creationDateTime") or "",
                           [guid(r.get("targetGUID")) for r in c.findall(f"{N}NoteRef")]))
    return out


def _notes(el: Element) -> list[str]:
    return [guid(r.get("targetGUID")) for r in el.findall(f"{N}NoteRef")]


def _variables(el: Element, variables: dict[str, str]) -> dict[str, str]:
    """Variable name → value (as text, whatever its type) of an element's VariableValues."""
    out = {}
    for vv in el.findall(f"{N}VariableValue"):
        ref = vv.find(f"{N}VariableRef")
        if ref is not None:
            target = guid(ref.get("targetGUID"))
            out[variables.get(target, target)] = next((x.text or "" for x in vv if x.tag != f"{N}VariableRef"), "")
    return out


def _text_source(el: Element, name: str, sguid: str, variables: dict[str, str], archive: SafeArchive, base: str,
                 unsupported: Counter[str]) -> RSource:
    src = RSource(sguid, name, _text_of(el, archive, base, unsupported), guid(el.get("creatingUser")),
                  el.get("creationDateTime") or "", codings=_codings(el), notes=_notes(el))
    for sel in el.findall(f"{N}PlainTextSelection"):
        desc = sel.find(f"{N}Description")
        src.selections.append(RSelection(
            guid(sel.get("guid")), sel.get("name") or "", int(sel.get("startPosition", "0")),
            int(sel.get("endPosition", "0")), guid(sel.get("creatingUser")), sel.get("creationDateTime") or "",
            desc.text or "" if desc is not None else "", _codings(sel), _notes(sel)))
    src.variables = _variables(el, variables)
    return src


def _project(root: Element, archive: SafeArchive, base: str) -> RProject:
    unsupported: Counter[str] = Counter()
    users = {guid(u.get("guid")): (u.get("name") or "").strip() for u in root.iterfind(f"{N}Users/{N}User")}
    codebook = root.find(f"{N}CodeBook/{N}Codes")
    try:
        codes = parse_nodes(codebook, NS["project"]) if codebook is not None else []
    except UserError as e:
        raise e.located(str(archive.path)) from None
    variables = {guid(v.get("guid")): (v.get("name") or "") for v in root.iterfind(f"{N}Variables/{N}Variable")}
    sources: list[RSource] = []
    for el in root.iterfind(f"{N}Sources/*"):
        kind = el.tag[len(N):]
        name = el.get("name") or ""
        if kind == "TextSource":
            sources.append(_text_source(el, name, guid(el.get("guid")), variables, archive, base, unsupported))
        elif kind == "PDFSource" and el.find(f"{N}Representation") is not None:
            src = _text_source(el.find(f"{N}Representation"), name, guid(el.get("guid")), variables,  # type: ignore[arg-type]
                               archive, base, unsupported)
            src.codings += _codings(el)
            src.notes += _notes(el)
            src.variables.update(_variables(el, variables))
            if el.find(f"{N}PDFSelection") is not None:
                unsupported["not carried: PDF area selections (page coordinates)"] += len(el.findall(f"{N}PDFSelection"))
            sources.append(src)
        else:
            unsupported[f"not carried: {kind.replace('Source', '').lower()} sources (workbench keeps text only)"] += 1
    by_guid = {s.guid: s for s in sources}
    for case in root.iterfind(f"{N}Cases/{N}Case"):
        values = _variables(case, variables)
        for sref in case.findall(f"{N}SourceRef"):
            target = by_guid.get(guid(sref.get("targetGUID")))
            if target is not None:
                for k, v in values.items():
                    target.variables.setdefault(k, v)
        unsupported["changed: cases read as variables of their sources"] += 1
    notes = {}
    for el in root.iterfind(f"{N}Notes/{N}Note"):
        g = guid(el.get("guid"))
        notes[g] = RNote(g, el.get("name") or "", _text_of(el, archive, base, unsupported) or "",
                         guid(el.get("creatingUser")), el.get("creationDateTime") or "")
    for kind, label in (("Sets", "sets"), ("Links", "links"), ("Graphs", "graphs")):
        n = len(root.findall(f"{N}{kind}/*"))
        if n:
            unsupported[f"not carried: {label}"] += n
    desc = root.find(f"{N}Description")
    return RProject(root.get("name") or "", root.get("origin") or "", guid(root.get("creatingUserGUID")),
                    desc.text or "" if desc is not None else "", users, codes, sources, notes,
                    _notes(root), unsupported)
