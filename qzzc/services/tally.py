"""Recording a meeting's tally (计票, SPEC §7) and reading back its minutes (评审会议记录)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from qzzc.core import procedure
from qzzc.core.draw import seated_members
from qzzc.core.objections import ObjectionFacts, scrub, upheld_message
from qzzc.core.privacy import mask_id
from qzzc.core.tally import (
    COUNTS_FORM,
    CountRow,
    Counts,
    Outcome,
    absent_members,
    check_quorum,
    describe_refusal,
    differences,
    match_rows,
)
from qzzc.errors import CellError, QzzcError, UsageError
from qzzc.files import write_file
from qzzc.services.base import Context, job, read_input, today
from qzzc.sheets.reader import read_sheet
from qzzc.sheets.writer import list_workbook, width_of
from qzzc.store import queries
from qzzc.store.models import Applicant, Expert, Tally, TallyResult
from qzzc.store.queries import (
    active_draw,
    draws_of,
    meeting_objections,
    replacements_of,
    revoked_results,
    under_review,
)
from qzzc.store.queries import committee as load_committee
from qzzc.store.queries import meeting as find_meeting

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
    on = on if on is not None else today()
    files, first, second = _counts_files(counts, confirm, amend, reason)
    options = {
        "meeting": meeting_id, "on": on.isoformat(), "attending": attending,
        "absent": [mask_id(value) for value in absent], "confirm": confirm is not None, "amend": amend,
        "reason": reason,
    }  # fmt: skip
    with job(ctx, "tally", options, files, writes=["tallies", "tally_results"]) as current:
        session = current.session
        meeting = find_meeting(session, meeting_id, lock=True)
        previous = queries.active_tally(session, meeting)
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
        procedure.check_tally(queries.meeting_state(session, meeting), on, amend)
        members = seated_members(draw, replacements_of(session, draw))
        size = draw.size
        check_quorum(attending, size)
        missing = absent_members(absent, members, size, attending)
        committee = load_committee(session, meeting.year, meeting.committee_seq)
        review = under_review(session, meeting, draw)
        applicants = review.applicants
        if not applicants:
            raise QzzcError(
                f"第 {meeting.id} 号会议没有评审对象（抽取专家时资格审查合格、现仍合格的申报人），无可计票。"
            )
        matched = _matched(first, second, counts, confirm, applicants, attending, review.left_out)
        tally = _new_tally(
            session, meeting, previous, size, attending, missing, reason, ctx.operator, current.at, on
        )
        version = tally.version
        outcomes = _record_results(session, tally, applicants, matched.counts, attending, committee)
        current.summary = _summary(meeting, tally, applicants, outcomes, len(missing))
        return TallyRecorded(
            meeting=meeting.id or 0,
            committee=meeting.committee_seq,
            committee_name=committee.name,
            date=meeting.date.isoformat(),
            version=version,
            members=size,
            attending=attending,
            absent=[{"name": m.get("name", ""), "id_number": m["id_number"]} for m in missing],
            amend_reason=reason,
            outcomes=outcomes,
            left_out=[f"{mask_id(id_number)}：{why}" for id_number, why in sorted(review.left_out.items())],
        )
    raise AssertionError("unreachable")  # pragma: no cover


def _new_tally(
    session: Session,
    meeting: Any,
    previous: Tally | None,
    size: int,
    attending: int,
    missing: list[dict[str, Any]],
    reason: str | None,
    operator: str,
    at: str,
    on: dt.date,
) -> Tally:
    """Stores the tally, the next version of ``previous`` (kept, inactive) when it amends one."""
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
        absent=[member["id_number"] for member in missing],
        amend_reason=reason,
        operator=operator,
        created_at=at,
        taken_on=on,
    )
    session.add(tally)
    session.flush()
    return tally


def _counts_files(
    counts: Path, confirm: Path | None, amend: bool, reason: str | None
) -> tuple[dict[str, bytes], CountsFile, CountsFile | None]:
    """The counts file and the second clerk's, read and parsed (their bytes by name, for the entry).
    Raises ``UsageError`` for ``--amend`` without a reason or a reason without ``--amend``."""
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
    return files, first, second


def _summary(
    meeting: Any, tally: Tally, applicants: Sequence[Applicant], outcomes: Sequence[Outcome], absent: int
) -> dict[str, Any]:
    """The tally's audit entry: its counts by applicant id (no names or ID numbers)."""
    return {
        "meeting": meeting.id,
        "tally": tally.id,
        "version": tally.version,
        "members": tally.members,
        "attending": tally.attending,
        "absent": absent,
        "amend_reason": tally.amend_reason,
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


def _matched(
    first: CountsFile,
    second: CountsFile | None,
    counts: Path,
    confirm: Path | None,
    applicants: Sequence[Applicant],
    attending: int,
    left_out: dict[str, str],
) -> Any:
    """The counts file's rows matched to the applicants under review, checked against the second
    entry (``--confirm``) when there is one. Raises ``QzzcError`` listing every problem of both."""
    names = {applicant.id_number: applicant.name for applicant in applicants}
    matched = match_rows(first.rows, names, attending, first.sheet, left_out)
    lines = describe_refusal(f"计票文件 {counts.name} ", matched, first.errors, names, first.unlisted)
    if second is not None and confirm is not None:
        matched_second = match_rows(second.rows, names, attending, second.sheet, left_out)
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
    return matched


def _record_results(
    session: Session,
    tally: Tally,
    applicants: Sequence[Applicant],
    counts: dict[str, Counts],
    attending: int,
    committee: Any,
) -> list[Outcome]:
    """Each applicant's outcome (the two-thirds rule, ``qzzc.core.tally``), stored as the tally's results."""
    outcomes = []
    for applicant in applicants:
        outcome = Outcome(
            applicant.id_number,
            applicant.name,
            counts[applicant.id_number],
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
    return outcomes


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
        revoked = revoked_results(session, meeting.id or 0)  # by an upheld objection (SPEC §11)
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
            "tallies": [_tally_dict(session, tally, committee, revoked) for tally in tallies],
            "objections": [_objection_dict(item) for item in meeting_objections(session, meeting.id or 0)],
        }


def _objection_dict(item: ObjectionFacts) -> dict[str, Any]:
    return {
        "objection": item.number,
        "stage": item.stage,
        "received": item.received.isoformat(),
        "outcome": item.outcome,
        "reason": scrub(item.reason) if item.reason else None,
        "resolved_on": item.resolved_on.isoformat() if item.resolved_on else None,
    }


def _tally_dict(
    session: Session, tally: Tally, committee: Any, revoked: dict[int, ObjectionFacts]
) -> dict[str, Any]:
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
        objection = revoked.get(applicant.id or 0) if tally.active else None
        applicants.append(
            {
                **outcome.as_dict(),
                "title": applicant.title,
                "unit": applicant.unit,
                "revoked": None if objection is None else upheld_message(objection),
            }
        )
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
    headers = ("身份证号", "姓名", "申报资格", "同意", "不同意", "弃权")
    widths = [22, *(max(width_of(header), 10) for header in headers[1:])]
    data = list_workbook(
        "计票表", headers, rows, bold_headers=True, text_cells=True, widths=widths, freeze="A2"
    )
    write_file(path, data)
    return len(rows)
