"""Importing applicants from a unit's spreadsheet (SPEC §4), listing them, writing the blank form.

The import reads and checks every cell first; with any bad cell it writes nothing and returns
every error. Otherwise it writes all rows in one ``job()``: new applicants are inserted, changed
ones updated by (year, committee, ID number), unchanged ones left alone. Rows are validated as
plain dicts and written with bulk Core statements, not one ORM object per row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlmodel import Session

from qzzc.core.forms import APPLICANT_FORM, ID_COLUMN, applicant_form
from qzzc.core.ids import IdNumber, age_problem
from qzzc.core.plan import Committee, specialty_owners, term_key
from qzzc.core.privacy import mask_id
from qzzc.core.rules import YearRules, place_specialty
from qzzc.errors import CellError, first_errors
from qzzc.services.base import Context, job, now, read_input
from qzzc.sheets.reader import ParsedRow, read_sheet
from qzzc.store import queries
from qzzc.store.db import bulk_insert
from qzzc.store.models import Applicant, VerdictRecord

# The imported fields, in the form's order; `id_number` carries the parsed IdNumber until stored.
FIELDS = tuple(column.key for column in APPLICANT_FORM)
DERIVED = ("gender", "birth_date")


@dataclass
class ImportResult:
    committee: int
    sheet: str
    rows: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[CellError] = field(default_factory=list)  # the first MAX_LISTED_ERRORS
    ignored_columns: list[str] = field(default_factory=list)
    stale_settlements: int = 0
    errors_total: int = 0  # every error, listed or not
    dry_run: bool = False

    def as_dict(self) -> dict[str, Any]:
        """SPEC §4's JSON object (with the ignored columns as an extra key)."""
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": [error.as_dict() for error in self.errors],
            "errors_total": self.errors_total,
            "ignored_columns": self.ignored_columns,
        }


