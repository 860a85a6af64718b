"""The eligibility check (资格审查, SPEC §5): ``check_eligibility`` and ``settle``.

``check_eligibility`` loads the applicants with one Core select, runs the pure rules of
``qzzc.core.rules`` on each, and replaces their verdicts with one bulk delete and one bulk insert,
all in one ``job()``. A clerk's settlement is carried over while the applicant's ``data_hash`` is
the one the settled verdict was made on; once the data change, the settlement is dropped
("unsettled") and the result says so. Working days come from the official calendar, with the
years of an override file (``--calendar``) on top.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import json
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, replace
from functools import cache
from itertools import repeat, starmap
from pathlib import Path
from typing import Any

from sqlalchemy import Boolean, Connection, Date, Text, cast, delete, func, select, text

import qzzc.core
from qzzc.audit.digests import group_digests
from qzzc.core.audit import SHORT
from qzzc.core.eligibility import VERDICT_ZH, VERDICTS, Verdict, evaluate, verdict_digest
from qzzc.core.objections import upheld_reason
from qzzc.core.people import find_person, looks_like_id
from qzzc.core.plan import specialty_owners
from qzzc.core.privacy import mask_id
from qzzc.core.rules import ApplicantFacts, Note, RuleContext
from qzzc.errors import CalendarUnknown, NotFound, QzzcError, UsageError
from qzzc.services.base import Context, describe_inputs, job, read_calendar
from qzzc.sheets.writer import list_workbook
from qzzc.store import queries
from qzzc.store.models import Applicant, AuditEntry, VerdictRecord
from qzzc.store.queries import committee as load_committee
from qzzc.store.queries import committees as load_committees
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
    written: int = 0  # verdict rows written: those made now (the others held)

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
        # Applicants mostly share their notes' tuple (``_records``): count each tuple once.
        shared: Counter[int] = Counter()
        tuples: dict[int, tuple[dict[str, Any], ...]] = {}
        for applicant in self.applicants:
            notes = applicant.notes
            if notes:
                shared[id(notes)] += 1
                tuples[id(notes)] = notes
        counts: Counter[str] = Counter()
        for key, times in shared.items():
            for message in {note["message"] for note in tuples[key]}:
                counts[message] += times
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

    An applicant whose stored verdict was made on the same data (``data_hash``) under the same
    plan, rules and calendar (those the audit entry of the check that made it recorded) keeps that
    verdict without being checked again; only the verdicts made now are written (``_kept``).

    Returns the outcome, applicants in order of committee and ID number. Raises
    ``UnknownCommittee``, ``CalendarUnknown`` (naming the year, how to add it, and who has such a
    date), ``ConfigError`` for a bad calendar file; nothing is written then.
    """
    if export is not None and export.suffix.lower() != ".xlsx":
        raise UsageError(f"导出文件应以 .xlsx 结尾：{export}")
    days, inputs = read_calendar(calendar)
    options = {"committee": committee, "calendar": calendar.name if calendar else None}
    with _no_gc(), job(ctx, "check", options, inputs, writes=["verdicts"]) as current:
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
        rows, kept, stale, facts_list = _load(connection, scope, year, inputs)
        result = CheckResult(year=year, committee=committee)
        if not rows:
            current.discard()
            return result
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
        records = _records(result, rows, kept, iter(outcomes), current.at)
        result.timings["prepare"] = time.perf_counter() - clock
        _apply_objections(session, result)  # an objection upheld at the 评前公示 wins (SPEC §11)
        clock = time.perf_counter()
        _write_verdicts(connection, scope, rows, stale, records)
        if not records:
            current.leave("verdicts")  # every verdict kept: the entry reuses their digest
        result.timings["write"] = time.perf_counter() - clock
        result.written = len(records)
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
            "engine": rules_engine(),
        }
        if export is not None:
            current.stage(export, verdicts_workbook(result))  # put in place after the commit
    return result


