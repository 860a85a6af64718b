"""The pure words and rules of objections (异议, SPEC §11)."""

from __future__ import annotations

import datetime as dt

import pytest

from qzzc.core.objections import (
    ObjectionFacts,
    PeriodRef,
    check_resolution,
    filing_sentence,
    mask_contact,
    parse_outcome,
    require_named,
    revoked_line,
    scrub,
    stage_of,
    unresolved,
    unresolved_lines,
    upheld_reason,
)
from qzzc.errors import QzzcError, UsageError

D = dt.date
# 评前公示 of 5 working days from 2021-09-28 ends on the make-up Saturday 2021-10-09, across the
# National Day holiday (SPEC §8); the result publicity follows the meeting.
PRE = PeriodRef(1, "pre_review", D(2021, 9, 28), D(2021, 10, 9))
RESULT = PeriodRef(2, "result", D(2021, 10, 21), D(2021, 10, 27), meeting_id=1)
WHO = "张三（330802********1234）"
LISTED = "评前公示 2021年9月28日至2021年10月9日；结果公示（第 1 号会议） 2021年10月21日至2021年10月27日"


@pytest.mark.parametrize(
    ("received", "stage"),
    [
        (D(2021, 9, 28), "pre_review"),  # first day
        (D(2021, 10, 3), "pre_review"),  # a holiday inside the period
        (D(2021, 10, 9), "pre_review"),  # last day, a make-up working Saturday
        (D(2021, 10, 21), "result"),
        (D(2021, 10, 27), "result"),
    ],
)
def test_stage_is_the_period_containing_the_day(received, stage):
    assert stage_of(received, [PRE, RESULT], WHO).stage == stage


@pytest.mark.parametrize(
    ("received", "day"),
    [
        (D(2021, 9, 27), "2021年9月27日"),  # the day before the 评前公示
        (D(2021, 10, 10), "2021年10月10日"),  # the day after it
        (D(2021, 10, 20), "2021年10月20日"),  # the day before the 结果公示
        (D(2021, 10, 28), "2021年10月28日"),  # the day after it
    ],
)
def test_a_day_outside_every_period_is_refused_naming_the_periods(received, day):
    with pytest.raises(QzzcError) as caught:
        stage_of(received, [RESULT, PRE], WHO)
    assert caught.value.message == (
        f"{day}不在{WHO}的公示期内，不予受理（异议须在公示期内提出）。{WHO}的公示期：{LISTED}。"
    )


def test_no_period_at_all():
    with pytest.raises(QzzcError) as caught:
        stage_of(D(2021, 10, 1), [], WHO)
    assert caught.value.message == (
        f"{WHO}未列入任何评前公示或结果公示，2021年10月1日收到的异议无从受理（异议须在公示期内提出）。"
    )


def test_of_two_periods_containing_the_day_the_later_one():
    again = PeriodRef(3, "pre_review", D(2021, 10, 8), D(2021, 10, 15))
    assert stage_of(D(2021, 10, 9), [PRE, again], WHO) == again


@pytest.mark.parametrize(
    ("by", "contact", "missing"),
    [
        (None, "13812341234", "异议人姓名（--by）"),
        ("  ", "13812341234", "异议人姓名（--by）"),
        ("李四", "", "联系方式（--contact）"),
        (None, None, "异议人姓名（--by）和联系方式（--contact）"),
    ],
)
def test_anonymous_is_refused(by, contact, missing):
    with pytest.raises(QzzcError) as caught:
        require_named(by, contact)
    assert caught.value.message == (
        f"异议须书面实名提出，匿名材料不予受理：缺少{missing}。请按书面材料填写异议人的真实姓名和联系方式后再登记。"
    )


def test_named_is_stripped():
    assert require_named(" 李四 ", " 13812341234 ") == ("李四", "13812341234")


@pytest.mark.parametrize(
    ("text", "outcome"), [("成立", "upheld"), (" 不成立 ", "dismissed"), ("upheld", "upheld")]
)
def test_outcomes(text, outcome):
    assert parse_outcome(text) == outcome


