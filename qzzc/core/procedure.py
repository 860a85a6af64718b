"""The year's procedure as pure rules (SPEC §11; the notice 一(三)–(五)): the steps in their
order, the earliest day each may be taken, and each refusal's message.

Nothing here reads the clock: every date is given. A refusal is ``StepRefused`` (exit 1) with a
Chinese message naming the step, the dates concerned and what to do first. ``qzzc status`` and the
refusals share ``earliest`` and ``next_step``, so that what ``status`` promises is what the steps
accept.

The dates, where the notice and SPEC are silent:

- A publicity period has ended on the day after its last day: filing (after 评前公示) and the
  filing form (after 结果公示) may be taken from the day after ``end`` (``end < on``).
- A meeting is filed "一周前": its date is at least 7 calendar days after the filing's ``--on``.
- The HR bureau confirms on or after the filing's day and on or before the meeting's; the draw is
  on or after the confirmation and on or before the meeting; the tally on or after the meeting
  (and so after the draw); the result publicity starts on or after the meeting and is published
  on or after the tally; the filing form is made after the result publicity has ended; the
  approval is on or after the filing form.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from qzzc.errors import QzzcError

STEPS = ("pre_review", "filing", "confirmation", "draw", "tally", "result", "filing_form", "approval")
"""The step names of SPEC §11, in the notice's order."""

LABELS = {
    "pre_review": "评前公示",
    "filing": "评前备案",
    "confirmation": "备案确认",
    "draw": "抽取专家",
    "tally": "计票",
    "result": "结果公示",
    "filing_form": "备案表",
    "approval": "核准公布",
}

MEETING_STEPS = ("filing", "confirmation", "draw", "tally", "filing_form", "approval")
"""The steps of a meeting taken on one day (the result publicity has a period instead)."""

FILING_LEAD_DAYS = 7  # 一(三): 在拟召开评审会议一周前 … 创建评审会议


class StepRefused(QzzcError):
    """A step whose predecessors are missing or whose date breaks the notice (exit 1)."""


BEIJING = dt.timezone(dt.timedelta(hours=8))


def beijing_day(at: str) -> dt.date | None:
    """The Beijing date of an ISO time stored by a job (``created_at``)."""
    try:
        moment = dt.datetime.fromisoformat(at)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(BEIJING).date()


def check_draw_filed(meeting: Any, committee: int, date: dt.date) -> None:
    """Refuses a draw for a meeting not filed (SPEC §11: 抽取专家 only for a filed meeting)."""
    if meeting is None:
        raise StepRefused(
            f"抽取专家：第 {committee} 号评委会 {day_text(date)} 的会议尚未备案。"
            f"请先备案（qzzc meeting file --committee {committee} --date {date.isoformat()}），"
            "经人力社保部门确认（qzzc meeting confirm）后再抽取专家。"
        )


def day_text(day: dt.date) -> str:
    """``2021年10月10日``."""
    return f"{day.year}年{day.month}月{day.day}日"


def period_text(start: dt.date, end: dt.date) -> str:
    """``2021年9月28日至10月9日`` (the year once when both days share it)."""
    if start.year == end.year:
        return f"{day_text(start)}至{end.month}月{end.day}日"
    return f"{day_text(start)}至{day_text(end)}"


def after(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=1)


# -- objections: the one rule the refusals share with ``qzzc objection`` ----------------------


class ObjectionLike(Protocol):
    publicity_id: int
    outcome: str | None


def unresolved(objections: Iterable[Any], publicities: Collection[int] | None = None) -> list[Any]:
    """The objections not yet resolved (``outcome`` None), of the publicities ``publicities`` (every
    publicity when None): "every objection of that period is resolved" holds when this is empty."""
    return [
        objection
        for objection in objections
        if objection.outcome is None and (publicities is None or objection.publicity_id in publicities)
    ]


def _objections_open(count: int, step: str, stage: str) -> None:
    if count:
        raise StepRefused(
            f"{LABELS[step]}：{stage}期间收到的异议还有 {count} 件未处理完毕。"
            "请先核查并办结（qzzc objection list 查看，qzzc objection resolve 办结），再办理此步。"
        )


# -- the state of a meeting's procedure ----------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date


