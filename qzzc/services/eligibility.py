"""The eligibility check (资格审查, SPEC §5): ``check_eligibility`` and ``settle``.

``check_eligibility`` loads the applicants with one Core select, runs the pure rules of
``qzzc.core.rules`` on each, and replaces their verdicts with one bulk delete and one bulk insert,
all in one ``job()``. A clerk's settlement is carried over while the applicant's ``data_hash`` is
the one the settled verdict was made on; once the data change, the settlement is dropped
("unsettled") and the result says so. Working days come from the official calendar, with the
years of an override file (``--calendar``) on top.
"""

from __future__ import annotations

import gc
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select, text

from qzzc.core.eligibility import VERDICT_ZH, VERDICTS, Verdict, evaluate, verdict_digest
from qzzc.core.objections import upheld_reason
from qzzc.core.people import find_person, looks_like_id
from qzzc.core.plan import specialty_owners
from qzzc.core.privacy import mask_id
from qzzc.core.rules import ApplicantFacts, Note, RuleContext
from qzzc.errors import CalendarUnknown, NotFound, QzzcError, UsageError
from qzzc.services.base import Context, job, read_calendar
from qzzc.store import queries
from qzzc.store.db import bulk_insert
from qzzc.store.models import Applicant, VerdictRecord
from qzzc.store.queries import committee as load_committee
from qzzc.store.queries import committees as load_committees
from qzzc.store.queries import eligible_applicants, eligible_query, verdict_in_force  # noqa: F401  (re-exported)
from qzzc.store.queries import ruleset as load_ruleset

FACT_COLUMNS = tuple(getattr(Applicant, item.name) for item in fields(ApplicantFacts))
SETTLE_VERDICTS = ("eligible", "ineligible")
# --verdict in Chinese as well as English (SPEC §13).
VERDICT_CHOICES = {
    "合格": "eligible",
    "不合格": "ineligible",
    "eligible": "eligible",
    "ineligible": "ineligible",
}
SETTLEMENT = ("settled", "settled_verdict", "settled_reason", "settled_at", "settled_by")


@dataclass(frozen=True)
class CheckedApplicant:
    """One applicant's outcome: the verdict in force (a settlement, else the computed one)."""

    id_number: str
    name: str
    committee: int
    unit: str
    title: str
    specialty: str
    application_type: str
    verdict: str
    computed_verdict: str
    reasons: tuple[dict[str, Any], ...]
    notes: tuple[dict[str, Any], ...]
    settled: bool = False
    settled_reason: str | None = None
    unsettled: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "id_number": self.id_number,
            "name": self.name,
            "committee": self.committee,
            "unit": self.unit,
            "title": self.title,
            "specialty": self.specialty,
            "application_type": self.application_type,
            "verdict": self.verdict,
            "computed_verdict": self.computed_verdict,
            "settled": self.settled,
            "settled_reason": self.settled_reason,
            "unsettled": self.unsettled,
            "reasons": [{"rule": r["rule"], "message": r["message"]} for r in self.reasons],
            "notes": [{"rule": n["rule"], "message": n["message"]} for n in self.notes],
        }


@dataclass
class CheckResult:
    """What ``check_eligibility`` did, for the summary and the lists."""

    year: int
    committee: int | None
    applicants: list[CheckedApplicant] = field(default_factory=list)
    rules_seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)  # seconds by phase, for bench/check.py

    @property
    def counts(self) -> dict[str, int]:
        counts = Counter(applicant.verdict for applicant in self.applicants)
        return {verdict: counts.get(verdict, 0) for verdict in VERDICTS}

    @property
    def by_rule(self) -> dict[str, int]:
        """Applicants not passing (verdict in force), counted once per rule code they break."""
        counts: Counter[str] = Counter()
        for applicant in self.applicants:
            if applicant.verdict != "eligible":
                counts.update({reason["rule"] for reason in applicant.reasons})
        return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))

    @property
    def notes(self) -> dict[str, int]:
        """Each rule-not-applied message, with the number of applicants it concerns."""
        counts: Counter[str] = Counter()
        for applicant in self.applicants:
            counts.update({note["message"] for note in applicant.notes})
        return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))

    @property
    def not_passed(self) -> list[CheckedApplicant]:
        return [applicant for applicant in self.applicants if applicant.verdict != "eligible"]

    @property
    def settled(self) -> list[CheckedApplicant]:
        return [applicant for applicant in self.applicants if applicant.settled]

    @property
    def unsettled(self) -> list[CheckedApplicant]:
        return [applicant for applicant in self.applicants if applicant.unsettled]


