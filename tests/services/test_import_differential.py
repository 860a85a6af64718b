"""The column-wise import against the per-cell one it replaced (tests/reference_import.py), cell by
cell, on thousands of seeded random rows: clean, and with bad cells, blank rows, hidden
characters, repeated and malformed ID numbers. The parsed rows, the error report (the first 1,000
and the count) and the stored rows must be equal."""

from __future__ import annotations

import datetime as dt
import random

import pytest
import reference_import as reference
from helpers import FORM_HEADERS, make_id, write_csv
from sqlalchemy import select

from qzzc.core.forms import APPLICANT_FORM
from qzzc.errors import first_errors
from qzzc.services.applicants import FIELD_ORDER, import_applicants
from qzzc.sheets import reader
from qzzc.store import queries
from qzzc.store.models import Applicant

# Per header: values a clerk types right (in several spellings), then wrong ones.
GOOD: dict[str, list[object]] = {
    "工作单位": [
        "衢州市建筑设计院",
        "衢州市建筑设计院 ",
        "衢州市  建筑设计院",
        "Ｑｕｚｈｏｕ设计院",
        "衢州市规划院",
    ],
    "单位性质": ["企业", "企 业", "事业单位", "机关", "", None],
    "单位隶属": ["市属", "县市区属", "县属", "省部属", ""],
    "所在地区": ["市本级", "柯城区", "江山市", "", "市外"],
    "申报专业": ["建筑设计", "建筑结构", "风景园林（景观设计）", "风景园林(景观设计)", "建筑 设计"],
    "申报资格": ["工程师", "助理工程师", "高级工程师", "工程师 "],
    "申报类型": ["", "正常申报", "破格", "初定", None],
    "学历": ["本科", "大学本科", "研究生", "硕士研究生", "大专"],
    "学位": ["学士", "硕士", "", "无"],
    "从事专业技术工作年限": [6, "6", "６", "6年", 12.0, " 7 "],
    "现职称": ["助理工程师", "", "工程师"],
    "现职称取得时间": [
        dt.date(2016, 12, 30),
        "2016/12/30",
        "2016年12月30日",
        "2016.1.2",
        "",
        42000,
        "20161230",
    ],
    "公需科目学时": [60, "60学时", "６０", 60.5, "90", 53.99999999999999],
    "专业科目学时": [90, "90", "120小时", 88.25],
    "社保缴纳单位": ["衢州市建筑设计院", "", "衢州市规划院"],
    "人事档案所在单位": ["衢州市建筑设计院", "", "人才中心"],
    "劳动合同单位": ["衢州市建筑设计院", ""],
    "单位公示开始日期": [dt.date(2021, 6, 21), "2021-06-21", "2021/6/21", ""],
    "单位公示结束日期": [dt.date(2021, 6, 28), "2021-06-28", "2021年6月30日", ""],
    "年度考核": ["合格", "优秀", "", "基本合格"],
    "学术造假": ["否", "", "是"],
}
BAD: dict[str, list[object]] = {
    "姓名": ["", "王\u200b五", "李\x7f四", "赵\x9b六", "长" * 60, "\u202e张三"],
    "工作单位": ["", "单" * 201, "设计院\u2066"],
    "单位性质": ["国企", "央企"],
    "单位隶属": ["区属"],
    "所在地区": ["杭州"],
    "申报专业": ["群众文化", "", "临床医学", "会计"],
    "申报资格": ["馆员", "", "主任医师"],
    "申报类型": ["特批"],
    "学历": ["小学", ""],
    "学位": ["学霸"],
    "从事专业技术工作年限": [6.5, -1, "abc", "", "六"],
    "现职称取得时间": ["2016-02-30", "昨天", -5],
    "公需科目学时": ["", "x", -3, "1e99"],
    "专业科目学时": ["", "很多"],
    "单位公示开始日期": ["2021-13-01"],
    "单位公示结束日期": ["2021-06-01", "明天"],
    "年度考核": ["良好"],
    "学术造假": ["不知道"],
    "联系电话": ["abc", "12", "电话"],
}


