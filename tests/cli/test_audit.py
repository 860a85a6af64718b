"""``qzzc audit``, ``qzzc audit verify`` and ``qzzc backup`` from the command line."""

from __future__ import annotations

import json
import sqlite3

from helpers import EXPERT_HEADERS

from qzzc.core.audit import GENESIS


def test_audit_lists_entries_as_json(cli_initialised):
    result = cli_initialised("--operator", "李四", "audit", "--json")
    assert result.exit_code == 0, result.stderr
    entries = json.loads(result.stdout)
    assert len(entries) == 1
    entry = entries[0]
    assert sorted(entry) == [
        "at",
        "command",
        "hash",
        "inputs",
        "operator",
        "options",
        "prev_hash",
        "seq",
        "state",
        "summary",
    ]
    assert (entry["seq"], entry["command"], entry["prev_hash"]) == (1, "init", GENESIS)
    assert [item["file"] for item in entry["inputs"]] == ["plan2021.csv", "rules2021.toml"]
    assert entry["options"] == {"plan": "plan2021.csv", "rules": "rules2021.toml", "year": 2021}


def test_the_operator_is_recorded(cli, tmp_path):
    assert cli("--operator", "王五", "init").exit_code == 0
    entries = json.loads(cli("audit", "--json").stdout)
    assert entries[0]["operator"] == "王五"


def test_audit_lists_entries_one_block_each(cli_initialised, tmp_path):
    from qzzc.core.audit_words import beijing

    assert cli_initialised("backup", str(tmp_path / "b")).exit_code == 0
    result = cli_initialised("--operator", "王五", "audit")
    assert result.exit_code == 0, result.stderr
    init, made = json.loads(cli_initialised("audit", "--json").stdout)
    plan, rules = init["inputs"]
    assert result.stdout.splitlines() == [
        f"第 1 条  {beijing(init['at'])}  {init['operator']}  初始化（init）  哈希 {init['hash'][:12]}",
        "    载入 2021 年度评审计划（25 个评委会，新增 25，变更 0）和规则",
        f"    输入文件：plan2021.csv（{plan['sha256'][:12]}）；rules2021.toml（{rules['sha256'][:12]}）",
        f"第 2 条  {beijing(made['at'])}  {made['operator']}  备份（backup）  哈希 {made['hash'][:12]}",
        f"    备份为 {made['summary']['file']}（审计记录 1 条），文件 SHA-256 {made['summary']['sha256'][:16]}…",
        f"共 2 条记录；最新记录的哈希：{made['hash']}",
    ]


def test_the_demo_store_verifies(tmp_path):
    from helpers import run_cli

    assert run_cli("demo", "--out", str(tmp_path / "demo")).exit_code == 0
    result = run_cli("--db", str(tmp_path / "demo" / "qzzc.db"), "audit", "verify")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("核验通过：审计日志 ")


def test_verify_passes_on_a_sound_store(cli_initialised):
    result = cli_initialised("audit", "verify")
    head = json.loads(cli_initialised("audit", "--json").stdout)[-1]["hash"]
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(
        "核验通过：审计日志 1 条记录完整，审查结论、专家抽取和计票等数据与最后一条记录（"
    )
    assert lines[1] == f"最新记录的哈希：{head}（可记入会议记录或备案表，日后用 --head 核验）"
    assert cli_initialised("audit", "verify", "--head", head).exit_code == 0


def test_verify_fails_on_a_store_changed_behind_qzzcs_back(cli_initialised, db_path):
    with sqlite3.connect(db_path) as connection:
        connection.execute("UPDATE committees SET name = '假评委会' WHERE seq = 4")
    result = cli_initialised("audit", "verify")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "错误：审计核验未通过，发现 1 处问题：\n"
        "  2021 年度的评审计划（committees 表）被改动，与审计记录不符。\n"
        "数据库可能在 qzzc 之外被改动。请保留现状，联系系统管理员并与最近的备份核对。\n"
        '改动经核实无误的，由负责人运行 qzzc audit accept --reason "原因" 记入审计日志。\n'
    )


