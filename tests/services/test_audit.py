"""The audit chain and the protected records on a real store, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import os
import re
import stat

import pytest
from helpers import applicant_row
from sqlalchemy import text
from sqlmodel import select

from qzzc.core.audit import GENESIS
from qzzc.errors import QzzcError, StoreError, UsageError
from qzzc.services.audit import (
    AuditFailed,
    Tampered,
    accept,
    backup,
    count_entries,
    list_entries,
    verify,
)
from qzzc.services.base import Context, job
from qzzc.store.db import Store
from qzzc.store.migrations import MIGRATIONS
from qzzc.store.models import SCHEMA_VERSION, Applicant, Draw, Meeting, Tally, TallyResult, VerdictRecord

AT = "2021-10-15T09:00:00+08:00"


def make_records(ctx) -> None:
    """Writes, through one job, two applicants with verdicts, a meeting with a draw and a tally."""
    with job(ctx, "test-write", {"what": "records"}) as current:
        session = current.session
        first = Applicant(**applicant_row())
        second = Applicant(**applicant_row(id_number="330802199202021238", name="李四", committee_seq=5))
        session.add_all([first, second])
        session.flush()
        for applicant in (first, second):
            session.add(
                VerdictRecord(
                    applicant_id=applicant.id, verdict="eligible", data_hash="0" * 64, checked_at=AT
                )
            )
        meeting = Meeting(year=2021, committee_seq=3, date=dt.date(2021, 10, 15), created_at=AT)
        session.add(meeting)
        session.flush()
        session.add(
            Draw(
                meeting_id=meeting.id, number=1, algorithm="rfc3797-sha256/1", seed="abc",
                candidate_digest="1" * 64, size=5, alternates_count=2, created_at=AT,
                members=[{"name": "王五", "id_number": "330802197001011234"}],
            )
        )  # fmt: skip
        tally = Tally(meeting_id=meeting.id, version=1, members=5, attending=5, created_at=AT)
        session.add(tally)
        session.flush()
        session.add(
            TallyResult(
                tally_id=tally.id,
                applicant_id=first.id,
                yes=4,
                no=1,
                abstain=0,
                needed=4,
                passed=True,
                mode="评审",
            )
        )
        current.summary = {"rows": 7}


def tamper(ctx, sql: str) -> None:
    """Changes the store behind qzzc's back."""
    with ctx.store.transaction() as session:
        session.execute(text(sql))


def failure(ctx, **kwargs) -> list[str]:
    with pytest.raises(AuditFailed) as caught:
        verify(ctx, **kwargs)
    return caught.value.result.problems


def test_a_sound_store_verifies(initialised):
    make_records(initialised)
    result = verify(initialised)
    assert (result.entries, result.problems) == (2, [])
    entries = list_entries(initialised)
    assert [(entry["seq"], entry["command"], entry["summary"]) for entry in entries][1:] == [
        (2, "test-write", {"rows": 7})
    ]
    assert result.head == entries[-1]["hash"]
    assert verify(initialised, head=entries[0]["hash"]).entries == 2


def test_each_entry_records_the_state_after_its_job(initialised):
    from qzzc.services.audit import protected_state

    before = _states(initialised)
    make_records(initialised)
    after = _states(initialised)
    assert after[0] == before[0]
    assert after[1]["sha256"] != after[0]["sha256"]
    with initialised.store.reading() as session:
        assert protected_state(session.connection()) == after[1]
    assert after[1]["groups"]["verdicts"].keys() == {"2021/3", "2021/5"}
    assert after[1]["groups"]["draws"].keys() == {str(_meeting_id(initialised))}
    assert [entry["state"] for entry in list_entries(initialised)] == after


def _states(ctx) -> list[dict]:
    from qzzc.store.models import AuditEntry

    with ctx.store.reading() as session:
        return [entry.state for entry in session.exec(select(AuditEntry).order_by(AuditEntry.seq))]


def test_an_edited_verdict_is_named_with_its_committee(initialised):
    make_records(initialised)
    tamper(initialised, "UPDATE verdicts SET verdict = 'ineligible' WHERE applicant_id IN "
           "(SELECT id FROM applicants WHERE committee_seq = 5)")  # fmt: skip
    assert failure(initialised) == [
        "2021 年度第 5 号评委会的资格审查结论（verdicts 表）被改动，与审计记录不符。"
    ]


def test_a_changed_draw_seed_is_named_with_its_meeting(initialised):
    make_records(initialised)
    tamper(initialised, "UPDATE draws SET seed = 'xyz'")
    meeting = _meeting_id(initialised)
    assert failure(initialised) == [
        f"会议 {meeting}（第 3 号评委会，2021-10-15）的专家抽取（draws 表）被改动，与审计记录不符。"
    ]


def test_a_deleted_tally_result_is_named(initialised):
    make_records(initialised)
    tamper(initialised, "DELETE FROM tally_results")
    meeting = _meeting_id(initialised)
    assert failure(initialised) == [
        f"会议 {meeting}（第 3 号评委会，2021-10-15）的计票结果（tally_results 表）被删除，与审计记录不符。"
    ]


def test_a_changed_count_is_named(initialised):
    make_records(initialised)
    tamper(initialised, "UPDATE tally_results SET yes = 5, no = 0")
    assert failure(initialised)[0].endswith("的计票结果（tally_results 表）被改动，与审计记录不符。")


