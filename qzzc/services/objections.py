"""Objections (异议, SPEC §11): ``add_objection``, ``resolve_objection``, ``list_objections``. What
the other jobs read of them are queries of ``qzzc.store.queries``.

The effects of an objection are derived from the ``objections`` table wherever they count, never
written into the verdicts or the tallies (protected records that keep what the check and the vote
said): an objection upheld at the 评前公示 takes the applicant off the eligible list
(``queries.not_upheld_at_pre_review``, part of ``queries.eligible_query``) and makes their
verdict in force ``ineligible`` (``upheld_pre_review``); one upheld at the 结果公示 revokes the
applicant's result at that meeting (``revoked_results``), as does one upheld at the 评前公示 of an
applicant the meeting voted on anyway.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from qzzc.core.objections import (
    OUTCOME_ZH,
    STAGES,
    PeriodRef,
    check_resolution,
    mask_contact,
    parse_outcome,
    require_named,
    require_text,
    scrub,
    stage_of,
)
from qzzc.core.people import find_person, looks_like_id
from qzzc.core.privacy import mask_id
from qzzc.core.text import squeeze
from qzzc.errors import NotFound, QzzcError
from qzzc.services.base import Context, job
from qzzc.store import queries
from qzzc.store.models import (
    Applicant,
    Objection,
    Publicity,
    PublicityApplicant,
    Step,
    Tally,
    TallyResult,
)


@dataclass(frozen=True)
class ObjectionRecorded:
    """What ``add_objection`` or ``resolve_objection`` recorded."""

    number: int
    committee: int
    stage: str
    publicity: int
    meeting: int | None
    name: str
    id_number: str
    received: dt.date
    period: str
    outcome: str | None = None
    reason: str | None = None
    resolved_on: dt.date | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "objection": self.number,
            "committee": self.committee,
            "stage": self.stage,
            "stage_name": STAGES.get(self.stage, self.stage),
            "publicity": self.publicity,
            "meeting": self.meeting,
            "name": self.name,
            "id_number": mask_id(self.id_number),
            "received": self.received.isoformat(),
            "period": self.period,
            "outcome": self.outcome,
            "outcome_name": OUTCOME_ZH.get(self.outcome, self.outcome),
            "reason": scrub(self.reason) if self.reason else None,
            "resolved_on": self.resolved_on.isoformat() if self.resolved_on else None,
        }


def _later_than(day: dt.date, today: dt.date | None, option: str) -> None:
    if today is not None and day > today:
        raise QzzcError(f"{option} {day.isoformat()} 晚于今天（{today.isoformat()}），不能登记尚未发生的事。")


def add_objection(
    ctx: Context,
    person: str,
    committee: int,
    received: dt.date,
    by: str | None,
    contact: str | None,
    content: str | None,
    today: dt.date | None = None,
) -> ObjectionRecorded:
    """Records an objection about the applicant ``person`` (ID number, or a unique name) of
    ``committee``, received on ``received`` from ``by`` (reachable at ``contact``).

    The stage is the publicity period the applicant is listed on that contains ``received``
    (评前公示 or 结果公示). Raises ``QzzcError`` (nothing written) for an anonymous objection
    (匿名材料不予受理), a date in none of the applicant's periods (naming them), a date after
    ``today``, or a result already approved (核准公布); ``NotFound`` / ``UsageError`` for an
    unknown or ambiguous applicant; ``UnknownCommittee``.
    """
    name, reach = require_named(by, contact)
    text = require_text(content, "异议的内容（书面材料的要点）", "--content")
    _later_than(received, today, "收到日期")
    options = {
        "applicant": mask_id(squeeze(person).upper()) if looks_like_id(person) else person.strip(),
        "committee": committee,
        "received": received.isoformat(),
        "by": name,
        "contact": mask_contact(reach),
        "content": scrub(text),
    }
    with job(ctx, "objection add", options, writes=["objections"]) as current:
        session = current.session
        year = ctx.store.current_year(session)
        queries.committee(session, year, committee)  # UnknownCommittee
        applicant = _applicant(session, year, committee, person)
        who = f"{applicant.name}（{mask_id(applicant.id_number)}）"
        period = stage_of(received, _periods(session, applicant), who)
        _refuse_if_final(session, applicant, period)
        record = Objection(
            year=year,
            committee_seq=committee,
            applicant_id=applicant.id,  # type: ignore[arg-type]
            publicity_id=period.publicity_id,
            stage=period.stage,
            received=received,
            by=name,
            contact=reach,
            content=text,
            operator=ctx.operator,
            created_at=current.at,
        )
        session.add(record)
        session.flush()
        current.summary = {
            "objection": record.id,
            "committee": committee,
            "applicant": mask_id(applicant.id_number),
            "stage": period.stage,
            "publicity": period.publicity_id,
            "received": received.isoformat(),
        }
        return _recorded(record, applicant, period)
    raise AssertionError("unreachable")  # pragma: no cover


def resolve_objection(
    ctx: Context, number: int, outcome: str, reason: str | None, on: dt.date, today: dt.date | None = None
) -> ObjectionRecorded:
    """Records the outcome of objection ``number`` (成立 / 不成立) with the reason, on ``on``.

    An objection is resolved once. Raises ``UsageError`` for an unknown outcome or a blank reason,
    ``NotFound`` for no such objection, ``QzzcError`` when it is resolved already, ``on`` is before
    it was received or after ``today``, or the result it concerns is approved (核准公布)."""
    chosen = parse_outcome(outcome)
    why = require_text(reason, "核查处理的理由", "--reason")
    _later_than(on, today, "处理日期")
    options = {"objection": number, "outcome": chosen, "reason": scrub(why), "on": on.isoformat()}
    with job(ctx, "objection resolve", options, writes=["objections"]) as current:
        session = current.session
        query = select(Objection).where(Objection.id == number)
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update()
        record = session.scalars(query).first()
        if record is None:
            raise NotFound(f"没有编号为 {number} 的异议（用 qzzc objection list 查看）")
        check_resolution(queries.objection_facts(record), on)
        applicant = session.get(Applicant, record.applicant_id)
        publicity = session.get(Publicity, record.publicity_id)
        assert applicant is not None
        assert publicity is not None
        period = _period_ref(publicity)
        _refuse_if_final(session, applicant, period)
        record.outcome = chosen
        record.reason = why
        record.resolved_on = on
        record.resolved_by = ctx.operator
        session.add(record)
        session.flush()
        current.summary = {
            "objection": record.id,
            "committee": record.committee_seq,
            "applicant": mask_id(applicant.id_number),
            "stage": record.stage,
            "outcome": chosen,
            "on": on.isoformat(),
        }
        return _recorded(record, applicant, period)
    raise AssertionError("unreachable")  # pragma: no cover


def list_objections(ctx: Context, committee: int | None = None) -> list[dict[str, Any]]:
    """The year's objections (of one committee, or all) in order of number, as plain data: ID
    numbers and contacts masked, ID and phone numbers in the words masked."""
    with ctx.store.reading() as session:
        year = ctx.store.current_year(session)
        if committee is not None:
            queries.committee(session, year, committee)
        query = (
            select(Objection, Applicant, Publicity)
            .join(Applicant, Applicant.id == Objection.applicant_id)
            .join(Publicity, Publicity.id == Objection.publicity_id)
            .where(Objection.year == year)
            .order_by(Objection.id)
        )
        if committee is not None:
            query = query.where(Objection.committee_seq == committee)
        listed = []
        for record, applicant, publicity in session.execute(query):
            item = _recorded(record, applicant, _period_ref(publicity)).as_dict()
            item |= {
                "by": record.by,
                "contact": mask_contact(record.contact),
                "content": scrub(record.content),
                "resolved_by": record.resolved_by,
            }
            listed.append(item)
        return listed


# -- helpers --------------------------------------------------------------------------------------


def _applicant(session: Session, year: int, committee: int, person: str) -> Applicant:
    people = session.execute(
        select(Applicant.id_number, Applicant.name).where(
            Applicant.year == year, Applicant.committee_seq == committee
        )
    ).all()
    id_number = find_person(person, [(row[0], row[1]) for row in people], f"第 {committee} 号评委会的申报人")
    applicant = session.scalars(
        select(Applicant).where(
            Applicant.year == year, Applicant.committee_seq == committee, Applicant.id_number == id_number
        )
    ).first()
    if applicant is None:  # pragma: no cover - find_person returned one of them
        raise NotFound(f"第 {committee} 号评委会没有身份证号为 {mask_id(id_number)} 的申报人")
    return applicant


def _periods(session: Session, applicant: Applicant) -> list[PeriodRef]:
    """The publicity periods the applicant is listed on."""
    rows = session.scalars(
        select(Publicity)
        .join(PublicityApplicant, PublicityApplicant.publicity_id == Publicity.id)
        .where(PublicityApplicant.applicant_id == applicant.id)
        .order_by(Publicity.start, Publicity.id)
    )
    return [_period_ref(publicity) for publicity in rows]


def _period_ref(publicity: Publicity) -> PeriodRef:
    return PeriodRef(publicity.id or 0, publicity.stage, publicity.start, publicity.end, publicity.meeting_id)


def _refuse_if_final(session: Session, applicant: Applicant, period: PeriodRef) -> None:
    """Raises ``QzzcError`` when the result the objection concerns is approved (核准公布): the
    meeting's results are final then (SPEC §11)."""
    if period.stage == "result":
        meetings = [period.meeting_id] if period.meeting_id is not None else []
    else:
        meetings = list(
            session.scalars(
                select(Tally.meeting_id)
                .join(TallyResult, TallyResult.tally_id == Tally.id)
                .where(TallyResult.applicant_id == applicant.id, Tally.active.is_(True))  # type: ignore[attr-defined]
            )
        )
    if not meetings:
        return
    approval = session.scalars(
        select(Step).where(Step.meeting_id.in_(meetings), Step.step == "approval").order_by(Step.on)  # type: ignore[attr-defined]
    ).first()
    if approval is not None:
        raise QzzcError(
            f"第 {approval.meeting_id} 号会议的评审结果已于 {approval.on.isoformat()} 核准公布，为最终结果，"
            "不能再登记或处理关于它的异议。"
        )


def _recorded(record: Objection, applicant: Applicant, period: PeriodRef) -> ObjectionRecorded:
    return ObjectionRecorded(
        number=record.id or 0,
        committee=record.committee_seq,
        stage=record.stage,
        publicity=record.publicity_id,
        meeting=period.meeting_id,
        name=applicant.name,
        id_number=applicant.id_number,
        received=record.received,
        period=period.text,
        outcome=record.outcome,
        reason=record.reason,
        resolved_on=record.resolved_on,
    )
