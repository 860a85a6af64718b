"""The audit chain's arithmetic (SPEC §10): canonical JSON and each entry's hash."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
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


# -- the protected state ----------------------------------------------------------------------
#
# At the end of every writing job the audit entry records a digest of the protected state: for
# each kind of record (verdicts, draws, tallies, …) and each group of it (a committee of a year, a
# meeting), the SHA-256 over the group's rows in key order, each a JSON array. The entry keeps the
# first ``SHORT`` hex digits of each group's digest, to name what changed, and one full SHA-256 over
# all of the groups' full digests, so that the check is as strong as SHA-256 itself.

SHORT = 16


def group_digest(rows: list[bytes]) -> str:
    """Returns hex SHA-256 over a group's rows (each a JSON array in UTF-8, in key order), one per
    line."""
    return hashlib.sha256(b"\n".join(rows)).hexdigest()


def state_record(digests: Mapping[str, Mapping[str, str]]) -> dict[str, Any]:
    """Returns what an audit entry keeps of the state: ``{"sha256": full, "groups": {kind: {group:
    short digest}}}``. ``digests`` maps each kind to its groups' full digests."""
    full = {kind: dict(sorted(groups.items())) for kind, groups in sorted(digests.items())}
    return {
        "sha256": hashlib.sha256(canonical_json(full).encode()).hexdigest(),
        "groups": {
            kind: {group: value[:SHORT] for group, value in groups.items()} for kind, groups in full.items()
        },
    }


def empty_state(kinds: list[str]) -> dict[str, Any]:
    """The ``state_record`` of a store holding none of ``kinds``: what is expected before the
    first audit entry."""
    return state_record({kind: {} for kind in kinds})


@dataclass(frozen=True)
class StateChange:
    """One group of protected records that no longer matches what the last audit entry recorded.

    ``how`` is ``changed``, ``added`` (present now, unknown to the entry) or ``removed``.
    """

    kind: str
    group: str
    how: str


def compare_states(recorded: Mapping[str, Any], current: Mapping[str, Any]) -> list[StateChange] | None:
    """Returns the groups that differ between a recorded and a current ``state_record``: an empty
    list when the full digests agree, or None when they differ but no group can be named (a
    collision of the short digests, which only a deliberate forgery would cause)."""
    if recorded.get("sha256") == current.get("sha256"):
        return []
    changes = []
    old, new = recorded.get("groups", {}), current.get("groups", {})
    for kind in sorted(set(old) | set(new)):
        before, after = old.get(kind, {}), new.get(kind, {})
        for group in sorted(set(before) | set(after), key=_natural):
            if group not in after:
                changes.append(StateChange(kind, group, "removed"))
            elif group not in before:
                changes.append(StateChange(kind, group, "added"))
            elif before[group] != after[group]:
                changes.append(StateChange(kind, group, "changed"))
    return changes or None


def _natural(group: str) -> tuple[tuple[int, Any], ...]:
    """Sorts "2021/3" before "2021/10", and names that are not numbers after numbers."""
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in group.split("/"))


# -- the chain --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainProblem:
    """A link of the audit chain that does not hold: ``what`` is ``missing`` (entries with these
    seqs are gone), ``edited`` (the entry's content no longer gives its hash) or ``broken`` (the
    entry does not point to the hash of the one before it: removed, inserted or reordered)."""

    seq: int
    what: str
    detail: str = ""


def verify_chain(entries: list[Mapping[str, Any]]) -> list[ChainProblem]:
    """Checks entries (dicts with the body keys of ``audit_body`` plus ``prev_hash``, ``hash``, in
    order of seq) link by link. Returns every problem found, in order; empty when the chain holds."""
    problems: list[ChainProblem] = []
    previous_hash, expected_seq = GENESIS, 1
    for entry in entries:
        seq = entry["seq"]
        if seq != expected_seq:
            first, last = expected_seq, seq - 1
            problems.append(ChainProblem(seq, "missing", f"{first}" if first == last else f"{first}–{last}"))
        body = {key: entry[key] for key in BODY_KEYS}
        if entry_hash(entry["prev_hash"], body) != entry["hash"]:
            problems.append(ChainProblem(seq, "edited"))
        elif entry["prev_hash"] != previous_hash and seq == expected_seq:
            problems.append(ChainProblem(seq, "broken"))
        previous_hash, expected_seq = entry["hash"], seq + 1
    return problems


BODY_KEYS = ("seq", "at", "operator", "command", "options", "inputs", "summary", "state")