def test_an_added_verdict_is_named(initialised):
    make_records(initialised)
    tamper(
        initialised,
        "DELETE FROM verdicts WHERE applicant_id IN (SELECT id FROM applicants WHERE committee_seq = 5)",
    )
    make_more = "INSERT INTO verdicts (applicant_id, verdict, reasons, data_hash, checked_at, settled) " \
        "SELECT id, 'eligible', '[]', '', 'x', false FROM applicants WHERE committee_seq = 5"  # fmt: skip
    tamper(initialised, make_more)
    assert failure(initialised) == [
        "2021 年度第 5 号评委会的资格审查结论（verdicts 表）被改动，与审计记录不符。"
    ]


def test_an_edited_entry_is_named_by_seq(initialised):
    make_records(initialised)
    tamper(initialised, "UPDATE audit_entries SET operator = '李四' WHERE seq = 1")
    assert failure(initialised) == ["审计记录第 1 条的内容与其哈希不符（被改动）。"]


def test_a_deleted_entry_is_named_by_seq(initialised):
    make_records(initialised)
    make_records_again(initialised)
    tamper(initialised, "DELETE FROM audit_entries WHERE seq = 2")
    assert failure(initialised) == ["审计记录第 2 条缺失（被删除）。"]


def test_deleting_the_last_entry_shows_in_the_records(initialised):
    make_records(initialised)
    tamper(initialised, "DELETE FROM audit_entries WHERE seq = 2")
    problems = failure(initialised)
    assert problems[0] == "审计日志末尾的记录（第 2 条）缺失（被删除）。"
    assert (
        "2021 年度第 3 号评委会的申报人（applicants 表）在最后一条审计记录之后被加入，与审计记录不符。"
        in problems
    )
    assert len(problems) == 9


def test_deleting_a_last_entry_that_changed_nothing_is_found(initialised):
    """A backup's entry changes no data: only the head marker shows it is gone."""
    make_records(initialised)
    with job(initialised, "test-note"):
        pass
    tamper(initialised, "DELETE FROM audit_entries WHERE seq = 3")
    assert failure(initialised) == ["审计日志末尾的记录（第 3 条）缺失（被删除）。"]


def test_deleting_the_last_two_entries_names_both(initialised):
    make_records(initialised)
    make_records_again(initialised)
    tamper(initialised, "DELETE FROM audit_entries WHERE seq >= 2")
    assert failure(initialised)[0] == "审计日志末尾的记录（第 2–3 条）缺失（被删除）。"


def test_an_edited_head_marker_is_found(initialised):
    make_records(initialised)
    tamper(initialised, "UPDATE meta SET value = '2:abc' WHERE key = 'audit_head'")
    assert failure(initialised) == [
        "审计日志的末条标记（第 2 条）与最后一条记录（第 2 条）不符（记录被删除后补写，或标记被改动）。"
    ]
    tamper(initialised, "DELETE FROM meta WHERE key = 'audit_head'")
    assert failure(initialised) == ["审计日志的末条标记缺失（记录或标记在 qzzc 之外被删除）。"]


