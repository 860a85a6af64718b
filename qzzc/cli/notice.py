"""``qzzc notice announcement | pre-review | result | filing-form``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qzzc.cli.common import context, date_option, on_date, out

app = typer.Typer(
    help="生成公告、公示、备案表（.docx、.html 打印版、.md、.xlsx）和会议材料（抽取记录、签到表、表决票、计票表）。",
    no_args_is_help=True,
)

Out = Annotated[
    Path,
    typer.Option(
        "--out",
        "-o",
        help="输出文件，格式由扩展名决定：.docx、.html、.md 或 .xlsx（抽取记录另有 .json）。",
        dir_okay=False,
    ),
]
Template = Annotated[
    Path | None,
    typer.Option(
        "--template",
        help="使用本办公室自己的模板：.docx 文件用 Word 模板（docxtpl），.html/.md 文件用 Jinja2 模板。",
        dir_okay=False,
    ),
]
CalendarFile = Annotated[
    Path | None,
    typer.Option(
        "--calendar",
        help="节假日文件（TOML），补充内置日历没有的年份的节假日和调休工作日。",
        dir_okay=False,
    ),
]
Committee = Annotated[int, typer.Option("--committee", "-c", help="评委会序号。")]
Meeting = Annotated[int, typer.Option("--meeting", "-m", help="会议编号（见 qzzc draw-experts 的输出）。")]
Start = Annotated[
    str, typer.Option("--start", help="公示开始日期，如 2021-09-28；遇休息日从下一个工作日起算。")
]
Days = Annotated[int | None, typer.Option("--days", help="公示工作日数（默认取年度规则，5 个工作日）。")]
Issued = Annotated[str | None, typer.Option("--date", help="落款日期（默认：公示开始日期，或今天）。")]
On = Annotated[str | None, typer.Option("--on", help="发布（办理）日期（默认：今天，北京时间）。")]
Draft = Annotated[bool, typer.Option("--draft", help="只生成标明“草稿”的文件，不发布、不记录。")]


def _done(result) -> None:
    from qzzc.core.notices import TITLES

    text = f"已生成{TITLES[result.kind]}{'（草稿，未发布，未记录）' if result.draft else ''}：{result.path}"
    if result.kind != "announcement":
        text += f"（{result.rows} 人）"
    if result.period is not None:
        text += f"；公示期 {result.period.text}（{result.period.days} 个工作日）"
    out().print(text)


@app.command("announcement")
def announcement(
    ctx: typer.Context, committee: Committee, output: Out, template: Template = None, issued: Issued = None
) -> None:
    """评审公告：评委会评审和推荐的职称、专业、申报范围、时间和材料接收单位。"""
    from qzzc.services.notices import render_notice

    _done(
        render_notice(
            context(ctx),
            "announcement",
            output,
            committee=committee,
            template=template,
            issued=date_option(issued, "--date"),
        )
    )


@app.command("pre-review")
def pre_review(
    ctx: typer.Context,
    committee: Committee,
    start: Start,
    output: Out,
    days: Days = None,
    template: Template = None,
    issued: Issued = None,
    calendar: CalendarFile = None,
    on: On = None,
    draft: Draft = False,
) -> None:
    """评前公示：资格审查合格的申报人（不含身份证号），公示期和异议方式。"""
    from qzzc.services.notices import render_notice

    result = render_notice(
        context(ctx),
        "pre-review",
        output,
        committee=committee,
        start=date_option(start, "--start"),
        days=days,
        template=template,
        issued=date_option(issued, "--date"),
        calendar=calendar,
        on=on_date(on),
        draft=draft,
    )
    _done(result)


@app.command("result")
def result(
    ctx: typer.Context,
    meeting: Meeting,
    start: Start,
    output: Out,
    days: Days = None,
    template: Template = None,
    issued: Issued = None,
    calendar: CalendarFile = None,
    on: On = None,
    draft: Draft = False,
) -> None:
    """评审结果公示：评审通过或推荐的申报人。"""
    from qzzc.services.notices import render_notice

    _done(
        render_notice(
            context(ctx),
            "result",
            output,
            meeting=meeting,
            start=date_option(start, "--start"),
            days=days,
            template=template,
            issued=date_option(issued, "--date"),
            calendar=calendar,
            on=on_date(on),
            draft=draft,
        )
    )


@app.command("filing-form")
def filing_form(
    ctx: typer.Context,
    meeting: Meeting,
    output: Out,
    start: Annotated[str | None, typer.Option("--start", help="结果公示开始日期（填入备案表）。")] = None,
    days: Days = None,
    place: Annotated[str | None, typer.Option("--place", help="会议地点。")] = None,
    template: Template = None,
    issued: Issued = None,
    calendar: CalendarFile = None,
    on: On = None,
    draft: Draft = False,
) -> None:
    """评审结果备案表：会议、执行委员会、每位申报人的得票和结果，留有签字盖章处。"""
    from qzzc.services.notices import render_notice

    _done(
        render_notice(
            context(ctx),
            "filing-form",
            output,
            meeting=meeting,
            start=date_option(start, "--start"),
            days=days,
            place=place,
            template=template,
            issued=date_option(issued, "--date"),
            calendar=calendar,
            on=on_date(on),
            draft=draft,
        )
    )


Place = Annotated[str | None, typer.Option("--place", help="会议地点（默认：会议登记的地点）。")]


def _paper(ctx: typer.Context, kind: str, meeting: int, output: Path, template, issued, place=None) -> None:
    from qzzc.services.notices import render_notice

    _done(
        render_notice(
            context(ctx),
            kind,
            output,
            meeting=meeting,
            template=template,
            issued=date_option(issued, "--date"),
            place=place,
        )
    )


@app.command("draw-record")
def draw_record(
    ctx: typer.Context,
    meeting: Meeting,
    output: Out,
    place: Place = None,
    template: Template = None,
    issued: Issued = None,
) -> None:
    """专家抽取记录（内部材料）：种子及来源、候选名单摘要、排除情况、成员和候补及排序码、重新抽取和替补、复核方法；.json 为供 --verify --from 复核的导出。"""
    _paper(ctx, "draw-record", meeting, output, template, issued, place)


@app.command("sign-in")
def sign_in(
    ctx: typer.Context,
    meeting: Meeting,
    output: Out,
    place: Place = None,
    template: Template = None,
    issued: Issued = None,
) -> None:
    """评审会议签到表（内部材料）：先成员、后候补；姓名、工作单位、签名、到会时间。"""
    _paper(ctx, "sign-in", meeting, output, template, issued, place)


@app.command("ballot")
def ballot(
    ctx: typer.Context, meeting: Meeting, output: Out, template: Template = None, issued: Issued = None
) -> None:
    """表决票（无记名，内部材料）：每位成员一张，每张一页，列出全部待评审申报人。"""
    _paper(ctx, "ballot", meeting, output, template, issued)


@app.command("tally-sheet")
def tally_sheet(
    ctx: typer.Context, meeting: Meeting, output: Out, template: Template = None, issued: Issued = None
) -> None:
    """计票表（内部材料）：每位申报人的同意、不同意、弃权计数栏，各出席人数所需同意票，计票人和监票人签字。"""
    _paper(ctx, "tally-sheet", meeting, output, template, issued)
