"""Reading a .qdpx archive into plain records, as real tools write it rather than as the letter says.

Tolerated, because NVivo, ATLAS.ti, MAXQDA and QualCoder do it: the project file named
`project.qde`, `Project.qde` or anything ending in .qde (also inside one folder); the text files
under `sources/` or `Sources/`, with any case of name and extension; a UTF-8 byte order mark; the
namespace version 1.0 or 0:4. Positions are converted later (qdpx_map.py), where the text is known.
Refused with one line (nothing written): anything safezip.py or xmlio.py refuses, several .qde
files, a .qde that is not a Project.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO
from xml.etree.ElementTree import Element

from workbench.core.errors import UserError
from workbench.formats.refi.codes import CodeNode, parse_nodes
from workbench.formats.refi.safezip import SafeArchive, open_archive
from workbench.formats.refi.xmlio import (
    NS,
    drop,
    guid,
    lxml_schema,
    repair,
    schema_errors,
    sniff,
    to_standard_namespace,
)

N = "{" + NS["project"] + "}"
MAX_QDE_BYTES = 1024**3
IN_MEMORY_BYTES = 64 * 1024**2  # above this a project.qde is streamed (and must use the 1.0 namespace)


@dataclass(slots=True)
class RCoding:
    guid: str
    code: str
    user: str
    time: str
    notes: list[str] = field(default_factory=list)


@dataclass(slots=True)
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
    """Check, validate and read a .qdpx in three streaming passes (the gate, the schema, the records)."""
    with open_archive(path) as archive:
        qde = find_qde(archive)
        if archive.members[qde.replace("\\", "/").lower()].file_size > MAX_QDE_BYTES:
            raise UserError(f"refused: {qde} is larger than {MAX_QDE_BYTES // 1024**2} MB", str(path))
        where = f"{path}: {qde}"
        ns = sniff(archive.stream(qde), "project", where)
        size = archive.members[qde.replace("\\", "/").lower()].file_size
        notes: list[str] = []
        if ns is None and size > IN_MEMORY_BYTES:  # a big file in the standard namespace: stream it
            def stream() -> IO[bytes] | io.RawIOBase:
                return archive.stream(qde)
        else:  # other namespace versions (or a 0:4 codebook pasted inside) are rewritten in memory,
            # and what real tools write against the schema (empty <Sets/>, ids that are not GUIDs) mended
            data, notes = repair(to_standard_namespace(archive.read(qde), ns, "project"), "project")

            def stream() -> IO[bytes] | io.RawIOBase:
                return io.BytesIO(data)
        base = str(PurePosixPath(qde.replace("\\", "/")).parent)
        base = "" if base == "." else base + "/"
        with stream() as fh, schema_errors("project", where):
            project = _project(fh, archive, base)
        for note in notes:
            what, _, n = note.rpartition(": ")
            project.unsupported[what] += int(n)
        return project


def _internal(archive: SafeArchive, base: str, url: str, unsupported: Counter[str]) -> str | None:
    """The text of an 'internal://name' file, looked up under sources/ or Sources/ in any case.

    A bare name ("board_2017.txt", as the qc coder writes) is looked up the same way: the standard
    wants internal://, but the file is in the archive and nothing else could be meant."""
    if re.match(r"^[a-z][a-z0-9+.-]*:", url, re.I) and not url.lower().startswith("internal://"):
        unsupported["not carried: sources outside the archive (relative:// or absolute://)"] += 1
        return None
    if url.lower().startswith("internal://"):
        name = url[len("internal://"):].lstrip("/")
    else:
        name = url.lstrip("./")
        found = _find_text(archive, base, name)
        if found is not None:
            unsupported["read: text paths without internal://, found in the archive's sources/"] += 1
            return found
        unsupported["not carried: text files named in the project but missing from the archive"] += 1
        return None
    found = _find_text(archive, base, name)
    if found is None:
        unsupported["not carried: text files named in the project but missing from the archive"] += 1
    return found


def _find_text(archive: SafeArchive, base: str, name: str) -> str | None:
    for candidate in (f"{base}sources/{name}", f"{name}", f"{base}{name}"):
        real = archive.find(candidate)
        if real is not None:
            return decode_text(archive.read(real), f"{archive.path}: {real}")
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
    for c in el.iterfind(f"{N}Coding"):
        code, notes = "", []
        for child in c:  # one pass: CodeRef, then any NoteRefs
            if child.tag == f"{N}CodeRef":
                code = guid(child.get("targetGUID"))
            elif child.tag == f"{N}NoteRef":
                notes.append(guid(child.get("targetGUID")))
        out.append(RCoding(guid(c.get("guid")), code, guid(c.get("creatingUser")), c.get("creationDateTime") or "",
                           notes))
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
            guid(sel.get("guid")), sel.get("name") or "", _position(sel, "startPosition"),
            _position(sel, "endPosition"), guid(sel.get("creatingUser")), sel.get("creationDateTime") or "",
            desc.text or "" if desc is not None else "", _codings(sel), _notes(sel)))
    src.variables = _variables(el, variables)
    return src


