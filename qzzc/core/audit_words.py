"""An audit entry in words, for ``qzzc audit`` (SPEC §13): what a clerk reads instead of JSON.

``describe`` turns an entry's command, options and summary into one Chinese sentence; ``beijing``
shows its time in Beijing time without fractions of a second. Entries of commands this module does
not know (a later qzzc's) are still shown, key by key. ``qzzc audit --json`` keeps the entries as
they are hashed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

BEIJING = dt.timezone(dt.timedelta(hours=8))
VERDICTS = {"eligible": "合格", "ineligible": "不合格", "review": "需人工核实"}
EXCLUSIONS = {
    "applicant": "本年度申报人",
    "same_unit": "与申报人同单位（回避）",
    "conflict": "回避名单",
    "already_seated": "当日已被抽中",
}
NOTICES = {
    "announcement": "评审公告",
    "pre-review": "评前公示",
    "result": "评审结果公示",
    "filing-form": "评审结果备案表",
}
COMMANDS = {
    "init": "初始化",
    "import": "导入申报人",
    "check": "资格审查",
    "check settle": "人工认定",
    "experts import": "导入专家库",
    "draw-experts": "抽取专家",
    "meeting replace": "替补专家",
    "meeting file": "评前备案",
    "meeting confirm": "备案确认",
    "meeting approve": "核准公布",
    "tally": "计票",
    "backup": "备份",
    "restore": "恢复",
    "audit accept": "确认外部改动",
    "objection add": "登记异议",
    "objection resolve": "处理异议",
}
STAGES = {"pre_review": "评前公示", "result": "结果公示"}
OUTCOMES = {"upheld": "成立", "dismissed": "不成立"}


def beijing(at: str) -> str:
    """``2026-12-01T20:35:23+00:00`` → ``2026-12-02 04:35:23`` (Beijing time); text that is not an
    ISO time comes back as it is."""
    try:
        moment = dt.datetime.fromisoformat(at)
    except (TypeError, ValueError):
        return str(at)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(BEIJING).replace(microsecond=0, tzinfo=None).isoformat(sep=" ")


def command_name(command: str) -> str:
    """The command in Chinese, with the command as typed: ``资格审查（check）``."""
    if command.startswith("notice "):
        kind = command.removeprefix("notice ")
        return f"生成{NOTICES.get(kind, kind)}（{command}）"
    return f"{COMMANDS[command]}（{command}）" if command in COMMANDS else command


def describe(command: str, options: Mapping[str, Any], summary: Mapping[str, Any]) -> str:
    """The entry's result in one Chinese sentence (no full ID number: the entry holds none)."""
    o, s = dict(options or {}), dict(summary or {})
    try:
        words = _describe(command, o, s)
    except (KeyError, TypeError, ValueError, AttributeError):
        words = None
    return words if words is not None else _generic(s)


def _describe(command: str, o: dict[str, Any], s: dict[str, Any]) -> str | None:
    if command == "init":
        return (
            f"载入 {s['year']} 年度评审计划（{s['committees']} 个评委会，新增 {s['committees_added']}，"
            f"变更 {s['committees_changed']}）和规则"
        )
    if command == "import":
        return (
            f"第 {s['committee']} 号评委会导入 {s['rows']} 人（{o.get('file', '')}）：新增 {s['added']}，"
            f"更新 {s['updated']}，未变 {s['unchanged']}"
        )
    if command == "experts import":
        return f"专家库导入 {s['rows']} 人（{o.get('file', '')}）：新增 {s['added']}，更新 {s['updated']}，未变 {s['unchanged']}"
    if command == "check":
        where = f"第 {s['committee']} 号评委会" if s.get("committee") is not None else "本年度"
        return (
            f"{where}共 {s['applicants']} 人：合格 {s['eligible']}，不合格 {s['ineligible']}，"
            f"需人工核实 {s['review']}（其中人工认定 {s['settled']}）"
        )
    if command == "check settle":
        return (
            f"第 {s['committee']} 号评委会 {s['id_number']}：{VERDICTS.get(s['computed_verdict'], s['computed_verdict'])}"
            f" → {VERDICTS.get(s['verdict'], s['verdict'])}，理由：{s['reason']}"
        )
    if command == "draw-experts":
        excluded = "，".join(f"{EXCLUSIONS.get(k, k)} {v} 人" for k, v in (s.get("excluded") or {}).items())
        return (
            f"第 {s['meeting']} 号会议第 {s['draw']} 次抽取：候选 {s['candidates']} 人"
            + (f"（排除：{excluded}）" if excluded else "")
            + f"，随机种子「{s['seed']}」，候选名单摘要 {str(s['candidate_digest'])[:16]}…"
        )
    if command == "meeting replace":
        return f"第 {s['meeting']} 号会议：{s['out']} 不能出席，由候补 {s['in']} 替补"
    if command == "meeting file":
        return f"第 {s['meeting']} 号会议（{o['date']}）于 {s['on']} 备案，评审名单 {s['applicants']} 人"
    if command in ("meeting confirm", "meeting approve"):
        return f"第 {s['meeting']} 号会议经 {o['by']} 于 {s['on']} {COMMANDS[command]}"
    if command == "tally":
        results = s.get("results") or []
        passed = sum(1 for item in results if item.get("passed"))
        text = (
            f"第 {s['meeting']} 号会议计票（第 {s['version']} 版）：委员 {s['members']} 人，出席 {s['attending']} 人，"
            f"{len(results)} 人参评，{passed} 人通过或推荐"
        )
        return text + (f"；更正理由：{s['amend_reason']}" if s.get("amend_reason") else "")
    if command.startswith("notice "):
        details = "，".join(
            part
            for part in (
                f"{s['rows']} 人" if s.get("rows") else "",
                f"公示期 {s['period']}" if s.get("period") else "",
            )
            if part
        )
        return f"{s['file']}{f'（{details}）' if details else ''}，文件 SHA-256 {str(s['sha256'])[:16]}…"
    if command == "backup":
        return f"备份为 {s['file']}（审计记录 {s['entries']} 条），文件 SHA-256 {str(s['sha256'])[:16]}…"
    if command == "restore":
        kept = f"，原数据库另存为 {s['replaced']}" if s.get("replaced") else ""
        return f"用备份 {s['backup']} 恢复（审计记录 {s['entries']} 条）{kept}"
    if command == "objection add":
        return (
            f"第 {s['objection']} 号异议：第 {s['committee']} 号评委会 {s['applicant']}，"
            f"{STAGES.get(s['stage'], s['stage'])}期间 {s['received']} 收到"
        )
    if command == "objection resolve":
        return f"第 {s['objection']} 号异议核查{OUTCOMES.get(s['outcome'], s['outcome'])}（{s['on']}），理由：{o['reason']}"
    if command == "audit accept":
        return f"理由：{s['reason']}；改动：{'；'.join(s.get('changes') or [])}"
    return None


def _generic(summary: Mapping[str, Any]) -> str:
    parts = []
    for key, value in summary.items():
        if isinstance(value, list | dict):
            value = f"{len(value)} 项"
        parts.append(f"{key} {value}")
    return "，".join(parts)
