"""The two-thirds rules of 一(四), exactly, in integers."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qzzc.core.tally import (
    CountRow,
    Counts,
    Outcome,
    QuorumNotMet,
    check_quorum,
    count_problems,
    describe_refusal,
    differences,
    has_quorum,
    match_rows,
    needed_attending,
    needed_yes_votes,
    passes,
    result_text,
)
from qzzc.errors import CellError

TWO_THIRDS = Fraction(2, 3)


def test_every_meeting_up_to_35_members_against_fractions():
    for members in range(1, 36):
        for attending in range(0, members + 3):
            expected_quorum = attending <= members and Fraction(attending, members) >= TWO_THIRDS
            assert has_quorum(attending, members) == expected_quorum, (members, attending)
            if attending == 0:
                continue
            least = None
            for yes in range(0, attending + 1):
                expected = Fraction(yes, attending) >= TWO_THIRDS
                assert passes(yes, attending) == expected, (attending, yes)
                if expected and least is None:
                    least = yes
            assert needed_yes_votes(attending) == least


@given(st.integers(1, 1000), st.integers(-5, 1005))
def test_quorum_is_two_thirds_of_members_inclusive(members, attending):
    expected = 0 <= attending <= members and Fraction(attending, members) >= TWO_THIRDS
    assert has_quorum(attending, members) == expected


@given(st.integers(1, 1000), st.data())
def test_pass_is_two_thirds_of_attending_inclusive(attending, data):
    yes = data.draw(st.integers(0, attending))
    assert passes(yes, attending) == (Fraction(yes, attending) >= TWO_THIRDS)
    assert passes(yes, attending) == (yes >= needed_yes_votes(attending))


@given(st.integers(1, 1000))
def test_needed_attending_is_the_least_quorum(members):
    least = needed_attending(members)
    assert has_quorum(least, members)
    assert not has_quorum(least - 1, members)


@pytest.mark.parametrize(
    ("members", "attending", "yes", "quorum", "passed", "needed"),
    [
        (9, 6, 4, True, True, 4),  # exactly two thirds present, exactly two thirds yes
        (9, 6, 3, True, False, 4),
        (9, 7, 4, True, False, 5),  # 4/7 < 2/3
        (9, 7, 5, True, True, 5),
        (9, 9, 6, True, True, 6),
        (9, 9, 5, True, False, 6),
        (9, 5, 5, False, True, 4),  # 5 of 9 is no quorum
        (7, 5, 4, True, True, 4),
        (7, 4, 3, False, True, 3),
        (3, 2, 2, True, True, 2),
        (3, 2, 1, True, False, 2),
        (1, 1, 1, True, True, 1),
        (1, 1, 0, True, False, 1),
        (25, 17, 12, True, True, 12),
        (25, 16, 11, False, True, 11),
    ],
)
def test_edges(members, attending, yes, quorum, passed, needed):
    assert has_quorum(attending, members) is quorum
    assert passes(yes, attending) is passed
    assert needed_yes_votes(attending) == needed


def test_check_quorum_messages():
    check_quorum(6, 9)
    with pytest.raises(QuorumNotMet) as caught:
        check_quorum(5, 9)
    assert caught.value.message == (
        "出席委员 5 人，未达到执行委员会 9 人的三分之二（至少须 6 人出席），会议不能计票。未记录任何计票结果。"
    )
    with pytest.raises(QuorumNotMet) as caught:
        check_quorum(10, 9)
    assert caught.value.message == "出席人数 10 超过执行委员会委员人数 9，请核对。未记录任何计票结果。"
    with pytest.raises(QuorumNotMet) as caught:
        check_quorum(-1, 9)
    assert caught.value.message == "出席人数不能为负数（-1）。"


def test_result_text():
    assert [result_text(True, "评审"), result_text(False, "评审")] == ["通过", "不通过"]
    assert [result_text(True, "推荐"), result_text(False, "推荐")] == ["推荐", "不推荐"]
    assert result_text(True, None) == "通过"


def test_count_problems():
    assert count_problems(Counts(4, 1, 1), 6) == []
    assert count_problems(Counts(4, 2, 1), 6) == [("", "同意 + 不同意 + 弃权 = 7，超过出席专家人数 6")]
    assert count_problems(Counts(-1, 2, -3), 6) == [("同意", "票数不能为负数"), ("弃权", "票数不能为负数")]
    assert count_problems(Counts(0, 0, 0), 6) == []


def test_outcome_as_dict():
    outcome = Outcome("330802199001011234", "张三", Counts(4, 2, 0), 6, "推荐")
    assert outcome.as_dict() == {
        "id_number": "330802199001011234",
        "name": "张三",
        "yes": 4,
        "no": 2,
        "abstain": 0,
        "attending": 6,
        "needed": 4,
        "passed": True,
        "result": "推荐",
    }


A = "330802199001011234"
B = "330802199202024321"
C = "33080219930303555X"
UNDER_REVIEW = {A: "张三", B: "李四"}


def test_match_rows_accepts_a_good_file():
    rows = [CountRow(2, A, "张三", Counts(5, 1, 0)), CountRow(3, B, "李四", Counts(3, 2, 1))]
    matched = match_rows(rows, UNDER_REVIEW, 6, "计票")
    assert matched.ok
    assert matched.counts == {A: Counts(5, 1, 0), B: Counts(3, 2, 1)}


def test_match_rows_reports_every_problem_at_once():
    rows = [
        CountRow(2, A, "张叁", Counts(5, 2, 0)),
        CountRow(3, C, "王五", Counts(1, 1, 1)),
        CountRow(4, A, "张三", Counts(1, 1, 1)),
        CountRow(5, "", "", Counts(1, 1, 1)),
    ]
    matched = match_rows(rows, UNDER_REVIEW, 6, "计票")
    assert matched.errors == [
        CellError("计票", 2, "姓名", "张叁", "与身份证号 330802********1234 的申报人姓名「张三」不符"),
        CellError("计票", 2, "", "", "同意 + 不同意 + 弃权 = 7，超过出席专家人数 6"),
        CellError("计票", 3, "身份证号", "330802********555X", "不是本次会议评审的申报人"),
        CellError("计票", 4, "身份证号", "330802********1234", "重复：该申报人已在第 2 行"),
        CellError("计票", 5, "身份证号", "", "身份证号为空"),
    ]
    assert matched.missing == [B]
    assert describe_refusal("计票文件 a.csv ", matched, [], UNDER_REVIEW) == [
        "计票文件 a.csv 有误，共 6 处：",
        "  计票 第 2 行「姓名」（张叁）：与身份证号 330802********1234 的申报人姓名「张三」不符",
        "  计票 第 2 行：同意 + 不同意 + 弃权 = 7，超过出席专家人数 6",
        "  计票 第 3 行「身份证号」（330802********555X）：不是本次会议评审的申报人",
        "  计票 第 4 行「身份证号」（330802********1234）：重复：该申报人已在第 2 行",
        "  计票 第 5 行「身份证号」：身份证号为空",
        "  缺少申报人 330802********4321 李四 的计票行",
    ]


def test_differences_name_each_applicant_masked():
    first = {A: Counts(5, 1, 0), B: Counts(3, 2, 1)}
    assert differences(first, dict(first), UNDER_REVIEW) == []
    second = {A: Counts(4, 2, 0), B: Counts(3, 2, 1)}
    assert differences(first, second, UNDER_REVIEW) == ["330802********1234 张三：同意 5 ≠ 4；不同意 1 ≠ 2"]


def test_describe_refusal_lists_1000_problems_then_counts_the_rest():
    rows = [CountRow(number, C, "王五", Counts(1, 1, 1)) for number in range(2, 1202)]
    matched = match_rows(rows, UNDER_REVIEW, 6, "计票")
    lines = describe_refusal("计票文件 a.csv ", matched, [], UNDER_REVIEW, unlisted=300)
    assert (lines[0], len(lines), lines[-1]) == (
        "计票文件 a.csv 有误，共 1502 处：",
        1 + 1000 + 1,
        "  ……另有 502 处错误未列出；请先改正以上各处",
    )
