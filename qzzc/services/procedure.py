"""The year's procedure on record (SPEC §11): filing a meeting, the HR bureau's confirmation and
approval, the publicities, and ``qzzc status``; the rules are ``qzzc.core.procedure``'s.

The other jobs call in here, each at one place: the notices (``on_notice``, inside their job),
the draw (``guard_draw`` and ``filed_list``: the applicants it and the tally review) and the
tally (``guard_tally``). ``open_objections`` is the one query for "every objection of that
period is resolved" (the ``objections`` table; ``qzzc objection`` writes it).

Choices where SPEC is silent:

- ``on`` left out by a caller of these services means today in Beijing time (``today``); the CLI
  always passes it.
- Applicants eligible but not (yet) on an ended pre-review publicity are left out of a filing, and
  the filing says how many (未经公示不得上会); a filing with none is refused.
- A publicity may be published again (a further notice, another period): each stays on record;
  the filing takes every ended pre-review publicity, the filing form needs one ended result
  publicity. The same notice rendered again for the same period (another format) records nothing.
- The filing form is recorded as a step the first time it is made; rendering it again (another
  format) is allowed and records nothing new.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from qzzc.core import procedure as core
from qzzc.errors import QzzcError
from qzzc.services.base import Context, job, today
from qzzc.store import queries
from qzzc.store.models import (
    FiledApplicant,
    Meeting,
    Publicity,
    PublicityApplicant,
    Step,
    Tally,
    TallyResult,
)

NOTICE_STEPS = ("pre-review", "result", "filing-form")  # the notices that are steps (``on_notice``)


# -- reading, for the CLI


def meeting_of(ctx: Context, meeting_id: int) -> tuple[int, dt.date]:
    """The committee and date of meeting ``meeting_id`` (``draw-experts --meeting``)."""
    with ctx.store.reading() as session:
        meeting = queries.meeting(session, meeting_id)
        return meeting.committee_seq, meeting.date


# -- hooks inside other jobs -------------------------------------------------------------------


def after_notice(request: Any, context: Any) -> Any:
    """The ``after`` hook of the notices that are steps (``qzzc.notices.kinds``): ``on_notice``
    with the request's options. ``on`` defaults to today (Beijing) for a caller without it."""
    return on_notice(
        request.session,
        request.kind.name,
        context,
        year=request.year,
        committee=request.committee_seq,
        meeting=request.meeting_id,
        on=request.on if request.on is not None else today(),
        draft=request.draft,
        operator=request.operator,
        at=request.at,
    )


def on_notice(
    session: Session,
    kind: str,
    context: Any,
    *,
    year: int,
    committee: int | None,
    meeting: int | None,
    on: dt.date,
    draft: bool,
    operator: str,
    at: str,
) -> Any:
    """Called by ``render_notice`` inside its job, once the document's context is built: a
    publicity is checked and recorded (评前公示, 结果公示), the filing form checked and recorded as a
    step; a draft (``draft``) is checked against nothing, records nothing and is marked 草稿 in its
    title. Returns the context to render."""
    if draft:
        office = getattr(context, "office", None)
        if office is not None and dataclasses.is_dataclass(context):
            return dataclasses.replace(context, office=dataclasses.replace(office, draft=True))
        return context
    if kind == "pre-review":
        _publish_pre_review(session, context, year, committee, on, operator, at)  # type: ignore[arg-type]
    elif kind == "result":
        _publish_result(session, context, queries.meeting(session, meeting), on, operator, at)  # type: ignore[arg-type]
    elif kind == "filing-form":
        _filing_form(session, queries.meeting(session, meeting), on, operator, at)  # type: ignore[arg-type]
    return context


def _same(
    session: Session, year: int, committee: int, stage: str, meeting: int | None, period: Any
) -> Publicity | None:
    """The publicity of the same period published before: the same notice rendered again (another
    format) records nothing new."""
    query = select(Publicity).where(
        Publicity.year == year,
        Publicity.committee_seq == committee,
        Publicity.stage == stage,
        Publicity.start == period.first,
        Publicity.end == period.last,
    )
    if meeting is not None:
        query = query.where(Publicity.meeting_id == meeting)
    return session.execute(query.limit(1)).scalar_one_or_none()


def _publish_pre_review(
    session: Session, context: Any, year: int, committee: int, on: dt.date, operator: str, at: str
) -> Publicity:
    period = context.period
    applicants = queries.eligible_applicants(session, year, committee)
    core.check_pre_review(period.first, [(a.name, a.publicity_end) for a in applicants])
    same = _same(session, year, committee, "pre_review", None, period)
    if same is not None:
        return same
    record = _publicity(session, year, committee, "pre_review", None, period, on, operator, at)
    for applicant in applicants:
        session.add(PublicityApplicant(publicity_id=record.id, applicant_id=applicant.id))
    return record


