"""`table_json`: the Table 6 JSON of DESIGN.md's stable interface (keys may be added, never changed)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Any

from workbench.analysis.table import TableModel
from workbench.core.refs import ref_values


def table_dict(model: TableModel) -> dict[str, Any]:
    num = model.numeric
    doc: dict[str, Any] = {"themes": [
        {"name": th.name, "subthemes": [
            {"name": st.name, "rows": [
                {"valence": row.valence, "references": ref_values(row.references, num),
                 "perspectives": [{"perspective": e.perspective, "references": ref_values(e.references, num),
                                   "summary": e.summary, "groups": list(e.groups),
                                   **({"stale": True} if e.stale else {})}
                                  for e in row.perspectives]}
                for row in st.rows]}
            for st in th.subthemes]}
        for th in model.themes]}
    doc["provenance"] = model.derivation.provenance
    return doc


def pretty(value: Any, depth: int = 0, flat_below: int = 8) -> str:
    """JSON indented two spaces down to `flat_below` levels (each perspective entry on one line);
    lists of plain values ([23, 34, 61]) stay on one line.

    json.dumps(indent=…) runs the pure-Python encoder, 20× slower than the C one: 2 s for the
    500,000-coding project's table. Indenting the outer levels by hand and encoding each entry with
    the C encoder gives the same data, still readable and diffable, in a tenth of the time.
    """
    pad = "  " * depth
    if (depth >= flat_below or not isinstance(value, dict | list) or not value
            or (isinstance(value, list) and not any(isinstance(v, dict | list) for v in value))):
        return _FLAT.encode(value)
    if isinstance(value, dict):
        items = [f'{pad}  {_FLAT.encode(k)}: {pretty(v, depth + 1, flat_below)}' for k, v in value.items()]
        return "{\n" + ",\n".join(items) + f"\n{pad}}}"
    items = [f"{pad}  {pretty(v, depth + 1, flat_below)}" for v in value]
    return "[\n" + ",\n".join(items) + f"\n{pad}]"


_FLAT = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": "))


def table_json(model: TableModel, out: Path | IO[str]) -> None:
    text = pretty(table_dict(model)) + "\n"
    if isinstance(out, Path):
        out.write_text(text, encoding="utf-8")
    else:
        out.write(text)
