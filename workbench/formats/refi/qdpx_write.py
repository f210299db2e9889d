"""Writing a project as a REFI-QDA project archive (.qdpx): project.qde plus sources/<guid>.txt.

How the project is laid out (docs/interchange.md has the full table):

- every source is a TextSource whose plain text sits in the archive. A source with an imported
  document carries that text, and its excerpts are selections at their offsets in it; excerpts
  without a document are laid end to end (two newlines apart) after any document text;
- every excerpt is a PlainTextSelection (name = the excerpt's id, Description = its location);
- every coding is its own PlainTextSelection over the excerpt (or the coded span) holding one
  Coding of the subtheme plus, from the same user, a Coding of its valence and of its perspective,
  so another tool shows them together and our import pairs them back without guessing;
- coders are Users; summaries, memos and coding notes are Notes attached where they belong;
- source attributes (ref, citation, year, design, quality, groups, doi) are Variables on the
  TextSource;
- what REFI-QDA has no place for (settings, excerpt perspective hints, summary versions, the order
  of rows …) travels in one Note, "workbench: restore data", as JSON keyed by GUID, so our own import
  restores the project exactly while other tools simply show that note.
"""

from __future__ import annotations

import io
import json
import time
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from workbench import __version__
from workbench.core.errors import UserError
from workbench.core.ids import now, stable_uuid
from workbench.core.interchange import ProjectBundle
from workbench.core.model import Coding, Excerpt, Source
from workbench.formats.refi.codes import CodeNode, cell_guid, cell_name, codebook_nodes, write_nodes
from workbench.formats.refi.xmlio import NS, XmlWriter, is_datetime, is_guid, validate_stream

RESTORE_FORMAT = "workbench-refi"
RESTORE_NAME = "workbench: restore data (keep unchanged)"
VARIABLES = ("ref", "citation", "year", "design", "quality", "groups", "doi")
SEPARATOR = "\n\n"


def variable_guid(name: str) -> str:
    return stable_uuid("refi-variable", name)


def selection_guid(coding_uuid: str, role: str = "selection") -> str:
    return stable_uuid(f"refi-{role}", coding_uuid)


class _Layout:
    """One source's text and where each of its excerpts sits in it."""

    def __init__(self, source: Source, data: ProjectBundle, excerpts: list[Excerpt]) -> None:
        docs = [d for d in data.documents if d.source == source.ref]
        pieces: list[str] = []
        self.regions: dict[str, tuple[int, int]] = {}
        offset = 0
        for d in docs:
            self.regions[d.uuid] = (offset, len(d.text))
            pieces.append(d.text)
            offset += len(d.text) + len(SEPARATOR)
        by_uuid = {d.uuid: d for d in docs}
        self.positions: dict[str, int] = {}
        self.placed: dict[str, tuple[str | None, int | None, int | None]] = {}
        loose: list[Excerpt] = []
        for e in excerpts:
            doc = by_uuid.get(data.excerpt_documents.get(e.uuid, ""))
            if doc is not None and e.start is not None and e.end is not None and doc.text[e.start:e.end] == e.text:
                self.positions[e.uuid] = self.regions[doc.uuid][0] + e.start
                self.placed[e.uuid] = (doc.uuid, e.start, e.end)
            else:
                loose.append(e)
                self.placed[e.uuid] = (None, None, None)
        for e in loose:
            self.positions[e.uuid] = offset
            pieces.append(e.text)
            offset += len(e.text) + len(SEPARATOR)
        self.text = SEPARATOR.join(pieces)


def project_qdpx(data: ProjectBundle, out: Path | IO[bytes], validate: bool = True) -> list[str]:
    """Write `data` as a .qdpx archive; returns what could not be carried, one line per kind."""
    writer = _Writer(data)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        info = zipfile.ZipInfo("project.qde", date_time=time.localtime()[:6])
        info.compress_type = zipfile.ZIP_DEFLATED
        with zf.open(info, "w", force_zip64=True) as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8", newline="\n")
            writer.write(text)
            text.flush()
            text.detach()
        for guid, body in writer.texts():
            zf.writestr(f"sources/{guid}.txt", body.encode("utf-8"))
        if validate:
            try:
                validate_stream(zf.open("project.qde"), "project", "project.qde")
            except UserError as e:  # our bug, never the user's: say so loudly
                raise RuntimeError(f"the written file does not validate: {e}") from None
    return writer.losses()


