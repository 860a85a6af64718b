"""Checking again: a verdict made on the same data under the same plan, rules and calendar is
kept as it is (not written again); one whose applicant, rules or calendar changed is made again."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from helpers import add_applicants, applicant_row
from sqlalchemy import text
from sqlmodel import select

from qzzc.services import base
from qzzc.services.audit import accept, list_entries, verify
from qzzc.services.base import UndeclaredWrite, job
from qzzc.services.eligibility import check_eligibility
from qzzc.services.plan import init_store
from qzzc.store.models import Applicant, VerdictRecord

GOOD = "330802199001011234"
SHORT = "330802199202021238"  # 53 public hours
OFFICE = "330802198505051235"  # 事业单位, post ratio not confirmed
NOTE = "规则文件未设定第 3 号评委会中级的专业科目学时要求（cpd.professional），未审查"
RULES = Path(__file__).resolve().parents[2] / "data" / "rules2021.toml"


def stored(ctx) -> dict[str, tuple]:
    """Each applicant's stored verdict row, by ID number: (row id, verdict, reasons, checked_at)."""
    with ctx.store.reading() as session:
        rows = session.exec(
            select(Applicant.id_number, VerdictRecord).join(
                VerdictRecord, VerdictRecord.applicant_id == Applicant.id
            )
        )
        return {
            number: (record.id, record.verdict, record.reasons, record.checked_at) for number, record in rows
        }


def listed(result) -> list[tuple]:
    return [
        (item.id_number, item.verdict, item.computed_verdict, item.reasons, item.notes, item.settled)
        for item in result.applicants
    ]


@pytest.fixture
def seconds(monkeypatch):
    """Each job at a second of its own: a verdict is traced to its check by the time."""
    ticks = itertools.count(10)
    monkeypatch.setattr(base, "now", lambda: f"2021-09-01T09:00:{next(ticks):02d}+08:00")


def setup(ctx) -> None:
    add_applicants(
        ctx,
        applicant_row(id_number=GOOD),
        applicant_row(id_number=SHORT, name="李四", public_hours=53.0),
        applicant_row(id_number=OFFICE, name="王五", unit_type="事业单位"),
    )


def test_a_second_check_of_an_unchanged_store_writes_no_verdict(initialised):
    setup(initialised)
    first = check_eligibility(initialised)
    before = stored(initialised)
    again = check_eligibility(initialised)
    assert (first.written, again.written) == (3, 0)
    assert stored(initialised) == before  # the same rows: not deleted and inserted again
    assert listed(again) == listed(first)
    assert again.counts == {"eligible": 1, "ineligible": 1, "review": 1}
    assert again.by_rule == first.by_rule == {"cpd.public": 1, "post.ratio": 1}
    assert again.notes == first.notes
    assert [item.as_dict() for item in again.applicants] == [item.as_dict() for item in first.applicants]


def test_a_changed_applicant_is_checked_again_and_only_they(initialised):
    setup(initialised)
    check_eligibility(initialised)
    before = stored(initialised)
    add_applicants(initialised, applicant_row(id_number=SHORT, name="李四", public_hours=60.0))
    again = check_eligibility(initialised)
    assert again.written == 1
    after = stored(initialised)
    assert {number: after[number] for number in (GOOD, OFFICE)} == {
        number: before[number] for number in (GOOD, OFFICE)
    }
    assert after[SHORT][1:3] == ("eligible", [{"rule": "cpd.professional", "message": NOTE, "note": True}])
    assert before[SHORT][1] == "ineligible"
    assert [(item.id_number, item.verdict) for item in again.applicants] == [
        (OFFICE, "review"),
        (GOOD, "eligible"),
        (SHORT, "eligible"),
    ]
    assert check_eligibility(initialised).written == 0


def test_other_rules_check_everyone_again(initialised, tmp_path, seconds):
    setup(initialised)
    check_eligibility(initialised)
    rules = tmp_path / "rules.toml"
    rules.write_text(
        RULES.read_text(encoding="utf-8").replace("public_hours = 54", "public_hours = 50", 1),
        encoding="utf-8",
    )
    init_store(initialised, rules=rules)
    again = check_eligibility(initialised)
    assert again.written == 3
    assert [(item.id_number, item.verdict) for item in again.applicants] == [
        (OFFICE, "review"),
        (GOOD, "eligible"),
        (SHORT, "eligible"),
    ]
    assert check_eligibility(initialised).written == 0


