"""The four documents in every format, against golden files made from a fixed store.

Refresh the golden files on purpose with ``QZZC_REFRESH_GOLDEN=1 pytest tests/notices``, then
read the diff before committing it.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from fixed_store import FORMULA_UNIT, HOSTILE_NAME
from helpers import IDS

from qzzc.services.notices import render_notice

GOLDEN = Path(__file__).parents[1] / "golden"
CASES = [
    ("announcement", ".html"), ("announcement", ".md"),
    ("pre-review", ".html"), ("pre-review", ".md"), ("pre-review", ".xlsx"),
    ("result", ".html"), ("result", ".md"), ("result", ".xlsx"),
    ("filing-form", ".html"), ("filing-form", ".md"), ("filing-form", ".xlsx"),
    ("announcement", ".docx"), ("pre-review", ".docx"), ("result", ".docx"), ("filing-form", ".docx"),
    ("draw-record", ".docx"), ("draw-record", ".html"), ("draw-record", ".xlsx"),
    ("sign-in", ".docx"), ("sign-in", ".html"), ("sign-in", ".xlsx"),
    ("ballot", ".docx"), ("ballot", ".html"),
    ("tally-sheet", ".docx"), ("tally-sheet", ".html"), ("tally-sheet", ".xlsx"),
]  # fmt: skip
PUBLIC = [case for case in CASES if case[0] in ("announcement", "pre-review", "result", "filing-form")]


def options(kind: str, meeting: int) -> dict:
    return {
        "announcement": {"committee": 3, "issued": dt.date(2021, 8, 2)},
        "pre-review": {"committee": 3, "start": dt.date(2021, 9, 28)},
        "result": {"meeting": meeting, "start": dt.date(2021, 10, 21)},
        "filing-form": {
            "meeting": meeting,
            "start": dt.date(2021, 10, 21),
            "issued": dt.date(2021, 11, 1),
            "place": "市住建局三楼会议室",
        },
    }.get(kind, {"meeting": meeting})


def docx_text(path: Path) -> str:
    """A .docx as the text of its document.xml and footers: each paragraph a line (table cells
    joined by " | "), then the page fields — what the golden files compare."""
    import zipfile

    from lxml import etree

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    lines = []
    with zipfile.ZipFile(path) as archive:
        names = ["word/document.xml", *sorted(n for n in archive.namelist() if n.startswith("word/footer"))]
        for name in names:
            root = etree.fromstring(archive.read(name))
            lines.append(f"[{name}]")
            body = root.find(f"{w}body") if name == "word/document.xml" else root
            for element in body:
                if element.tag == f"{w}tbl":
                    for row in element.iter(f"{w}tr"):
                        cells = ["".join(t.text or "" for t in tc.iter(f"{w}t")) for tc in row.iter(f"{w}tc")]
                        lines.append(" | ".join(cells))
                elif element.tag == f"{w}p":
                    parts = []
                    for node in element.iter(f"{w}t", f"{w}instrText", f"{w}br"):
                        if node.tag == f"{w}instrText":
                            parts.append("{" + (node.text or "").strip() + "}")
                        elif node.tag == f"{w}br":
                            parts.append("⏎" if node.get(f"{w}type") == "page" else "↵")
                        else:
                            parts.append(node.text or "")
                    lines.append("".join(parts))
    return "\n".join(lines) + "\n"


def xlsx_values(path: Path) -> str:
    """The cell values of a workbook as text, one row a line, with each string's data type."""
    from openpyxl import load_workbook

    sheet = load_workbook(path).active
    lines = []
    for row in sheet.iter_rows():
        cells = [
            f"{cell.value}" + ("" if cell.data_type in ("s", "n") else f"[{cell.data_type}]")
            for cell in row
            if cell.value is not None
        ]
        if cells:
            lines.append(" | ".join(cells))
    return "\n".join(lines) + "\n"


def rendered(documents, tmp_path, kind, suffix) -> str:
    ctx, meeting = documents
    out = tmp_path / f"{kind}{suffix}"
    render_notice(ctx, kind, out, **options(kind, meeting))
    if suffix == ".docx":
        return docx_text(out)
    return xlsx_values(out) if suffix == ".xlsx" else out.read_text(encoding="utf-8")