def test_audit_on_an_uninitialised_store_says_how_to_fix_it(cli, db_path):
    result = cli("audit", "verify")
    assert result.exit_code == 1
    assert result.stderr == f"错误：数据库 {db_path} 尚未初始化。请先运行：qzzc init\n"


def test_backup_from_the_command_line(cli_initialised, tmp_path):
    result = cli_initialised("backup", str(tmp_path / "备份"))
    assert result.exit_code == 0, result.stderr
    [made] = list((tmp_path / "备份").iterdir())
    lines = result.stdout.splitlines()
    assert lines[0] == f"已备份到：{made}"
    assert lines[1].startswith("备份已核验：完整性检查通过，审计日志 1 条记录完整。SHA-256：")
    assert cli_initialised("audit", "verify", db=str(made)).exit_code == 0
    entries = json.loads(cli_initialised("audit", "--json").stdout)
    assert [entry["command"] for entry in entries] == ["init", "backup"]


def test_backup_of_a_server_database_points_to_pg_dump(tmp_path):
    from helpers import run_cli

    result = run_cli("--db", "postgresql+psycopg://nobody@127.0.0.1:1/none", "backup", str(tmp_path))
    assert result.exit_code == 1
    assert result.stderr == (
        "错误：共享的 PostgreSQL 数据库请由数据库管理员用 pg_dump 备份；qzzc backup 只备份 SQLite 数据库文件。\n"
    )


def test_a_damaged_store_is_refused_with_a_message(cli_initialised, db_path):
    with open(db_path, "r+b") as handle:  # zero a page of an index b-tree
        handle.seek(4096 * 5)
        handle.write(b"\0" * 4096)
    result = cli_initialised("audit", "verify")
    assert result.exit_code == 1
    assert result.stderr == (
        f"错误：数据库 {db_path} 已损坏或不是 qzzc 数据库（database disk image is malformed）。"
        "请勿继续写入，用最近的备份（qzzc backup 生成的文件）恢复。\n"
    )


def test_a_file_that_is_not_a_database_is_refused(cli, db_path):
    db_path.write_text("姓名,身份证号\n")
    result = cli("audit")
    assert result.exit_code == 1
    assert result.stderr == (
        f"错误：数据库 {db_path} 已损坏或不是 qzzc 数据库（file is not a database）。"
        "请勿继续写入，用最近的备份（qzzc backup 生成的文件）恢复。\n"
    )


def test_a_store_failing_sqlites_integrity_check_fails_verification(cli_initialised, db_path):
    connection = sqlite3.connect(db_path)
    connection.execute("PRAGMA writable_schema=ON")  # the index no longer matches its rows
    connection.execute(
        "UPDATE sqlite_master SET sql = 'CREATE INDEX ix_committees_year ON committees (seq)' "
        "WHERE name = 'ix_committees_year'"
    )
    connection.commit()
    connection.close()
    result = cli_initialised("audit", "verify")
    assert result.exit_code == 1
    missing = "；".join(f"row {row} missing from index ix_committees_year" for row in range(1, 6))
    assert result.stderr == (
        "错误：审计核验未通过，发现 1 处问题：\n"
        f"  数据库文件未通过 SQLite 完整性检查：{missing}\n"
        "数据库可能在 qzzc 之外被改动。请保留现状，联系系统管理员并与最近的备份核对。\n"
    )


