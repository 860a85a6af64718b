"""Reading a sheet of records as Excel and WPS write them, with every bad cell reported.

``read_sheet`` finds the header row (it may sit under title rows, merged or not), matches the
headers to the expected columns after folding full-width characters and removing spaces, parses
every cell with its column's parser and returns the good rows and every error at once. Files:
``.xlsx``/``.xlsm``/``.xls``/``.ods`` through python-calamine, ``.csv`` in UTF-8 (with or
without BOM) or GB18030, which Excel on Chinese Windows writes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from qzzc.core.cells import CellInvalid, is_blank, parse_text
from qzzc.core.forms import Column
from qzzc.core.text import squeeze
from qzzc.errors import CellError, QzzcError

HEADER_SEARCH_ROWS = 20
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
_SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")


class SheetError(QzzcError):
    """A file that cannot be read as a sheet of records: one clear message, exit 1."""


class ParsedRow(NamedTuple):
    """One data row: a named tuple, as 100,000 of them are made per large file."""

    row: int  # the Excel row number, or the CSV line number
    values: dict[str, Any]


@dataclass
class SheetRows:
    sheet: str
    headers: dict[str, str]  # key → header as the file writes it
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)


def header_key(text: object) -> str:
    """The form a header is matched in: full-width folded, no spaces, no required-marks."""
    return squeeze(parse_text(text)).strip("*＊").replace("(必填)", "").replace("（必填）", "")


def read_sheet(
    data: bytes,
    filename: str,
    columns: Sequence[Column],
    sheet: str | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> SheetRows:
    """Returns the rows of ``data`` parsed by ``columns``, and every bad cell.

    Raises ``SheetError`` when the file is not a readable workbook or CSV, is password-protected,
    has no such sheet, is empty, or has no row holding the required headers.
    """
    sheet_name, grid = load_grid(data, filename, sheet)
    return parse_grid(grid, sheet_name, columns, progress=progress)


def load_grid(data: bytes, filename: str, sheet: str | None = None) -> tuple[str, list[list[Any]]]:
    """Returns (sheet name, rows of raw cell values) of the first or the named sheet."""
    lower = filename.lower()
    if lower.endswith(".csv") or lower.endswith(".txt"):
        if sheet is not None:
            raise SheetError(f"{filename} 是 CSV 文件，没有工作表，不能指定 --sheet")
        return filename, _csv_grid(data, filename)
    if data.startswith(_OLE) and not lower.endswith(".xls"):
        raise SheetError(
            f"{filename} 设有打开密码（已加密），无法读取。请在 Excel 中取消密码后另存为 .xlsx 再导入"
        )
    if not (data.startswith(_ZIP) or data.startswith(_OLE)):
        if lower.endswith(_SPREADSHEET_SUFFIXES):
            raise SheetError(f"{filename} 不是有效的 Excel 工作簿（文件已损坏或并非表格文件）")
        raise SheetError(f"{filename} 不是可读取的表格文件：请提供 .xlsx、.xls 或 .csv 文件")
    return _workbook_grid(data, filename, sheet)


def _workbook_grid(data: bytes, filename: str, sheet: str | None) -> tuple[str, list[list[Any]]]:
    import python_calamine

    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except python_calamine.PasswordError:
        raise SheetError(
            f"{filename} 设有打开密码，无法读取。请在 Excel 中取消密码后另存为 .xlsx 再导入"
        ) from None
    except Exception:  # calamine raises several types for a damaged file
        raise SheetError(f"{filename} 不是有效的 Excel 工作簿（文件已损坏或并非表格文件）") from None
    names = workbook.sheet_names
    if not names:
        raise SheetError(f"{filename} 中没有工作表")
    if sheet is None:
        name = names[0]
    elif sheet in names:
        name = sheet
    else:
        raise SheetError(f"{filename} 中没有名为「{sheet}」的工作表（有：{'、'.join(names)}）")
    try:
        grid = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except Exception:
        raise SheetError(f"{filename} 的工作表「{name}」无法读取（文件已损坏）") from None
    return name, grid


def decode_csv(data: bytes, filename: str) -> str:
    """Returns the text of a CSV file in UTF-8 (with or without BOM) or GB18030, or raises
    ``SheetError``."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            # Excel on Chinese Windows saves CSV as GB18030 (GBK).
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise SheetError(f"{filename} 的编码无法识别：请另存为“CSV UTF-8”或 Excel 工作簿") from None
    if "\x00" in text:
        raise SheetError(f"{filename} 不是文本格式的 CSV 文件")
    return text


def _csv_grid(data: bytes, filename: str) -> list[list[Any]]:
    text = decode_csv(data, filename)
    try:
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise SheetError(f"{filename} 不是有效的 CSV 文件：{error}") from None