def check_eligibility(
    ctx: Context, committee: int | None = None, calendar: Path | None = None, export: Path | None = None
) -> CheckResult:
    """Runs every rule on the year's applicants (of one committee, or all) and stores the verdicts;
    with ``export``, also writes the 资格审查 list there, once the verdicts are committed (and
    never if they are not).

    Returns the outcome, applicants in order of committee and ID number. Raises
    ``UnknownCommittee``, ``CalendarUnknown`` (naming the year, how to add it, and who has such a
    date), ``ConfigError`` for a bad calendar file; nothing is written then.
    """
    if export is not None and export.suffix.lower() != ".xlsx":
        raise UsageError(f"导出文件应以 .xlsx 结尾：{export}")
    days, inputs = read_calendar(calendar)
    options = {"committee": committee, "calendar": calendar.name if calendar else None}
    with job(ctx, "check", options, inputs, writes=["verdicts"]) as current:
        session = current.session
        if session.get_bind().dialect.name == "postgresql":
            # Two checks at once, or a settle during a check, must not interleave: the check reads
            # the settlements, then replaces every verdict of its scope.
            session.execute(text("LOCK TABLE verdicts IN SHARE ROW EXCLUSIVE MODE"))
        year = ctx.store.current_year(session)
        rules = load_ruleset(session, year)
        plan = {item.seq: item for item in load_committees(session, year)}
        if committee is not None:
            load_committee(session, year, committee)  # UnknownCommittee
        owners = specialty_owners(plan.values())
        contexts = {seq: RuleContext(item, rules, days, owners) for seq, item in plan.items()}

        scope = [Applicant.year == year]
        if committee is not None:
            scope.append(Applicant.committee_seq == committee)
        connection = session.connection()
        clock = time.perf_counter()
        rows = connection.execute(
            select(Applicant.id, Applicant.data_hash, *FACT_COLUMNS)
            .where(*scope)
            .order_by(Applicant.committee_seq, Applicant.id_number)
        ).all()
        result = CheckResult(year=year, committee=committee)
        if not rows:
            current.discard()
            return result
        ids = select(Applicant.id).where(*scope)
        previous = {
            row.applicant_id: row
            for row in connection.execute(
                select(VerdictRecord.applicant_id, VerdictRecord.data_hash, *_settlement_columns()).where(
                    VerdictRecord.applicant_id.in_(ids)
                )
            )
        }

        with _no_gc():
            facts_list = [ApplicantFacts(*row[2:]) for row in rows]
            result.timings["load"] = time.perf_counter() - clock
            started = time.perf_counter()
            outcomes = _evaluate_all(facts_list, contexts)
            result.rules_seconds = result.timings["rules"] = time.perf_counter() - started
        unknown = [
            (outcome, facts)
            for outcome, facts in zip(outcomes, facts_list, strict=True)
            if isinstance(outcome, CalendarUnknown)
        ]
        if unknown:
            error, facts = unknown[0]
            raise error.about(
                f"（涉及 {len(unknown)} 名申报人的单位公示日期，如 {facts.name} {mask_id(facts.id_number)}）"
            )
        clock = time.perf_counter()
        with _no_gc():
            records = _records(result, rows, facts_list, outcomes, previous, current.at)
        result.timings["prepare"] = time.perf_counter() - clock
        _apply_objections(session, result)  # an objection upheld at the 评前公示 wins (SPEC §11)
        clock = time.perf_counter()
        connection.execute(delete(VerdictRecord).where(VerdictRecord.applicant_id.in_(ids)))
        bulk_insert(connection, VerdictRecord.__table__, records)  # type: ignore[arg-type]
        result.timings["write"] = time.perf_counter() - clock
        current.summary = {
            "year": year,
            "committee": committee,
            "applicants": len(rows),
            **result.counts,
            "settled": len(result.settled),
            "unsettled": [mask_id(item.id_number) for item in result.unsettled],
            "verdicts_sha256": verdict_digest(
                (item.committee, item.id_number, item.verdict) for item in result.applicants
            ),
        }
        if export is not None:
            current.stage(export, verdicts_workbook(result))  # put in place after the commit
    return result


