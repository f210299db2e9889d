"""Stable identities: uuid5 from a row's natural key, so two sites importing one spreadsheet agree."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

NAMESPACE = uuid.UUID("6f1d7c1e-3b7a-5d0e-9a51-2f0c8e4b7a10")


def stable_uuid(kind: str, *key: object) -> str:
    """A uuid5 of the entity kind and its natural key; the same inputs give the same id anywhere."""
    text = "\x1f".join([kind, *("" if k is None else str(k) for k in key)])
    return str(uuid.uuid5(NAMESPACE, text))


def new_uuid() -> str:
    return str(uuid.uuid4())


def now() -> str:
    """UTC time as ISO 8601 with seconds, the form every export writes."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
