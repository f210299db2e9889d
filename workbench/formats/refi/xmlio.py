"""QDA-XML in and out: safe parsing, the namespace versions tools write, schema validation, writing.

Parsing goes through defusedxml with DTDs forbidden, so an entity bomb ("billion laughs") or an
external entity is refused before it expands. Tools write the project namespace as
`urn:QDA-XML:project:1.0` (the standard) or an older `urn:QDA-XML:project:0:4`; both are read as
1.0 after checking the version is one we know. The packaged XSDs (schemas/, MIT, REFI) validate
what we read and what we write, offline.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import IO, Any
from xml.etree.ElementTree import Element

from workbench.core.errors import UserError

SCHEMAS = Path(__file__).parent / "schemas"
NS = {"project": "urn:QDA-XML:project:1.0", "codebook": "urn:QDA-XML:codebook:1.0"}
ROOT = {"project": "Project", "codebook": "CodeBook"}
_KNOWN_VERSIONS = re.compile(r"^urn:QDA-XML:(project|codebook):(1\.0|1|0:4|0\.4)$", re.I)
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_DATETIME = re.compile(r"^-?\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?$")
_GUID = re.compile(r"^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?$")


@cache
def schema(kind: str) -> Any:
    """The compiled XSD ('project' or 'codebook'); compiled once per process."""
    import xmlschema

    return xmlschema.XMLSchema(str(SCHEMAS / ("Project.xsd" if kind == "project" else "Codebook.xsd")))


def parse(data: bytes, kind: str, file: str, notes: list[str] | None = None) -> Element:
    """Parse `data` safely, bring its namespace to 1.0, mend what real tools write (see `repair`,
    notes appended to `notes`) and validate it; a UserError says what is wrong."""
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as e:
        raise UserError(f"refused: the XML declares a DTD or entities ({type(e).__name__}); "
                        "REFI-QDA files never need them", file) from None
    except ParseError as e:
        line = e.position[0] if getattr(e, "position", None) else None
        raise UserError(f"malformed XML: {e}", file, line) from None
    ns = normalise_namespace(root, kind, file)
    if ns:
        data = data.replace(ns.encode("utf-8"), NS[kind].encode("utf-8"))
    elif ns is not None:  # no namespace at all: validate the normalised tree
        from xml.etree.ElementTree import tostring

        data = tostring(root, encoding="utf-8")
    if notes is not None:
        data, found = repair(data, kind)
        if found:
            notes.extend(found)
            root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
            normalise_namespace(root, kind, file)
    problems = fast_validation_errors(data, kind)
    if problems:
        line, message = problems[0]
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        raise UserError(f"not a valid REFI-QDA {kind}: {message}{more}", file, line)
    return root


_GUID_ATTRS = re.compile(rb'\b(guid|targetGUID|creatingUser|modifyingUser|creatingUserGUID|modifyingUserGUID|originGUID|'
                         rb'representedGUID|sourceVertex|targetVertex|fromSyncPoint|toSyncPoint)="([^"]*)"')
_EMPTY_SETS = re.compile(rb"<(\w+:)?Sets\s*/>|<(\w+:)?Sets\s*>\s*</(\w+:)?Sets\s*>")


def repair(data: bytes, kind: str) -> tuple[bytes, list[str]]:
    """What real tools write that the schema forbids, mended before validation, one note per kind.

    Taguette ends every codebook with an empty `<Sets/>` (the schema wants at least one Set);
    openqda and hand-made files use ids such as "code-1" where GUIDs belong — each gets a GUID
    derived from it (the same id always the same GUID, so references stay linked), and the
    mapping is reported; a codebook's own Description (openqda) has no place in the schema."""
    from workbench.core.ids import stable_uuid

    notes: list[str] = []
    data, n = _EMPTY_SETS.subn(b"", data)
    if n:
        notes.append(f"read: an empty <Sets/> (Taguette writes one; the standard wants a Set inside it): {n}")
    mapping: dict[bytes, str] = {}

    def regid(m: re.Match[bytes]) -> bytes:
        value = m.group(2)
        if is_guid(value.decode("utf-8", "replace")):
            return m.group(0)
        if value not in mapping:
            mapping[value] = stable_uuid("refi-foreign-id", value.decode("utf-8", "replace"))
        return m.group(1) + b'="' + mapping[value].encode() + b'"'

    data = _GUID_ATTRS.sub(regid, data)
    if mapping:
        pairs = [f"{k.decode('utf-8', 'replace')} → {v}" for k, v in mapping.items()]
        shown = "; ".join(pairs[:10]) + (f"; … and {len(pairs) - 10} more" if len(pairs) > 10 else "")
        notes.append(f"changed: ids that are not GUIDs given new GUIDs ({shown}): {len(pairs)}")
    if kind == "codebook":
        head = data[: data.find(b"<Codes")] if b"<Codes" in data else b""
        m = re.search(rb"<Description>.*?</Description>|<Description\s*/>", head, re.S)
        if m:
            data = data[: m.start()] + data[m.end():]
            notes.append("not carried: the codebook's own description (the standard has no place for it): 1")
    return data, notes


