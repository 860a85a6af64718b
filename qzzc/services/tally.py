"""Recording a meeting's tally (计票, SPEC §7) and reading back its minutes (评审会议记录)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy import inspect
from sqlmodel import Session, select

from qzzc.core.people import find_person, looks_like_id
from qzzc.core.privacy import mask_id
from qzzc.core.tally import (
    COUNTS_FORM,
    CountRow,
    Counts,
    Outcome,
    check_quorum,
    describe_refusal,
    differences,
    match_rows,
)
from qzzc.errors import CellError, NotFound, QzzcError, UsageError
from qzzc.services.base import Context, job, read_input
from qzzc.services.draw import replacements_of, seated_members
from qzzc.services.eligibility import eligible_applicants
from qzzc.services.plan import committee as load_committee
from qzzc.store.models import Applicant, Draw, DrawApplicant, Expert, Meeting, Tally, TallyResult

# -- reading a counts file ----------------------------------------------------------------------


@dataclass(frozen=True)
class CountsFile:
    sheet: str
    rows: list[CountRow]
    errors: list[CellError]
    unlisted: int = 0  # bad cells counted but not among ``errors``


def read_counts(data: bytes, filename: str) -> CountsFile:
    """Reads a counts file (.xlsx/.xls/.ods or .csv, SPEC §7's columns) with the shared sheet
    reader. Returns the rows and every bad cell; raises ``SheetError`` when the file cannot be
    read or lacks a column. A row whose ID number cannot be read is left out (its cell is among
    the errors)."""
    from qzzc.sheets.reader import read_sheet

    sheet = read_sheet(data, filename, COUNTS_FORM, choose_sheet=False)
    rows = []
    for parsed in sheet.rows:
        values = parsed.values
        if values.get("id_number") is None:
            continue
        numbers = (values.get("yes"), values.get("no"), values.get("abstain"))
        counts = Counts(*numbers) if all(isinstance(n, int) for n in numbers) else None  # type: ignore[arg-type]
        rows.append(CountRow(parsed.row, values["id_number"], values.get("name") or "", counts))
    count_headers = {sheet.headers.get(key) for key in ("yes", "no", "abstain")}
    errors = [
        replace(error, message=f"{error.message}（没有票请填 0）")
        if error.column in count_headers and error.message == "必填项为空"
        else error
        for error in sheet.errors
    ]
    # A CSV file has no sheets: its name stands in the refusal's first line already.
    name = "" if sheet.sheet == filename else sheet.sheet
    errors = [replace(error, sheet=name) for error in errors]
    return CountsFile(name, rows, errors, sheet.errors_total - len(sheet.errors))


# -- the meeting and its members ----------------------------------------------------------------


def find_meeting(session: Session, meeting_id: int, lock: bool = False) -> Meeting:
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


# -- recording a tally --------------------------------------------------------------------------


@dataclass(frozen=True)
class TallyRecorded:
    meeting: int
    committee: int
    committee_name: str
    date: str
    version: int
    members: int
    attending: int
    absent: list[dict[str, str]]
    amend_reason: str | None
    outcomes: list[Outcome] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)  # applicants not under review, masked, why

    def as_dict(self) -> dict[str, Any]:
        return {
            "meeting": self.meeting,
            "committee": self.committee,
            "committee_name": self.committee_name,
            "date": self.date,
            "version": self.version,
            "members": self.members,
            "attending": self.attending,
            "absent": self.absent,
            "amend_reason": self.amend_reason,
            "applicants": [outcome.as_dict() for outcome in self.outcomes],
        }


@dataclass(frozen=True)
class Review:
    """Who is under review at a meeting (``applicants``, in order of ID number), and why each
    applicant left out is (``left_out``: ID number → reason)."""

    applicants: list[Applicant]
    left_out: dict[str, str]


LATE = "未列入本次会议备案的评审名单（未经评前公示和备案不得上会），不在本次会议评审之列（如需评审，请对其发布评前公示，期满后另行备案会议）"
DROPPED = "抽取专家后资格审查结论已不是合格，不在本次会议评审之列"


def under_review(session: Session, meeting: Meeting, draw: Draw) -> Review:
    """The applicants under review at ``meeting`` (SPEC §6): those eligible when its active
    ``draw`` was made, as the draw recorded them, so that the recusals were checked against
    exactly the applicants voted on.

    Where SPEC is silent: one of them whose verdict in force is no longer ``eligible`` (an integrity
    veto found after the draw, say) is left out, not voted on; one eligible only since the draw is
    left out too, as their recusals were never checked (a redraw takes them in). A draw made
    before qzzc kept the list (schema version 1) falls back to the verdicts in force.
    """
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
    if not recorded:
        return Review(current, {})
    kept = [applicant for applicant in current if applicant.id in recorded]
    left_out = {applicant.id_number: LATE for applicant in current if applicant.id not in recorded}
    eligible_now = {applicant.id for applicant in current}
    left_out |= {
        id_number: DROPPED for applicant_id, id_number in recorded.items() if applicant_id not in eligible_now
    }
    return Review(kept, left_out)


def record_tally(
    ctx: Context,
    meeting_id: int,
    attending: int,
    counts: Path,
    confirm: Path | None = None,
    absent: Sequence[str] = (),
    amend: bool = False,
    reason: str | None = None,
    on: dt.date | None = None,
) -> TallyRecorded:
    """Records the counts of a meeting's anonymous vote (SPEC §7), all or nothing.

    Refuses (``QzzcError``, nothing written) without quorum, with absent members who are not
    members or whose number is not N − A, with any bad row of the counts file, when a second
    clerk's entry (``confirm``) differs, and when a tally is already recorded and this is not an
    amendment. Returns what was recorded.

    The applicants under review are those the active draw recorded (``under_review``). N is the
    active draw's ``size``; absent members are checked against its members after replacements.
    """
    reason = (reason or "").strip() or None
    if amend and not reason:
        raise UsageError("更正计票（--amend）须用 --reason 写明理由。")
    if reason and not amend:
        raise UsageError("--reason 只用于更正计票，须与 --amend 一起使用。")
    files = {counts.name: read_input(counts)}
    first = read_counts(files[counts.name], counts.name)
    second = None
    if confirm is not None:
        confirm_bytes = read_input(confirm)
        second = read_counts(confirm_bytes, confirm.name)
        files[f"{confirm.name} (复核)" if confirm.name == counts.name else confirm.name] = confirm_bytes
    from qzzc.services import procedure

    on = on if on is not None else procedure.today()
    options = {
        "meeting": meeting_id,
        "on": on.isoformat(),
        "attending": attending,
        "absent": [mask_id(value) for value in absent],
        "confirm": confirm is not None,
        "amend": amend,
        "reason": reason,
    }
    with job(ctx, "tally", options, files) as current:
        session = current.session
        meeting = find_meeting(session, meeting_id, lock=True)
        previous = session.exec(
            select(Tally).where(Tally.meeting_id == meeting.id, Tally.active == True)  # noqa: E712
        ).first()
        if previous is not None and not amend:
            raise QzzcError(
                f"第 {meeting.id} 号会议的计票已于 {previous.created_at} 记录，计票结果一经记录不得重复录入。"
                "如确需更正，请用 --amend --reason 理由。"
            )
        if previous is None and amend:
            raise QzzcError(f"第 {meeting.id} 号会议尚未记录计票，无可更正；请去掉 --amend 和 --reason。")
        draw = active_draw(session, meeting)
        if draw is None:
            raise QzzcError(f"第 {meeting.id} 号会议尚未抽取执行委员会专家，不能计票。")
        procedure.guard_tally(session, meeting, on, amend)
        members = seated_members(draw, replacements_of(session, draw))
        size = draw.size
        check_quorum(attending, size)
        absent_members = _absent_members(absent, members, size, attending)
        committee = load_committee(session, meeting.year, meeting.committee_seq)
        review = under_review(session, meeting, draw)
        applicants = review.applicants
        if not applicants:
            raise QzzcError(
                f"第 {meeting.id} 号会议没有评审对象（抽取专家时资格审查合格、现仍合格的申报人），无可计票。"
            )
        names = {applicant.id_number: applicant.name for applicant in applicants}
        matched = match_rows(first.rows, names, attending, first.sheet, review.left_out)
        lines = describe_refusal(f"计票文件 {counts.name} ", matched, first.errors, names, first.unlisted)
        if second is not None and confirm is not None:
            matched_second = match_rows(second.rows, names, attending, second.sheet, review.left_out)
            lines += describe_refusal(
                f"复核文件 {confirm.name} ", matched_second, second.errors, names, second.unlisted
            )
            if not lines:
                diff = differences(matched.counts, matched_second.counts, names)
                if diff:
                    lines = [f"两次录入不一致，共 {len(diff)} 人：", *(f"  {line}" for line in diff)]
                    lines.append("请核对原始选票统计表后重新录入。")
        if lines:
            raise QzzcError("\n".join([*lines, "未记录任何计票结果。"]))
        version = 1
        if previous is not None:
            previous.active = False
            session.add(previous)
            session.flush()
            version = previous.version + 1
        tally = Tally(
            meeting_id=meeting.id,
            version=version,
            active=True,
            members=size,
            attending=attending,
            absent=[member["id_number"] for member in absent_members],
            amend_reason=reason,
            operator=ctx.operator,
            created_at=current.at,
            taken_on=on,
        )
        session.add(tally)
        session.flush()
        outcomes = []
        for applicant in applicants:
            outcome = Outcome(
                applicant.id_number,
                applicant.name,
                matched.counts[applicant.id_number],
                attending,
                committee.mode_of(applicant.title),
            )
            outcomes.append(outcome)
            session.add(
                TallyResult(
                    tally_id=tally.id,
                    applicant_id=applicant.id,
                    yes=outcome.counts.yes,
                    no=outcome.counts.no,
                    abstain=outcome.counts.abstain,
                    needed=outcome.needed,
                    passed=outcome.passed,
                    mode=outcome.mode or "评审",
                )
            )
        current.summary = {
            "meeting": meeting.id,
            "tally": tally.id,
            "version": version,
            "members": size,
            "attending": attending,
            "absent": len(absent_members),
            "amend_reason": reason,
            "results": [
                {
                    "applicant_id": applicant.id,
                    "yes": outcome.counts.yes,
                    "no": outcome.counts.no,
                    "abstain": outcome.counts.abstain,
                    "passed": outcome.passed,
                }
                for applicant, outcome in zip(applicants, outcomes, strict=True)
            ],
        }
        return TallyRecorded(
            meeting=meeting.id or 0,
            committee=meeting.committee_seq,
            committee_name=committee.name,
            date=meeting.date.isoformat(),
            version=version,
            members=size,
            attending=attending,
            absent=[{"name": m.get("name", ""), "id_number": m["id_number"]} for m in absent_members],
            amend_reason=reason,
            outcomes=outcomes,
            left_out=[f"{mask_id(id_number)}：{why}" for id_number, why in sorted(review.left_out.items())],
        )
    raise AssertionError("unreachable")  # pragma: no cover


def _absent_members(
    absent: Sequence[str], members: list[dict[str, Any]], size: int, attending: int
) -> list[dict[str, Any]]:
    """The members named absent, checked: each a member, none twice, and N − A of them. When fewer
    attend than are seated, ``--absent`` must name exactly the missing members (SPEC §7), so that the
    minutes and the filing form never list an absent expert as present."""
    if not absent:
        if attending < size:
            raise QzzcError(
                f"委员 {size} 人、出席 {attending} 人：请用 --absent 逐一列出未出席的 {size - attending} 名委员"
                "（身份证号，可重复使用 --absent），以免备案表把缺席委员列为出席专家。未记录任何计票结果。"
            )
        return []
    by_id = {member["id_number"]: member for member in members}
    people = [(member["id_number"], member.get("name", "")) for member in members]
    wanted = [
        re.sub(r"\s+", "", value).upper()
        if looks_like_id(value)
        else find_person(value, people, "本次会议的委员")
        for value in absent
    ]
    problems = []
    seen: set[str] = set()
    for value in wanted:
        if value not in by_id:
            problems.append(f"  {mask_id(value)} 不是本次会议执行委员会的委员")
        elif value in seen:
            problems.append(f"  {mask_id(value)} 重复列出")
        seen.add(value)
    if not problems and len(wanted) != size - attending:
        problems.append(
            f"  列出缺席委员 {len(wanted)} 人，而委员 {size} 人、出席 {attending} 人，缺席应为 {size - attending} 人"
        )
    if problems:
        raise QzzcError("\n".join(["缺席委员（--absent）有误：", *problems, "未记录任何计票结果。"]))
    return [by_id[value] for value in wanted]


# -- the minutes (评审会议记录) ---------------------------------------------------------------------


def meeting_minutes(ctx: Context, meeting_id: int, contacts: bool = False) -> dict[str, Any]:
    """Returns the record of one meeting as plain data: the committee and date, every draw made
    (number, seed, candidate digest, reason, time, quotas, how many candidates and how many were
    excluded by reason, members and alternates), the replacements, the
    members now seated and who was present, and every tally recorded (the active one last-but-not-
    superseded, amendments with their reasons). Phone numbers only with ``contacts``."""
    with ctx.store.reading() as session:
        meeting = find_meeting(session, meeting_id)
        committee = load_committee(session, meeting.year, meeting.committee_seq)
        phones: dict[str, str | None] = {}
        if contacts:
            phones = {expert.id_number: expert.phone for expert in session.exec(select(Expert))}

        def person(member: dict[str, Any]) -> dict[str, Any]:
            entry = {
                "name": member.get("name", ""),
                "id_number": member["id_number"],
                "unit": member.get("unit", ""),
            }
            if contacts:
                entry["phone"] = phones.get(member["id_number"])
            return entry

        draws = []
        replacements: list[dict[str, Any]] = []
        seated: list[dict[str, Any]] = []
        for draw in draws_of(session, meeting):
            made = replacements_of(session, draw)
            pool = {m["id_number"]: m for m in [*draw.members, *draw.alternates]}
            draws.append(
                {
                    "number": draw.number,
                    "active": draw.active,
                    "seed": draw.seed,
                    "candidate_digest": draw.candidate_digest,
                    "algorithm": draw.algorithm,
                    "reason": draw.reason,
                    "created_at": draw.created_at,
                    "operator": draw.operator,
                    "size": draw.size,
                    "alternates_count": draw.alternates_count,
                    "quotas": {str(specialty): int(count) for specialty, count in draw.quotas or ()},
                    "candidates": len(draw.candidates or ()),
                    "excluded": {reason: len(items) for reason, items in (draw.exclusions or {}).items()},
                    "members": [person(m) for m in draw.members],
                    "alternates": [person(m) for m in draw.alternates],
                }
            )
            for replacement in made:
                replacements.append(
                    {
                        "draw": draw.number,
                        "out": person(
                            pool.get(replacement.out_id_number, {"id_number": replacement.out_id_number})
                        ),
                        "in": person(
                            pool.get(replacement.in_id_number, {"id_number": replacement.in_id_number})
                        ),
                        "reason": replacement.reason,
                        "at": replacement.at,
                    }
                )
            if draw.active:
                seated = seated_members(draw, made)
        tallies = list(
            session.exec(select(Tally).where(Tally.meeting_id == meeting.id).order_by(Tally.version))
        )
        active = next((tally for tally in tallies if tally.active), None)
        absent = set(active.absent) if active else set()
        members = []
        for member in seated:
            entry = person(member)
            entry["present"] = (
                None if active is None or not active.absent else member["id_number"] not in absent
            )
            members.append(entry)
        return {
            "meeting": meeting.id,
            "year": meeting.year,
            "committee": meeting.committee_seq,
            "committee_name": committee.name,
            "date": meeting.date.isoformat(),
            "place": meeting.place,
            "draws": draws,
            "replacements": replacements,
            "members": members,
            "tallies": [_tally_dict(session, tally, committee) for tally in tallies],
        }


def _tally_dict(session: Session, tally: Tally, committee: Any) -> dict[str, Any]:
    rows = session.exec(
        select(TallyResult, Applicant)
        .join(Applicant, Applicant.id == TallyResult.applicant_id)
        .where(TallyResult.tally_id == tally.id)
        .order_by(Applicant.id_number)
    ).all()
    applicants = []
    for result, applicant in rows:
        outcome = Outcome(
            applicant.id_number,
            applicant.name,
            Counts(result.yes, result.no, result.abstain),
            tally.attending,
            result.mode,
        )
        applicants.append({**outcome.as_dict(), "title": applicant.title, "unit": applicant.unit})
    return {
        "version": tally.version,
        "active": tally.active,
        "members": tally.members,
        "attending": tally.attending,
        "absent": list(tally.absent),
        "amend_reason": tally.amend_reason,
        "operator": tally.operator,
        "created_at": tally.created_at,
        "applicants": applicants,
    }


# -- the counts form for one meeting ------------------------------------------------------------


def write_counts_form(ctx: Context, meeting_id: int, path: Path) -> int:
    """Writes the counts form (计票表) of a meeting as .xlsx: one row per applicant under review,
    ID number (as text) and name filled in, the vote columns left for the clerk, plus each
    applicant's title for reference (the reader ignores that column). Returns the number of rows."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from qzzc.sheets.writer import save, set_value, width_of

    with ctx.store.reading() as session:
        meeting = find_meeting(session, meeting_id)
        draw = active_draw(session, meeting)
        if draw is None:
            raise QzzcError(f"第 {meeting.id} 号会议尚未抽取执行委员会专家，不能计票。")
        applicants = under_review(session, meeting, draw).applicants
        if not applicants:
            raise QzzcError(
                f"第 {meeting.id} 号会议没有评审对象（抽取专家时资格审查合格、现仍合格的申报人），无可计票。"
            )
        rows = [(a.id_number, a.name, a.title) for a in applicants]
    book = Workbook()
    sheet = book.active
    sheet.title = "计票表"
    headers = ("身份证号", "姓名", "申报资格", "同意", "不同意", "弃权")
    for position, header in enumerate(headers, start=1):
        cell = sheet.cell(row=1, column=position)
        set_value(cell, header)
        cell.font = Font(bold=True)
    for number, row in enumerate(rows, start=2):
        for position, value in enumerate(row, start=1):
            cell = sheet.cell(row=number, column=position)
            set_value(cell, value)
            cell.number_format = "@"
    for letter, header in zip("ABCDEF", headers, strict=True):
        sheet.column_dimensions[letter].width = 22 if letter == "A" else max(width_of(header), 10)
    sheet.freeze_panes = "A2"
    save(book, path)
    return len(rows)
