"""``qzzc draw-experts`` (随机抽取专家) and ``qzzc meeting replace`` (替补)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from qzzc.cli.common import context, emit_json, out

if TYPE_CHECKING:
    from qzzc.services.draw import DrawOutcome, VerifyOutcome


def draw_experts(
    ctx: typer.Context,
    committee: Annotated[
        int | None, typer.Option("--committee", help="评委会序号（见 qzzc plan list）。")
    ] = None,
    date: Annotated[str | None, typer.Option("--date", help="评审会议日期，如 2021-10-15。")] = None,
    size: Annotated[int | None, typer.Option("--size", help="执行委员会人数（单数）。")] = None,
    alternates: Annotated[int, typer.Option("--alternates", help="候补专家人数（默认 0）。")] = 0,
    seed: Annotated[
        str | None,
        typer.Option(
            "--seed", help="随机种子（文本，如候选名单确定后开奖的彩票号码）；不给则由系统随机生成。"
        ),
    ] = None,
    quota: Annotated[
        list[str] | None,
        typer.Option("--quota", help="专业名额，写作 专业=人数，可重复；按给出的顺序先行抽满。"),
    ] = None,
    conflicts: Annotated[
        Path | None,
        typer.Option(
            "--conflicts", help="回避名单（.xlsx/.csv：专家身份证号、申报人身份证号、原因）。", dir_okay=False
        ),
    ] = None,
    redraw: Annotated[
        bool, typer.Option("--redraw", help="同一会议重新抽取（须同时给出 --reason）。")
    ] = False,
    reason: Annotated[str | None, typer.Option("--reason", help="重新抽取的理由，记录在案。")] = None,
    preview: Annotated[
        bool,
        typer.Option(
            "--preview",
            help="只列出候选名单的人数、排除情况和摘要，不抽取、不记录（用于先公布摘要再确定种子）。",
        ),
    ] = False,
    verify: Annotated[
        str | None,
        typer.Option(
            "--verify",
            metavar="MEETING",
            help="复核该会议的全部抽取记录，不符时退出码为 1；与 --from 同用时（--verify --from 文件）只凭导出的抽取记录复核，不读数据库。",
        ),
    ] = None,
    source: Annotated[
        Path | None,
        typer.Option(
            "--from",
            help="导出的抽取记录（qzzc notice draw-record --out 抽取记录.json），与 --verify 同用。",
            dir_okay=False,
        ),
    ] = None,
    meeting: Annotated[
        int | None,
        typer.Option("--meeting", "-m", help="会议编号（备案时给出），可代替 --committee 和 --date。"),
    ] = None,
    on: Annotated[
        str | None,
        typer.Option("--on", help="抽取日期（默认：今天，北京时间）；须在备案确认之后、会议当天或之前。"),
    ] = None,
    json_: Annotated[bool, typer.Option("--json", help="以 JSON 输出结果。")] = False,
    rest: Annotated[list[str] | None, typer.Argument(hidden=True)] = None,
) -> None:
    """从专家库随机抽取一次评审会议的执行委员会（可复核：种子 + 候选名单摘要）。会议须已备案并经确认。"""
    from qzzc.core.draw import parse_quota  # loaded when the command runs: qzzc --help stays fast
    from qzzc.errors import UsageError  # loaded when the command runs: qzzc --help stays fast
    from qzzc.services import draw as service  # loaded when the command runs: qzzc --help stays fast

    # `--verify --from FILE`: click reads "--from" as the value of --verify (Typer has no option
    # with an optional value), and FILE arrives as an extra argument.
    if verify == "--from" and rest and len(rest) == 1 and source is None:
        verify, source, rest = "", Path(rest[0]), None
    if rest:
        raise UsageError(f"多余的参数：{' '.join(rest)}。用法见 qzzc draw-experts --help。")
    if source is not None and verify is None:
        raise UsageError("--from 只与 --verify 同用：qzzc draw-experts --verify --from 抽取记录.json")
    if verify is not None:
        given = [
            name
            for name, value in (
                ("--committee", committee), ("--date", date), ("--size", size), ("--seed", seed),
                ("--quota", quota), ("--conflicts", conflicts), ("--reason", reason), ("--preview", preview),
                ("--meeting", meeting), ("--on", on),
            )
            if value
        ] + (["--redraw"] if redraw else []) + (["--alternates"] if alternates else [])  # fmt: skip
        if given:
            raise UsageError(f"--verify 只复核已有记录，不能与 {'、'.join(given)} 同用。")
        if source is not None:
            if verify:
                raise UsageError("--verify --from 只凭文件复核，不要同时给出会议编号。")
            _print_file_verify(service.verify_file(source), json_)
            return
        if not verify.strip().isdigit():
            raise UsageError(
                f"--verify 须给出会议编号（如 --verify 1），或写作 --verify --from 抽取记录.json，「{verify}」不是会议编号。"
            )
        outcome = service.verify_meeting(context(ctx), int(verify))
        _print_verify(outcome, json_)
        return
    from qzzc.cli.common import on_date  # loaded when the command runs: qzzc --help stays fast

    if meeting is not None:
        if committee is not None or date is not None:
            raise UsageError("--meeting 已指明会议，不要同时给出 --committee 或 --date。")
        committee, day = service_procedure().meeting_of(context(ctx), meeting)
        date = day.isoformat()
    missing = [
        name
        for name, value in (("--committee", committee), ("--date", date), ("--size", size))
        if value is None
    ]
    if missing:
        raise UsageError(f"缺少选项 {'、'.join(missing)}。用法见 qzzc draw-experts --help。")
    quotas = []
    for text in quota or ():
        try:
            quotas.append(parse_quota(text))
        except ValueError as error:
            raise UsageError(f"--quota {error}。") from None
    result = service.draw_experts(
        context(ctx),
        committee,  # type: ignore[arg-type]
        service.parse_date(date),  # type: ignore[arg-type]
        size,  # type: ignore[arg-type]
        alternates,
        seed=seed,
        quotas=quotas,
        conflicts=conflicts,
        redraw=redraw,
        reason=reason,
        preview=preview,
        on=on_date(on),
    )
    if preview:
        _print_preview(result, json_)
        return
    if json_:
        emit_json(result.as_json())
        return
    _print_draw(result)


def service_procedure():
    from qzzc.services import procedure  # loaded when the command runs: qzzc --help stays fast

    return procedure


def _print_draw(result: DrawOutcome) -> None:
    from qzzc.cli.tables import table as make_table  # loaded when the command runs: qzzc --help stays fast
    from qzzc.core.draw import describe_exclusions  # loaded when the command runs: qzzc --help stays fast
    from qzzc.core.privacy import mask_id  # loaded when the command runs: qzzc --help stays fast

    console = out()
    console.print(
        f"{result.committee}. {result.committee_name}  {result.date.isoformat()} 评审会议"
        f"（会议编号 {result.meeting}，第 {result.number} 次抽取）",
        markup=False,
    )
    if result.reason:
        console.print(f"重新抽取理由：{result.reason}", markup=False)
    console.print(f"随机种子：{result.seed}{'' if result.seed_given else '（系统随机生成）'}", markup=False)
    console.print(f"候选名单摘要（SHA-256）：{result.candidate_digest}", markup=False)
    console.print(f"算法：{result.algorithm}", markup=False)
    size_note = f"，最低人数 {result.min_size}（{result.band}）" if result.min_size else ""
    console.print(
        f"待评审申报人 {result.under_review} 人；候选专家 {result.candidates} 人；"
        f"排除：{describe_exclusions(result.excluded)}{size_note}。",
        markup=False,
    )
    if result.quotas:
        console.print("专业名额：" + "，".join(f"{s} {k} 人" for s, k in result.quotas), markup=False)
    for title, people in (("执行委员会成员", result.members), ("候补专家（按顺序替补）", result.alternates)):
        if not people:
            continue
        table = make_table(
            f"{title}（{len(people)} 人）", ("序号", "姓名", "工作单位", "专业", "身份证号", "排序码")
        )
        for place, drawn in enumerate(people, start=1):
            c = drawn.candidate
            table.add_row(
                str(place), c.name, c.unit, "、".join(c.specialties), mask_id(c.id_number), drawn.key[:16]
            )
        console.print(table)
    console.print(f"复核：qzzc draw-experts --verify {result.meeting}", markup=False)


def _print_preview(result: DrawOutcome, json_: bool) -> None:
    from qzzc.core.draw import describe_exclusions  # loaded when the command runs: qzzc --help stays fast

    if json_:
        emit_json(
            {
                "committee": result.committee,
                "date": result.date.isoformat(),
                "algorithm": result.algorithm,
                "candidates": result.candidates,
                "candidate_digest": result.candidate_digest,
                "excluded": dict(result.excluded),
            }
        )
        return
    console = out()
    console.print(
        f"{result.committee}. {result.committee_name}  {result.date.isoformat()} 候选名单预览（未抽取，未记录）",
        markup=False,
    )
    console.print(f"候选名单摘要（SHA-256）：{result.candidate_digest}", markup=False)
    console.print(
        f"待评审申报人 {result.under_review} 人；候选专家 {result.candidates} 人；"
        f"排除：{describe_exclusions(result.excluded)}。",
        markup=False,
    )
    console.print("抽取时若候选名单有变，摘要也会不同；抽取记录中的摘要应与此一致。", markup=False)


def _print_verify(outcome: VerifyOutcome, json_: bool) -> None:
    from qzzc.errors import QzzcError  # loaded when the command runs: qzzc --help stays fast

    if json_:
        emit_json(
            {
                "meeting": outcome.meeting,
                "committee": outcome.committee,
                "date": outcome.date.isoformat(),
                "draws": outcome.draws,
                "ok": not outcome.problems,
                "problems": outcome.problems,
            }
        )
    else:
        console = out()
        for item in outcome.draws:
            state = "一致" if item["ok"] else "不符"
            active = "（现行）" if item["active"] else "（已被重新抽取取代）"
            console.print(
                f"第 {item['draw']} 次抽取{active}：{state}  种子 {item['seed']}  摘要 {item['candidate_digest']}",
                markup=False,
            )
    if outcome.problems:
        raise QzzcError(f"会议 {outcome.meeting} 的抽取记录复核不符：\n  " + "\n  ".join(outcome.problems))
    if not json_:
        out().print(f"会议 {outcome.meeting} 的全部 {len(outcome.draws)} 次抽取复核一致。", markup=False)


def _print_file_verify(outcome, json_: bool) -> None:
    from qzzc.errors import QzzcError  # loaded when the command runs: qzzc --help stays fast

    if json_:
        emit_json({**outcome, "ok": not outcome["problems"]})
    if outcome["problems"]:
        raise QzzcError(f"抽取记录「{outcome['file']}」复核不符：\n  " + "\n  ".join(outcome["problems"]))
    if not json_:
        out().print(
            f"抽取记录「{outcome['file']}」复核一致：第 {outcome['meeting']} 号会议第 {outcome['draw']} 次抽取，"
            f"候选 {outcome['candidates']} 人，摘要 {outcome['candidate_digest']}，"
            f"成员 {outcome['members']} 人、候补 {outcome['alternates']} 人与按种子重算的结果相同。",
            markup=False,
        )


def replace(
    ctx: typer.Context,
    meeting: Annotated[int, typer.Argument(help="会议编号（抽取专家时显示）。", metavar="会议编号")],
    id_number: Annotated[
        str, typer.Argument(help="不能出席的成员的身份证号或姓名（同名时须用身份证号）。", metavar="专家")
    ],
    reason: Annotated[str | None, typer.Option("--reason", help="不能出席的原因，记入会议记录。")] = None,
    json_: Annotated[bool, typer.Option("--json", help="以 JSON 输出结果。")] = False,
) -> None:
    """成员不能出席时，由下一位候补专家按顺序替补，并记录替补时间。"""
    from qzzc.core.privacy import mask_id  # loaded when the command runs: qzzc --help stays fast
    from qzzc.services.draw import replace_member  # loaded when the command runs: qzzc --help stays fast

    result = replace_member(context(ctx), meeting, id_number, reason)
    if json_:
        emit_json(
            {
                "meeting": result.meeting,
                "out": {"name": result.out_name, "id_number": result.out_id},
                "in": {"name": result.in_name, "id_number": result.in_id, "unit": result.in_unit},
                "at": result.at,
                "alternates_left": result.alternates_left,
                "unmet_quotas": [
                    {"specialty": s, "quota": k, "seated": n} for s, k, n in result.unmet_quotas
                ],
            }
        )
        return
    console = out()
    console.print(
        f"会议 {result.meeting}：{result.out_name}（{mask_id(result.out_id)}）不能出席，"
        f"由候补 {result.in_name}（{result.in_unit}）替补，时间 {result.at}。剩余候补 {result.alternates_left} 人。",
        markup=False,
    )
    for specialty, count, seated in result.unmet_quotas:
        console.print(f"注意：专业「{specialty}」名额 {count} 人，替补后只有 {seated} 人。", markup=False)
