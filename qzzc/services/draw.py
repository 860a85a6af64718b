"""Drawing a meeting's executive committee (``draw_experts``), checking the draws on record
(``verify_meeting``) and putting an alternate in (``replace_member``); SPEC §6.

Choices where SPEC is silent:

- The applicants under review are ``queries.filed_query``'s (verdict in force ``eligible`` on the
  current data), kept with the draw (``DrawApplicant``) as SPEC §6 fixes them "when the draw is
  made"; the tally votes on them (``queries.under_review``). A draw with none is
  refused: there would be nothing to review.
- The least size comes from the rules file's ``[draw.min_size]`` by band, for the highest band
  among the titles under review that the committee evaluates (``core.draw.size_band``): a 中级 committee
  that also recommends a 高级 applicant needs its 中级 size, as the rules file's comment says
  ("by the band of the titles it evaluates"); a committee that only recommends (序号 21–25) takes
  the band of those titles. Without a ``[draw]`` table only an odd size of at least 3 is required.
- Members and alternates are both seated for the date (``Seat``): an alternate must be free to
  step in, so no other meeting that day may draw them. An expert is counted under one exclusion
  reason only, the first of ``EXCLUSION_REASONS`` that applies.
- A conflicts-file pair matters only when its applicant is under review at this meeting; an ID
  number that is neither in the expert pool nor among the committee's applicants is an error.
- A member who declines keeps a seat with the role ``declined`` (they said they cannot come that
  day, so no other meeting draws them either); the next alternate takes the seat whatever their
  specialty, and the result says when a quota is no longer met.

Two offices drawing at once: on SQLite the job's ``BEGIN IMMEDIATE`` queues them; on PostgreSQL
the job locks the seats table first, so the second draw sees the first one's seats. The unique
(date, expert) index stays as the last guard, and its violation becomes a Chinese refusal.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import String, delete, insert, literal, select, text, type_coerce
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from qzzc.core import draw as core
from qzzc.core import procedure
from qzzc.core.cells import CellInvalid
from qzzc.core.cells import parse_date as parse_cell_date
from qzzc.core.draw import current_members, size_band
from qzzc.core.expert_forms import CONFLICT_FORM
from qzzc.core.papers import stored_from_export
from qzzc.core.people import find_person, looks_like_id
from qzzc.core.privacy import mask_id
from qzzc.core.rules import normalise_unit
from qzzc.errors import BadInput, CellError, QzzcError, UsageError
from qzzc.services.base import Context, job, read_input, today
from qzzc.sheets.reader import read_sheet
from qzzc.store import queries
from qzzc.store.models import Applicant, Draw, DrawApplicant, Expert, Meeting, Replacement, Seat, Tally
from qzzc.store.queries import committee as load_committee
from qzzc.store.queries import replacements_of
from qzzc.store.queries import ruleset as load_ruleset

DRAW_WRITES = ["meetings", "draws", "seats", "draw_applicants"]  # what a draw may write


@dataclass(frozen=True)
class DrawOutcome:
    """A draw just recorded (or, for a preview, the candidates a draw would have; ``meeting`` is
    None when the meeting does not exist yet)."""

    meeting: int | None
    committee: int
    committee_name: str
    date: dt.date
    number: int
    seed: str
    seed_given: bool
    candidate_digest: str
    algorithm: str
    candidates: int
    under_review: int
    band: str | None
    min_size: int | None
    members: tuple[core.Drawn, ...]
    alternates: tuple[core.Drawn, ...]
    excluded: dict[str, int]
    suspended: int
    quotas: tuple[tuple[str, int], ...] = ()
    reason: str | None = None

    def as_json(self) -> dict[str, Any]:
        """SPEC §6's ``--json`` document (with a few more keys)."""

        def person(drawn: core.Drawn) -> dict[str, Any]:
            c = drawn.candidate
            return {"name": c.name, "id_number": c.id_number, "unit": c.unit, "key": drawn.key}

        return {
            "meeting": self.meeting,
            "committee": self.committee,
            "date": self.date.isoformat(),
            "draw": self.number,
            "algorithm": self.algorithm,
            "seed": self.seed,
            "candidate_digest": self.candidate_digest,
            "candidates": self.candidates,
            "members": [person(drawn) for drawn in self.members],
            "alternates": [person(drawn) for drawn in self.alternates],
            "excluded": dict(self.excluded),
        }


