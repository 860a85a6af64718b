"""``qzzc objection add``, ``qzzc objection resolve`` and ``qzzc objection list`` (异议, SPEC §11)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from qzzc.cli.common import context, date_option, emit_json, out

app = typer.Typer(help="公示期间的异议：登记书面实名异议、记录核查结论、查看异议。", no_args_is_help=True)

JsonOption = Annotated[bool, typer.Option("--json", help="以 JSON 输出（供脚本使用）。")]
BEIJING = dt.timezone(dt.timedelta(hours=8))


def today() -> dt.date:
    """Today in Beijing time (SPEC §11): the default of ``--on``. Only the CLI reads the clock."""
    return dt.datetime.now(BEIJING).date()


@app.command("add")
def add(
    ctx: typer.Context,
    person: Annotated[
        str, typer.Argument(help="被提出异议的申报人的身份证号（或不重名的姓名）。", metavar="身份证号")
    ],
    committee: Annotated[int, typer.Option("--committee", "-c", help="评委会序号。", show_default=False)],
    received: Annotated[
        str, typer.Option("--received", help="收到书面异议的日期，如 2021-10-08。", show_default=False)
    ],
    by: Annotated[str | None, typer.Option("--by", help="异议人的真实姓名（匿名材料不予受理）。")] = None,
    contact: Annotated[str | None, typer.Option("--contact", help="异议人的联系方式（电话或地址）。")] = None,
    content: Annotated[str | None, typer.Option("--content", help="异议的内容（书面材料的要点）。")] = None,
    json_: JsonOption = False,
) -> None:
    """登记公示期间收到的书面实名异议：须写明异议人姓名和联系方式（匿名材料不予受理），收到日期须在该申报人的评前公示或结果公示期内。"""
    from qzzc.services.objections import add_objection  # loaded when the command runs: qzzc --help stays fast

    day = date_option(received, "--received")
    result = add_objection(context(ctx), person, committee, day, by, contact, content, today=today())
    if json_:
        emit_json(result.as_dict())
        return
    from qzzc.core.privacy import mask_id  # loaded when the command runs: qzzc --help stays fast

    out().print(
        f"已登记第 {result.number} 号异议：第 {result.committee} 号评委会申报人 {result.name}"
        f"（{mask_id(result.id_number)}），{result.period}期间 {result.received.isoformat()} 收到。"
        f"核查后请运行：qzzc objection resolve {result.number} --outcome 成立|不成立 --reason 理由",
        markup=False,
    )


@app.command("resolve")
def resolve(
    ctx: typer.Context,
    number: Annotated[int, typer.Argument(help="异议编号（登记时给出）。", metavar="异议编号")],
    outcome: Annotated[str, typer.Option("--outcome", help="核查结论：成立 或 不成立。", show_default=False)],
    reason: Annotated[str | None, typer.Option("--reason", help="核查处理的理由。")] = None,
    on: Annotated[str | None, typer.Option("--on", help="处理日期（默认今天，北京时间）。")] = None,
    json_: JsonOption = False,
) -> None:
    """记录异议的核查结论（每件只处理一次）：评前公示异议成立则取消评审资格，结果公示异议成立则撤销评审结果。"""
    from qzzc.core.objections import OUTCOME_ZH  # loaded when the command runs: qzzc --help stays fast

    # loaded when the command runs: qzzc --help stays fast
    from qzzc.services.objections import resolve_objection

    day = date_option(on, "--on") or today()
    result = resolve_objection(context(ctx), number, outcome, reason, day, today=today())
    if json_:
        emit_json(result.as_dict())
        return
    effect = ""
    if result.outcome == "upheld":
        effect = (
            "，该申报人资格审查结论为不合格，不再列入评审名单"
            if result.stage == "pre_review"
            else "，该申报人的评审结果撤销"
        )
    out().print(
        f"已记录第 {result.number} 号异议的核查结论：{OUTCOME_ZH[result.outcome]}"
        f"（{result.resolved_on.isoformat() if result.resolved_on else ''}）{effect}。",
        markup=False,
    )


@app.command("list")
def list_(
    ctx: typer.Context,
    committee: Annotated[int | None, typer.Option("--committee", "-c", help="只列出该评委会的异议。")] = None,
    json_: JsonOption = False,
) -> None:
    """列出本年度登记的异议及核查结论（身份证号、联系方式部分隐藏）。"""
    from qzzc.cli.tables import table as make_table  # loaded when the command runs: qzzc --help stays fast

    # loaded when the command runs: qzzc --help stays fast
    from qzzc.services.objections import list_objections

    items = list_objections(context(ctx), committee)
    if json_:
        emit_json(items)
        return
    # The short facts in a table that fits 80 columns; who objected, the content and the reason below it.
    several = len({item["committee"] for item in items}) > 1  # else the title names the committee
    headers = ("编号", *(("评委会",) if several else ()), "公示", "姓名", "身份证号", "收到日期", "结论",
               "处理日期")  # fmt: skip
    title = f"异议（共 {len(items)} 件）"
    if items and not several:
        title = f"第 {items[0]['committee']} 号评委会的异议（共 {len(items)} 件）"
    table = make_table(title, headers, whole={"编号", "姓名", "身份证号", "收到日期", "处理日期"})
    for item in items:
        table.add_row(
            str(item["objection"]),
            *((str(item["committee"]),) if several else ()),
            item["stage_name"].removesuffix("公示"),
            item["name"],
            item["id_number"],
            item["received"],
            item["outcome_name"],
            item["resolved_on"] or "",
        )
    console = out()
    console.print(table)
    for item in items:
        console.print(
            f"第 {item['objection']} 件　异议人：{item['by']}（{item['contact']}）　内容：{item['content']}",
            markup=False,
        )
        if item["reason"]:
            console.print(f"　　　　　理由：{item['reason']}", markup=False)
