"""Reading a sheet of records as Excel and WPS write them, with every bad cell reported.

``read_sheet`` finds the header row (it may sit under title rows, merged or not), matches the
headers to the expected columns after folding full-width characters and removing spaces, parses
every cell with its column's parser and returns the good rows and every error at once. Files:
``.xlsx``/``.xlsm``/``.xls``/``.ods`` through python-calamine, ``.csv`` in UTF-8 (with or
without BOM) or GB18030, which Excel on Chinese Windows writes.
"""

from __future__ import annotations

import csv
import html
import io
import marshal
import os
import re
import subprocess
import sys
import threading
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import compress, islice, zip_longest
from operator import not_
from pathlib import Path
from typing import Any, NamedTuple

from qzzc.core.cells import CellInvalid, is_blank, parse_text
from qzzc.core.forms import Column
from qzzc.core.text import squeeze
from qzzc.errors import MAX_LISTED_ERRORS, CellError, ConfigError, QzzcError
from qzzc.sheets.frames import load_rows, read_frames

HEADER_SEARCH_ROWS = 20
MAX_ROWS = 200_000  # rows of a sheet, unless QZZC_MAX_ROWS says otherwise
MAX_COLUMNS = 200
READ_SECONDS = 30  # a workbook's native parse, plus a second per 100 KB
_CHILD = ("-m", "qzzc.sheets.native")  # the interpreter's arguments that run the native parse
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
    errors: list[CellError] = field(default_factory=list)  # the first MAX_LISTED_ERRORS bad cells
    ignored: list[str] = field(default_factory=list)
    errors_total: int = 0  # every bad cell, listed or not


def max_rows() -> int:
    """The most rows a sheet may have: ``QZZC_MAX_ROWS`` or 200,000. Raises ``ConfigError`` for
    a value that is not a positive whole number."""
    text = os.environ.get("QZZC_MAX_ROWS", "").strip()
    if not text:
        return MAX_ROWS
    if not text.isdigit() or int(text) < 1:
        raise ConfigError(f"环境变量 QZZC_MAX_ROWS 的值「{text[:20]}」应为正整数（表格最多读取的行数）")
    return int(text)


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
    choose_sheet: bool = True,
) -> SheetRows:
    """Returns the rows of ``data`` parsed by ``columns``, and the bad cells (the first
    ``MAX_LISTED_ERRORS``, and their count). ``choose_sheet`` says the command has ``--sheet``, for the
    advice when no header is found.

    Raises ``SheetError`` when the file is not a readable workbook or CSV, is password-protected,
    has no such sheet, is beyond the limits of rows or columns, is empty, or has no row holding
    the required headers.
    """
    grid = load_grid(data, filename, sheet)
    return parse_grid(grid, columns, progress=progress, choose_sheet=choose_sheet)


class Grid(NamedTuple):
    """The raw cells of one sheet, from row 1, and where they come from."""

    filename: str
    sheet: str  # the sheet's name; a CSV file's name for a CSV file
    sheets: list[str]  # the workbook's sheet names; empty for a CSV file
    rows: list[list[Any]]
    encoding: str = ""  # the encoding a CSV file was read in


def load_grid(data: bytes, filename: str, sheet: str | None = None) -> Grid:
    """Returns the raw cells of the first or the named sheet (of a CSV file: its rows).

    Raises ``SheetError`` for a file that cannot be read, and for a sheet beyond the limits
    (``max_rows()`` rows, ``MAX_COLUMNS`` columns), before its cells are made."""
    lower = filename.lower()
    if lower.endswith(".csv") or lower.endswith(".txt"):
        if sheet is not None:
            raise SheetError(f"{filename} 是 CSV 文件，没有工作表，不能指定 --sheet")
        text, encoding = _decode(data, filename)
        return Grid(filename, filename, [], _csv_rows(text, filename), encoding)
    if data.startswith(_OLE) and not lower.endswith(".xls"):
        raise SheetError(
            f"{filename} 设有打开密码（已加密），无法读取。请在 Excel 中取消密码后另存为 .xlsx 再导入"
        )
    if not (data.startswith(_ZIP) or data.startswith(_OLE)):
        if lower.endswith(_SPREADSHEET_SUFFIXES):
            raise SheetError(f"{filename} 不是有效的 Excel 工作簿（文件已损坏或并非表格文件）")
        raise SheetError(f"{filename} 不是可读取的表格文件：请提供 .xlsx、.xls 或 .csv 文件")
    started = _STARTED.pop((filename, sheet), None)
    if started is not None and started.data == data:
        return started.grid()
    return _workbook_grid(data, filename, sheet)


