"""Store operations for documents, memos and REFI-QDA imports (issue 8)."""

from __future__ import annotations


class InterchangeOps:
    """Mixin of Project: documents, memos and REFI-QDA imports (issue 8)."""
