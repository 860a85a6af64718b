"""The year's procedure on a real store (SQLite and PostgreSQL; SPEC §11): every step refused one
day early and accepted on the first day allowed, across the 2021 National Day holiday (Oct 1–7
off, Sep 26 and Oct 9 working days); refusals write nothing; the audit covers every step."""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
from pathlib import Path

import pytest
from helpers import (
    add_applicants,
    add_experts,
    add_missing_verdicts,
    applicant_row,
    expert_row,
    make_id,
    row_counts,
)
from hypothesis import event, given, settings
from hypothesis import strategies as st

from qzzc.services import procedure
from qzzc.services.audit import verify
from qzzc.services.draw import draw_experts
from qzzc.services.notices import render_notice
from qzzc.services.tally import record_tally

A, B = make_id(900001), make_id(900002)
BUREAU = "衢州市人力资源和社会保障局"


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def one(day: dt.date, days: int) -> dt.date:
    return day + dt.timedelta(days=days)


@pytest.fixture
def year(initialised):
    """Committee 3 with two eligible applicants (unit publicity ended 2021-06-25) and 20 experts."""
    add_applicants(
        initialised, applicant_row(id_number=A, unit="甲院"), applicant_row(id_number=B, unit="乙院")
    )
    add_missing_verdicts(initialised)
    add_experts(initialised, *[expert_row(i) for i in range(20)])
    return initialised


def counts_file(folder: Path) -> Path:
    path = folder / "计票.csv"
    path.write_text(f"身份证号,姓名,同意,不同意,弃权\n{A},张三,9,0,0\n{B},张三,2,7,0\n", encoding="utf-8")
    return path


# Each flow: the days of the steps, every one the first day allowed after the one before.
FLOWS = {
    # 评前公示 9-28 … 10-09 (a working Saturday after the holiday): filing from 10-10.
    "pre_review_across_national_day": {
        "pre": "2021-09-28", "pre_end": "2021-10-09", "filed": "2021-10-10", "meeting": "2021-10-17",
        "result": "2021-10-17", "result_end": "2021-10-22",
    },
    # 结果公示 9-30 … 10-12 (the holiday skipped): the filing form from 10-13.
    "result_across_national_day": {
        "pre": "2021-09-13", "pre_end": "2021-09-17", "filed": "2021-09-23", "meeting": "2021-09-30",
        "result": "2021-09-30", "result_end": "2021-10-12",
    },
}  # fmt: skip


def refused(ctx, call, starts: str) -> None:
    """``call()`` is refused (exit 1) with a message starting ``starts`` and writes nothing."""
    from qzzc.errors import QzzcError

    before = row_counts(ctx)
    with pytest.raises(QzzcError) as caught:
        call()
    assert caught.value.exit_code == 1
    assert caught.value.message.startswith(starts), caught.value.message
    assert row_counts(ctx) == before


