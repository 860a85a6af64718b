"""The notices' and the meeting papers' sheets: one ``Table`` per kind, written to xlsx by
``qzzc.sheets.writer.workbook`` (bordered, sized, ready to print on A4). Each kind's declaration
(``qzzc.notices.kinds``) names its table function here.
"""

from __future__ import annotations

from qzzc.core.notices import FilingFormContext, PreReviewContext, ResultContext
from qzzc.core.papers import DrawRecordContext, SignInContext, TallySheetContext
from qzzc.sheets.writer import BODY, FOOT, HEAD, LEAD, PLAIN, TITLE, Table, workbook

__all__ = ["BODY", "FOOT", "HEAD", "LEAD", "PLAIN", "TITLE", "Table", "workbook"]


def _publicity(
    context: PreReviewContext | ResultContext,
    sheet: str,
    title: str,
    before: str,
    headers: tuple[str, ...],
    rows: list[tuple[object, ...]],
    notes: tuple[str, ...] = (),
) -> Table:
    """A publicity list: the period and where to object, the list, ``notes`` (the results revoked),
    the office and the date."""
    office, period = context.office, context.period
    return Table(
        sheet,
        f"{office.heading}{office.year}年度职称评审{title}",
        [
            f"{before}公示期：{period.text}（{period.days}个工作日）。如有异议，请以书面实名形式向"
            f"{office.contact_unit}反映，联系电话：{office.contact_phone}。"
        ],
        headers,
        rows,
        [*notes, f"{office.name}　{office.issued_text}"],
    )


def pre_review_table(context: PreReviewContext) -> Table:
    return _publicity(
        context,
        "评前公示",
        "评前公示",
        "",
        ("序号", "姓名", "性别", "工作单位", "申报资格", "申报专业"),
        [(a.number, a.name, a.gender, a.unit, a.title, a.specialty) for a in context.applicants],
    )


def result_table(context: ResultContext) -> Table:
    return _publicity(
        context,
        "评审结果公示",
        "结果公示",
        f"评审会议：{context.meeting_date_text}。",
        ("序号", "姓名", "性别", "工作单位", "专业", "资格名称", "评审结果"),
        [(a.number, a.name, a.gender, a.unit, a.specialty, a.title, a.result) for a in context.applicants],
        context.revoked,
    )


def filing_form_table(context: FilingFormContext) -> Table:
    office = context.office
    absent = f"（缺席：{'、'.join(context.absent)}）" if context.absent else ""
    period = f"{context.period.text}（{context.period.days}个工作日）" if context.period else "（尚未公示）"
    lead = [
        f"评委会名称：{office.committee}",
        f"会议日期：{context.meeting_date_text}　　会议地点：{context.place}",
        f"执行委员会：抽取 {context.members_drawn} 人，出席 {context.members_present} 人{absent}",
        f"出席专家：{'、'.join(context.members)}",
        f"评审情况：参评 {len(context.applicants)} 人，通过 {context.passed} 人，通过率 {context.pass_rate}",
        f"结果公示：{period}",
        f"公示异议：{context.objections}",
    ]
    foot = [f"本次计票经更正：{context.amended}"] if context.amended else []
    foot += list(context.notes)
    foot += [
        "评委会主任委员（签字）：　　　　　　　　日期：　　　年　　月　　日",
        "评委会组建单位（盖章）：　　　　　　　　日期：　　　年　　月　　日",
        f"{office.name}　{office.issued_text}",
    ]
    return Table(
        "评审结果备案表",
        f"{'（草稿）' if office.draft else ''}{office.year}年度职称评审结果备案表",
        lead,
        ("序号", "姓名", "工作单位", "申报资格", "同意", "不同意", "弃权", "通过所需", "结果"),
        [
            (a.number, a.name, a.unit, a.title, a.yes, a.no, a.abstain, a.needed, a.result)
            for a in context.applicants
        ],
        foot,
    )


# -- the meeting papers (SPEC §12), internal ---------------------------------------------------


def draw_record_table(context: DrawRecordContext) -> Table:
    office = context.office
    excluded = "；".join(f"{reason} {count} 人" for reason, count in context.exclusions) or "无"
    quotas = f"；专业名额：{'，'.join(context.quotas)}" if context.quotas else ""
    lead = [
        "（内部材料，不公开）",
        f"评委会：{office.committee}",
        f"会议：第 {context.meeting_id} 号评审会议，{context.meeting_date_text}，{context.place}",
        f"抽取：第 {context.draw_number} 次抽取，{context.drawn_at}，经办人 {context.operator}",
        f"随机种子：{context.seed}（{context.seed_source}）；算法：{context.algorithm}",
        f"候选专家：{context.candidates} 人；候选名单摘要（SHA-256）：{context.candidate_digest}",
        f"排除情况：共 {context.excluded_total} 人：{excluded}",
        f"抽取人数：执行委员会 {context.size} 人，候补 {context.alternates_count} 人{quotas}",
    ]
    rows = [("成员", m.number, m.name, m.unit, m.masked_id, m.key) for m in context.members]
    rows += [("候补", m.number, m.name, m.unit, m.masked_id, m.key) for m in context.alternates]
    foot = [
        f"第 {e.number} 次抽取（{'现行' if e.active else '已被重新抽取取代'}）：{e.at}，经办人 {e.operator}；"
        f"种子 {e.seed}；摘要 {e.candidate_digest}" + (f"；重新抽取理由：{e.reason}" if e.reason else "")
        for e in context.draws
    ]
    foot += [
        f"替补 {r.number}：{r.at}，{r.out_name} 不能出席（{r.reason}），由候补 {r.in_name} 替补。"
        for r in context.replacements
    ]
    foot += [f"{number}. {step}" for number, step in enumerate(context.steps, start=1)]
    foot += ["复核程序见 .docx 或 .html 版抽取记录；也可运行 qzzc draw-experts --verify --from 抽取记录.json"]
    return Table(
        "专家抽取记录",
        "专家抽取记录",
        lead,
        ("类别", "序号", "姓名", "工作单位", "身份证号", "排序码（SHA-256）"),
        rows,
        foot,
    )


def sign_in_table(context: SignInContext) -> Table:
    office = context.office
    rows = [("成员", m.number, m.name, m.unit, "", "") for m in context.members]
    rows += [("候补", m.number, m.name, m.unit, "", "") for m in context.alternates]
    return Table(
        "签到表",
        "评审会议签到表",
        [
            f"评委会：{office.committee}",
            f"会议：第 {context.meeting_id} 号评审会议，{context.meeting_date_text}，{context.place}",
        ],
        ("类别", "序号", "姓名", "工作单位", "签名　　　　　　　　", "到会时间　　"),
        rows,
        [],
    )


def tally_sheet_table(context: TallySheetContext) -> Table:
    office = context.office
    needed = "；".join(f"出席 {t.attending} 人须 {t.needed} 票" for t in context.thresholds)
    return Table(
        "计票表",
        "评审计票表",
        [
            f"评委会：{office.committee}",
            f"会议：第 {context.meeting_id} 号评审会议，{context.meeting_date_text}",
            f"执行委员会：{context.members} 人，出席不少于 {context.quorum} 人方可表决；出席　　人，收回表决票　　张",
            f"通过所需同意票数：{needed}",
        ],
        ("序号", "姓名", "申报资格", "同意　　　　", "不同意　　　　", "弃权　　　　", "合计", "结果"),
        [(a.number, a.name, a.title, "", "", "", "", "") for a in context.applicants],
        ["计票人（签字）：　　　　　　　监票人（签字）：　　　　　　　日期：　　　年　　月　　日"],
    )