def test_a_version_1_store_gains_the_marker_and_table_with_an_upgrade_job(ctx, monkeypatch):
    """Stores written before the marker and ``draw_applicants`` existed verify, and are upgraded
    by an audited ``upgrade`` job before their next job."""
    from sqlalchemy import inspect

    import qzzc.audit.kinds as audit
    from qzzc.services.plan import init_store

    initialised = ctx
    every = audit.KINDS
    older = tuple(kind for kind in every if kind.name not in ("draw_applicants", "meta"))
    monkeypatch.setattr(audit, "KINDS", older)
    init_store(initialised)  # as version 1 wrote it: no draw_applicants, no marker, meta unprotected
    tamper(initialised, "DROP TABLE draw_applicants")
    tamper(initialised, "DELETE FROM meta WHERE key = 'audit_head'")
    tamper(initialised, "UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    monkeypatch.setattr(audit, "KINDS", every)
    assert verify(initialised).entries == 1
    make_records(initialised)
    with initialised.store.reading() as session:
        assert initialised.store.schema_version(session) == SCHEMA_VERSION
        assert initialised.store.meta(session, "audit_head") == f"3:{list_entries(initialised)[-1]['hash']}"
        assert inspect(session.connection()).has_table("draw_applicants")
    upgrade = list_entries(initialised)[1]
    assert (upgrade["command"], upgrade["summary"]) == (
        "upgrade",
        {"from": 1, "to": SCHEMA_VERSION, "steps": [step.name for step in MIGRATIONS]},
    )
    assert verify(initialised).entries == 3


def test_entries_from_before_a_kind_existed_still_verify(ctx, monkeypatch):
    """A protected table added to qzzc later is one ``Kind`` line: entries written before it
    compare it as having had no records."""
    import qzzc.audit.kinds as audit
    from qzzc.services.plan import init_store

    initialised = ctx
    every = audit.KINDS
    monkeypatch.setattr(audit, "KINDS", tuple(kind for kind in every if kind.name != "draw_applicants"))
    init_store(initialised)
    make_records(initialised)
    assert "draw_applicants" not in list_entries(initialised)[-1]["state"]["groups"]
    monkeypatch.setattr(audit, "KINDS", every)
    assert verify(initialised).entries == 2
    meeting = _meeting_id(initialised)
    tamper(
        initialised,
        "INSERT INTO draw_applicants (draw_id, applicant_id, id_number) "
        "SELECT d.id, a.id, a.id_number FROM draws d, applicants a WHERE a.committee_seq = 3",
    )
    assert failure(initialised) == [
        f"会议 {meeting}（第 3 号评委会，2021-10-15）的抽取时的评审名单（draw_applicants 表）"
        "在最后一条审计记录之后被加入，与审计记录不符。"
    ]


# -- a change behind qzzc's back is not sealed by the next job ---------------------------------


def test_a_job_after_an_edit_is_refused_and_writes_nothing(initialised):
    make_records(initialised)
    tamper(initialised, "UPDATE tally_results SET yes = 5, no = 0")
    meeting = _meeting_id(initialised)
    with pytest.raises(Tampered) as caught, job(initialised, "test-write"):
        pytest.fail("the job must not start")  # pragma: no cover
    assert caught.value.message == (
        "数据库中的数据与审计日志不符，为免掩盖改动，本次操作未执行，未写入任何数据：\n"
        f"  会议 {meeting}（第 3 号评委会，2021-10-15）的计票结果（tally_results 表）被改动，与审计记录不符。\n"
        "请运行 qzzc audit verify 查看，并与最近的备份核对：改动不当的，用备份恢复；"
        '改动经核实无误的，由负责人运行 qzzc audit accept --reason "原因" 记入审计日志后再操作。'
    )
    assert count_entries(initialised) == 2
    assert len(failure(initialised)) == 1  # still found: the edit was not laundered


def test_a_job_after_a_deleted_last_entry_is_refused(initialised):
    make_records(initialised)
    with job(initialised, "test-note"):
        pass
    tamper(initialised, "DELETE FROM audit_entries WHERE seq = 3")
    with pytest.raises(Tampered) as caught, job(initialised, "test-write"):
        pytest.fail("the job must not start")  # pragma: no cover
    assert caught.value.message.splitlines()[1:] == [
        "  审计日志末尾的记录（第 3 条）缺失（被删除）。",
        "请用最近的备份（qzzc backup 生成的文件）恢复数据库，再重新操作。",
    ]
    assert count_entries(initialised) == 2


def test_a_job_on_a_store_with_data_but_no_entries_is_refused(initialised):
    tamper(initialised, "DELETE FROM audit_entries")
    tamper(initialised, "DELETE FROM meta WHERE key = 'audit_head'")
    with pytest.raises(Tampered) as caught, job(initialised, "test-write"):
        pytest.fail("the job must not start")  # pragma: no cover
    assert caught.value.message.splitlines()[1:3] == [
        "  审计日志的末条标记缺失（记录或标记在 qzzc 之外被删除）。",
        "  2021 年度的评审计划（committees 表）没有审计记录。",
    ]


def test_accept_records_the_changes_and_the_reason(initialised):
    make_records(initialised)
    tamper(initialised, "UPDATE applicants SET name = '张叁' WHERE committee_seq = 3")
    accepted = accept(Context(store=initialised.store, operator="张科长"), "  更正姓名错字，\n经科务会批准 ")
    change = "2021 年度第 3 号评委会的申报人（applicants 表）被改动，与审计记录不符。"
    assert (accepted.entry, accepted.changes) == (3, [change])
    last = list_entries(initialised)[-1]
    assert (last["seq"], last["operator"], last["command"], last["options"], last["summary"]) == (
        3,
        "张科长",
        "audit accept",
        {"reason": "更正姓名错字， 经科务会批准"},
        {"reason": "更正姓名错字， 经科务会批准", "changes": [change]},
    )
    assert verify(initialised).entries == 3
    make_records_again(initialised)  # jobs run again
    assert verify(initialised).entries == 4


def test_accept_without_a_change_is_refused(initialised):
    with pytest.raises(QzzcError) as caught:
        accept(initialised, "无事")
    assert caught.value.message == "数据与最后一条审计记录一致，没有需要确认的改动。"
    assert count_entries(initialised) == 1


@pytest.mark.parametrize("reason", ["", "   ", "\n\t"])
def test_accept_needs_a_reason(initialised, reason):
    tamper(initialised, "UPDATE committees SET name = '假' WHERE seq = 4")
    with pytest.raises(UsageError) as caught:
        accept(initialised, reason)
    assert caught.value.message == "--reason 不能为空：请写明改动的原因和批准人"
    assert count_entries(initialised) == 1


def test_accept_cannot_mend_a_deleted_last_entry(initialised):
    make_records(initialised)
    tamper(initialised, "DELETE FROM audit_entries WHERE seq = 2")
    with pytest.raises(QzzcError) as caught:
        accept(initialised, "想补上")
    lines = caught.value.message.splitlines()
    assert lines[0] == "审计日志末尾的记录或其标记不符，不能用 accept 确认，未写入任何数据："
    assert lines[1] == "  审计日志末尾的记录（第 2 条）缺失（被删除）。"
    assert lines[-1] == "请用最近的备份（qzzc backup 生成的文件）恢复数据库。"
    assert count_entries(initialised) == 1


# -- the export -------------------------------------------------------------------------------


def test_the_chain_can_be_recomputed_from_the_export_alone(initialised):
    """What README tells an inspector: SHA-256 over the previous hash, a newline and the body's
    JSON with sorted keys and no spaces, Chinese kept, in UTF-8."""
    import hashlib
    import json

    make_records(initialised)
    make_records_again(initialised)
    exported = json.loads(json.dumps(list_entries(initialised), ensure_ascii=False, default=str))
    previous = GENESIS
    for entry in exported:
        body = {
            key: entry[key]
            for key in ("seq", "at", "operator", "command", "options", "inputs", "summary", "state")
        }
        text = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        assert entry["prev_hash"] == previous
        assert hashlib.sha256(f"{previous}\n{text}".encode()).hexdigest() == entry["hash"]
        previous = entry["hash"]
    assert previous == verify(initialised).head


def test_a_head_is_found_by_its_first_12_digits(initialised):
    head = list_entries(initialised)[0]["hash"]
    assert verify(initialised, head=head[:12].upper()).entries == 1
    assert failure(initialised, head="0" * 12) == [
        "审计日志中没有哈希为 000000000000 的记录：此前记下的记录已被删除或改动。"
    ]


@pytest.mark.parametrize("head", ["zzz", "abc", "f" * 65, "g" * 64, "3f5c…e21a"])
def test_a_malformed_head_is_a_usage_error(initialised, head):
    with pytest.raises(UsageError) as caught:
        verify(initialised, head=head)
    assert caught.value.message == "--head 应为此前记下的审计记录哈希：12 至 64 位十六进制数字（0–9、a–f）"


def test_a_head_not_in_the_chain_is_reported(initialised):
    assert failure(initialised, head="f" * 64) == [
        f"审计日志中没有哈希为 {'f' * 64} 的记录：此前记下的记录已被删除或改动。"
    ]


def test_the_failure_message_lists_every_problem(initialised):
    make_records(initialised)
    tamper(initialised, "UPDATE audit_entries SET operator = '李四' WHERE seq = 1")
    with pytest.raises(AuditFailed) as caught:
        verify(initialised)
    assert caught.value.message == (
        "审计核验未通过，发现 1 处问题：\n"
        "  审计记录第 1 条的内容与其哈希不符（被改动）。\n"
        "数据库可能在 qzzc 之外被改动。请保留现状，联系系统管理员并与最近的备份核对。"
    )


def test_a_failed_job_writes_no_entry(initialised):
    with pytest.raises(RuntimeError), job(initialised, "test-write") as current:
        current.session.add(Applicant(**applicant_row()))
        raise RuntimeError("boom")
    assert count_entries(initialised) == 1
    assert verify(initialised).entries == 1


def make_records_again(ctx) -> None:
    with job(ctx, "test-write", {"what": "more"}) as current:
        current.session.add(Applicant(**applicant_row(id_number="330802198505051235", name="王五")))


def _meeting_id(ctx) -> int:
    with ctx.store.reading() as session:
        return session.exec(select(Meeting.id)).one()


# -- backups ----------------------------------------------------------------------------------


@pytest.fixture
def sqlite_store(db_path):
    from qzzc.services.plan import init_store

    ctx = Context(store=Store(f"sqlite:///{db_path}"), operator="测试员")
    init_store(ctx)
    yield ctx
    ctx.store.dispose()


def test_backup_writes_a_verified_owner_only_copy_and_notes_it(sqlite_store, tmp_path):
    initialised = sqlite_store
    make_records(initialised)
    made = backup(initialised, tmp_path / "备份")
    assert re.fullmatch(r"qzzc-\d{8}-\d{6}\.db", made.path.name)
    assert made.path.parent == tmp_path / "备份"
    assert stat.S_IMODE(os.stat(made.path).st_mode) == 0o600
    assert made.entries == 2
    copy = Context(store=Store(f"sqlite:///{made.path}"), operator="x")
    assert verify(copy).head == made.head
    assert count_entries(copy) == 2
    copy.store.dispose()
    last = list_entries(initialised)[-1]
    assert (last["command"], last["summary"]) == (
        "backup",
        {"file": made.path.name, "sha256": made.sha256, "entries": 2, "head": made.head},
    )
    assert verify(initialised).entries == 3
    second = backup(initialised, tmp_path / "备份")
    assert second.path != made.path


def test_backup_of_postgresql_is_refused(pg_url, tmp_path):
    ctx = Context(store=Store(pg_url), operator="x")
    with pytest.raises(StoreError) as caught:
        backup(ctx, tmp_path)
    assert caught.value.message == (
        "共享的 PostgreSQL 数据库请由数据库管理员用 pg_dump 备份；qzzc backup 只备份 SQLite 数据库文件。"
    )
    assert list(tmp_path.iterdir()) == []


def test_backup_into_a_file_is_refused(sqlite_store, tmp_path):
    initialised = sqlite_store
    (tmp_path / "f").write_text("x")
    with pytest.raises(StoreError) as caught:
        backup(initialised, tmp_path / "f")
    assert caught.value.message == f"{tmp_path / 'f'} 不是文件夹"


def test_jobs_running_at_once_keep_the_chain_and_the_state(initialised):
    """Two offices writing at once: each entry's state covers every job committed before it."""
    import threading
    import time

    errors = []

    def write(committee: int, number: int) -> None:
        try:
            ctx = Context(store=Store(initialised.store.url), operator=f"办公室{committee}")
            with job(ctx, "test-write", {"committee": committee}) as current:
                current.session.add(
                    Applicant(
                        **applicant_row(committee_seq=committee, id_number=f"33080219900101{number:03d}X")
                    )
                )
                current.session.flush()
                time.sleep(0.3)
            ctx.store.dispose()
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=write, args=(seq, seq)) for seq in (3, 5, 7)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    result = verify(initialised)
    assert result.entries == 4
    assert sorted(entry["options"]["committee"] for entry in list_entries(initialised)[1:]) == [3, 5, 7]


