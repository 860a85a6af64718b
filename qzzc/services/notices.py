"""Rendering the notices and the filing form from the store (SPEC §8).

``render_notice`` builds the document's context from the store (never an ID number or a
personal phone in it), computes the publicity period with the official calendar, and writes the
file in the format its name ends with.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from qzzc.core.audit import file_digest
from qzzc.core.notices import (
    FORMATS,
    PAPERS,
    TITLES,
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
from qzzc.core.plan import Committee
from qzzc.core.privacy import mask_id
from qzzc.core.ruleset import RuleSet
from qzzc.core.workdays import Calendar
from qzzc.errors import NotFound, QzzcError, UsageError
from qzzc.files import Staged
from qzzc.services import plan as plan_service
from qzzc.services.base import Context, job, read_calendar, read_input
from qzzc.services.draw import replacements_of, seated_members
from qzzc.store.models import Applicant, Draw, Meeting, Tally, TallyResult


@dataclass(frozen=True)
class NoticeResult:
    kind: str
    path: Path
    rows: int
    period: Period | None
    draft: bool = False


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
    """Writes document ``kind`` to ``out`` (``.html``, ``.md``, ``.xlsx``, ``.docx``; the draw record also
    ``.json``) and returns what it
    wrote. ``calendar`` is an override file for years the official calendar does not know
    (``--calendar``). The document is a step of the year's record: its audit entry holds the options, the
    SHA-256 of the office template and of every file it includes, and the file's, so that a published notice can be matched to the
    store it came from. Raises ``UsageError`` for a missing option or a format the document has not, and
    ``QzzcError`` for a state that cannot give the document (no tally yet, …)."""
    suffix = out.suffix.lower()
    if kind not in TITLES:
        raise UsageError(f"没有这种公告：{kind}（可选：{'、'.join(TITLES)}）")
    if suffix not in FORMATS[kind]:
        raise UsageError(f"{TITLES[kind]}可输出为 {'、'.join(FORMATS[kind])} 文件，不能输出为「{out.name}」")
    if template is not None and suffix in (".xlsx", ".json"):
        raise UsageError("--template 只用于 .html、.md 和 .docx 文件")
    if template is not None and (suffix == ".docx") != (template.suffix.lower() == ".docx"):
        raise UsageError(
            "Word 文件（.docx）须用 Word 模板（.docx），.html 和 .md 文件须用 Jinja2 模板，"
            f"不能用「{template.name}」生成「{out.name}」"
        )
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
    from qzzc.services import procedure

    if kind in procedure.NOTICE_STEPS:  # a step of the year's procedure (SPEC §11)
        on = on if on is not None else procedure.today()
        options |= {"on": on.isoformat(), "draft": draft}
    if days is not None and days < 1:
        raise UsageError("--days 应至少为 1")
    days_off, inputs = read_calendar(calendar)
    if template is not None:
        inputs[template.name] = read_input(template)
    staged: Staged | None = None
    try:
        with job(ctx, f"notice {kind}", options, inputs) as current:
            session = current.session
            year = ctx.store.current_year(session)
            rules = plan_service.ruleset(session, year)
            least = publicity_days(rules)
            if days is not None and days < least:
                # 一(三)、一(五): 不少于5个工作日 — a period may be lengthened, never shortened (SPEC §8).
                raise QzzcError(
                    f"公示期不得少于 {least} 个工作日（{rules.data.get('source', '年度评审通知')}：不少于{least}个工作日），"
                    f"--days {days} 不能缩短公示期，只能延长（或不加 --days）"
                )
            days = days if days is not None else least
            if kind in PAPERS:
                context = _paper(session, kind, year, meeting, issued, place, suffix)
            else:
                context = _build(
                    session, kind, year, rules, committee, meeting, start, days, issued, place, days_off
                )
                if kind in procedure.NOTICE_STEPS:
                    context = procedure.on_notice(
                        session, kind, context, year=year, committee=committee, meeting=meeting,
                        on=on, draft=draft, operator=ctx.operator, at=current.at,
                    )  # fmt: skip
            if suffix == ".json":  # the draw record's export (internal: full ID numbers)
                import json

                data = (json.dumps(context, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
            elif suffix == ".xlsx":
                from qzzc.notices.xlsx import TABLES, workbook

                data = workbook(TABLES[kind](context))
            elif suffix == ".docx":
                from qzzc.notices.docx import document

                data = document(kind, context, template)
            else:
                from qzzc.notices.render import render_text

                # every file an office template read (itself and what it includes), as rendered
                data = render_text(kind, suffix, context, template, current.inputs).encode("utf-8")
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


def _rows(context: Any) -> int:
    """The people a document lists: applicants, else the experts drawn."""
    if isinstance(context, dict):
        return len(context.get("members", ()))
    if hasattr(context, "applicants"):
        return len(context.applicants)
    return len(getattr(context, "members", ())) + len(getattr(context, "alternates", ()))


def _paper(
    session: Session,
    kind: str,
    year: int,
    meeting_id: int | None,
    issued: dt.date | None,
    place: str | None,
    suffix: str,
) -> Any:
    """The context of a meeting paper (SPEC §12), or the draw record's JSON export."""
    from qzzc.services.papers import build_paper, export_of

    if meeting_id is None:
        raise UsageError(f"{TITLES[kind]}需要 --meeting 会议编号")
    record = _meeting(session, meeting_id)
    if suffix == ".json":
        return export_of(session, record)
    committee = plan_service.committee(session, record.year, record.committee_seq)
    office = Office(
        committee.display_name,
        committee.seq,
        year,
        committee.contact_unit,
        committee.contact_phone,
        issued or record.date,
    )
    return build_paper(session, kind, record, committee, office, place)


