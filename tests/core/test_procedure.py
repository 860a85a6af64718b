"""The procedure's pure rules (SPEC §11): the boundaries of each step, table-driven, and the next
step ``qzzc status`` shows."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from qzzc.core import procedure as core
from qzzc.core.procedure import MeetingState, Period, StepRefused


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


PRE = [Period(d("2021-09-28"), d("2021-10-09"))]  # across National Day, ends on a working Saturday


def state(**steps: str) -> MeetingState:
    made = MeetingState(
        1, d("2021-10-20"), {name: d(day) for name, day in steps.items() if name != "results"}
    )
    if "results" in steps:
        first, last = steps["results"].split("/")
        made.results.append(Period(d(first), d(last)))
    return made


FILED = {"filing": "2021-10-10"}
CONFIRMED = {**FILED, "confirmation": "2021-10-11"}
DRAWN = {**CONFIRMED, "draw": "2021-10-12"}
TALLIED = {**DRAWN, "tally": "2021-10-20"}
PUBLISHED = {**TALLIED, "results": "2021-10-21/2021-10-27"}
FORM = {**PUBLISHED, "filing_form": "2021-10-28"}

# (step, the call on a day, the last day refused, the first day accepted)
BOUNDARIES = [
    ("filing: the publicity has ended", lambda on: core.check_filing(d("2021-10-20"), on, PRE, 2, 0), "2021-10-09", "2021-10-10"),
    ("filing: a week before the meeting", lambda on: core.check_filing(d("2021-10-17"), on, PRE, 2, 0), "2021-10-11", "2021-10-10"),
    ("confirmation: not before the filing", lambda on: core.check_confirmation(state(**FILED), on), "2021-10-09", "2021-10-10"),
    ("confirmation: not after the meeting", lambda on: core.check_confirmation(state(**FILED), on), "2021-10-21", "2021-10-20"),
    ("draw: not before the confirmation", lambda on: core.check_draw(state(**CONFIRMED), on), "2021-10-10", "2021-10-11"),
    ("draw: not after the meeting", lambda on: core.check_draw(state(**CONFIRMED), on), "2021-10-21", "2021-10-20"),
    ("tally: on or after the meeting", lambda on: core.check_tally(state(**DRAWN), on), "2021-10-19", "2021-10-20"),
    ("result: starts on or after the meeting", lambda start: core.check_result(state(**TALLIED), start, d("2021-10-20")), "2021-10-19", "2021-10-20"),
    ("filing form: after the result publicity", lambda on: core.check_filing_form(state(**PUBLISHED), on, 0), "2021-10-27", "2021-10-28"),
    ("approval: not before the filing form", lambda on: core.check_approval(state(**FORM), on), "2021-10-27", "2021-10-28"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("call", "refused", "accepted"), [case[1:] for case in BOUNDARIES], ids=[case[0] for case in BOUNDARIES]
)
def test_each_step_is_refused_a_day_early_and_accepted_on_the_first_day(call, refused, accepted):
    with pytest.raises(StepRefused):
        call(d(refused))
    call(d(accepted))


# (step, the call, the message)
ORDER = [
    ("filing without a publicity", lambda: core.check_filing(d("2021-10-20"), d("2021-10-10"), [], 0, 0),
     "评前备案：本评委会尚未进行评前公示。请先发布评前公示（qzzc notice pre-review --committee 序号 --start 日期 --out 文件），公示期满后再备案。"),
    ("filing before the publicity ended", lambda: core.check_filing(d("2021-10-20"), d("2021-10-09"), PRE, 2, 0),
     "评前备案：评前公示 2021年9月28日至10月9日 在 2021年10月9日 尚未期满；期满后可备案（最早 2021年10月10日），会议不早于备案后 7 天。"),
    ("filing too close to the meeting", lambda: core.check_filing(d("2021-10-16"), d("2021-10-10"), PRE, 2, 0),
     "评前备案：应在拟召开评审会议一周前备案。2021年10月10日 备案，会议日期最早为 2021年10月17日，--date 2021年10月16日 太早：请推迟会议日期，或提前备案（最晚 2021年10月9日）。"),
    ("filing with an open objection", lambda: core.check_filing(d("2021-10-20"), d("2021-10-10"), PRE, 2, 1),
     "评前备案：评前公示期间收到的异议还有 1 件未处理完毕。请先核查并办结（qzzc objection list 查看，qzzc objection resolve 办结），再办理此步。"),
    ("filing twice", lambda: core.check_filing(d("2021-10-20"), d("2021-10-10"), PRE, 2, 0, 1),
     "评前备案：本评委会 2021年10月20日 的会议已备案（会议编号 1），不能重复备案。用 qzzc status 查看下一步。"),
    ("draw before the confirmation", lambda: core.check_draw(state(**FILED), d("2021-10-12")),
     "抽取专家：第 1 号会议（2021年10月20日）已于 2021年10月10日 备案，尚未经人力社保部门确认。请先记录确认（qzzc meeting confirm 1 --by 确认单位），再抽取专家。"),
    ("tally before a draw", lambda: core.check_tally(state(**CONFIRMED), d("2021-10-20")),
     "计票：第 1 号会议（2021年10月20日）尚未抽取执行委员会专家，不能计票。请先运行 qzzc draw-experts。"),
    ("amend after the approval", lambda: core.check_tally(state(**FORM, approval="2021-11-01"), d("2021-11-02"), amend=True),
     "计票：第 1 号会议（2021年10月20日）的评审结果已于 2021年11月1日 经人力社保部门核准公布，计票和结果已成定局，不能再更正（--amend）。"),
    ("filing form with an open objection", lambda: core.check_filing_form(state(**PUBLISHED), d("2021-10-28"), 2),
     "备案表：结果公示期间收到的异议还有 2 件未处理完毕。请先核查并办结（qzzc objection list 查看，qzzc objection resolve 办结），再办理此步。"),
    ("approval before the filing form", lambda: core.check_approval(state(**PUBLISHED), d("2021-10-28")),
     "核准公布：第 1 号会议（2021年10月20日）尚未打印评审结果备案表。请先运行 qzzc notice filing-form --meeting 1。"),
]  # fmt: skip


@pytest.mark.parametrize(("call", "message"), [case[1:] for case in ORDER], ids=[case[0] for case in ORDER])
def test_a_step_out_of_order_names_what_to_do_first(call, message):
    with pytest.raises(StepRefused) as caught:
        call()
    assert caught.value.message == message
    assert caught.value.exit_code == 1


NEXT = [
    ([], None, d("2021-06-25"), "pre_review", "2021-06-26", "评前公示（最早 2021年6月26日 开始），不少于 5 个工作日"),
    (PRE, None, None, "filing", "2021-10-10", "评前公示 2021年9月28日至10月9日；期满后可备案（最早10月10日），会议不早于备案后7天"),
    (PRE, FILED, None, "confirmation", "2021-10-10", "待人力社保部门备案确认（2021年10月10日 至 2021年10月20日 之间）"),
    (PRE, CONFIRMED, None, "draw", "2021-10-11", "抽取专家（2021年10月11日 至会议当天 2021年10月20日）"),
    (PRE, DRAWN, None, "tally", "2021-10-20", "2021年10月20日 开会，会后计票"),
    (PRE, TALLIED, None, "result", "2021-10-20", "结果公示（最早 2021年10月20日 开始），不少于 5 个工作日"),
    (PRE, PUBLISHED, None, "filing_form", "2021-10-28", "结果公示 2021年10月21日至10月27日；期满无异议后打印备案表（最早 2021年10月28日）"),
    (PRE, FORM, None, "approval", "2021-10-28", "备案表报人力社保部门核准公布（最早 2021年10月28日）"),
    (PRE, {**FORM, "approval": "2021-11-01"}, None, None, None, "程序已完成：第 1 号会议评审结果已核准公布"),
]  # fmt: skip


@pytest.mark.parametrize(("publicities", "steps", "unit_end", "step", "earliest", "text"), NEXT)
def test_the_next_step_and_its_earliest_day(publicities, steps, unit_end, step, earliest, text):
    meeting = state(**steps) if steps is not None else None
    upcoming = core.next_step(publicities, meeting, unit_end)
    assert upcoming.as_dict() == {"step": step, "earliest": earliest, "text": text}


def test_unresolved_objections_of_the_periods_named():
    objections = [
        SimpleNamespace(publicity_id=1, outcome=None),
        SimpleNamespace(publicity_id=1, outcome="dismissed"),
        SimpleNamespace(publicity_id=2, outcome=None),
    ]
    assert core.unresolved(objections, {1}) == [objections[0]]
    assert core.unresolved(objections) == [objections[0], objections[2]]
    assert core.unresolved(objections, set()) == []


def test_the_steps_and_their_names():
    assert core.STEPS == (
        "pre_review",
        "filing",
        "confirmation",
        "draw",
        "tally",
        "result",
        "filing_form",
        "approval",
    )
    assert [core.LABELS[step] for step in core.STEPS] == [
        "评前公示", "评前备案", "备案确认", "抽取专家", "计票", "结果公示", "备案表", "核准公布",
    ]  # fmt: skip