class _Writer:
    def __init__(self, data: ProjectBundle) -> None:
        self.d = data
        self.remapped: dict[str, str] = {}
        self.extras: dict[str, Any] = {"format": RESTORE_FORMAT, "version": 1, "settings": dict(data.settings)}
        self.note_refs: dict[str, list[str]] = defaultdict(list)
        self.layouts: dict[str, _Layout] = {}
        self.by_source: dict[str, list[Excerpt]] = defaultdict(list)
        self.users: dict[str, str] = {}
        self.notes: list[tuple[str, str, str, str, str]] = []  # guid, name, text, author, time
        self.note_files: list[tuple[str, str]] = []
        self.source_notes: dict[str, str] = {}  # note guid → ref of the source it is about
        self.creator: str | None = None
        self.dropped = 0

    def gid(self, uuid: str) -> str:
        """A GUID for `uuid` (ids that are not GUIDs get a derived one, remembered for the restore)."""
        if is_guid(uuid):
            return uuid
        new = stable_uuid("refi-guid", uuid)
        self.remapped[new] = uuid
        return new

    def user(self, name: str) -> str:
        if name not in self.users:
            self.users[name] = self.gid(stable_uuid("coder", name))
        return self.users[name]

    # ----- the pieces -----------------------------------------------------------------------
    def write(self, out: IO[str]) -> None:
        d = self.d
        nodes, exact = codebook_nodes(d.codebook, self.gid)
        if exact:
            self.extras["codebook"] = exact
        self._add_cells(nodes)
        for e in d.excerpts:
            self.by_source[e.source].append(e)
        for s in d.sources:
            self.layouts[s.ref] = _Layout(s, d, self.by_source.get(s.ref, []))
        self._plan_notes(nodes)
        w = XmlWriter(out)
        out.write('<?xml version="1.0" encoding="utf-8"?>\n')
        users = [u for u in dict.fromkeys([*d.coders, *(c.coder for c in d.codings),
                                           *(s.author for s in d.summaries), *(m.author for m in d.memos)]) if u]
        # Every element names its creator: QualCoder files anything without one under a user "default"
        self.creator = self.user(users[0]) if users else None
        w.start("Project", xmlns=NS["project"], name=d.codebook.name or d.settings.get("name") or "workbench project",
                origin=f"workbench {__version__}", creatingUserGUID=self.creator, creationDateTime=now())
        if users:
            w.start("Users")
            for name in users:
                w.empty("User", guid=self.user(name), name=name)
            w.end("Users")
        if nodes:
            w.start("CodeBook")
            w.start("Codes")
            write_nodes(w, nodes, with_notes=True)
            w.end("Codes")
            w.end("CodeBook")
        if d.sources:
            w.start("Variables")
            for v in VARIABLES:
                w.empty("Variable", guid=variable_guid(v), name=v, typeOfVariable="Text")
            w.end("Variables")
            w.start("Sources")
            self._sources(w)
            w.end("Sources")
        self._notes(w)
        w.text("Description", "Exported by workbench (qualitative thematic synthesis). Themes are Codes with "
                              "their subthemes inside; valence and perspective are the codes of the 'Valence' and "
                              "'Perspective' branches, applied with a subtheme on the same selection.")
        for ref in self.note_refs.get("", []):
            w.empty("NoteRef", targetGUID=ref)
        w.end("Project")
        self.dropped = w.dropped

    def _add_cells(self, nodes: list[CodeNode]) -> None:
        """One child code per subtheme × valence × perspective that some coding uses (see
        codes.cell_name for why), in codebook order of valences and perspectives."""
        cb = self.d.codebook
        used: dict[str, set[tuple[str | None, str | None]]] = defaultdict(set)
        for c in self.d.codings:
            if c.valence or c.perspective:
                used[c.subtheme].add((c.valence, c.perspective))
        vrank = {v: i for i, v in enumerate(cb.valences)}
        prank = {p.name: i for i, p in enumerate(cb.perspectives)}
        by_guid: dict[str, CodeNode] = {}
        stack = list(nodes)
        while stack:
            n = stack.pop()
            by_guid[n.guid] = n
            stack.extend(n.children)
        self.cell_guids: dict[tuple[str, str | None, str | None], str] = {}
        for s in cb.all_subthemes():
            sg = self.gid(s.uuid or stable_uuid("subtheme", s.name))
            for v, p in sorted(used.get(s.name, ()), key=lambda vp: (vrank.get(vp[0] or "", -1),
                                                                      prank.get(vp[1] or "", -1))):
                g = cell_guid(sg, v, p)
                self.cell_guids[(s.name, v, p)] = g
                by_guid[sg].children.append(CodeNode(g, cell_name(s.name, v, p), True))

    def _sources(self, w: XmlWriter) -> None:
        d = self.d
        codings: dict[str, list[Coding]] = defaultdict(list)
        for c in d.codings:
            codings[c.excerpt].append(c)
        cb = d.codebook
        sub_guid = {s.name: self.gid(s.uuid or stable_uuid("subtheme", s.name)) for s in cb.all_subthemes()}
        excerpt_extras: dict[str, Any] = {}
        coding_extras: dict[str, Any] = {}
        excerpt_order: list[str] = []
        coding_order: list[str] = []
        for s in d.sources:
            layout = self.layouts[s.ref]
            sg = self.gid(s.uuid or stable_uuid("source", s.ref))
            title = f"[{s.ref}] {s.citation}" if s.citation else s.ref
            w.start("TextSource", guid=sg, name=title[:117] + "…" if len(title) > 120 else title,
                    plainTextPath=f"internal://{sg}.txt", creatingUser=self.creator)
            for e in self.by_source.get(s.ref, []):
                pos = layout.positions[e.uuid]
                eg = self.gid(e.uuid or stable_uuid("excerpt", e.key))
                excerpt_order.append(e.uuid)
                extra: dict[str, Any] = {}
                if e.perspective:
                    extra["p"] = e.perspective
                actual = (d.excerpt_documents.get(e.uuid), e.start, e.end)
                if actual != layout.placed[e.uuid]:
                    extra["place"] = list(actual)
                if extra:
                    excerpt_extras[eg] = extra
                first = codings.get(e.key)
                self._selection(w, eg, e.key, pos, pos + len(e.text), description=e.location,
                                user=self.user(first[0].coder) if first else self.creator)
                name = w.attr(e.key)
                for c in codings.get(e.key, []):
                    coding_order.append(c.uuid)
                    cg = self.gid(c.uuid)
                    a = pos + (c.start or 0)
                    b = pos + (c.end if c.end is not None else len(e.text))
                    valid_time = is_datetime(c.time)
                    extra = {}
                    if c.origin:
                        extra["origin"] = c.origin
                    if c.time and not valid_time:
                        extra["time"] = c.time
                    if c.start is not None and (c.start, c.end) == (0, len(e.text)):
                        extra["span"] = True
                    if extra:
                        coding_extras[cg] = extra
                    who = f' creatingUser="{self.user(c.coder)}"' + (
                        f' creationDateTime="{c.time}"' if valid_time else "")
                    code = (self.cell_guids[(c.subtheme, c.valence, c.perspective)]
                            if c.valence or c.perspective else sub_guid[c.subtheme])
                    parts = [(cg, code)]
                    # the bulk of a big project: one string per coding instead of a dozen writer calls
                    chunks = [f'      <PlainTextSelection guid="{selection_guid(c.uuid)}" name="{name}" '
                              f'startPosition="{a}" endPosition="{b}"{who}>\n']
                    for part_guid, code in parts:
                        chunks.append(f'        <Coding guid="{part_guid}"{who}>\n'
                                      f'          <CodeRef targetGUID="{code}"/>\n')
                        for ref in self.note_refs.get(part_guid, []):
                            chunks.append(f'          <NoteRef targetGUID="{ref}"/>\n')
                        chunks.append("        </Coding>\n")
                    chunks.append("      </PlainTextSelection>\n")
                    w.raw("".join(chunks))
            for ref in self.note_refs.get(sg, []):
                w.empty("NoteRef", targetGUID=ref)
            for v in VARIABLES:
                value = getattr(s, v)
                if value or v == "ref":
                    w.start("VariableValue")
                    w.empty("VariableRef", targetGUID=variable_guid(v))
                    w.text("TextValue", value)
                    w.end("VariableValue")
            w.end("TextSource")
        self.extras["excerpts"] = excerpt_extras
        self.extras["codings"] = coding_extras
        order: dict[str, list[str]] = {}
        if excerpt_order != [e.uuid for e in d.excerpts]:
            order["excerpts"] = [e.uuid for e in d.excerpts]
        if coding_order != [c.uuid for c in d.codings]:
            order["codings"] = [c.uuid for c in d.codings]
        if order:
            self.extras["order"] = order

    def _selection(self, w: XmlWriter, guid: str, name: str, a: int, b: int, description: str = "",
                   user: str | None = None) -> None:
        notes = self.note_refs.get(guid, [])
        if not description and not notes:
            w.empty("PlainTextSelection", guid=guid, name=name, startPosition=a, endPosition=b, creatingUser=user)
            return
        w.start("PlainTextSelection", guid=guid, name=name, startPosition=a, endPosition=b, creatingUser=user)
        if description:
            w.text("Description", description)
        for ref in notes:
            w.empty("NoteRef", targetGUID=ref)
        w.end("PlainTextSelection")

    # ----- notes ----------------------------------------------------------------------------
    def _plan_notes(self, nodes: list[CodeNode]) -> None:
        """Decide every Note and where it is referenced from, before anything is written."""
        d = self.d
        codes: dict[str, CodeNode] = {}
        stack = list(nodes)
        while stack:
            n = stack.pop()
            codes[n.guid] = n
            stack.extend(n.children)
        cb = d.codebook
        sub_guid = {s.name: self.gid(s.uuid or stable_uuid("subtheme", s.name)) for s in cb.all_subthemes()}
        val_guid = {v: self.gid(cb.valence_uuids.get(v) or stable_uuid("valence", v)) for v in cb.valences}
        per_guid = {p.name: self.gid(p.uuid or stable_uuid("perspective", p.name)) for p in cb.perspectives}
        summaries: dict[str, Any] = {}
        for s in d.summaries:
            g = self.gid(s.uuid or stable_uuid("summary", s.subtheme, s.valence or "", s.perspective))
            cell = [sub_guid[s.subtheme], val_guid[s.valence] if s.valence else None, per_guid[s.perspective]]
            summaries[g] = {"cell": cell, "author": s.author, "version": s.version, "references": s.references}
            if s.time and not is_datetime(s.time):
                summaries[g]["time"] = s.time
            self.notes.append((g, f"Summary: {s.subtheme} | {s.valence or '(no valence)'} | {s.perspective}",
                               s.text, s.author, s.time))
            codes[sub_guid[s.subtheme]].notes.append(g)
        self.extras["summaries"] = summaries
        targets = set(codes)
        source_refs = {self.gid(s.uuid or stable_uuid("source", s.ref)): s.ref for s in d.sources}
        targets.update(source_refs)
        targets.update(self.gid(e.uuid or stable_uuid("excerpt", e.key)) for e in d.excerpts)
        coding_guids = {self.gid(c.uuid) for c in d.codings}
        memos: dict[str, Any] = {}
        for m in d.memos:
            g = self.gid(m.uuid or stable_uuid("memo", m.target_kind, m.target_uuid, m.text))
            memos[g] = [m.target_kind, m.target_uuid]
            if m.time and not is_datetime(m.time):
                memos[g].append(m.time)
            target = self.gid(m.target_uuid) if m.target_uuid else ""
            self.notes.append((g, f"Memo ({m.target_kind})", m.text, m.author, m.time))
            if target in codes:
                codes[target].notes.append(g)
            elif target in targets or target in coding_guids:
                self.note_refs[target].append(g)
                if target in source_refs:
                    self.source_notes[g] = source_refs[target]
            else:
                self.note_refs[""].append(g)
        self.extras["memos"] = memos
        for c in d.codings:
            if c.note:
                g = selection_guid(c.uuid, "coding-note")
                self.notes.append((g, "Coding note", c.note, c.coder, c.time))
                self.note_refs[self.gid(c.uuid)].append(g)
        excerpt_guid = {e.key: self.gid(e.uuid or stable_uuid("excerpt", e.key)) for e in d.excerpts}
        self.extras["nothing_applies"] = [[excerpt_guid[k], coder] for k, coder in d.nothing_applies]
        self.extras["coders"] = list(d.coders)
        self.extras["documents"] = []  # filled from the layouts
        self.restore_guid = stable_uuid("refi-restore", d.codebook.name)
        self.note_refs[""].append(self.restore_guid)

    def _notes(self, w: XmlWriter) -> None:
        for s in self.d.sources:
            layout = self.layouts[s.ref]
            for doc in (x for x in self.d.documents if x.source == s.ref):
                offset, length = layout.regions[doc.uuid]
                self.extras["documents"].append({"uuid": doc.uuid, "name": doc.name, "time": doc.time,
                                                 "source": self.gid(s.uuid or stable_uuid("source", s.ref)),
                                                 "offset": offset, "length": length})
        if self.remapped:
            self.extras["ids"] = self.remapped
        w.start("Notes")
        anonymous = [g for g, _name, _text, author, _stamp in self.notes if not author]
        if anonymous and self.creator:  # written with the creator as their user (see below)
            self.extras["anonymous"] = anonymous
        # QualCoder's importer stops at a Note without a date: every Note gets one, and the notes
        # whose own time was empty or not a dateTime keep it here
        written = now()
        untimed = {g: stamp for g, _name, _text, _author, stamp in self.notes if not is_datetime(stamp)}
        if untimed:
            self.extras["note_times"] = untimed
        restore = json.dumps(self.extras, ensure_ascii=False, separators=(",", ":"))
        used: set[str] = set()
        for guid, name, text, author, stamp in [*self.notes, (self.restore_guid, RESTORE_NAME, restore, "", written)]:
            # A note's text is inline (the standard) and also in sources/<guid>.txt, as QualCoder's own
            # exporter writes it: its importer reads only that file, and stops at two notes of one name.
            unique, n = name, 1
            while unique in used:
                n += 1
                unique = f"{name} ({n})"
            used.add(unique)
            w.start("Note", guid=guid, name=unique, creatingUser=self.user(author) if author else self.creator,
                    creationDateTime=stamp if is_datetime(stamp) else written, plainTextPath=f"internal://{guid}.txt")
            w.text("PlainTextContent", text)
            if guid in self.source_notes:  # a memo on a source: over its whole text, as QualCoder writes
                w.empty("PlainTextSelection", guid=selection_guid(guid, "note-span"), startPosition=0,
                        endPosition=len(self.layouts[self.source_notes[guid]].text))
            w.end("Note")
            self.note_files.append((guid, text))
        w.end("Notes")

    def texts(self) -> Iterator[tuple[str, str]]:
        """The files of sources/: each source's text, then each note's."""
        for s in self.d.sources:
            yield self.gid(s.uuid or stable_uuid("source", s.ref)), self.layouts[s.ref].text
        yield from self.note_files

    def losses(self) -> list[str]:
        out = list(self.d.losses)
        if self.dropped:
            out.append(f"changed: control characters removed from names or notes (XML cannot hold them): {self.dropped}")
        return out
