"""EndNote XML ("File › Export", type XML): `<xml><records><record>…`, read with defusedxml.

Text may be split into `<style>` runs (EndNote keeps fonts and faces); only the text is kept. Editors
(`secondary-authors`) stand in for authors only when a record has none.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

from workbench.core.errors import UserError
from workbench.formats.references.model import Library, Reference
from workbench.formats.references.names import REGISTRY, split_names


def _text(el: Element | None) -> str:
    return " ".join("".join(el.itertext()).split()) if el is not None else ""


def read_endnote_xml(text: str, file: str) -> Library:
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    try:
        root = fromstring(text.encode("utf-8"), forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise UserError("refused: the XML declares a DTD or entities", file) from None
    except ParseError as e:
        raise UserError(f"malformed EndNote XML: {e}", file, e.position[0] if e.position else None) from None
    lib = Library(kind="EndNote XML")
    for n, record in enumerate(root.iter("record"), start=1):
        authors = [_text(a) for a in record.findall("contributors/authors/author")] or [
            _text(a) for a in record.findall("contributors/secondary-authors/author")]
        title = _text(record.find("titles/title"))
        if not title and not authors:
            lib.skipped.append(f"{file}, record {n}: no title and no authors — skipped")
            continue
        journal = (_text(record.find("periodical/abbr-1")) or _text(record.find("periodical/full-title")) or
                   _text(record.find("titles/secondary-title")))
        year = _text(record.find("dates/year")) or _text(record.find("dates/pub-dates/date"))
        registry = REGISTRY.search(" ".join((title, _text(record.find("notes")),
                                             _text(record.find("accession-num")))))
        lib.append(Reference(n, split_names(authors), title, journal, year, _text(record.find("volume")),
                             _text(record.find("number")), _text(record.find("pages")),
                             _text(record.find("electronic-resource-num")),
                             registry.group(1) if registry and not registry.group(1).startswith("CN-") else ""))
    return lib
