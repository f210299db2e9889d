"""Store operations for included studies and CERQual judgements (issue 4)."""

from __future__ import annotations


class EvidenceOps:
    """Mixin of Project: included studies and CERQual judgements (issue 4)."""
