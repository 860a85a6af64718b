"""The import as it was before it went column-wise (per-cell parse, row dicts, row checks), kept as
the reference the differential test (tests/services/test_import_differential.py) compares the
column-wise import with, cell by cell. Copied unchanged from qzzc/sheets/reader.py and
qzzc/services/applicants.py; only the imports differ."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any

from qzzc.core.cells import CellInvalid, is_blank, parse_text
from qzzc.core.forms import ID_COLUMN, Column
from qzzc.core.ids import IdNumber, age_problem
from qzzc.core.plan import Committee, specialty_owners, term_key
from qzzc.core.privacy import mask_id
from qzzc.core.rules import YearRules, place_specialty
from qzzc.errors import MAX_LISTED_ERRORS, CellError
from qzzc.services.applicants import DERIVED, FIELDS
from qzzc.sheets.reader import (
    _BLANK,
    Grid,
    ParsedRow,
    SheetError,
    SheetRows,
    _find_header,
    _hidden_cells,
    _place,
    _Refused,
    _shown,
    visible,
)


def parse_grid(
    grid: Grid,
    columns: Sequence[Column],
    *,
    progress: Callable[[int, int], None] | None = None,
    choose_sheet: bool = True,
) -> SheetRows:
    """Returns the parsed rows of a grid whose header row is found among its first rows; of the
    bad cells, the first ``MAX_LISTED_ERRORS`` (by row, then column) and their count.

    Works column by column, and parses each distinct value of a column once: units, choices,
    dates and hours repeat down a sheet, so a 100,000-row file costs far fewer parser calls.
    """
    rows, sheet = grid.rows, visible(grid.sheet)
    if not any(not is_blank(cell) for row in rows for cell in row):
        raise SheetError(f"{_place(grid)}是空的")
    header_index, mapping, ignored = _find_header(grid, columns, choose_sheet)
    result = SheetRows(
        sheet=sheet,
        headers={
            column.key: visible(parse_text(rows[header_index][position]))
            for position, column in mapping.items()
        },
        ignored=ignored,
    )
    first = header_index + 2  # the Excel row number of the first data row
    body = [
        (first + offset, row)
        for offset, row in enumerate(rows[header_index + 1 :])
        if not all(is_blank(cell) for cell in row)
    ]
    numbers = [number for number, _ in body]
    width = max(mapping, default=-1) + 1
    # One transposition in C instead of a Python loop per column; short (CSV) rows are padded.
    cells = [row if len(row) >= width else [*row, *[None] * (width - len(row))] for _, row in body]
    transposed = list(zip(*cells, strict=False)) if cells else [()] * width
    errors: list[tuple[int, int, CellError]] = []
    total = 0
    parsed_columns: list[list[Any]] = []
    keys: list[str] = []
    for done, (position, column) in enumerate(mapping.items()):
        if progress is not None:
            progress(done, len(mapping))
        values, bad = _parse_column(
            transposed[position], numbers, column, sheet, result.headers[column.key], done, errors
        )
        parsed_columns.append(values)
        total += bad
        keys.append(column.key)
    # Columns the sheet lacks are None; every row dict has every key, in the form's order.
    absent = tuple(column.key for column in columns if column.key not in result.headers)
    names, blanks = (*absent, *keys), (None,) * len(absent)
    result.rows = [
        ParsedRow(number, dict(zip(names, (*blanks, *values), strict=True)))
        for number, values in zip(
            numbers, zip(*parsed_columns, strict=True) if keys else [()] * len(numbers), strict=True
        )
    ]
    errors.sort(key=lambda item: (item[0], item[1]))
    result.errors = [error for _, _, error in errors[:MAX_LISTED_ERRORS]]
    result.errors_total = total
    if progress is not None:
        progress(len(mapping), len(mapping))
    return result


def _parse_column(
    raws: Sequence[Any],
    numbers: list[int],
    column: Column,
    sheet: str,
    header: str,
    order: int,
    errors: list[tuple[int, int, CellError]],
) -> tuple[list[Any], int]:
    """Parses one column: each distinct raw value once, then a lookup per cell. Returns the
    values and the number of bad cells; appends the first ``MAX_LISTED_ERRORS`` of them to ``errors``."""
    parse = column.parse or parse_text
    # True and 1 (and 1.0) are equal keys in a dict, so boolean cells, where there are any, get
    # keys of their own.
    keys = raws
    if bool in set(map(type, raws)):
        keys = [(bool, raw) if raw.__class__ is bool else raw for raw in raws]
    distinct = set(keys)
    outcome: dict[Any, Any] = _hidden_cells(distinct)
    faulty = bool(outcome)
    for key in distinct:
        if key in outcome:
            continue
        raw = key[1] if key.__class__ is tuple else key
        if raw is None or (raw.__class__ is str and not raw.strip()):
            value: Any = _BLANK if column.required else None
        else:
            try:
                value = parse(raw)
            except CellInvalid as error:
                value = _Refused(error.message)
        outcome[key] = value
        faulty = faulty or value is _BLANK or value.__class__ is _Refused
    parsed = list(map(outcome.__getitem__, keys))
    bad = 0
    if faulty:
        for index, value in enumerate(parsed):
            if value is _BLANK:
                parsed[index] = None
                bad += 1
                if bad <= MAX_LISTED_ERRORS:
                    error = CellError(sheet, numbers[index], header, "", "必填项为空")
                    errors.append((numbers[index], order, error))
            elif value.__class__ is _Refused:
                parsed[index] = None
                bad += 1
                if bad <= MAX_LISTED_ERRORS:
                    shown = _shown(raws[index], column)
                    error = CellError(sheet, numbers[index], header, shown, value.message)
                    errors.append((numbers[index], order, error))
    return parsed, bad


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