def parse_date(value: str) -> dt.date:
    """Returns the date of ``2021-10-15``, ``2021/10/15``, ``2021.10.15``, ``2021年10月15日`` or
    ``20211015`` (the forms the sheet reader accepts); raises ``UsageError``."""

    try:
        return parse_cell_date(value.strip())
    except CellInvalid:
        raise UsageError(f"日期「{value}」无法识别，请写成 2021-10-15 的形式。") from None


def draw_experts(
    ctx: Context,
    committee: int,
    date: dt.date,
    size: int,
    alternates: int = 0,
    *,
    seed: str | None = None,
    quotas: Sequence[tuple[str, int]] = (),
    conflicts: Path | None = None,
    redraw: bool = False,
    reason: str | None = None,
    preview: bool = False,
    on: dt.date | None = None,
) -> DrawOutcome:
    """Draws and records the executive committee of ``committee``'s meeting on ``date``, on the
    day ``on`` (default: today in Beijing time). The meeting must be filed and confirmed
    (SPEC §11, ``qzzc.core.procedure.check_draw``); the applicants under review are those filed.

    Returns the outcome. Raises ``DrawRefused`` (exit 1) for a size the rules do not allow, too few
    candidates or a quota that cannot be met; ``QzzcError`` for a second draw without ``redraw``;
    ``UsageError`` for options that do not fit together. Nothing is written when it raises.

    With ``preview`` nothing is drawn or written: the outcome carries the candidates' count,
    digest and exclusions as a draw made now would have them (as after a redraw, if the meeting
    was drawn before), so that the digest can be made public before the seed is chosen.
    """
    on = on if on is not None else today()
    quotas, seed_given, inputs, conflict_rows = _draw_inputs(
        seed, redraw, reason, alternates, quotas, size, conflicts
    )
    seed = seed if seed is not None else secrets.token_hex(32)
    options = {
        "committee": committee, "date": date.isoformat(), "size": size, "alternates": alternates,
        "seed_given": seed_given, "quotas": [list(quota) for quota in quotas],
        "conflicts": conflicts.name if conflicts else None, "redraw": redraw, "reason": reason,
        "on": on.isoformat(),
    }  # fmt: skip
    with job(ctx, "draw-experts", options, inputs, writes=DRAW_WRITES) as current:
        session = current.session
        _lock_seats(session)
        year = ctx.store.current_year(session)
        plan = load_committee(session, year, committee)
        meeting, under_review, band, min_size = _meeting_to_draw(session, plan, year, date, on, size)
        previous = _previous_draw(session, meeting, redraw, preview)
        screening = _screen(session, year, meeting, under_review, conflict_rows, conflicts, size, alternates)
        outcome = _outcome(meeting, plan.name, screening, len(under_review), band, min_size, quotas)
        if preview:
            current.discard()  # rolls back the seats a redraw would have freed
            return outcome
        result = core.draw(seed, screening.candidates, size, alternates, quotas)
        record = Draw(
            meeting_id=meeting.id,
            number=previous.number + 1 if previous is not None else 1,
            active=True,
            algorithm=core.ALGORITHM,
            seed=seed,
            candidate_digest=outcome.candidate_digest,
            size=size,
            alternates_count=alternates,
            quotas=[list(quota) for quota in quotas],
            reason=reason,
            operator=ctx.operator,
            created_at=current.at,
            taken_on=on,
        )
        _record_draw(session, record, meeting, screening, result)
        number = record.number
        current.summary = {
            "meeting": meeting.id,
            "draw": number,
            "algorithm": core.ALGORITHM,
            "seed": seed,
            "candidate_digest": outcome.candidate_digest,
            "candidates": len(screening.candidates),
            "excluded": screening.excluded_counts,
            "result_digest": result_digest(
                [d.id_number for d in result.members], [d.id_number for d in result.alternates]
            ),
        }
        return replace(
            outcome,
            number=number,
            seed=seed,
            seed_given=seed_given,
            members=result.members,
            alternates=result.alternates,
            reason=reason,
        )


