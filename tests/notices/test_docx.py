"""The .docx documents' layout (GB/T 9704-2012, SPEC §12), read from their XML; the ballot's
anonymity; the draw record's program, run as printed; an office's own .docx template."""

from __future__ import annotations

import json
import re
import zipfile

import pytest
from helpers import IDS
from lxml import etree

from qzzc.errors import QzzcError, UsageError
from qzzc.services.notices import render_notice

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MM = 1440 / 25.4  # twips per millimetre
DOCX = [
    "announcement",
    "pre-review",
    "result",
    "filing-form",
    "draw-record",
    "sign-in",
    "ballot",
    "tally-sheet",
]


def options(kind, meeting):
    import datetime as dt

    return {
        "announcement": {"committee": 3, "issued": dt.date(2021, 8, 2)},
        "pre-review": {"committee": 3, "start": dt.date(2021, 9, 28)},
        "result": {"meeting": meeting, "start": dt.date(2021, 10, 21)},
        "filing-form": {"meeting": meeting, "start": dt.date(2021, 10, 21), "issued": dt.date(2021, 11, 1)},
    }.get(kind, {"meeting": meeting})


def make(documents, tmp_path, kind, suffix=".docx"):
    ctx, meeting = documents
    out = tmp_path / f"{kind}{suffix}"
    render_notice(ctx, kind, out, **options(kind, meeting))
    return out


def parts(path):
    with zipfile.ZipFile(path) as archive:
        return {
            name: etree.fromstring(archive.read(name))
            for name in archive.namelist()
            if name.startswith("word/") and name.endswith(".xml") and "/theme/" not in name
        }


@pytest.mark.parametrize("kind", DOCX)
def test_page_is_a4_with_the_standard_margins(documents, tmp_path, kind):
    document = parts(make(documents, tmp_path, kind))["word/document.xml"]
    sect = document.find(f"{W}body/{W}sectPr")
    size, margins = sect.find(f"{W}pgSz"), sect.find(f"{W}pgMar")
    assert (round(int(size.get(f"{W}w")) / MM), round(int(size.get(f"{W}h")) / MM)) == (210, 297)
    for side, mm in {"top": 37, "bottom": 35, "left": 28, "right": 26}.items():
        assert abs(int(margins.get(f"{W}{side}")) / MM - mm) <= 1, side


@pytest.mark.parametrize("kind", DOCX)
def test_every_run_and_style_names_its_east_asian_font(documents, tmp_path, kind):
    xml = parts(make(documents, tmp_path, kind))
    runs = [
        r
        for name, root in xml.items()
        if name.startswith(("word/document", "word/footer"))
        for r in root.iter(f"{W}r")
    ]
    assert runs
    for run in runs:
        fonts = run.find(f"{W}rPr/{W}rFonts")
        assert fonts is not None
        assert fonts.get(f"{W}eastAsia")
        assert fonts.get(f"{W}ascii")
        assert fonts.get(f"{W}hAnsi")
    default = xml["word/styles.xml"].find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts")
    assert default.get(f"{W}eastAsia") == "仿宋_GB2312"


@pytest.mark.parametrize("kind", ["announcement", "pre-review", "result"])
def test_title_body_and_page_numbers_follow_the_standard(documents, tmp_path, kind):
    xml = parts(make(documents, tmp_path, kind))
    document = xml["word/document.xml"]
    first = document.find(f"{W}body/{W}p/{W}r/{W}rPr")
    assert (first.find(f"{W}rFonts").get(f"{W}eastAsia"), first.find(f"{W}sz").get(f"{W}val")) == (
        "方正小标宋简体",
        "44",
    )
    sizes = {
        r.find(f"{W}rPr/{W}sz").get(f"{W}val")
        for r in document.iter(f"{W}r")
        if r.findtext(f"{W}t", "").startswith("根据")
    }
    assert sizes == {"32"}
    footers = [root for name, root in xml.items() if name.startswith("word/footer")]
    texts = ["".join(t.text or "" for t in f.iter(f"{W}t", f"{W}instrText")) for f in footers]
    assert sorted(texts) == ["—  PAGE 1 —", "—  PAGE 1 —"]
    for footer in footers:
        fonts = {
            (r.find(f"{W}rPr/{W}rFonts").get(f"{W}eastAsia"), r.find(f"{W}rPr/{W}sz").get(f"{W}val"))
            for r in footer.iter(f"{W}r")
        }
        assert fonts == {("宋体", "28")}


def test_the_filing_form_counts_its_pages_and_has_a_seal_box(documents, tmp_path):
    xml = parts(make(documents, tmp_path, "filing-form"))
    footer = "".join(
        "".join(t.text or "" for t in root.iter(f"{W}t", f"{W}instrText"))
        for name, root in xml.items()
        if name.startswith("word/footer")
    )
    assert re.sub(r"\s+", "", footer) == "第PAGE1页共NUMPAGES1页"
    heights = [int(h.get(f"{W}val")) / MM for h in xml["word/document.xml"].iter(f"{W}trHeight")]
    assert max(heights) >= 42