def test_a_calendar_file_given_or_left_out_checks_everyone_again(initialised, tmp_path, seconds):
    setup(initialised)
    calendar = tmp_path / "2031.toml"
    calendar.write_text("year = 2031\nholidays = []\nworkdays = []\n", encoding="utf-8")
    assert check_eligibility(initialised).written == 3
    assert check_eligibility(initialised, calendar=calendar).written == 3
    assert check_eligibility(initialised, calendar=calendar).written == 0
    assert check_eligibility(initialised).written == 3


def test_one_committee_checked_again_leaves_the_others(initialised):
    setup(initialised)
    add_applicants(
        initialised, applicant_row(committee_seq=4, specialty="交通运输工程", id_number="330802199303031231")
    )
    assert check_eligibility(initialised).written == 4
    assert check_eligibility(initialised, committee=4).written == 0
    add_applicants(initialised, applicant_row(id_number=SHORT, name="李四", public_hours=60.0))
    assert check_eligibility(initialised, committee=4).written == 0
    assert check_eligibility(initialised, committee=3).written == 1


def test_checks_within_one_second_under_other_calendars_check_again(initialised, tmp_path, monkeypatch):
    """Two checks of the same second under different calendars: the verdicts of that second
    cannot be told apart, so they are all made again rather than trusted."""
    monkeypatch.setattr(base, "now", lambda: "2021-09-01T09:00:00+08:00")
    setup(initialised)
    calendar = tmp_path / "2031.toml"
    calendar.write_text("year = 2031\nholidays = []\nworkdays = []\n", encoding="utf-8")
    assert check_eligibility(initialised).written == 3
    assert check_eligibility(initialised, calendar=calendar).written == 3
    assert check_eligibility(initialised, calendar=calendar).written == 3


def test_a_check_that_keeps_every_verdict_seals_the_same_state(initialised):
    setup(initialised)
    check_eligibility(initialised)
    check_eligibility(initialised)
    first, second = list_entries(initialised)[-2:]
    assert (first["command"], second["command"]) == ("check", "check")
    assert second["state"]["groups"]["verdicts"] == first["state"]["groups"]["verdicts"]
    assert second["summary"] == first["summary"]
    assert verify(initialised).entries == 4


def test_a_table_left_but_written_fails_the_job_and_writes_nothing(initialised):
    entries = len(list_entries(initialised))
    with (
        pytest.raises(UndeclaredWrite, match=r"\['experts'\]"),
        job(initialised, "test", writes=["experts"]) as current,
    ):
        current.session.execute(
            text(
                "INSERT INTO experts (id_number, name, unit, specialties, title, title_level, status, committees,"
                " data_hash, imported_at) VALUES ('330802196001010018', '张三', '衢州学院', '[]', '教授', '正高',"
                " '在库', '[]', '', '')"
            )
        )
        current.leave("experts")
    assert len(list_entries(initialised)) == entries


def test_a_verdict_changed_behind_qzzcs_back_and_accepted_is_made_again(initialised, seconds):
    setup(initialised)
    check_eligibility(initialised)
    with initialised.store.transaction() as session:  # behind qzzc's back
        session.execute(
            text("UPDATE verdicts SET verdict = 'eligible', reasons = '[]' WHERE verdict = 'ineligible'")
        )
    accept(initialised, "测试：核实后确认")
    again = check_eligibility(initialised)
    assert again.written == 3
    assert stored(initialised)[SHORT][1] == "ineligible"
    assert check_eligibility(initialised).written == 0


def test_another_release_of_the_rules_code_checks_everyone_again(initialised, monkeypatch, seconds):
    """The check's entry records a digest of the rules' code: a verdict made by another release
    (a rule changed, one added) is made again."""
    import qzzc.services.eligibility as eligibility

    setup(initialised)
    assert check_eligibility(initialised).written == 3
    assert list_entries(initialised)[-1]["summary"]["engine"] == eligibility.rules_engine()
    monkeypatch.setattr(eligibility, "rules_engine", lambda: "0123456789abcdef")
    assert check_eligibility(initialised).written == 3
    assert check_eligibility(initialised).written == 0