def test_a_row_planted_before_its_parent_exists_is_found(initialised):
    """A tally result for a tally that does not exist yet (SQLite checks foreign keys only when the
    connection asks) is counted, so the job that later creates the tally cannot seal it."""
    import sqlite3

    if not initialised.store.is_sqlite:
        pytest.skip("PostgreSQL always enforces the foreign key")
    make_records(initialised)
    with sqlite3.connect(initialised.store.path) as connection:  # foreign keys off, as sqlite3's shell
        connection.execute(
            "INSERT INTO tally_results (id, tally_id, applicant_id, yes, no, abstain, needed, passed, mode) "
            "SELECT 100, 999, id, 9, 0, 0, 4, 1, '评审' FROM applicants WHERE committee_seq = 5"
        )
    connection.close()
    assert failure(initialised) == [
        "不属于任何评委会或会议的计票结果（tally_results 表）在最后一条审计记录之后被加入，与审计记录不符。"
    ]
    with pytest.raises(Tampered), job(initialised, "test-write"):
        pytest.fail("the job must not start")  # pragma: no cover


def test_a_change_committed_while_a_job_waits_is_found_not_sealed(pg_url):
    """PostgreSQL: someone edits a tally result in a transaction of their own; a job started
    meanwhile waits for it, then finds the change instead of sealing it."""
    import threading
    import time

    from sqlalchemy import create_engine

    from qzzc.services.plan import init_store

    ctx = Context(store=Store(pg_url), operator="测试员")
    init_store(ctx)
    make_records(ctx)
    outsider = create_engine(pg_url)
    outcome: dict[str, object] = {}

    def clerk() -> None:
        other = Context(store=Store(pg_url), operator="办事员")
        try:
            with job(other, "test-write"):
                pass
            outcome["result"] = "written"
        except Tampered as error:
            outcome["result"] = error.found.problems
        finally:
            other.store.dispose()

    with outsider.begin() as connection:
        connection.execute(text("UPDATE tally_results SET yes = 5, no = 0"))
        thread = threading.Thread(target=clerk)
        thread.start()
        time.sleep(0.5)
        assert thread.is_alive()  # waiting for the outsider's transaction
    thread.join(timeout=30)
    outsider.dispose()
    meeting = _meeting_id(ctx)
    assert outcome["result"] == [
        f"会议 {meeting}（第 3 号评委会，2021-10-15）的计票结果（tally_results 表）被改动，与审计记录不符。"
    ]
    assert count_entries(ctx) == 2
    ctx.store.dispose()


