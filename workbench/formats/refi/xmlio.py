"""QDA-XML in and out: safe parsing, the namespace versions tools write, schema validation, writing.

Parsing goes through defusedxml with DTDs forbidden, so an entity bomb ("billion laughs") or an
external entity is refused before it expands. Tools write the project namespace as
`urn:QDA-XML:project:1.0` (the standard) or an older `urn:QDA-XML:project:0:4`; both are read as
1.0 after checking the version is one we know. The packaged XSDs (schemas/, MIT, REFI) validate
what we read and what we write, offline.
"""

from __future__ import annotations

import re
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


def parse(data: bytes, kind: str, file: str) -> Element:
    """Parse `data` safely, bring its namespace to 1.0 and validate it; a UserError says what is wrong."""
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
    normalise_namespace(root, kind, file)
    errors = list(schema(kind).iter_errors(root))
    if errors:
        first = errors[0]
        where = getattr(first, "path", None) or ""
        reason = (getattr(first, "reason", None) or str(first)).splitlines()[0]
        more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
        raise UserError(f"not a valid REFI-QDA {kind}: {where}: {reason}{more}", file)
    return root


def normalise_namespace(root: Element, kind: str, file: str) -> None:
    """Rewrite the namespace of every element to the 1.0 one (tools write '1.0' or '0:4')."""
    tag = root.tag
    ns, local = (tag[1:].split("}", 1) if tag.startswith("{") else ("", tag))
    if local != ROOT[kind]:
        other = "codebook (.qdc)" if local == "CodeBook" else "project (.qde)" if local == "Project" else f"<{local}>"
        raise UserError(f"not a REFI-QDA {kind}: the root element is a {other}", file)
    if ns == NS[kind]:
        return
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


def guid(value: str | None) -> str:
    """A GUID as workbench stores uuids: lower case, no braces ('' if absent)."""
    if not value:
        return ""
    m = _GUID.match(value.strip())
    return m.group(1).lower() if m else value.strip()


def is_guid(value: str) -> bool:
    return bool(_GUID.match(value or ""))


def is_datetime(value: str) -> bool:
    return bool(value and _DATETIME.match(value))


def clean(text: str) -> tuple[str, bool]:
    """Text XML 1.0 can carry: control characters it forbids are dropped (True if any were)."""
    cleaned = _XML_INVALID.sub("", text)
    return cleaned, cleaned != text


class XmlWriter:
    """A streaming writer: a 500,000-coding project never sits in memory as a tree."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.depth = 0
        self.dropped = 0

    def _attrs(self, attrs: dict[str, Any]) -> str:
        from xml.sax.saxutils import quoteattr

        parts = []
        for k, v in attrs.items():
            if v is None or v == "":
                continue
            value = ("true" if v else "false") if isinstance(v, bool) else str(v)
            value, bad = clean(value)
            self.dropped += bad
            parts.append(f" {k}={quoteattr(value)}")
        return "".join(parts)

    def start(self, tag: str, **attrs: Any) -> None:
        self.out.write(f"{'  ' * self.depth}<{tag}{self._attrs(attrs)}>\n")
        self.depth += 1

    def end(self, tag: str) -> None:
        self.depth -= 1
        self.out.write(f"{'  ' * self.depth}</{tag}>\n")

    def empty(self, tag: str, **attrs: Any) -> None:
        self.out.write(f"{'  ' * self.depth}<{tag}{self._attrs(attrs)}/>\n")

    def text(self, tag: str, text: str) -> None:
        from xml.sax.saxutils import escape

        value, bad = clean(text)
        self.dropped += bad
        self.out.write(f"{'  ' * self.depth}<{tag}>{escape(value, {chr(13): '&#13;'})}</{tag}>\n")


def validation_errors(data: bytes | Path, kind: str) -> list[str]:
    """Every schema problem of a written file (the tests' and the exporter's self-check)."""
    import xmlschema

    source: Any = str(data) if isinstance(data, Path) else data.decode("utf-8")
    try:
        return [f"{getattr(e, 'path', '')}: {getattr(e, 'reason', e)}" for e in schema(kind).iter_errors(source)]
    except xmlschema.XMLSchemaException as e:  # pragma: no cover - malformed input
        return [str(e)]
