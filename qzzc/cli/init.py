"""``qzzc init``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qzzc.cli.common import context, out


def init(
    ctx: typer.Context,
    plan: Annotated[
        Path | None,
        typer.Option("--plan", help="评审计划 CSV（默认：内置的 2021 年度计划）。", dir_okay=False),
    ] = None,
    rules: Annotated[
        Path | None,
        typer.Option("--rules", help="年度规则 TOML（默认：内置的 2021 年度规则）。", dir_okay=False),
    ] = None,
) -> None:
    """创建数据库并载入年度评审计划和规则；重复运行不会改动任何数据。"""
    from qzzc.services.plan import init_store  # loaded when the command runs: qzzc --help stays fast

    service = context(ctx)
    result = init_store(service, plan, rules)
    console = out()
    if result.created:
        console.print(f"已创建数据库：{service.store.where}")
    if not result.changed:
        console.print(f"数据库已是最新，未作改动（{result.year} 年度，{service.store.where}）。")
        return
    console.print(
        f"{result.year} 年度：新增评委会 {result.committees_added} 个，更新 {result.committees_changed} 个"
        + ("，规则已载入。" if result.rules_changed else "。")
    )