def test_a_value_qzzc_never_writes_is_reported_not_an_internal_error(initialised):
    if not initialised.store.is_sqlite:
        pytest.skip("PostgreSQL's columns are typed")
    make_records(initialised)
    tamper(initialised, "UPDATE verdicts SET verdict = CAST('eligible' AS BLOB)")
    with pytest.raises(StoreError) as caught:
        verify(initialised)
    assert caught.value.message == (
        "无法核对受保护的数据：资格审查结论（verdicts 表）中有 qzzc 不会写入的内容（JSON cannot hold BLOB values）。"
        "数据库可能在 qzzc 之外被改动，请保留现状，联系系统管理员并与最近的备份核对。"
    )
    with pytest.raises(StoreError), job(initialised, "test-write"):
        pytest.fail("the job must not start")  # pragma: no cover


def test_a_float_changed_beyond_15_digits_is_found(initialised):
    """53.99999999999999 is not 54.0: SQLite's JSON would print both as 54.0."""
    with job(initialised, "test-write") as current:
        current.session.add(Applicant(**applicant_row(public_hours=54.0)))
    tamper(initialised, "UPDATE applicants SET public_hours = 53.99999999999999")
    assert failure(initialised) == ["2021 年度第 3 号评委会的申报人（applicants 表）被改动，与审计记录不符。"]


def test_float_digests_are_those_of_the_plain_json_when_15_digits_suffice(initialised):
    """Stores written before floats were hashed in full keep their digests."""
    from qzzc.services.audit import group_digests

    with job(initialised, "test-write") as current:
        current.session.add(Applicant(**applicant_row(public_hours=54.5, professional_hours=0.1)))
    with initialised.store.reading() as session:
        connection = session.connection()
        table = Applicant.__table__
        plain = "json_build_array" if connection.dialect.name == "postgresql" else "json_array"
        rows = (
            connection.exec_driver_sql(
                f"SELECT {plain}({', '.join(column.name for column in table.c)})::text FROM applicants"
                if plain == "json_build_array"
                else f"SELECT {plain}({', '.join(column.name for column in table.c)}) FROM applicants"
            )
            .scalars()
            .all()
        )
        import hashlib

        assert (
            group_digests(connection, ["applicants"])["applicants"]["2021/3"]
            == hashlib.sha256("\n".join(rows).encode()).hexdigest()
        )