@pytest.mark.parametrize("flow", FLOWS.values(), ids=FLOWS.keys())
def test_each_step_is_refused_a_day_early_and_taken_on_the_first_day(year, tmp_path, flow):
    ctx = year
    pre, pre_end, filed_on = d(flow["pre"]), d(flow["pre_end"]), d(flow["filed"])
    meeting_day, result, result_end = d(flow["meeting"]), d(flow["result"]), d(flow["result_end"])

    def notice(kind, **options):
        return render_notice(ctx, kind, tmp_path / f"{kind}.md", **options)

    # 评前公示
    published = notice("pre-review", committee=3, start=pre, on=one(pre, -1))
    assert (published.period.first, published.period.last) == (pre, pre_end)
    # 评前备案: the publicity has ended, and the meeting is a week later
    refused(ctx, lambda: procedure.file_meeting(ctx, 3, meeting_day, on=pre_end), "评前备案：评前公示 ")
    refused(
        ctx,
        lambda: procedure.file_meeting(ctx, 3, one(filed_on, 6), on=filed_on),
        "评前备案：应在拟召开评审会议一周前备案。",
    )
    filed = procedure.file_meeting(ctx, 3, meeting_day, on=filed_on)
    assert (filed.meeting, len(filed.applicants), filed.left_out) == (1, 2, 0)
    meeting = filed.meeting
    # 抽取专家 before the confirmation
    refused(ctx, lambda: draw_experts(ctx, 3, meeting_day, 9, on=filed_on), "抽取专家：第 1 号会议")
    # 备案确认: from the filing's day to the meeting's
    refused(
        ctx,
        lambda: procedure.confirm_meeting(ctx, meeting, by=BUREAU, on=one(filed_on, -1)),
        "备案确认：--on",
    )
    refused(
        ctx,
        lambda: procedure.confirm_meeting(ctx, meeting, by=BUREAU, on=one(meeting_day, 1)),
        "备案确认：--on",
    )
    procedure.confirm_meeting(ctx, meeting, by=BUREAU, on=filed_on)
    # 抽取专家: from the confirmation to the meeting
    refused(
        ctx, lambda: draw_experts(ctx, 3, meeting_day, 9, seed="s", on=one(filed_on, -1)), "抽取专家：--on"
    )
    refused(
        ctx, lambda: draw_experts(ctx, 3, meeting_day, 9, seed="s", on=one(meeting_day, 1)), "抽取专家：--on"
    )
    draw_experts(ctx, 3, meeting_day, 9, seed="s", on=filed_on)
    # 结果公示 before the tally
    refused(ctx, lambda: notice("result", meeting=meeting, start=result, on=result), "第 1 号会议尚未计票")
    # 计票: on or after the meeting
    counts = counts_file(tmp_path)
    refused(ctx, lambda: record_tally(ctx, meeting, 9, counts, on=one(meeting_day, -1)), "计票：--on")
    record_tally(ctx, meeting, 9, counts, on=meeting_day)
    # 备案表 before the result publicity
    refused(ctx, lambda: notice("filing-form", meeting=meeting, on=result_end), "备案表：第 1 号会议")
    # 结果公示: from the meeting's day
    refused(
        ctx,
        lambda: notice("result", meeting=meeting, start=one(meeting_day, -1), on=meeting_day),
        "结果公示应在评审会议之后",
    )
    shown = notice("result", meeting=meeting, start=result, on=meeting_day)
    assert shown.period.last == result_end
    # 核准公布 before the filing form
    refused(ctx, lambda: procedure.approve_meeting(ctx, meeting, by=BUREAU, on=result_end), "核准公布：")
    # 备案表: after the result publicity has ended
    refused(ctx, lambda: notice("filing-form", meeting=meeting, on=result_end), "备案表：结果公示 ")
    form_day = one(result_end, 1)
    notice("filing-form", meeting=meeting, on=form_day)
    # 核准公布: on or after the filing form; then the tally is final
    refused(
        ctx,
        lambda: procedure.approve_meeting(ctx, meeting, by=BUREAU, on=one(form_day, -1)),
        "核准公布：--on",
    )
    procedure.approve_meeting(ctx, meeting, by=BUREAU, on=form_day)
    refused(
        ctx,
        lambda: record_tally(ctx, meeting, 9, counts, amend=True, reason="笔误", on=form_day),
        "计票：第 1 号会议",
    )
    [report] = procedure.status(ctx, 3)
    assert [(step["step"], step["date"]) for step in report["steps"]] == [
        ("pre_review", flow["pre"]),
        ("filing", flow["filed"]),
        ("confirmation", flow["filed"]),
        ("draw", flow["filed"]),
        ("tally", flow["meeting"]),
        ("result", published_start(result)),
        ("filing_form", form_day.isoformat()),
        ("approval", form_day.isoformat()),
    ]
    assert report["next"]["step"] is None
    outcome = verify(ctx)
    assert outcome.sound, outcome.problems
    from helpers import run_cli  # noqa: F401  (the audit names each step)
    from sqlmodel import select

    from qzzc.store.models import AuditEntry

    with ctx.store.reading() as session:
        commands = [entry.command for entry in session.exec(select(AuditEntry))]
    for command in ("notice pre-review", "meeting file", "meeting confirm", "draw-experts", "tally",
                    "notice result", "notice filing-form", "meeting approve"):  # fmt: skip
        assert command in commands


def published_start(day: dt.date) -> str:
    from qzzc.core.workdays import OFFICIAL

    return OFFICIAL.next_workday(day).isoformat()


