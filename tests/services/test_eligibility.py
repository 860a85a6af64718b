"""The eligibility check on a real store, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from helpers import add_applicants, applicant_row
from sqlmodel import select

from qzzc.errors import CalendarUnknown, NotFound, QzzcError, UnknownCommittee, UsageError
from qzzc.services.eligibility import check_eligibility, settle
from qzzc.store.models import AuditEntry, VerdictRecord

GOOD = "330802199001011234"
SHORT = "330802199202021238"  # 53 public hours
OFFICE = "330802198505051235"  # 事业单位, post ratio not confirmed


@pytest.fixture
def three(initialised):
    add_applicants(
        initialised,
        applicant_row(id_number=GOOD),
        applicant_row(id_number=SHORT, name="李四", public_hours=53.0),
        applicant_row(id_number=OFFICE, name="王五", unit_type="事业单位"),
    )
    return initialised


def verdicts(ctx) -> dict[int, tuple]:
    with ctx.store.reading() as session:
        return {
            record.applicant_id: (record.verdict, record.settled, record.settled_verdict)
            for record in session.exec(select(VerdictRecord))
        }


def audit(ctx) -> list[AuditEntry]:
    with ctx.store.reading() as session:
        return list(session.exec(select(AuditEntry).order_by(AuditEntry.seq)))


def test_check_stores_each_verdict_with_its_reasons(three):
    result = check_eligibility(three)
    assert result.counts == {"eligible": 1, "ineligible": 1, "review": 1}
    assert [(item.id_number, item.verdict) for item in result.applicants] == [
        (OFFICE, "review"),
        (GOOD, "eligible"),
        (SHORT, "ineligible"),
    ]
    assert result.applicants[2].reasons == (
        {
            "rule": "cpd.public",
            "message": "公需科目学时 53，少于 54（申报中级，2019-2021年累计）",
            "figures": {"hours": 53.0, "needed": 54.0},
        },
    )
    assert result.by_rule == {"cpd.public": 1, "post.ratio": 1}
    assert result.notes == {
        "规则文件未设定第 3 号评委会中级的专业科目学时要求（cpd.professional），未审查": 3
    }
    assert sorted(verdict for verdict, _, _ in verdicts(three).values()) == [
        "eligible",
        "ineligible",
        "review",
    ]
    entry = audit(three)[-1]
    assert (entry.command, entry.summary["applicants"], entry.summary["ineligible"]) == ("check", 3, 1)


def test_json_object_keys(three):
    item = check_eligibility(three).applicants[2].as_dict()
    assert item["id_number"] == SHORT
    assert item["reasons"] == [
        {"rule": "cpd.public", "message": "公需科目学时 53，少于 54（申报中级，2019-2021年累计）"}
    ]
    assert {"name", "committee", "verdict"} <= set(item)


def test_check_again_replaces_not_adds(three):
    check_eligibility(three)
    check_eligibility(three)
    assert len(verdicts(three)) == 3


def test_check_one_committee(three):
    add_applicants(
        three, applicant_row(committee_seq=4, specialty="交通运输工程", id_number="330802199303031231")
    )
    result = check_eligibility(three, committee=4)
    assert [(item.committee, item.verdict) for item in result.applicants] == [(4, "eligible")]
    assert len(verdicts(three)) == 1


def test_unknown_committee(three):
    with pytest.raises(UnknownCommittee):
        check_eligibility(three, committee=99)


def test_no_applicants_writes_nothing(initialised):
    result = check_eligibility(initialised)
    assert result.applicants == []
    assert len(audit(initialised)) == 1  # init only


def test_settle_survives_a_recheck(three):
    check_eligibility(three)
    done = settle(three, OFFICE, "eligible", "单位已提交岗位结构比例核定表")
    assert (done.computed_verdict, done.verdict) == ("review", "eligible")
    result = check_eligibility(three)
    office = next(item for item in result.applicants if item.id_number == OFFICE)
    assert (office.verdict, office.computed_verdict, office.settled, office.settled_reason) == (
        "eligible",
        "review",
        True,
        "单位已提交岗位结构比例核定表",
    )
    assert result.counts == {"eligible": 2, "ineligible": 1, "review": 0}
    assert audit(three)[-2].summary["reason"] == "单位已提交岗位结构比例核定表"


def test_a_data_change_unsettles(three):
    check_eligibility(three)
    settle(three, OFFICE, "eligible", "已核实")
    add_applicants(
        three, applicant_row(id_number=OFFICE, name="王五", unit_type="事业单位", public_hours=70.0)
    )
    result = check_eligibility(three)
    office = next(item for item in result.applicants if item.id_number == OFFICE)
    assert (office.verdict, office.settled, office.unsettled) == ("review", False, True)
    assert audit(three)[-1].summary["unsettled"] == ["330802********1235"]
    again = check_eligibility(three)
    assert [item.unsettled for item in again.applicants] == [False, False, False]


def test_settle_needs_a_check_first(three):
    with pytest.raises(QzzcError) as caught:
        settle(three, GOOD, "eligible", "x")
    assert (
        caught.value.message
        == "张三（330802********1234，第 3 号评委会）尚未进行资格审查，请先运行：qzzc check"
    )


def test_settle_refuses_stale_data(three):
    check_eligibility(three)
    add_applicants(three, applicant_row(id_number=GOOD, public_hours=80.0))
    with pytest.raises(QzzcError) as caught:
        settle(three, GOOD, "eligible", "x")
    assert caught.value.message == (
        "张三（330802********1234，第 3 号评委会）的数据在上次资格审查后有变动，请先运行 qzzc check 再认定"
    )


def test_settle_unknown_id(three):
    with pytest.raises(NotFound) as caught:
        settle(three, "330802199909091234", "eligible", "x")
    assert caught.value.message == "本年度没有身份证号为 330802********1234 的申报人"


def test_settle_needs_committee_when_two_applications(three):
    add_applicants(three, applicant_row(committee_seq=4, specialty="交通运输工程", id_number=GOOD))
    check_eligibility(three)
    with pytest.raises(UsageError) as caught:
        settle(three, GOOD, "ineligible", "重复申报")
    assert (
        caught.value.message
        == "身份证号 330802********1234 在第 3、4 号评委会都有申报，请用 --committee 指定评委会"
    )
    assert settle(three, GOOD, "ineligible", "重复申报", committee=4).committee == 4


def test_settle_needs_a_reason(three):
    check_eligibility(three)
    with pytest.raises(UsageError) as caught:
        settle(three, GOOD, "eligible", "  ")
    assert caught.value.message == "请用 --reason 写明人工认定的理由"


def test_unknown_calendar_year_refuses_and_writes_nothing(three):
    check_eligibility(three)
    before = verdicts(three)
    add_applicants(
        three,
        applicant_row(id_number=GOOD, publicity_start=dt.date(2031, 6, 2), publicity_end=dt.date(2031, 6, 9)),
    )
    with pytest.raises(CalendarUnknown) as caught:
        check_eligibility(three)
    assert caught.value.message.startswith("工作日历中没有 2031 年的法定节假日和调休安排")
    from qzzc.core.workdays import _known_years

    first, last = _known_years()  # the installed chinesecalendar's years
    assert caught.value.message.splitlines() == [
        f"工作日历中没有 2031 年的法定节假日和调休安排（内置日历覆盖 {first}–{last} 年），无法计算 2031-06-02 "
        "前后的工作日（涉及 1 名申报人的单位公示日期，如 张三 330802********1234）。请用 --calendar 文件 "
        "提供该年的节假日和调休安排，或升级 chinesecalendar。节假日文件为 TOML 文本，例如：",
        "  year = 2031",
        "  holidays = [2031-01-01, …]",
        "  workdays = [2031-01-26, …]",
    ]
    assert verdicts(three) == before


def test_calendar_file_supplies_the_year(three, tmp_path):
    add_applicants(
        three,
        applicant_row(id_number=GOOD, publicity_start=dt.date(2031, 6, 2), publicity_end=dt.date(2031, 6, 6)),
    )
    calendar = tmp_path / "2031.toml"
    calendar.write_text("year = 2031\nholidays = []\nworkdays = []\n", encoding="utf-8")
    result = check_eligibility(three, calendar=calendar)
    assert next(item for item in result.applicants if item.id_number == GOOD).verdict == "eligible"
    assert audit(three)[-1].inputs[0]["file"] == "2031.toml"


def test_eligible_applicants_counts_settlements_and_skips_stale_verdicts(three):
    from qzzc.store.queries import eligible_applicants

    check_eligibility(three)
    settle(three, OFFICE, "eligible", "已核实")
    with three.store.reading() as session:
        assert [a.id_number for a in eligible_applicants(session, 2021, 3)] == [OFFICE, GOOD]
    add_applicants(three, applicant_row(id_number=GOOD, public_hours=61.0))
    with three.store.reading() as session:
        assert [a.id_number for a in eligible_applicants(session, 2021, 3)] == [OFFICE]
