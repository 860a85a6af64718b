import hashlib

from qzzc.core.audit import GENESIS, canonical_json, entry_hash


def test_canonical_json_sorts_keys_and_keeps_chinese():
    assert canonical_json({"b": 1, "a": "衢州"}) == '{"a":"衢州","b":1}'


def test_entry_hash_is_sha256_over_previous_hash_and_json():
    expected = hashlib.sha256(f'{GENESIS}\n{{"a":1}}'.encode()).hexdigest()
    assert entry_hash(GENESIS, {"a": 1}) == expected
    assert entry_hash("1" * 64, {"a": 1}) != expected