def _load(connection: Connection, scope: list[Any], year: int, inputs: dict[str, bytes]) -> tuple[Any, ...]:
    """The applicants of ``scope`` with their stored verdicts (``rows``), whether each verdict is
    kept (``kept``, ``_kept``), the rows to check again (``stale``) and their facts."""
    ids = select(Applicant.id).where(*scope)
    checked = select(VerdictRecord.id).where(VerdictRecord.applicant_id.in_(ids)).limit(1)
    if connection.execute(checked).first() is None:  # never checked: everyone, one select
        rows, facts_list = _everyone(connection, scope)
        return rows, [False] * len(rows), rows, facts_list
    rows = _raw(
        connection,
        select(*LISTED_COLUMNS, *STORED_COLUMNS)
        .select_from(Applicant)
        .join(VerdictRecord, VerdictRecord.applicant_id == Applicant.id, isouter=True)
        .where(*scope)
        .order_by(Applicant.committee_seq, Applicant.id_number),
    )
    kept = _kept(connection, rows, year, _rules_key(connection, year, inputs))
    stale = [row for row, keep in zip(rows, kept, strict=True) if not keep]
    return rows, kept, stale, _facts(connection, stale, scope, everyone=len(stale) == len(rows))


def _write_verdicts(
    connection: Connection, scope: list[Any], rows: list[Any], stale: list[Any], records: list[Any]
) -> None:
    """Replaces the verdicts made again (all of ``scope``'s when every one was) with ``records``."""
    if len(stale) == len(rows):
        ids = select(Applicant.id).where(*scope)
        connection.execute(delete(VerdictRecord).where(VerdictRecord.applicant_id.in_(ids)))
    else:
        replaced = [row[0] for row in stale if row[_V_HASH] is not None]
        for start in range(0, len(replaced), CHUNK):
            chunk = replaced[start : start + CHUNK]
            connection.execute(delete(VerdictRecord).where(VerdictRecord.applicant_id.in_(chunk)))
    _insert(connection, records)


# What the lists show of each applicant, then their stored verdict (None without one): one row
# of ``LISTED_COLUMNS + STORED_COLUMNS`` per applicant, as the driver gives it.
LISTED_COLUMNS = (
    Applicant.id,
    Applicant.data_hash,
    Applicant.committee_seq,
    Applicant.id_number,
    Applicant.name,
    Applicant.unit,
    Applicant.title,
    Applicant.specialty,
    Applicant.application_type,
)
STORED_COLUMNS = (
    VerdictRecord.data_hash,
    VerdictRecord.verdict,
    cast(VerdictRecord.reasons, Text),  # the JSON text: parsed once per distinct text
    VerdictRecord.checked_at,
    *(getattr(VerdictRecord, name) for name in SETTLEMENT),
)
_V_HASH = len(LISTED_COLUMNS)
_V_VERDICT, _V_REASONS, _V_AT, _V_SETTLED = _V_HASH + 1, _V_HASH + 2, _V_HASH + 3, _V_HASH + 4
CHUNK = 500  # ids per IN (…) list
VERDICT_COLUMNS = ("applicant_id", "verdict", "reasons", "data_hash", "checked_at", *SETTLEMENT)


def _raw(connection: Connection, statement: Any) -> list[Any]:
    """The rows of ``statement`` as the driver gives them (SQLite: dates as ISO text, booleans as
    0/1), without SQLAlchemy's per-value processing. Its parameters are integers only."""
    compiled = statement.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True})
    return connection.exec_driver_sql(str(compiled)).all()


def _rules_key(connection: Connection, year: int, inputs: dict[str, bytes]) -> tuple[Any, ...]:
    """What a verdict depends on besides the applicant's data: the year's plan and rules (their
    short digests, as audit entries record them) and the calendar file given (its SHA-256)."""
    digests = group_digests(connection, ["committees", "rules"])
    return (
        digests["committees"].get(str(year), "")[:SHORT],
        digests["rules"].get(str(year), "")[:SHORT],
        sorted(item["sha256"] for item in describe_inputs(inputs)),
        rules_engine(),
    )


@cache
def rules_engine() -> str:
    """A digest of the rules' code (every module of ``qzzc.core``), recorded by each check: a
    verdict made by another release of qzzc is made again, as a changed rule may judge it otherwise."""
    root = Path(qzzc.core.__file__).parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _entry_key(entry: Any, year: int) -> tuple[Any, ...] | None:
    """``_rules_key`` as the audit entry of an earlier check recorded it, or None."""
    state, inputs, summary = entry.state, entry.inputs, entry.summary
    if (
        not isinstance(state, dict)
        or not isinstance(state.get("groups"), dict)
        or not isinstance(summary, dict)
    ):
        return None
    groups = state["groups"]
    try:
        return (
            (groups.get("committees") or {}).get(str(year), ""),
            (groups.get("rules") or {}).get(str(year), ""),
            sorted(str(item["sha256"]) for item in inputs or ()),
            summary.get("engine"),
        )
    except (AttributeError, KeyError, TypeError):
        return None


