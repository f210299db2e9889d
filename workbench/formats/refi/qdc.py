"""REFI-QDA codebooks (.qdc): a codebook to and from NVivo, ATLAS.ti, MAXQDA or QualCoder.

A .qdc is one XML file (namespace urn:QDA-XML:codebook:1.0) holding Codes only, so it carries
themes, subthemes (with definition and rules), valences and perspectives — see codes.py for the
mapping. Settings (citation style, consensus coder, labels) have no place in it and are not
written; what would not read back exactly is reported as a loss, as the standard asks.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import IO

from workbench import __version__
from workbench.core.errors import UserError
from workbench.core.ids import stable_uuid
from workbench.core.model import Codebook
from workbench.formats.refi.codes import CodebookRead, codebook_nodes, parse_nodes, read_codes, write_nodes
from workbench.formats.refi.xmlio import NS, XmlWriter, is_guid, parse

MAX_QDC_BYTES = 64 * 1024**2


def codebook_qdc(cb: Codebook, out: Path | IO[str]) -> list[str]:
    """Write the codebook as a .qdc; returns what it could not carry (one line per kind)."""
    remapped: dict[str, str] = {}

    def gid(uuid: str) -> str:
        if is_guid(uuid):
            return uuid
        remapped[uuid] = stable_uuid("refi-guid", uuid)
        return remapped[uuid]

    nodes, exact = codebook_nodes(cb, gid)
    buffer = io.StringIO()
    w = XmlWriter(buffer)
    buffer.write('<?xml version="1.0" encoding="utf-8"?>\n')
    w.start("CodeBook", xmlns=NS["codebook"], origin=f"workbench {__version__}")
    if nodes:
        w.start("Codes")
        write_nodes(w, nodes, with_notes=False)
        w.end("Codes")
    else:
        raise UserError("the codebook is empty: a .qdc needs at least one code")
    w.end("CodeBook")
    losses = []
    if exact:
        losses.append("not carried: subtheme rules or perspective synonyms that would not read back exactly from "
                      f"the code description: {len(exact)}")
    if remapped:
        losses.append(f"changed: ids that are not GUIDs replaced by derived GUIDs: {len(remapped)}")
    if w.dropped:
        losses.append(f"changed: control characters removed (XML cannot hold them): {w.dropped}")
    text = buffer.getvalue()
    if isinstance(out, Path):
        out.write_text(text, encoding="utf-8")
    else:
        out.write(text)
    return losses


def is_taguette(origin: str) -> bool:
    return origin.strip().lower().startswith("taguette")


def read_qdc(path: Path, dots: bool | None = None) -> CodebookRead:
    """A codebook from a .qdc file, checked against Codebook.xsd (bad input raises UserError).

    `dots`: read 'parent.child' names as a hierarchy; None decides by the file's origin (Taguette)."""
    if not path.is_file():
        raise UserError("no such file", str(path))
    if path.stat().st_size > MAX_QDC_BYTES:
        raise UserError(f"refused: larger than {MAX_QDC_BYTES // 1024**2} MB for a codebook", str(path))
    notes: list[str] = []
    root = parse(path.read_bytes(), "codebook", str(path), notes)
    ns = NS["codebook"]
    codes = root.find(f"{{{ns}}}Codes")
    try:
        nodes = parse_nodes(codes, ns) if codes is not None else []
    except UserError as e:
        raise e.located(str(path)) from None
    read = read_codes(nodes, dots=is_taguette(root.get("origin") or "") if dots is None else dots)
    read.losses[:0] = notes
    if root.find(f"{{{ns}}}Sets") is not None:
        read.losses.append(f"not carried: code sets: {len(root.findall(f'{{{ns}}}Sets/{{{ns}}}Set'))}")
    return read
