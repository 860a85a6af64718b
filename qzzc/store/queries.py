"""The queries several jobs share (pretalx's ``domain/queries`` is the model): committees and the
year's rules, the applicants under review, meetings, draws and their replacements.

A service reads through these instead of importing another service; what the rows mean is decided
in ``qzzc.core``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, case, inspect
from sqlmodel import Session, select

from qzzc.core.plan import HEADER, Committee, parse_committee
from qzzc.core.ruleset import YearRules, parse_rules
from qzzc.core.tally import Review, result_text, review
from qzzc.errors import ConfigError, NotFound, UnknownCommittee
from qzzc.store.models import (
    Applicant,
    CommitteeRecord,
    Draw,
    DrawApplicant,
    Meeting,
    Replacement,
    RuleSetRecord,
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
    applicants whose verdict in force is ``eligible`` and was made on their current data."""
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
    meeting = session.exec(query.with_for_update() if lock else query).first()
    if meeting is None:
        raise NotFound(f"没有编号为 {meeting_id} 的评审会议。会议编号由 qzzc draw-experts 抽取专家时给出。")
    return meeting


def active_draw(session: Session, meeting: Meeting) -> Draw | None:
    return session.exec(
        select(Draw)
        .where(Draw.meeting_id == meeting.id, Draw.active == True)  # noqa: E712
        .order_by(Draw.number.desc())  # type: ignore[union-attr]
    ).first()


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
