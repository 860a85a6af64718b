"""``qzzc check`` (资格审查) and ``qzzc check settle`` (人工认定)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from qzzc.cli.common import context, emit_json, out

if TYPE_CHECKING:
    from qzzc.services.eligibility import CheckResult

TABLE_LIMIT = 200  # rows of the terminal table; --json and --export carry everyone

app = typer.Typer(help="资格审查：逐条核对申报条件，人工认定需核实的结果。")


@app.callback(invoke_without_command=True)
def check(
    ctx: typer.Context,
    committee: Annotated[int | None, typer.Option("--committee", help="只审查该序号评委会的申报人。")] = None,
    json_: Annotated[bool, typer.Option("--json", help="以 JSON 输出每位申报人的审查结果。")] = False,
    export: Annotated[
        Path | None,
        typer.Option("--export", help="把资格审查名单（全部申报人）导出为 .xlsx 文件。", dir_okay=False),
    ] = None,
    calendar: Annotated[
        Path | None,
        typer.Option(
            "--calendar",
            help="节假日文件（TOML），补充内置日历没有的年份的节假日和调休工作日。",
            dir_okay=False,
        ),
    ] = None,
) -> None:
    """对申报人逐条审查申报条件（衢市人社专〔2021〕61号），保存审查结果，列出未通过者及原因。"""
    if ctx.invoked_subcommand is not None:
        return
    # loaded when the command runs: qzzc --help stays fast
    from qzzc.services.eligibility import check_eligibility

    result = check_eligibility(context(ctx), committee, calendar, export)
    if json_:
        emit_json([applicant.as_dict() for applicant in result.applicants])
        return
    _print(result, export)


def _print(result: CheckResult, export: Path | None) -> None:
    from rich.text import Text  # loaded when the command runs: qzzc --help stays fast

    from qzzc.cli.tables import table as make_table  # loaded when the command runs: qzzc --help stays fast
    from qzzc.core.eligibility import VERDICT_ZH  # loaded when the command runs: qzzc --help stays fast
    from qzzc.core.privacy import mask_id  # loaded when the command runs: qzzc --help stays fast
    from qzzc.core.rules import RULE_TITLE  # loaded when the command runs: qzzc --help stays fast

    console = out()
    where = f"第 {result.committee} 号评委会" if result.committee is not None else "本年度"
    if not result.applicants:
        console.print(f"{where}尚无申报人，未作审查。请先用 qzzc import 导入申报人。", markup=False)
        return
    counts = result.counts
    console.print(
        f"资格审查完成（{where}）：共 {len(result.applicants)} 人，合格 {counts['eligible']} 人，"
        f"不合格 {counts['ineligible']} 人，需人工核实 {counts['review']} 人"
        f"（其中人工认定 {len(result.settled)} 人）。",
        markup=False,
    )
    by_rule, notes = result.by_rule, result.notes  # each a pass over every applicant
    if by_rule:
        console.print("未通过的原因（人数）：", markup=False)
        for rule, count in by_rule.items():
            console.print(f"  {rule} {RULE_TITLE.get(rule, '公示异议成立')}：{count}", markup=False)
    if notes:
        console.print("未适用的规则（人数）：", markup=False)
        for message, count in notes.items():
            console.print(f"  {message}：{count}", markup=False)
    if result.unsettled:
        console.print(
            f"以下 {len(result.unsettled)} 人的数据在人工认定后有变动，人工认定已撤销，请重新核实：",
            markup=False,
        )
        for item in result.unsettled:
            console.print(
                f"  {item.name} {mask_id(item.id_number)}（第 {item.committee} 号评委会）", markup=False
            )
    failed = result.not_passed
    if failed:
        table = make_table(
            f"未通过资格审查的申报人（{len(failed)} 人）",
            ("评委会", "姓名", "身份证号", "申报资格", "审查结果", "原因"),
        )
        for item in failed[:TABLE_LIMIT]:
            verdict = VERDICT_ZH[item.verdict] + ("（人工认定）" if item.settled else "")
            reasons = "\n".join(f"{reason['rule']}：{reason['message']}" for reason in item.reasons)
            if item.settled:
                reasons = "\n".join(filter(None, [reasons, f"认定理由：{item.settled_reason}"]))
            table.add_row(
                str(item.committee),
                Text(item.name),
                mask_id(item.id_number),
                Text(item.title),
                verdict,
                Text(reasons),
            )
        console.print(table)
        if len(failed) > TABLE_LIMIT:
            console.print(
                f"（仅列出前 {TABLE_LIMIT} 人；全部名单请用 --export 名单.xlsx 或 --json）", markup=False
            )
    if export is not None:
        console.print(f"资格审查名单已导出：{export}（{len(result.applicants)} 人）", markup=False)


@app.command("settle")
def settle(
    ctx: typer.Context,
    id_number: Annotated[
        str, typer.Argument(help="申报人身份证号，或姓名（同名时须用身份证号）。", metavar="申报人")
    ],
    verdict: Annotated[
        str,
        typer.Option(
            "--verdict",
            help="认定结果：合格 或 不合格（也可写 eligible、ineligible）。",
            metavar="<合格|不合格>",
        ),
    ],
    reason: Annotated[str, typer.Option("--reason", help="认定理由（记入审查结果和审计日志）。")],
    committee: Annotated[
        int | None, typer.Option("--committee", help="评委会序号；同一身份证号向多个评委会申报时必填。")
    ] = None,
) -> None:
    """人工认定一位申报人的资格审查结果（如核实后的“需人工核实”），重新审查时保留，数据变动后撤销。"""
    from qzzc.core.eligibility import VERDICT_ZH  # loaded when the command runs: qzzc --help stays fast
    from qzzc.core.privacy import mask_id  # loaded when the command runs: qzzc --help stays fast

    # loaded when the command runs: qzzc --help stays fast
    from qzzc.services.eligibility import settle as settle_verdict

    result = settle_verdict(context(ctx), id_number, verdict, reason, committee)
    out().print(
        f"已认定：{result.name} {mask_id(result.id_number)}（第 {result.committee} 号评委会）"
        f"{VERDICT_ZH[result.computed_verdict]} → {VERDICT_ZH[result.verdict]}，理由：{result.reason}",
        markup=False,
    )
