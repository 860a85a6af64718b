import hashlib

from qzzc.core.audit import GENESIS, canonical_json, entry_hash


def test_canonical_json_sorts_keys_and_keeps_chinese():
    assert canonical_json({"b": 1, "a": "衢州"}) == '{"a":"衢州","b":1}'


def test_entry_hash_is_sha256_over_previous_hash_and_json():
    expected = hashlib.sha256(f'{GENESIS}\n{{"a":1}}'.encode()).hexdigest()
    assert entry_hash(GENESIS, {"a": 1}) == expected
    assert entry_hash("1" * 64, {"a": 1}) != expected


# -- state records and their comparison -------------------------------------------------------

import pytest  # noqa: E402

from qzzc.core.audit import (  # noqa: E402
    SHORT,
    ChainProblem,
    StateChange,
    compare_states,
    group_digest,
    state_record,
    verify_chain,
)


def test_group_digest_is_sha256_over_the_rows_one_per_line():
    assert group_digest([b'[1,"a"]', b'[2,"b"]']) == hashlib.sha256(b'[1,"a"]\n[2,"b"]').hexdigest()


def test_state_record_keeps_short_group_digests_and_one_full_digest():
    digests = {"verdicts": {"2021/3": "a" * 64, "2021/1": "b" * 64}, "draws": {}}
    full = {"draws": {}, "verdicts": {"2021/1": "b" * 64, "2021/3": "a" * 64}}
    assert state_record(digests) == {
        "sha256": hashlib.sha256(canonical_json(full).encode()).hexdigest(),
        "groups": {"draws": {}, "verdicts": {"2021/1": "b" * SHORT, "2021/3": "a" * SHORT}},
    }


def _record(**groups):
    return state_record({kind: dict(value) for kind, value in groups.items()})


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        ({"verdicts": {"2021/3": "a" * 64}}, []),
        ({"verdicts": {"2021/3": "c" * 64}}, [StateChange("verdicts", "2021/3", "changed")]),
        ({"verdicts": {}}, [StateChange("verdicts", "2021/3", "removed")]),
        (
            {"verdicts": {"2021/3": "a" * 64, "2021/10": "d" * 64}, "draws": {"7": "e" * 64}},
            [StateChange("draws", "7", "added"), StateChange("verdicts", "2021/10", "added")],
        ),
    ],
)
def test_compare_states_names_each_group_that_differs(after, expected):
    before = _record(verdicts={"2021/3": "a" * 64})
    assert compare_states(before, _record(**after)) == expected


def test_compare_states_without_a_nameable_group_returns_none():
    before = _record(verdicts={"2021/3": "a" * 64})
    forged = _record(verdicts={"2021/3": "a" * SHORT + "f" * (64 - SHORT)})
    assert compare_states(before, forged) is None


def test_groups_are_ordered_naturally():
    before = _record(verdicts={"2021/2": "a" * 64, "2021/10": "a" * 64})
    after = _record(verdicts={"2021/2": "b" * 64, "2021/10": "b" * 64})
    assert [change.group for change in compare_states(before, after)] == ["2021/2", "2021/10"]


# -- the chain --------------------------------------------------------------------------------


def _chain(count: int) -> list[dict]:
    entries, previous = [], GENESIS
    for seq in range(1, count + 1):
        body = {
            "seq": seq,
            "at": f"2021-09-0{seq}T10:00:00+08:00",
            "operator": "张三",
            "command": "check",
            "options": {"committee": seq},
            "inputs": [],
            "summary": {"eligible": seq},
            "state": {},
        }
        entry = {**body, "prev_hash": previous, "hash": entry_hash(previous, body)}
        entries.append(entry)
        previous = entry["hash"]
    return entries


def test_a_sound_chain_has_no_problems():
    assert verify_chain(_chain(5)) == []
    assert verify_chain([]) == []


def test_an_edited_entry_is_named():
    entries = _chain(5)
    entries[2]["summary"] = {"eligible": 99}
    assert verify_chain(entries) == [ChainProblem(3, "edited")]


def test_deleted_entries_are_named_by_seq():
    entries = _chain(6)
    del entries[2:4]
    assert verify_chain(entries) == [ChainProblem(5, "missing", "3–4")]
    assert verify_chain(_chain(3)[1:]) == [ChainProblem(2, "missing", "1")]


def _rehash(entry: dict, seq: int, prev_hash: str) -> dict:
    body = {key: entry[key] for key in entry if key not in ("prev_hash", "hash")}
    body["seq"] = seq
    return {**body, "prev_hash": prev_hash, "hash": entry_hash(prev_hash, body)}


def test_entries_swapped_and_rehashed_break_the_links():
    one, two, three, four = _chain(4)
    # A forger swaps entries 2 and 3 and rehashes each, but cannot rehash entry 4 without
    # rewriting everything after it; the swapped entries no longer link either.
    swapped_two = _rehash(three, 2, one["hash"])
    swapped_three = _rehash(two, 3, two["prev_hash"])
    assert verify_chain([one, swapped_two, swapped_three, four]) == [
        ChainProblem(3, "broken"),
        ChainProblem(4, "broken"),
    ]