@dataclass
class MeetingState:
    """What a meeting's procedure has on record: the day of each step taken (``steps``), the
    result publicities' periods, and which steps were backfilled (补录)."""

    meeting: int
    date: dt.date
    steps: dict[str, dt.date] = field(default_factory=dict)
    results: list[Period] = field(default_factory=list)
    backfilled: set[str] = field(default_factory=set)

    def has(self, step: str) -> bool:
        return step in self.steps or (step == "result" and bool(self.results))

    @property
    def name(self) -> str:
        return f"第 {self.meeting} 号会议（{day_text(self.date)}）"


# -- the publicities -------------------------------------------------------------------------


def check_pre_review(start: dt.date, unit_publicity_ends: Sequence[tuple[str, dt.date | None]]) -> None:
    """评前公示: each listed applicant's unit publicity (申报审核的单位公示) ended before ``start``.
    ``unit_publicity_ends`` are (name, last day) of the applicants to be listed."""
    if not unit_publicity_ends:
        raise StepRefused(
            "评前公示：本评委会没有资格审查合格、尚待评审的申报人，无可公示。请先导入申报人并运行 qzzc check。"
        )
    late = [(name, end) for name, end in unit_publicity_ends if end is None or end >= start]
    if late:
        shown = "、".join(
            f"{name}（单位公示{'截至 ' + day_text(end) if end else '日期未填'}）" for name, end in late[:5]
        )
        more = f"等 {len(late)} 人" if len(late) > 5 else ""
        ends = [end for _, end in late if end is not None]
        hint = f"；最早可于 {day_text(after(max(ends)))} 开始" if ends and len(ends) == len(late) else ""
        raise StepRefused(
            f"评前公示：{shown}{more}的单位公示在 {day_text(start)} 前尚未结束{hint}。"
            "评前公示应在单位公示结束后进行：请推迟 --start，或先补齐单位公示日期后重新运行 qzzc check。"
        )


def check_result(state: MeetingState, start: dt.date, on: dt.date) -> None:
    """结果公示: a tally is recorded; the period starts on or after the meeting; it is published
    on or after the tally."""
    if "tally" not in state.steps:
        raise StepRefused(f"结果公示：{state.name}尚未计票。请先运行 qzzc tally {state.meeting} 记录计票。")
    if start < state.date:
        raise StepRefused(
            f"结果公示：{state.name}于 {day_text(state.date)}召开，--start {day_text(start)} 早于会议日期。"
            "请把 --start 设为会议当天或之后"
        )
    if on < state.steps["tally"]:
        raise StepRefused(
            f"结果公示：--on {day_text(on)} 早于计票日 {day_text(state.steps['tally'])}；结果公示须在计票之后发布。"
        )
    if "approval" in state.steps:
        raise StepRefused(
            f"结果公示：{state.name}的评审结果已于 {day_text(state.steps['approval'])} 核准公布，不再公示。"
        )


# -- the meeting's steps -----------------------------------------------------------------------


def earliest_filing(pre_review_end: dt.date) -> dt.date:
    return after(pre_review_end)


def check_filing(
    meeting_date: dt.date,
    on: dt.date,
    publicities: Sequence[Period],
    filed: int,
    open_objections: int,
    existing: int | None = None,
) -> None:
    """评前备案: the meeting is at least a week after ``on``; some applicants (``filed`` of them)
    were listed on a pre-review publicity that ended before ``on``; no objection of that period
    is open. ``publicities`` are the committee's pre-review periods; ``existing`` a meeting of the
    committee on that date already filed."""
    if existing is not None:
        raise StepRefused(
            f"评前备案：本评委会 {day_text(meeting_date)} 的会议已备案（会议编号 {existing}），不能重复备案。"
            "用 qzzc status 查看下一步。"
        )
    if not publicities:
        raise StepRefused(
            "评前备案：本评委会尚未进行评前公示。请先发布评前公示"
            "（qzzc notice pre-review --committee 序号 --start 日期 --out 文件），公示期满后再备案。"
        )
    ended = [period for period in publicities if period.end < on]
    if not ended:
        latest = max(publicities, key=lambda period: period.end)
        raise StepRefused(
            f"评前备案：评前公示 {period_text(latest.start, latest.end)} 在 {day_text(on)} 尚未期满；"
            f"期满后可备案（最早 {day_text(earliest_filing(latest.end))}），会议不早于备案后 {FILING_LEAD_DAYS} 天。"
        )
    if filed == 0:
        raise StepRefused(
            f"评前备案：在 {day_text(on)} 没有可上会的申报人（资格审查合格、列入已期满的评前公示、"
            "且本年度未在其他会议评审过）。未经公示不得上会：请先对新审查合格的申报人发布评前公示。"
        )
    _objections_open(open_objections, "filing", "评前公示")
    least = on + dt.timedelta(days=FILING_LEAD_DAYS)
    if meeting_date < least:
        raise StepRefused(
            f"评前备案：应在拟召开评审会议一周前备案。{day_text(on)} 备案，会议日期最早为 {day_text(least)}，"
            f"--date {day_text(meeting_date)} 太早：请推迟会议日期，或提前备案（最晚 "
            f"{day_text(meeting_date - dt.timedelta(days=FILING_LEAD_DAYS))}）。"
        )


