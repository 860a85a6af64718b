"""Importing applicants from a unit's spreadsheet (SPEC §4), listing them, writing the blank form.

The import reads and checks every cell first; with any bad cell it writes nothing and returns
every error. Otherwise it writes all rows in one ``job()``: new applicants are inserted, changed
ones updated by (year, committee, ID number), unchanged ones left alone. Rows are validated as
plain dicts and written with bulk Core statements, not one ORM object per row.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import repeat
from operator import itemgetter
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlmodel import Session

from qzzc.core.forms import APPLICANT_FORM, ID_COLUMN, applicant_form
from qzzc.core.ids import IdNumber, age_problem
from qzzc.core.objections import REVOKED
from qzzc.core.plan import Committee, specialty_owners, term_key
from qzzc.core.privacy import mask_id
from qzzc.core.rules import YearRules, place_specialty
from qzzc.errors import CellError, first_errors
from qzzc.services.base import Context, job, now, read_input
from qzzc.sheets.reader import SheetColumns, read_columns
from qzzc.sheets.writer import write_template
from qzzc.store import queries
from qzzc.store.db import insert_columns
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

    The sheet is handled as columns from the reader to the INSERT: each column's distinct values
    are parsed and checked once, messages are made only for the bad cells, and the columns are
    zipped straight into the driver's rows.
    """
    with ctx.store.reading() as session:
        year = ctx.store.current_year(session)
        committee = queries.committee(session, year, committee_seq)
        others = queries.committees(session, year)
        rules = queries.ruleset(session, year)
    data = read_input(path)
    with _no_gc():
        form = applicant_form(rules.regions, rules.outside, rules.education_order)
        parsed = read_columns(data, path.name, form, sheet, progress=progress)
        result = ImportResult(
            committee_seq, parsed.sheet, len(parsed.numbers), ignored_columns=parsed.ignored, dry_run=dry_run
        )
        result.errors, result.errors_total = first_errors(
            sorted(
                parsed.errors + _check_columns(parsed, committee, others, rules, year),
                key=lambda error: (error.row, FIELD_ORDER.get(error.column, 99)),
            ),
            parsed.errors_total - len(parsed.errors),
        )
        if result.errors:
            return result
        batch = _Batch.of(parsed, year, committee_seq, path.name)
        del parsed
        if dry_run:
            with ctx.store.reading() as session:
                _count(result, _existing(session, year, committee_seq), batch)
            return result
        options = {"file": path.name, "committee": committee_seq, "sheet": result.sheet}
        with job(ctx, "import", options, {path.name: data}, writes=["applicants", "verdicts"]) as current:
            existing = _existing(current.session, year, committee_seq)
            added, changed = _count(result, existing, batch)
            _write(current.session, batch, added, changed, existing)
            result.stale_settlements = _stale_settlements(
                current.session, [existing[batch.id_numbers[index]][0] for index in changed]
            )
            current.summary = {
                "committee": committee_seq,
                "rows": len(batch.id_numbers),
                "added": result.added,
                "updated": result.updated,
                "unchanged": result.unchanged,
            }
            del batch, existing  # before the job hashes the table: its rows' texts take as much again
    return result


