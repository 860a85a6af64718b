"""The pure draw: keys, order, quotas, screening, verification."""

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qzzc.core import draw as core
from qzzc.core.draw import Candidate, DrawRefused, PoolExpert, candidate_digest, candidate_key, draw
from qzzc.core.privacy import mask_id


def people(n, specialties=("建筑设计",)):
    return [Candidate(f"ID{i:04d}", f"专家{i}", f"单位{i}", tuple(specialties)) for i in range(n)]


def test_key_is_sha256_of_seed_newline_id():
    expected = hashlib.sha256(b"seed\n330802199001011234").hexdigest()
    assert candidate_key("seed", "330802199001011234") == expected


def test_key_encodes_the_seed_as_utf8():
    assert candidate_key("双色球", "X") == hashlib.sha256("双色球\nX".encode()).hexdigest()


def test_digest_sorts_and_joins_by_newline():
    assert candidate_digest(["B", "A", "C"]) == hashlib.sha256(b"A\nB\nC").hexdigest()


def test_draw_without_quotas_is_the_lowest_keys_in_order():
    pool = people(10)
    ordered = sorted(pool, key=lambda c: candidate_key("s", c.id_number))
    result = draw("s", pool, 3, 2)
    assert [d.candidate for d in result.members] == ordered[:3]
    assert [d.candidate for d in result.alternates] == ordered[3:5]
    assert [d.key for d in result.members] == [candidate_key("s", c.id_number) for c in ordered[:3]]


def test_an_outsider_recomputes_the_draw_with_hashlib():
    pool = people(12)
    result = draw("2021118 03 11 17 22 28 31+07", pool, 5, 2)
    # What the README tells anyone to do with the printed seed and the candidates' ID numbers:
    seed = "2021118 03 11 17 22 28 31+07"
    ids = [c.id_number for c in pool]
    digest = hashlib.sha256("\n".join(sorted(ids)).encode()).hexdigest()
    ordered = sorted(ids, key=lambda i: hashlib.sha256(seed.encode() + b"\n" + i.encode()).hexdigest())
    assert digest == candidate_digest(ids)
    assert [d.id_number for d in result.members] == ordered[:5]
    assert [d.id_number for d in result.alternates] == ordered[5:7]


def test_quotas_are_filled_first_in_the_order_given():
    pool = [
        Candidate("A", "甲", "u", ("给排水",)),
        Candidate("B", "乙", "u", ("建筑设计",)),
        Candidate("C", "丙", "u", ("建筑设计", "给排水")),
        *people(6),
    ]
    keyed = {c.id_number: candidate_key("q", c.id_number) for c in pool}
    result = draw("q", pool, 3, 1, quotas=[("给排水", 2)])
    assert [d.id_number for d in result.members[:2]] == sorted(["A", "C"], key=keyed.get)
    rest = sorted((c.id_number for c in pool if c.id_number not in {"A", "C"}), key=keyed.get)
    assert [d.id_number for d in result.members[2:]] == rest[:1]
    assert [d.id_number for d in result.alternates] == rest[1:2]


def test_an_unmeetable_quota_is_refused_not_relaxed():
    pool = [Candidate("A", "甲", "u", ("给排水",)), *people(8)]
    with pytest.raises(DrawRefused) as caught:
        draw("s", pool, 5, 0, quotas=[("给排水", 2)])
    assert caught.value.message == (
        "专业名额无法满足：「给排水」要求 2 人，候选专家中该专业共 1 人，除去先前名额已抽中的，只剩 1 人。"
        "名额不会自动放宽，请调整 --quota。"
    )


def test_too_few_candidates_is_refused_with_the_counts():
    with pytest.raises(DrawRefused) as caught:
        draw("s", people(6), 5, 2)
    assert caught.value.message == "候选专家不足：需要 5 名成员和 2 名候补，共 7 人，但只有 6 名候选专家。"


def test_exactly_enough_candidates_is_enough():
    result = draw("s", people(7), 5, 2)
    assert len(result.members) + len(result.alternates) == 7


@pytest.mark.parametrize(
    ("pool", "size", "alternates", "quotas"),
    [
        ([Candidate("A", "甲", "u"), Candidate("A", "乙", "u")], 1, 0, ()),
        (people(5), 0, 0, ()),
        (people(5), 3, -1, ()),
        (people(5), 3, 0, (("建筑设计", 4),)),
        (people(5), 3, 0, (("建筑设计", 0),)),
    ],
)
def test_arguments_no_caller_should_pass(pool, size, alternates, quotas):
    with pytest.raises(ValueError):
        draw("s", pool, size, alternates, quotas)


def test_empty_seed_is_a_bug():
    with pytest.raises(ValueError, match="seed"):
        draw("", people(3), 1)