def test_the_filed_list_leaves_out_those_not_yet_publicised(year, tmp_path):
    """未经公示不得上会: one made eligible after the publicity is not filed, and the filing says so."""
    from qzzc.services.eligibility import settle

    render_notice(
        year, "pre-review", tmp_path / "p.md", committee=3, start=d("2021-09-28"), on=d("2021-09-27")
    )
    late = make_id(900003)
    add_applicants(year, applicant_row(id_number=late, unit="丙院"))
    add_missing_verdicts(year, "review")
    settle(year, late, "eligible", "补充材料后合格")
    filed = procedure.file_meeting(year, 3, d("2021-10-20"), on=d("2021-10-10"))
    assert sorted(a["id_number"] for a in filed.applicants) == sorted([A, B])
    assert filed.left_out == 1


def test_a_draft_records_nothing_and_says_so(year, tmp_path):
    before = row_counts(year)
    out = tmp_path / "评前公示.md"
    result = render_notice(year, "pre-review", out, committee=3, start=d("2021-09-28"), draft=True)
    assert result.draft
    assert out.read_text(encoding="utf-8").startswith("# （草稿）衢州市建筑工程技术人员中级职务评审委员会")
    assert row_counts(year) == before


def test_a_pre_review_before_a_unit_publicity_ended_is_refused(year, tmp_path):
    add_applicants(year, applicant_row(id_number=make_id(900004), unit="丁院", publicity_end="2021-09-28"))
    add_missing_verdicts(year)
    refused(
        year,
        lambda: render_notice(year, "pre-review", tmp_path / "p.md", committee=3, start=d("2021-09-28")),
        "评前公示：张三（单位公示截至 2021年9月28日）的单位公示在 2021年9月28日 前尚未结束；最早可于 2021年9月29日 开始。",
    )


def test_unresolved_objections_hold_the_filing(year, tmp_path):
    """The hook ``qzzc objection`` shares: an open objection of the period refuses the filing."""
    from helpers import writing
    from sqlmodel import select

    from qzzc.store.models import Applicant, Objection, Publicity

    render_notice(
        year, "pre-review", tmp_path / "p.md", committee=3, start=d("2021-09-28"), on=d("2021-09-27")
    )
    with writing(year) as session:
        publicity = session.exec(select(Publicity)).one()
        applicant = session.exec(select(Applicant).where(Applicant.id_number == A)).one()
        session.add(
            Objection(
                year=2021, committee_seq=3, applicant_id=applicant.id, publicity_id=publicity.id,
                stage="pre_review", received=d("2021-09-30"), by="某某", contact="0570-1234567",
                content="业绩不实", created_at="2021-09-30T09:00:00+08:00",
            )
        )  # fmt: skip
    refused(
        year,
        lambda: procedure.file_meeting(year, 3, d("2021-10-20"), on=d("2021-10-10")),
        "评前备案：评前公示期间收到的异议还有 1 件未处理完毕。",
    )


# -- whatever the order tried, every recorded year keeps the notice's order -------------------

ATTEMPTS = (
    "pre_review",
    "filing",
    "confirmation",
    "draw",
    "tally",
    "result",
    "filing_form",
    "approval",
    "amend",
)
BASE = d("2021-09-20")


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """An initialised SQLite store with the year's applicants and experts, copied for each example."""
    from qzzc.services.base import Context
    from qzzc.services.plan import init_store
    from qzzc.store.db import Store

    folder = tmp_path_factory.mktemp("template")
    ctx = Context(Store(f"sqlite:///{folder / 'qzzc.db'}"), "测试员")
    init_store(ctx)
    add_applicants(ctx, applicant_row(id_number=A, unit="甲院"), applicant_row(id_number=B, unit="乙院"))
    add_missing_verdicts(ctx)
    add_experts(ctx, *[expert_row(i) for i in range(20)])
    ctx.store.dispose()
    return folder / "qzzc.db"


def attempt(ctx, folder: Path, step: str, day: dt.date, other: int) -> None:
    meeting_day = day + dt.timedelta(days=6 + other % 3)  # a filing's meeting: 6 days is too soon
    meeting = 1
    if step == "pre_review":
        render_notice(ctx, "pre-review", folder / "p.md", committee=3, start=day, on=day)
    elif step == "filing":
        procedure.file_meeting(ctx, 3, meeting_day, on=day)
    elif step == "confirmation":
        procedure.confirm_meeting(ctx, meeting, by=BUREAU, on=day)
    elif step == "draw":
        with ctx.store.reading() as session:
            found = session.get(procedure.Meeting, meeting)
        draw_experts(ctx, 3, found.date if found else meeting_day, 9, seed="s", on=day)
    elif step in ("tally", "amend"):
        amend = step == "amend"
        record_tally(
            ctx, meeting, 9, counts_file(folder), amend=amend, reason="更正" if amend else None, on=day
        )
    elif step == "result":
        render_notice(ctx, "result", folder / "r.md", meeting=meeting, start=day, on=day)
    elif step == "filing_form":
        render_notice(ctx, "filing-form", folder / "f.md", meeting=meeting, on=day)
    else:
        procedure.approve_meeting(ctx, meeting, by=BUREAU, on=day)