def _kept(connection: Connection, rows: list[Any], year: int, key: tuple[Any, ...]) -> list[bool]:
    """For each row, whether its stored verdict still holds: made on the applicant's current data
    by a check (found by its time in the audit chain) whose plan, rules and calendar were the
    ones in force now, with no ``audit accept`` since. A verdict no such entry vouches for is
    made again (so are all of a second that two such checks with different inputs share)."""
    times = {row[_V_AT] for row in rows if row[_V_HASH] is not None and row[_V_HASH] == row[1]}
    if not times:
        return [False] * len(rows)
    # A change of the records accepted since (``audit accept``) may have been to a verdict: such
    # verdicts are made again, as a check always did.
    accepted = connection.execute(
        select(func.max(AuditEntry.seq)).where(AuditEntry.command == "audit accept")
    ).scalar()
    found: dict[str, bool] = {}
    listed = sorted(times)
    for start in range(0, len(listed), CHUNK):
        entries = connection.execute(
            select(
                AuditEntry.seq, AuditEntry.at, AuditEntry.state, AuditEntry.inputs, AuditEntry.summary
            ).where(AuditEntry.command == "check", AuditEntry.at.in_(listed[start : start + CHUNK]))
        )
        for entry in entries:
            holds = _entry_key(entry, year) == key and (accepted is None or entry.seq > accepted)
            found[entry.at] = found.get(entry.at, True) and holds
    return [
        row[_V_HASH] is not None and row[_V_HASH] == row[1] and found.get(row[_V_AT], False) for row in rows
    ]


def _facts(connection: Connection, rows: list[Any], scope: list[Any], everyone: bool) -> list[ApplicantFacts]:
    """The facts of the applicants of ``rows`` (in their order): of everyone in ``scope`` with one
    select, else by their ids."""
    if not rows:
        return []
    statement = select(Applicant.id, *FACT_COLUMNS)
    if everyone:
        fetched = _raw(
            connection, statement.where(*scope).order_by(Applicant.committee_seq, Applicant.id_number)
        )
    else:
        ids = [row[0] for row in rows]
        by_id = {}
        for start in range(0, len(ids), CHUNK):
            for found in _raw(connection, statement.where(Applicant.id.in_(ids[start : start + CHUNK]))):
                by_id[found[0]] = found
        fetched = [by_id[identifier] for identifier in ids]
    return _facts_of(list(zip(*fetched, strict=True))[1:])


def _everyone(connection: Connection, scope: list[Any]) -> tuple[list[tuple[Any, ...]], list[ApplicantFacts]]:
    """The rows (as the verdict join gives them, with no verdict) and facts of everyone in
    ``scope``, with one select: for a first check."""
    fetched = _raw(
        connection,
        select(Applicant.id, Applicant.data_hash, *FACT_COLUMNS)
        .where(*scope)
        .order_by(Applicant.committee_seq, Applicant.id_number),
    )
    if not fetched:
        return [], []
    columns = list(zip(*fetched, strict=True))
    facts = columns[2:]
    listed = [columns[0], columns[1], *(facts[_FACT_INDEX[column.key]] for column in LISTED_COLUMNS[2:])]
    rows = list(zip(*listed, *[repeat(None)] * len(STORED_COLUMNS), strict=False))  # no verdict
    return rows, _facts_of(facts)


_FACT_INDEX = {column.key: index for index, column in enumerate(FACT_COLUMNS)}


def _facts_of(columns: list[Any]) -> list[ApplicantFacts]:
    """``ApplicantFacts`` from the columns of ``FACT_COLUMNS`` as the driver gave them."""
    for index, kind in _CONVERTED:
        columns[index] = _convert_column(columns[index], kind)
    return list(starmap(ApplicantFacts, zip(*columns, strict=True)))


_CONVERTED = [
    (index, "date" if isinstance(column.type, Date) else "bool")
    for index, column in enumerate(FACT_COLUMNS)
    if isinstance(column.type, Date | Boolean)
]
_BOOLEANS = {None: None, 0: False, 1: True}


def _convert_column(values: tuple[Any, ...], kind: str) -> list[Any]:
    """A column of dates (ISO text on SQLite) or booleans (0/1 on SQLite) as Python values, each
    distinct value converted once."""
    if kind == "bool":
        return list(map(_BOOLEANS.__getitem__, values))
    dates = {value: _date(value) for value in set(values)}
    return list(map(dates.__getitem__, values))


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


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


