"""The expert pool (专家库): ``import_experts`` and ``list_experts`` (SPEC §6).

An import upserts by ID number and writes all or nothing: every bad cell is reported at once
(sheet, Excel row, header, value with ID numbers masked, reason) and nothing is written.

The section "private reader" below is a minimal spreadsheet reader (CSV in UTF-8 or GB18030,
xlsx through python-calamine, header row found below title rows) kept apart so that it can be
swapped for the shared reader of ``qzzc.sheets`` when that lands; only ``Column``,
``read_table`` and the cell parsers are used outside it.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from qzzc.core.privacy import mask_id, mask_phone
from qzzc.errors import BadInput, CellError, QzzcError
from qzzc.services.base import Context, job, read_input
from qzzc.store.models import Expert

STATUSES = ("在库", "暂停")
TITLE_LEVELS = ("副高级", "正高级")
_SPLIT = re.compile(r"[、,，;；\s]+")


# -- private reader (swap for qzzc.sheets.reader when it lands) --------------------------------


class CellInvalid(ValueError):
    """A cell's value cannot be read; the message says why (Chinese)."""


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    parse: Callable[[str], Any] | None = None
    personal: bool = False  # mask the value in error messages

    @property
    def names(self) -> tuple[str, ...]:
        return (self.header, *self.aliases)


@dataclass(frozen=True)
class ParsedRow:
    row: int
    values: dict[str, Any]
    sheet: str = ""


def _normal_header(text: Any) -> str:
    return "".join(str(text or "").split()).replace("*", "").replace("＊", "")


