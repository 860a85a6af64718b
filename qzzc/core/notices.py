"""What the public notices and the filing form say (SPEC §8), as plain values.

One context dataclass per document (each kind's declaration in ``qzzc.notices.kinds`` names
its own); the templates in ``templates/`` use only their fields (a test checks). Nothing here
holds an ID number or a personal phone: the services build these contexts from the store and
leave personal data out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


def chinese_date(day: dt.date) -> str:
    """``2021年9月28日``."""
    return f"{day.year}年{day.month}月{day.day}日"


def chinese_period(first: dt.date, last: dt.date) -> str:
    """``2021年9月28日至2021年10月9日``."""
    return f"{chinese_date(first)}至{chinese_date(last)}"


def percent(part: int, whole: int) -> str:
    """``part / whole`` as a percentage with one decimal, rounded half up, in integers:
    ``percent(2, 3) == "66.7%"``; ``"—"`` when ``whole`` is 0."""
    if whole == 0:
        return "—"
    tenths = (part * 2000 + whole) // (2 * whole)
    return f"{tenths // 10}.{tenths % 10}%"


@dataclass(frozen=True)
class Period:
    """A publicity period of ``days`` working days."""

    first: dt.date
    last: dt.date
    days: int

    @property
    def text(self) -> str:
        return chinese_period(self.first, self.last)


@dataclass(frozen=True)
class Office:
    """Who issues the document and when."""

    committee: str
    seq: int
    year: int
    contact_unit: str
    contact_phone: str
    issued: dt.date
    draft: bool = False  # a draft (SPEC §11 ``--draft``): its title says （草稿）, nothing is recorded

    @property
    def heading(self) -> str:
        """The committee as a document's title names it: marked （草稿） on a draft."""
        return f"（草稿）{self.committee}" if self.draft else self.committee

    @property
    def name(self) -> str:
        """The issuing office: the committee's office (评委会办公室)."""
        return f"{self.committee}办公室"

    @property
    def issued_text(self) -> str:
        return chinese_date(self.issued)


@dataclass(frozen=True)
class AnnouncementContext:
    """评审公告: what the committee evaluates and recommends, for whom, when, and where to send."""

    office: Office
    evaluates: tuple[str, ...]
    recommends: tuple[str, ...]
    specialties: tuple[str, ...]
    other_specialties: bool
    scope: tuple[tuple[str, str], ...]
    review_time: str
    deadline: str
    public_hours: int | None
    public_hours_degree_junior: int | None
    publicity_days: int
    source: str
    cpd_bands: str = "中、初级"  # the bands the 54-hour rule concerns here: 中、初级, 中级 or 初级
    senior: bool = False  # whether the committee takes 高级 titles (the province's hours apply)


@dataclass(frozen=True)
class ListedApplicant:
    """One line of a public list: no ID number, no phone."""

    number: int
    name: str
    gender: str
    unit: str
    title: str
    specialty: str
    result: str = ""


@dataclass(frozen=True)
class PreReviewContext:
    """评前公示: the applicants found eligible, the period and how to object."""

    office: Office
    applicants: tuple[ListedApplicant, ...]
    period: Period
    source: str


@dataclass(frozen=True)
class ResultContext:
    """评审结果公示: the applicants who passed (评审) or are recommended (推荐)."""

    office: Office
    meeting_date: dt.date
    applicants: tuple[ListedApplicant, ...]
    evaluated_count: int
    recommended_count: int
    period: Period
    source: str
    revoked: tuple[str, ...] = ()  # results revoked (撤销) by an upheld objection, with the reason

    @property
    def meeting_date_text(self) -> str:
        return chinese_date(self.meeting_date)


@dataclass(frozen=True)
class FiledApplicant:
    number: int
    name: str
    unit: str
    title: str
    specialty: str
    yes: int
    no: int
    abstain: int
    needed: int
    result: str


@dataclass(frozen=True)
class FilingFormContext:
    """评审结果备案表: the meeting, its committee, each applicant's counts and result."""

    office: Office
    meeting_id: int
    meeting_date: dt.date
    place: str
    members_drawn: int
    members_present: int
    members: tuple[str, ...]
    absent: tuple[str, ...]
    applicants: tuple[FiledApplicant, ...]
    passed: int
    pass_rate: str
    period: Period | None
    amended: str | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
    objections: str = "公示期间无异议"  # the publicities' objections (SPEC §11: ``filing_sentence``)

    @property
    def meeting_date_text(self) -> str:
        return chinese_date(self.meeting_date)