def sniff(stream: IO[bytes] | io.RawIOBase, kind: str, file: str) -> str | None:
    """Read only up to the root element: refuse a DTD or entities (defusedxml), check the root and
    the namespace. Returns None for the 1.0 namespace, else the one found ('' for none)."""
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import iterparse

    try:
        with stream:
            for _event, el in iterparse(stream, events=("start",), forbid_dtd=True, forbid_entities=True,
                                        forbid_external=True):
                return normalise_namespace(Element(el.tag), kind, file)
    except DefusedXmlException as e:
        raise UserError(f"refused: the XML declares a DTD or entities ({type(e).__name__}); "
                        "REFI-QDA files never need them", file) from None
    except ParseError as e:
        line = e.position[0] if getattr(e, "position", None) else None
        raise UserError(f"malformed XML: {e}", file, line) from None
    except LookupError as e:  # expat meets the XML declaration's encoding="…" it does not know
        raise UserError(f"malformed XML: {e} in the XML declaration (REFI-QDA files are UTF-8)", file, 1) from None
    raise UserError("malformed XML: no root element", file)


_DECLARATION = re.compile(rb'xmlns(:[\w.-]+)?="urn:QDA-XML:(?:project|codebook):[^"]*"', re.I)


def to_standard_namespace(data: bytes, ns: str | None, kind: str) -> bytes:
    """The document with every QDA-XML namespace declared as the 1.0 one of `kind`.

    Tools write '0:4', or none at all, and some paste a codebook (urn:QDA-XML:codebook:0:4) into a
    project; only the xmlns declarations are rewritten, never the text."""
    target = NS[kind].encode("utf-8")
    out = _DECLARATION.sub(lambda m: b"xmlns" + (m.group(1) or b"") + b'="' + target + b'"', data)
    if ns == "":
        out = re.sub(rb"<" + ROOT[kind].encode() + rb"\b", b"<" + ROOT[kind].encode() + b' xmlns="' + target + b'"',
                     out, count=1)
    return out


def validate_stream(stream: IO[bytes], kind: str, file: str) -> None:
    """Check a whole document against the schema while reading it (libxml2, constant memory)."""
    try:
        from lxml import etree
    except ImportError:  # pragma: no cover - lxml comes with python-docx
        with stream:
            parse(stream.read(), kind, file)
        return
    with stream, schema_errors(kind, file):
        for _event, el in etree.iterparse(stream, events=("end",), tag=[f"{{{NS[kind]}}}{t}" for t in BULKY],
                                          schema=lxml_schema(kind), resolve_entities=False, no_network=True,
                                          load_dtd=False, huge_tree=True):
            drop(el)


BULKY = ("TextSource", "Note", "Code")  # the elements that hold most of a document: freed once read


def drop(el: Any) -> None:
    """Free an element that has been read, and its earlier siblings (lxml keeps them otherwise)."""
    el.clear(keep_tail=True)
    parent = el.getparent()
    if parent is not None:
        while el.getprevious() is not None:
            del parent[0]


@contextmanager
def schema_errors(kind: str, file: str) -> Iterator[None]:
    """Turn lxml's streaming validation error into the one-line UserError of a bad file."""
    from lxml import etree

    try:
        yield
    except etree.XMLSyntaxError as e:
        message = re.sub(r"\{[^}]*\}", "", re.sub(r"\s*\(<?[^()]*, line \d+\)$", "", str(e)))
        raise UserError(f"not a valid REFI-QDA {kind}: {message}", file, e.lineno or None) from None


@cache
def lxml_schema(kind: str) -> Any:
    from lxml import etree

    return etree.XMLSchema(etree.parse(str(SCHEMAS / ("Project.xsd" if kind == "project" else "Codebook.xsd"))))


def fast_validation_errors(data: bytes, kind: str) -> list[tuple[int | None, str]]:
    """(line, message) of every schema problem, by libxml2 through lxml: 40× faster than xmlschema,
    which matters for a 500,000-coding project. Only for XML that defusedxml has already accepted
    (no DTD, no entities), and parsed again with entity expansion and network access off."""
    try:
        from lxml import etree
    except ImportError:  # pragma: no cover - lxml comes with python-docx
        return [(None, e) for e in validation_errors(data, kind)]
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)
    try:
        doc = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as e:
        return [(e.lineno, f"malformed XML: {e.msg}")]
    schema_ = lxml_schema(kind)
    if schema_.validate(doc):
        return []
    out = []
    for entry in schema_.error_log:
        element = re.sub(r"\{[^}]*\}", "", entry.message)
        out.append((entry.line, element))
    return out


