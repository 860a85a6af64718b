"""``qzzc plan list`` and ``qzzc plan show``."""

from __future__ import annotations

from typing import Annotated

import typer

from qzzc.cli.common import context, emit_json, out

app = typer.Typer(help="查看年度评审计划中的评委会。", no_args_is_help=True)

JsonOption = Annotated[bool, typer.Option("--json", help="以 JSON 输出（供脚本使用）。")]


@app.command("list")
def list_(ctx: typer.Context, json: JsonOption = False) -> None:
    """列出年度计划中的全部评委会。"""
    from qzzc.cli.tables import table as make_table  # loaded when the command runs: qzzc --help stays fast
    from qzzc.services.plan import list_committees  # loaded when the command runs: qzzc --help stays fast

    committees = list_committees(context(ctx))
    if json:
        emit_json([committee.as_dict() for committee in committees])
        return
    table = make_table(
        f"评审计划（共 {len(committees)} 个评委会）",
        ("序号", "评委会", "评审", "推荐", "评审时间", "材料接收"),
        whole={"序号"},
    )
    for committee in committees:
        table.add_row(
            str(committee.seq),
            committee.name,
            _titles(committee.evaluates),
            _titles(committee.recommends),
            committee.review_time,
            f"{committee.contact_unit} {committee.contact_phone}",
        )
    out().print(table)


@app.command("show")
def show(
    ctx: typer.Context,
    seq: Annotated[int, typer.Argument(help="评委会序号（见 qzzc plan list）。", metavar="序号")],
    json: JsonOption = False,
) -> None:
    """显示一个评委会的详细信息。"""
    from rich.table import Table  # loaded when the command runs: qzzc --help stays fast

    from qzzc.services.plan import show_committee  # loaded when the command runs: qzzc --help stays fast

    committee = show_committee(context(ctx), seq)
    if json:
        emit_json(committee.as_dict())
        return
    table = Table(title=f"{committee.seq}. {committee.name}", show_header=False)
    table.add_column("项目", style="bold")
    table.add_column("内容", overflow="fold")
    table.add_row("评审", "、".join(committee.evaluates) or "—")
    table.add_row("推荐", "、".join(committee.recommends) or "—")
    specialties = "、".join(committee.specialties)
    if committee.other_specialties:
        specialties += "；以及暂不具备设置中级评审委员会条件的专业"
    table.add_row("所评专业", specialties)
    table.add_row("申报对象范围", "；".join(f"{band}：{scope}" for band, scope in committee.scope.items()))
    table.add_row("预计评审时间", committee.review_time or "—")
    table.add_row("材料接收截止", committee.deadline or "—")
    table.add_row("材料接收单位", f"{committee.contact_unit} {committee.contact_phone}")
    out().print(table)


def _titles(titles: tuple[str, ...]) -> str:
    if len(titles) > 4:
        return "、".join(titles[:3]) + f" 等 {len(titles)} 个"
    return "、".join(titles) or "—"
