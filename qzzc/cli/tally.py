"""``qzzc tally`` (计票) and ``qzzc meeting show`` (评审会议记录)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from qzzc.cli.common import context, emit_json, err, out

if TYPE_CHECKING:
    from qzzc.services.tally import TallyRecorded


def tally(
    ctx: typer.Context,
    meeting: Annotated[
        int, typer.Argument(help="会议编号（抽取专家时给出）。", show_default=False, metavar="会议编号")
    ],
    attending: Annotated[
        int, typer.Option("--attending", help="出席会议的执行委员会委员人数。", show_default=False)
    ],
    counts: Annotated[
        Path,
        typer.Option(
            "--counts",
            help="计票文件（.xlsx 或 .csv），列：身份证号、姓名、同意、不同意、弃权。",
            dir_okay=False,
            show_default=False,
        ),
    ],
    confirm: Annotated[
        Path | None,
        typer.Option("--confirm", help="另一人独立录入的同一计票文件，两份不一致则不记录。", dir_okay=False),
    ] = None,
    absent: Annotated[
        list[str] | None,
        typer.Option(
            "--absent", help="未出席委员的身份证号或姓名（可重复），记入会议记录。", show_default=False
        ),
    ] = None,
    amend: Annotated[bool, typer.Option("--amend", help="更正已记录的计票（须写明 --reason）。")] = False,
    reason: Annotated[str | None, typer.Option("--reason", help="更正理由。")] = None,
    on: Annotated[
        str | None, typer.Option("--on", help="计票日期（默认：今天，北京时间）；须在会议当天或之后。")
    ] = None,
    json_: Annotated[bool, typer.Option("--json", help="以 JSON 输出每位申报人的计票结果。")] = False,
) -> None:
    """记录评审会议无记名投票的计票结果：出席须达委员的 2/3，同意票达出席专家的 2/3 为通过（一(四)）。"""
    from qzzc.cli.common import on_date  # loaded when the command runs: qzzc --help stays fast
    from qzzc.services.tally import record_tally  # loaded when the command runs: qzzc --help stays fast

    result = record_tally(
        context(ctx), meeting, attending, counts, confirm, absent or [], amend, reason, on=on_date(on)
    )
    for line in result.left_out:
        err().print(f"注意：申报人 {line}", markup=False)
    if json_:
        emit_json([outcome.as_dict() for outcome in result.outcomes])
        return
    _print_tally(result)


def _print_tally(result: TallyRecorded) -> None:
    from rich.table import Table  # loaded when the command runs: qzzc --help stays fast

    from qzzc.core.privacy import mask_id  # loaded when the command runs: qzzc --help stays fast

    console = out()
    what = "更正" if result.amend_reason else "记录"
    console.print(
        f"已{what}第 {result.meeting} 号会议（第 {result.committee} 号评委会 {result.committee_name}，"
        f"{result.date}）的计票（第 {result.version} 版）：委员 {result.members} 人，出席 {result.attending} 人，"
        f"同意票须达 {result.outcomes[0].needed if result.outcomes else 0} 票。",
        markup=False,
    )
    if result.absent:
        names = "、".join(f"{m['name']}（{mask_id(m['id_number'])}）" for m in result.absent)
        console.print(f"缺席委员：{names}", markup=False)
    if result.amend_reason:
        console.print(f"更正理由：{result.amend_reason}", markup=False)
    table = Table("姓名", "身份证号", "同意", "不同意", "弃权", "出席", "须达", "结果")
    for outcome in result.outcomes:
        table.add_row(
            outcome.name,
            mask_id(outcome.id_number),
            str(outcome.counts.yes),
            str(outcome.counts.no),
            str(outcome.counts.abstain),
            str(outcome.attending),
            str(outcome.needed),
            outcome.result,
        )
    console.print(table)
    passed = sum(outcome.passed for outcome in result.outcomes)
    console.print(f"共 {len(result.outcomes)} 人，通过（推荐）{passed} 人。", markup=False)


def show_meeting(
    ctx: typer.Context,
    meeting: Annotated[int, typer.Argument(help="会议编号。", show_default=False, metavar="会议编号")],
    json_: Annotated[bool, typer.Option("--json", help="以 JSON 输出会议记录。")] = False,
    contacts: Annotated[bool, typer.Option("--contacts", help="显示专家联系电话（仅供内部使用）。")] = False,
) -> None:
    """显示评审会议记录：评委会、日期、每次抽取、委员出席与缺席、每位申报人的票数与结果、更正记录。"""
    from qzzc.services.tally import meeting_minutes  # loaded when the command runs: qzzc --help stays fast

    minutes = meeting_minutes(context(ctx), meeting, contacts)
    if json_:
        emit_json(minutes)
        return
    _print_minutes(minutes, contacts)


def _print_minutes(minutes: dict[str, Any], contacts: bool) -> None:
    from qzzc.cli.tables import table as make_table  # loaded when the command runs: qzzc --help stays fast
    from qzzc.core.audit_words import beijing  # loaded when the command runs: qzzc --help stays fast
    from qzzc.core.draw import describe_exclusions  # loaded when the command runs: qzzc --help stays fast
    from qzzc.core.privacy import mask_id  # loaded when the command runs: qzzc --help stays fast

    console = out()

    def say(text: str) -> None:
        console.print(text, markup=False)

    say(f"评审会议记录 · 第 {minutes['meeting']} 号会议")
    say(f"评委会：第 {minutes['committee']} 号 {minutes['committee_name']}（{minutes['year']} 年度）")
    say(f"会议日期：{minutes['date']}" + (f"  地点：{minutes['place']}" if minutes["place"] else ""))
    if not minutes["draws"]:
        say("尚未抽取专家。")
    for draw in minutes["draws"]:
        state = "有效" if draw["active"] else "已作废"
        say(
            f"第 {draw['number']} 次抽取（{state}）：{beijing(draw['created_at'])}，委员 {draw['size']} 人，"
            f"候补 {len(draw['alternates'])} 人"
        )
        say(f"  种子：{draw['seed']}")
        say(f"  候选专家 {draw['candidates']} 人；排除：{describe_exclusions(draw['excluded'])}")
        if draw["quotas"]:
            say(f"  专业名额：{'，'.join(f'{name} {count} 人' for name, count in draw['quotas'].items())}")
        say(f"  候选名单摘要：{draw['candidate_digest']}")
        if draw["reason"]:
            say(f"  重新抽取理由：{draw['reason']}")
        say(f"  抽中委员：{'、'.join(m['name'] for m in draw['members']) or '无'}")
        say(f"  候补（依次）：{'、'.join(m['name'] for m in draw['alternates']) or '无'}")
    for replacement in minutes["replacements"]:
        reason = f"，理由：{replacement['reason']}" if replacement["reason"] else ""
        say(
            f"替补（第 {replacement['draw']} 次抽取）：{replacement['out']['name']} 由 "
            f"{replacement['in']['name']} 替补，{beijing(replacement['at'])}{reason}"
        )
    if minutes["members"]:
        columns = ["序号", "姓名", "工作单位", "身份证号", "出席"] + (["联系电话"] if contacts else [])
        table = make_table("执行委员会委员", columns)
        for number, member in enumerate(minutes["members"], start=1):
            present = {True: "出席", False: "缺席", None: "—"}[member["present"]]
            row = [str(number), member["name"], member["unit"], mask_id(member["id_number"]), present]
            if contacts:
                row.append(member.get("phone") or "")
            table.add_row(*row)
        console.print(table)
    tallies = minutes["tallies"]
    if not tallies:
        say("尚未记录计票。")
        return
    active = next((tally for tally in tallies if tally["active"]), tallies[-1])
    needed = active["applicants"][0]["needed"] if active["applicants"] else 0
    say(
        f"计票（第 {active['version']} 版，{beijing(active['created_at'])}，{active['operator']}）："
        f"委员 {active['members']} 人，出席 {active['attending']} 人，"
        f"缺席 {active['members'] - active['attending']} 人，同意票须达 {needed} 票。"
    )
    table = make_table("计票结果", ("姓名", "身份证号", "申报资格", "同意", "不同意", "弃权", "须达", "结果"))
    for applicant in active["applicants"]:
        table.add_row(
            applicant["name"],
            mask_id(applicant["id_number"]),
            applicant["title"],
            str(applicant["yes"]),
            str(applicant["no"]),
            str(applicant["abstain"]),
            str(applicant["needed"]),
            "撤销" if applicant.get("revoked") else applicant["result"],
        )
    console.print(table)
    for applicant in active["applicants"]:
        if applicant.get("revoked"):
            say(f"{applicant['name']}的评审结果（{applicant['result']}）撤销：{applicant['revoked']}")
    objections = minutes.get("objections") or []
    if objections:
        # loaded when the command runs: qzzc --help stays fast
        from qzzc.core.objections import filing_sentence

        upheld = sum(1 for item in objections if item["outcome"] == "upheld")
        pending = sum(1 for item in objections if item["outcome"] is None)
        say(
            f"公示异议：{filing_sentence(len(objections), upheld)}"
            + (f"，待处理 {pending} 件" if pending else "")
            + "。"
        )
    if len(tallies) > 1:
        say("计票记录（含更正）：")
        for tally in tallies:
            state = "有效" if tally["active"] else "已被更正"
            reason = f"，更正理由：{tally['amend_reason']}" if tally["amend_reason"] else ""
            say(
                f"  第 {tally['version']} 版（{state}）：{beijing(tally['created_at'])}，{tally['operator']}，"
                f"出席 {tally['attending']} 人{reason}"
            )


def counts_template(
    ctx: typer.Context,
    meeting: Annotated[int, typer.Argument(help="会议编号。", show_default=False, metavar="会议编号")],
    output: Annotated[
        Path,
        typer.Argument(help="要生成的计票表（.xlsx）。", dir_okay=False, show_default=False, metavar="文件"),
    ],
) -> None:
    """生成某次会议的计票表：已填好本会议评审的全部申报人的身份证号和姓名，同意、不同意、弃权三列留空待填。"""
    from qzzc.errors import UsageError  # loaded when the command runs: qzzc --help stays fast
    from qzzc.services.tally import write_counts_form  # loaded when the command runs: qzzc --help stays fast

    if output.suffix.lower() != ".xlsx":
        raise UsageError(f"计票表应以 .xlsx 结尾：{output.name}")
    count = write_counts_form(context(ctx), meeting, output)
    out().print(f"已生成第 {meeting} 号会议的计票表（{count} 人）：{output}", markup=False)
