"""The queries several jobs share (pretalx's ``domain/queries`` is the model): committees and the
year's rules, the applicants under review, meetings, draws and their replacements.

A service reads through these instead of importing another service; what the rows mean is decided
in ``qzzc.core``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import and_, case, exists, inspect, or_
from sqlmodel import Session, select

from qzzc.core import procedure
from qzzc.core.objections import UPHELD, ObjectionFacts, filing_sentence
from qzzc.core.plan import HEADER, Committee, parse_committee
from qzzc.core.ruleset import YearRules, parse_rules
from qzzc.core.tally import Review, result_text, review
from qzzc.errors import ConfigError, NotFound, UnknownCommittee
from qzzc.store.models import (
    Applicant,
    CommitteeRecord,
    Draw,
    DrawApplicant,
    FiledApplicant,
    Meeting,
    Objection,
    Publicity,
    PublicityApplicant,
    Replacement,
    RuleSetRecord,
    Step,
    Tally,
    TallyResult,
    VerdictRecord,
)

# -- committees and rules -------------------------------------------------------------------


def committees(session: Session, year: int) -> list[Committee]:
    """Returns the year's committees in order of 序号."""
    records = session.exec(
        select(CommitteeRecord).where(CommitteeRecord.year == year).order_by(CommitteeRecord.seq)
    )
    return [_committee(record) for record in records]


def committee(session: Session, year: int, seq: int) -> Committee:
    """Returns committee ``seq`` of ``year``, or raises ``UnknownCommittee``."""
    record = session.exec(
        select(CommitteeRecord).where(CommitteeRecord.year == year, CommitteeRecord.seq == seq)
    ).first()
    if record is None:
        raise UnknownCommittee(seq, len(committees(session, year)))
    return _committee(record)


def _committee(record: CommitteeRecord) -> Committee:
    """The committee of a stored plan row, read again from the row as the attachment writes it, so
    that a store made by an older qzzc gets today's reading of the plan (the field-and-areas cells,
    display names) without its stored data changing; ``data`` is the fallback for a row without
    its raw text."""
    raw = record.raw or {}
    if all(column in raw for column in HEADER):
        try:
            return parse_committee(raw)
        except ValueError:
            pass
    return Committee.from_dict(record.data)


def ruleset(session: Session, year: int) -> YearRules:
    """Returns the rules loaded for ``year``, read from the stored rules file: a job reads them
    once and passes them on. Raises ``ConfigError`` when none are loaded."""
    record = session.get(RuleSetRecord, year)
    if record is None:
        raise ConfigError(f"{year} 年度的规则尚未载入。请运行：qzzc init --rules 规则文件.toml")
    return parse_rules(record.text, record.source)


# -- the applicants under review ------------------------------------------------------------


def verdict_in_force(record: VerdictRecord) -> str:
    """The verdict that counts: the clerk's settlement if there is one, else the computed one."""
    return record.settled_verdict if record.settled and record.settled_verdict else record.verdict


def eligible_query(year: int, committee: int, *columns: Any):
    """A select of ``columns`` (Applicant's, by default the whole row) over the committee's
    applicants whose verdict in force is ``eligible`` and was made on their current data, less
    those an objection upheld at the 评前公示 made ineligible (SPEC §11)."""
    in_force = case(
        (
            and_(VerdictRecord.settled.is_(True), VerdictRecord.settled_verdict.is_not(None)),
            VerdictRecord.settled_verdict,
        ),
        else_=VerdictRecord.verdict,
    )
    return (
        select(*(columns or (Applicant,)))
        .join(VerdictRecord, VerdictRecord.applicant_id == Applicant.id)
        .where(
            Applicant.year == year,
            Applicant.committee_seq == committee,
            VerdictRecord.data_hash == Applicant.data_hash,
            in_force == "eligible",
            not_upheld_at_pre_review(),
        )
    )


def eligible_applicants(session: Session, year: int, committee: int) -> list[Applicant]:
    """The committee's applicants whose verdict in force is ``eligible`` (the ones under review at
    a meeting, SPEC §6), in order of ID number. A verdict made on data that have changed since
    (``data_hash`` differs) does not count: such an applicant needs ``qzzc check`` again."""
    return list(session.scalars(eligible_query(year, committee).order_by(Applicant.id_number)))