@contextmanager
def _no_gc() -> Iterator[None]:
    """Pauses the cyclic garbage collector for the import: it makes a few objects per cell and
    frees almost none until the end, so the collector would rescan the growing sheet again and
    again for nothing (about a quarter of the import's time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


FIELD_ORDER = {column.header: index for index, column in enumerate(APPLICANT_FORM)}


def _check_columns(
    parsed: SheetColumns,
    committee: Committee,
    others: list[Committee],
    rules: YearRules,
    year: int,
) -> list[CellError]:
    """Checks beyond single cells: the committee's specialties (``place_specialty``) and titles,
    the order of the publicity dates, an ID number's age against the year, and one row per ID
    number. Each check runs once per distinct value (or pair of values) of its columns; the rows
    are gone through only for the values that fail. Puts the plan's spelling of each specialty
    and title in ``parsed.values``."""
    values, numbers, sheet, headers = parsed.values, parsed.numbers, parsed.sheet, parsed.headers
    errors: list[CellError] = []

    def refuse(key: str, refused: dict[Any, str]) -> None:
        header = headers[key]
        for number, value in zip(numbers, values[key], strict=True):
            if value in refused:
                errors.append(CellError(sheet, number, header, value, refused[value]))

    owners = specialty_owners(others)
    listing = "、".join(committee.specialties[:8]) + ("等" if len(committee.specialties) > 8 else "")
    names = {other.seq: other.name for other in others}
    spelled: dict[Any, Any] = {}
    refused: dict[Any, str] = {}
    for specialty in set(values["specialty"]) - {None}:
        place = place_specialty(specialty, committee, owners, rules)
        if place.specialty is not None:
            # The plan's spelling where only brackets or spaces differ; a field with its area as written.
            if term_key(place.specialty) == term_key(specialty):
                spelled[specialty] = place.specialty
        elif place.series is not None:
            refused[specialty] = (
                f"属于{place.series}系列，本评委会只受理{place.committee_series or '本'}系列中暂无评委会的专业"
            )
        elif place.owners and committee.other_specialties:
            other = place.owners[0]
            refused[specialty] = (
                f"该专业由第 {other} 号评委会（{names.get(other, '')}）评审，请向该评委会申报"
            )
        else:
            refused[specialty] = f"不是本评委会的评审专业（本评委会评审：{listing}）"
    if refused:
        refuse("specialty", refused)
    if spelled:
        values["specialty"] = [spelled.get(value, value) for value in values["specialty"]]
    spelled, refused = {}, {}
    for title in set(values["title"]) - {None}:
        if committee.title_of(title) is not None:
            spelled[title] = committee.title_of(title)
        else:
            refused[title] = (
                "本评委会既不评审也不推荐此职称（可申报："
                + "、".join(committee.titles[:8])
                + ("等）" if len(committee.titles) > 8 else "）")
            )
    if refused:
        refuse("title", refused)
    if spelled:
        values["title"] = [spelled.get(value, value) for value in values["title"]]
    starts, ends = values["publicity_start"], values["publicity_end"]
    backwards = {
        (start, end)
        for start, end in set(zip(starts, ends, strict=True))
        if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start
    }
    if backwards:
        header = headers["publicity_end"]
        for number, start, end in zip(numbers, starts, ends, strict=True):
            if (start, end) in backwards:
                message = f"公示结束日期早于开始日期（{start.isoformat()}）"
                errors.append(CellError(sheet, number, header, end.isoformat(), message))
    identities = [identity for identity in values["id_number"] if identity is not None]
    # age_problem looks at the birth date only: once per distinct one.
    born = {identity.birth_date: identity for identity in identities}
    numbers_seen = {identity.number for identity in identities}
    if (
        len(numbers_seen) < len(identities)
        or ID_COLUMN.example in numbers_seen
        or any(age_problem(identity, year) is not None for identity in born.values())
    ):
        errors.extend(_id_errors(parsed, year))
    return errors


def _id_errors(parsed: SheetColumns, year: int) -> list[CellError]:
    """The ID numbers of the template's example row, of impossible ages and repeated, row by row
    (only when there is one)."""
    errors: list[CellError] = []
    header, sheet = parsed.headers["id_number"], parsed.sheet
    seen: dict[str, int] = {}
    for number, identity in zip(parsed.numbers, parsed.values["id_number"], strict=True):
        if not isinstance(identity, IdNumber):
            continue
        problem = age_problem(identity, year)
        if identity.number == ID_COLUMN.example:
            message = "这是空白模板中的示例行，请删除后再导入"
            errors.append(CellError(sheet, number, header, mask_id(identity.number), message))
        elif problem is not None:
            errors.append(CellError(sheet, number, header, mask_id(identity.number), problem))
        elif identity.number in seen:
            message = f"身份证号与第 {seen[identity.number]} 行重复，同一人在一个文件中只能有一行"
            errors.append(CellError(sheet, number, header, mask_id(identity.number), message))
        else:
            seen[identity.number] = number
    return errors


@dataclass
class _Batch:
    """The applicants' columns as they are stored (``columns``: name → values in row order), with
    each row's ID number and data hash at hand."""

    columns: dict[str, list[Any]]
    id_numbers: list[str]
    hashes: list[str]
    year: int
    committee_seq: int
    source: str

    @classmethod
    def of(cls, parsed: SheetColumns, year: int, committee_seq: int, source: str) -> _Batch:
        values = parsed.values
        identities = values["id_number"]
        columns = dict(values)
        columns["id_number"] = id_numbers = [identity.number for identity in identities]
        columns["application_type"] = [kind or "正常申报" for kind in values["application_type"]]
        columns["gender"] = [identity.gender for identity in identities]
        columns["birth_date"] = [identity.birth_date for identity in identities]
        hashes = _column_hashes([columns[name] for name in (*FIELDS, *DERIVED)])
        columns["data_hash"] = hashes
        columns["source_row"] = parsed.numbers
        return cls(columns, id_numbers, hashes, year, committee_seq, source)

    def rows(self, indexes: list[int] | None, at: str) -> dict[str, Any]:
        """The columns to insert, of all rows or those at ``indexes``."""
        if indexes is None:
            chosen: dict[str, Any] = dict(self.columns)
        else:
            chosen = {name: [values[index] for index in indexes] for name, values in self.columns.items()}
        constant = {
            "year": self.year,
            "committee_seq": self.committee_seq,
            "source_file": self.source,
            "imported_at": at,
        }
        return {**chosen, **{name: repeat(value) for name, value in constant.items()}}