class _Started:
    """A workbook's native parse started ahead (``start_reading``), in a thread that waits on its
    child process."""

    def __init__(self, data: bytes, filename: str, sheet: str | None) -> None:

        self.data = data
        self._result: Grid | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(filename, sheet), daemon=True)
        self._thread.start()

    def _run(self, filename: str, sheet: str | None) -> None:
        try:
            self._result = _workbook_grid(self.data, filename, sheet)
        except BaseException as error:  # given to the reader that takes the grid
            self._error = error

    def grid(self) -> Grid:
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._result is not None
        return self._result


_STARTED: dict[tuple[str, str | None], _Started] = {}


def start_reading(path: Path, sheet: str | None = None) -> None:
    """Starts the native parse of the workbook at ``path`` now, in its child process, for the
    ``load_grid`` of the same file's bytes and sheet to take up: the command imports its modules
    and opens the store meanwhile, on the other core. Does nothing for a file that cannot be read
    or is not a workbook (``load_grid`` then says why)."""
    try:
        data = path.read_bytes()
    except OSError:
        return
    if data.startswith(_ZIP) and not path.name.lower().endswith((".csv", ".txt")):
        _STARTED[(path.name, sheet)] = _Started(data, path.name, sheet)


def _workbook_grid(data: bytes, filename: str, sheet: str | None) -> Grid:
    """Parses the workbook in a child process (``qzzc.sheets.native``): an abort or a hang of the
    native reader ends the child, and comes back as a ``SheetError``."""

    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (root, os.environ.get("PYTHONPATH")))),
           "RUST_BACKTRACE": "0"}  # fmt: skip
    command = [sys.executable, *_CHILD, filename, sheet or "", str(max_rows()), str(MAX_COLUMNS)]
    child = subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env
    )
    seconds = READ_SECONDS + len(data) // 100_000  # 30 s, and a second more per 100 KB
    timed_out = threading.Event()

    def stop() -> None:
        timed_out.set()
        child.kill()

    timer = threading.Timer(seconds, stop)
    timer.start()
    name, names, grid, message, ended = filename, [], [], None, False
    try:
        try:
            child.stdin.write(data)  # type: ignore[union-attr]
            child.stdin.close()  # type: ignore[union-attr]
        except OSError:  # the child died before it read the whole file
            pass
        for kind, payload in read_frames(child.stdout):  # type: ignore[arg-type]
            if kind == b"H":
                name, names = marshal.loads(payload)
            elif kind in (b"M", b"P"):
                grid.extend(load_rows(kind, payload))
            elif kind == b"E":
                message = payload.decode("utf-8")
            elif kind == b"Z":
                ended = True
    finally:
        timer.cancel()
        if child.poll() is None:
            child.kill()
        child.wait()
        child.stdout.close()  # type: ignore[union-attr]
    if message is not None:
        raise SheetError(message)
    if not ended:
        known = bool(names)  # the child named the sheet before it parsed it
        where = f"{filename} 的工作表「{visible(name)}」" if known else f"{filename} "
        extent = _xlsx_extent(data, name) if data.startswith(_ZIP) and known else None
        if extent is not None:
            last_row, first_column, last_column = extent
            _check_extent(where, last_row, first_column, last_column, max_rows(), MAX_COLUMNS)
        if timed_out.is_set():
            raise SheetError(
                f"{where}读取超时（{seconds} 秒仍未读完）：文件可能已损坏。"
                "请在 Excel 中打开后另存为新的 .xlsx 文件，再导入"
            )
        raise SheetError(
            f"{where}无法读取：文件已损坏，或其中的数据区域大得异常，读取程序中途异常退出。"
            "请在 Excel 中打开后另存为新的 .xlsx 文件，再导入"
        )
    return Grid(filename, name, names, grid)


