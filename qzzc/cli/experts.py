"""``qzzc experts import`` and ``qzzc experts list`` (专家库)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qzzc.cli.common import context, emit_json, err, import_report, out

app = typer.Typer(help="专家库：导入、查看评审专家。", no_args_is_help=True)


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[
        Path, typer.Argument(help="专家库表格（.xlsx、.xls 或 .csv）。", dir_okay=False, metavar="文件")
    ],
    sheet: Annotated[str | None, typer.Option("--sheet", help="工作表名称（默认第一个工作表）。")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只检查，不写入。")] = False,
    json_: Annotated[bool, typer.Option("--json", help="以 JSON 输出结果。")] = False,
) -> None:
    """导入专家库表格：按身份证号新增或更新专家；有任何错误时列出全部错误，不写入任何数据。"""
    from qzzc.errors import BadInput  # loaded when the command runs: qzzc --help stays fast
    from qzzc.services.experts import import_experts  # loaded when the command runs: qzzc --help stays fast

    with import_report(json_):
        result = import_experts(context(ctx), file, sheet, dry_run=dry_run)
    if json_:
        emit_json(result.as_json())
    if result.errors:
        raise BadInput(result.errors, summary=f"{file.name} 有误", total=result.errors_total)
    if json_:
        return
    if result.ignored_columns:
        err().print(f"提示：以下列不属于专家库表，已忽略：{'、'.join(result.ignored_columns)}", markup=False)
    prefix = "检查通过（未写入）：" if dry_run else "专家库导入完成："
    out().print(
        f"{prefix}工作表「{result.sheet}」共 {result.rows} 人；新增 {result.added} 人，更新 {result.updated} 人，未变 {result.unchanged} 人。",
        markup=False,
    )
    if result.without_committee:
        err().print(
            f"注意：{result.without_committee} 名专家未填“所属评委会”，抽取专家时不会被抽到。", markup=False
        )


@app.command("list")
def list_(
    ctx: typer.Context,
    committee: Annotated[int | None, typer.Option("--committee", help="只列出该序号评委会的专家。")] = None,
    json_: Annotated[bool, typer.Option("--json", help="以 JSON 输出（供脚本使用）。")] = False,
) -> None:
    """列出专家库中的专家（表格中身份证号和电话只显示部分）。"""
    from qzzc.cli.tables import table as make_table  # loaded when the command runs: qzzc --help stays fast
    from qzzc.core.privacy import mask_id  # loaded when the command runs: qzzc --help stays fast
    from qzzc.services.experts import list_experts  # loaded when the command runs: qzzc --help stays fast

    experts = list_experts(context(ctx), committee)
    if json_:
        emit_json([expert.as_json() for expert in experts])
        return
    where = f"第 {committee} 号评委会" if committee is not None else "专家库"
    table = make_table(
        f"{where}专家（共 {len(experts)} 人）",
        (
            "姓名",
            "身份证号",
            "工作单位",
            "专业",
            "职称",
            "职称级别",
            "联系电话",
            "状态",
            "所属评委会",
        ),
    )
    for e in experts:
        table.add_row(
            e.name,
            mask_id(e.id_number),
            e.unit,
            "、".join(e.specialties),
            e.title,
            e.title_level,
            e.masked_phone,
            e.status,
            "、".join(map(str, e.committees)),
        )
    out().print(table)