@pytest.mark.parametrize(
    ("size", "minimum", "message"),
    [
        (9, 9, None),
        (11, 9, None),
        (3, None, None),
        (10, 9, "执行委员会人数须为单数（以免表决时票数相同），--size 10 不是单数。"),
        (7, 9, "执行委员会人数不得少于规则文件为该级别设定的最低人数 9 人，--size 7 不足。"),
        (1, None, "执行委员会人数不得少于最低人数 3 人，--size 1 不足。"),
        (2, None, "执行委员会人数须为单数（以免表决时票数相同），--size 2 不是单数。"),
    ],
)
def test_check_size(size, minimum, message):
    if message is None:
        core.check_size(size, minimum)
    else:
        with pytest.raises(DrawRefused) as caught:
            core.check_size(size, minimum)
        assert caught.value.message == message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("建筑设计=2", ("建筑设计", 2)),
        (" 给排水 ＝ 1 ", ("给排水", 1)),
        ("风景园林（景观设计）=3", ("风景园林（景观设计）", 3)),
    ],
)
def test_parse_quota(text, expected):
    assert core.parse_quota(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("建筑设计", "「建筑设计」不是“专业=人数”的形式"),
        ("=2", "「=2」不是“专业=人数”的形式"),
        ("建筑设计=两", "「建筑设计=两」中的人数「两」不是整数"),
        ("建筑设计=0", "「建筑设计=0」中的人数须至少为 1"),
    ],
)
def test_parse_quota_refuses(text, message):
    with pytest.raises(ValueError) as caught:
        core.parse_quota(text)
    assert str(caught.value) == message


def test_check_quotas_refuses_a_specialty_twice_and_too_many_seats():
    with pytest.raises(DrawRefused) as twice:
        core.check_quotas([("甲", 1), ("乙", 1), ("甲", 1)], 5)
    assert twice.value.message == "专业名额重复：甲。每个专业只写一次 --quota。"
    with pytest.raises(DrawRefused) as over:
        core.check_quotas([("甲", 3), ("乙", 3)], 5)
    assert over.value.message == "专业名额合计 6 人，超过执行委员会人数 5 人。"


# -- properties ------------------------------------------------------------------------------

SPECIALTIES = ("建筑设计", "给排水", "暖通")
candidate_lists = st.lists(
    st.tuples(
        st.text(alphabet="0123456789X", min_size=1, max_size=6),
        st.sets(st.sampled_from(SPECIALTIES), max_size=2),
    ),
    min_size=0,
    max_size=30,
    unique_by=lambda item: item[0],
).map(lambda items: [Candidate(i, f"n{i}", "u", tuple(sorted(s))) for i, s in items])


@given(
    pool=candidate_lists,
    seed=st.text(min_size=1, max_size=20),
    size=st.integers(1, 9),
    alternates=st.integers(0, 4),
    data=st.data(),
)
def test_same_seed_and_candidates_same_draw_whatever_the_order(pool, seed, size, alternates, data):
    shuffled = data.draw(st.permutations(pool))
    quotas = data.draw(
        st.lists(
            st.tuples(st.sampled_from(SPECIALTIES), st.integers(1, 2)), max_size=2, unique_by=lambda q: q[0]
        )
    )
    if sum(k for _, k in quotas) > size:
        quotas = []
    try:
        first = draw(seed, pool, size, alternates, quotas)
    except DrawRefused:
        with pytest.raises(DrawRefused):
            draw(seed, shuffled, size, alternates, quotas)
        return
    assert draw(seed, shuffled, size, alternates, quotas) == first
    chosen = [d.id_number for d in first.members + first.alternates]
    assert len(first.members) == size
    assert len(first.alternates) == alternates
    assert len(set(chosen)) == len(chosen)  # no one twice
    assert set(chosen) <= {c.id_number for c in pool}
    for specialty, count in quotas:  # every quota met
        assert sum(specialty in d.candidate.specialties for d in first.members) >= count


@given(pool=candidate_lists, seed=st.text(min_size=1, max_size=10), data=st.data())
def test_an_excluded_expert_is_never_drawn(pool, seed, data):
    excluded = data.draw(st.sets(st.sampled_from([c.id_number for c in pool]))) if pool else set()
    experts = [PoolExpert(c.id_number, c.name, c.unit, c.specialties) for c in pool]
    screening = core.screen(experts, review_units={}, applicant_ids=excluded, seated_ids=(), conflicts={})
    assert {c.id_number for c in screening.candidates} == {c.id_number for c in pool} - excluded
    size = min(len(screening.candidates), 3) or 1
    try:
        result = draw(seed, screening.candidates, size)
    except DrawRefused:
        assert len(screening.candidates) < size
        return
    assert not {d.id_number for d in result.members} & excluded