def _outcome(
    meeting: Meeting,
    name: str,
    screening: core.Screening,
    under_review: int,
    band: str | None,
    min_size: int | None,
    quotas: tuple[tuple[str, int], ...],
) -> DrawOutcome:
    """The outcome as a preview gives it: the candidates, their digest and the exclusions."""
    return DrawOutcome(
        meeting=meeting.id,
        committee=meeting.committee_seq,
        committee_name=name,
        date=meeting.date,
        number=0,
        seed="",
        seed_given=False,
        candidate_digest=core.candidate_digest(c.id_number for c in screening.candidates),
        algorithm=core.ALGORITHM,
        candidates=len(screening.candidates),
        under_review=under_review,
        band=band,
        min_size=min_size,
        members=(),
        alternates=(),
        excluded=screening.excluded_counts,
        suspended=screening.suspended,
        quotas=quotas,
    )


def _meeting_to_draw(
    session: Session, plan: Any, year: int, date: dt.date, on: dt.date, size: int
) -> tuple[Meeting, list[UnderReview], str | None, int | None]:
    """The meeting to draw for (filed and confirmed, SPEC §11), its applicants under review, the
    band that sets its least size and that size. Raises ``StepRefused`` out of order, and
    ``DrawRefused`` for no one to review or a size the rules do not allow."""
    committee = plan.seq
    meeting = queries.meeting_on(session, year, committee, date)
    procedure.check_draw_filed(meeting, committee, date)
    procedure.check_draw(queries.meeting_state(session, meeting), on)
    under_review = _under_review(session, meeting)
    if not under_review:
        raise core.DrawRefused(
            f"第 {committee} 号评委会 {date.isoformat()} 的会议（会议编号 {meeting.id}）备案的申报人"
            "现已没有资格审查合格的，无需抽取专家。"
        )
    band = size_band(plan, list(dict.fromkeys(applicant.title for applicant in under_review)))
    min_size = _min_size(session, year, band)
    core.check_size(size, min_size)
    return meeting, under_review, band, min_size


def _draw_inputs(
    seed: str | None,
    redraw: bool,
    reason: str | None,
    alternates: int,
    quotas: Sequence[tuple[str, int]],
    size: int,
    conflicts: Path | None,
) -> tuple[tuple[tuple[str, int], ...], bool, dict[str, bytes], list[ConflictRow]]:
    """The draw's options checked, and the conflicts file read: (quotas, whether the seed was
    given, the input files by name, the conflicts). Raises ``UsageError`` for options that do not
    fit together, ``DrawRefused`` for quotas the size cannot hold."""
    if seed is not None and not seed.strip():
        raise UsageError("--seed 不能为空。")
    if redraw and not (reason and reason.strip()):
        raise UsageError("重新抽取须用 --reason 说明理由，理由将记录在案。")
    if reason and not redraw:
        raise UsageError("--reason 只与 --redraw 一起使用。")
    if alternates < 0:
        raise UsageError("--alternates 不能为负数。")
    quotas = tuple(quotas)
    core.check_quotas(quotas, size)
    inputs: dict[str, bytes] = {}
    conflict_rows: list[ConflictRow] = []
    if conflicts is not None:
        data = read_input(conflicts)
        inputs[conflicts.name] = data
        conflict_rows = read_conflicts(data, conflicts.name)
    return quotas, seed is not None, inputs, conflict_rows


def _previous_draw(session: Session, meeting: Meeting, redraw: bool, preview: bool) -> Draw | None:
    """The meeting's last draw, set aside (made inactive, its seats freed) for the draw made now;
    a preview sets it aside too, inside its job that is rolled back. Raises ``QzzcError`` for a
    second draw without ``redraw``, a redraw of a meeting never drawn, a meeting already counted."""
    previous = session.execute(
        select(Draw).where(Draw.meeting_id == meeting.id).order_by(Draw.number.desc()).limit(1)
    ).scalar_one_or_none()
    where = f"第 {meeting.committee_seq} 号评委会 {meeting.date.isoformat()} 的会议"
    if previous is not None and not redraw and not preview:
        raise QzzcError(
            f"{where}（会议编号 {meeting.id}）已抽取过专家。"
            "每次会议只抽取一次；确需重新抽取，请加 --redraw --reason 理由（两次抽取都将记录在案）。"
        )
    if previous is None and redraw and not preview:
        raise QzzcError(f"{where}尚未抽取过专家，无需 --redraw。")
    if previous is not None:
        if session.execute(select(Tally.id).where(Tally.meeting_id == meeting.id)).first():
            raise QzzcError(f"会议 {meeting.id} 已经计票，不能再重新抽取专家。")
        session.execute(Draw.__table__.update().where(Draw.meeting_id == meeting.id).values(active=False))
        session.execute(delete(Seat).where(Seat.draw_id == previous.id))
    return previous