@pytest.mark.parametrize(("kind", "suffix"), CASES)
def test_matches_golden(documents, tmp_path, kind, suffix):
    text = rendered(documents, tmp_path, kind, suffix)
    golden = GOLDEN / f"{kind}{suffix}{'.txt' if suffix in ('.xlsx', '.docx') else ''}"
    if os.environ.get("QZZC_REFRESH_GOLDEN") == "1":
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize(("kind", "suffix"), CASES)
def test_no_id_number_or_personal_phone(documents, tmp_path, kind, suffix):
    text = rendered(documents, tmp_path, kind, suffix)
    assert [number for number in IDS if number in text] == []
    assert re.findall(r"1[3-9]\d{9}", text) == []


def test_html_escapes_applicant_text(documents, tmp_path):
    text = rendered(documents, tmp_path, "pre-review", ".html")
    assert HOSTILE_NAME not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_xlsx_keeps_formula_text_as_text(documents, tmp_path):
    from openpyxl import load_workbook

    ctx, meeting = documents
    out = tmp_path / "result.xlsx"
    render_notice(ctx, "result", out, **options("result", meeting))
    cells = [
        cell for row in load_workbook(out).active.iter_rows() for cell in row if cell.value == FORMULA_UNIT
    ]
    assert [cell.data_type for cell in cells] == ["s"]


def test_html_is_one_self_contained_a4_page(documents, tmp_path):
    text = rendered(documents, tmp_path, "pre-review", ".html")
    assert "@page { size: A4;" in text
    assert "thead { display: table-header-group; }" in text
    assert re.findall(r"(?:src|href)=", text) == []


def test_result_lists_only_passed(documents, tmp_path):
    text = rendered(documents, tmp_path, "result", ".md")
    assert ("张三" in text, "李四" in text) == (True, False)


def test_office_template_is_used_first(documents, tmp_path):
    ctx, _ = documents
    own = tmp_path / "own.md.j2"
    own.write_text(
        "{{ office.committee }}：{{ applicants | length }} 人，{{ period.text }}\n", encoding="utf-8"
    )
    out = tmp_path / "pre.md"
    render_notice(ctx, "pre-review", out, committee=3, start=dt.date(2021, 9, 28), template=own)
    assert (
        out.read_text(encoding="utf-8")
        == "衢州市建筑工程技术人员中级职务评审委员会：3 人，2021年9月28日至2021年10月9日\n"
    )


@pytest.mark.parametrize("name", ["own.j2", "own.htm", "公告模板.txt"])
def test_an_office_template_for_html_is_autoescaped_whatever_its_name(documents, tmp_path, name):
    ctx, _ = documents
    own = tmp_path / name
    own.write_text("{% for a in applicants %}{{ a.name }};{% endfor %}\n", encoding="utf-8")
    out = tmp_path / "pre.html"
    render_notice(ctx, "pre-review", out, committee=3, start=dt.date(2021, 9, 28), template=own)
    text = out.read_text(encoding="utf-8")
    assert HOSTILE_NAME not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_the_markdown_form_escapes_expert_names(documents, tmp_path):
    from helpers import writing
    from sqlmodel import select

    from qzzc.store.models import Draw

    ctx, meeting = documents
    with writing(ctx) as session:
        draw = session.exec(select(Draw)).one()
        members = [dict(member) for member in draw.members]
        members[0]["name"] = "王|五<b>"
        draw.members = members
        session.add(draw)
    out = tmp_path / "备案表.md"
    render_notice(ctx, "filing-form", out, meeting=meeting, start=dt.date(2021, 10, 21), place="三楼")
    line = next(
        line for line in out.read_text(encoding="utf-8").splitlines() if line.startswith("| 出席专家 |")
    )
    assert line.startswith("| 出席专家 | 王\\|五&lt;b&gt;、")
    assert line.count(" | ") == 1
    assert line.endswith(" |")