def _decode_csv(data: bytes, filename: str) -> list[list[str]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise QzzcError(f"{filename} 不是 UTF-8 或 GB18030 编码的 CSV 文件。")
    return [list(row) for row in csv.reader(io.StringIO(text))]


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _read_xlsx(data: bytes, filename: str) -> tuple[str, list[list[str]]]:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = book.get_sheet_by_index(0)
        rows = sheet.to_python(skip_empty_area=False)
    except Exception as error:  # calamine raises its own error types for a broken file
        raise QzzcError(f"无法读取 {filename}：不是有效的 Excel 文件（{type(error).__name__}）。") from None
    return sheet.name, [[_cell_text(value) for value in row] for row in rows]


def read_table(
    data: bytes, filename: str, columns: Sequence[Column], *, summary: str = "文件有误"
) -> list[ParsedRow]:
    """Returns the parsed rows of ``data`` (.csv or .xlsx), or raises ``BadInput`` with every bad
    cell. The header row is the first of the first 20 rows holding every required header."""
    suffix = Path(filename).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        sheet, rows = _read_xlsx(data, filename)
    elif suffix == ".csv":
        sheet, rows = filename, _decode_csv(data, filename)
    else:
        raise QzzcError(f"{filename}：只能读取 .xlsx 或 .csv 文件。")
    columns = list(columns)
    required = [c for c in columns if c.required]
    header_at = None
    for index, row in enumerate(rows[:20]):
        names = {_normal_header(cell) for cell in row}
        if all(any(_normal_header(n) in names for n in c.names) for c in required):
            header_at = index
            break
    if header_at is None:
        missing = "、".join(c.header for c in required)
        raise BadInput(
            [CellError(sheet, 1, "", "", f"找不到表头行：前 20 行中没有一行同时含有 {missing}")], summary
        )
    header = [_normal_header(cell) for cell in rows[header_at]]
    raw_header = [str(cell).strip() for cell in rows[header_at]]
    where: dict[str, int] = {}
    for column in columns:
        for name in column.names:
            if _normal_header(name) in header:
                where[column.key] = header.index(_normal_header(name))
                break
    parsed: list[ParsedRow] = []
    errors: list[CellError] = []
    for index in range(header_at + 1, len(rows)):
        row = rows[index]
        if not any(str(cell).strip() for cell in row):
            continue
        excel_row = index + 1
        values: dict[str, Any] = {}
        for column in columns:
            position = where.get(column.key)
            text = str(row[position]).strip() if position is not None and position < len(row) else ""
            label = raw_header[position] if position is not None else column.header
            if not text:
                if column.required:
                    errors.append(CellError(sheet, excel_row, label, "", "必填项为空"))
                values[column.key] = None
                continue
            try:
                values[column.key] = column.parse(text) if column.parse else text
            except CellInvalid as error:
                shown = mask_id(text) if column.personal else text
                errors.append(CellError(sheet, excel_row, label, shown, str(error)))
        parsed.append(ParsedRow(excel_row, values, sheet))
    if errors:
        raise BadInput(errors, summary)
    return parsed


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_cell(text: str) -> str:
    """An 18-character ID number with a valid GB 11643 check digit (``x`` read as ``X``)."""
    value = text.strip().upper()
    if re.fullmatch(r"\d(\.\d+)?E\+\d+", value):
        raise CellInvalid("身份证号被 Excel 存成了数字，后几位已丢失；请把该列设为“文本”格式后重新填写")
    if not re.fullmatch(r"\d{17}[\dX]", value):
        raise CellInvalid("身份证号应为 18 位（最后一位可为 X）")
    total = sum(int(digit) * weight for digit, weight in zip(value[:17], _ID_WEIGHTS, strict=True))
    if _ID_CHECK[total % 11] != value[17]:
        raise CellInvalid("身份证号校验位不符")
    try:
        dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise CellInvalid("身份证号中的出生日期无效") from None
    return value


def text_cell(text: str) -> str:
    return text.strip()


def list_cell(text: str) -> tuple[str, ...]:
    """Several values split on 、 , ， (and ; or spaces), order kept, duplicates dropped."""
    items = [item for item in _SPLIT.split(text.strip()) if item]
    return tuple(dict.fromkeys(items))


def choice_cell(choices: Sequence[str]) -> Callable[[str], str]:
    def parse(text: str) -> str:
        value = text.strip()
        if value not in choices:
            raise CellInvalid(f"应为 {' / '.join(choices)} 之一")
        return value

    return parse


def seqs_cell(text: str) -> tuple[int, ...]:
    seqs = []
    for item in list_cell(text):
        normal = item.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
        if not normal.isdigit():
            raise CellInvalid(f"「{item}」不是评委会序号（整数）")
        seqs.append(int(normal))
    return tuple(dict.fromkeys(seqs))


# -- import -----------------------------------------------------------------------------------


def expert_columns() -> tuple[Column, ...]:
    return (
        Column("name", "姓名", required=True, parse=text_cell),
        Column(
            "id_number",
            "身份证号",
            ("身份证号码", "公民身份号码"),
            required=True,
            parse=id_cell,
            personal=True,
        ),
        Column("unit", "工作单位", ("单位名称",), required=True, parse=text_cell),
        Column("region", "所在地区", parse=text_cell),
        Column("specialties", "专业", ("所评专业", "专业名称"), required=True, parse=list_cell),
        Column("title", "职称", ("专业技术职称",), required=True, parse=text_cell),
        Column("title_level", "职称级别", required=True, parse=choice_cell(TITLE_LEVELS)),
        Column("phone", "联系电话", ("手机", "手机号码"), parse=text_cell, personal=True),
        Column("status", "状态", parse=choice_cell(STATUSES)),
        Column("committees", "所属评委会", ("评委会序号",), parse=seqs_cell),
    )


@dataclass(frozen=True)
class ImportResult:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[CellError] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": [error.as_dict() for error in self.errors],
        }