def publicity_days(rules: RuleSet) -> int:
    value = rules.section("publicity").get("working_days", 5)
    return value if isinstance(value, int) else 5


def _build(
    session: Session,
    kind: str,
    year: int,
    rules: RuleSet,
    committee_seq: int | None,
    meeting_id: int | None,
    start: dt.date | None,
    days: int,
    issued: dt.date | None,
    place: str | None,
    calendar: Calendar,
) -> Any:
    source = str(rules.data.get("source", "年度职称评审工作通知"))
    if kind in ("announcement", "pre-review"):
        if committee_seq is None:
            raise UsageError(f"{TITLES[kind]}需要 --committee 评委会序号")
        committee = plan_service.committee(session, year, committee_seq)
    else:
        if meeting_id is None:
            raise UsageError(f"{TITLES[kind]}需要 --meeting 会议编号")
        record = _meeting(session, meeting_id)
        committee = plan_service.committee(session, record.year, record.committee_seq)
    if kind in ("pre-review", "result") and start is None:
        raise UsageError(f"{TITLES[kind]}需要 --start 公示开始日期")
    if kind == "result" and start is not None and start < record.date:
        raise QzzcError(
            f"结果公示应在评审会议之后：第 {record.id} 号会议 {chinese_date(record.date)}召开，"
            f"--start {start.isoformat()} 早于会议日期。请把 --start 设为会议当天或之后"
        )
    period = _period(start, days, calendar) if start is not None else None
    office_date = issued or (period.first if period else dt.date.today())
    office = Office(
        committee.display_name,
        committee.seq,
        year,
        committee.contact_unit,
        committee.contact_phone,
        office_date,
    )
    if kind == "announcement":
        return _announcement(office, committee, rules, source, days)
    if kind == "pre-review":
        return PreReviewContext(office, _eligible(session, year, committee.seq), period, source)  # type: ignore[arg-type]
    if kind == "result":
        return _result(session, office, record, period, source)  # type: ignore[arg-type]
    return _filing_form(session, office, record, period, place)


def _period(start: dt.date, days: int, calendar: Calendar) -> Period:
    first, last = calendar.period(start, days)
    return Period(first, last, days)


