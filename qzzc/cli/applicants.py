"""``qzzc import``, ``qzzc applicants list`` and ``qzzc template applicants``."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from qzzc.cli.common import context, emit_json, err, import_report, out

app = typer.Typer(help="申报人员：查看已导入的申报人。", no_args_is_help=True)
template_app = typer.Typer(help="生成空白表格模板。", no_args_is_help=True)

JsonOption = Annotated[bool, typer.Option("--json", help="以 JSON 输出（供脚本使用）。")]


def import_(
    ctx: typer.Context,
    file: Annotated[
        Path, typer.Argument(help="单位报送的申报人员表（.xlsx、.xls 或 .csv）。", metavar="文件")
    ],
    committee: Annotated[int, typer.Option("--committee", "-c", help="评委会序号（见 qzzc plan list）。")],
    sheet: Annotated[str | None, typer.Option("--sheet", help="工作表名称（默认第一个工作表）。")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只检查，不写入。")] = False,
    json: JsonOption = False,
) -> None:
    """导入单位报送的申报人员表：逐格检查，有任何错误则全部列出且不写入；重复导入按身份证号更新。"""
    from qzzc.sheets.reader import start_reading  # loaded when the command runs: qzzc --help stays fast

    # The workbook's parse (a child process) runs while the services and SQLAlchemy are imported.
    start_reading(file, sheet)
    from qzzc.errors import BadInput  # loaded when the command runs: qzzc --help stays fast

    # loaded when the command runs: qzzc --help stays fast
    from qzzc.services.applicants import import_applicants

    with import_report(json), _progress() as progress:
        result = import_applicants(context(ctx), file, committee, sheet, dry_run=dry_run, progress=progress)
    if json:
        emit_json(result.as_dict())
    if result.errors:
        raise BadInput(result.errors, summary=f"{file.name} 有误", total=result.errors_total)
    if json:
        return
    console = out()
    if result.ignored_columns:
        err().print(f"提示：以下列不属于申报表，已忽略：{'、'.join(result.ignored_columns)}")
    verb = "检查通过（试运行，未写入）" if dry_run else "导入完成"
    console.print(
        f"{verb}：第 {committee} 号评委会，工作表「{result.sheet}」共 {result.rows} 人；"
        f"新增 {result.added}，更新 {result.updated}，未变 {result.unchanged}。"
    )
    if result.stale_settlements:
        err().print(
            f"注意：{result.stale_settlements} 名已人工认定的申报人资料有变，其认定已失效，请重新运行 qzzc check 并复核。"
        )


@contextmanager
def _progress() -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr for large files, only when stderr is a terminal."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.progress import Progress  # loaded when the command runs: qzzc --help stays fast

    with Progress(console=err(), transient=True) as bar:
        task = bar.add_task("检查申报表", total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield advance


@app.command("list")
def list_(
    ctx: typer.Context,
    committee: Annotated[
        int | None, typer.Option("--committee", "-c", help="只列出该评委会的申报人。")
    ] = None,
    json: JsonOption = False,
) -> None:
    """列出已导入的申报人（表格中身份证号部分隐藏）。"""
    from qzzc.cli.tables import table as make_table  # loaded when the command runs: qzzc --help stays fast
    from qzzc.core.privacy import mask_id  # loaded when the command runs: qzzc --help stays fast

    # loaded when the command runs: qzzc --help stays fast
    from qzzc.services.applicants import list_applicants

    applicants = list_applicants(context(ctx), committee)
    if json:
        emit_json(applicants)
        return
    verdicts = {"eligible": "合格", "ineligible": "不合格", "review": "需人工核实", None: "未审查"}
    table = make_table(
        f"申报人员（共 {len(applicants)} 人）",
        ("评委会", "姓名", "身份证号", "工作单位", "申报资格", "申报专业", "资格审查", "评审结果"),
    )
    for item in applicants:
        table.add_row(
            str(item["committee"]),
            item["name"],
            mask_id(item["id_number"]),
            item["unit"],
            item["title"],
            item["specialty"],
            verdicts.get(item["verdict"], item["verdict"]),
            item["result"] or "—",
        )
    out().print(table)


@template_app.command("applicants")
def template_applicants(
    output: Annotated[
        Path, typer.Argument(help="要生成的模板文件（.xlsx）。", dir_okay=False, metavar="文件")
    ],
) -> None:
    """生成空白的申报人员表：表头、示例行、下拉选项，身份证号和电话列为文本格式。"""
    # loaded when the command runs: qzzc --help stays fast
    from qzzc.services.applicants import write_applicant_template

    _template(output, write_applicant_template, "申报人员表")


@template_app.command("experts")
def template_experts(
    output: Annotated[
        Path, typer.Argument(help="要生成的模板文件（.xlsx）。", dir_okay=False, metavar="文件")
    ],
) -> None:
    """生成空白的专家库表：表头、示例行、下拉选项，身份证号和电话列为文本格式。"""
    # loaded when the command runs: qzzc --help stays fast
    from qzzc.services.experts import write_expert_template

    _template(output, write_expert_template, "专家库表")


def _template(output: Path, write: Callable[[Path], None], label: str) -> None:
    """Writes a blank form with ``write`` after checking the file name, and says where."""
    from qzzc.errors import UsageError  # loaded when the command runs: qzzc --help stays fast

    if output.suffix.lower() != ".xlsx":
        raise UsageError(f"模板文件应以 .xlsx 结尾：{output.name}")
    write(output)
    out().print(f"已生成{label}模板：{output}")
