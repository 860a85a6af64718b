"""``qzzc notice KIND``: one command per kind of ``qzzc.notices.kinds``, made from its declaration.

A command takes the options its kind declares, required ones first, then ``--out``, then the
rest, and hands them to ``render_notice``.
"""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Annotated, Any

import typer

from qzzc.cli.common import context, date_option, on_date, out
from qzzc.notices.kinds import KINDS, Kind

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

# Each option a kind may declare: its type, its flags and its usual help.
OPTIONS: dict[str, tuple[type, tuple[str, ...], dict[str, Any]]] = {
    "committee": (int, ("--committee", "-c"), {"help": "评委会序号。"}),
    "meeting": (int, ("--meeting", "-m"), {"help": "会议编号（见 qzzc draw-experts 的输出）。"}),
    "start": (str, ("--start",), {"help": "公示开始日期，如 2021-09-28；遇休息日从下一个工作日起算。"}),
    "days": (int, ("--days",), {"help": "公示工作日数（默认取年度规则，5 个工作日）。"}),
    "place": (str, ("--place",), {"help": "会议地点（默认：会议登记的地点）。"}),
    "template": (
        Path,
        ("--template",),
        {
            "help": "使用本办公室自己的模板：.docx 文件用 Word 模板（docxtpl），.html/.md 文件用 Jinja2 模板。",
            "dir_okay": False,
        },
    ),
    "issued": (str, ("--date",), {"help": "落款日期（默认：公示开始日期，或今天）。"}),
    "calendar": (
        Path,
        ("--calendar",),
        {"help": "节假日文件（TOML），补充内置日历没有的年份的节假日和调休工作日。", "dir_okay": False},
    ),
    "on": (str, ("--on",), {"help": "发布（办理）日期（默认：今天，北京时间）。"}),
    "draft": (bool, ("--draft",), {"help": "只生成标明“草稿”的文件，不发布、不记录。"}),
}
DATES = {"start": "--start", "issued": "--date"}  # read as dates, naming the option in an error


def _parameter(name: str, required: bool, help: str | None) -> inspect.Parameter:
    kind, flags, settings = OPTIONS[name]
    option = typer.Option(*flags, **{**settings, **({"help": help} if help else {})})
    if kind is bool:  # a flag, off unless given
        return inspect.Parameter(
            name, inspect.Parameter.KEYWORD_ONLY, default=False, annotation=Annotated[bool, option]
        )
    if required:
        return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=Annotated[kind, option])
    return inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=Annotated[kind | None, option]
    )


def _done(kind: Kind, result) -> None:
    text = f"已生成{kind.title}{'（草稿，未发布，未记录）' if result.draft else ''}：{result.path}"
    if kind.counts_people:
        text += f"（{result.rows} 人）"
    if result.period is not None:
        text += f"；公示期 {result.period.text}（{result.period.days} 个工作日）"
    out().print(text)


def _command(kind: Kind) -> None:
    def command(ctx: typer.Context, output: Path, **values: Any) -> None:
        # loaded when the command runs: qzzc --help stays fast
        from qzzc.services.notices import render_notice

        for name, flag in DATES.items():
            if name in values:
                values[name] = date_option(values[name], flag)
        if "on" in values:  # a step of the year's procedure: the day it is taken (SPEC §11)
            values["on"] = on_date(values["on"])
        _done(kind, render_notice(context(ctx), kind.name, output, **values))

    required = [option for option in kind.options if option.required]
    optional = [option for option in kind.options if not option.required]
    keyword = inspect.Parameter.KEYWORD_ONLY
    parameters = [
        inspect.Parameter("ctx", keyword, annotation=typer.Context),
        *(_parameter(option.name, True, option.help) for option in required),
        inspect.Parameter("output", keyword, annotation=Out),
        *(_parameter(option.name, False, option.help) for option in optional),
    ]
    command.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    command.__annotations__ = {parameter.name: parameter.annotation for parameter in parameters}
    command.__doc__ = kind.help
    command.__name__ = kind.name.replace("-", "_")
    app.command(kind.name)(command)


for _kind in KINDS.values():
    _command(_kind)
