"""Reference labels: how `ref`s sort and print, numeric or author–year (DESIGN.md)."""

from __future__ import annotations

from collections.abc import Iterable


def all_numeric(refs: Iterable[str]) -> bool:
    return all(str(r).strip().isdigit() for r in refs)


def sort_refs(refs: Iterable[str], numeric: bool | None = None) -> list[str]:
    """Unique refs in table order: numerically when every label is an integer, else by text ignoring case."""
    unique = sorted(set(refs), key=str)
    if numeric is None:
        numeric = all_numeric(unique)
    if numeric:
        return sorted(unique, key=int)  # int itself, not a lambda: tables sort thousands of lists
    return sorted(unique, key=lambda r: (r.lower(), r))


def ref_values(refs: Iterable[str], numeric: bool) -> list[int | str]:
    """Refs as JSON values: ints when the project's labels are all integers, else strings."""
    return [int(r) if numeric else r for r in refs]


def format_refs(refs: Iterable[str]) -> str:
    """'[23, 34, 61]' — the way Table 6 prints a list."""
    return "[" + ", ".join(str(r) for r in refs) + "]"
