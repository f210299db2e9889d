"""Store operations for blind coding, reconciliation decisions, merge support (issue 6)."""

from __future__ import annotations


class CollabOps:
    """Mixin of Project: blind coding, reconciliation decisions, merge support (issue 6)."""
