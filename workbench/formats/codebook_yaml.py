"""The codebook file a researcher writes by hand (DESIGN.md), read safely with line numbers.

Errors name the line: a researcher fixing a YAML file by hand needs to know where, not a Python
traceback. The loader is PyYAML's SafeLoader, so a codebook can never run code.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

import yaml

from workbench.core import gate
from workbench.core.errors import UserError
from workbench.core.model import Codebook, Perspective, Subtheme, Theme

SUBTHEME_KEYS = ("definition", "include", "exclude", "example", "origin")
LINE = "__line__"


class _LineLoader(yaml.SafeLoader):
    """SafeLoader that remembers the line of every mapping, for error messages."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        mapping = super().construct_mapping(node, deep=deep)
        mapping[LINE] = node.start_mark.line + 1
        return mapping


def load_codebook(path: Path) -> Codebook:
    if not path.is_file():
        raise UserError("no such file", str(path))
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise UserError("not UTF-8 text", str(path)) from None
    return parse_codebook(text, str(path))


def parse_codebook(text: str, file: str = "codebook") -> Codebook:
    try:
        doc = yaml.load(text, Loader=_LineLoader)  # noqa: S506 — _LineLoader is a SafeLoader
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        raise UserError(f"malformed YAML: {e.problem or e.context}", file,
                        mark.line + 1 if mark else None) from None
    except yaml.YAMLError as e:
        raise UserError(f"malformed YAML: {e}", file) from None
    if not isinstance(doc, dict):
        raise UserError("a codebook is a mapping with 'themes:' (see 'workbench schema codebook')", file, 1)
    cb = _codebook(doc, file)
    gate.check_codebook(cb, file)
    return cb


def _text(value: Any, key: str, file: str, line: int) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        raise UserError(f"'{key}' must be text", file, line)
    return str(value)


def _subtheme(obj: Any, file: str, line: int) -> Subtheme:
    if isinstance(obj, str):
        return Subtheme(obj)
    if not isinstance(obj, dict) or not str(obj.get("name") or "").strip():
        raise UserError("a subtheme needs a 'name'", file, obj.get(LINE, line) if isinstance(obj, dict) else line)
    at = obj[LINE]
    texts = {k: _text(obj.get(k), k, file, at) for k in SUBTHEME_KEYS}
    return Subtheme(str(obj["name"]).strip(), **texts, uuid=str(obj.get("id") or ""))


def _list(doc: dict[str, Any], key: str, file: str) -> list[Any]:
    value = doc.get(key) or []
    if not isinstance(value, list):
        raise UserError(f"'{key}' must be a list", file, doc.get(LINE))
    return value


def _codebook(doc: dict[str, Any], file: str) -> Codebook:
    top = doc.get(LINE, 1)
    seen: dict[str, int] = {}

    def unique(sub: Subtheme, line: int) -> Subtheme:
        if sub.name in seen:
            raise UserError(f"duplicate subtheme '{sub.name}' (also line {seen[sub.name]})", file, line)
        seen[sub.name] = line
        return sub

    themes = []
    theme_names: set[str] = set()
    for th in _list(doc, "themes", file):
        if not isinstance(th, dict) or not str(th.get("name") or "").strip():
            raise UserError("a theme needs a 'name'", file, th.get(LINE, top) if isinstance(th, dict) else top)
        name = str(th["name"]).strip()
        if name in theme_names:
            raise UserError(f"duplicate theme '{name}'", file, th[LINE])
        theme_names.add(name)
        subs = _list(th, "subthemes", file)
        themes.append(Theme(name, tuple(unique(_subtheme(s, file, th[LINE]),
                                               (s.get(LINE) or th[LINE]) if isinstance(s, dict) else th[LINE])
                                        for s in subs), str(th.get("id") or "")))
    ungrouped = tuple(unique(_subtheme(s, file, top), (s.get(LINE) or top) if isinstance(s, dict) else top)
                      for s in _list(doc, "ungrouped", file))
    valences: list[str] = []
    for v in _list(doc, "valences", file):
        if not isinstance(v, str | int) or not str(v).strip():
            raise UserError("each valence is a label such as 'benefit'", file, top)
        if str(v) in valences:
            raise UserError(f"duplicate valence '{v}'", file, top)
        valences.append(str(v).strip())
    perspectives: list[Perspective] = []
    for p in _list(doc, "perspectives", file):
        if isinstance(p, str):
            p = {"name": p, LINE: top}
        if not isinstance(p, dict) or not str(p.get("name") or "").strip():
            raise UserError("a perspective needs a 'name'", file, p.get(LINE, top) if isinstance(p, dict) else top)
        if any(x.name == str(p["name"]).strip() for x in perspectives):
            raise UserError(f"duplicate perspective '{p['name']}'", file, p[LINE])
        synonyms = p.get("synonyms") or []
        if not isinstance(synonyms, list):
            raise UserError("'synonyms' must be a list", file, p[LINE])
        perspectives.append(Perspective(str(p["name"]).strip(), bool(p.get("mixed", False)),
                                        tuple(str(s) for s in synonyms), str(p.get("id") or "")))
    citation = str(doc.get("citation") or "numeric")
    if citation not in ("numeric", "author-year"):
        raise UserError(f"citation must be 'numeric' or 'author-year', not '{citation}'", file, top)
    labels = doc.get("labels") or {}
    if not isinstance(labels, dict):
        raise UserError("'labels' must be a mapping", file, top)
    return Codebook(
        name=str(doc.get("name") or ""), themes=tuple(themes), ungrouped=ungrouped, valences=tuple(valences),
        perspectives=tuple(perspectives), citation=citation,
        consensus_coder=str(doc.get("consensus_coder") or "consensus"),
        labels={str(k): str(v) for k, v in labels.items() if k != LINE})


