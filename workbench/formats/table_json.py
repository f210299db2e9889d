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


def table_json(model: TableModel, out: Path | IO[str]) -> None:
    text = json.dumps(table_dict(model), ensure_ascii=False, indent=2) + "\n"
    if isinstance(out, Path):
        out.write_text(text, encoding="utf-8")
    else:
        out.write(text)