def results_of_year(session: Session, year: int) -> dict[int, str]:
    """Each applicant's result at the meeting that voted on them (the tally in force), in words
    (``qzzc.core.tally.result_text``: 通过 / 不通过, 推荐 / 不推荐; SPEC §13)."""
    rows = session.execute(
        select(TallyResult.applicant_id, TallyResult.passed, TallyResult.mode)
        .join(Tally, Tally.id == TallyResult.tally_id)
        .join(Meeting, Meeting.id == Tally.meeting_id)
        .where(Meeting.year == year, Tally.active.is_(True))
        .order_by(Meeting.date, Tally.id)
    )
    return {applicant_id: result_text(bool(passed), mode) for applicant_id, passed, mode in rows}


# -- meetings and draws ---------------------------------------------------------------------


def meeting(session: Session, meeting_id: int, lock: bool = False) -> Meeting:
    """Returns the meeting with that number, or raises ``NotFound``. With ``lock`` the row is
    locked for the transaction (PostgreSQL), so that two clerks recording the same meeting's
    tally at once are served one after the other and the second is told it is already recorded."""
    query = select(Meeting).where(Meeting.id == meeting_id)
    found = session.exec(query.with_for_update() if lock else query).first()
    if found is None:
        raise NotFound(
            f"没有编号为 {meeting_id} 的评审会议（会议编号由 qzzc meeting file 备案时给出；qzzc status 可查看）。"
        )
    return found


def active_draw(session: Session, meeting: Meeting) -> Draw | None:
    return session.exec(
        select(Draw)
        .where(Draw.meeting_id == meeting.id, Draw.active == True)  # noqa: E712
        .order_by(Draw.number.desc())  # type: ignore[union-attr]
    ).first()


def active_tally(session: Session, meeting: Meeting) -> Tally | None:
    """The meeting's tally in force (an amendment keeps the old one, inactive)."""
    return session.exec(select(Tally).where(Tally.meeting_id == meeting.id, Tally.active.is_(True))).first()  # type: ignore[attr-defined]


def draws_of(session: Session, meeting: Meeting) -> list[Draw]:
    return list(session.exec(select(Draw).where(Draw.meeting_id == meeting.id).order_by(Draw.number)))


def replacements_of(session: Session, record: Draw) -> list[Replacement]:
    """The replacements made in a draw, in the order they were made."""
    return list(
        session.execute(select(Replacement).where(Replacement.draw_id == record.id).order_by(Replacement.id))
        .scalars()
        .all()
    )


def under_review(session: Session, meeting: Meeting, draw: Draw) -> Review:
    """The applicants under review at ``meeting`` (SPEC §6; ``qzzc.core.tally.review`` decides):
    those eligible now, against the list its active ``draw`` recorded. A store without the list
    (schema version 1) or a draw without one falls back to the verdicts in force."""
    current = eligible_applicants(session, meeting.year, meeting.committee_seq)
    if not inspect(session.connection()).has_table(DrawApplicant.__tablename__):
        return Review(current, {})
    recorded = dict(
        session.execute(
            select(DrawApplicant.applicant_id, DrawApplicant.id_number).where(
                DrawApplicant.draw_id == draw.id
            )
        ).all()
    )
    return review(current, recorded)


# -- objections ---------------------------------------------------------------------------


def not_upheld_at_pre_review():
    """A condition on ``Applicant``: no objection about them was upheld at a 评前公示. The
    eligible list (``eligible_query``) carries it."""
    return ~exists().where(
        Objection.applicant_id == Applicant.id, Objection.stage == "pre_review", Objection.outcome == UPHELD
    )


def upheld_pre_review(
    session: Session, applicant_ids: Iterable[int] | None = None, *, year: int | None = None
) -> dict[int, ObjectionFacts]:
    """By applicant id, the first objection upheld at a 评前公示 (of ``applicant_ids``, or of
    ``year``): their verdict in force is ``ineligible`` with it as the reason."""
    query = select(Objection).where(Objection.stage == "pre_review", Objection.outcome == UPHELD)
    if year is not None:
        query = query.where(Objection.year == year)
    if applicant_ids is not None:
        ids = list(applicant_ids)
        if not ids:
            return {}
        query = query.where(Objection.applicant_id.in_(ids))  # type: ignore[attr-defined]
    found: dict[int, ObjectionFacts] = {}
    for record in session.scalars(query.order_by(Objection.id)):
        found.setdefault(record.applicant_id, objection_facts(record))
    return found


def upheld_at_pre_review_by_person(
    session: Session, year: int, committee: int | None = None
) -> dict[tuple[int, str], ObjectionFacts]:
    """By (committee, ID number), the first objection upheld at a 评前公示 of ``year`` (of one
    committee, or all)."""
    query = (
        select(Applicant.committee_seq, Applicant.id_number, Objection)
        .join(Applicant, Applicant.id == Objection.applicant_id)
        .where(Objection.year == year, Objection.stage == "pre_review", Objection.outcome == UPHELD)
        .order_by(Objection.id.desc())  # type: ignore[union-attr]
    )
    if committee is not None:
        query = query.where(Objection.committee_seq == committee)
    return {(seq, id_number): objection_facts(record) for seq, id_number, record in session.execute(query)}