def _find_header(
    grid: list[list[Any]], columns: Sequence[Column]
) -> tuple[int, dict[int, Column], list[str]]:
    """Returns (index of the header row, column index → Column, ignored headers)."""
    lookup: dict[str, Column] = {}
    for column in columns:
        for name in (column.header, *column.aliases):
            lookup[header_key(name)] = column
    best_index, best_hits = -1, 0
    for index, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
        hits = len({lookup[key].key for cell in row if (key := header_key(cell)) in lookup})
        if hits > best_hits:
            best_index, best_hits = index, hits
    if best_hits < min(2, len(columns)):
        expected = "、".join(column.header for column in columns if column.required)
        raise SheetError(f"找不到表头行：前 {HEADER_SEARCH_ROWS} 行中没有包含 {expected} 等列名的行")
    mapping: dict[int, Column] = {}
    ignored: list[str] = []
    seen: set[str] = set()
    for position, cell in enumerate(grid[best_index]):
        if is_blank(cell):
            continue
        column = lookup.get(header_key(cell))
        if column is None or column.key in seen:
            ignored.append(parse_text(cell))
            continue
        seen.add(column.key)
        mapping[position] = column
    missing = [column.header for column in columns if column.required and column.key not in seen]
    if missing:
        raise SheetError(f"第 {best_index + 1} 行的表头缺少必填列：{'、'.join(missing)}")
    return best_index, mapping, ignored


def parse_grid(
    grid: list[list[Any]],
    sheet: str,
    columns: Sequence[Column],
    *,
    progress: Callable[[int, int], None] | None = None,
) -> SheetRows:
    """Returns the parsed rows of a grid whose header row is found among its first rows.

    Works column by column, and parses each distinct value of a column once: units, choices,
    dates and hours repeat down a sheet, so a 100,000-row file costs far fewer parser calls.
    """
    if not any(not is_blank(cell) for row in grid for cell in row):
        raise SheetError(f"工作表「{sheet}」是空的")
    header_index, mapping, ignored = _find_header(grid, columns)
    result = SheetRows(
        sheet=sheet,
        headers={
            column.key: parse_text(grid[header_index][position]) for position, column in mapping.items()
        },
        ignored=ignored,
    )
    first = header_index + 2  # the Excel row number of the first data row
    body = [
        (first + offset, row)
        for offset, row in enumerate(grid[header_index + 1 :])
        if not all(is_blank(cell) for cell in row)
    ]
    numbers = [number for number, _ in body]
    width = max(mapping, default=-1) + 1
    # One transposition in C instead of a Python loop per column; short (CSV) rows are padded.
    cells = [row if len(row) >= width else [*row, *[None] * (width - len(row))] for _, row in body]
    transposed = list(zip(*cells, strict=False)) if cells else [()] * width
    errors: list[tuple[int, int, CellError]] = []
    parsed_columns: list[list[Any]] = []
    keys: list[str] = []
    for done, (position, column) in enumerate(mapping.items()):
        if progress is not None:
            progress(done, len(mapping))
        parsed_columns.append(
            _parse_column(
                transposed[position], numbers, column, sheet, result.headers[column.key], done, errors
            )
        )
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
    result.errors = [error for _, _, error in sorted(errors, key=lambda item: (item[0], item[1]))]
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
) -> list[Any]:
    """Parses one column: each distinct raw value once, then a lookup per cell."""
    parse = column.parse or parse_text
    # True and 1 (and 1.0) are equal keys in a dict, so boolean cells, where there are any, get
    # keys of their own.
    keys = raws
    if bool in set(map(type, raws)):
        keys = [(bool, raw) if raw.__class__ is bool else raw for raw in raws]
    outcome: dict[Any, Any] = {}
    faulty = False
    for key in set(keys):
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
    if faulty:
        for index, value in enumerate(parsed):
            if value is _BLANK:
                parsed[index] = None
                errors.append(
                    (numbers[index], order, CellError(sheet, numbers[index], header, "", "必填项为空"))
                )
            elif value.__class__ is _Refused:
                parsed[index] = None
                shown = _shown(raws[index], column)
                errors.append(
                    (numbers[index], order, CellError(sheet, numbers[index], header, shown, value.message))
                )
    return parsed


class _Refused:
    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message


_BLANK = object()


def _shown(raw: Any, column: Column) -> str:
    """The cell as an error message may show it: masked when personal, cut when long."""
    shown = parse_text(raw)
    if column.sensitive is not None:
        return column.sensitive(shown)
    return shown[:40] + "…" if len(shown) > 40 else shown


def rows_by(rows: Iterable[ParsedRow], key: str) -> dict[Any, list[ParsedRow]]:
    """Groups rows by one parsed value (rows whose value is None are left out)."""
    groups: dict[Any, list[ParsedRow]] = {}
    for row in rows:
        value = row.values.get(key)
        if value is not None:
            groups.setdefault(value, []).append(row)
    return groups
