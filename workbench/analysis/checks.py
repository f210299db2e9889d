"""`workbench check`: problems in a project, one per line, from a registry of checks.

Each check is a function project → list of messages; adding a check is adding one function to
CHECKS, and the CLI, the TUI and the tests all run the same list.
"""

from __future__ import annotations

from collections.abc import Callable

Check = Callable[[object], list[str]]
CHECKS: list[Check] = []


def check(f: Check) -> Check:
    CHECKS.append(f)
    return f


@check
def ungrouped_subthemes(project) -> list[str]:  # type: ignore[no-untyped-def]
    return [f"subtheme '{s.name}' is under no overarching theme (it stays out of the table)"
            for s in project.codebook().ungrouped]


@check
def excerpt_hints_known(project) -> list[str]:  # type: ignore[no-untyped-def]
    names = {p.name for p in project.codebook().perspectives}
    return [f"excerpt '{e.key}' has perspective hint '{e.perspective}', which the codebook does not define"
            for e in project.excerpts() if e.perspective and e.perspective not in names]


def run_checks(project) -> list[str]:  # type: ignore[no-untyped-def]
    problems: list[str] = []
    for f in CHECKS:
        problems.extend(f(project))
    return problems