def open_workbook(data: bytes, filename: str, sheet: str | None) -> tuple[Any, str, list[str]]:
    """Opens a workbook with python-calamine: returns it, the name of its first or named sheet,
    and its sheet names. Run in the child process (``qzzc.sheets.native``). Raises
    ``SheetError`` for a damaged or password-protected workbook and an unknown sheet."""
    import python_calamine  # the native reader: only in the process that parses

    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except python_calamine.PasswordError:
        raise SheetError(
            f"{filename} 设有打开密码，无法读取。请在 Excel 中取消密码后另存为 .xlsx 再导入"
        ) from None
    except _INTERRUPTS:
        raise
    except BaseException:  # several types for a damaged file, and pyo3's PanicException is no Exception
        raise SheetError(f"{filename} 不是有效的 Excel 工作簿（文件已损坏或并非表格文件）") from None
    names = workbook.sheet_names
    if not names:
        raise SheetError(f"{filename} 中没有工作表")
    if sheet is None:
        name = names[0]
    elif sheet in names:
        name = sheet
    else:
        raise SheetError(f"{filename} 中没有名为「{sheet}」的工作表（有：{'、'.join(map(visible, names))}）")
    return workbook, name, names


def sheet_rows(
    workbook: Any, filename: str, name: str, row_limit: int, column_limit: int
) -> Iterator[list[Any]]:
    """Returns the rows of sheet ``name`` from row 1, as an iterator. Run in the child process.

    Raises ``SheetError`` for a damaged sheet, and for one whose data reaches beyond
    ``row_limit`` rows or spans more than ``column_limit`` columns, before any row is made."""
    try:
        # calamine builds the sheet's cells as a grid from its first to its last cell holding data.
        found = workbook.get_sheet_by_name(name)
    except _INTERRUPTS:
        raise
    except BaseException:
        raise SheetError(f"{filename} 的工作表「{visible(name)}」无法读取（文件已损坏）") from None
    start, end = found.start, found.end
    if start is None or end is None:
        return iter(())
    where = f"{filename} 的工作表「{visible(name)}」"
    _check_extent(where, end[0] + 1, start[1], end[1], row_limit, column_limit)
    # iter_rows gives every row from row 1 (the rows above the data empty), each as wide as the
    # data: row by row, never a second dense grid.
    return _rows(found.iter_rows(), where)


_INTERRUPTS = (KeyboardInterrupt, SystemExit)


def _check_extent(
    where: str, last_row: int, first_column: int, last_column: int, row_limit: int, column_limit: int
) -> None:
    """Raises ``SheetError`` when data reaches row ``last_row`` (1-based) beyond ``row_limit``, or
    spans columns ``first_column`` to ``last_column`` (0-based) wider than ``column_limit``."""
    if last_row > row_limit:
        raise SheetError(
            f"{where}的数据一直延伸到第 {last_row:,} 行，超过 {row_limit:,} 行的上限，未读取。"
            "请删除表格下方多余的行（或把数据分成几个文件导入）；确需更多行时可设置环境变量 QZZC_MAX_ROWS"
        )
    if last_column - first_column + 1 > column_limit:
        raise SheetError(
            f"{where}的数据有 {last_column - first_column + 1:,} 列（{column_name(first_column)} 列到 "
            f"{column_name(last_column)} 列），超过 {column_limit} 列的上限，未读取。请删除表格右侧多余的列"
        )


_CELL_REF = re.compile(rb"<(?:[A-Za-z]+:)?c\s[^>]*?\br=\"([A-Z]{1,3})([0-9]{1,7})\"")
_SCAN_BYTES = 256 << 20  # of a sheet's XML, at most, when looking for why its parse failed


def _xlsx_extent(data: bytes, sheet: str) -> tuple[int, int, int] | None:
    """(last row, first column, last column) of the cells a workbook's sheet XML names, read
    after the native parse of that sheet failed, to tell a sheet too large from a damaged one;
    None when the XML cannot be found or holds no cell."""

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            book = archive.read("xl/workbook.xml").decode("utf-8", "replace")
            rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
            ids = {
                html.unescape(found.group(1)): found.group(2)
                for element in re.findall(r"<(?:\w+:)?sheet\s[^>]*>", book)
                if (found := re.search(r'\bname="([^"]*)"[^>]*?\br:id="([^"]*)"', element))
            }
            targets = {
                found.group(1): found.group(2)
                for element in re.findall(r"<Relationship\s[^>]*>", rels)
                if (found := re.search(r'\bId="([^"]*)"[^>]*?\bTarget="([^"]*)"', element))
            }
            target = targets.get(ids.get(sheet, ""), "")
            part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            last_row, first_column, last_column, read, tail = 0, 1 << 20, -1, 0, b""
            with archive.open(part) as stream:
                while read < _SCAN_BYTES and (chunk := stream.read(1 << 20)):
                    read += len(chunk)
                    text = tail + chunk
                    for letters, digits in _CELL_REF.findall(text):
                        column = _column_index(letters)
                        last_row = max(last_row, int(digits))
                        first_column, last_column = min(first_column, column), max(last_column, column)
                    tail = text[-64:]  # a reference cut by the chunk is found whole next time
    except (KeyError, OSError, ValueError, zipfile.BadZipFile, RuntimeError, EOFError):
        return None
    return (last_row, first_column, last_column) if last_column >= 0 else None