def _screen(
    session: Session,
    year: int,
    meeting: Meeting,
    under_review: list[UnderReview],
    conflict_rows: list[ConflictRow],
    conflicts: Path | None,
    size: int,
    alternates: int,
) -> core.Screening:
    """The committee's pool screened for the meeting (SPEC §6: suspended, applicants, recusals,
    seated that day, conflicts). Raises ``DrawRefused`` when fewer candidates remain than seats."""
    committee, date = meeting.committee_seq, meeting.date
    pool = _pool(session, committee)
    review_ids = {applicant[1] for applicant in under_review}
    screening = core.screen(
        pool,
        review_units=_review_units(under_review),
        applicant_ids=session.execute(select(Applicant.id_number).where(Applicant.year == year))
        .scalars()
        .all(),
        seated_ids=session.execute(select(Seat.expert_id_number).where(Seat.date == date)).scalars().all(),
        conflicts=_conflicts(session, year, committee, conflict_rows, review_ids, conflicts),
        normalise_unit=normalise_unit,
    )
    if len(screening.candidates) < size + alternates:
        raise core.DrawRefused(
            f"候选专家不足：需要 {size} 名成员和 {alternates} 名候补，共 {size + alternates} 人；"
            f"第 {committee} 号评委会专家库 {len(pool)} 人，其中暂停 {screening.suspended} 人，"
            f"排除 {sum(screening.excluded_counts.values())} 人"
            f"（{core.describe_exclusions(screening.excluded_counts)}），"
            f"候选专家只有 {len(screening.candidates)} 人。"
        )
    return screening


def _record_draw(
    session: Session, record: Draw, meeting: Meeting, screening: core.Screening, result: Any
) -> None:
    """Stores the draw with its candidates, exclusions and result, its seats and the applicants it
    reviews. Raises ``QzzcError`` when another office seated one of the experts that day at the
    same time."""
    record.candidates = [c.as_dict() for c in screening.candidates]
    record.exclusions = {reason: list(items) for reason, items in screening.excluded.items()}
    record.members = [drawn.as_dict() for drawn in result.members]
    record.alternates = [drawn.as_dict() for drawn in result.alternates]
    session.add(record)
    session.flush()
    for role, drawn_list in (("member", result.members), ("alternate", result.alternates)):
        for drawn in drawn_list:
            session.add(
                Seat(draw_id=record.id, date=meeting.date, expert_id_number=drawn.id_number, role=role)
            )
    try:
        session.flush()
        _record_under_review(session, record.id, meeting)
    except IntegrityError:
        raise QzzcError(
            "另一处同时为同一天抽取了专家，部分专家已被占用。本次抽取未记录，请重新运行本命令。"
        ) from None


def result_digest(members: Sequence[str], alternates: Sequence[str]) -> str:
    """The audit entry's fingerprint of a draw's result: SHA-256 over the members' and the
    alternates' ID numbers in order (no personal data in the entry itself)."""
    body = "\n".join(members) + "\n--\n" + "\n".join(alternates)
    return hashlib.sha256(body.encode()).hexdigest()


def _lock_seats(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        # Two offices drawing for the same date: the second waits and then sees the first's seats.
        session.execute(text("LOCK TABLE seats IN SHARE ROW EXCLUSIVE MODE"))


class UnderReview(NamedTuple):
    id: int
    id_number: str
    unit: str
    title: str


def _under_review(session: Session, meeting: Meeting) -> list[UnderReview]:
    """The applicants under review: those filed for the meeting and still eligible
    (``queries.filed_query``, SPEC §11), in order of ID number: one select (its parameters are
    integers) whose rows the driver gives as they are, no ORM objects."""
    columns = (Applicant.id, Applicant.id_number, Applicant.unit, Applicant.title)
    statement = queries.filed_query(session, meeting, *columns).order_by(Applicant.id_number)
    connection = session.connection()
    compiled = statement.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True})
    return [UnderReview(*row) for row in connection.exec_driver_sql(str(compiled)).fetchall()]