def check_confirmation(state: MeetingState, on: dt.date) -> None:
    """备案确认 (by the HR bureau): the meeting is filed; on or after the filing; not after the
    meeting's date; once."""
    if "filing" not in state.steps:
        raise StepRefused(f"备案确认：{state.name}尚未备案。请先运行 qzzc meeting file。")
    if "confirmation" in state.steps:
        raise StepRefused(
            f"备案确认：{state.name}已于 {day_text(state.steps['confirmation'])} 经人力社保部门确认，不能重复确认。"
        )
    filed = state.steps["filing"]
    if on < filed:
        raise StepRefused(
            f"备案确认：--on {day_text(on)} 早于备案日 {day_text(filed)}；确认须在备案之后（最早 {day_text(filed)}）。"
        )
    if on > state.date:
        raise StepRefused(
            f"备案确认：--on {day_text(on)} 晚于会议日期 {day_text(state.date)}；经备案确认后方可召开会议，"
            "会议须在确认之后。请改期重新备案，或核对日期。"
        )


def check_draw(state: MeetingState, on: dt.date) -> None:
    """抽取专家: the meeting is filed and confirmed; on or after the confirmation; not after the
    meeting's date; not after its tally (a redraw)."""
    if "filing" not in state.steps:
        raise StepRefused(
            f"抽取专家：{state.name}尚未备案。请先运行 qzzc meeting file，经人力社保部门确认"
            "（qzzc meeting confirm）后再抽取专家。"
        )
    if "confirmation" not in state.steps:
        raise StepRefused(
            f"抽取专家：{state.name}已于 {day_text(state.steps['filing'])} 备案，尚未经人力社保部门确认。"
            f"请先记录确认（qzzc meeting confirm {state.meeting} --by 确认单位），再抽取专家。"
        )
    confirmed = state.steps["confirmation"]
    if on < confirmed:
        raise StepRefused(
            f"抽取专家：--on {day_text(on)} 早于备案确认日 {day_text(confirmed)}；最早 {day_text(confirmed)}。"
        )
    if on > state.date:
        raise StepRefused(
            f"抽取专家：--on {day_text(on)} 晚于会议日期 {day_text(state.date)}；专家须在会议当天或之前抽取。"
        )


def check_tally(state: MeetingState, on: dt.date, amend: bool = False) -> None:
    """计票: a draw is recorded; on or after the meeting's date; an amendment only before the
    approval."""
    if "draw" not in state.steps:
        raise StepRefused(f"计票：{state.name}尚未抽取执行委员会专家，不能计票。请先运行 qzzc draw-experts。")
    if on < state.date:
        raise StepRefused(
            f"计票：--on {day_text(on)} 早于会议日期 {day_text(state.date)}；计票在会议当天或之后"
            f"（最早 {day_text(state.date)}）。"
        )
    if amend and "approval" in state.steps:
        raise StepRefused(
            f"计票：{state.name}的评审结果已于 {day_text(state.steps['approval'])} 经人力社保部门核准公布，"
            "计票和结果已成定局，不能再更正（--amend）。"
        )