def test_lowering_the_version_does_not_excuse_a_deleted_marker(initialised):
    make_records(initialised)
    tamper(initialised, "DELETE FROM meta WHERE key = 'audit_head'")
    tamper(initialised, "UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    found = failure(initialised)
    # (A version-1 store's digests leave out the columns added since: the draws' and tallies'
    # ``taken_on`` (version 4), so those tables read as changed too.)
    assert found[0] == "审计日志的末条标记缺失（记录或标记在 qzzc 之外被删除）。"
    assert "数据库的结构版本记录（meta 表）被改动，与审计记录不符。" in found


def test_a_garbled_marker_is_named_as_such(initialised):
    tamper(initialised, "UPDATE meta SET value = 'zz' WHERE key = 'audit_head'")
    assert failure(initialised) == ["审计日志的末条标记被改动（内容「zz」不是有效的标记）。"]


@pytest.mark.parametrize(
    "change",
    [
        "DELETE FROM meta WHERE key = 'schema_version'",
        "UPDATE meta SET value = 'x' WHERE key = 'schema_version'",
    ],
)
def test_a_lost_version_record_is_not_taken_for_a_new_store(initialised, change):
    """``init`` must not start such a store afresh and seal whatever was done to it."""
    from qzzc.services.plan import init_store

    tamper(initialised, change)
    where = initialised.store.where
    message = (
        f"数据库 {where} 的结构版本记录缺失或被改动，数据库可能在 qzzc 之外被改动。"
        "请勿继续写入，用最近的备份（qzzc backup 生成的文件）恢复。"
    )
    for attempt in (lambda: verify(initialised), lambda: init_store(initialised)):
        with pytest.raises(StoreError) as caught:
            attempt()
        assert caught.value.message == message
    assert count_entries_raw(initialised) == 1


def count_entries_raw(ctx) -> int:
    with ctx.store.transaction() as session:
        return session.execute(text("SELECT count(*) FROM audit_entries")).scalar_one()


def test_a_trigger_made_outside_qzzc_is_found_and_stops_jobs(initialised):
    """A trigger could change what a command writes, and the command's entry would seal it."""
    make_records(initialised)
    if initialised.store.is_sqlite:
        tamper(
            initialised,
            "CREATE TRIGGER t AFTER INSERT ON verdicts BEGIN UPDATE verdicts SET verdict = 'eligible' "
            "WHERE id = NEW.id; END",
        )
    else:
        tamper(
            initialised,
            "CREATE FUNCTION f() RETURNS trigger AS $$ BEGIN NEW.verdict := 'eligible'; RETURN NEW; END $$ "
            "LANGUAGE plpgsql",
        )
        tamper(initialised, "CREATE TRIGGER t BEFORE INSERT ON verdicts FOR EACH ROW EXECUTE FUNCTION f()")
    message = "数据库中有 qzzc 不会创建的触发器「t」（verdicts 表）：它能在 qzzc 写入时暗中改动数据。"
    assert failure(initialised) == [message]
    with pytest.raises(Tampered), job(initialised, "test-write"):
        pytest.fail("the job must not start")  # pragma: no cover


def test_a_dropped_meta_table_is_not_taken_for_a_new_store(initialised):
    from qzzc.services.plan import init_store

    make_records(initialised)
    tamper(initialised, "UPDATE tally_results SET passed = false")
    tamper(initialised, "DROP TABLE meta")
    for attempt in (lambda: verify(initialised), lambda: init_store(initialised)):
        with pytest.raises(StoreError) as caught:
            attempt()
        assert "的结构版本记录缺失或被改动" in caught.value.message
    assert count_entries_raw(initialised) == 2


def test_a_garbled_entry_is_a_clear_refusal(initialised):
    if not initialised.store.is_sqlite:
        pytest.skip("PostgreSQL's JSON column refuses text that is not JSON")
    tamper(initialised, "UPDATE audit_entries SET state = '{' WHERE seq = 1")
    for attempt in (lambda: verify(initialised), lambda: list_entries(initialised)):
        with pytest.raises(StoreError) as caught:
            attempt()
        assert caught.value.message.startswith("审计日志中有记录的内容已损坏（不是有效的 JSON）")


def test_a_state_that_is_not_a_digest_record_is_named(initialised):
    tamper(initialised, "UPDATE audit_entries SET state = '[1]' WHERE seq = 1")
    assert failure(initialised) == [
        "审计记录第 1 条的内容与其哈希不符（被改动）。",
        "最后一条审计记录（第 1 条）没有数据摘要，无法核对数据。",
    ]


def test_a_garbled_year_is_a_clear_refusal(initialised):
    from qzzc.services.plan import list_committees

    tamper(initialised, "UPDATE meta SET value = 'abc' WHERE key = 'year'")
    with pytest.raises(StoreError) as caught:
        list_committees(initialised)
    assert "的年度记录被改动（「abc」）" in caught.value.message


def test_floats_are_compared_exactly_whatever_the_session_says(pg_url):
    """PostgreSQL writes floats to 15 digits when a session sets extra_float_digits = 0."""
    from sqlalchemy.engine import make_url

    from qzzc.services.plan import init_store

    ctx = Context(store=Store(pg_url), operator="测试员")
    init_store(ctx)
    with job(ctx, "test-write") as current:
        current.session.add(Applicant(**applicant_row(public_hours=54.00000000000001)))
    url = make_url(pg_url)
    coarse = url.update_query_dict({"options": url.query["options"] + " -cextra_float_digits=0"})
    other = Context(store=Store(coarse.render_as_string(hide_password=False)), operator="测试员")
    assert verify(other).entries == 2
    tamper(ctx, "UPDATE applicants SET public_hours = 54.0")
    assert failure(other) == ["2021 年度第 3 号评委会的申报人（applicants 表）被改动，与审计记录不符。"]
    other.store.dispose()
    ctx.store.dispose()


# -- a broken chain stops writers (SPEC §14) ---------------------------------------------------


def refused(ctx) -> list[str]:
    """The lines of the refusal of a writing job, which must not start."""
    before = count_entries_raw(ctx)
    with pytest.raises(Tampered) as caught, job(ctx, "test-write"):
        pytest.fail("the job must not start")  # pragma: no cover
    assert count_entries_raw(ctx) == before
    return caught.value.message.splitlines()


BACKUP = "请用最近的备份（qzzc backup 生成的文件）恢复数据库，再重新操作。"
REFUSED = "数据库中的数据与审计日志不符，为免掩盖改动，本次操作未执行，未写入任何数据："


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (
            "UPDATE audit_entries SET operator = '李四' WHERE seq = 2",
            "审计记录第 2 条的内容与其哈希不符（被改动）。",
        ),
        (
            "UPDATE audit_entries SET hash = '" + "a" * 64 + "' WHERE seq = 2",
            "审计记录第 2 条的内容与其哈希不符（被改动）。",
        ),
        ("DELETE FROM audit_entries WHERE seq = 2", "审计记录第 2 条缺失（被删除）。"),
    ],
    ids=["contents", "hash", "deleted"],
)
def test_an_entry_edited_in_the_middle_stops_writers(initialised, change, problem):
    """Not only the last entry: an edit before it refuses every writing job, not only verify."""
    make_records(initialised)
    make_records_again(initialised)
    with job(initialised, "test-note"):
        pass
    tamper(initialised, change)
    lines = refused(initialised)
    assert lines[0] == REFUSED
    assert lines[1] == f"  {problem}"
    assert lines[-1] == BACKUP
    assert problem in failure(initialised)


