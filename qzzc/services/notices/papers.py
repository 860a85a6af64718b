"""The meeting papers' contexts from the store (SPEC §12): draw record, sign-in, ballot, tally sheet.

Each paper's builder is named by its declaration (``qzzc.notices.kinds``) and called by
``render_notice`` (``qzzc.services.notices``) inside its job, so that a paper is audited like a
notice (options and the file's SHA-256). Only masked ID numbers reach a paper; the draw record's
JSON export (``draw_record_export``) is internal and holds the full numbers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, select

from qzzc.core import papers as core
from qzzc.core.draw import EXCLUSION_ZH, current_members
from qzzc.core.notices import Office
from qzzc.core.privacy import mask_id
from qzzc.errors import QzzcError
from qzzc.services.notices import Request
from qzzc.store import queries
from qzzc.store.models import Applicant, AuditEntry, Draw, DrawApplicant, Meeting, TallyResult
from qzzc.store.queries import replacements_of


def _draws(session: Session, meeting: Meeting) -> list[Draw]:
    records = list(
        session.exec(select(Draw).where(Draw.meeting_id == meeting.id).order_by(Draw.number)).all()
    )
    if not records:
        raise QzzcError(f"第 {meeting.id} 号会议尚未抽取专家，没有会议材料可生成。请先运行 qzzc draw-experts")
    return records


def _active(records: list[Draw]) -> Draw:
    return next((record for record in records if record.active), records[-1])


def _expert(number: int, item: dict[str, Any]) -> core.PaperExpert:
    return core.PaperExpert(
        number,
        str(item.get("name", "")),
        str(item.get("unit", "")),
        mask_id(str(item.get("id_number", ""))),
        str(item.get("key", "")),
        "、".join(str(s) for s in item.get("specialties") or ()),
    )


def _seed_given(session: Session, meeting: Meeting, record: Draw) -> bool | None:
    """Whether the clerk gave the seed, from the draw's audit entry (the draw stores the seed only)."""
    for entry in session.exec(select(AuditEntry).where(AuditEntry.command == "draw-experts")).all():
        summary = entry.summary or {}
        if summary.get("meeting") == meeting.id and summary.get("draw") == record.number:
            given = (entry.options or {}).get("seed_given")
            return bool(given) if given is not None else None
    return None


def _under_review(session: Session, meeting: Meeting, record: Draw) -> list[Applicant]:
    """The applicants under review at the meeting: those fixed at the draw (SPEC §6); for a draw
    stored without them, those of the recorded tally; else none."""

    def linked(link: Any, where: Any) -> list[Applicant]:
        return list(
            session.exec(select(Applicant).join(link, link.applicant_id == Applicant.id).where(where)).all()
        )

    rows = linked(DrawApplicant, DrawApplicant.draw_id == record.id)
    if not rows:
        tally = queries.active_tally(session, meeting)
        if tally is not None:
            rows = linked(TallyResult, TallyResult.tally_id == tally.id)
    return sorted(rows, key=lambda a: (a.unit, a.source_row, a.name))


def _applicants(request: Request, s: _Seating) -> tuple[core.PaperApplicant, ...]:
    return tuple(
        core.PaperApplicant(
            number, a.name, a.unit, a.title, a.specialty, s.committee.mode_of(a.title) or "评审"
        )
        for number, a in enumerate(_under_review(request.session, s.meeting, s.record), start=1)
    )


@dataclass(frozen=True)
class _Seating:
    """What every paper starts from: the meeting, its office, its draws and who sits."""

    meeting: Meeting
    committee: Any
    office: Office
    records: list[Draw]
    record: Draw
    place: str
    seated: list[dict[str, Any]]
    left: list[dict[str, Any]]

    @property
    def heading(self) -> tuple[Office, int, dt.date]:
        """The fields every paper begins with: office, meeting number, meeting date."""
        return self.office, self.meeting.id or 0, self.meeting.date