def _data_hash(values: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(values, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def import_experts(ctx: Context, path: Path, *, dry_run: bool = False) -> ImportResult:
    """Reads the expert file at ``path`` and upserts the experts by ID number.

    Returns the counts. Raises ``BadInput`` (every bad cell; nothing written) for bad rows, an ID
    number twice in the file, or a 所属评委会 that is not in the year's plan.
    """
    data = read_input(path)
    rows = read_table(data, path.name, expert_columns(), summary="专家库文件有误")
    sheet = rows[0].sheet if rows else path.name
    errors: list[CellError] = []
    seen: dict[str, int] = {}
    experts: dict[str, dict[str, Any]] = {}
    for row in rows:
        values = row.values
        id_number = values["id_number"]
        if id_number in seen:
            errors.append(
                CellError(sheet, row.row, "身份证号", mask_id(id_number), f"与第 {seen[id_number]} 行重复")
            )
            continue
        seen[id_number] = row.row
        experts[id_number] = {
            "id_number": id_number,
            "name": values["name"],
            "unit": values["unit"],
            "region": values["region"],
            "specialties": list(values["specialties"]),
            "title": values["title"],
            "title_level": values["title_level"],
            "phone": values["phone"],
            "status": values["status"] or "在库",
            "committees": list(values["committees"] or ()),
            "_row": row.row,
        }
    options = {"file": path.name, "dry_run": dry_run}
    with job(ctx, "experts import", options, {path.name: data}) as current:
        session = current.session
        year = ctx.store.current_year(session)
        from qzzc.services.plan import committees

        known = {committee.seq for committee in committees(session, year)}
        for expert in experts.values():
            unknown = [seq for seq in expert["committees"] if seq not in known]
            if unknown:
                errors.append(
                    CellError(
                        sheet,
                        expert["_row"],
                        "所属评委会",
                        "、".join(map(str, unknown)),
                        f"本年度计划中没有这个序号的评委会（共 {len(known)} 个）",
                    )
                )
        if errors:
            raise BadInput(sorted(errors, key=lambda e: e.row), "专家库文件有误")
        existing = {e.id_number: e for e in session.execute(select(Expert)).scalars()}
        added = updated = unchanged = 0
        for id_number, expert in experts.items():
            expert.pop("_row")
            digest = _data_hash(expert)
            record = existing.get(id_number)
            if record is None:
                session.add(Expert(**expert, data_hash=digest, imported_at=current.at))
                added += 1
            elif record.data_hash != digest:
                for key, value in expert.items():
                    setattr(record, key, value)
                record.data_hash, record.imported_at = digest, current.at
                session.add(record)
                updated += 1
            else:
                unchanged += 1
        current.summary = {"added": added, "updated": updated, "unchanged": unchanged}
        if dry_run or not (added or updated):
            current.discard()
        return ImportResult(added, updated, unchanged)


@dataclass(frozen=True)
class ExpertRow:
    id_number: str
    name: str
    unit: str
    region: str | None
    specialties: list[str]
    title: str
    title_level: str
    phone: str | None
    status: str
    committees: list[int]

    def as_json(self) -> dict[str, Any]:
        return {
            "id_number": self.id_number,
            "name": self.name,
            "unit": self.unit,
            "region": self.region,
            "specialties": self.specialties,
            "title": self.title,
            "title_level": self.title_level,
            "phone": self.phone,
            "status": self.status,
            "committees": self.committees,
        }

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone) if self.phone else ""


def list_experts(ctx: Context, committee: int | None = None) -> list[ExpertRow]:
    """Returns the experts (of ``committee`` if given) in order of ID number."""
    with ctx.store.reading() as session:
        if committee is not None:
            from qzzc.services.plan import committee as load_committee

            load_committee(session, ctx.store.current_year(session), committee)
        records = session.execute(select(Expert).order_by(Expert.id_number)).scalars().all()
        return [
            ExpertRow(
                e.id_number,
                e.name,
                e.unit,
                e.region,
                list(e.specialties or ()),
                e.title,
                e.title_level,
                e.phone,
                e.status,
                list(e.committees or ()),
            )
            for e in records
            if committee is None or committee in (e.committees or ())
        ]
