"""From the records of a .qdpx to a workbench project (`ProjectBundle`), saying what was lost.

Our own files restore exactly: the "workbench: restore data" note (see qdpx_write.py) fills what
REFI-QDA has no place for. Other tools' files are read by the same rules, with these choices:

- every TextSource becomes a source (ref from a 'ref' variable, else its name) and its text the
  source's document; a selection becomes an excerpt with offsets into that document (key
  '<ref>.<n>'); selections over the same span share one excerpt; a coded selection inside an
  uncoded one (our excerpts) is a span coding of that excerpt;
- a selection's Codings from one user make codings: each subtheme code with the valence and
  perspective codes beside it (from the 'Valence' and 'Perspective' branches, when present);
- positions: REFI counts Unicode code points; NVivo counts UTF-16 units, which differ after an
  emoji or another character beyond U+FFFF. `positions='auto'` reads UTF-16 when the origin is
  NVivo or when only UTF-16 makes every selection fit its text. Line ends CRLF become LF (offsets
  follow) in other tools' text;
- notes become memos on what references them (a code, a source, a selection, the project); notes
  on a Coding become that coding's note.
"""

from __future__ import annotations

import json
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from workbench.core.errors import UserError
from workbench.core.ids import stable_uuid
from workbench.core.interchange import Document, Memo, ProjectBundle
from workbench.core.model import Codebook, Coding, Excerpt, Source, Subtheme, Summary, Theme
from workbench.formats.refi.codes import CodeNode, read_codes
from workbench.formats.refi.qdpx_read import RCoding, RProject, RSelection, RSource
from workbench.formats.refi.qdpx_write import RESTORE_FORMAT, VARIABLES

POSITIONS = ("auto", "codepoints", "utf16")


def utf16_len(text: str) -> int:
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def converter(raw: str, utf16: bool, crlf: bool) -> tuple[str, Callable[[int], int]]:
    """The text as stored, and a function from the file's positions to offsets in it."""
    astral = [i + j for j, i in enumerate(i for i, ch in enumerate(raw) if ord(ch) > 0xFFFF)] if utf16 else []
    crs = [i for i in range(len(raw) - 1) if raw[i] == "\r" and raw[i + 1] == "\n"] if crlf else []
    text = raw.replace("\r\n", "\n") if crlf else raw

    def convert(p: int) -> int:
        if astral:
            p -= bisect_left(astral, p)
        if crs:
            p -= bisect_left(crs, p)
        return p

    return text, convert


def choose_positions(rp: RProject, positions: str) -> bool:
    """True to read positions as UTF-16 units."""
    if positions not in POSITIONS:
        raise UserError(f"--positions must be one of {', '.join(POSITIONS)}, not '{positions}'")
    if positions != "auto":
        return positions == "utf16"
    if "nvivo" in rp.origin.lower():
        return True
    over = [(s, sel) for s in rp.sources if s.text is not None for sel in s.selections if sel.end > len(s.text)]
    return bool(over) and all(sel.end <= utf16_len(s.text or "") for s, sel in over)


def restore_data(rp: RProject) -> tuple[dict[str, Any] | None, str]:
    for g, note in rp.notes.items():
        if note.text.startswith("{") and RESTORE_FORMAT in note.text[:80]:
            try:
                data = json.loads(note.text)
            except ValueError:
                return None, g
            if isinstance(data, dict) and data.get("format") == RESTORE_FORMAT:
                return data, g
    return None, ""


def to_bundle(rp: RProject, positions: str = "auto", dots: bool | None = None) -> ProjectBundle:
    return _Mapper(rp, positions, rp.origin.strip().lower().startswith("taguette") if dots is None else dots).run()