def _id_cell(rng: random.Random, index: int, bad: float, seen: list[str]) -> object:
    number = make_id(index * 7 + 13)
    if rng.random() >= bad:
        return rng.choice([number, number, number, f" {number} ", number.lower(), _wide(number)])
    return rng.choice(
        [
            number[:17] + ("0" if number[17] != "0" else "1"),  # check digit
            float(number[:17]) * 10,  # a number cell: digits lost
            number[:16],
            "330802199507152315",  # the template's example
            rng.choice(seen) if seen else number,  # repeated
            "990802199001011232",  # no such province
            "330802203001011232",  # born after the year
            "33080219901301123X",
            "3.30802199001011E+17",
        ]
    )


def _wide(text: str) -> str:
    return "".join(chr(ord(char) + 0xFEE0) if char.isdigit() else char for char in text)


def _rows(count: int, bad: float, seed: int, *, text_only: bool) -> list[dict[str, object]]:
    rng = random.Random(seed)
    rows: list[dict[str, object]] = []
    seen: list[str] = []
    for index in range(count):
        if rng.random() < bad / 4:
            rows.append(dict.fromkeys(FORM_HEADERS, rng.choice([None, "", " "])))  # a blank row
            continue
        row: dict[str, object] = {}
        for header in FORM_HEADERS:
            if header == "身份证号":
                row[header] = value = _id_cell(rng, index, bad, seen)
                if isinstance(value, str):
                    seen.append(value)
            elif header == "姓名" and rng.random() >= bad:
                row[header] = rng.choice([f"申报人{index}", f"张　{index}", f" 李{index} ", f"Ａ{index}"])
            elif header == "联系电话" and rng.random() >= bad:
                phone = f"138{index:08d}"
                row[header] = rng.choice([phone, int(phone), f"138-{index:08d}", _wide(phone), ""])
            elif header in BAD and rng.random() < bad:
                row[header] = rng.choice(BAD[header])
            else:
                row[header] = rng.choice(GOOD.get(header, [""]))
            if text_only and row[header] is not None and not isinstance(row[header], str):
                value = row[header]
                if value == 42000:  # an Excel date serial, which text does not give
                    value = dt.date(2014, 12, 28)
                row[header] = value.isoformat() if isinstance(value, dt.date) else str(value)
        rows.append(row)
    return rows


def _write_xlsx(path, rows):
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("申报人员")
    sheet.append(["衢州市2021年度职称申报人员汇总表"])
    sheet.append(list(FORM_HEADERS))
    for row in rows:
        sheet.append([row.get(header) for header in FORM_HEADERS])
    book.save(path)
    return path


def _reference(ctx, grid, committee_seq: int, source: str):
    """The old import's errors (first 1,000, total) and records, as it computed them."""
    with ctx.store.reading() as session:
        year = ctx.store.current_year(session)
        committee = queries.committee(session, year, committee_seq)
        others = queries.committees(session, year)
        rules = queries.ruleset(session, year)
    parsed = reference.parse_grid(grid, APPLICANT_FORM)
    checked = reference._check_rows(parsed.rows, parsed.sheet, parsed.headers, committee, others, rules, year)
    errors, total = first_errors(
        sorted(parsed.errors + checked, key=lambda error: (error.row, FIELD_ORDER.get(error.column, 99))),
        parsed.errors_total - len(parsed.errors),
    )
    records = [] if errors else [reference._record(row, year, committee_seq, source) for row in parsed.rows]
    return errors, total, records


CASES = [  # (rows, share of bad cells, seed, format)
    (3000, 0.0, 1, "xlsx"),
    (3000, 0.0, 2, "csv"),
    (3000, 0.004, 3, "xlsx"),
    (3000, 0.03, 4, "xlsx"),
    (3000, 0.03, 5, "csv"),
]