_HASHED = itemgetter(*FIELDS, *DERIVED)


def data_hash(values: dict[str, Any]) -> str:
    """A digest of an applicant's imported data: equal exactly when every field is equal.

    ``repr`` of the tuple of str, int, float, bool, date and None values is exact and stable."""
    return _tuple_hash(_HASHED(values))


def _tuple_hash(values: tuple[Any, ...]) -> str:
    """``data_hash`` of the values of ``FIELDS`` and ``DERIVED``, in that order."""
    return hashlib.blake2b(repr(values).encode(), digest_size=32).hexdigest()


_SAME_REPR = {str, int, bool, dt.date}


def _column_hashes(columns: list[list[Any]]) -> list[str]:
    """``data_hash`` of each row of ``columns`` (those of ``FIELDS`` and ``DERIVED``, in order),
    with ``repr`` taken once per distinct value of a column: a tuple's ``repr`` is its items'
    joined by ``", "`` in parentheses, so each row's text is one C ``join`` of its items' texts."""
    texts = []
    for values in columns:
        distinct = set(values)
        # Equal values of one of these types have one repr (not so 1 and True, 0.0 and -0.0).
        kinds = set(map(type, distinct)) - {type(None)}
        if len(distinct) * 4 < len(values) and len(kinds) <= 1 and kinds <= _SAME_REPR:
            known = {value: repr(value) for value in distinct}
            texts.append(map(known.__getitem__, values))
        else:
            texts.append(map(repr, values))
    blake2b = hashlib.blake2b
    return [
        blake2b(f"({text})".encode(), digest_size=32).hexdigest()
        for text in map(", ".join, zip(*texts, strict=True))
    ]


def _existing(session: Session, year: int, committee_seq: int) -> dict[str, tuple[int, str]]:
    rows = session.execute(
        select(Applicant.id_number, Applicant.id, Applicant.data_hash).where(
            Applicant.year == year, Applicant.committee_seq == committee_seq
        )
    )
    return {number: (identifier, digest) for number, identifier, digest in rows}


def _count(
    result: ImportResult, existing: dict[str, tuple[int, str]], batch: _Batch
) -> tuple[list[int] | None, list[int]]:
    """Fills in the counts; returns the indexes of the rows to add (None: all of them) and of those
    changed."""
    if not existing:
        result.added, result.updated, result.unchanged = len(batch.id_numbers), 0, 0
        return None, []
    added = [index for index, number in enumerate(batch.id_numbers) if number not in existing]
    changed = [
        index
        for index, (number, digest) in enumerate(zip(batch.id_numbers, batch.hashes, strict=True))
        if number in existing and existing[number][1] != digest
    ]
    result.added, result.updated = len(added), len(changed)
    result.unchanged = len(batch.id_numbers) - len(added) - len(changed)
    return added, changed


def _write(
    session: Session,
    batch: _Batch,
    added: list[int] | None,
    changed: list[int],
    existing: dict[str, tuple[int, str]],
) -> None:
    at = now()
    table = Applicant.__table__
    if added is None or added:
        insert_columns(session.connection(), table, batch.rows(added, at))
    if changed:
        columns = [*FIELDS, *DERIVED, "data_hash", "source_file", "source_row"]
        statement = (
            update(table)
            .where(table.c.id == bindparam("_id"))
            .values({name: bindparam(name) for name in [*columns, "imported_at"]})
        )
        chosen = batch.rows(changed, at)
        names = [*columns, "imported_at"]
        cells = zip(*(chosen[name] for name in names), strict=False)
        identifiers = (existing[number][0] for number in chosen["id_number"])
        session.execute(
            statement,
            [
                {"_id": identifier, **dict(zip(names, row, strict=True))}
                for identifier, row in zip(identifiers, cells, strict=False)
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
    field, ``committee``, ``verdict`` (the verdict in force, or None before ``qzzc check``;
    ``ineligible`` after an objection upheld at the 评前公示) and ``result`` (the vote's result,
    撤销 when an upheld objection revoked it, or None before a tally)."""
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
        results |= dict.fromkeys(queries.revoked_in_year(session, year), REVOKED)
        upheld = queries.upheld_pre_review(session, year=year)
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
                "verdict": "ineligible"
                if applicant.id in upheld
                else (queries.verdict_in_force(record) if current else None),
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

    write_template(path, APPLICANT_FORM, "申报人员")