def _column_index(letters: bytes) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + letter - 64
    return index - 1


def _rows(rows: Iterator[list[Any]], where: str) -> Iterator[list[Any]]:
    try:
        yield from rows
    except _INTERRUPTS:
        raise
    except BaseException:
        raise SheetError(f"{where}无法读取（文件已损坏）") from None


def column_name(index: int) -> str:
    """The Excel name of a 0-based column index: 0 → A, 25 → Z, 26 → AA, 16383 → XFD."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def decode_csv(data: bytes, filename: str) -> str:
    """Returns the text of a CSV file in UTF-8 (with or without BOM) or GB18030, or raises
    ``SheetError``."""
    return _decode(data, filename)[0]


def _decode(data: bytes, filename: str) -> tuple[str, str]:
    try:
        text, encoding = data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        try:
            # Excel on Chinese Windows saves CSV as GB18030 (GBK).
            text, encoding = data.decode("gb18030"), "GB18030"
        except UnicodeDecodeError:
            raise SheetError(f"{filename} 的编码无法识别：请另存为“CSV UTF-8”或 Excel 工作簿") from None
    if "\x00" in text:
        raise SheetError(f"{filename} 不是文本格式的 CSV 文件")
    return text, encoding


def _csv_rows(text: str, filename: str) -> list[list[Any]]:
    """The rows of a CSV text, refused as soon as they pass the limits: read a block of rows at a
    time, each block's width and filled rows counted in C; a block past a limit is read again row
    by row (``_csv_refusal``) for the exact line to name."""
    limit, rows, filled = max_rows(), [], 0
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        while block := list(islice(reader, _CSV_BLOCK)):
            filled += sum(map(any, block))
            if filled > limit or (max(map(len, block)) > MAX_COLUMNS and any(map(_too_wide, block))):
                _csv_refusal(text, filename, limit)
            # Equal cells of a block as one object (every cell is a text): a third of the memory,
            # and each distinct text hashed once when the columns are parsed.
            seen: dict[str, str] = {}
            same = seen.setdefault
            rows.extend([list(map(same, row, row)) for row in block])
    except csv.Error:
        _csv_refusal(text, filename, limit)  # for the line of the error
        raise
    return rows


_CSV_BLOCK = 10_000  # rows


def _too_wide(row: list[str]) -> bool:
    return len(row) > MAX_COLUMNS and any(cell.strip() for cell in row[MAX_COLUMNS:])


def _csv_refusal(text: str, filename: str, limit: int) -> None:
    """Reads a CSV text row by row, and raises ``SheetError`` at the first row past a limit or
    that cannot be read."""
    reader, filled = csv.reader(io.StringIO(text, newline="")), 0
    try:
        for row in reader:
            if _too_wide(row):
                raise SheetError(
                    f"{filename} 第 {reader.line_num} 行有 {len(row):,} 列，超过 {MAX_COLUMNS} 列的上限，"
                    "未读取。请删除表格右侧多余的列"
                )
            if any(row):
                filled += 1
                if filled > limit:
                    raise SheetError(
                        f"{filename} 的数据超过 {limit:,} 行的上限，未读取。请删除表格下方多余的行"
                        "（或把数据分成几个文件导入）；确需更多行时可设置环境变量 QZZC_MAX_ROWS"
                    )
    except csv.Error:
        raise SheetError(f"{filename} 不是有效的 CSV 文件（第 {reader.line_num} 行无法解析）") from None


def _place(grid: Grid) -> str:
    """Where a sheet is, to start a message: ``a.xlsx 的工作表「申报人员」`` or ``a.csv ``."""
    return f"{grid.filename} 的工作表「{visible(grid.sheet)}」" if grid.sheets else f"{grid.filename} "


def _find_header(
    grid: Grid, columns: Sequence[Column], choose_sheet: bool
) -> tuple[int, dict[int, Column], list[str]]:
    """Returns (index of the header row, column index → Column, ignored headers)."""
    lookup: dict[str, Column] = {}
    for column in columns:
        for name in (column.header, *column.aliases):
            lookup[header_key(name)] = column
    best_index, best_hits = -1, 0
    for index, row in enumerate(grid.rows[:HEADER_SEARCH_ROWS]):
        hits = len({lookup[key].key for cell in row if (key := header_key(cell)) in lookup})
        if hits > best_hits:
            best_index, best_hits = index, hits
    if best_hits < min(2, len(columns)):
        expected = "、".join(column.header for column in columns if column.required)
        message = f"{_place(grid)}中找不到表头行：前 {HEADER_SEARCH_ROWS} 行中没有包含 {expected} 等列名的行"
        if len(grid.sheets) > 1:
            message += f"。工作簿中的工作表有：{'、'.join(map(visible, grid.sheets))}"
            message += (
                "；数据若在其他工作表，请用 --sheet 指定" if choose_sheet else "；请把数据放在第一个工作表"
            )
        if grid.encoding == "GB18030":
            message += (
                "。文件按 GB18030（GBK）编码读取；若其中的中文是乱码，请在 Excel 中另存为“CSV UTF-8”后再导入"
            )
        raise SheetError(message)
    mapping: dict[int, Column] = {}
    ignored: list[str] = []
    seen: set[str] = set()
    for position, cell in enumerate(grid.rows[best_index]):
        if is_blank(cell):
            continue
        column = lookup.get(header_key(cell))
        if column is None or column.key in seen:
            ignored.append(visible(parse_text(cell)))
            continue
        seen.add(column.key)
        mapping[position] = column
    missing = [column.header for column in columns if column.required and column.key not in seen]
    if missing:
        raise SheetError(f"{_place(grid)}第 {best_index + 1} 行的表头缺少必填列：{'、'.join(missing)}")
    return best_index, mapping, ignored


def parse_grid(
    grid: Grid,
    columns: Sequence[Column],
    *,
    progress: Callable[[int, int], None] | None = None,
    choose_sheet: bool = True,
) -> SheetRows:
    """Returns the parsed rows of a grid whose header row is found among its first rows; of the
    bad cells, the first ``MAX_LISTED_ERRORS`` (by row, then column) and their count. The rows
    are those of ``parse_columns``, each a dict with every key of ``columns``."""
    parsed = parse_columns(grid, columns, progress=progress, choose_sheet=choose_sheet)
    result = SheetRows(
        parsed.sheet,
        parsed.headers,
        errors=parsed.errors,
        ignored=parsed.ignored,
        errors_total=parsed.errors_total,
    )
    # Columns the sheet lacks first, then the sheet's, as the rows' dicts always had them.
    names = [*(key for key in parsed.values if key not in parsed.headers), *parsed.headers]
    values = [parsed.values[name] for name in names]
    result.rows = [
        ParsedRow(number, dict(zip(names, cells, strict=True)))
        for number, cells in zip(
            parsed.numbers, zip(*values, strict=True) if names else [()] * len(parsed.numbers), strict=True
        )
    ]
    return result


@dataclass
class SheetColumns:
    """A sheet's data rows as columns: ``numbers`` the rows' Excel row (CSV line) numbers, and
    ``values`` each column's parsed values in row order (``None`` where a cell is bad or blank),
    for every key of the form, in its order (a column the sheet lacks is all ``None``)."""

    sheet: str
    headers: dict[str, str]  # key → header as the file writes it, for the sheet's columns
    numbers: list[int]
    values: dict[str, list[Any]]
    errors: list[CellError] = field(default_factory=list)  # the first MAX_LISTED_ERRORS bad cells
    ignored: list[str] = field(default_factory=list)
    errors_total: int = 0  # every bad cell, listed or not


def read_columns(
    data: bytes,
    filename: str,
    columns: Sequence[Column],
    sheet: str | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
    choose_sheet: bool = True,
) -> SheetColumns:
    """As ``read_sheet``, the rows as columns (``SheetColumns``): no dict per row. The raw cells
    are let go as soon as they are parsed."""
    grid = load_grid(data, filename, sheet)
    return parse_columns(grid, columns, progress=progress, choose_sheet=choose_sheet, consume=True)


def parse_columns(
    grid: Grid,
    columns: Sequence[Column],
    *,
    progress: Callable[[int, int], None] | None = None,
    choose_sheet: bool = True,
    consume: bool = False,
) -> SheetColumns:
    """Parses a grid column by column: each distinct value of a column once (units, choices,
    dates and hours repeat down a sheet), through the parser's whole-column fast path where it
    has one (``parse.many``), then a lookup per cell; messages are built for the bad cells only.
    ``consume`` empties ``grid.rows`` once they are transposed, so that the raw cells can go.

    Raises ``SheetError`` for an empty sheet and one without a header row (``read_sheet``)."""
    rows, sheet = grid.rows, visible(grid.sheet)
    if not any(not is_blank(cell) for row in rows for cell in row):
        raise SheetError(f"{_place(grid)}是空的")
    header_index, mapping, ignored = _find_header(grid, columns, choose_sheet)
    headers = {
        column.key: visible(parse_text(rows[header_index][position])) for position, column in mapping.items()
    }
    first = header_index + 2  # the Excel row number of the first data row
    body = rows[header_index + 1 :]
    # One transposition in C: every column, short (CSV) rows padded with None.
    transposed = list(zip_longest(*body)) if body else []
    count = len(body)
    del body
    if consume:
        rows.clear()
    width = len(transposed)
    blank_column = (None,) * count
    # Each mapped column's keys (raw values; booleans apart), and what each distinct key parses to.
    parsed_keys: list[tuple[Column, Sequence[Any], list[Any], dict[Any, Any], bool]] = []
    for done, (position, column) in enumerate(mapping.items()):
        if progress is not None:
            progress(done, len(mapping))
        raws = transposed[position] if position < width else blank_column
        keys, outcome, faulty = _column_outcome(raws, column)
        parsed_keys.append((column, raws, keys, outcome, faulty))
    # A blank row has every cell blank: one of the required columns' blanks, then looked at whole.
    required = [item for item in parsed_keys if item[0].required]
    if required:
        _, _, keys, _, _ = required[0]
        blanks = {key for key in set(keys) if is_blank(key)}
        candidates = [index for index, key in enumerate(keys) if key in blanks] if blanks else []
    else:
        candidates = range(count)
    blank = [index for index in candidates if all(is_blank(cells[index]) for cells in transposed)]
    numbers = list(range(first, first + count))
    if blank:
        keep = [True] * count
        for index in blank:
            keep[index] = False
        numbers = list(compress(numbers, keep))
        parsed_keys = [
            (column, list(compress(raws, keep)), list(compress(keys, keep)), outcome, faulty)
            for column, raws, keys, outcome, faulty in parsed_keys
        ]
    del transposed
    errors: list[tuple[int, int, CellError]] = []
    total = 0
    values: dict[str, list[Any]] = {}
    parsed_by_key: dict[str, list[Any]] = {}
    for order, item in enumerate(parsed_keys):
        column, raws, keys, outcome, faulty = item
        parsed_keys[order] = None  # type: ignore[call-overload]  # its raw cells can go once parsed
        parsed, bad = _column_values(
            raws, keys, outcome, faulty, numbers, column, sheet, headers[column.key], order, errors
        )
        parsed_by_key[column.key] = parsed
        total += bad
    del parsed_keys
    for column in columns:
        values[column.key] = parsed_by_key.pop(column.key, None) or [None] * len(numbers)
    errors.sort(key=lambda item: (item[0], item[1]))
    if progress is not None:
        progress(len(mapping), len(mapping))
    return SheetColumns(
        sheet,
        headers,
        numbers,
        values,
        errors=[error for _, _, error in errors[:MAX_LISTED_ERRORS]],
        ignored=ignored,
        errors_total=total,
    )


def _column_outcome(raws: Sequence[Any], column: Column) -> tuple[Sequence[Any], dict[Any, Any], bool]:
    """A column's keys (its raw values; a boolean cell as ``(bool, value)``), what each distinct
    key parses to (a value, ``_BLANK`` for a blank required cell, ``_Refused``), and whether any
    is ``_BLANK`` or ``_Refused``."""
    parse = column.parse or parse_text
    # True and 1 (and 1.0) are equal keys in a dict, so boolean cells, where there are any, get
    # keys of their own.
    keys = raws
    if bool in set(map(type, raws)):
        keys = [(bool, raw) if raw.__class__ is bool else raw for raw in raws]
    distinct = set(keys)
    texts = [key for key in distinct if key.__class__ is str]
    # The column's texts joined, for tests in C over all of them: printable text holds no hidden
    # character (each is a control or format character) and no whitespace but the space.
    joined = "|".join(texts)
    outcome: dict[Any, Any] = {} if joined.isprintable() else _hidden_cells(distinct)
    faulty = bool(outcome)
    pending = distinct.difference(outcome) if outcome else distinct
    # Blank keys: None and the texts that strip to nothing ("" alone, where there is no whitespace).
    if _WHITESPACE.search(joined) is None:
        blanks: list[Any] = [""] if "" in pending else []
    else:
        blanks = [text for text in compress(texts, map(not_, map(str.strip, texts))) if text in pending]
    if None in pending:
        blanks.append(None)
    if blanks:
        outcome.update(dict.fromkeys(blanks, _BLANK if column.required else None))
        faulty = faulty or column.required
        pending = pending.difference(blanks)
    many = getattr(parse, "many", None)
    if many is not None and pending:
        # The fast path gives the values it is sure of; every other key goes through ``parse``.
        known = many(texts if len(pending) == len(distinct) else [text for text in texts if text in pending])
        if known:
            outcome.update(known)
            pending = pending.difference(known)
    for key in pending:
        raw = key[1] if key.__class__ is tuple else key
        try:
            outcome[key] = parse(raw)
        except CellInvalid as error:
            outcome[key] = _Refused(error.message)
            faulty = True
    return keys, outcome, faulty


def _column_values(
    raws: Sequence[Any],
    keys: Sequence[Any],
    outcome: dict[Any, Any],
    faulty: bool,
    numbers: list[int],
    column: Column,
    sheet: str,
    header: str,
    order: int,
    errors: list[tuple[int, int, CellError]],
) -> tuple[list[Any], int]:
    """A column's values, a lookup per cell, and the number of bad cells; appends the first
    ``MAX_LISTED_ERRORS`` of them to ``errors``."""
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


# Characters a cell must not hold: C0 controls but tab, line feed and carriage return (Alt+Enter
# in Excel; normalising folds them into a space), DEL and C1 controls, which act on a terminal;
# bidi marks, overrides and isolates, which reorder text on a page; zero-width characters, which
# make two equal-looking names differ.
_CONTROL = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_ZERO_WIDTH = "\u180e\u200b-\u200d\u2060-\u2064\ufeff"
_HIDDEN = re.compile(f"[{_CONTROL}{_BIDI}{_ZERO_WIDTH}]")
_WHITESPACE = re.compile(r"\s")
_KINDS = (
    (re.compile(f"[{_CONTROL}]"), "控制字符"),
    (re.compile(f"[{_BIDI}]"), "改变文字显示方向的不可见字符"),
    (re.compile(f"[{_ZERO_WIDTH}]"), "零宽度的不可见字符"),
)


def _hidden_cells(distinct: Iterable[Any]) -> dict[Any, _Refused]:
    """Refuses each text holding a control, bidi or zero-width character: one search over the
    column's distinct texts joined, and one per text only when that finds something."""
    texts = [key for key in distinct if key.__class__ is str]
    if not texts or not _HIDDEN.search("\t".join(texts)):
        return {}
    return {text: _Refused(reason) for text in texts if (reason := hidden_character(text))}


def hidden_character(text: str) -> str | None:
    """Why ``text`` is refused for the first control, bidi or zero-width character it holds
    (``含有控制字符（U+001B），请删除后重新导入``), or None when it holds none."""
    found = _HIDDEN.search(text)
    if found is None:
        return None
    kind = next(name for pattern, name in _KINDS if pattern.match(found.group()))
    return f"含有{kind}（U+{ord(found.group()):04X}），请删除后重新导入"


def visible(text: str) -> str:
    """``text`` with each control, bidi and zero-width character shown as □, for a message."""
    return _HIDDEN.sub("□", text)


class _Refused:
    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message


_BLANK = object()


def _shown(raw: Any, column: Column) -> str:
    """The cell as an error message may show it: masked when personal, cut when long, hidden
    characters as □."""
    shown = parse_text(visible(raw) if raw.__class__ is str else raw)
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