def _voted_at(meeting_id: int):
    """A select of the applicants the meeting's tally in force voted on."""
    return (
        select(TallyResult.applicant_id)
        .join(Tally, Tally.id == TallyResult.tally_id)
        .where(Tally.meeting_id == meeting_id, Tally.active.is_(True))  # type: ignore[attr-defined]
    )


def revoked_results(session: Session, meeting_id: int) -> dict[int, ObjectionFacts]:
    """By applicant id, the objection that revokes (撤销) the applicant's result at the meeting:
    one upheld at the meeting's 结果公示, or at a 评前公示 of an applicant the meeting voted on."""
    voted = _voted_at(meeting_id)
    query = (
        select(Objection)
        .join(Publicity, Publicity.id == Objection.publicity_id)
        .where(
            Objection.outcome == UPHELD,
            or_(
                and_(Objection.stage == "result", Publicity.meeting_id == meeting_id),
                and_(Objection.stage == "pre_review", Objection.applicant_id.in_(voted)),  # type: ignore[attr-defined]
            ),
        )
        .order_by(Objection.id)
    )
    found: dict[int, ObjectionFacts] = {}
    for record in session.scalars(query):
        found.setdefault(record.applicant_id, objection_facts(record))
    return found


def revoked_in_year(session: Session, year: int) -> set[int]:
    """The ids of the applicants of ``year`` whose result an upheld objection revoked."""
    meetings = session.scalars(select(Meeting.id).where(Meeting.year == year)).all()
    revoked: set[int] = set()
    for meeting_id in meetings:
        revoked |= set(revoked_results(session, meeting_id))
    return revoked


def unresolved_objections(session: Session, *, publicity_ids: Iterable[int]) -> list[ObjectionFacts]:
    """The objections received during the publicities ``publicity_ids`` and not yet resolved, in
    order of number: a step that needs "every objection of that period resolved" is refused while
    any is (``qzzc.core.objections.unresolved_lines`` words them)."""
    ids = list(publicity_ids)
    if not ids:
        return []
    query = (
        select(Objection)
        .where(Objection.publicity_id.in_(ids), Objection.outcome.is_(None))  # type: ignore[attr-defined,union-attr]
        .order_by(Objection.id)
    )
    return [objection_facts(record) for record in session.scalars(query)]


def meeting_objections(session: Session, meeting_id: int) -> list[ObjectionFacts]:
    """The objections concerning a meeting, in order of number: those received during its
    结果公示, and those received during a 评前公示 about an applicant it was filed for or voted on."""
    filed = select(FiledApplicant.applicant_id).where(FiledApplicant.meeting_id == meeting_id)
    voted = _voted_at(meeting_id)
    query = (
        select(Objection)
        .join(Publicity, Publicity.id == Objection.publicity_id)
        .where(
            or_(
                and_(Objection.stage == "result", Publicity.meeting_id == meeting_id),
                and_(
                    Objection.stage == "pre_review",
                    or_(Objection.applicant_id.in_(filed), Objection.applicant_id.in_(voted)),  # type: ignore[attr-defined]
                ),
            )
        )
        .order_by(Objection.id)
    )
    return [objection_facts(record) for record in session.scalars(query)]


def filing_objections(session: Session, meeting_id: int) -> str:
    """The filing form's sentence on the meeting's objections (``filing_sentence``)."""
    objections = meeting_objections(session, meeting_id)
    return filing_sentence(len(objections), sum(1 for item in objections if item.outcome == UPHELD))


def objection_facts(record: Objection) -> ObjectionFacts:
    return ObjectionFacts(
        number=record.id or 0,
        stage=record.stage,
        received=record.received,
        outcome=record.outcome,
        reason=record.reason,
        resolved_on=record.resolved_on,
    )


# -- the year's procedure (SPEC §11) -------------------------------------------------------------------------


def meeting_on(session: Session, year: int, committee: int, date: dt.date) -> Meeting | None:
    return session.execute(
        select(Meeting).where(Meeting.year == year, Meeting.committee_seq == committee, Meeting.date == date)
    ).scalar_one_or_none()


def steps_of(session: Session, meeting_id: int) -> dict[str, Step]:
    rows = session.execute(select(Step).where(Step.meeting_id == meeting_id)).scalars()
    return {row.step: row for row in rows}