def keeps_the_order(ctx) -> None:
    from sqlmodel import select

    from qzzc.store.models import Draw, Meeting, Publicity, Step, Tally

    with ctx.store.reading() as session:
        pre_ends = [p.end for p in session.exec(select(Publicity).where(Publicity.stage == "pre_review"))]
        for meeting in session.exec(select(Meeting)):
            steps = {s.step: s.on for s in session.exec(select(Step).where(Step.meeting_id == meeting.id))}
            filed = steps["filing"]
            assert any(end < filed for end in pre_ends)
            assert meeting.date >= filed + dt.timedelta(days=7)
            draws = [x.taken_on for x in session.exec(select(Draw).where(Draw.meeting_id == meeting.id))]
            tallies = [x.taken_on for x in session.exec(select(Tally).where(Tally.meeting_id == meeting.id))]
            results = list(session.exec(select(Publicity).where(Publicity.meeting_id == meeting.id)))
            if draws:
                assert filed <= steps["confirmation"] <= min(draws)
                assert max(draws) <= meeting.date
            if tallies:
                assert draws
                assert min(tallies) >= meeting.date
            if results:
                assert tallies
                assert all(r.start >= meeting.date for r in results)
                assert all(r.published_on >= min(tallies) for r in results)
            if "filing_form" in steps:
                assert any(r.end < steps["filing_form"] for r in results)
            if "approval" in steps:
                assert steps["approval"] >= steps["filing_form"]
                assert all(
                    x.created_at <= steps_created(session, meeting.id, "approval")
                    for x in session.exec(select(Tally).where(Tally.meeting_id == meeting.id))
                )


def steps_created(session, meeting_id: int, step: str) -> str:
    from sqlmodel import select

    from qzzc.store.models import Step

    return session.exec(select(Step.created_at).where(Step.meeting_id == meeting_id, Step.step == step)).one()


ANY_ORDER = st.lists(
    st.tuples(st.sampled_from(ATTEMPTS), st.integers(min_value=0, max_value=45), st.integers(0, 5)),
    min_size=1,
    max_size=14,
)
# The notice's order, each step some days after the one before, near what the notice needs: the
# tries that get furthest (and are refused at every boundary now and then).
GAPS = {"pre_review": (0, 3), "filing": (7, 14), "confirmation": (0, 2), "draw": (0, 3), "tally": (2, 9),
        "result": (0, 2), "filing_form": (6, 12), "approval": (0, 2), "amend": (0, 3)}  # fmt: skip
IN_ORDER = st.tuples(
    *(st.tuples(st.just(step), st.integers(*GAPS[step]), st.integers(0, 5)) for step in ATTEMPTS)
).map(
    lambda steps: [
        (step, sum(gap for _, gap, _ in steps[: place + 1]), other)
        for place, (step, _, other) in enumerate(steps)
    ]
)


@settings(max_examples=20, deadline=None)
@given(st.one_of(ANY_ORDER, IN_ORDER))
def test_any_order_tried_keeps_the_notices_order(template, tmp_path_factory, tries):
    from qzzc.errors import QzzcError
    from qzzc.services.base import Context
    from qzzc.store.db import Store

    folder = tmp_path_factory.mktemp("year")
    shutil.copy(template, folder / "qzzc.db")
    ctx = Context(Store(f"sqlite:///{folder / 'qzzc.db'}"), "测试员")
    try:
        taken = []
        for step, offset, other in tries:
            with contextlib.suppress(QzzcError):  # refused: nothing written
                attempt(ctx, folder, step, BASE + dt.timedelta(days=offset), other)
                taken.append(step)
        event(f"steps taken: {len(set(taken))}")  # --hypothesis-show-statistics
        keeps_the_order(ctx)
        assert verify(ctx).sound
    finally:
        ctx.store.dispose()