def check_filing_form(state: MeetingState, on: dt.date, open_objections: int) -> None:
    """备案表: a result publicity ended before ``on``; every objection of the meeting resolved."""
    if "tally" not in state.steps:
        raise StepRefused(f"备案表：{state.name}尚未计票。请先运行 qzzc tally。")
    if not state.results:
        raise StepRefused(
            f"备案表：{state.name}的评审结果尚未公示。请先发布结果公示"
            f"（qzzc notice result --meeting {state.meeting} --start 日期 --out 文件），经公示无异议后再打印备案表。"
        )
    ended = [period for period in state.results if period.end < on]
    if not ended:
        latest = max(state.results, key=lambda period: period.end)
        raise StepRefused(
            f"备案表：结果公示 {period_text(latest.start, latest.end)} 在 {day_text(on)} 尚未期满；"
            f"经公示无异议后方可打印备案表（最早 {day_text(after(latest.end))}）。"
        )
    _objections_open(open_objections, "filing_form", "结果公示")


def check_approval(state: MeetingState, on: dt.date) -> None:
    """核准公布: the filing form was made; on or after it; once."""
    if "filing_form" not in state.steps:
        raise StepRefused(
            f"核准公布：{state.name}尚未打印评审结果备案表。请先运行 qzzc notice filing-form --meeting {state.meeting}。"
        )
    if "approval" in state.steps:
        raise StepRefused(f"核准公布：{state.name}已于 {day_text(state.steps['approval'])} 核准公布。")
    made = state.steps["filing_form"]
    if on < made:
        raise StepRefused(
            f"核准公布：--on {day_text(on)} 早于备案表日期 {day_text(made)}（最早 {day_text(made)}）。"
        )


# -- the next step (``qzzc status``) --------------------------------------------------------------


@dataclass(frozen=True)
class Next:
    step: str | None  # None: the procedure of the latest meeting is done
    earliest: dt.date | None
    text: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "earliest": self.earliest.isoformat() if self.earliest else None,
            "text": self.text,
        }


def next_step(
    publicities: Sequence[Period], meeting: MeetingState | None, unit_publicity_end: dt.date | None = None
) -> Next:
    """The next step of a committee and the earliest day it may be taken: of its latest meeting,
    or before any meeting the pre-review publicity and the filing. ``unit_publicity_end`` is the
    last day of the latest unit publicity among the applicants to be listed (None: none known)."""
    if meeting is not None and "approval" in meeting.steps:
        return Next(None, None, f"程序已完成：第 {meeting.meeting} 号会议评审结果已核准公布")
    if meeting is None:
        if not publicities:
            earliest = after(unit_publicity_end) if unit_publicity_end else None
            when = f"（最早 {day_text(earliest)} 开始）" if earliest else ""
            return Next("pre_review", earliest, f"评前公示{when}，不少于 5 个工作日")
        latest = max(publicities, key=lambda period: period.end)
        earliest = earliest_filing(latest.end)
        return Next(
            "filing",
            earliest,
            f"评前公示 {period_text(latest.start, latest.end)}；期满后可备案（最早{earliest.month}月{earliest.day}日），"
            f"会议不早于备案后{FILING_LEAD_DAYS}天",
        )
    steps = meeting.steps
    if "confirmation" not in steps:
        day = steps.get("filing", meeting.date)
        return Next(
            "confirmation", day, f"待人力社保部门备案确认（{day_text(day)} 至 {day_text(meeting.date)} 之间）"
        )
    if "draw" not in steps:
        day = steps["confirmation"]
        return Next("draw", day, f"抽取专家（{day_text(day)} 至会议当天 {day_text(meeting.date)}）")
    if "tally" not in steps:
        return Next("tally", meeting.date, f"{day_text(meeting.date)} 开会，会后计票")
    if not meeting.results:
        day = max(meeting.date, steps["tally"])
        return Next("result", day, f"结果公示（最早 {day_text(day)} 开始），不少于 5 个工作日")
    if "filing_form" not in steps:
        latest = max(meeting.results, key=lambda period: period.end)
        day = after(latest.end)
        return Next(
            "filing_form",
            day,
            f"结果公示 {period_text(latest.start, latest.end)}；期满无异议后打印备案表（最早 {day_text(day)}）",
        )
    day = steps["filing_form"]
    return Next("approval", day, f"备案表报人力社保部门核准公布（最早 {day_text(day)}）")