@contextmanager
def _no_gc() -> Iterator[None]:
    """Pauses the cyclic garbage collector. Checking allocates a few objects per applicant and
    frees none, so the collector would rescan the loaded rows again and again for nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _records(result, rows, facts_list, outcomes, previous, at) -> list[dict[str, Any]]:
    """The verdict rows to store, keeping settlements whose data are unchanged; fills ``result``."""
    records = []
    # Notes are shared by every applicant of a committee: turn each into its dicts once.
    note_forms: dict[Note, tuple[dict[str, Any], dict[str, Any]]] = {}
    for row, facts, verdict in zip(rows, facts_list, outcomes, strict=True):
        applicant_id, data_hash = row[0], row[1]
        before = previous.get(applicant_id)
        settled = before is not None and before.settled and before.data_hash == data_hash
        unsettled = before is not None and before.settled and not settled
        reasons = tuple(reason.as_dict() for reason in verdict.reasons)
        forms = []
        for note in verdict.notes:
            form = note_forms.get(note)
            if form is None:
                plain = note.as_dict()
                form = note_forms[note] = (plain, {**plain, "note": True})
            forms.append(form)
        notes = tuple(plain for plain, _ in forms)
        records.append(
            {
                "applicant_id": applicant_id,
                "verdict": verdict.verdict,
                "reasons": [*reasons, *(stored for _, stored in forms)],
                "data_hash": data_hash,
                "checked_at": at,
                **(
                    {name: getattr(before, name) for name in SETTLEMENT}
                    if settled
                    else dict.fromkeys(SETTLEMENT) | {"settled": False}
                ),
            }
        )
        result.applicants.append(
            CheckedApplicant(
                id_number=facts.id_number,
                name=facts.name,
                committee=facts.committee_seq,
                unit=facts.unit,
                title=facts.title,
                specialty=facts.specialty,
                application_type=facts.application_type,
                verdict=before.settled_verdict if settled else verdict.verdict,
                computed_verdict=verdict.verdict,
                reasons=reasons,
                notes=notes,
                settled=settled,
                settled_reason=before.settled_reason if settled else None,
                unsettled=unsettled,
            )
        )
    return records


def _evaluate_all(
    applicants: list[ApplicantFacts], contexts: dict[int, RuleContext]
) -> list[Verdict | CalendarUnknown]:
    """The verdict of each applicant, or the ``CalendarUnknown`` its dates raised."""
    outcomes: list[Verdict | CalendarUnknown] = []
    for facts in applicants:
        context = contexts.get(facts.committee_seq)
        if context is None:
            raise QzzcError(
                f"申报人 {facts.name}（{mask_id(facts.id_number)}）所属的第 {facts.committee_seq} 号评委会不在本年度计划中"
            )
        try:
            outcomes.append(evaluate(facts, context))
        except CalendarUnknown as error:
            outcomes.append(error)
    return outcomes


def _settlement_columns():
    return tuple(getattr(VerdictRecord, name) for name in SETTLEMENT)


@dataclass(frozen=True)
class SettleResult:
    id_number: str
    name: str
    committee: int
    computed_verdict: str
    verdict: str
    reason: str


def settle(
    ctx: Context, id_number: str, verdict: str, reason: str, committee: int | None = None
) -> SettleResult:
    """Records a clerk's verdict for one applicant (人工认定), with the reason, over the computed one.

    The settlement holds until the applicant's data change. Raises ``UsageError`` for an unknown
    verdict, an empty reason, or an ID number with applications to several committees and no
    ``committee``; ``NotFound`` when there is no such applicant; ``QzzcError`` when the applicant
    was never checked or changed since the last check.
    """
    id_number = id_number.strip().upper()
    reason = reason.strip()
    verdict = VERDICT_CHOICES.get(verdict.strip(), verdict)
    if verdict not in SETTLE_VERDICTS:
        raise UsageError(f"认定结果（--verdict）应为 合格 或 不合格，现为「{verdict}」")
    if not reason:
        raise UsageError("请用 --reason 写明人工认定的理由")
    masked = mask_id(id_number)
    options = {"id_number": masked, "committee": committee, "verdict": verdict, "reason": reason}
    with job(ctx, "check settle", options, writes=["verdicts"]) as current:
        session = current.session
        applicant = _applicant(session, ctx.store.current_year(session), id_number, committee)
        masked = options["id_number"] = mask_id(applicant.id_number)
        record = session.scalars(
            select(VerdictRecord).where(VerdictRecord.applicant_id == applicant.id)
        ).first()
        who = f"{applicant.name}（{masked}，第 {applicant.committee_seq} 号评委会）"
        if record is None:
            raise QzzcError(f"{who}尚未进行资格审查，请先运行：qzzc check")
        if record.data_hash != applicant.data_hash:
            raise QzzcError(f"{who}的数据在上次资格审查后有变动，请先运行 qzzc check 再认定")
        record.settled = True
        record.settled_verdict = verdict
        record.settled_reason = reason
        record.settled_at = current.at
        record.settled_by = ctx.operator
        session.add(record)
        current.summary = {
            "id_number": masked,
            "committee": applicant.committee_seq,
            "computed_verdict": record.verdict,
            "verdict": verdict,
            "reason": reason,
        }
        return SettleResult(
            id_number=applicant.id_number,
            name=applicant.name,
            committee=applicant.committee_seq,
            computed_verdict=record.verdict,
            verdict=verdict,
            reason=reason,
        )


def _applicant(session: Any, year: int, id_number: str, committee: int | None) -> Applicant:
    """The one applicant of ``year`` (of ``committee``) with that ID number or unique name."""
    masked = mask_id(id_number)
    if not looks_like_id(id_number):  # a name: the one applicant of that name (SPEC §13)
        named = select(Applicant.id_number, Applicant.name).where(Applicant.year == year)
        if committee is not None:
            named = named.where(Applicant.committee_seq == committee)
        where = f"第 {committee} 号评委会的申报人" if committee is not None else "本年度的申报人"
        id_number = find_person(id_number, session.connection().execute(named).all(), where)
        masked = mask_id(id_number)
    query = select(Applicant).where(Applicant.year == year, Applicant.id_number == id_number)
    if committee is not None:
        query = query.where(Applicant.committee_seq == committee)
    applicants = session.scalars(query.order_by(Applicant.committee_seq)).all()
    where = f"第 {committee} 号评委会" if committee is not None else "本年度"
    if not applicants:
        raise NotFound(f"{where}没有身份证号为 {masked} 的申报人")
    if len(applicants) > 1:
        seqs = "、".join(str(item.committee_seq) for item in applicants)
        raise UsageError(f"身份证号 {masked} 在第 {seqs} 号评委会都有申报，请用 --committee 指定评委会")
    return applicants[0]


# -- for the other jobs -------------------------------------------------------------------


def _apply_objections(session: Any, result: CheckResult) -> None:
    """Makes the verdict in force of each applicant of ``result`` with an objection upheld at a
    评前公示 ``ineligible``, with the objection as its first reason: the check's list and counts
    then say what the eligible list does (SPEC §11)."""
    upheld = queries.upheld_at_pre_review_by_person(session, result.year, result.committee)
    if not upheld:
        return
    for index, item in enumerate(result.applicants):
        facts = upheld.get((item.committee, item.id_number))
        if facts is not None:
            result.applicants[index] = replace(
                item, verdict="ineligible", reasons=(upheld_reason(facts), *item.reasons)
            )


# -- the 资格审查 list as xlsx ----------------------------------------------------------------

EXPORT_HEADER = (
    "序号",
    "评委会",
    "姓名",
    "身份证号",
    "工作单位",
    "申报资格",
    "申报专业",
    "申报类型",
    "审查结果",
    "规则代码",
    "原因",
    "人工认定理由",
    "未审查的规则",
)


def verdicts_workbook(result: CheckResult) -> bytes:
    """The 资格审查 list of ``result`` (every applicant, ID masked) as an xlsx file's bytes.

    Text that would read as a formula stays text; characters a workbook cannot hold (control
    characters) are left out.
    """
    from qzzc.sheets.writer import list_workbook

    rows = []
    for number, item in enumerate(result.applicants, start=1):
        reasons = "；".join(reason["message"] for reason in item.reasons)
        notes = "；".join(note["message"] for note in item.notes)
        verdict = VERDICT_ZH[item.verdict] + ("（人工认定）" if item.settled else "")
        row = [
            number,
            item.committee,
            item.name,
            mask_id(item.id_number),
            item.unit,
            item.title,
            item.specialty,
            item.application_type,
            verdict,
            " ".join(reason["rule"] for reason in item.reasons),
            reasons,
            item.settled_reason or "",
            notes,
        ]
        rows.append(row)
    return list_workbook("资格审查", EXPORT_HEADER, rows)


__all__ = [
    "CheckResult",
    "CheckedApplicant",
    "SettleResult",
    "check_eligibility",
    "eligible_applicants",
    "settle",
    "verdict_in_force",
    "verdicts_workbook",
]