@given(pool=candidate_lists, seed=st.text(min_size=1, max_size=10))
def test_members_plus_alternates_is_n_plus_m_or_a_refusal(pool, seed):
    try:
        result = draw(seed, pool, 5, 3)
    except DrawRefused:
        assert len(pool) < 8
        return
    assert len(result.members) + len(result.alternates) == 8


# -- screening -------------------------------------------------------------------------------


def test_screen_counts_each_expert_once_under_the_first_reason():
    pool = [
        PoolExpert("1", "申报人专家", "设计院", ()),  # applicant and same unit: counted as applicant
        PoolExpert("2", "同单位", "设 计 院", ()),
        PoolExpert("3", "利害关系", "甲", ()),
        PoolExpert("4", "已抽中", "乙", ()),
        PoolExpert("5", "暂停", "丙", (), "暂停"),
        PoolExpert("6", "候选", "丁", ("给排水",)),
    ]
    screening = core.screen(
        pool,
        review_units={"设计院": "330802********1234"},
        applicant_ids={"1"},
        seated_ids={"4", "1"},
        conflicts={"3": "师生关系"},
    )
    assert screening.candidates == (Candidate("6", "候选", "丁", ("给排水",)),)
    assert screening.excluded == {
        "applicant": [{"id_number": "1", "name": "申报人专家", "detail": ""}],
        "same_unit": [{"id_number": "2", "name": "同单位", "detail": "设 计 院"}],
        "conflict": [{"id_number": "3", "name": "利害关系", "detail": "师生关系"}],
        "already_seated": [{"id_number": "4", "name": "已抽中", "detail": ""}],
    }
    assert screening.excluded_counts == {"applicant": 1, "same_unit": 1, "conflict": 1, "already_seated": 1}
    assert screening.suspended == 1


def test_describe_exclusions():
    assert core.describe_exclusions({"same_unit": 3, "applicant": 1}) == (
        "与申报人同单位（回避） 3 人，本年度申报人 1 人"
    )
    assert core.describe_exclusions({}) == "无"


# -- verification ----------------------------------------------------------------------------


def stored(pool, seed="s", size=3, alternates=1, **changes):
    result = draw(seed, pool, size, alternates)
    values = {
        "number": 1,
        "algorithm": core.ALGORITHM,
        "seed": seed,
        "candidate_digest": candidate_digest(c.id_number for c in pool),
        "size": size,
        "alternates": alternates,
        "quotas": (),
        "candidates": tuple(pool),
        "excluded_ids": frozenset(),
        "members": tuple((d.id_number, d.key) for d in result.members),
        "alternate_ids": tuple((d.id_number, d.key) for d in result.alternates),
    }
    values.update(changes)
    return core.StoredDraw(**values)


def test_verify_accepts_an_untouched_draw():
    assert core.verify(stored(people(8))) == []


def test_verify_names_a_changed_seed_digest_member_and_algorithm():
    pool = people(8)
    good = stored(pool)
    assert core.verify(stored(pool, candidate_digest="0" * 64)) == [
        f"第 1 次抽取：候选名单摘要不符（记录 {'0' * 64}，按候选名单重算为 {good.candidate_digest}）"
    ]
    swapped = (good.members[1], good.members[0], good.members[2])
    assert core.verify(stored(pool, members=swapped)) == [
        f"第 1 次抽取：成员第 1 位不符（记录 {mask_id(swapped[0][0])}，重算 {mask_id(good.members[0][0])}）",
        f"第 1 次抽取：成员第 2 位不符（记录 {mask_id(swapped[1][0])}，重算 {mask_id(good.members[1][0])}）",
    ]
    rekeyed = ((good.members[0][0], "0" * 64), *good.members[1:])
    assert core.verify(stored(pool, members=rekeyed)) == [
        f"第 1 次抽取：成员第 1 位（{mask_id(good.members[0][0])}）的排序码不符"
    ]
    assert core.verify(stored(pool, members=good.members[:2])) == [
        "第 1 次抽取：成员人数不符（记录 2 人，重算 3 人）"
    ]
    assert core.verify(stored(pool, algorithm="other-1")) == [
        f"第 1 次抽取：算法「other-1」不是本程序所知的 {core.ALGORITHM}，无法复核"
    ]
    changed_seed = stored(pool, seed="t")
    assert core.verify(core.StoredDraw(**{**changed_seed.__dict__, "members": good.members}))[0].startswith(
        "第 1 次抽取：成员第"
    )


def test_verify_names_an_excluded_expert_among_the_candidates():
    pool = people(5)
    assert core.verify(stored(pool, excluded_ids=frozenset({"ID0003"}))) == [
        "第 1 次抽取：既在候选名单又被排除的专家：****03"
    ]
