"""Initialising a store with the year's plan and rules; reading the committees back."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from qzzc.core.audit import file_digest
from qzzc.core.plan import Committee, parse_plan
from qzzc.core.rules import check_against_plan
from qzzc.core.ruleset import parse_rules
from qzzc.errors import ConfigError, StoreError
from qzzc.resources import data_file
from qzzc.services.base import Context, job, read_input
from qzzc.sheets.reader import decode_csv, hidden_character, visible
from qzzc.store import queries
from qzzc.store.models import CommitteeRecord, RuleSetRecord

DEFAULT_PLAN = "plan2021.csv"
DEFAULT_RULES = "rules2021.toml"


@dataclass(frozen=True)
class InitResult:
    year: int
    created: bool
    committees_added: int
    committees_changed: int
    rules_changed: bool

    @property
    def changed(self) -> bool:
        return self.created or bool(self.committees_added or self.committees_changed or self.rules_changed)


def read_plan(data: bytes, source: str) -> list[Committee]:
    """Returns the committees of a plan CSV's bytes (UTF-8, with or without BOM, or GB18030)."""

    # newline="": a lone CR ends a row, as Excel reads it, instead of breaking the csv module.
    reader = csv.DictReader(io.StringIO(decode_csv(data, source), newline=""))
    try:
        rows = list(reader)
    except csv.Error:
        raise ConfigError(
            f"{source} 第 {reader.line_num + 1} 行无法按 CSV 读取（引号不成对，或单元格过长）"
        ) from None
    for number, row in enumerate(rows, start=2):
        for column, value in row.items():
            if isinstance(value, str) and (reason := hidden_character(value)):
                raise ConfigError(f"{source} 第 {number} 行「{visible(column or '')}」{reason}")
    return parse_plan(reader.fieldnames or [], rows, source=source)


def init_store(ctx: Context, plan: Path | None = None, rules: Path | None = None) -> InitResult:
    """Creates the schema and loads the plan and rules; running it again with the same files
    changes nothing (and writes no audit entry).

    Returns what changed. Raises ``ConfigError`` for a bad plan or rules file, ``StoreTooNew``
    for a store of a newer qzzc.
    """
    plan_path = plan or data_file(DEFAULT_PLAN)
    rules_path = rules or data_file(DEFAULT_RULES)
    plan_bytes = read_input(plan_path)
    rules_bytes = read_input(rules_path)
    committees = read_plan(plan_bytes, plan_path.name)
    try:
        rules_text = rules_bytes.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError(f"{rules_path.name} 不是 UTF-8 编码的文本文件") from None
    ruleset = parse_rules(rules_text, rules_path.name)
    check_against_plan(ruleset, ruleset.data, committees, rules_path.name)
    year = ruleset.year
    options = {"plan": str(plan_path.name), "rules": str(rules_path.name), "year": year}
    inputs = {plan_path.name: plan_bytes, rules_path.name: rules_bytes}
    try:
        return _init(ctx, year, committees, rules_path, rules_text, options, inputs)
    except IntegrityError:
        # Two first inits of one server database at once: the second finds the first's rows.
        raise StoreError("另一处正在同时初始化这个数据库。请稍后重新运行 qzzc init。") from None


def _init(
    ctx: Context,
    year: int,
    committees: list[Committee],
    rules_path: Path,
    rules_text: str,
    options: dict,
    inputs: dict[str, bytes],
) -> InitResult:
    with job(ctx, "init", options, inputs, initialising=True) as current:
        session = current.session
        created = ctx.store.create_schema(session)
        added, changed = _load_committees(session, year, committees)
        rules_changed = _load_rules(session, year, rules_path.name, rules_text)
        if ctx.store.meta(session, "year") != str(year):
            ctx.store.set_meta(session, "year", str(year))
            rules_changed = True
        result = InitResult(year, created, added, changed, rules_changed)
        current.summary = {
            "year": year,
            "committees": len(committees),
            "committees_added": added,
            "committees_changed": changed,
            "rules_sha256": file_digest(rules_text.encode()),
        }
        if not result.changed:
            current.discard()  # a second init with the same files is a no-op, not an event
    return result


def _load_committees(session: Session, year: int, committees: list[Committee]) -> tuple[int, int]:
    existing = {
        record.seq: record
        for record in session.exec(select(CommitteeRecord).where(CommitteeRecord.year == year))
    }
    added = changed = 0
    for committee in committees:
        data = committee.as_dict()
        raw = dict(committee.raw)
        record = existing.get(committee.seq)
        if record is None:
            session.add(
                CommitteeRecord(year=year, seq=committee.seq, name=committee.name, data=data, raw=raw)
            )
            added += 1
        elif record.data != data or record.raw != raw:
            record.name, record.data, record.raw = committee.name, data, raw
            session.add(record)
            changed += 1
    return added, changed


def _load_rules(session: Session, year: int, source: str, text: str) -> bool:
    digest = file_digest(text.encode())
    record = session.get(RuleSetRecord, year)
    if record is not None and record.sha256 == digest:
        return False
    if record is None:
        session.add(RuleSetRecord(year=year, source=source, sha256=digest, text=text))
    else:
        record.source, record.sha256, record.text = source, digest, text
        session.add(record)
    return True


# -- reading -------------------------------------------------------------------------------


def list_committees(ctx: Context) -> list[Committee]:
    with ctx.store.reading() as session:
        return queries.committees(session, ctx.store.current_year(session))


def show_committee(ctx: Context, seq: int) -> Committee:
    with ctx.store.reading() as session:
        return queries.committee(session, ctx.store.current_year(session), seq)