def _record_under_review(session: Session, draw_id: int, meeting: Meeting) -> None:
    """Keeps the applicants under review with the draw (``DrawApplicant``), in order of ID number,
    with one ``INSERT … SELECT``: the list the recusals were checked against (SPEC §6)."""
    chosen = queries.filed_query(
        session, meeting, literal(draw_id).label("draw_id"), Applicant.id, Applicant.id_number
    ).order_by(Applicant.id_number)
    session.execute(insert(DrawApplicant).from_select(["draw_id", "applicant_id", "id_number"], chosen))


def _review_units(under_review: Sequence[Any]) -> dict[str, str]:
    """Each unit of an applicant under review (normalised) with the masked ID of its last
    applicant, for the record; each distinct unit normalised once."""
    normalised: dict[str, str] = {}
    units: dict[str, str] = {}
    for _, id_number, raw, _ in under_review:
        unit = normalised.get(raw)
        if unit is None:
            unit = normalised[raw] = normalise_unit(raw)
        units[unit] = id_number
    return {unit: mask_id(id_number) for unit, id_number in units.items()}


def _min_size(session: Session, year: int, band: str | None) -> int | None:
    """The least size ``[draw.min_size]`` sets for ``band``; None when the rules file has no
    ``[draw]`` table (then any odd size of at least 3 is allowed) or no title's band is known."""
    return None if band is None else load_ruleset(session, year).draw_min_sizes[band]


def _pool(session: Session, committee: int) -> list[core.PoolExpert]:
    """The experts whose 所属评委会 include ``committee`` (in 库 or 暂停)."""
    rows = session.execute(
        select(
            Expert.id_number,
            Expert.name,
            Expert.unit,
            type_coerce(Expert.specialties, String),  # the JSON texts, each distinct one parsed once
            Expert.status,
            type_coerce(Expert.committees, String),
        )
    ).all()
    parsed: dict[Any, Any] = {}

    def value(text: Any) -> Any:
        if not isinstance(text, str):  # a driver that parses JSON itself
            return text
        found = parsed.get(text)
        if found is None:
            found = parsed[text] = json.loads(text)
        return found

    return [
        core.PoolExpert(id_number, name, unit, tuple(value(specialties) or ()), status)
        for id_number, name, unit, specialties, status, committees in rows
        if committee in (value(committees) or ())
    ]


# -- the conflicts file -----------------------------------------------------------------------


@dataclass(frozen=True)
class ConflictRow:
    """One row of a conflicts file: an expert, an applicant, and why they must not meet."""

    row: int
    expert: str
    applicant: str
    reason: str
    sheet: str = ""


def read_conflicts(data: bytes, filename: str) -> list[ConflictRow]:
    """Returns the rows of a conflicts file (专家身份证号, 申报人身份证号, 原因), or raises
    ``BadInput`` listing every bad cell."""

    parsed = read_sheet(data, filename, CONFLICT_FORM, choose_sheet=False)
    if parsed.errors:
        raise BadInput(parsed.errors, summary=f"回避名单 {filename} 有误", total=parsed.errors_total)
    return [
        ConflictRow(
            row.row,
            row.values["expert"],
            row.values["applicant"],
            row.values.get("reason") or "",
            parsed.sheet,
        )
        for row in parsed.rows
    ]


def _conflicts(
    session: Session,
    year: int,
    committee: int,
    rows: list[ConflictRow],
    review_ids: set[str],
    path: Path | None,
) -> dict[str, str]:
    """Maps each expert in a conflict with an applicant under review to the reason given.

    Raises ``BadInput`` for an expert not in the pool or an applicant not of this committee."""
    if not rows:
        return {}

    experts = set(session.execute(select(Expert.id_number)).scalars())
    applicants = set(
        session.execute(
            select(Applicant.id_number).where(Applicant.year == year, Applicant.committee_seq == committee)
        ).scalars()
    )
    errors = []
    found: dict[str, str] = {}
    for row in rows:
        if row.expert not in experts:
            errors.append(
                CellError(row.sheet, row.row, "专家身份证号", mask_id(row.expert), "专家库中没有此人")
            )
        if row.applicant not in applicants:
            errors.append(
                CellError(
                    row.sheet,
                    row.row,
                    "申报人身份证号",
                    mask_id(row.applicant),
                    f"不是第 {committee} 号评委会本年度的申报人",
                )
            )
        if row.applicant in review_ids and row.expert in experts:
            found.setdefault(row.expert, row.reason or "回避")
    if errors:
        raise BadInput(errors, summary=f"回避名单 {path.name if path else ''} 有误")
    return found