def test_an_edited_verdict_after_a_years_flow_is_found_and_not_sealed(tmp_path):
    """The issue's story: a whole year, one verdict edited in the SQLite file, then a clerk runs
    the next command: it is refused, verify names the change, and only an accepted change (with
    its reason on record) lets work go on."""
    from helpers import run_cli

    assert run_cli("demo", "--out", str(tmp_path / "demo")).exit_code == 0
    db = tmp_path / "demo" / "qzzc.db"
    with sqlite3.connect(db) as connection:
        entries = connection.execute("SELECT count(*) FROM audit_entries").fetchone()[0]
        connection.execute(
            "UPDATE verdicts SET verdict = 'eligible', reasons = '[]' WHERE applicant_id = "
            "(SELECT min(applicant_id) FROM verdicts WHERE verdict = 'ineligible')"
        )
    connection.close()
    change = "2021 年度第 3 号评委会的资格审查结论（verdicts 表）被改动，与审计记录不符。"

    verified = run_cli("--db", str(db), "audit", "verify")
    assert verified.exit_code == 1
    assert verified.stderr.splitlines()[:2] == ["错误：审计核验未通过，发现 1 处问题：", f"  {change}"]

    checked = run_cli("--db", str(db), "check", "--committee", "3")
    assert checked.exit_code == 1
    assert checked.stderr.splitlines()[:2] == [
        "错误：数据库中的数据与审计日志不符，为免掩盖改动，本次操作未执行，未写入任何数据：",
        f"  {change}",
    ]
    assert run_cli("--db", str(db), "audit", "verify").exit_code == 1  # still found

    backed_up = run_cli("--db", str(db), "backup", str(tmp_path / "b"))
    assert backed_up.exit_code == 1
    assert backed_up.stderr.startswith("错误：未备份：审计核验未通过，发现 1 处问题：\n")
    assert backed_up.stderr.endswith(f"如需把现状留作证据，请直接复制数据库文件 {db}。\n")
    assert list((tmp_path / "b").iterdir()) == []

    accepted = run_cli("--db", str(db), "--operator", "张科长", "audit", "accept", "--reason", "复核后更正")
    assert accepted.exit_code == 0, accepted.stderr
    assert accepted.stdout.splitlines() == [
        f"已记入审计日志第 {entries + 1} 条，确认以下改动：",
        f"  {change}",
    ]
    assert run_cli("--db", str(db), "audit", "verify").exit_code == 0
    assert run_cli("--db", str(db), "check", "--committee", "3").exit_code == 0


def test_accept_needs_its_reason_option(cli_initialised):
    result = cli_initialised("audit", "accept")
    assert result.exit_code == 2
    assert "--reason" in result.stderr


def test_a_malformed_head_is_a_usage_error(cli_initialised):
    result = cli_initialised("audit", "verify", "--head", "zzz")
    assert result.exit_code == 2
    assert result.stderr == "错误：--head 应为此前记下的审计记录哈希：12 至 64 位十六进制数字（0–9、a–f）\n"