def _announcement(
    office: Office, committee: Committee, rules: RuleSet, source: str, days: int
) -> AnnouncementContext:
    cpd = rules.section("cpd")
    # 二(二): the 54-hour rule is for 中、初级 only; a 高级-only committee (rows 17–25) states the
    # province's requirement instead, and 本科 18 hours only where 初级 is taken.
    bands = committee.bands
    hours = cpd.get("public_hours") if {"初级", "中级"} & set(bands) else None
    junior = cpd.get("public_hours_degree_junior") if "初级" in bands else None
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
        public_hours=hours if isinstance(hours, int) else None,
        public_hours_degree_junior=junior if isinstance(junior, int) else None,
        publicity_days=days,
        source=source,
        cpd_bands=cpd_bands,
        senior="高级" in bands,
    )


def _scope_lines(committee: Committee) -> tuple[tuple[str, str], ...]:
    """The scope by band, or one line when every band has the same scope."""
    values = set(committee.scope.values())
    if len(values) == 1 and len(committee.scope) == 3:
        return (("申报范围", values.pop()),)
    return tuple((f"申报{band}职称", scope) for band, scope in committee.scope.items())


def _eligible(session: Session, year: int, committee_seq: int) -> tuple[ListedApplicant, ...]:
    from qzzc.services.eligibility import eligible_applicants

    applicants = sorted(
        eligible_applicants(session, year, committee_seq), key=lambda a: (a.unit, a.source_row, a.name)
    )
    return tuple(
        ListedApplicant(number, a.name, a.gender, a.unit, a.title, a.specialty)
        for number, a in enumerate(applicants, start=1)
    )


def _meeting(session: Session, meeting_id: int) -> Meeting:
    record = session.get(Meeting, meeting_id)
    if record is None:
        raise NotFound(f"没有编号为 {meeting_id} 的评审会议（用 qzzc meeting show 查看会议）")
    return record


def _tally(session: Session, meeting: Meeting) -> tuple[Tally, list[tuple[TallyResult, Applicant]]]:
    tally = session.exec(select(Tally).where(Tally.meeting_id == meeting.id, Tally.active.is_(True))).first()
    if tally is None:
        raise QzzcError(f"第 {meeting.id} 号会议尚未计票，不能生成评审结果。请先运行 qzzc tally")
    rows = session.exec(
        select(TallyResult, Applicant)
        .join(Applicant, Applicant.id == TallyResult.applicant_id)
        .where(TallyResult.tally_id == tally.id)
        .order_by(Applicant.unit, Applicant.source_row, Applicant.name)
    ).all()
    return tally, list(rows)


def result_text(result: TallyResult) -> str:
    """通过 / 不通过 for a title the committee evaluates, 推荐 / 不推荐 for one it only recommends."""
    if result.mode == "推荐":
        return "推荐" if result.passed else "不推荐"
    return "通过" if result.passed else "不通过"


def _result(session: Session, office: Office, meeting: Meeting, period: Period, source: str) -> ResultContext:
    _, rows = _tally(session, meeting)
    passed = [(result, applicant) for result, applicant in rows if result.passed]
    listed = tuple(
        ListedApplicant(number, a.name, a.gender, a.unit, a.title, a.specialty, result_text(r))
        for number, (r, a) in enumerate(passed, start=1)
    )
    evaluated = sum(1 for r, _ in passed if r.mode != "推荐")
    return ResultContext(office, meeting.date, listed, evaluated, len(passed) - evaluated, period, source)


def _filing_form(
    session: Session, office: Office, meeting: Meeting, period: Period | None, place: str | None
) -> FilingFormContext:
    tally, rows = _tally(session, meeting)
    draw = session.exec(select(Draw).where(Draw.meeting_id == meeting.id, Draw.active.is_(True))).first()
    members = seated_members(draw, replacements_of(session, draw)) if draw is not None else []
    names = {member["id_number"]: member["name"] for member in members}
    absent_ids = list(tally.absent or [])
    absent = tuple(names.get(number, mask_id(number)) for number in absent_ids)
    present = tuple(member["name"] for member in members if member["id_number"] not in set(absent_ids))
    filed = tuple(
        FiledApplicant(
            number, a.name, a.unit, a.title, a.specialty, r.yes, r.no, r.abstain, r.needed, result_text(r)
        )
        for number, (r, a) in enumerate(rows, start=1)
    )
    passed = sum(1 for r, _ in rows if r.passed)
    notes = ("表中“通过所需”为达到出席专家三分之二所需的最少同意票数。",)
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
    )