def test_reordered_entries_stop_writers(initialised):
    make_records(initialised)
    make_records_again(initialised)
    tamper(initialised, "UPDATE audit_entries SET seq = seq + 100 WHERE seq IN (2, 3)")
    tamper(initialised, "UPDATE audit_entries SET seq = 5 - (seq - 100) WHERE seq > 100")
    lines = refused(initialised)
    assert lines[1:3] == [
        "  审计记录第 2 条的内容与其哈希不符（被改动）。",
        "  审计记录第 3 条的内容与其哈希不符（被改动）。",
    ]
    assert lines[-1] == BACKUP


def test_accept_cannot_mend_an_edited_entry(initialised):
    make_records(initialised)
    tamper(initialised, "UPDATE audit_entries SET operator = '李四' WHERE seq = 1")
    with pytest.raises(QzzcError) as caught:
        accept(initialised, "想补上")
    assert caught.value.message.splitlines() == [
        "审计日志中的记录被删除、改动或调换顺序，不能用 accept 确认，未写入任何数据：",
        "  审计记录第 1 条的内容与其哈希不符（被改动）。",
        "请用最近的备份（qzzc backup 生成的文件）恢复数据库。",
    ]
    assert count_entries_raw(initialised) == 2


def test_a_changed_year_is_found_stops_writers_and_can_be_accepted(initialised):
    tamper(initialised, "UPDATE meta SET value = '2022' WHERE key = 'year'")
    change = "数据库的年度记录（meta 表）被改动，与审计记录不符。"
    assert failure(initialised) == [change]
    assert refused(initialised)[1:2] == [f"  {change}"]
    assert accept(initialised, "经批准改为 2022 年度").changes == [change]
    assert verify(initialised).entries == 2


def test_an_added_meta_record_is_found(initialised):
    tamper(initialised, "INSERT INTO meta (key, value) VALUES ('readonly', 'no')")
    assert failure(initialised) == [
        "数据库的「readonly」记录（meta 表）在最后一条审计记录之后被加入，与审计记录不符。"
    ]


def test_entries_from_before_meta_was_protected_verify(ctx, monkeypatch):
    """An entry that does not know the meta kind leaves it unchecked (it cannot be compared as
    empty: every store has a year); the next job's entry records it."""
    import qzzc.audit.kinds as audit
    from qzzc.services.plan import init_store

    every = audit.KINDS
    monkeypatch.setattr(audit, "KINDS", tuple(kind for kind in every if kind.name != "meta"))
    init_store(ctx)
    monkeypatch.setattr(audit, "KINDS", every)
    assert "meta" not in list_entries(ctx)[-1]["state"]["groups"]
    assert verify(ctx).entries == 1
    make_records(ctx)
    assert list_entries(ctx)[-1]["state"]["groups"]["meta"].keys() == {"schema_version", "year"}
    tamper(ctx, "UPDATE meta SET value = '2022' WHERE key = 'year'")
    assert failure(ctx) == ["数据库的年度记录（meta 表）被改动，与审计记录不符。"]


def test_the_chain_check_of_a_job_sees_every_entry(initialised):
    """A job's check and verify agree on a sound store of many entries."""
    for _ in range(30):
        with job(initialised, "test-note"):
            pass
    make_records(initialised)
    assert verify(initialised).entries == 32


# -- objects qzzc does not create (SPEC §14) ---------------------------------------------------


def objects_found(ctx, *sql: str) -> list[str]:
    """Makes objects behind qzzc's back; returns what verify names, after checking that a writing
    job is refused with the same lines and the advice to remove them."""
    make_records(ctx)
    for statement in sql:
        tamper(ctx, statement)
    problems = failure(ctx)
    lines = refused(ctx)
    assert lines == [
        REFUSED,
        *(f"  {problem}" for problem in problems),
        "请由系统管理员删除上述 qzzc 不会创建的对象，运行 qzzc audit verify 并与最近的备份核对数据后再操作。",
    ]
    with pytest.raises(QzzcError) as caught:
        accept(ctx, "想确认")
    assert (
        caught.value.message.splitlines()[0]
        == "数据库中有 qzzc 不会创建的对象，不能用 accept 确认，未写入任何数据："
    )
    return problems


def test_a_rule_on_a_protected_table_is_found(pg_store):
    """The issue's story: a rule that adds a yes vote to every tally result qzzc writes."""
    ctx = pg_store
    problems = objects_found(
        ctx,
        "CREATE RULE one_more AS ON INSERT TO tally_results DO ALSO "
        "UPDATE tally_results SET yes = yes + 1 WHERE id = NEW.id",
    )
    assert problems == [
        "数据库中有 qzzc 不会创建的规则「one_more」（tally_results 表）：它能在 qzzc 写入时暗中改动数据。"
    ]


def test_row_level_security_is_found(pg_store):
    ctx = pg_store
    problems = objects_found(
        ctx,
        "ALTER TABLE applicants ENABLE ROW LEVEL SECURITY",
        "CREATE POLICY hide_five ON applicants USING (committee_seq <> 5)",
        "CREATE POLICY hide_votes ON tally_results USING (yes > 0)",
    )
    assert problems == [
        "数据库中有 qzzc 不会创建的行级安全策略「hide_five」（applicants 表）：它能让 qzzc 看不到或写不进部分数据。",
        "数据库中有 qzzc 不会创建的行级安全策略「hide_votes」（tally_results 表）：它能让 qzzc 看不到或写不进部分数据。",
        "applicants 表被启用了行级安全（row level security），qzzc 不会启用它：它能让 qzzc 看不到部分数据。",
    ]


