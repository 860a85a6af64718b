"""Importing and listing the expert pool (SQLite and PostgreSQL)."""

from helpers import make_id, write_csv, write_xlsx
from sqlmodel import select

from qzzc.core.privacy import mask_id
from qzzc.errors import CellError
from qzzc.services.experts import import_experts, list_experts
from qzzc.store.models import AuditEntry, Expert

HEADERS = (
    "姓名",
    "身份证号",
    "工作单位",
    "所在地区",
    "专业",
    "职称",
    "职称级别",
    "联系电话",
    "状态",
    "所属评委会",
)
ID1, ID2, ID3 = make_id(1, "330881"), make_id(2, "330881"), make_id(3, "330881")


def expert(**changes):
    row = {
        "姓名": "李四", "身份证号": ID1, "工作单位": "衢州市住建局", "所在地区": "市本级",
        "专业": "建筑设计、给排水", "职称": "高级工程师", "职称级别": "副高级",
        "联系电话": "13900001111", "状态": "", "所属评委会": "3，4",
    }  # fmt: skip
    row.update(changes)
    return row


def test_import_then_again_adds_updates_and_leaves(initialised, tmp_path):
    path = write_xlsx(
        tmp_path / "专家库.xlsx",
        [expert(), expert(姓名="王五", 身份证号=ID2, 状态="暂停", 所属评委会="3")],
        HEADERS,
        titles=["2021年度专家库"],
        sheet="专家",
    )
    first = import_experts(initialised, path)
    assert (first.sheet, first.rows, first.added, first.updated, first.unchanged, first.errors) == (
        "专家",
        2,
        2,
        0,
        0,
        [],
    )
    with initialised.store.reading() as session:
        stored = session.exec(select(Expert).order_by(Expert.id_number)).all()
    assert [(e.name, e.specialties, e.committees, e.status, e.title_level) for e in stored] == [
        ("李四", ["建筑设计", "给排水"], [3, 4], "在库", "副高级"),
        ("王五", ["建筑设计", "给排水"], [3], "暂停", "副高级"),
    ]
    again = write_csv(
        tmp_path / "专家库.csv",
        [expert(), expert(姓名="王五", 身份证号=ID2, 状态="在库", 所属评委会="3"), expert(身份证号=ID3)],
        HEADERS,
        encoding="gb18030",
    )
    second = import_experts(initialised, again)
    assert (second.added, second.updated, second.unchanged) == (1, 1, 1)
    assert [e.id_number for e in list_experts(initialised, 4)] == [ID1, ID3]


def test_every_bad_cell_is_reported_and_nothing_written(initialised, tmp_path):
    path = write_csv(
        tmp_path / "专家.csv",
        [
            expert(身份证号="330881196001010010", 职称级别="中级"),
            expert(身份证号=ID2, 所属评委会="3、99", 状态="退休"),
            expert(身份证号=ID2, 姓名=""),
        ],
        HEADERS,
    )
    result = import_experts(initialised, path)
    assert result.errors == [
        CellError("专家.csv", 2, "身份证号", mask_id("330881196001010010"), "校验位不符，请核对号码"),
        CellError("专家.csv", 2, "职称级别", "中级", "应为 副高级 / 正高级 之一"),
        CellError("专家.csv", 3, "状态", "退休", "应为 在库 / 暂停 之一"),
        CellError("专家.csv", 3, "所属评委会", "99", "本年度计划中没有这个序号的评委会（序号 1–25）"),
        CellError("专家.csv", 4, "姓名", "", "必填项为空"),
        CellError(
            "专家.csv", 4, "身份证号", mask_id(ID2), "身份证号与第 3 行重复，同一人在一个文件中只能有一行"
        ),
    ]
    with initialised.store.reading() as session:
        assert session.exec(select(Expert)).all() == []
        assert [e.command for e in session.exec(select(AuditEntry))] == ["init"]


def test_dry_run_writes_nothing(initialised, tmp_path):
    path = write_csv(tmp_path / "专家.csv", [expert()], HEADERS)
    result = import_experts(initialised, path, dry_run=True)
    assert (result.added, result.errors) == (1, [])
    assert list_experts(initialised) == []