def import_applicants(
    ctx: Context,
    path: Path,
    committee_seq: int,
    sheet: str | None = None,
    *,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Reads ``path`` and, when every cell is good and it is not a dry run, writes its applicants
    to committee ``committee_seq`` of the store's year.

    Returns the counts and every error (with errors, nothing is written). Raises ``QzzcError`` for
    a file that cannot be read at all, an unknown committee, an uninitialised store.
    """
    with ctx.store.reading() as session:
        year = ctx.store.current_year(session)
        committee = queries.committee(session, year, committee_seq)
        others = queries.committees(session, year)
        rules = queries.ruleset(session, year)
    data = read_input(path)
    form = applicant_form(rules.regions, rules.outside, rules.education_order)
    parsed = read_sheet(data, path.name, form, sheet, progress=progress)
    result = ImportResult(
        committee_seq, parsed.sheet, len(parsed.rows), ignored_columns=parsed.ignored, dry_run=dry_run
    )
    result.errors, result.errors_total = first_errors(
        sorted(
            parsed.errors
            + _check_rows(parsed.rows, parsed.sheet, parsed.headers, committee, others, rules, year),
            key=lambda error: (error.row, FIELD_ORDER.get(error.column, 99)),
        ),
        parsed.errors_total - len(parsed.errors),
    )
    if result.errors:
        return result
    records = [_record(row, year, committee_seq, path.name) for row in parsed.rows]
    if dry_run:
        with ctx.store.reading() as session:
            _count(result, _existing(session, year, committee_seq), records)
        return result
    options = {"file": path.name, "committee": committee_seq, "sheet": parsed.sheet}
    with job(ctx, "import", options, {path.name: data}, writes=["applicants", "verdicts"]) as current:
        existing = _existing(current.session, year, committee_seq)
        added, changed = _count(result, existing, records)
        _write(current.session, added, changed, existing)
        result.stale_settlements = _stale_settlements(
            current.session, [existing[r["id_number"]][0] for r in changed]
        )
        current.summary = {
            "committee": committee_seq,
            "rows": len(records),
            "added": result.added,
            "updated": result.updated,
            "unchanged": result.unchanged,
        }
    return result


FIELD_ORDER = {column.header: index for index, column in enumerate(APPLICANT_FORM)}


def _check_rows(
    rows: list[ParsedRow],
    sheet: str,
    headers: dict[str, str],
    committee: Committee,
    others: list[Committee],
    rules: YearRules,
    year: int,
) -> list[CellError]:
    """Row checks beyond single cells: the committee's specialties (``place_specialty``) and titles,
    the order of the publicity dates, an ID number's age against the year, and one row per ID
    number."""
    errors: list[CellError] = []
    owners = specialty_owners(others)
    listing = "、".join(committee.specialties[:8]) + ("等" if len(committee.specialties) > 8 else "")
    names = {other.seq: other.name for other in others}
    seen: dict[str, int] = {}
    for row in rows:
        values = row.values
        specialty = values.get("specialty")
        if specialty is not None:
            place = place_specialty(specialty, committee, owners, rules)
            message = None
            if place.specialty is not None:
                # The plan's spelling where only brackets or spaces differ; a field with its area as written.
                if term_key(place.specialty) == term_key(specialty):
                    values["specialty"] = place.specialty
            elif place.series is not None:
                message = f"属于{place.series}系列，本评委会只受理{place.committee_series or '本'}系列中暂无评委会的专业"
            elif place.owners and committee.other_specialties:
                other = place.owners[0]
                message = f"该专业由第 {other} 号评委会（{names.get(other, '')}）评审，请向该评委会申报"
            else:
                message = f"不是本评委会的评审专业（本评委会评审：{listing}）"
            if message is not None:
                errors.append(CellError(sheet, row.row, headers["specialty"], specialty, message))
        title = values.get("title")
        if title is not None:
            if committee.title_of(title) is not None:
                values["title"] = committee.title_of(title)
            else:
                message = (
                    "本评委会既不评审也不推荐此职称（可申报："
                    + "、".join(committee.titles[:8])
                    + ("等）" if len(committee.titles) > 8 else "）")
                )
                errors.append(CellError(sheet, row.row, headers["title"], title, message))
        start, end = values.get("publicity_start"), values.get("publicity_end")
        if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
            message = f"公示结束日期早于开始日期（{start.isoformat()}）"
            errors.append(CellError(sheet, row.row, headers["publicity_end"], end.isoformat(), message))
        identity = values.get("id_number")
        if isinstance(identity, IdNumber):
            problem = age_problem(identity, year)
            if identity.number == ID_COLUMN.example:
                message = "这是空白模板中的示例行，请删除后再导入"
                errors.append(
                    CellError(sheet, row.row, headers["id_number"], mask_id(identity.number), message)
                )
            elif problem is not None:
                errors.append(
                    CellError(sheet, row.row, headers["id_number"], mask_id(identity.number), problem)
                )
            elif identity.number in seen:
                message = f"身份证号与第 {seen[identity.number]} 行重复，同一人在一个文件中只能有一行"
                errors.append(
                    CellError(sheet, row.row, headers["id_number"], mask_id(identity.number), message)
                )
            else:
                seen[identity.number] = row.row
    return errors


def _record(row: ParsedRow, year: int, committee_seq: int, source: str) -> dict[str, Any]:
    values = dict(row.values)
    identity: IdNumber = values["id_number"]
    values["id_number"] = identity.number
    values["gender"] = identity.gender
    values["birth_date"] = identity.birth_date
    values["application_type"] = values.get("application_type") or "正常申报"
    values["data_hash"] = data_hash(values)
    values.update(year=year, committee_seq=committee_seq, source_file=source, source_row=row.row)
    return values


_HASHED = itemgetter(*FIELDS, *DERIVED)


def data_hash(values: dict[str, Any]) -> str:
    """A digest of an applicant's imported data: equal exactly when every field is equal.

    ``repr`` of the tuple of str, int, float, bool, date and None values is exact and stable."""
    return hashlib.blake2b(repr(_HASHED(values)).encode(), digest_size=32).hexdigest()


def _existing(session: Session, year: int, committee_seq: int) -> dict[str, tuple[int, str]]:
    rows = session.execute(
        select(Applicant.id_number, Applicant.id, Applicant.data_hash).where(
            Applicant.year == year, Applicant.committee_seq == committee_seq
        )
    )
    return {number: (identifier, digest) for number, identifier, digest in rows}


def _count(
    result: ImportResult, existing: dict[str, tuple[int, str]], records: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    added = [record for record in records if record["id_number"] not in existing]
    changed = [
        record
        for record in records
        if record["id_number"] in existing and existing[record["id_number"]][1] != record["data_hash"]
    ]
    result.added, result.updated = len(added), len(changed)
    result.unchanged = len(records) - len(added) - len(changed)
    return added, changed


def _write(
    session: Session,
    added: list[dict[str, Any]],
    changed: list[dict[str, Any]],
    existing: dict[str, tuple[int, str]],
) -> None:
    at = now()
    table = Applicant.__table__
    if added:
        bulk_insert(session.connection(), table, [{**record, "imported_at": at} for record in added])
    if changed:
        columns = [*FIELDS, *DERIVED, "data_hash", "source_file", "source_row"]
        statement = (
            update(table)
            .where(table.c.id == bindparam("_id"))
            .values({name: bindparam(name) for name in [*columns, "imported_at"]})
        )
        session.execute(
            statement,
            [
                {
                    "_id": existing[record["id_number"]][0],
                    "imported_at": at,
                    **{name: record[name] for name in columns},
                }
                for record in changed
            ],
        )


def _stale_settlements(session: Session, applicant_ids: list[int]) -> int:
    """How many of the changed applicants had a clerk's settlement, which the changed data now
    leave out of force until the next ``qzzc check``."""
    if not applicant_ids:
        return 0
    total = 0
    for start in range(0, len(applicant_ids), 500):
        chunk = applicant_ids[start : start + 500]
        total += session.execute(
            select(func.count()).where(VerdictRecord.applicant_id.in_(chunk), VerdictRecord.settled.is_(True))
        ).scalar_one()
    return total


# -- listing --------------------------------------------------------------------------------


def list_applicants(ctx: Context, committee_seq: int | None = None) -> list[dict[str, Any]]:
    """Returns the year's applicants (of one committee, or all) as dicts with every imported
    field, ``committee``, ``verdict`` (the verdict in force, or None before ``qzzc check``) and
    ``result`` (the vote's result, or None before a tally)."""
    with ctx.store.reading() as session:
        year = ctx.store.current_year(session)
        if committee_seq is not None:
            queries.committee(session, year, committee_seq)
        query = (
            select(Applicant, VerdictRecord)
            .outerjoin(VerdictRecord, VerdictRecord.applicant_id == Applicant.id)
            .where(Applicant.year == year)
            .order_by(Applicant.committee_seq, Applicant.source_row, Applicant.id)
        )
        if committee_seq is not None:
            query = query.where(Applicant.committee_seq == committee_seq)
        results = queries.results_of_year(session, year)
        listed = []
        for applicant, record in session.execute(query):
            current = record is not None and record.data_hash == applicant.data_hash
            item = {
                "id_number": applicant.id_number,
                "name": applicant.name,
                "unit": applicant.unit,
                "committee": applicant.committee_seq,
                "title": applicant.title,
                "specialty": applicant.specialty,
                "verdict": queries.verdict_in_force(record) if current else None,
                "result": results.get(applicant.id),
            }
            for key in (*FIELDS, *DERIVED):
                item.setdefault(key, _plain(getattr(applicant, key)))
            listed.append(item)
        return listed


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def write_applicant_template(path: Path) -> None:
    """Writes the blank applicant form (SPEC §4) to ``path``."""
    from qzzc.sheets.writer import write_template

    write_template(path, APPLICANT_FORM, "申报人员")
