"""Store operations for stored language-help results and trained models (issue 9)."""

from __future__ import annotations


class NlpOps:
    """Mixin of Project: stored language-help results and trained models (issue 9)."""