def _seating(request: Request) -> _Seating:
    """Raises ``UsageError`` without ``--meeting`` and ``QzzcError`` when the meeting has no draw.
    A paper is dated ``--date``, else the meeting's day."""
    meeting = request.meeting()
    committee = request.committee_of(meeting)
    office = request.office(committee, meeting.date)
    records = _draws(request.session, meeting)
    record = _active(records)
    seated, left = current_members(record, replacements_of(request.session, record))
    where = request.place or meeting.place or "（未登记）"
    return _Seating(meeting, committee, office, records, record, where, seated, left)


def sign_in(request: Request) -> core.SignInContext:
    s = _seating(request)
    members = tuple(_expert(n, m) for n, m in enumerate(s.seated, start=1))
    return core.SignInContext(
        *s.heading, s.place, members, tuple(_expert(n, a) for n, a in enumerate(s.left, start=1))
    )


def ballot(request: Request) -> core.BallotContext:
    s = _seating(request)
    return core.BallotContext(*s.heading, _applicants(request, s), len(s.seated))


def tally_sheet(request: Request) -> core.TallySheetContext:
    s = _seating(request)
    return core.TallySheetContext(
        *s.heading, len(s.seated), _applicants(request, s), core.thresholds(len(s.seated))
    )


def draw_record(request: Request) -> core.DrawRecordContext:
    s = _seating(request)
    return _draw_record(request.session, s.meeting, s.records, s.record, s.office, s.place)


def _draw_record(
    session: Session, meeting: Meeting, records: list[Draw], record: Draw, office: Office, place: str
) -> core.DrawRecordContext:
    names: dict[str, str] = {}
    for r in records:
        for item in [*(r.members or ()), *(r.alternates or ())]:
            names[str(item.get("id_number"))] = str(item.get("name", ""))
    events = tuple(
        core.DrawEvent(
            r.number,
            core.beijing_time(r.created_at),
            r.operator,
            r.active,
            r.seed,
            core.seed_source(_seed_given(session, meeting, r)),
            r.candidate_digest,
            len(r.candidates or ()),
            r.reason or "",
        )
        for r in records
    )
    replaced = tuple(
        core.ReplacementEvent(
            number,
            core.beijing_time(item.at),
            names.get(item.out_id_number, mask_id(item.out_id_number)),
            names.get(item.in_id_number, mask_id(item.in_id_number)),
            item.reason or "（未说明）",
        )
        for number, item in enumerate(replacements_of(session, record), start=1)
    )
    exclusions = tuple(
        (EXCLUSION_ZH.get(reason, reason), len(items) if isinstance(items, list) else int(items))
        for reason, items in (record.exclusions or {}).items()
    )
    return core.DrawRecordContext(
        office=office,
        meeting_id=meeting.id or 0,
        meeting_date=meeting.date,
        place=place,
        draw_number=record.number,
        drawn_at=core.beijing_time(record.created_at),
        operator=record.operator or "（未记录）",
        algorithm=record.algorithm,
        seed=record.seed,
        seed_source=core.seed_source(_seed_given(session, meeting, record)),
        candidate_digest=record.candidate_digest,
        candidates=len(record.candidates or ()),
        size=record.size,
        alternates_count=record.alternates_count,
        quotas=tuple(f"{s} {k} 人" for s, k in record.quotas or ()),
        exclusions=exclusions,
        members=tuple(_expert(n, m) for n, m in enumerate(record.members or (), start=1)),
        alternates=tuple(_expert(n, a) for n, a in enumerate(record.alternates or (), start=1)),
        draws=events,
        replacements=replaced,
    )


def draw_record_export(request: Request) -> dict[str, Any]:
    """The JSON export of the meeting's draw in force (full ID numbers: internal)."""
    meeting = request.meeting()
    record = _active(_draws(request.session, meeting))
    return core.export(
        meeting_id=meeting.id or 0,
        committee=meeting.committee_seq,
        meeting_date=meeting.date,
        draw_number=record.number,
        algorithm=record.algorithm,
        seed=record.seed,
        candidate_digest=record.candidate_digest,
        size=record.size,
        alternates=record.alternates_count,
        quotas=list(record.quotas or ()),
        candidates=list(record.candidates or ()),
        members=list(record.members or ()),
        alternate_list=list(record.alternates or ()),
    )