def _publicity(
    session: Session,
    year: int,
    committee: int,
    stage: str,
    meeting: int | None,
    period: Any,
    on: dt.date,
    operator: str,
    at: str,
) -> Publicity:
    """Records a publicity period published on ``on``."""
    record = Publicity(
        year=year,
        committee_seq=committee,
        stage=stage,
        meeting_id=meeting,
        start=period.first,
        end=period.last,
        working_days=period.days,
        published_on=on,
        operator=operator,
        created_at=at,
    )
    session.add(record)
    session.flush()
    return record


def _publish_result(
    session: Session, context: Any, meeting: Meeting, on: dt.date, operator: str, at: str
) -> Publicity:
    period = context.period
    core.check_result(queries.meeting_state(session, meeting), period.first, on)
    same = _same(session, meeting.year, meeting.committee_seq, "result", meeting.id, period)
    if same is not None:
        return same
    record = _publicity(
        session, meeting.year, meeting.committee_seq, "result", meeting.id, period, on, operator, at
    )
    passed = session.execute(
        select(TallyResult.applicant_id)
        .join(Tally, Tally.id == TallyResult.tally_id)
        .where(Tally.meeting_id == meeting.id, Tally.active.is_(True), TallyResult.passed.is_(True))
    ).scalars()
    for applicant_id in sorted(set(passed)):
        session.add(PublicityApplicant(publicity_id=record.id, applicant_id=applicant_id))
    return record


def result_publicities(session: Session, meeting_id: int) -> list[int]:
    return list(
        session.execute(
            select(Publicity.id).where(Publicity.meeting_id == meeting_id, Publicity.stage == "result")
        ).scalars()
    )


def _filing_form(session: Session, meeting: Meeting, on: dt.date, operator: str, at: str) -> None:
    state = queries.meeting_state(session, meeting)
    if "filing_form" in state.steps:
        return
    core.check_filing_form(
        state, on, len(queries.open_objections(session, result_publicities(session, meeting.id)))
    )
    session.add(Step(meeting_id=meeting.id, step="filing_form", on=on, operator=operator, created_at=at))


# -- the meeting's own steps ---------------------------------------------------------------------


@dataclass(frozen=True)
class Filed:
    meeting: int
    committee: int
    committee_name: str
    date: dt.date
    on: dt.date
    place: str | None
    applicants: list[dict[str, str]] = field(default_factory=list)  # name, id_number, title
    left_out: int = 0  # eligible, but on no ended pre-review publicity

    def as_json(self) -> dict[str, Any]:
        return {
            "meeting": self.meeting,
            "committee": self.committee,
            "date": self.date.isoformat(),
            "on": self.on.isoformat(),
            "place": self.place,
            "applicants": list(self.applicants),
            "left_out": self.left_out,
        }


def file_meeting(
    ctx: Context, committee: int, date: dt.date, *, on: dt.date, place: str | None = None
) -> Filed:
    """评前备案: creates the meeting of ``committee`` on ``date`` and files its applicants
    (``under_review_at_filing``). Raises ``StepRefused`` (nothing written) as ``core.check_filing``
    says."""
    place = (place or "").strip() or None
    options = {"committee": committee, "date": date.isoformat(), "on": on.isoformat(), "place": place}
    with job(ctx, "meeting file", options, writes=["meetings", "filed_applicants", "steps"]) as current:
        session = current.session
        year = ctx.store.current_year(session)
        plan = queries.committee(session, year, committee)
        existing = queries.meeting_on(session, year, committee, date)
        publicities = queries.pre_reviews(session, year, committee)
        applicants = queries.under_review_at_filing(session, year, committee, on)
        ended = [p.id for p in publicities if p.end < on]
        core.check_filing(
            date,
            on,
            [core.Period(p.start, p.end) for p in publicities],
            len(applicants),
            len(queries.open_objections(session, ended)),
            existing.id if existing is not None else None,
        )
        meeting = Meeting(year=year, committee_seq=committee, date=date, place=place, created_at=current.at)
        session.add(meeting)
        session.flush()
        session.add(
            Step(
                meeting_id=meeting.id,
                step="filing",
                on=on,
                detail={"applicants": len(applicants)},
                operator=ctx.operator,
                created_at=current.at,
            )
        )
        for applicant in applicants:
            session.add(FiledApplicant(meeting_id=meeting.id, applicant_id=applicant.id))
        eligible = len(queries.eligible_applicants(session, year, committee))
        current.summary = {"meeting": meeting.id, "applicants": len(applicants), "on": on.isoformat()}
        return Filed(
            meeting=meeting.id or 0,
            committee=committee,
            committee_name=plan.name,
            date=date,
            on=on,
            place=place,
            applicants=[
                {"name": a.name, "id_number": a.id_number, "unit": a.unit, "title": a.title}
                for a in sorted(applicants, key=lambda a: a.id_number)
            ],
            left_out=max(eligible - len(applicants), 0),
        )
    raise AssertionError("unreachable")  # pragma: no cover


@dataclass(frozen=True)
class Taken:
    meeting: int
    step: str
    on: dt.date
    by: str
    date: dt.date


def _by(by: str) -> str:
    by = (by or "").strip()
    if not by:
        raise QzzcError("请用 --by 写明办理的人力社保部门（如：衢州市人力资源和社会保障局）。")
    return by