def normalise_namespace(root: Element, kind: str, file: str) -> str | None:
    """Rewrite the namespace of every element to the 1.0 one (tools write '1.0' or '0:4').

    Returns None if it already was 1.0, else the namespace found ('' for none)."""
    tag = root.tag
    ns, local = (tag[1:].split("}", 1) if tag.startswith("{") else ("", tag))
    if local != ROOT[kind]:
        other = "codebook (.qdc)" if local == "CodeBook" else "project (.qde)" if local == "Project" else f"<{local}>"
        raise UserError(f"not a REFI-QDA {kind}: the root element is a {other}", file)
    if ns == NS[kind]:
        return None
    match = _KNOWN_VERSIONS.match(ns)
    if ns and (not match or match.group(1).lower() != kind):
        raise UserError(f"unknown namespace '{ns}' (expected {NS[kind]})", file)
    target = "{" + NS[kind] + "}"
    prefix = "{" + ns + "}" if ns else ""
    for el in root.iter():
        if isinstance(el.tag, str):
            if prefix and el.tag.startswith(prefix):
                el.tag = target + el.tag[len(prefix):]
            elif not prefix and not el.tag.startswith("{"):
                el.tag = target + el.tag
    return ns


def guid(value: str | None) -> str:
    """A GUID as workbench stores uuids: lower case, no braces ('' if absent). The schema has
    already checked the pattern, so this only normalises (it runs once per element of a big file)."""
    if not value:
        return ""
    return value.strip().strip("{}").lower()


def is_guid(value: str) -> bool:
    return bool(_GUID.match(value or ""))


def is_datetime(value: str) -> bool:
    return bool(value and _DATETIME.match(value))


def clean(text: str) -> tuple[str, bool]:
    """Text XML 1.0 can carry: control characters it forbids are dropped (True if any were)."""
    cleaned = _XML_INVALID.sub("", text)
    return cleaned, cleaned != text


_ATTR = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": "&#10;", "\r": "&#13;",
                       "\t": "&#9;"})
_SPECIAL = re.compile("[&<>\"\n\r\t\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})


class XmlWriter:
    """A streaming writer: a 500,000-coding project never sits in memory as a tree.

    Attribute values keep their newlines and tabs as character references and text keeps its
    carriage returns, so a parser gives back exactly what was written."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.depth = 0
        self.dropped = 0

    def _value(self, value: str, table: dict[int, str]) -> str:
        if not _SPECIAL.search(value):  # ids, numbers, times: most values need nothing
            return value
        if _XML_INVALID.search(value):
            value = _XML_INVALID.sub("", value)
            self.dropped += 1
        return value.translate(table)

    def _attrs(self, attrs: dict[str, Any]) -> str:
        parts = []
        for k, v in attrs.items():
            if v is None or v == "":
                continue
            value = ("true" if v else "false") if isinstance(v, bool) else str(v)
            parts.append(f' {k}="{self._value(value, _ATTR)}"')
        return "".join(parts)

    def attr(self, value: str) -> str:
        """`value` escaped for a double-quoted attribute."""
        return self._value(value, _ATTR)

    def raw(self, text: str) -> None:
        """Markup the caller has built (with `attr` for every value that is not an id or a number)."""
        self.out.write(text)

    def start(self, tag: str, **attrs: Any) -> None:
        self.out.write(f"{'  ' * self.depth}<{tag}{self._attrs(attrs)}>\n")
        self.depth += 1

    def end(self, tag: str) -> None:
        self.depth -= 1
        self.out.write(f"{'  ' * self.depth}</{tag}>\n")

    def empty(self, tag: str, **attrs: Any) -> None:
        self.out.write(f"{'  ' * self.depth}<{tag}{self._attrs(attrs)}/>\n")

    def text(self, tag: str, text: str) -> None:
        self.out.write(f"{'  ' * self.depth}<{tag}>{self._value(text, _TEXT)}</{tag}>\n")


def validation_errors(data: bytes | Path, kind: str) -> list[str]:
    """Every schema problem of a written file, by xmlschema (what the tests check every file with)."""
    import xmlschema

    source: Any = str(data) if isinstance(data, Path) else data.decode("utf-8")
    try:
        return [f"{getattr(e, 'path', '')}: {getattr(e, 'reason', e)}" for e in schema(kind).iter_errors(source)]
    except xmlschema.XMLSchemaException as e:  # pragma: no cover - malformed input
        return [str(e)]
