"""Stable identities: uuid5 from a row's natural key, so two sites importing one spreadsheet agree."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from hashlib import sha1

NAMESPACE = uuid.UUID("6f1d7c1e-3b7a-5d0e-9a51-2f0c8e4b7a10")
_NAMESPACE_BYTES = NAMESPACE.bytes


def stable_uuid(kind: str, *key: object) -> str:
    """A uuid5 of the entity kind and its natural key; the same inputs give the same id anywhere.

    Computed as RFC 4122 does it (SHA-1 of namespace + name, version 5, variant bits) but without
    building UUID objects: an import of 500,000 codings derives 500,000 of these.
    """
    return uuid5_text("\x1f".join([kind, *("" if k is None else str(k) for k in key)]))


def uuid5_text(text: str) -> str:
    """str(uuid.uuid5(NAMESPACE, text)), three times faster: the key text of `stable_uuid`, for
    callers that build it themselves in a hot loop."""
    h = sha1(_NAMESPACE_BYTES + text.encode()).hexdigest()
    return f"{h[:8]}-{h[8:12]}-5{h[13:16]}-{'89ab'[int(h[16], 16) & 3]}{h[17:20]}-{h[20:32]}"


def new_uuid() -> str:
    return str(uuid.uuid4())


def now() -> str:
    """UTC time as ISO 8601 with seconds, the form every export writes."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