def _records(result: CheckResult, rows, kept, outcomes, at: str) -> list[tuple[Any, ...]]:
    """The verdict rows to write (``VERDICT_COLUMNS``) for the applicants not ``kept``, whose
    verdicts come from ``outcomes`` in turn, keeping settlements whose data are unchanged; fills
    ``result`` with every applicant of ``rows``."""
    records = []
    # Notes are shared by every applicant of a committee: turn each set into its dicts once.
    note_forms: dict[tuple[Note, ...], tuple[tuple[dict[str, Any], ...], list[dict[str, Any]]]] = {}
    stored_forms: dict[str, tuple[tuple[dict[str, Any], ...], tuple[dict[str, Any], ...]]] = {}
    notes_only: dict[tuple[Note, ...], tuple[tuple[dict[str, Any], ...], str]] = {}
    dumps = json.dumps
    append, checked = records.append, result.applicants.append
    for row, keep in zip(rows, kept, strict=True):
        applicant_id, data_hash = row[0], row[1]
        had = row[_V_HASH] is not None
        was_settled = had and bool(row[_V_SETTLED])
        settled = was_settled and row[_V_HASH] == data_hash
        if keep:
            computed = row[_V_VERDICT]
            text_form = row[_V_REASONS]
            forms = stored_forms.get(text_form)
            if forms is None:
                forms = stored_forms[text_form] = _stored_reasons(text_form)
            reasons, notes = forms
        else:
            verdict = next(outcomes)
            computed = verdict.verdict
            if verdict.reasons:
                reasons = tuple(reason.as_dict() for reason in verdict.reasons)
                notes, stored = _note_forms(verdict.notes, note_forms)
                text_form = dumps([*reasons, *stored])
            else:  # only notes, shared by the committee's applicants: their text made once
                reasons = ()
                known = notes_only.get(verdict.notes)
                if known is None:
                    notes, stored = _note_forms(verdict.notes, note_forms)
                    known = notes_only[verdict.notes] = (notes, dumps(stored))
                notes, text_form = known
            settlement = (True, *row[_V_SETTLED + 1 :]) if settled else (False, None, None, None, None)
            append((applicant_id, computed, text_form, data_hash, at, *settlement))
        checked(
            CheckedApplicant(
                id_number=row[3],
                name=row[4],
                committee=row[2],
                unit=row[5],
                title=row[6],
                specialty=row[7],
                application_type=row[8],
                verdict=row[_V_SETTLED + 1] if settled else computed,
                computed_verdict=computed,
                reasons=reasons,
                notes=notes,
                settled=settled,
                settled_reason=row[_V_SETTLED + 2] if settled else None,
                unsettled=was_settled and not settled,
            )
        )
    return records


def _note_forms(
    notes: tuple[Note, ...],
    made: dict[tuple[Note, ...], tuple[tuple[dict[str, Any], ...], list[dict[str, Any]]]],
) -> tuple[tuple[dict[str, Any], ...], list[dict[str, Any]]]:
    """The notes as the result lists them and as the verdict row stores them (``"note": true``),
    made once for each set of notes (``made``): applicants with the same notes share them."""
    forms = made.get(notes)
    if forms is None:
        plain = tuple(note.as_dict() for note in notes)
        forms = made[notes] = (plain, [{**item, "note": True} for item in plain])
    return forms


def _stored_reasons(text_form: str) -> tuple[tuple[dict[str, Any], ...], tuple[dict[str, Any], ...]]:
    """A stored verdict's reasons and notes (``_records`` stores the notes after the reasons,
    each with ``"note": true``), as the check that made it gave them."""
    items = json.loads(text_form)
    reasons = tuple(item for item in items if not item.get("note"))
    notes = tuple({k: v for k, v in item.items() if k != "note"} for item in items if item.get("note"))
    return reasons, notes


def _insert(connection: Connection, records: list[tuple[Any, ...]]) -> None:
    """Inserts the verdict rows with the driver's own ``executemany`` (the settled flag as the
    driver stores a boolean)."""
    if not records:
        return
    marker = "?" if connection.dialect.name == "sqlite" else "%s"
    columns = ", ".join(f'"{name}"' for name in VERDICT_COLUMNS)
    markers = ", ".join([marker] * len(VERDICT_COLUMNS))
    connection.exec_driver_sql(f'INSERT INTO "verdicts" ({columns}) VALUES ({markers})', records)


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
    "settle",
    "verdicts_workbook",
]
