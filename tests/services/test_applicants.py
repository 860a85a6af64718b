import pytest
from helpers import IDS, count_rows, form_row, write_csv, write_xlsx

from qzzc.errors import UnknownCommittee
from qzzc.services.applicants import import_applicants, list_applicants
from qzzc.store.models import Applicant, AuditEntry


def rows3():
    return [form_row(), form_row(姓名="李四", 身份证号=IDS[1]), form_row(姓名="王五", 身份证号=IDS[2])]


def test_import_adds_then_nothing_then_updates(initialised, tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", rows3(), titles=("申报人员汇总表",))
    first = import_applicants(initialised, path, 3)
    assert (first.added, first.updated, first.unchanged, first.errors) == (3, 0, 0, [])
    second = import_applicants(initialised, path, 3)
    assert (second.added, second.updated, second.unchanged) == (0, 0, 3)
    changed = rows3()
    changed[1]["公需科目学时"] = "70"
    third = import_applicants(initialised, write_xlsx(tmp_path / "b.xlsx", changed), 3)
    assert (third.added, third.updated, third.unchanged) == (0, 1, 2)
    assert count_rows(initialised, Applicant) == 3
    listed = {item["name"]: item for item in list_applicants(initialised, 3)}
    assert listed["李四"]["public_hours"] == 70
    assert listed["李四"]["gender"] == "女"
    assert listed["张三"]["birth_date"] == "1990-01-01"
    assert listed["张三"]["verdict"] is None
    assert count_rows(initialised, AuditEntry) == 1 + 3


def test_refusal_writes_nothing_and_lists_all(initialised, tmp_path):
    rows = [
        *rows3(),
        form_row(姓名="赵六", 身份证号=IDS[0]),  # duplicate of row 2
        form_row(姓名="钱七", 身份证号=IDS[3], 申报专业="群众文化"),
        form_row(姓名="孙八", 身份证号="330802199001011233", 申报资格="馆员"),
        form_row(姓名="周九", 身份证号=3.30802199001011e17, 单位公示结束日期="2021-06-01"),
    ]
    result = import_applicants(initialised, write_xlsx(tmp_path / "bad.xlsx", rows), 3)
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (5, "身份证号", "身份证号与第 2 行重复，同一人在一个文件中只能有一行"),
        (
            6,
            "申报专业",
            "不是本评委会的评审专业（本评委会评审：建筑设计、风景园林（景观设计）、建筑结构、工程勘察、岩土工程、燃气工程、暖通工程、建筑电气（建筑智能化）等）",
        ),
        (7, "身份证号", "校验位不符，请核对号码"),
        (
            7,
            "申报资格",
            "本评委会既不评审也不推荐此职称（可申报：工程师、助理工程师、高级工程师、正高级工程师）",
        ),
        (
            8,
            "身份证号",
            "身份证号被 Excel 存成了数字，末尾几位已丢失，无法还原；请把该列设为“文本”格式后重新录入身份证号",
        ),
        (8, "单位公示结束日期", "公示结束日期早于开始日期（2021-06-21）"),
    ]
    assert (result.added, result.updated, result.unchanged) == (0, 0, 0)
    assert count_rows(initialised, Applicant) == 0
    assert count_rows(initialised, AuditEntry) == 1


def test_dry_run_counts_but_writes_nothing(initialised, tmp_path):
    result = import_applicants(initialised, write_csv(tmp_path / "a.csv", rows3()), 3, dry_run=True)
    assert (result.added, result.errors) == (3, [])
    assert count_rows(initialised, Applicant) == 0


def test_committee_1_takes_other_specialties_but_not_another_committees(initialised, tmp_path):
    rows = [form_row(申报专业="电子商务"), form_row(身份证号=IDS[1], 申报专业="建筑设计")]
    result = import_applicants(initialised, write_csv(tmp_path / "a.csv", rows), 1)
    assert [(e.row, e.message) for e in result.errors] == [
        (3, "该专业由第 3 号评委会（衢州市建筑工程技术人员中级职务评审委员会）评审，请向该评委会申报")
    ]


def test_unknown_committee(initialised, tmp_path):
    with pytest.raises(UnknownCommittee):
        import_applicants(initialised, write_csv(tmp_path / "a.csv", rows3()), 99)
