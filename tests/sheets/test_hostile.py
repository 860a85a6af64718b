"""Hostile spreadsheets (SPEC §14, issue 14 items 3, 4 and 8): files made to crash, hang or flood
the reader, and cells made to act on a terminal or a page. Each is refused with a clear Chinese
message, exit 1, and nothing written.

The .xls fixture was written by LibreOffice (``soffice --headless --convert-to xls``) from the
12 applicants of ``many_form_rows(12)``; the byte offsets below are places in that file where one
changed byte (two, for the loop) made python-calamine 0.9 abort the process, panic, or
loop allocating without end.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from helpers import EXPERT_HEADERS, FORM_HEADERS, IDS, form_row, many_expert_rows, many_form_rows, write_csv

from qzzc.core.expert_forms import CONFLICT_FORM, EXPERT_FORM
from qzzc.core.forms import APPLICANT_FORM
from qzzc.core.tally import COUNTS_FORM
from qzzc.sheets import reader
from qzzc.sheets.reader import SheetError, read_sheet

FIXTURE = Path(__file__).parent.parent / "fixtures" / "applicants.xls"
OOM_AT = {4069: 125}  # a count that makes calamine allocate 3.7 TB: "memory allocation … failed", abort
PANIC_AT = {2556: 168}  # an index out of range: pyo3's PanicException (not an Exception)
RUNAWAY_AT = {6769: 47, 5931: 146}  # a loop that allocates without end

DAMAGED = "请在 Excel 中打开后另存为新的 .xlsx 文件，再导入"


def mutated(tmp_path: Path, changes: dict[int, int], name: str = "单位.xls") -> Path:
    data = bytearray(FIXTURE.read_bytes())
    for offset, value in changes.items():
        data[offset] = value
    path = tmp_path / name
    path.write_bytes(bytes(data))
    return path


def xlsx(sheet_data: str, dimension: str | None = None, sheet: str = "Sheet1") -> bytes:
    """A workbook zipped by hand: one sheet whose ``<sheetData>`` is ``sheet_data``."""
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f'<sheets><sheet name="{sheet}" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            "</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": (
            '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            + (f'<dimension ref="{dimension}"/>' if dimension else "")
            + f"<sheetData>{sheet_data}</sheetData></worksheet>"
        ),
    }  # fmt: skip
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def text_cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def form_rows_xml(count: int) -> str:
    """The header and ``count`` good rows of the applicant form, as sheet XML."""
    from qzzc.sheets.reader import column_name

    rows = [list(FORM_HEADERS), *([row[h] for h in FORM_HEADERS] for row in many_form_rows(count))]
    return "".join(
        f'<row r="{number}">'
        + "".join(text_cell(f"{column_name(index)}{number}", value) for index, value in enumerate(row))
        + "</row>"
        for number, row in enumerate(rows, start=1)
    )


def audit_entries(db: Path) -> list[tuple]:
    import sqlite3

    connection = sqlite3.connect(db)
    try:
        return connection.execute("SELECT seq, hash FROM audit_entries ORDER BY seq").fetchall()
    finally:
        connection.close()


@pytest.fixture
def refused(cli_initialised, db_path):
    """Runs an import that must be refused: returns its stderr after checking exit 1, no
    traceback, and no audit entry written."""

    def run(*args: str) -> str:
        before = audit_entries(db_path)
        result = cli_initialised(*args)
        assert result.exit_code == 1, result.stdout + result.stderr
        assert "Traceback" not in result.stdout + result.stderr
        assert audit_entries(db_path) == before
        return result.stderr

    return run


# -- item 3: native crashes ----------------------------------------------------------------------


def test_the_fixture_imports(cli_initialised):
    result = cli_initialised("import", str(FIXTURE), "--committee", "3")
    assert (result.exit_code, result.stdout) == (
        0,
        "导入完成：第 3 号评委会，工作表「申报人员」共 12 人；新增 12，更新 0，未变 0。\n",
    )


@pytest.mark.skipif(os.name != "posix", reason="an abort is a signal on POSIX")
@pytest.mark.parametrize("changes", [OOM_AT], ids=["oom"])
def test_the_mutation_really_aborts_a_process_that_parses_in_place(tmp_path, changes):
    """Proves the isolation is needed: python-calamine in this process would die with SIGABRT."""
    path = mutated(tmp_path, changes)
    code = f"import python_calamine; python_calamine.CalamineWorkbook.from_path({str(path)!r})"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == -6
    assert "memory allocation of 3779543071920 bytes failed" in done.stderr


def test_an_xls_that_aborts_the_native_reader_is_refused(refused, tmp_path):
    path = mutated(tmp_path, OOM_AT)
    assert refused("import", str(path), "-c", "3") == (
        f"错误：单位.xls 无法读取：文件已损坏，或其中的数据区域大得异常，读取程序中途异常退出。{DAMAGED}\n"
    )


def test_an_xls_that_panics_the_native_reader_is_refused(refused, tmp_path):
    path = mutated(tmp_path, PANIC_AT)
    assert refused("import", str(path), "-c", "3") == (
        "错误：单位.xls 不是有效的 Excel 工作簿（文件已损坏或并非表格文件）\n"
    )


@pytest.mark.skipif(os.name != "posix", reason="the child's address space is capped on POSIX")
def test_an_xls_that_sends_the_native_reader_into_a_runaway_loop_is_refused(refused, tmp_path):
    """Without a cap, this file grows the process by gigabytes a second, for ever."""
    path = mutated(tmp_path, RUNAWAY_AT)
    start = time.perf_counter()
    assert refused("import", str(path), "-c", "3") == (
        f"错误：单位.xls 无法读取：文件已损坏，或其中的数据区域大得异常，读取程序中途异常退出。{DAMAGED}\n"
    )
    assert time.perf_counter() - start < 10


def test_a_native_reader_that_never_answers_is_stopped(refused, monkeypatch):
    monkeypatch.setattr(reader, "READ_SECONDS", 1)
    monkeypatch.setattr(reader, "_CHILD", ("-c", "import time; time.sleep(60)"))
    start = time.perf_counter()
    assert refused("import", str(FIXTURE), "-c", "3") == (
        f"错误：applicants.xls 读取超时（1 秒仍未读完）：文件可能已损坏。{DAMAGED}\n"
    )
    assert time.perf_counter() - start < 10


def test_a_small_xlsx_claiming_cell_xfd1048576_is_refused_in_a_moment(refused, tmp_path):
    """1.5 KB: a header, a dimension of the whole sheet and one cell in its last corner; a dense
    grid of it would be 17 billion cells."""
    data = xlsx(
        f'<row r="1">{text_cell("A1", "姓名")}{text_cell("B1", "身份证号")}</row>'
        f'<row r="1048576">{text_cell("XFD1048576", "x")}</row>',
        dimension="A1:XFD1048576",
    )
    assert len(data) < 2000
    path = tmp_path / "单位.xlsx"
    path.write_bytes(data)
    start = time.perf_counter()
    assert refused("import", str(path), "-c", "3") == (
        "错误：单位.xlsx 的工作表「Sheet1」的数据一直延伸到第 1,048,576 行，超过 200,000 行的上限，未读取。"
        "请删除表格下方多余的行（或把数据分成几个文件导入）；确需更多行时可设置环境变量 QZZC_MAX_ROWS\n"
    )
    assert time.perf_counter() - start < 3


def test_a_dimension_claiming_the_whole_sheet_is_only_a_claim(cli_initialised, tmp_path):
    """Excel writes a dimension covering formatted cells; the data is what counts."""
    path = tmp_path / "单位.xlsx"
    path.write_bytes(
        xlsx(
            form_rows_xml(2) + '<row r="1048576"><c r="XFD1048576" s="1"/></row>',
            dimension="A1:XFD1048576",
        )
    )
    result = cli_initialised("import", str(path), "-c", "3")
    assert (result.exit_code, result.stdout) == (
        0,
        "导入完成：第 3 号评委会，工作表「Sheet1」共 2 人；新增 2，更新 0，未变 0。\n",
    )


# -- item 4: limits ------------------------------------------------------------------------------


def test_rows_beyond_qzzc_max_rows_are_refused(refused, tmp_path, monkeypatch):
    monkeypatch.setenv("QZZC_MAX_ROWS", "10")
    path = write_csv(tmp_path / "单位.csv", many_form_rows(12))
    assert refused("import", str(path), "-c", "3") == (
        "错误：单位.csv 的数据超过 10 行的上限，未读取。请删除表格下方多余的行（或把数据分成几个文件导入）；"
        "确需更多行时可设置环境变量 QZZC_MAX_ROWS\n"
    )
    assert refused("import", str(FIXTURE), "-c", "3") == (
        "错误：applicants.xls 的工作表「申报人员」的数据一直延伸到第 13 行，超过 10 行的上限，未读取。"
        "请删除表格下方多余的行（或把数据分成几个文件导入）；确需更多行时可设置环境变量 QZZC_MAX_ROWS\n"
    )
    monkeypatch.setenv("QZZC_MAX_ROWS", "13")
    assert cli_exit(tmp_path, FIXTURE) == 0


def cli_exit(tmp_path: Path, path: Path) -> int:
    from helpers import run_cli

    db = tmp_path / "another.db"
    assert run_cli("--db", str(db), "init").exit_code == 0
    return run_cli("--db", str(db), "import", str(path), "-c", "3").exit_code


def test_a_bad_qzzc_max_rows_is_named(refused, tmp_path, monkeypatch):
    monkeypatch.setenv("QZZC_MAX_ROWS", "很多")
    path = write_csv(tmp_path / "单位.csv", many_form_rows(2))
    assert refused("import", str(path), "-c", "3") == (
        "错误：环境变量 QZZC_MAX_ROWS 的值「很多」应为正整数（表格最多读取的行数）\n"
    )


def test_columns_beyond_200_are_refused(refused, tmp_path):
    path = tmp_path / "单位.xlsx"
    path.write_bytes(xlsx(form_rows_xml(2) + f'<row r="9">{text_cell("GS9", "备注")}</row>'))
    assert refused("import", str(path), "-c", "3") == (
        "错误：单位.xlsx 的工作表「Sheet1」的数据有 201 列（A 列到 GS 列），超过 200 列的上限，未读取。"
        "请删除表格右侧多余的列\n"
    )
    wide = tmp_path / "单位.csv"
    wide.write_text(",".join(FORM_HEADERS) + "\n" + "," * 200 + "x\n", encoding="utf-8")
    assert refused("import", str(wide), "-c", "3") == (
        "错误：单位.csv 第 2 行有 201 列，超过 200 列的上限，未读取。请删除表格右侧多余的列\n"
    )


def test_at_most_1000_errors_are_listed_then_counted(refused, cli_initialised, tmp_path):
    path = write_csv(tmp_path / "单位.csv", [{**row, "学历": "博士后"} for row in many_form_rows(1500)])
    lines = refused("import", str(path), "-c", "3").splitlines()
    assert lines[0] == "错误：单位.csv 有误，共 1500 处，未写入任何数据："
    assert (
        lines[1] == "  单位.csv 第 2 行「学历」（博士后）：应为 研究生 / 本科 / 大专 / 中专 / 高中及以下 之一"
    )
    assert len(lines) == 1 + 1000 + 1
    assert lines[-1] == "  ……另有 500 处错误未列出；请先改正以上各处，再导入"
    result = cli_initialised("import", str(path), "-c", "3", "--json")
    report = json.loads(result.stdout)
    assert (len(report["errors"]), report["errors_total"], report["errors"][-1]["row"]) == (1000, 1500, 1001)


def test_experts_import_counts_errors_beyond_1000(refused, cli_initialised, tmp_path):
    rows = [{**row, "职称级别": "高级"} for row in many_expert_rows(1200)]
    path = write_csv(tmp_path / "专家.csv", rows, EXPERT_HEADERS)
    lines = refused("experts", "import", str(path)).splitlines()
    assert (lines[0], len(lines), lines[-1]) == (
        "错误：专家.csv 有误，共 1200 处，未写入任何数据：",
        1002,
        "  ……另有 200 处错误未列出；请先改正以上各处，再导入",
    )
    report = json.loads(cli_initialised("experts", "import", str(path), "--json").stdout)
    assert (len(report["errors"]), report["errors_total"]) == (1000, 1200)


def test_a_column_of_bad_cells_keeps_only_the_first_1000(tmp_path):
    path = write_csv(
        tmp_path / "单位.csv", [{**row, "学历": "?", "学位": "?"} for row in many_form_rows(800)]
    )
    parsed = read_sheet(path.read_bytes(), path.name, APPLICANT_FORM)
    assert (len(parsed.errors), parsed.errors_total) == (1000, 1600)
    assert [(e.row, e.column) for e in parsed.errors[:3]] == [(2, "学历"), (2, "学位"), (3, "学历")]
    assert parsed.errors[-1].row == 501


# -- item 8: control, bidi and zero-width characters -----------------------------------------------

HIDDEN = [
    ("\x1b[2J张三", "控制字符（U+001B）", "□[2J张三"),
    ("张\x07三", "控制字符（U+0007）", "张□三"),
    ("张\x85三", "控制字符（U+0085）", "张□三"),
    ("张三\u202e", "改变文字显示方向的不可见字符（U+202E）", "张三□"),
    ("\u2066张三\u2069", "改变文字显示方向的不可见字符（U+2066）", "□张三□"),
    ("张\u200f三", "改变文字显示方向的不可见字符（U+200F）", "张□三"),
    ("张\u061c三", "改变文字显示方向的不可见字符（U+061C）", "张□三"),
    ("张\u200b三", "零宽度的不可见字符（U+200B）", "张□三"),
    ("张\u2060三", "零宽度的不可见字符（U+2060）", "张□三"),
    ("张\ufeff三", "零宽度的不可见字符（U+FEFF）", "张□三"),
]


@pytest.mark.parametrize(("text", "kind", "shown"), HIDDEN, ids=[repr(t[0]) for t in HIDDEN])
def test_hidden_characters_are_refused_with_row_and_column(tmp_path, text, kind, shown):
    path = write_csv(tmp_path / "单位.csv", [form_row(), form_row(身份证号="330802198512030027", 姓名=text)])
    parsed = read_sheet(path.read_bytes(), path.name, APPLICANT_FORM)
    assert [e.as_dict() for e in parsed.errors] == [
        {
            "sheet": "单位.csv",
            "row": 3,
            "column": "姓名",
            "value": shown,
            "message": f"含有{kind}，请删除后重新导入",
        }
    ]


def test_tab_and_line_breaks_in_a_cell_are_kept_as_spaces(tmp_path):
    """Alt+Enter in an Excel cell is a line break; it is text, folded into one space."""
    path = write_csv(tmp_path / "单位.csv", [form_row(工作单位="衢州市\n建筑\t设计院\r\n")])
    parsed = read_sheet(path.read_bytes(), path.name, APPLICANT_FORM)
    assert (parsed.errors, parsed.rows[0].values["unit"]) == ([], "衢州市 建筑 设计院")


def test_an_escape_sequence_never_reaches_the_terminal(refused, tmp_path):
    path = write_csv(tmp_path / "单位.csv", [form_row(姓名="\x1b]8;;https://x.cn\x1b\\点此\x1b]8;;\x1b\\")])
    assert refused("import", str(path), "-c", "3") == (
        "错误：单位.csv 有误，共 1 处，未写入任何数据：\n"
        "  单位.csv 第 2 行「姓名」（□]8;;https://x.cn□\\点此□]8;;□\\）：含有控制字符（U+001B），请删除后重新导入\n"
    )


def test_an_id_number_with_a_zero_width_space_is_refused_masked(tmp_path):
    path = write_csv(tmp_path / "单位.csv", [form_row(身份证号="330802\u200b199001011232")])
    parsed = read_sheet(path.read_bytes(), path.name, APPLICANT_FORM)
    assert [(e.row, e.column, e.message) for e in parsed.errors] == [
        (2, "身份证号", "含有零宽度的不可见字符（U+200B），请删除后重新导入")
    ]
    assert "199001011232" not in parsed.errors[0].value


def test_a_bidi_override_in_an_xlsx_cell_is_refused(tmp_path):
    path = tmp_path / "单位.xlsx"
    name = many_form_rows(1)[0]["姓名"]
    path.write_bytes(xlsx(form_rows_xml(1).replace(text_cell("A2", name), text_cell("A2", "张\u202e三"))))
    parsed = read_sheet(path.read_bytes(), path.name, APPLICANT_FORM)
    assert [(e.sheet, e.row, e.column, e.value) for e in parsed.errors] == [("Sheet1", 2, "姓名", "张□三")]


@pytest.mark.parametrize(
    ("form", "header", "row", "column"),
    [
        (EXPERT_FORM, list(EXPERT_HEADERS), [*many_expert_rows(1)[0].values()], 0),
        (COUNTS_FORM, ["身份证号", "姓名", "同意", "不同意", "弃权"], [IDS[0], "张三", 6, 1, 0], 1),
        (
            CONFLICT_FORM,
            ["专家身份证号", "申报人身份证号", "原因"],
            [many_expert_rows(1)[0]["身份证号"], IDS[0], "亲属"],
            2,
        ),
    ],
    ids=["experts", "counts", "conflicts"],
)
def test_every_form_refuses_hidden_characters(tmp_path, form, header, row, column):
    row = list(row)
    row[column] = f"{row[column]}\u200d"
    path = tmp_path / "a.csv"
    path.write_text(",".join(header) + "\n" + ",".join(map(str, row)) + "\n", encoding="utf-8")
    parsed = read_sheet(path.read_bytes(), path.name, form)
    assert [(e.row, e.column, e.message) for e in parsed.errors] == [
        (2, header[column], "含有零宽度的不可见字符（U+200D），请删除后重新导入")
    ]


# -- SPEC §13: a file error names the file and the sheet ------------------------------------------


def test_no_header_lists_the_sheets_and_suggests_sheet(refused, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "填写说明"
    book.active.append(["请在第二个工作表中填写"])
    data = book.create_sheet("申报人员")
    data.append(list(FORM_HEADERS))
    path = tmp_path / "单位.xlsx"
    book.save(path)
    assert refused("import", str(path), "-c", "3") == (
        "错误：单位.xlsx 的工作表「填写说明」中找不到表头行：前 20 行中没有包含 姓名、身份证号、工作单位、申报专业、"
        "申报资格、学历、从事专业技术工作年限、公需科目学时、专业科目学时 等列名的行。工作簿中的工作表有：填写说明、申报人员；"
        "数据若在其他工作表，请用 --sheet 指定\n"
    )


def test_a_gb18030_file_without_a_header_suggests_the_encoding(tmp_path):
    path = tmp_path / "单位.csv"
    path.write_bytes("姓名,身分證字號,同意\n張三,1,2\n".encode("big5"))
    with pytest.raises(SheetError) as caught:
        read_sheet(path.read_bytes(), path.name, COUNTS_FORM)
    assert caught.value.message.endswith(
        "。文件按 GB18030（GBK）编码读取；若其中的中文是乱码，请在 Excel 中另存为“CSV UTF-8”后再导入"
    )


# -- the memory test: a million rows in a process of its own, under a memory limit ---------------

LIMIT = 1536 << 20  # bytes of address space


def _limited() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (LIMIT, LIMIT))


@pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_AS is enforced on Linux")
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_million_rows_are_refused_fast_under_a_memory_limit(tmp_path, suffix):
    rows = 1_000_000
    path = tmp_path / f"junk{suffix}"
    if suffix == ".csv":
        path.write_text("姓名,身份证号\n" + "x,1\n" * rows, encoding="utf-8")
    else:
        body = "".join(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(2, rows + 2))
        path.write_bytes(
            xlsx(f'<row r="1">{text_cell("A1", "姓名")}{text_cell("B1", "身份证号")}</row>{body}')
        )
    assert path.stat().st_size < 10 << 20
    db = tmp_path / "qzzc.db"
    qzzc = [sys.executable, "-m", "qzzc", "--db", str(db)]
    subprocess.run([*qzzc, "init"], check=True, capture_output=True)
    start = time.perf_counter()
    done = subprocess.run(
        [*qzzc, "import", str(path), "-c", "3"], capture_output=True, text=True, preexec_fn=_limited
    )
    seconds = time.perf_counter() - start
    where = (
        "junk.csv 的数据超过 200,000 行"
        if suffix == ".csv"
        else "junk.xlsx 的工作表「Sheet1」的数据一直延伸到第 1,000,001 行，超过 200,000 行"
    )
    assert (done.returncode, done.stderr.split("的上限")[0]) == (1, f"错误：{where}")
    assert seconds < 10


def test_rows_keep_their_excel_numbers_when_the_data_starts_lower_and_further_right(tmp_path):
    """iter_rows gives the rows from row 1 on; a table at C5 has its first data row at 6."""
    from qzzc.sheets.reader import column_name

    rows = [list(FORM_HEADERS), *([row[h] for h in FORM_HEADERS] for row in many_form_rows(2))]
    xml = "".join(
        f'<row r="{number}">'
        + "".join(text_cell(f"{column_name(index + 2)}{number}", value) for index, value in enumerate(row))
        + "</row>"
        for number, row in enumerate(rows, start=5)
    )
    path = tmp_path / "单位.xlsx"
    path.write_bytes(xlsx(xml))
    parsed = read_sheet(path.read_bytes(), path.name, APPLICANT_FORM)
    assert (parsed.errors, [row.row for row in parsed.rows]) == ([], [6, 7])