class _Mapper:
    def __init__(self, rp: RProject, positions: str, dots: bool = False) -> None:
        self.rp = rp
        self.dots = dots
        self.utf16 = choose_positions(rp, positions)
        self.extras, self.restore_guid = restore_data(rp)
        self.native = self.extras is not None
        self.x: dict[str, Any] = self.extras or {}
        self.ids: dict[str, str] = self.x.get("ids", {})
        self.lost: Counter[str] = Counter()
        self.b = ProjectBundle(native=self.native)
        self.used_notes: set[str] = {self.restore_guid} if self.restore_guid else set()
        self.own_memos: dict[str, list[str]] = {g: m for g, m in self.x.get("memos", {}).items() if g in rp.notes}
        self.used_notes.update(self.own_memos)  # restored from the restore data, in their order
        self.keys: set[str] = set()
        self.excerpt_key: dict[str, str] = {}  # excerpt uuid → key
        self.extra_subthemes: dict[str, Subtheme] = {}  # theme name → subtheme made for its own codings
        self.subtheme_names: set[str] = set()

    def orig(self, g: str) -> str:
        return self.ids.get(g, g)

    # ----- users ----------------------------------------------------------------------------
    def user(self, g: str) -> str:
        name = self.rp.users.get(g, "")
        if name:
            return name
        if not g:
            return "imported"
        self.lost["changed: codings by users missing from the Users list, named user-<id>"] += 1
        return f"user-{g[:8]}"

    # ----- the whole ------------------------------------------------------------------------
    def run(self) -> ProjectBundle:
        cr = read_codes(self.rp.codes, exact=self.x.get("codebook"), dots=self.dots)
        self.codes = cr.codes
        self.cells = cr.cells
        self.subtheme_names = {s.name for s in cr.codebook.all_subthemes()}
        names = [n for n in self.rp.users.values() if n]
        if len(names) != len(set(names)):
            self.lost["changed: users sharing a name, merged into one coder"] += len(names) - len(set(names))
        refs: set[str] = set()
        for rs in self.rp.sources:
            self._source(rs, refs)
        self._notes(cr.memos)
        self._finish(cr.codebook)
        self.b.losses = cr.losses + [f"{what}: {n}" for what, n in self.rp.unsupported.items()] + [
            f"{what}: {n}" for what, n in self.lost.items()]
        return self.b

    def _source(self, rs: RSource, refs: set[str]) -> None:
        v = {k.strip().lower(): val for k, val in rs.variables.items()}
        ref = (v.get("ref") or rs.name or rs.guid[:8]).strip()
        base, n = ref, 1
        while ref in refs:
            n += 1
            ref = f"{base} ({n})"
        refs.add(ref)
        foreign_vars = [k for k in v if k not in VARIABLES]
        if foreign_vars:
            self.lost["not carried: source variables workbench has no field for"] += len(foreign_vars)
        uuid = self.orig(rs.guid)
        if "ref" in v:
            src = Source(ref, **{k: v.get(k, "") for k in VARIABLES[1:]}, uuid=uuid)
        else:
            src = Source(ref, v.get("citation") or rs.name, **{k: v.get(k, "") for k in VARIABLES[2:]}, uuid=uuid)
        self.b.sources.append(src)
        if rs.text is None:
            if rs.selections or rs.codings:
                self.lost["not carried: selections in sources whose text is missing"] += len(rs.selections) + len(rs.codings)
            return
        text, convert = converter(rs.text, self.utf16, crlf=not self.native)
        regions = self._documents(rs, src, text)
        excerpts: list[tuple[Excerpt, int, int, str]] = []  # excerpt, start, end, selection name
        coded: list[tuple[RSelection, int, int]] = []
        counter = [0]
        selections = list(rs.selections)
        if rs.codings:
            # codings of the whole source: a selection of all its text (end -1 stands for "the end")
            selections.append(RSelection(stable_uuid("refi-whole", rs.guid), "", 0, -1, "", "", "", rs.codings, []))
        for sel in selections:
            a, b = (0, len(text)) if sel.end == -1 else (convert(sel.start), convert(sel.end))
            if not 0 <= a < b <= len(text):
                self.lost["not carried: selections outside their source's text, or empty"] += 1
                continue
            if not sel.codings:
                if not text[a:b].strip():
                    self.lost["not carried: selections of blank text"] += 1
                    continue
                e = self._excerpt(sel.guid, sel.name, src, text, a, b, sel.description, regions, counter)
                excerpts.append((e, a, b, sel.name))
                self._memo_refs(sel.notes, "excerpt", e.uuid)
            else:
                coded.append((sel, a, b))
        by_span: dict[tuple[int, int], Excerpt] = {}
        by_name: dict[str, list[tuple[Excerpt, int, int, str]]] = defaultdict(list)
        for x in excerpts:
            by_name[x[3]].append(x)
        for sel, a, b in coded:
            # our own files name a coding's selection after its excerpt: look there first
            inside = [x for x in by_name.get(sel.name, []) if x[1] <= a and b <= x[2]] if sel.name else []
            if not inside:
                inside = sorted((x for x in excerpts if x[1] <= a and b <= x[2]), key=lambda x: x[2] - x[1])
            if inside:
                e, start = inside[0][0], inside[0][1]
            elif (a, b) in by_span:
                e, start = by_span[(a, b)], a
            elif not text[a:b].strip():
                self.lost["not carried: selections of blank text"] += 1
                continue
            else:
                e = self._excerpt(sel.guid, sel.name, src, text, a, b, sel.description, regions, counter)
                by_span[(a, b)] = e
                start = a
            self._memo_refs(sel.notes, "excerpt", e.uuid)
            self._codings(sel, e, a - start, b - start)

    def _documents(self, rs: RSource, src: Source, text: str) -> list[tuple[int, int, str]]:
        """Document regions (offset, length, uuid) of this source's text."""
        if self.native:
            out = []
            for d in self.x.get("documents", []):
                if d["source"] == rs.guid:
                    body = text[d["offset"]:d["offset"] + d["length"]]
                    self.b.documents.append(Document(src.ref, d["name"], body, d["uuid"], d["time"]))
                    out.append((d["offset"], d["length"], d["uuid"]))
            return out
        if not text.strip():
            return []
        uuid = stable_uuid("document", rs.guid)
        self.b.documents.append(Document(src.ref, rs.name or src.ref, text, uuid, rs.time))
        return [(0, len(text), uuid)]

    def _excerpt(self, g: str, name: str, src: Source, text: str, a: int, b: int, location: str,
                 regions: list[tuple[int, int, str]], counter: list[int]) -> Excerpt:
        uuid = self.orig(g)
        key = name if self.native and name and name not in self.keys else ""
        while not key or key in self.keys:
            counter[0] += 1
            key = f"{src.ref}.{counter[0]}"
        self.keys.add(key)
        place: tuple[str | None, int | None, int | None] = (None, None, None)
        for offset, length, doc in regions:
            if offset <= a and b <= offset + length:
                place = (doc, a - offset, b - offset)
                break
        extra = self.x.get("excerpts", {}).get(g, {})
        if "place" in extra:
            place = tuple(extra["place"])
        e = Excerpt(key, src.ref, text[a:b], extra.get("p", ""), location, uuid, place[1], place[2])
        if place[0]:
            self.b.excerpt_documents[uuid] = place[0]
        self.b.excerpts.append(e)
        self.excerpt_key[uuid] = key
        return e

    def _codings(self, sel: RSelection, e: Excerpt, start: int, end: int) -> None:
        groups: dict[str, list[RCoding]] = defaultdict(list)
        for rc in sel.codings:
            groups[rc.user or sel.user or self.rp.creator].append(rc)
        for user, rcs in groups.items():
            coder = self.user(user)
            # (coding, subtheme, its own valence and perspective when its code is a cell)
            subs: list[tuple[RCoding, str, tuple[str | None, str | None] | None]] = []
            valences: list[str] = []
            perspectives: list[str] = []
            side_notes: list[str] = []
            for rc in rcs:
                kind, name = self.codes.get(rc.code, ("", ""))
                if kind == "subtheme":
                    subs.append((rc, name, None))
                elif kind == "theme":
                    subs.append((rc, self._theme_subtheme(name), None))
                elif kind in ("cell", "theme-cell"):
                    _sub, v, p = self.cells[rc.code]
                    subs.append((rc, name if kind == "cell" else self._theme_subtheme(name), (v, p)))
                elif kind in ("valence", "perspective"):
                    (valences if kind == "valence" else perspectives).append(name)
                    side_notes += rc.notes
                else:
                    self.lost["not carried: codings of codes that are not in the codebook"] += 1
            if len(set(valences)) > 1:
                self.lost["not carried: valence of selections given several by one user"] += 1
            if len(set(perspectives)) > 1:
                self.lost["not carried: perspective of selections given several by one user"] += 1
            if not subs and (valences or perspectives):
                self.lost["not carried: valence or perspective codings without a subtheme beside them"] += 1
            valence = valences[0] if len(set(valences)) == 1 else None
            perspective = perspectives[0] if len(set(perspectives)) == 1 else None
            for rc, name, own in subs:
                extra = self.x.get("codings", {}).get(rc.guid, {})
                span: tuple[int | None, int | None] = (start, end)
                if (start, end) == (0, len(e.text)) and not extra.get("span"):
                    span = (None, None)
                notes = [n for n in rc.notes + side_notes if n in self.rp.notes and n not in self.own_memos]
                self.used_notes.update(notes)
                note = "\n\n".join(self.rp.notes[n].text for n in notes)
                v, p = own if own is not None else (valence, perspective)
                self.b.codings.append(Coding(e.key, name, coder, v, p, span[0], span[1], note,
                                             self.orig(rc.guid), extra.get("time") or rc.time or sel.time,
                                             extra.get("origin", "")))

    def _theme_subtheme(self, theme: str) -> str:
        if theme not in self.extra_subthemes:
            name, n = theme, 1
            while name in self.subtheme_names:
                n += 1
                name = f"{theme} ({n})"
            self.subtheme_names.add(name)
            self.extra_subthemes[theme] = Subtheme(name, uuid=stable_uuid("subtheme", "refi-parent", theme))
            self.lost["changed: parent codes with codings of their own, kept as a subtheme of the same name"] += 1
        return self.extra_subthemes[theme].name

    # ----- notes ----------------------------------------------------------------------------
    def _memo_refs(self, notes: list[str], kind: str, target: str) -> None:
        for n in notes:
            if n in self.rp.notes and n not in self.used_notes:
                self.used_notes.add(n)
                self.b.memos.append(self._memo(n, kind, target))

    def _memo(self, g: str, kind: str, target: str, time: str = "") -> Memo:
        note = self.rp.notes[g]
        anonymous = not note.user or g in self.x.get("anonymous", ())
        return Memo(kind, target, note.text, "" if anonymous else self.user(note.user), self.orig(g),
                    time or self.x.get("note_times", {}).get(g, note.time))

    def _notes(self, theme_memos: list[Memo]) -> None:
        names = {g: (kind, name) for g, (kind, name) in self.codes.items()}
        for g, (kind, target, *time) in self.own_memos.items():
            self.b.memos.append(self._memo(g, kind, target, time[0] if time else ""))
        for g, s in self.x.get("summaries", {}).items():
            note = self.rp.notes.get(g)
            sub, val, per = s["cell"]
            if note is None or sub not in names or per not in names or (val and val not in names):
                self.lost["not carried: summaries whose cell is gone"] += 1
                continue
            self.used_notes.add(g)
            self.b.summaries.append(Summary(names[sub][1], names[val][1] if val else None, names[per][1], note.text,
                                            self.orig(g), s.get("time") or self.x.get("note_times", {}).get(g, note.time), s.get("author", ""),
                                            s.get("version", 1), s.get("references", "")))
        stack: list[CodeNode] = list(self.rp.codes)
        while stack:
            node = stack.pop()
            stack.extend(node.children)
            kind = names.get(node.guid, ("code", ""))[0]
            self._memo_refs(node.notes, kind, self.orig(node.guid))
        for rs in self.rp.sources:
            self._memo_refs(rs.notes, "source", self.orig(rs.guid))
        self._memo_refs(self.rp.project_notes, "project", "")
        self._memo_refs([g for g in self.rp.notes if g not in self.used_notes], "project", "")
        if not self.native:
            self.b.memos += theme_memos
            if self.rp.description.strip():
                self.b.memos.append(Memo("project", "", self.rp.description,
                                         uuid=stable_uuid("memo", "project-description", self.rp.description)))

    # ----- settings, codebook, order --------------------------------------------------------
    def _finish(self, cb: Codebook) -> None:
        themes = []
        for th in cb.themes:
            extra = self.extra_subthemes.get(th.name)
            themes.append(Theme(th.name, th.subthemes + ((extra,) if extra else ()), th.uuid) if extra else th)
        settings = {k: str(v) for k, v in self.x.get("settings", {}).items()}
        citation = settings.get("citation") or (
            "numeric" if all(s.ref.isdigit() for s in self.b.sources) else "author-year")
        try:
            labels = json.loads(settings.get("labels", "{}"))
        except ValueError:
            labels = {}
        self.b.codebook = replace(cb, themes=tuple(themes), name=settings.get("name", "" if self.native else self.rp.name),
                                  citation=citation, consensus_coder=settings.get("consensus_coder", "consensus"),
                                  labels=labels if isinstance(labels, dict) else {})
        self.b.settings = settings
        self.b.coders = [str(c) for c in self.x.get("coders", [])]
        for g, coder in self.x.get("nothing_applies", []):
            if self.orig(g) in self.excerpt_key:
                self.b.nothing_applies.append((self.excerpt_key[self.orig(g)], coder))
        order = self.x.get("order", {})
        if "excerpts" in order:
            rank = {u: i for i, u in enumerate(order["excerpts"])}
            self.b.excerpts.sort(key=lambda e: rank.get(e.uuid, len(rank)))
        if "codings" in order:
            rank = {u: i for i, u in enumerate(order["codings"])}
            self.b.codings.sort(key=lambda c: rank.get(c.uuid, len(rank)))