def test_forced_row_level_security_without_a_policy_is_found(pg_store):
    ctx = pg_store
    assert objects_found(ctx, "ALTER TABLE verdicts FORCE ROW LEVEL SECURITY") == [
        "verdicts 表被启用了行级安全（row level security），qzzc 不会启用它：它能让 qzzc 看不到部分数据。"
    ]


def test_a_view_over_protected_tables_is_found(pg_store):
    ctx = pg_store
    schema = _schema_of(ctx.store.url)
    problems = objects_found(
        ctx,
        "CREATE VIEW results AS SELECT r.*, a.name FROM tally_results r JOIN applicants a ON a.id = r.applicant_id",
        "CREATE MATERIALIZED VIEW tallied AS SELECT * FROM tallies",
    )
    assert problems == [
        f"数据库中有 qzzc 不会创建的视图「{schema}.results」（读取 applicants、tally_results 表）：它能冒充或改写 qzzc 的数据表。",
        f"数据库中有 qzzc 不会创建的视图「{schema}.tallied」（读取 tallies 表）：它能冒充或改写 qzzc 的数据表。",
    ]


def test_a_view_named_like_a_protected_table_on_the_search_path_is_found(pg_url):
    """One rename of qzzc's table away from standing in for it."""
    import uuid

    from sqlalchemy.engine import make_url

    schema = _schema_of(pg_url)
    other = f"qzzc_test_{uuid.uuid4().hex[:12]}"
    url = make_url(pg_url)
    both = url.update_query_dict({"options": f"-csearch_path={schema},{other}"}).render_as_string(
        hide_password=False
    )
    ctx = _pg(both)
    try:
        tamper(ctx, f'CREATE SCHEMA "{other}"')
        problems = objects_found(ctx, f'CREATE VIEW "{other}".tally_results AS SELECT 1 AS id, 4 AS yes')
        assert problems == [
            f"数据库中有 qzzc 不会创建的视图「{other}.tally_results」（与 qzzc 的 tally_results 表同名）："
            "它能冒充或改写 qzzc 的数据表。"
        ]
    finally:
        tamper(ctx, f'DROP SCHEMA IF EXISTS "{other}" CASCADE')
        ctx.store.dispose()


def test_a_postgresql_trigger_is_found_with_the_others(pg_store):
    ctx = pg_store
    problems = objects_found(
        ctx,
        "CREATE FUNCTION keep() RETURNS trigger AS $$ BEGIN NEW.passed := true; RETURN NEW; END $$ LANGUAGE plpgsql",
        "CREATE TRIGGER keep BEFORE INSERT ON tally_results FOR EACH ROW EXECUTE FUNCTION keep()",
        "ALTER TABLE tally_results DISABLE TRIGGER keep",  # disabled, still there to be enabled
        "CREATE RULE no_delete AS ON DELETE TO audit_entries DO INSTEAD NOTHING",
    )
    assert problems == [
        "数据库中有 qzzc 不会创建的触发器「keep」（tally_results 表）：它能在 qzzc 写入时暗中改动数据。",
        "数据库中有 qzzc 不会创建的规则「no_delete」（audit_entries 表）：它能在 qzzc 写入时暗中改动数据。",
    ]


def test_a_view_in_a_sqlite_store_is_found(db_path):
    from qzzc.services.plan import init_store

    ctx = Context(store=Store(f"sqlite:///{db_path}"), operator="测试员")
    init_store(ctx)
    problems = objects_found(ctx, "CREATE VIEW results AS SELECT * FROM tally_results")
    assert problems == ["数据库中有 qzzc 不会创建的视图「results」：它能冒充或改写 qzzc 的数据表。"]
    ctx.store.dispose()


def test_a_view_in_another_schema_over_nothing_of_qzzcs_is_not_found(pg_store):
    """A shared server's other views are none of qzzc's business."""
    ctx = pg_store
    tamper(ctx, "CREATE VIEW plain AS SELECT 1 AS one")
    assert verify(ctx).entries == 1


def _pg(url: str) -> Context:
    from qzzc.services.plan import init_store

    ctx = Context(store=Store(url), operator="测试员")
    init_store(ctx)
    return ctx


@pytest.fixture
def pg_store(pg_url):
    """An initialised store in a fresh PostgreSQL schema."""
    ctx = _pg(pg_url)
    yield ctx
    ctx.store.dispose()


def _schema_of(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).query["options"].removeprefix("-csearch_path=")


def test_a_version_2_store_is_upgraded_and_its_meta_protected_by_the_upgrade_job(ctx, monkeypatch):
    """A store of the qzzc before the meta kind (version 2: marker, draw_applicants) verifies and
    gains version 3 and its meta records' digest with the upgrade job before its next job."""
    import qzzc.audit.kinds as audit
    from qzzc.services.plan import init_store

    every = audit.KINDS
    monkeypatch.setattr(audit, "KINDS", tuple(kind for kind in every if kind.name != "meta"))
    init_store(ctx)
    monkeypatch.setattr(audit, "KINDS", every)
    tamper(ctx, "UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    assert verify(ctx).entries == 1
    make_records(ctx)
    with ctx.store.reading() as session:
        assert ctx.store.schema_version(session) == SCHEMA_VERSION
    assert [entry["command"] for entry in list_entries(ctx)][1] == "upgrade"
    assert verify(ctx).entries == 3
    tamper(ctx, "UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    # (version 2's digests leave out the draws' and tallies' ``taken_on``, added by version 4)
    assert "数据库的结构版本记录（meta 表）被改动，与审计记录不符。" in failure(ctx)
