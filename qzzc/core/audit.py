"""The audit chain's arithmetic (SPEC §10): canonical JSON and each entry's hash."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

GENESIS = "0" * 64


def canonical_json(value: Any) -> str:
    """Returns ``value`` as JSON with sorted keys, no spaces and UTF-8 text kept as is."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def entry_hash(prev_hash: str, entry: Mapping[str, Any]) -> str:
    """Returns hex SHA-256 over the previous hash, a newline and the entry's canonical JSON."""
    return hashlib.sha256(f"{prev_hash}\n{canonical_json(entry)}".encode()).hexdigest()


def file_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