# -- verification -----------------------------------------------------------------------------


@dataclass(frozen=True)
class VerifyOutcome:
    meeting: int
    committee: int
    date: dt.date
    draws: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


class VerifyFailed(QzzcError):
    """A stored draw does not match what its stored inputs give."""


def verify_meeting(ctx: Context, meeting_id: int) -> VerifyOutcome:
    """Recomputes every draw of the meeting from its stored inputs.

    Returns the outcome (``problems`` empty when all match); the caller decides the exit code."""
    with ctx.store.reading() as session:
        meeting = queries.meeting(session, meeting_id)
        records = (
            session.execute(select(Draw).where(Draw.meeting_id == meeting_id).order_by(Draw.number))
            .scalars()
            .all()
        )
        outcome = VerifyOutcome(meeting.id, meeting.committee_seq, meeting.date)
        if not records:
            outcome.problems.append(f"会议 {meeting_id} 没有任何抽取记录。")
        for record in records:
            problems = core.verify(stored_draw(record)) + _check_replacements(
                record, replacements_of(session, record)
            )
            outcome.problems.extend(problems)
            outcome.draws.append(
                {
                    "draw": record.number,
                    "active": record.active,
                    "seed": record.seed,
                    "candidate_digest": record.candidate_digest,
                    "ok": not problems,
                    "candidates": [str(c.get("id_number", "")) for c in record.candidates or ()],
                }
            )
        return outcome


def _check_replacements(record: Draw, replacements: Sequence[Replacement]) -> list[str]:
    """The replacements of a draw must bring its alternates in, in order, each for someone
    seated at the time. Returns the differences found."""
    where = f"第 {record.number} 次抽取"
    alternates = [str(a.get("id_number", "")) for a in record.alternates or ()]
    seated = [str(m.get("id_number", "")) for m in record.members or ()]
    problems = []
    for place, replacement in enumerate(replacements):
        expected = alternates[place] if place < len(alternates) else None
        if replacement.in_id_number != expected:
            problems.append(
                f"{where}：第 {place + 1} 次替补的专家（{mask_id(replacement.in_id_number)}）不是第 {place + 1} 位候补"
            )
        if replacement.out_id_number not in seated:
            problems.append(
                f"{where}：第 {place + 1} 次替补换下的专家（{mask_id(replacement.out_id_number)}）当时不是成员"
            )
        else:
            seated[seated.index(replacement.out_id_number)] = replacement.in_id_number
    return problems


def stored_draw(record: Draw) -> core.StoredDraw:
    """The draw record as the core's ``StoredDraw``; malformed stored values become a draw that
    fails verification rather than a crash."""
    try:
        return core.StoredDraw(
            number=record.number,
            algorithm=record.algorithm,
            seed=record.seed,
            candidate_digest=record.candidate_digest,
            size=record.size,
            alternates=record.alternates_count,
            quotas=tuple((str(s), int(k)) for s, k in record.quotas or ()),
            candidates=tuple(core.Candidate.from_dict(c) for c in record.candidates or ()),
            excluded_ids=frozenset(
                str(item["id_number"])
                for items in (record.exclusions or {}).values()
                if isinstance(items, list)
                for item in items
            ),
            members=tuple((str(m["id_number"]), str(m.get("key", ""))) for m in record.members or ()),
            alternate_ids=tuple(
                (str(m["id_number"]), str(m.get("key", ""))) for m in record.alternates or ()
            ),
        )
    except (KeyError, TypeError, ValueError):
        return core.StoredDraw(record.number, "（记录已损坏）", "", "", 0, 0, (), (), frozenset(), (), ())


# -- replacing a member who declines ----------------------------------------------------------


@dataclass(frozen=True)
class ReplaceOutcome:
    meeting: int
    out_name: str
    out_id: str
    in_name: str
    in_id: str
    in_unit: str
    at: str
    alternates_left: int
    unmet_quotas: list[tuple[str, int, int]]


