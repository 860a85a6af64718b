"""The tables of a qzzc store, for the whole flow of one or more years.

Keys are designed for a city-wide store holding many years: committees are unique by
(year, seq); applicants by (year, committee_seq, id_number); a meeting by (year, committee_seq,
date), with every draw made for it kept. Timestamps are ISO 8601 text with their UTC offset, so
that SQLite and PostgreSQL give back the same string the audit chain hashed.

Every change to these tables is a step of ``qzzc.store.migrations`` (an older store upgrades).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Optional

from sqlalchemy import JSON, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from qzzc.store.migrations import SCHEMA_VERSION  # noqa: F401  (re-exported)

# The schema's version and history are ``qzzc.store.migrations``'s: a change to these tables is a
# step there.
HEAD_MARKER_SINCE = 2  # the version since which ``meta.audit_head`` is kept


class Meta(SQLModel, table=True):
    """Key-value facts about the store: ``schema_version``, ``year``, ``created_at``."""

    __tablename__ = "meta"
    key: str = Field(primary_key=True, max_length=64)
    value: str


class CommitteeRecord(SQLModel, table=True):
    """A committee of a year's plan (评委会). ``data`` is ``Committee.as_dict()``; ``raw`` the row."""

    __tablename__ = "committees"
    __table_args__ = (UniqueConstraint("year", "seq"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    year: int = Field(index=True)
    seq: int
    name: str
    data: dict[str, Any] = Field(sa_type=JSON)
    raw: dict[str, Any] = Field(sa_type=JSON)


class RuleSetRecord(SQLModel, table=True):
    """The rules file loaded for a year: its text as given, and its SHA-256."""

    __tablename__ = "rulesets"
    year: int = Field(primary_key=True)
    source: str
    sha256: str
    text: str


class Applicant(SQLModel, table=True):
    """One application (申报人) to one committee in one year, as imported (SPEC §4)."""

    __tablename__ = "applicants"
    __table_args__ = (UniqueConstraint("year", "committee_seq", "id_number"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    year: int  # the unique (year, committee_seq, id_number) index serves lookups by year
    committee_seq: int
    id_number: str = Field(index=True, max_length=18)
    name: str
    gender: str
    birth_date: dt.date
    unit: str
    unit_type: Optional[str] = None
    unit_affiliation: Optional[str] = None
    region: Optional[str] = None
    specialty: str
    title: str
    application_type: str = "正常申报"
    education: str
    degree: Optional[str] = None
    years_of_work: int
    current_title: Optional[str] = None
    current_title_date: Optional[dt.date] = None
    public_hours: float
    professional_hours: float
    social_insurance_unit: Optional[str] = None
    archive_unit: Optional[str] = None
    contract_unit: Optional[str] = None
    dispatched: Optional[bool] = None
    dispatch_approved: Optional[bool] = None
    entrust_letter: Optional[bool] = None
    post_ratio_confirmed: Optional[bool] = None
    vocational_qualification: Optional[str] = None
    publicity_start: Optional[dt.date] = None
    publicity_end: Optional[dt.date] = None
    assessment: Optional[str] = None
    fraud: Optional[bool] = None
    phone: Optional[str] = None
    data_hash: str = Field(max_length=64)
    source_file: str = ""
    source_row: int = 0
    imported_at: str = ""


class VerdictRecord(SQLModel, table=True):
    """The eligibility verdict of one applicant (SPEC §5), and a clerk's settlement of it."""

    __tablename__ = "verdicts"
    id: Optional[int] = Field(default=None, primary_key=True)
    applicant_id: int = Field(foreign_key="applicants.id", unique=True)
    verdict: str
    reasons: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    data_hash: str = Field(max_length=64)
    checked_at: str
    settled: bool = False
    settled_verdict: Optional[str] = None
    settled_reason: Optional[str] = None
    settled_at: Optional[str] = None
    settled_by: Optional[str] = None


class Expert(SQLModel, table=True):
    """An expert of the pool (专家库), shared by the committees listed in ``committees``."""

    __tablename__ = "experts"
    id: Optional[int] = Field(default=None, primary_key=True)
    id_number: str = Field(unique=True, max_length=18)
    name: str
    unit: str
    region: Optional[str] = None
    specialties: list[str] = Field(default_factory=list, sa_type=JSON)
    title: str
    title_level: str
    phone: Optional[str] = None
    status: str = "在库"
    committees: list[int] = Field(default_factory=list, sa_type=JSON)
    data_hash: str = Field(default="", max_length=64)
    imported_at: str = ""


class Meeting(SQLModel, table=True):
    """One evaluation meeting (评审会议) of a committee on a date."""

    __tablename__ = "meetings"
    __table_args__ = (UniqueConstraint("year", "committee_seq", "date"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    year: int = Field(index=True)
    committee_seq: int
    date: dt.date
    place: Optional[str] = None
    created_at: str


class Draw(SQLModel, table=True):
    """One draw of a meeting's executive committee (执行委员会): its inputs and its result.

    Every draw stays on record; only the latest (``active``) one seats experts.
    """

    __tablename__ = "draws"
    __table_args__ = (UniqueConstraint("meeting_id", "number"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meetings.id", index=True)
    number: int
    active: bool = True
    algorithm: str
    seed: str
    candidate_digest: str = Field(max_length=64)
    size: int
    alternates_count: int
    quotas: list[list[Any]] = Field(default_factory=list, sa_type=JSON)
    candidates: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    exclusions: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    members: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    alternates: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    reason: Optional[str] = None
    operator: str = ""
    created_at: str
    taken_on: Optional[dt.date] = None  # the day the draw was made (``--on``; SPEC §11)


class Seat(SQLModel, table=True):
    """An expert seated on a given date. The unique index keeps two offices drawing at once from
    seating one expert twice that day."""

    __tablename__ = "seats"
    __table_args__ = (Index("ux_seats_date_expert", "date", "expert_id_number", unique=True),)
    id: Optional[int] = Field(default=None, primary_key=True)
    draw_id: int = Field(foreign_key="draws.id", index=True)
    date: dt.date
    expert_id_number: str = Field(max_length=18)
    role: str


class DrawApplicant(SQLModel, table=True):
    """An applicant under review at a draw: SPEC §6 fixes them when the draw is made, so that the
    recusals were checked against exactly the applicants the meeting then votes on."""

    __tablename__ = "draw_applicants"
    __table_args__ = (UniqueConstraint("draw_id", "applicant_id"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    draw_id: int = Field(foreign_key="draws.id", index=True)
    applicant_id: int = Field(foreign_key="applicants.id")
    id_number: str = Field(max_length=18)


class Replacement(SQLModel, table=True):
    """A member who declined, and the alternate who took the seat (替补)."""

    __tablename__ = "replacements"
    id: Optional[int] = Field(default=None, primary_key=True)
    draw_id: int = Field(foreign_key="draws.id", index=True)
    out_id_number: str = Field(max_length=18)
    in_id_number: str = Field(max_length=18)
    reason: Optional[str] = None
    at: str


class Tally(SQLModel, table=True):
    """The recorded vote count of a meeting (计票). An amendment keeps the old one, inactive."""

    __tablename__ = "tallies"
    __table_args__ = (UniqueConstraint("meeting_id", "version"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meetings.id", index=True)
    version: int
    active: bool = True
    members: int
    attending: int
    absent: list[str] = Field(default_factory=list, sa_type=JSON)
    amend_reason: Optional[str] = None
    operator: str = ""
    created_at: str
    taken_on: Optional[dt.date] = None  # the day the tally was recorded (``--on``; SPEC §11)


class TallyResult(SQLModel, table=True):
    """One applicant's counts at a tally: yes, no, abstain, the least yes count that passes."""

    __tablename__ = "tally_results"
    __table_args__ = (UniqueConstraint("tally_id", "applicant_id"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    tally_id: int = Field(foreign_key="tallies.id", index=True)
    applicant_id: int = Field(foreign_key="applicants.id")
    yes: int
    no: int
    abstain: int
    needed: int
    passed: bool
    mode: str


class AuditEntry(SQLModel, table=True):
    """One link of the audit chain (SPEC §10): what a writing command did, hashed to the last."""

    __tablename__ = "audit_entries"
    seq: Optional[int] = Field(default=None, primary_key=True)
    at: str
    operator: str
    command: str
    options: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    inputs: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    summary: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    # The digest of the protected records after the command (``qzzc.services.audit``).
    state: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    prev_hash: str = Field(max_length=64, unique=True)
    hash: str = Field(max_length=64, unique=True)


# -- the year's procedure (SPEC §11; schema version 4) ------------------------------------------


class Step(SQLModel, table=True):
    """One step of the year's procedure taken on a day (SPEC §11): ``filing`` (评前备案),
    ``confirmation`` (备案确认), ``filing_form`` (备案表), ``approval`` (核准公布) of a meeting.
    The publicities, the draw and the tally have tables of their own. ``by`` is who took it
    (the HR bureau for a confirmation or approval); ``backfilled`` marks a step a store written
    before this table existed is taken to have had (补录: filed and confirmed on the draw's day)."""

    __tablename__ = "steps"
    __table_args__ = (UniqueConstraint("meeting_id", "step"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meetings.id", index=True)
    step: str = Field(max_length=32)
    on: dt.date
    by: Optional[str] = None
    detail: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    backfilled: bool = False
    operator: str = ""
    created_at: str


class Publicity(SQLModel, table=True):
    """A published publicity period (公示): ``pre_review`` (评前公示, of a committee's applicants)
    or ``result`` (结果公示, of a meeting's results), from ``start`` to ``end`` (its last day)."""

    __tablename__ = "publicities"
    id: Optional[int] = Field(default=None, primary_key=True)
    year: int = Field(index=True)
    committee_seq: int
    stage: str = Field(max_length=16)
    meeting_id: Optional[int] = Field(default=None, foreign_key="meetings.id")
    start: dt.date
    end: dt.date
    working_days: int
    published_on: dt.date
    operator: str = ""
    created_at: str


class PublicityApplicant(SQLModel, table=True):
    """An applicant listed on a publicity."""

    __tablename__ = "publicity_applicants"
    __table_args__ = (UniqueConstraint("publicity_id", "applicant_id"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    publicity_id: int = Field(foreign_key="publicities.id", index=True)
    applicant_id: int = Field(foreign_key="applicants.id", index=True)


class FiledApplicant(SQLModel, table=True):
    """An applicant filed for a meeting (评前备案): the meeting reviews exactly these, less those an
    upheld objection removed."""

    __tablename__ = "filed_applicants"
    __table_args__ = (UniqueConstraint("meeting_id", "applicant_id"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meetings.id", index=True)
    applicant_id: int = Field(foreign_key="applicants.id", index=True)


class Objection(SQLModel, table=True):
    """An objection (异议) received in writing under a real name during a publicity period;
    ``outcome`` is None until resolved, then ``upheld`` (成立) or ``dismissed`` (不成立)."""

    __tablename__ = "objections"
    id: Optional[int] = Field(default=None, primary_key=True)
    year: int = Field(index=True)
    committee_seq: int
    applicant_id: int = Field(foreign_key="applicants.id", index=True)
    publicity_id: int = Field(foreign_key="publicities.id")
    stage: str = Field(max_length=16)
    received: dt.date
    by: str
    contact: str
    content: str
    outcome: Optional[str] = None
    reason: Optional[str] = None
    resolved_on: Optional[dt.date] = None
    resolved_by: Optional[str] = None
    operator: str = ""
    created_at: str