@pytest.mark.parametrize(
    "kind", ["pre-review", "result", "filing-form", "sign-in", "ballot", "tally-sheet", "draw-record"]
)
def test_tables_repeat_their_header_and_no_row_splits(documents, tmp_path, kind):
    document = parts(make(documents, tmp_path, kind))["word/document.xml"]
    tables = list(document.iter(f"{W}tbl"))
    assert tables
    for table in tables:
        rows = table.findall(f"{W}tr")
        assert all(row.find(f"{W}trPr/{W}cantSplit") is not None for row in rows)
        assert table.find(f"{W}tblPr/{W}tblLayout").get(f"{W}type") == "fixed"
    listed = [t for t in tables if t.find(f"{W}tr/{W}trPr/{W}tblHeader") is not None]
    assert listed
    for table in listed:
        rows = table.findall(f"{W}tr")
        assert [r.find(f"{W}trPr/{W}tblHeader") is not None for r in rows] == [True] + [False] * (
            len(rows) - 1
        )
        # the header keeps with the first rows: no lone row at a page's foot
        assert rows[0].find(f".//{W}keepNext") is not None


def test_column_widths_keep_unit_names_on_one_line():
    from qzzc.notices.docx import TEXT_WIDTH_PT, column_layout, text_width

    unit = "衢州市建筑设计研究院有限公司"
    size, widths = column_layout(
        ("序号", "姓名", "性别", "工作单位", "申报资格", "申报专业"),
        [(1, "张三", "男", unit, "工程师", "建筑设计")],
    )
    assert sum(widths) <= TEXT_WIDTH_PT + 0.01
    assert widths[3] >= text_width(unit, size)


def test_the_ballot_names_no_expert_and_has_one_page_per_member(documents, tmp_path):
    from helpers import expert_member

    path = make(documents, tmp_path, "ballot")
    with zipfile.ZipFile(path) as archive:
        text = " ".join(archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".xml"))
    experts = [expert_member(i) for i in range(1, 12)]
    assert [e["name"] for e in experts if e["name"] in text] == []
    assert [e["id_number"] for e in experts if e["id_number"] in text] == []
    assert [e["id_number"][-4:] for e in experts if "*" + e["id_number"][-4:] in text] == []
    assert text.count('w:type="page"') == 9 - 1  # nine members, one ballot a page
    html = make(documents, tmp_path, "ballot", ".html").read_text(encoding="utf-8")
    assert html.count('<section class="break">') == 9
    assert [e["name"] for e in experts if e["name"] in html] == []


def test_an_office_docx_template_is_filled_sandboxed(documents, tmp_path):
    import docx

    ctx, _ = documents
    own = docx.Document()
    own.add_paragraph("{{ office.committee }}：{% for a in applicants %}{{ a.name }}；{% endfor %}")
    path = tmp_path / "模板.docx"
    own.save(str(path))
    out = tmp_path / "pre.docx"
    render_notice(ctx, "pre-review", out, **options("pre-review", 0), template=path)
    text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    assert text.startswith("衢州市建筑工程技术人员中级职务评审委员会：")
    assert "<script>alert(1)</script>" in text  # escaped in the XML, read back as text
    hostile = docx.Document()
    hostile.add_paragraph("{{ office.__class__.__mro__ }}")
    hostile.save(str(path))
    with pytest.raises(QzzcError, match=r"模板「模板\.docx」有误"):
        render_notice(ctx, "pre-review", tmp_path / "x.docx", **options("pre-review", 0), template=path)


def test_a_template_that_is_not_a_docx_is_refused(documents, tmp_path):
    ctx, _ = documents
    fake = tmp_path / "模板.docx"
    fake.write_text("not a word file", encoding="utf-8")
    with pytest.raises(QzzcError, match="不是 Word 文档"):
        render_notice(ctx, "pre-review", tmp_path / "x.docx", **options("pre-review", 0), template=fake)
    own = tmp_path / "own.md.j2"
    own.write_text("x", encoding="utf-8")
    with pytest.raises(UsageError, match=r"Word 文件（\.docx）须用 Word 模板"):
        render_notice(ctx, "pre-review", tmp_path / "x.docx", **options("pre-review", 0), template=own)


def test_the_draw_record_json_is_internal_and_complete(documents, tmp_path):
    data = json.loads(make(documents, tmp_path, "draw-record", ".json").read_text(encoding="utf-8"))
    assert sorted(data) == sorted(
        ["format", "meeting", "committee", "date", "draw", "algorithm", "seed", "candidate_digest", "size",
         "alternates_count", "quotas", "candidates", "members", "alternates"]
    )  # fmt: skip
    assert [m["id_number"] for m in data["members"]][:1]
    assert IDS[0] not in json.dumps(data)
