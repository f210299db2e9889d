"""Where the bundled peer-support example lives: in the wheel (workbench/_example) or the checkout."""

from __future__ import annotations

from pathlib import Path

EXAMPLE_FILES = {
    "codebook": "codebooks/peer-support.yaml",
    "sources": "excerpts/sources.csv",
    "excerpts": "excerpts/excerpts.csv",
    "codings": "excerpts/codings.csv",
    "summaries": "excerpts/summaries.csv",
}


def example_root() -> Path:
    packaged = Path(__file__).resolve().parent.parent / "_example"
    if (packaged / EXAMPLE_FILES["codebook"]).is_file():
        return packaged
    return Path(__file__).resolve().parent.parent.parent


def example_files() -> dict[str, Path]:
    root = example_root()
    return {k: root / v for k, v in EXAMPLE_FILES.items()}
