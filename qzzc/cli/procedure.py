"""``qzzc status`` and the meeting's procedure steps: ``meeting file`` (评前备案), ``meeting confirm``
(备案确认), ``meeting approve`` (核准公布); SPEC §11."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from qzzc.cli.common import context, date_option, emit_json, on_date, out

On = Annotated[
    str | None,
    typer.Option("--on", help="办理日期（默认今天，北京时间）；补录写当时的日期。"),
]
By = Annotated[
    str, typer.Option("--by", help="办理的人力社保部门，如 衢州市人力资源和社会保障局。", show_default=False)
]
MeetingArg = Annotated[
    int, typer.Argument(help="会议编号（备案时给出）。", metavar="会议编号", show_default=False)
]


def file(
    ctx: typer.Context,
    committee: Annotated[int, typer.Option("--committee", "-c", help="评委会序号。", show_default=False)],
    date: Annotated[
        str,
        typer.Option("--date", help="拟召开评审会议的日期（须在备案之日 7 天以后）。", show_default=False),
    ],
    place: Annotated[str | None, typer.Option("--place", help="会议地点。")] = None,
    on: On = None,
    json_: Annotated[bool, typer.Option("--json", help="以 JSON 输出。")] = False,
) -> None:
    """评前备案：创建评审会议，备案评审名单（资格审查合格且评前公示已期满的申报人）。须在会议一周前。"""
    from qzzc.services.procedure import file_meeting  # loaded when the command runs: qzzc --help stays fast

    filed = file_meeting(context(ctx), committee, date_option(date, "--date"), on=on_date(on), place=place)
    if json_:
        emit_json(filed.as_json())
        return
    say = out().print
    say(
        f"已备案：第 {filed.committee} 号评委会 {filed.committee_name}，{filed.date.isoformat()} 评审会议，"
        f"会议编号 {filed.meeting}；备案日期 {filed.on.isoformat()}，评审名单 {len(filed.applicants)} 人。",
        markup=False,
    )
    if filed.left_out:
        say(
            f"注意：另有 {filed.left_out} 名资格审查合格的申报人未列入已期满的评前公示，未列入本次评审名单"
            "（未经公示不得上会）。",
            markup=False,
        )
    say(f"下一步：人力社保部门确认后记录：qzzc meeting confirm {filed.meeting} --by 确认单位", markup=False)


def confirm(ctx: typer.Context, meeting: MeetingArg, by: By, on: On = None) -> None:
    """备案确认：记录人力社保部门对会议备案的确认（确认后方可抽取专家、召开会议）。"""
    # loaded when the command runs: qzzc --help stays fast
    from qzzc.services.procedure import confirm_meeting

    taken = confirm_meeting(context(ctx), meeting, by=by, on=on_date(on))
    out().print(
        f"已记录：第 {taken.meeting} 号会议（{taken.date.isoformat()}）经 {taken.by} 于 {taken.on.isoformat()} 备案确认。"
        f"下一步：qzzc draw-experts --meeting {taken.meeting} --size 人数",
        markup=False,
    )


def approve(ctx: typer.Context, meeting: MeetingArg, by: By, on: On = None) -> None:
    """核准公布：记录人力社保部门核准公布评审结果；此后计票和结果不得更正。"""
    # loaded when the command runs: qzzc --help stays fast
    from qzzc.services.procedure import approve_meeting

    taken = approve_meeting(context(ctx), meeting, by=by, on=on_date(on))
    out().print(
        f"已记录：第 {taken.meeting} 号会议的评审结果经 {taken.by} 于 {taken.on.isoformat()} 核准公布。"
        "计票和评审结果自此为最终结果。",
        markup=False,
    )


STEP_WORDS = {
    "pre_review": "评前公示",
    "filing": "备案",
    "confirmation": "备案确认",
    "draw": "抽取专家",
    "tally": "计票",
    "result": "结果公示",
    "filing_form": "备案表",
    "approval": "核准公布",
}


def status(
    ctx: typer.Context,
    committee: Annotated[int | None, typer.Option("--committee", "-c", help="只看一个评委会。")] = None,
    json_: Annotated[bool, typer.Option("--json", help="以 JSON 输出。")] = False,
    all_: Annotated[bool, typer.Option("--all", help="也列出尚未开始的评委会。")] = False,
) -> None:
    """评审程序进度：每个评委会已办的步骤和日期，下一步及最早可办日期。每天上班先看这里。"""
    # loaded when the command runs: qzzc --help stays fast
    from qzzc.services.procedure import status as service

    report = service(context(ctx), committee)
    if json_:
        emit_json(report)
        return
    _print_status(report, show_idle=all_ or committee is not None)


def _short(day: str) -> str:
    _, month, date = day.split("-")
    return f"{int(month)}月{int(date)}日"


def _step_text(step: dict[str, Any]) -> str:
    word = STEP_WORDS[step["step"]]
    when = _short(step["date"]) + (f"–{_short(step['end'])}" if step.get("end") else "")
    text = f"{word} {when}"
    if step["step"] == "filing":
        text += f"（会议 {step['meeting']}，{_short(step['meeting_date'])}开会）"
    if step.get("backfilled"):
        text += "（补录）"
    return text


def _short_name(name: str) -> str:
    """``衢州市建筑工程技术人员中级职务评审委员会`` → ``建筑工程技术人员中级职务``: the words that tell the
    committees apart, for an 80-column terminal."""
    for prefix in ("衢州市",):
        name = name.removeprefix(prefix)
    for suffix in ("评审委员会", "评委会", "委员会"):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name.removesuffix(suffix)
    return name


def _print_status(report: list[dict[str, Any]], show_idle: bool) -> None:
    from qzzc.cli.tables import table  # loaded when the command runs: qzzc --help stays fast

    console = out()
    shown = [item for item in report if show_idle or item["steps"]]
    idle = len(report) - len(shown)
    made = table("评审程序进度", ("序号", "评委会", "已办步骤", "下一步"), whole={"序号"})
    made.expand = True  # the ratios share the terminal: the steps get the room
    for column, ratio in zip(made.columns[1:], (2, 4, 3), strict=True):
        column.ratio = ratio
    for item in shown:
        done = "\n".join(_step_text(step) for step in item["steps"]) or "（尚未开始）"
        upcoming = item["next"]
        made.add_row(str(item["committee"]), _short_name(item["name"]), done, upcoming["text"])
    if shown:
        console.print(made)
    if idle:
        console.print(
            f"另有 {idle} 个评委会尚未开始（评前公示前），用 qzzc status --all 列出。", markup=False
        )