def test_unknown_outcome():
    with pytest.raises(UsageError) as caught:
        parse_outcome("部分成立")
    assert caught.value.message == "核查结论（--outcome）应为 成立 或 不成立，现为「部分成立」"


def facts(number=3, outcome=None, resolved_on=None, stage="pre_review", reason=None):
    return ObjectionFacts(number, stage, D(2021, 10, 8), outcome, reason, resolved_on)


def test_resolved_once():
    with pytest.raises(QzzcError) as caught:
        check_resolution(facts(outcome="dismissed", resolved_on=D(2021, 10, 9)), D(2021, 10, 10))
    assert (
        caught.value.message
        == "第 3 号异议已于2021年10月9日核查处理（不成立），每件异议只处理一次，不能再次处理。"
    )


@pytest.mark.parametrize(
    ("on", "ok"), [(D(2021, 10, 7), False), (D(2021, 10, 8), True), (D(2021, 10, 9), True)]
)
def test_resolution_not_before_received(on, ok):
    if ok:
        check_resolution(facts(), on)
        return
    with pytest.raises(QzzcError) as caught:
        check_resolution(facts(), on)
    assert caught.value.message == (
        "处理日期 2021-10-07 早于第 3 号异议的收到日期 2021-10-08，请把 --on 设为收到当天或之后。"
    )


def test_unresolved_and_its_lines():
    items = [facts(5), facts(2, outcome="upheld"), facts(4, stage="result")]
    assert [item.number for item in unresolved(items)] == [4, 5]
    assert unresolved_lines(items) == [
        "第 4 号异议（结果公示，2021-10-08 收到）尚未处理：qzzc objection resolve 4 --outcome 成立|不成立 --reason 理由",
        "第 5 号异议（评前公示，2021-10-08 收到）尚未处理：qzzc objection resolve 5 --outcome 成立|不成立 --reason 理由",
    ]


@pytest.mark.parametrize(
    ("received", "upheld", "sentence"),
    [
        (0, 0, "公示期间无异议"),
        (2, 1, "收到异议 2 件，经核查成立 1 件"),
        (1, 0, "收到异议 1 件，经核查成立 0 件"),
    ],
)
def test_filing_sentence(received, upheld, sentence):
    assert filing_sentence(received, upheld) == sentence


def test_reasons_and_revocation_mask_numbers():
    upheld = facts(outcome="upheld", reason="业绩造假，举报人电话13812341234，身份证330802199001011234")
    assert upheld_reason(upheld) == {
        "rule": "publicity.objection",
        "message": "评前公示期间异议经核查成立（第 3 号异议）：业绩造假，举报人电话********234，身份证330802********1234",
    }
    result = facts(outcome="upheld", stage="result", reason="论文抄袭")
    assert revoked_line("张三", "衢州市建筑设计院", result) == (
        "张三（衢州市建筑设计院）的评审结果撤销：结果公示期间异议经核查成立（第 3 号异议），论文抄袭"
    )


@pytest.mark.parametrize(
    ("contact", "shown"),
    [
        ("13812341234", "********234"),
        ("138 1234 1234", "********234"),
        ("0570-3012345", "********2345"),
        ("衢州市柯城区某路1号，电话13812341234", "衢州市柯城区某路1号，电话********234"),
    ],
)
def test_contact_masked_like_phones(contact, shown):
    assert mask_contact(contact) == shown


def test_scrub_leaves_short_numbers():
    assert scrub("2021年第3号文件") == "2021年第3号文件"


@pytest.mark.parametrize("text", ["王\u202e五", "王\x1b[31m五", "王\u200b五"])
def test_hidden_characters_are_refused(text):
    from qzzc.core.objections import require_text

    with pytest.raises(UsageError) as caught:
        require_named(text, "13812341234")
    assert caught.value.message.startswith("--by 的内容含有控制字符或不可见字符（王\\")
    with pytest.raises(UsageError):
        require_text(text, "理由", "--reason")
    assert require_text("第一行\n第二行", "理由", "--reason") == "第一行\n第二行"


def test_a_refused_contact_is_shown_masked():
    with pytest.raises(UsageError) as caught:
        require_named("王五", "\u206013812341234")
    assert "13812341234" not in caught.value.message