def test_a_reader_that_stops_early_is_not_an_error(tmp_path):
    """``qzzc applicants list --json | head -c 100``: no traceback, no internal error."""
    import subprocess
    import sys

    from helpers import many_form_rows, run_cli, write_csv

    db = tmp_path / "q.db"
    assert run_cli("--db", str(db), "init").exit_code == 0
    data = write_csv(tmp_path / "many.csv", many_form_rows(600))
    assert run_cli("--db", str(db), "import", str(data), "--committee", "3").exit_code == 0
    process = subprocess.Popen(
        [sys.executable, "-m", "qzzc", "--db", str(db), "applicants", "list", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout.read(100).startswith(b"[")
    process.stdout.close()
    with process.stderr:
        stderr = process.stderr.read().decode()
    assert process.wait(timeout=60) == 0  # the listing was made; the reader chose to stop
    assert stderr == ""


def test_an_edited_entry_stops_import_check_and_the_draw(cli_initialised, db_path, tmp_path):
    """SPEC §14: not only verify; every writing command refuses a broken chain, and writes nothing."""
    from helpers import many_expert_rows, many_form_rows, write_csv

    data = write_csv(tmp_path / "a.csv", many_form_rows(12))
    experts = write_csv(tmp_path / "e.csv", many_expert_rows(20), EXPERT_HEADERS)
    for args in (["import", str(data), "--committee", "3"], ["experts", "import", str(experts)]):
        assert cli_initialised(*args).exit_code == 0
    with sqlite3.connect(db_path) as connection:
        connection.execute("UPDATE audit_entries SET summary = '{\"rows\": 1}' WHERE seq = 2")
        before = connection.execute("SELECT count(*) FROM audit_entries").fetchone()[0]
    connection.close()
    draw = ["draw-experts", "--committee", "3", "--date", "2021-10-15", "--size", "9", "--seed", "abc"]
    for args in (["import", str(data), "--committee", "3"], ["check"], draw):
        result = cli_initialised(*args)
        assert (result.exit_code, result.stdout) == (1, ""), args
        assert result.stderr == (
            "错误：数据库中的数据与审计日志不符，为免掩盖改动，本次操作未执行，未写入任何数据：\n"
            "  审计记录第 2 条的内容与其哈希不符（被改动）。\n"
            "请用最近的备份（qzzc backup 生成的文件）恢复数据库，再重新操作。\n"
        ), args
    with sqlite3.connect(db_path) as connection:
        assert connection.execute("SELECT count(*) FROM audit_entries").fetchone()[0] == before
    connection.close()


def test_a_changed_year_is_named_by_verify(cli_initialised, db_path):
    with sqlite3.connect(db_path) as connection:
        connection.execute("UPDATE meta SET value = '2020' WHERE key = 'year'")
    connection.close()
    result = cli_initialised("audit", "verify")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:2] == [
        "错误：审计核验未通过，发现 1 处问题：",
        "  数据库的年度记录（meta 表）被改动，与审计记录不符。",
    ]
    assert cli_initialised("check").exit_code == 1


def test_objects_made_behind_qzzcs_back_on_postgresql_are_named_and_stop_writers(pg_url):
    """The issue's story: a rule that changes a vote result as qzzc writes it, and its kin. The
    commands run in a process of their own: the CLI leaves its PostgreSQL pool to the exit."""
    import subprocess
    import sys

    from sqlalchemy import create_engine, text

    def run_cli(*args: str) -> subprocess.CompletedProcess:
        done = subprocess.run(
            [sys.executable, "-m", "qzzc", *args], capture_output=True, text=True, timeout=120
        )
        done.exit_code = done.returncode  # type: ignore[attr-defined]
        return done

    assert run_cli("--db", pg_url, "init").exit_code == 0
    engine = create_engine(pg_url)
    with engine.begin() as connection:
        for sql in (
            "CREATE RULE one_more AS ON INSERT TO tally_results DO ALSO "
            "UPDATE tally_results SET yes = yes + 1 WHERE id = NEW.id",
            "CREATE POLICY hide ON verdicts USING (verdict <> 'ineligible')",
            "ALTER TABLE verdicts ENABLE ROW LEVEL SECURITY",
            "CREATE VIEW passed AS SELECT * FROM tally_results WHERE passed",
        ):
            connection.execute(text(sql))
        schema = connection.execute(text("SELECT current_schema()")).scalar_one()
    engine.dispose()
    found = [
        "  数据库中有 qzzc 不会创建的规则「one_more」（tally_results 表）：它能在 qzzc 写入时暗中改动数据。",
        "  数据库中有 qzzc 不会创建的行级安全策略「hide」（verdicts 表）：它能让 qzzc 看不到或写不进部分数据。",
        "  verdicts 表被启用了行级安全（row level security），qzzc 不会启用它：它能让 qzzc 看不到部分数据。",
        f"  数据库中有 qzzc 不会创建的视图「{schema}.passed」（读取 tally_results 表）：它能冒充或改写 qzzc 的数据表。",
    ]
    verified = run_cli("--db", pg_url, "audit", "verify")
    assert verified.exit_code == 1
    assert verified.stderr.splitlines() == [
        "错误：审计核验未通过，发现 4 处问题：",
        *found,
        "数据库可能在 qzzc 之外被改动。请保留现状，联系系统管理员并与最近的备份核对。",
    ]
    checked = run_cli("--db", pg_url, "check")
    assert checked.exit_code == 1
    assert checked.stderr.splitlines() == [
        "错误：数据库中的数据与审计日志不符，为免掩盖改动，本次操作未执行，未写入任何数据：",
        *found,
        "请由系统管理员删除上述 qzzc 不会创建的对象，运行 qzzc audit verify 并与最近的备份核对数据后再操作。",
    ]
    assert len(json.loads(run_cli("--db", pg_url, "audit", "--json").stdout)) == 1