def codebook_dict(cb: Codebook, with_ids: bool = True) -> dict[str, Any]:
    def sub(s: Subtheme) -> dict[str, Any]:
        d: dict[str, Any] = {"name": s.name}
        if with_ids:
            d["id"] = s.uuid
        d.update({k: getattr(s, k) for k in SUBTHEME_KEYS if getattr(s, k)})
        return d

    def persp(p: Perspective) -> dict[str, Any]:
        d: dict[str, Any] = {"name": p.name}
        if with_ids:
            d["id"] = p.uuid
        if p.mixed:
            d["mixed"] = True
        if p.synonyms:
            d["synonyms"] = list(p.synonyms)
        return d

    out: dict[str, Any] = {"name": cb.name, "citation": cb.citation, "consensus_coder": cb.consensus_coder,
                           "valences": list(cb.valences), "perspectives": [persp(p) for p in cb.perspectives]}
    if cb.labels:
        out["labels"] = dict(cb.labels)
    out["themes"] = [{"name": th.name, **({"id": th.uuid} if with_ids else {}),
                      "subthemes": [sub(s) for s in th.subthemes]} for th in cb.themes]
    out["ungrouped"] = [sub(s) for s in cb.ungrouped]
    return out


def write_codebook(cb: Codebook, out: Path | IO[str]) -> None:
    text = yaml.safe_dump(codebook_dict(cb), sort_keys=False, allow_unicode=True, width=100)
    if isinstance(out, Path):
        out.write_text(text, encoding="utf-8")
    else:
        out.write(text)


_SUBTHEME_SCHEMA = {
    "oneOf": [
        {"type": "string"},
        {"type": "object", "required": ["name"],
         "properties": {"name": {"type": "string", "minLength": 1}, "id": {"type": "string"},
                        **{k: {"type": "string"} for k in SUBTHEME_KEYS}}},
    ]
}

CODEBOOK_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "workbench codebook",
    "description": "The codebook YAML of a workbench project: themes, subthemes, valences, perspectives.",
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "citation": {"enum": ["numeric", "author-year"]},
        "consensus_coder": {"type": "string", "description": "the coder whose codings are the agreed set"},
        "valences": {"type": "array", "items": {"type": "string"}},
        "perspectives": {"type": "array", "items": {"oneOf": [
            {"type": "string"},
            {"type": "object", "required": ["name"],
             "properties": {"name": {"type": "string"}, "id": {"type": "string"}, "mixed": {"type": "boolean"},
                            "synonyms": {"type": "array", "items": {"type": "string"}}}}]}},
        "labels": {"type": "object", "additionalProperties": {"type": "string"}},
        "themes": {"type": "array", "items": {
            "type": "object", "required": ["name"],
            "properties": {"name": {"type": "string"}, "id": {"type": "string"},
                           "subthemes": {"type": "array", "items": _SUBTHEME_SCHEMA}}}},
        "ungrouped": {"type": "array", "items": _SUBTHEME_SCHEMA},
    },
}