def replace_member(
    ctx: Context, meeting_id: int, id_number: str, reason: str | None = None
) -> ReplaceOutcome:
    """Puts the next alternate in the seat of member ``id_number`` who declined.

    Returns what was done; raises ``NotFound`` for an unknown meeting, ``QzzcError`` when the
    person is not a member now or no alternate is left."""
    id_number = id_number.strip().upper()
    options = {"meeting": meeting_id, "id_number": mask_id(id_number), "reason": reason}
    with job(ctx, "meeting replace", options, writes=["replacements", "seats", "draws"]) as current:
        session = current.session
        _lock_seats(session)
        record = queries.active_draw(session, queries.meeting(session, meeting_id))
        if record is None:
            raise QzzcError(f"会议 {meeting_id} 尚未抽取专家。")
        replacements = replacements_of(session, record)
        members, alternates = current_members(record, replacements)
        if not looks_like_id(id_number):  # a member named by name (SPEC §13)
            id_number = find_person(
                id_number,
                [(m["id_number"], m.get("name", "")) for m in members],
                f"会议 {meeting_id} 执行委员会的现任成员",
            )
            options["id_number"] = mask_id(id_number)
        leaving = next((m for m in members if m["id_number"] == id_number), None)
        if leaving is None:
            raise QzzcError(
                f"身份证号为 {mask_id(id_number)} 的专家不是会议 {meeting_id} 执行委员会的现任成员。"
            )
        if not alternates:
            raise QzzcError(f"会议 {meeting_id} 已没有候补专家可以替补，请按规定重新抽取（--redraw）。")
        if session.execute(select(Tally.id).where(Tally.meeting_id == meeting_id)).first():
            raise QzzcError(f"会议 {meeting_id} 已经计票，不能再替换专家。")
        incoming = alternates[0]
        session.add(
            Replacement(
                draw_id=record.id,
                out_id_number=id_number,
                in_id_number=incoming["id_number"],
                reason=reason,
                at=current.at,
            )
        )
        _swap_seats(session, record, id_number, incoming["id_number"])
        members = [incoming if m["id_number"] == id_number else m for m in members]
        unmet = core.unmet_quotas(record.quotas or (), members)
        current.summary = {
            "meeting": meeting_id,
            "draw": record.number,
            "out": mask_id(id_number),
            "in": mask_id(incoming["id_number"]),
        }
        return ReplaceOutcome(
            meeting=meeting_id,
            out_name=leaving["name"],
            out_id=id_number,
            in_name=incoming["name"],
            in_id=incoming["id_number"],
            in_unit=incoming["unit"],
            at=current.at,
            alternates_left=len(alternates) - 1,
            unmet_quotas=unmet,
        )


def _swap_seats(session: Session, record: Draw, leaving: str, incoming: str) -> None:
    """Marks the leaving member's seat declined and the incoming alternate's a member's."""
    seats = {
        seat.expert_id_number: seat
        for seat in session.execute(select(Seat).where(Seat.draw_id == record.id)).scalars()
    }
    for who, role in ((leaving, "declined"), (incoming, "member")):
        seat = seats.get(who)
        if seat is not None:
            seat.role = role
            session.add(seat)


def verify_file(path: Path) -> dict[str, Any]:
    """Re-derives a draw from its exported record alone (``notice draw-record --out x.json``), without
    the store. Returns ``{"file", "meeting", "draw", "candidates", "candidate_digest", "members",
    "alternates", "problems"}`` (``problems`` empty when it matches); raises ``QzzcError`` for a
    file that cannot be read or is not such an export."""

    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except OSError as error:
        raise QzzcError(f"无法读取文件 {path}：{error.strerror or error}") from None
    except (UnicodeDecodeError, ValueError):
        raise QzzcError(
            f"文件「{path.name}」不是 JSON 文件（应为 qzzc notice draw-record --out 抽取记录.json 生成的文件）"
        ) from None
    stored = stored_from_export(data)
    return {
        "file": path.name,
        "meeting": data.get("meeting"),
        "draw": stored.number,
        "candidates": len(stored.candidates),
        "candidate_digest": stored.candidate_digest,
        "members": len(stored.members),
        "alternates": len(stored.alternate_ids),
        "problems": core.verify(stored),
    }