@pytest.mark.parametrize(("count", "bad", "seed", "kind"), CASES)
def test_reader_matches_the_per_cell_parse(tmp_path, count, bad, seed, kind):
    rows = _rows(count, bad, seed, text_only=kind == "csv")
    path = _write_xlsx(tmp_path / "a.xlsx", rows) if kind == "xlsx" else write_csv(tmp_path / "a.csv", rows)
    grid = reader.load_grid(path.read_bytes(), path.name)
    old = reference.parse_grid(grid, APPLICANT_FORM)
    new = reader.parse_grid(grid, APPLICANT_FORM)
    assert (new.sheet, new.headers, new.ignored) == (old.sheet, old.headers, old.ignored)
    assert len(new.rows) == len(old.rows)
    for got, expected in zip(new.rows, old.rows, strict=True):
        assert got.row == expected.row
        assert list(got.values.items()) == list(expected.values.items())  # every cell, in order
        assert [type(value) for value in got.values.values()] == [
            type(value) for value in expected.values.values()
        ]
    assert new.errors == old.errors
    assert new.errors_total == old.errors_total
    columns = reader.parse_columns(grid, APPLICANT_FORM)
    assert columns.numbers == [row.row for row in old.rows]
    for key, values in columns.values.items():
        assert values == [row.values[key] for row in old.rows], key
    if bad:
        assert old.errors_total > 0


@pytest.mark.parametrize(("count", "bad", "seed", "kind"), CASES)
def test_import_matches_the_per_cell_import(initialised, tmp_path, count, bad, seed, kind):
    rows = _rows(count, bad, seed, text_only=kind == "csv")
    path = _write_xlsx(tmp_path / "a.xlsx", rows) if kind == "xlsx" else write_csv(tmp_path / "a.csv", rows)
    errors, total, records = _reference(
        initialised, reader.load_grid(path.read_bytes(), path.name), 3, path.name
    )
    result = import_applicants(initialised, path, 3)
    assert result.errors == errors
    assert result.errors_total == total
    if bad:
        assert total > 0
        assert result.added == 0
        return
    assert not errors
    assert result.added == len(records) > 2000
    names = [name for name in records[0] if name != "imported_at"]
    table = Applicant.__table__
    with initialised.store.reading() as session:
        stored = session.execute(select(*(table.c[name] for name in names)).order_by(table.c.id)).all()
    assert [tuple(row) for row in stored] == [tuple(record[name] for name in names) for record in records]
    # Imported again unchanged: every data hash is the old one.
    again = import_applicants(initialised, path, 3)
    assert (again.added, again.updated, again.unchanged) == (0, 0, len(records))


def test_changed_rows_are_updated_as_before(initialised, tmp_path):
    rows = _rows(500, 0.0, 9, text_only=False)
    import_applicants(initialised, _write_xlsx(tmp_path / "a.xlsx", rows), 3)
    for row in rows[::7]:
        row["公需科目学时"] = 99
    path = _write_xlsx(tmp_path / "b.xlsx", rows)
    _, _, records = _reference(initialised, reader.load_grid(path.read_bytes(), path.name), 3, path.name)
    result = import_applicants(initialised, path, 3)
    assert (result.added, result.updated) == (0, len(rows[::7]))
    names = [name for name in records[0] if name != "imported_at"]
    table = Applicant.__table__
    with initialised.store.reading() as session:
        stored = session.execute(select(*(table.c[name] for name in names)).order_by(table.c.id)).all()
    changed = set(range(0, len(rows), 7))
    for index, (row, record) in enumerate(zip(stored, records, strict=True)):
        if index not in changed:  # unchanged: left as the first import wrote it
            record = {**record, "source_file": "a.xlsx"}
        assert tuple(row) == tuple(record[name] for name in names)
