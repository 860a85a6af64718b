"""Rendering the notices, the filing form and the meeting papers from the store (SPEC §8, §12).

``render_notice`` looks the kind up in the registry (``qzzc.notices.kinds``), builds its context
from the store inside the document's job (never an ID number or a personal phone in a public
one), computes the publicity period with the official calendar, and writes the file in the format
its name ends with. The builders of the notices' contexts are here, the papers' in
``qzzc.services.notices.papers``; each gets a ``Request``.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from qzzc.core.audit import file_digest
from qzzc.core.draw import seated_members
from qzzc.core.notices import (
    AnnouncementContext,
    FiledApplicant,
    FilingFormContext,
    ListedApplicant,
    Office,
    Period,
    PreReviewContext,
    ResultContext,
    chinese_date,
    percent,
)
from qzzc.core.objections import REVOKED, revoked_line
from qzzc.core.plan import Committee
from qzzc.core.privacy import mask_id
from qzzc.core.ruleset import YearRules
from qzzc.core.tally import result_text
from qzzc.core.workdays import Calendar
from qzzc.errors import QzzcError, UsageError
from qzzc.files import Staged
from qzzc.notices.docx import document
from qzzc.notices.kinds import KINDS, Kind
from qzzc.notices.render import render_text
from qzzc.services.base import Context, job, read_calendar, read_input
from qzzc.sheets.writer import workbook
from qzzc.store import queries
from qzzc.store.models import Applicant, Meeting, Tally, TallyResult


@dataclass(frozen=True)
class NoticeResult:
    kind: str
    path: Path
    rows: int
    period: Period | None
    draft: bool = False


@dataclass(frozen=True)
class Request:
    """What a kind's builder and hooks get: the job's session, the year and its rules, the options."""

    kind: Kind
    session: Session
    year: int
    rules: YearRules
    committee_seq: int | None
    meeting_id: int | None
    start: dt.date | None
    days: int
    issued: dt.date | None
    place: str | None
    calendar: Calendar
    suffix: str
    on: dt.date | None = None  # the day a step of the year's procedure is taken (SPEC §11)
    draft: bool = False  # a draft marked 草稿, recording nothing
    operator: str = ""
    at: str = ""

    @property
    def source(self) -> str:
        return self.rules.source

    def committee(self) -> Committee:
        """The committee of ``--committee``."""
        if self.committee_seq is None:
            raise UsageError(f"{self.kind.title}需要 --committee 评委会序号")
        return queries.committee(self.session, self.year, self.committee_seq)

    def meeting(self) -> Meeting:
        """The meeting of ``--meeting``."""
        if self.meeting_id is None:
            raise UsageError(f"{self.kind.title}需要 --meeting 会议编号")
        return queries.meeting(self.session, self.meeting_id)

    def committee_of(self, meeting: Meeting) -> Committee:
        return queries.committee(self.session, meeting.year, meeting.committee_seq)

    def require_start(self) -> dt.date:
        if self.start is None:
            raise UsageError(f"{self.kind.title}需要 --start 公示开始日期")
        return self.start

    def period(self) -> Period | None:
        """The publicity period from ``--start``, ``days`` working days; none without ``--start``."""
        if self.start is None:
            return None
        first, last = self.calendar.period(self.start, self.days)
        return Period(first, last, self.days)

    def office(self, committee: Committee, day: dt.date) -> Office:
        """The issuing office, dated ``--date``, else ``day``."""
        return Office(
            committee.display_name,
            committee.seq,
            self.year,
            committee.contact_unit,
            committee.contact_phone,
            self.issued or day,
        )


def render_notice(
    ctx: Context,
    kind: str,
    out: Path,
    *,
    committee: int | None = None,
    meeting: int | None = None,
    start: dt.date | None = None,
    days: int | None = None,
    template: Path | None = None,
    issued: dt.date | None = None,
    place: str | None = None,
    calendar: Path | None = None,
    on: dt.date | None = None,
    draft: bool = False,
) -> NoticeResult:
    """Writes document ``kind`` to ``out`` (in one of the kind's formats: ``.html``, ``.md``,
    ``.xlsx``, ``.docx``, the draw record also ``.json``) and returns what it wrote. ``calendar``
    is an override file for years the official calendar does not know (``--calendar``). The
    document is a step of the year's record: its audit entry holds the options, the SHA-256 of the
    office template and of every file it includes, and the file's, so that a published notice can
    be matched to the store it came from. Raises ``UsageError`` for a missing option or a format
    the document has not, and ``QzzcError`` for a state that cannot give the document (no tally
    yet, …). A publicity or the filing form is a step of the year's procedure (SPEC §11), taken
    ``on`` (the kind's ``after`` hook checks and records it); a ``draft`` is marked 草稿, checked
    against nothing and records nothing, not even an audit entry."""
    suffix = out.suffix.lower()
    declared = _declared(kind, out, template)
    options = {
        "kind": kind,
        "out": str(out),
        "committee": committee,
        "meeting": meeting,
        "start": start.isoformat() if start else None,
        "days": days,
        "date": issued.isoformat() if issued else None,
        "place": place,
        "template": str(template) if template else None,
        "calendar": calendar.name if calendar else None,
    }
    if declared.after is not None:
        options |= {"on": on.isoformat() if on else None, "draft": draft}
    if days is not None and days < 1:
        raise UsageError("--days 应至少为 1")
    days_off, inputs = read_calendar(calendar)
    if template is not None:
        inputs[template.name] = read_input(template)
    staged: Staged | None = None
    try:
        writes = ["publicities", "publicity_applicants", "steps"] if declared.after is not None else []
        with job(ctx, f"notice {kind}", options, inputs, writes=writes) as current:
            session = current.session
            year = ctx.store.current_year(session)
            rules = queries.ruleset(session, year)
            request = Request(
                declared, session, year, rules, committee, meeting, start, _publicity_days(days, rules),
                issued, place, days_off, suffix, on, draft, ctx.operator, current.at,
            )  # fmt: skip
            context = _context(declared, suffix, request)
            # every file an office template read (itself and what it includes), as rendered
            data = _render(declared, suffix, context, template, current.inputs)
            rows = _rows(context)
            period = getattr(context, "period", None)
            current.summary = {
                "file": out.name,
                "sha256": file_digest(data),
                "rows": rows,
                "period": period.text if period else None,
            }
            staged = Staged(out, data)  # written beside its place: no entry without the file
            if draft:
                current.discard()  # a draft records nothing (SPEC §11)
        staged.publish()  # after the commit: no file without its entry
    finally:
        if staged is not None:
            staged.discard()
    return NoticeResult(kind, out, rows, period, draft)


def _publicity_days(days: int | None, rules: YearRules) -> int:
    """The working days of a publicity: ``--days``, which may lengthen the period and never
    shorten it (一(三)、一(五): 不少于5个工作日, SPEC §8), else the year's rules."""
    least = rules.publicity_days
    if days is not None and days < least:
        raise QzzcError(
            f"公示期不得少于 {least} 个工作日（{rules.source}：不少于{least}个工作日），"
            f"--days {days} 不能缩短公示期，只能延长（或不加 --days）"
        )
    return days if days is not None else least


def _context(declared: Kind, suffix: str, request: Request) -> Any:
    """The document's context: the kind's ``check``, its builder (or the .json export), its
    ``after`` hook (a step of the year's procedure records itself there)."""
    check = declared.named("check")
    if check is not None:
        check(request)
    build = declared.named("export" if suffix == ".json" else "build")
    context = build(request)  # type: ignore[misc]
    after = declared.named("after")
    if after is not None:
        context = after(request, context) or context
    return context


def _declared(kind: str, out: Path, template: Path | None) -> Kind:
    """The kind's declaration; raises ``UsageError`` for an unknown kind, a format it has not, or
    a template that cannot make ``out``."""
    suffix = out.suffix.lower()
    declared = KINDS.get(kind)
    if declared is None:
        raise UsageError(f"没有这种公告：{kind}（可选：{'、'.join(KINDS)}）")
    if suffix not in declared.formats:
        raise UsageError(
            f"{declared.title}可输出为 {'、'.join(declared.formats)} 文件，不能输出为「{out.name}」"
        )
    if template is not None and suffix in (".xlsx", ".json"):
        raise UsageError("--template 只用于 .html、.md 和 .docx 文件")
    if template is not None and (suffix == ".docx") != (template.suffix.lower() == ".docx"):
        raise UsageError(
            "Word 文件（.docx）须用 Word 模板（.docx），.html 和 .md 文件须用 Jinja2 模板，"
            f"不能用「{template.name}」生成「{out.name}」"
        )
    return declared


def _render(kind: Kind, suffix: str, context: Any, template: Path | None, read: dict[str, bytes]) -> bytes:
    """The file's bytes: .json the export (the draw record's: internal, full ID numbers), .xlsx the
    kind's table, .docx its layout or the office's Word template, .html and .md its templates."""
    if suffix == ".json":
        return (json.dumps(context, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    if suffix == ".xlsx":
        return workbook(kind.named("table")(context))  # type: ignore[misc]
    if suffix == ".docx":
        return document(kind.named("layout"), context, template)  # type: ignore[arg-type]

    return render_text(kind.name, suffix, context, template, read).encode("utf-8")


def _rows(context: Any) -> int:
    """The people a document lists: applicants, else the experts drawn."""
    if isinstance(context, dict):
        return len(context.get("members", ()))
    if hasattr(context, "applicants"):
        return len(context.applicants)
    return len(getattr(context, "members", ())) + len(getattr(context, "alternates", ()))


# -- the notices' contexts (the papers' are in qzzc.services.notices.papers) ------------------------------


def _notice_office(request: Request, committee: Committee, period: Period | None) -> Office:
    """A notice is dated ``--date``, else the first day of its period, else today."""
    return request.office(committee, period.first if period else dt.date.today())


def announcement(request: Request) -> AnnouncementContext:
    committee = request.committee()
    office = _notice_office(request, committee, request.period())
    return _announcement(office, committee, request.rules, request.source, request.days)


def pre_review(request: Request) -> PreReviewContext:
    committee = request.committee()
    request.require_start()
    period = request.period()
    office = _notice_office(request, committee, period)
    listed = _eligible(request.session, request.year, committee.seq)
    return PreReviewContext(office, listed, period, request.source)  # type: ignore[arg-type]


def result(request: Request) -> ResultContext:
    record = request.meeting()
    committee = request.committee_of(record)
    start = request.require_start()
    if start < record.date:
        raise QzzcError(
            f"结果公示应在评审会议之后：第 {record.id} 号会议 {chinese_date(record.date)}召开，"
            f"--start {start.isoformat()} 早于会议日期。请把 --start 设为会议当天或之后"
        )
    period = request.period()
    office = _notice_office(request, committee, period)
    return _result(request.session, office, record, period, request.source)  # type: ignore[arg-type]


def filing_form(request: Request) -> FilingFormContext:
    record = request.meeting()
    committee = request.committee_of(record)
    period = request.period()
    office = _notice_office(request, committee, period)
    return _filing_form(request.session, office, record, period, request.place)


def _announcement(
    office: Office, committee: Committee, rules: YearRules, source: str, days: int
) -> AnnouncementContext:
    # 二(二): the 54-hour rule is for 中、初级 only; a 高级-only committee (rows 17–25) states the
    # province's requirement instead, and 本科 18 hours only where 初级 is taken.
    bands = committee.bands
    hours = rules.public_hours if {"初级", "中级"} & set(bands) else None
    junior = rules.public_hours_degree_junior if "初级" in bands else None
    cpd_bands = "中、初级" if {"初级", "中级"} <= set(bands) else ("中级" if "中级" in bands else "初级")
    return AnnouncementContext(
        office=office,
        evaluates=committee.evaluates,
        recommends=committee.recommends,
        specialties=committee.specialties,
        other_specialties=committee.other_specialties,
        scope=_scope_lines(committee),
        review_time=committee.review_time,
        deadline=committee.deadline,
        public_hours=_whole(hours),
        public_hours_degree_junior=_whole(junior),
        publicity_days=days,
        source=source,
        cpd_bands=cpd_bands,
        senior="高级" in bands,
    )


def _whole(hours: float | None) -> int | None:
    """Hours as the notice states them (54), or None for a fraction the notice would not print."""
    return int(hours) if hours is not None and hours.is_integer() else None


def _scope_lines(committee: Committee) -> tuple[tuple[str, str], ...]:
    """The scope by band, or one line when every band has the same scope."""
    values = set(committee.scope.values())
    if len(values) == 1 and len(committee.scope) == 3:
        return (("申报范围", values.pop()),)
    return tuple((f"申报{band}职称", scope) for band, scope in committee.scope.items())


def _eligible(session: Session, year: int, committee_seq: int) -> tuple[ListedApplicant, ...]:
    applicants = sorted(
        queries.eligible_applicants(session, year, committee_seq),
        key=lambda a: (a.unit, a.source_row, a.name),
    )
    return tuple(
        ListedApplicant(number, a.name, a.gender, a.unit, a.title, a.specialty)
        for number, a in enumerate(applicants, start=1)
    )


def _tally(session: Session, meeting: Meeting) -> tuple[Tally, list[tuple[TallyResult, Applicant]]]:
    tally = queries.active_tally(session, meeting)
    if tally is None:
        raise QzzcError(f"第 {meeting.id} 号会议尚未计票，不能生成评审结果。请先运行 qzzc tally")
    rows = session.exec(
        select(TallyResult, Applicant)
        .join(Applicant, Applicant.id == TallyResult.applicant_id)
        .where(TallyResult.tally_id == tally.id)
        .order_by(Applicant.unit, Applicant.source_row, Applicant.name)
    ).all()
    return tally, list(rows)


def _result(session: Session, office: Office, meeting: Meeting, period: Period, source: str) -> ResultContext:
    _, rows = _tally(session, meeting)
    revoked = queries.revoked_results(session, meeting.id or 0)  # 撤销 by an upheld objection (SPEC §11)
    passed = [(result, applicant) for result, applicant in rows if result.passed]
    listed = tuple(
        ListedApplicant(
            number,
            a.name,
            a.gender,
            a.unit,
            a.title,
            a.specialty,
            REVOKED if a.id in revoked else result_text(r.passed, r.mode),
        )
        for number, (r, a) in enumerate(passed, start=1)
    )
    standing = [r for r, a in passed if a.id not in revoked]
    evaluated = sum(1 for r in standing if r.mode != "推荐")
    lines = tuple(revoked_line(a.name, a.unit, revoked[a.id]) for _, a in passed if a.id in revoked)
    return ResultContext(
        office, meeting.date, listed, evaluated, len(standing) - evaluated, period, source, revoked=lines
    )


def _filing_form(
    session: Session, office: Office, meeting: Meeting, period: Period | None, place: str | None
) -> FilingFormContext:
    tally, rows = _tally(session, meeting)
    draw = queries.active_draw(session, meeting)
    members = seated_members(draw, queries.replacements_of(session, draw)) if draw is not None else []
    names = {member["id_number"]: member["name"] for member in members}
    absent_ids = list(tally.absent or [])
    absent = tuple(names.get(number, mask_id(number)) for number in absent_ids)
    present = tuple(member["name"] for member in members if member["id_number"] not in set(absent_ids))
    revoked = queries.revoked_results(session, meeting.id or 0)  # 撤销 by an upheld objection (SPEC §11)
    filed = tuple(
        FiledApplicant(
            number,
            a.name,
            a.unit,
            a.title,
            a.specialty,
            r.yes,
            r.no,
            r.abstain,
            r.needed,
            REVOKED if a.id in revoked else result_text(r.passed, r.mode),
        )
        for number, (r, a) in enumerate(rows, start=1)
    )
    passed = sum(1 for r, a in rows if r.passed and a.id not in revoked)
    notes = (
        *(revoked_line(a.name, a.unit, revoked[a.id]) for _, a in rows if a.id in revoked),
        "表中“通过所需”为达到出席专家三分之二所需的最少同意票数。",
    )
    return FilingFormContext(
        office=office,
        meeting_id=meeting.id or 0,
        meeting_date=meeting.date,
        place=place or meeting.place or "（未登记）",
        members_drawn=tally.members,
        members_present=tally.attending,
        members=present,
        absent=absent,
        applicants=filed,
        passed=passed,
        pass_rate=percent(passed, len(filed)),
        period=period,
        amended=tally.amend_reason,
        notes=notes,
        objections=queries.filing_objections(session, meeting.id or 0),
    )
