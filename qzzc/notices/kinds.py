"""The documents ``qzzc notice`` makes: one declaration per kind (SPEC §8, §12).

A kind declares its Chinese title, the formats it can be written in, its context dataclass, the
function that builds that context from the store, its xlsx table, its .docx layout and the
options of its command. ``qzzc.cli.notice`` makes one command per kind from here and
``qzzc.services.notices.render_notice`` renders from here; the templates are
``templates/<name>.<html|md>.j2``. Adding a kind is adding a declaration and the functions it
names: no command, table or if-chain elsewhere changes.

The context class and the functions are named ``"module:name"`` and imported when used, so that
reading the registry (``qzzc --help``) loads nothing but itself.

- ``build(request) -> context`` runs inside the document's job (``qzzc.services.notices.Request``:
  the session, the year's rules, the options); it raises ``UsageError`` for a missing option and
  ``QzzcError`` for a state that cannot give the document.
- ``layout(context) -> bytes`` writes the .docx, ``table(context) -> qzzc.sheets.writer.Table``
  the xlsx, ``export(request) -> dict`` the .json; .html and .md come from the templates.
- Hooks, for steps of the year's procedure (SPEC §11): ``check(request)`` runs in the job before
  the context is built and may refuse; ``after(request, context)`` runs in the job once it is
  built, before the file is written, and may record in the store (a publicity period) or refuse.
  Either one's error rolls the job back: no entry, no file.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Option:
    """An option of a kind's command, by its parameter name (``qzzc.cli.notice.OPTIONS``):
    ``committee``, ``meeting``, ``start``, ``days``, ``place``, ``template``, ``issued`` (``--date``),
    ``calendar``. ``help`` replaces the option's usual help text."""

    name: str
    required: bool = False
    help: str | None = None


COMMITTEE = Option("committee", required=True)
MEETING = Option("meeting", required=True)
START = Option("start", required=True)
ON = Option("on")  # the day a step of the year's procedure is taken (SPEC §11)
DRAFT = Option("draft")
DAYS, PLACE, TEMPLATE, ISSUED, CALENDAR = (
    Option(name) for name in ("days", "place", "template", "issued", "calendar")
)


@dataclass(frozen=True)
class Kind:
    name: str
    title: str
    help: str  # the command's help text
    formats: tuple[str, ...]
    context: str
    build: str
    options: tuple[Option, ...]
    layout: str | None = None
    table: str | None = None
    export: str | None = None
    paper: bool = False  # an internal meeting paper (SPEC §12), not a public notice
    counts_people: bool = True  # the message says how many people it lists
    check: str | None = None
    after: str | None = None

    def named(self, role: str) -> Any:
        """What the declaration names for ``role`` (``context``, ``build``, ``layout``, ``table``,
        ``export``, ``check``, ``after``), imported now; ``None`` where it names none."""
        reference = getattr(self, role)
        if reference is None:
            return None
        module, _, name = reference.partition(":")
        return getattr(importlib.import_module(module), name)


_CORE = "qzzc.core."
_NOTICES = "qzzc.services.notices"
_PAPERS = "qzzc.services.notices.papers"
_DOCX = "qzzc.notices.docx"
_STEP = "qzzc.services.procedure:after_notice"  # a publicity or the filing form: a step (SPEC §11)
_XLSX = "qzzc.notices.xlsx"

KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind(
            "announcement",
            "评审公告",
            "评审公告：评委会评审和推荐的职称、专业、申报范围、时间和材料接收单位。",
            (".html", ".md", ".docx"),
            f"{_CORE}notices:AnnouncementContext",
            f"{_NOTICES}:announcement",
            (COMMITTEE, TEMPLATE, ISSUED),
            layout=f"{_DOCX}:announcement",
            counts_people=False,
        ),
        Kind(
            "pre-review",
            "评前公示",
            "评前公示：资格审查合格的申报人（不含身份证号），公示期和异议方式。",
            (".html", ".md", ".xlsx", ".docx"),
            f"{_CORE}notices:PreReviewContext",
            f"{_NOTICES}:pre_review",
            (COMMITTEE, START, DAYS, TEMPLATE, ISSUED, CALENDAR, ON, DRAFT),
            layout=f"{_DOCX}:pre_review",
            table=f"{_XLSX}:pre_review_table",
            after=_STEP,
        ),
        Kind(
            "result",
            "评审结果公示",
            "评审结果公示：评审通过或推荐的申报人。",
            (".html", ".md", ".xlsx", ".docx"),
            f"{_CORE}notices:ResultContext",
            f"{_NOTICES}:result",
            (MEETING, START, DAYS, TEMPLATE, ISSUED, CALENDAR, ON, DRAFT),
            layout=f"{_DOCX}:result",
            table=f"{_XLSX}:result_table",
            after=_STEP,
        ),
        Kind(
            "filing-form",
            "评审结果备案表",
            "评审结果备案表：会议、执行委员会、每位申报人的得票和结果，留有签字盖章处。",
            (".html", ".md", ".xlsx", ".docx"),
            f"{_CORE}notices:FilingFormContext",
            f"{_NOTICES}:filing_form",
            (
                MEETING,
                Option("start", help="结果公示开始日期（填入备案表）。"),
                DAYS,
                Option("place", help="会议地点。"),
                TEMPLATE,
                ISSUED,
                CALENDAR,
                ON,
                DRAFT,
            ),
            layout=f"{_DOCX}:filing_form",
            table=f"{_XLSX}:filing_form_table",
            after=_STEP,
        ),
        # -- the meeting papers (SPEC §12): internal, never public ------------------------------
        Kind(
            "draw-record",
            "专家抽取记录",
            "专家抽取记录（内部材料）：种子及来源、候选名单摘要、排除情况、成员和候补及排序码、重新抽取和替补、复核方法；"
            ".json 为供 --verify --from 复核的导出。",
            (".docx", ".html", ".xlsx", ".json"),
            f"{_CORE}papers:DrawRecordContext",
            f"{_PAPERS}:draw_record",
            (MEETING, PLACE, TEMPLATE, ISSUED),
            layout=f"{_DOCX}:draw_record",
            table=f"{_XLSX}:draw_record_table",
            export=f"{_PAPERS}:draw_record_export",
            paper=True,
        ),
        Kind(
            "sign-in",
            "签到表",
            "评审会议签到表（内部材料）：先成员、后候补；姓名、工作单位、签名、到会时间。",
            (".docx", ".html", ".xlsx"),
            f"{_CORE}papers:SignInContext",
            f"{_PAPERS}:sign_in",
            (MEETING, PLACE, TEMPLATE, ISSUED),
            layout=f"{_DOCX}:sign_in",
            table=f"{_XLSX}:sign_in_table",
            paper=True,
        ),
        Kind(
            "ballot",
            "表决票",
            "表决票（无记名，内部材料）：每位成员一张，每张一页，列出全部待评审申报人。",
            (".docx", ".html"),
            f"{_CORE}papers:BallotContext",
            f"{_PAPERS}:ballot",
            (MEETING, TEMPLATE, ISSUED),
            layout=f"{_DOCX}:ballot",
            paper=True,
        ),
        Kind(
            "tally-sheet",
            "计票表",
            "计票表（内部材料）：每位申报人的同意、不同意、弃权计数栏，各出席人数所需同意票，计票人和监票人签字。",
            (".docx", ".html", ".xlsx"),
            f"{_CORE}papers:TallySheetContext",
            f"{_PAPERS}:tally_sheet",
            (MEETING, TEMPLATE, ISSUED),
            layout=f"{_DOCX}:tally_sheet",
            table=f"{_XLSX}:tally_sheet_table",
            paper=True,
        ),
    )
}

PAPERS = tuple(name for name, kind in KINDS.items() if kind.paper)
"""The meeting papers (SPEC §12): internal, never public (``qzzc.core.papers``)."""