def meeting_state(session: Session, meeting: Meeting) -> procedure.MeetingState:
    """The procedure of ``meeting`` as the core's ``MeetingState``."""
    state = procedure.MeetingState(meeting.id or 0, meeting.date)
    for name, row in steps_of(session, meeting.id).items():
        state.steps[name] = row.on
        if row.backfilled:
            state.backfilled.add(name)
    draw = session.execute(
        select(Draw.taken_on, Draw.created_at).where(Draw.meeting_id == meeting.id, Draw.active.is_(True))
    ).first()
    if draw is not None:
        state.steps["draw"] = draw.taken_on or procedure.beijing_day(draw.created_at) or meeting.date
    tally = session.execute(
        select(Tally.taken_on, Tally.created_at).where(Tally.meeting_id == meeting.id, Tally.active.is_(True))
    ).first()
    if tally is not None:
        state.steps["tally"] = tally.taken_on or procedure.beijing_day(tally.created_at) or meeting.date
    for row in session.execute(
        select(Publicity.start, Publicity.end)
        .where(Publicity.meeting_id == meeting.id, Publicity.stage == "result")
        .order_by(Publicity.id)
    ).all():
        state.results.append(procedure.Period(row.start, row.end))
    return state


def publicities_of(session: Session, applicant_id: int) -> list[Publicity]:
    """The publicities that list applicant ``applicant_id`` (both stages), in the order published:
    an objection received on a day belongs to the one whose period contains it."""
    return list(
        session.execute(
            select(Publicity)
            .join(PublicityApplicant, PublicityApplicant.publicity_id == Publicity.id)
            .where(PublicityApplicant.applicant_id == applicant_id)
            .order_by(Publicity.id)
        ).scalars()
    )


def pre_reviews(session: Session, year: int, committee: int) -> list[Publicity]:
    return list(
        session.execute(
            select(Publicity)
            .where(
                Publicity.year == year, Publicity.committee_seq == committee, Publicity.stage == "pre_review"
            )
            .order_by(Publicity.id)
        ).scalars()
    )


def open_objections(session: Session, publicity_ids: list[int]) -> list[Objection]:
    """The unresolved objections of the publicities ``publicity_ids`` (``procedure.unresolved``)."""
    if not publicity_ids:
        return []
    rows = session.execute(select(Objection).where(Objection.publicity_id.in_(publicity_ids))).scalars()
    return procedure.unresolved(rows, set(publicity_ids))


def under_review_at_filing(session: Session, year: int, committee: int, on: dt.date) -> list[Applicant]:
    """Who a filing on ``on`` puts under review (SPEC §11): the committee's applicants whose verdict
    is ``eligible`` now, listed on a pre-review publicity that ended before ``on``, and with no
    result recorded at another meeting this year."""
    listed = set(
        session.execute(
            select(PublicityApplicant.applicant_id)
            .join(Publicity, Publicity.id == PublicityApplicant.publicity_id)
            .where(
                Publicity.year == year,
                Publicity.committee_seq == committee,
                Publicity.stage == "pre_review",
                Publicity.end < on,
            )
        ).scalars()
    )
    reviewed = set(
        session.execute(
            select(TallyResult.applicant_id)
            .join(Tally, Tally.id == TallyResult.tally_id)
            .join(Meeting, Meeting.id == Tally.meeting_id)
            .where(Tally.active.is_(True), Meeting.year == year, Meeting.committee_seq == committee)
        ).scalars()
    )
    return [
        applicant
        for applicant in eligible_applicants(session, year, committee)
        if applicant.id in listed and applicant.id not in reviewed
    ]


def filed_query(session: Session, meeting: Meeting, *columns: Any):
    """``eligible_query`` of the applicants the draw and the tally review at ``meeting`` (SPEC §11):
    those filed for it whose verdict in force is still ``eligible`` (an upheld objection makes it
    ``ineligible``). A meeting backfilled from a store that kept no list (schema version 1)
    reviews, as it did, the committee's eligible applicants."""
    query = eligible_query(meeting.year, meeting.committee_seq, *columns)
    filed = select(FiledApplicant.applicant_id).where(FiledApplicant.meeting_id == meeting.id)
    if session.execute(filed.limit(1)).first() is None:
        step = steps_of(session, meeting.id).get("filing")
        if step is not None and step.backfilled:
            return query
    return query.where(Applicant.id.in_(filed))


def filed_list(session: Session, meeting: Meeting) -> list[Applicant]:
    """The applicants under review at ``meeting`` (``filed_query``), in order of ID number."""
    return list(session.scalars(filed_query(session, meeting).order_by(Applicant.id_number)))
