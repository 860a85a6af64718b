"""``qzzc audit`` (审计日志), ``qzzc audit verify`` (核验) and ``qzzc backup`` (备份)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from qzzc.cli.common import context, emit_json, out

app = typer.Typer(help="审计日志：谁在何时用哪些文件做了什么；核验日志和数据未被改动。")

SHORT_HASH = 12


@app.callback(invoke_without_command=True)
def audit(
    ctx: typer.Context,
    json_: Annotated[bool, typer.Option("--json", help="以 JSON 输出全部审计记录。")] = False,
) -> None:
    """列出审计日志：每次写入数据的时间、操作人、命令与选项、输入文件的 SHA-256 和结果摘要。"""
    if ctx.invoked_subcommand is not None:
        return
    from qzzc.services.audit import list_entries  # loaded when the command runs: qzzc --help stays fast

    entries = list_entries(context(ctx))
    if json_:
        emit_json(entries)
        return
    _print(entries)


def _print(entries: list[dict[str, Any]]) -> None:
    """One block per entry, in words (SPEC §13): the time in Beijing time, who, which command, the
    input files and what came of it; ``--json`` has the entries as they are hashed."""
    # loaded when the command runs: qzzc --help stays fast
    from qzzc.core.audit_words import beijing, command_name, describe

    console = out()
    if not entries:
        console.print("审计日志为空。")
        return
    for entry in entries:
        given = entry["options"] if isinstance(entry["options"], dict) else {}
        summary = entry["summary"] if isinstance(entry["summary"], dict) else {}
        inputs = "；".join(_input(item) for item in _as_list(entry["inputs"]))
        console.print(
            f"第 {entry['seq']} 条  {beijing(entry['at'])}  {entry['operator']}  {command_name(entry['command'])}"
            f"  哈希 {entry['hash'][:SHORT_HASH]}",
            markup=False,
        )
        words = describe(entry["command"], given, summary)
        if words:
            console.print(f"    {words}", markup=False)
        if inputs:
            console.print(f"    输入文件：{inputs}", markup=False)
    console.print(f"共 {len(entries)} 条记录；最新记录的哈希：{entries[-1]['hash']}", markup=False)


def _as_list(value: Any) -> list[Any]:
    if value in (None, "", [], {}):
        return []
    return value if isinstance(value, list) else [value]


def _input(item: Any) -> str:
    """One input file as ``name（hash）``; an entry changed outside qzzc is shown as it is."""
    if isinstance(item, dict) and isinstance(item.get("file"), str) and isinstance(item.get("sha256"), str):
        return f"{item['file']}（{item['sha256'][:SHORT_HASH]}）"
    return str(item)


@app.command("verify")
def verify(
    ctx: typer.Context,
    head: Annotated[
        str | None,
        typer.Option(
            "--head", help="此前记下的审计记录哈希（完整 64 位，或前 12 位以上）：核验它仍在日志中。"
        ),
    ] = None,
) -> None:
    """核验审计日志的哈希链，并核对审查结论、专家抽取、计票等数据与日志记录一致；发现改动则退出码为 1。"""
    from qzzc.core.audit_words import beijing  # loaded when the command runs: qzzc --help stays fast

    # loaded when the command runs: qzzc --help stays fast
    from qzzc.services.audit import verify as verify_store

    result = verify_store(context(ctx), head)
    console = out()
    if not result.entries:
        console.print("审计日志为空，数据库中没有需要核对的数据。")
        return
    console.print(
        f"核验通过：审计日志 {result.entries} 条记录完整，审查结论、专家抽取和计票等数据与最后一条记录"
        f"（{beijing(result.last_at or '')}）一致。",
        markup=False,
    )
    console.print(
        f"最新记录的哈希：{result.head}（可记入会议记录或备案表，日后用 --head 核验）", markup=False
    )


@app.command("accept")
def accept(
    ctx: typer.Context,
    reason: Annotated[str, typer.Option("--reason", help="改动的原因与批准人，记入审计日志（必填）。")],
) -> None:
    """确认经核实的外部改动：把 qzzc 之外改动了哪些数据及原因记入审计日志，此后可继续操作。"""
    # loaded when the command runs: qzzc --help stays fast
    from qzzc.services.audit import accept as accept_changes

    result = accept_changes(context(ctx), reason)
    console = out()
    console.print(f"已记入审计日志第 {result.entry} 条，确认以下改动：", markup=False)
    for change in result.changes:
        console.print(f"  {change}", markup=False)


def backup(
    ctx: typer.Context,
    directory: Annotated[
        Path, typer.Argument(help="备份文件存放的文件夹（不存在则创建）。", file_okay=False, metavar="文件夹")
    ],
) -> None:
    """把 SQLite 数据库完整复制到文件夹中（文件名含时间，仅本人可读），并核验备份。"""
    # loaded when the command runs: qzzc --help stays fast
    from qzzc.services.audit import backup as backup_store

    result = backup_store(context(ctx), directory)
    console = out()
    console.print(f"已备份到：{result.path}", markup=False)
    console.print(
        f"备份已核验：完整性检查通过，审计日志 {result.entries} 条记录完整。SHA-256：{result.sha256}",
        markup=False,
    )


def restore(
    ctx: typer.Context,
    backup_file: Annotated[
        Path, typer.Argument(help="要恢复的备份文件（qzzc backup 生成的 .db）。", metavar="备份文件")
    ],
    db: Annotated[
        str | None,
        typer.Option(
            "--db", help="恢复到哪个数据库文件（默认同 qzzc --db，即当前数据库）。", metavar="<文件>"
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="目标已有数据库时也替换（原数据库另存为“…-被替换-时间.db”）。")
    ] = False,
) -> None:
    """用备份恢复数据库：先核验备份（完整性检查、审计核验），再放到原处；不会悄悄覆盖已有的数据库。"""
    from qzzc.services.base import Context  # loaded when the command runs: qzzc --help stays fast

    # loaded when the command runs: qzzc --help stays fast
    from qzzc.services.restore import restore as restore_store

    options = ctx.find_root().obj or {}
    target = Context.create(db or options.get("db"), options.get("operator"))
    result = restore_store(target, backup_file, force=force)
    console = out()
    console.print(f"已用备份 {result.backup.name} 恢复数据库：{result.target}", markup=False)
    console.print(f"备份已核验：完整性检查通过，审计日志 {result.entries} 条记录完整。", markup=False)
    if result.replaced is not None:
        console.print(f"原数据库已另存为：{result.replaced}", markup=False)