def _position(sel: Element, attr: str) -> int:
    """A selection's character position: a whole number ≥ 0, else one line naming the selection."""
    raw = (sel.get(attr) or "0").strip()
    if not raw.isdigit() or not raw.isascii():
        raise UserError(f"selection {sel.get('guid') or '(no guid)'}: {attr} '{raw[:20]}' is not a whole number "
                        "≥ 0; the file is damaged — export it again from the tool that made it")
    return int(raw)


def _project(fh: IO[bytes] | io.RawIOBase, archive: SafeArchive, base: str) -> RProject:
    """One pass over the document that checks it against Project.xsd and reads it, each source
    handled and dropped as soon as it is complete (and validated).

    The document has passed the defusedxml gate (no DTD, no entities); this pass uses lxml's parser
    with entity expansion and network access off, because a pure-Python tree builder costs more than
    everything else an import does (see docs/interchange.md). A schema error raises inside the loop,
    before the bundle exists, so nothing is ever written from an invalid file."""
    from lxml import etree

    unsupported: Counter[str] = Counter()
    users: dict[str, str] = {}
    codes: list[CodeNode] = []
    variables: dict[str, str] = {}
    sources: list[RSource] = []
    cases: list[tuple[dict[str, str], list[str]]] = []
    notes: dict[str, RNote] = {}
    wanted = [N + t for t in ("User", "CodeBook", "Variable", "Case", "TextSource", "PDFSource", "PictureSource",
                              "AudioSource", "VideoSource", "Note", "Set", "Link", "Graph")]
    context = etree.iterparse(fh, events=("end",), tag=wanted, schema=lxml_schema("project"),
                              resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)
    for _event, el in context:
        local = el.tag[len(N):]
        if local == "User":
            users[guid(el.get("guid"))] = (el.get("name") or "").strip()
        elif local == "CodeBook":
            found = el.find(f"{N}Codes")
            try:
                codes = parse_nodes(found, NS["project"]) if found is not None else []
            except UserError as e:
                raise e.located(str(archive.path)) from None
        elif local == "Variable":
            variables[guid(el.get("guid"))] = el.get("name") or ""
        elif local == "Case":
            cases.append((_variables(el, variables), [guid(r.get("targetGUID")) for r in el.findall(f"{N}SourceRef")]))
        elif local == "Note":
            g = guid(el.get("guid"))
            notes[g] = RNote(g, el.get("name") or "", _text_of(el, archive, base, unsupported) or "",
                             guid(el.get("creatingUser")), el.get("creationDateTime") or "")
        elif local in ("Set", "Link", "Graph"):
            unsupported[f"not carried: {local.lower()}s"] += 1
        else:
            try:
                _source(el, local, variables, archive, base, unsupported, sources)
            except UserError as e:  # a selection's position (see _position): name the file
                raise e.located(str(archive.path)) from None
        drop(el)
    root = context.root
    by_guid = {s.guid: s for s in sources}
    for values, refs in cases:
        for ref in refs:
            if ref in by_guid:
                for k, v in values.items():
                    by_guid[ref].variables.setdefault(k, v)
        unsupported["changed: cases read as variables of their sources"] += 1
    desc = root.find(f"{N}Description")
    return RProject(root.get("name") or "", root.get("origin") or "", guid(root.get("creatingUserGUID")),
                    desc.text or "" if desc is not None else "", users, codes, sources, notes,
                    [guid(r.get("targetGUID")) for r in root.findall(f"{N}NoteRef")], unsupported)


def _source(el: Element, kind: str, variables: dict[str, str], archive: SafeArchive, base: str,
            unsupported: Counter[str], sources: list[RSource]) -> None:
    name = el.get("name") or ""
    if kind == "TextSource":
        sources.append(_text_source(el, name, guid(el.get("guid")), variables, archive, base, unsupported))
    elif kind == "PDFSource" and (representation := el.find(f"{N}Representation")) is not None:
        src = _text_source(representation, name, guid(el.get("guid")), variables,
                           archive, base, unsupported)
        src.codings += _codings(el)
        src.notes += _notes(el)
        src.variables.update(_variables(el, variables))
        if el.find(f"{N}PDFSelection") is not None:
            unsupported["not carried: PDF area selections (page coordinates)"] += len(el.findall(f"{N}PDFSelection"))
        sources.append(src)
    else:
        unsupported[f"not carried: {kind.replace('Source', '').lower()} sources (workbench keeps text only)"] += 1