def confirm_meeting(ctx: Context, meeting_id: int, *, by: str, on: dt.date) -> Taken:
    """备案确认 by the HR bureau ``by`` on ``on`` (``core.check_confirmation``)."""
    return _bureau_step(ctx, "confirmation", "meeting confirm", meeting_id, by, on, core.check_confirmation)


def approve_meeting(ctx: Context, meeting_id: int, *, by: str, on: dt.date) -> Taken:
    """核准公布 by the HR bureau ``by`` on ``on`` (``core.check_approval``); afterwards the tally and
    results are final."""
    return _bureau_step(ctx, "approval", "meeting approve", meeting_id, by, on, core.check_approval)


def _bureau_step(
    ctx: Context, step: str, command: str, meeting_id: int, by: str, on: dt.date, check
) -> Taken:
    by = _by(by)
    with job(
        ctx, command, {"meeting": meeting_id, "by": by, "on": on.isoformat()}, writes=["steps"]
    ) as current:
        session = current.session
        meeting = queries.meeting(session, meeting_id)
        check(queries.meeting_state(session, meeting), on)
        session.add(
            Step(meeting_id=meeting.id, step=step, on=on, by=by, operator=ctx.operator, created_at=current.at)
        )
        current.summary = {"meeting": meeting.id, "step": step, "on": on.isoformat()}
        return Taken(meeting.id or 0, step, on, by, meeting.date)
    raise AssertionError("unreachable")  # pragma: no cover


# -- qzzc status ---------------------------------------------------------------------------------


def status(ctx: Context, committee: int | None = None) -> list[dict[str, Any]]:
    """For each committee of the year (or ``committee``): the steps taken with their dates and the
    next step with its earliest date (SPEC §11's JSON)."""
    with ctx.store.reading() as session:
        year = ctx.store.current_year(session)
        plans = (
            [queries.committee(session, year, committee)]
            if committee is not None
            else queries.committees(session, year)
        )
        counts = dict(
            session.execute(
                select(Meeting.committee_seq, func.count())
                .where(Meeting.year == year)
                .group_by(Meeting.committee_seq)
            ).all()
        )
        published = set(
            session.execute(select(Publicity.committee_seq).where(Publicity.year == year)).scalars()
        )
        report = []
        for plan in plans:
            publicities = queries.pre_reviews(session, year, plan.seq) if plan.seq in published else []
            meetings = (
                list(
                    session.execute(
                        select(Meeting)
                        .where(Meeting.year == year, Meeting.committee_seq == plan.seq)
                        .order_by(Meeting.date)
                    ).scalars()
                )
                if counts.get(plan.seq)
                else []
            )
            steps: list[dict[str, Any]] = []
            for publicity in publicities:
                count = session.execute(
                    select(func.count())
                    .select_from(PublicityApplicant)
                    .where(PublicityApplicant.publicity_id == publicity.id)
                ).scalar()
                steps.append(
                    {
                        "step": "pre_review",
                        "date": publicity.start.isoformat(),
                        "end": publicity.end.isoformat(),
                        "applicants": count,
                    }
                )
            states = [queries.meeting_state(session, meeting) for meeting in meetings]
            for meeting, state in zip(meetings, states, strict=True):
                by = {name: row.by for name, row in queries.steps_of(session, meeting.id).items()}
                for name in core.STEPS[1:]:
                    if name == "result":
                        for period in state.results:
                            steps.append(
                                {
                                    "step": "result",
                                    "date": period.start.isoformat(),
                                    "end": period.end.isoformat(),
                                    "meeting": meeting.id,
                                }
                            )
                        continue
                    if name not in state.steps:
                        continue
                    entry: dict[str, Any] = {
                        "step": name,
                        "date": state.steps[name].isoformat(),
                        "meeting": meeting.id,
                    }
                    if name == "filing":
                        entry["meeting_date"] = meeting.date.isoformat()
                    if by.get(name):
                        entry["by"] = by[name]
                    if name in state.backfilled:
                        entry["backfilled"] = True
                    steps.append(entry)
            open_ = [state for state in states if "approval" not in state.steps]
            if open_:
                upcoming = core.next_step(
                    publicities and [core.Period(p.start, p.end) for p in publicities], open_[-1]
                )
            elif states:
                last_filed = max(state.steps.get("filing", state.date) for state in states)
                later = [core.Period(p.start, p.end) for p in publicities if p.start > last_filed]
                upcoming = core.next_step(later, None) if later else core.next_step([], states[-1])
            else:
                ends = (
                    [
                        a.publicity_end
                        for a in queries.eligible_applicants(session, year, plan.seq)
                        if a.publicity_end
                    ]
                    if not publicities
                    else []
                )
                upcoming = core.next_step(
                    [core.Period(p.start, p.end) for p in publicities], None, max(ends) if ends else None
                )
            report.append(
                {"committee": plan.seq, "name": plan.name, "steps": steps, "next": upcoming.as_dict()}
            )
        return report
