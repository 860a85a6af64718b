"""``qzzc demo``: a realistic, deterministic sample year run through the whole flow (SPEC §9).

The sample is committee 3 (建筑工程) of the 2021 plan: two units' spreadsheets as they arrive
(an Excel workbook with a title row, aliased headers and hand-typed dates; a GB18030 CSV from
Excel on Chinese Windows), an expert pool, and the paper ballots' counts. Applicants are made to
show a spread of verdicts: most pass, and one each fails a rule of the notice. Every step calls
the same service a clerk's command does; nothing is faked.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import random
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from qzzc.core.draw import describe_exclusions
from qzzc.core.ids import check_digit
from qzzc.core.tally import needed_yes_votes
from qzzc.errors import QzzcError
from qzzc.files import os_reason, write_file
from qzzc.notices.kinds import KINDS, PAPERS
from qzzc.services import procedure
from qzzc.services.applicants import import_applicants
from qzzc.services.base import Context
from qzzc.services.draw import draw_experts
from qzzc.services.eligibility import check_eligibility, settle
from qzzc.services.experts import import_experts
from qzzc.services.notices import render_notice
from qzzc.services.objections import add_objection, resolve_objection
from qzzc.services.plan import init_store
from qzzc.services.tally import record_tally
from qzzc.sheets.writer import list_workbook
from qzzc.store.db import Store, resolve_url

COMMITTEE = 3
SEED = "2021年10月20日 衢州 演示"  # a public lottery's numbers in real use
MEETING_DATE = dt.date(2021, 10, 20)
PRE_REVIEW_START = dt.date(2021, 9, 28)  # 5 working days across National Day: ends 2021-10-09
RESULT_START = dt.date(2021, 10, 21)  # ends 2021-10-27
# The year's procedure (SPEC §11), each step on its day.
ANNOUNCED = dt.date(2021, 8, 2)
PRE_REVIEW_ON = dt.date(2021, 9, 27)  # published the working day before the period
FILED_ON = dt.date(2021, 10, 11)  # after the pre-review publicity, 9 days before the meeting
CONFIRMED_ON = dt.date(2021, 10, 12)
DRAWN_ON = dt.date(2021, 10, 18)
FILING_FORM_ON = dt.date(2021, 11, 1)
APPROVED_ON = dt.date(2021, 11, 5)
BUREAU = "衢州市人力资源和社会保障局"
DRAW_SIZE = 11
ALTERNATES = 2
ABSENT = 1
PLACE = "衢州市住房和城乡建设局三楼会议室"

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方邹熊白孟秦邱江尹薛闫段雷侯龙史"
# Given-name characters as Chinese readers expect them of men and of women, so that a name and the
# sex its ID number gives agree (谢桂艳 is a woman's name).
GIVEN_MALE = "伟强磊军洋勇杰涛明超刚平华彬鹏辉斌宇浩凯健俊帆帅旭宁博文亮晨建国峰林志"
GIVEN_FEMALE = "芳娜敏静丽艳娟秀霞桂英玉萍红娥玲芬燕婷雪慧琳洁颖倩莉晶"
REGION_CODES = {
    "市本级": "330802",
    "柯城区": "330802",
    "衢江区": "330803",
    "江山市": "330881",
    "龙游县": "330825",
    "常山县": "330822",
}
HEADERS = (
    "姓名", "身份证号码", "单位名称", "单位性质", "单位隶属", "所在地区", "申报专业", "申报资格", "申报类型",
    "学历", "学位", "从事专业技术工作年限", "现职称", "现职称取得时间", "公需科目学时", "专业科目学时", "社保缴纳单位", "人事档案所在单位",
    "劳动合同单位", "岗位结构比例内", "委托评审函", "单位公示开始日期", "单位公示结束日期", "年度考核", "学术造假", "联系电话",
)  # fmt: skip


@dataclass
class DemoReport:
    folder: Path
    store: Path
    inputs: list[Path] = field(default_factory=list)
    documents: list[Path] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)


class _People:
    """Deterministic names and valid ID numbers."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()
        self.names: set[str] = set()

    def name(self, female: bool) -> str:
        given = GIVEN_FEMALE if female else GIVEN_MALE
        while True:
            name = self.rng.choice(SURNAMES) + "".join(
                self.rng.choice(given) for _ in range(self.rng.choice((1, 2)))
            )
            if name not in self.names:
                self.names.add(name)
                return name

    def id_number(self, region: str, born: int, female: bool) -> str:
        while True:
            birth = dt.date(born, self.rng.randint(1, 12), self.rng.randint(1, 28))
            serial = self.rng.randint(10, 99) * 10 + (
                self.rng.choice((0, 2, 4, 6, 8)) if female else self.rng.choice((1, 3, 5, 7, 9))
            )
            first17 = f"{REGION_CODES.get(region, '330802')}{birth:%Y%m%d}{serial:03d}"
            number = first17 + check_digit(first17)
            if number not in self.used:
                self.used.add(number)
                return number

    def phone(self) -> str:
        return f"13{self.rng.randint(3, 9)}{self.rng.randint(0, 99_999_999):08d}"


def _applicant(people: _People, unit: str, **changes: object) -> dict[str, object]:
    rng = people.rng
    female = rng.random() < 0.45
    region = str(changes.pop("所在地区", "市本级"))
    title = str(changes.get("申报资格", "工程师"))
    education = "研究生" if title == "高级工程师" else rng.choice(("本科", "本科", "本科", "大专"))
    row: dict[str, object] = {
        "姓名": people.name(female),
        "身份证号码": people.id_number(region, rng.randint(1975, 1995), female),
        "单位名称": unit,
        "单位性质": "企业",
        "单位隶属": "市属",
        "所在地区": region,
        "申报专业": rng.choice(("建筑设计", "建筑结构", "给排水", "工程造价", "建筑施工", "暖通工程")),
        "申报资格": title,
        "申报类型": "正常申报",
        "学历": education,
        "学位": {"研究生": "硕士", "本科": "学士"}.get(education, "无"),
        "从事专业技术工作年限": rng.randint(5, 18),
        "公需科目学时": rng.choice((56, 60, 64, 72, 90)),
        "专业科目学时": rng.choice((96, 120, 150, 180)),
        "社保缴纳单位": unit,
        "人事档案所在单位": unit,
        "劳动合同单位": unit,
        "岗位结构比例内": "",
        "委托评审函": "无",
        "单位公示开始日期": "2021-09-01",
        "单位公示结束日期": "2021年9月8日",
        "年度考核": rng.choice(("合格", "合格", "优秀")),
        "学术造假": "否",
        "联系电话": people.phone(),
    }
    row.update(changes)
    # One level below the title applied for (title.sequence), held long enough (title.years):
    # derived from the drawn years of work, so the sample's other draws stay as they were.
    row.setdefault("现职称", CURRENT_TITLE.get(str(row["申报资格"]), ""))
    row.setdefault("现职称取得时间", f"{2021 - 5 - int(row['从事专业技术工作年限']) % 4}-12-20")  # type: ignore[call-overload]
    return row


CURRENT_TITLE = {"助理工程师": "技术员", "工程师": "助理工程师", "高级工程师": "工程师"}


def sample_applicants(rng: random.Random) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """The two units' rows: (a design institute's workbook, a district bureau's CSV)."""
    people = _People(rng)
    institute = "衢州市建筑设计研究院"
    bureau = "衢州市柯城区建设工程质量监督站"
    first = [_applicant(people, institute) for _ in range(7)]
    first += [
        _applicant(people, institute, 申报资格="高级工程师"),
        _applicant(people, institute, 申报资格="高级工程师"),
        _applicant(people, institute, 申报资格="助理工程师", 学历="本科", 学位="学士", 公需科目学时=20),
        _applicant(people, institute, 公需科目学时=53),  # cpd.public: 53 < 54
        _applicant(
            people, institute, 单位公示开始日期="2021.9.28", 单位公示结束日期="2021/10/8"
        ),  # 4 working days
    ]
    second = [
        _applicant(
            people,
            bureau,
            单位性质="事业单位",
            单位隶属="县（市、区）属",
            所在地区="柯城区",
            岗位结构比例内="是",
        )
        for _ in range(4)
    ]
    second += [
        _applicant(
            people, bureau, 单位性质="事业单位", 单位隶属="县（市、区）属", 所在地区="柯城区"
        ),  # post.ratio: review
        _applicant(
            people,
            bureau,
            单位性质="事业单位",
            单位隶属="县（市、区）属",
            所在地区="柯城区",
            岗位结构比例内="是",
            学术造假="是",
        ),
        _applicant(
            people, "浙江省第二建筑设计院衢州分院", 单位隶属="省部属", 委托评审函="无"
        ),  # affiliation.entrust
        _applicant(
            people, "江山市恒达建设有限公司", 所在地区="江山市", 申报资格="助理工程师", 学历="大专", 学位="无"
        ),  # scope
        _applicant(
            people,
            bureau,
            所在地区="柯城区",
            单位性质="事业单位",
            单位隶属="县（市、区）属",
            岗位结构比例内="是",
            社保缴纳单位="衢州市柯城区住房和城乡建设局",
        ),
    ]
    return first, second


def sample_experts(rng: random.Random) -> list[dict[str, object]]:
    people = _People(rng)
    units = ["衢州市建筑设计研究院", "衢州市城市建设投资集团", "衢州学院建筑工程学院", "浙江衢州建工集团", "衢州市规划设计院",
             "衢州市交通设计有限公司", "衢州市住房和城乡建设局", "龙游县建筑设计院", "江山市城建集团", "常山县住建局",
             "开化县建设工程服务中心", "衢州市市政工程公司", "衢州市勘察院"]  # fmt: skip
    specialties = [
        "建筑设计",
        "建筑结构",
        "给排水",
        "工程造价",
        "建筑施工",
        "暖通工程",
        "建筑电气（建筑智能化）",
        "岩土工程",
    ]
    experts = []
    for index in range(40):
        senior = rng.random() < 0.3
        female = rng.random() < 0.4
        experts.append({
            "姓名": people.name(female),
            "身份证号": people.id_number("市本级", rng.randint(1960, 1980), female),
            "工作单位": units[index % len(units)],
            "所在地区": rng.choice(("市本级", "柯城区", "衢江区", "龙游县", "江山市")),
            "专业": "、".join(rng.sample(specialties, rng.choice((1, 2)))),
            "职称": "正高级工程师" if senior else "高级工程师",
            "职称级别": "正高级" if senior else "副高级",
            "联系电话": people.phone(),
            "状态": "暂停" if index == 5 else "在库",
            "所属评委会": "3、15" if index % 7 == 0 else "3",
        })  # fmt: skip
    return experts


def _write_xlsx(path: Path, title: str, headers: tuple[str, ...], rows: list[dict[str, object]]) -> None:
    values = [[None if row.get(header) == "" else row.get(header) for header in headers] for row in rows]
    write_file(path, list_workbook("Sheet1", headers, values, title=title))


def _write_csv(path: Path, headers: tuple[str, ...], rows: list[dict[str, object]], encoding: str) -> None:
    text = io.StringIO(newline="")
    writer = csv.writer(text)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([row.get(header, "") for header in headers])
    write_file(path, text.getvalue().encode(encoding))  # whole or not at all, as every file qzzc writes


def _counts(rng: random.Random, applicants: list[tuple[str, str]], attending: int) -> list[dict[str, object]]:
    """Paper ballots' counts: most pass, one exactly at two thirds, one just short of it."""
    needed = needed_yes_votes(attending)
    rows = []
    for index, (number, name) in enumerate(applicants):
        yes = {0: needed, 1: needed - 1}.get(index, rng.randint(needed + 1, attending))
        abstain = rng.randint(0, attending - yes) if yes < attending else 0
        rows.append(
            {
                "身份证号": number,
                "姓名": name,
                "同意": yes,
                "不同意": attending - yes - abstain,
                "弃权": abstain,
            }
        )
    return rows


def _demo_store(path: Path) -> bool:
    """Whether the SQLite file at ``path`` was written by the demo alone: every audit entry's
    operator is 演示. Anything else (an office's store, a file that is not a store) is kept."""
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
            others = connection.execute("SELECT COUNT(*) FROM audit_entries WHERE operator != '演示'")
            return others.fetchone()[0] == 0
    except sqlite3.Error:
        return False


def run_demo(folder: Path, say: Callable[[str], None]) -> DemoReport:
    """Runs the whole flow in a fresh store ``folder/qzzc.db`` and writes every document under
    ``folder/公告``. A store left there by an earlier demo is replaced. Returns what was made."""
    inputs, documents = folder / "输入", folder / "公告"
    try:
        for place in (folder, inputs, documents):
            place.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise QzzcError(f"无法创建文件夹 {folder}：{os_reason(error)}") from None
    store_path = folder / "qzzc.db"
    if store_path.exists():
        if not _demo_store(store_path):
            raise QzzcError(
                f"{store_path} 不是演示生成的数据库（其中有非演示的操作记录），不会删除它。"
                "请用 --out 指定另一个文件夹。"
            )
        store_path.unlink()
        say(f"已删除上次演示留下的数据库 {store_path}")
    ctx = Context(store=Store(resolve_url(str(store_path))), operator="演示")
    report = DemoReport(folder, store_path)
    rng = random.Random(2021)

    def step(text: str) -> None:
        report.steps.append(text)
        say(f"✓ {text}")

    init_store(ctx)
    step(f"初始化数据库 {store_path}：载入 2021 年度计划（25 个评委会）和规则")

    first, second = sample_applicants(rng)
    workbook = inputs / "衢州市建筑设计研究院-申报人员.xlsx"
    _write_xlsx(workbook, "衢州市建筑设计研究院2021年度职称申报人员汇总表", HEADERS, first)
    table = inputs / "柯城区-申报人员汇总.csv"
    _write_csv(table, HEADERS, second, "gb18030")
    experts_file = inputs / "专家库.xlsx"
    expert_headers = (
        "姓名",
        "身份证号",
        "工作单位",
        "所在地区",
        "专业",
        "职称",
        "职称级别",
        "联系电话",
        "状态",
        "所属评委会",
    )
    _write_xlsx(
        experts_file, "衢州市建筑工程技术人员中级职务评审委员会专家库", expert_headers, sample_experts(rng)
    )
    report.inputs += [workbook, table, experts_file]
    for path in (workbook, table):
        result = import_applicants(ctx, path, COMMITTEE)
        if result.errors:
            raise QzzcError(f"演示数据 {path.name} 未通过导入检查：{result.errors[0].describe()}")
        step(f"导入 {path.name}：新增 {result.added} 人")

    checked = check_eligibility(ctx, COMMITTEE)
    counts = checked.counts
    step(
        f"资格审查：合格 {counts.get('eligible', 0)} 人，不合格 {counts.get('ineligible', 0)} 人，"
        f"需人工核实 {counts.get('review', 0)} 人"
    )
    for item in checked.applicants:
        if item.verdict == "review":
            settle(
                ctx,
                item.id_number,
                "eligible",
                "单位补充提交岗位结构比例核定表，经核实在比例范围内",
                committee=COMMITTEE,
            )
            step(f"人工认定 {item.name}：合格（单位补充提交岗位结构比例核定表）")

    imported = import_experts(ctx, experts_file)
    if imported.errors:
        raise QzzcError(f"演示专家库未通过导入检查：{imported.errors[0].describe()}")
    step(f"导入专家库：{imported.added} 人")

    meeting_papers = folder / "会议材料"
    meeting_papers.mkdir(exist_ok=True)

    def publish(kind: str, suffixes: tuple[str, ...], **options) -> None:
        for suffix in suffixes:
            out = (meeting_papers if kind in PAPERS else documents) / f"{KINDS[kind].title}{suffix}"
            render_notice(ctx, kind, out, **options)
            report.documents.append(out)
        step(f"生成{KINDS[kind].title}（{'、'.join(suffixes)}）")

    publish("announcement", (".docx", ".html", ".md"), committee=COMMITTEE, issued=ANNOUNCED)
    publish(
        "pre-review", (".docx", ".html", ".md", ".xlsx"), committee=COMMITTEE, start=PRE_REVIEW_START,
        on=PRE_REVIEW_ON,
    )  # fmt: skip
    step("评前公示 2021年9月28日至10月9日（跨国庆假期，10月9日为调休工作日），公示期满")

    filed = procedure.file_meeting(ctx, COMMITTEE, MEETING_DATE, on=FILED_ON, place=PLACE)
    step(
        f"评前备案（{FILED_ON.isoformat()}）：第 {filed.meeting} 号会议，{MEETING_DATE.isoformat()} 召开，"
        f"评审名单 {len(filed.applicants)} 人"
    )
    procedure.confirm_meeting(ctx, filed.meeting, by=BUREAU, on=CONFIRMED_ON)
    step(f"备案确认（{CONFIRMED_ON.isoformat()}）：{BUREAU}")

    drawn = draw_experts(ctx, COMMITTEE, MEETING_DATE, DRAW_SIZE, ALTERNATES, seed=SEED, on=DRAWN_ON)

    excluded = describe_exclusions(drawn.excluded)
    step(
        f"抽取执行委员会（{DRAWN_ON.isoformat()}，第 {drawn.meeting} 号会议）：候选 {drawn.candidates} 人，"
        f"抽取 {len(drawn.members)} 人、候补 {len(drawn.alternates)} 人；回避等排除：{excluded}；"
        f"随机种子 {drawn.seed}；候选名单摘要 {drawn.candidate_digest[:16]}…"
    )
    # The meeting papers (internal), in every format they have; they go to their own folder.
    for kind in PAPERS:
        extra = {"place": PLACE} if kind in ("draw-record", "sign-in") else {}
        publish(kind, KINDS[kind].formats, meeting=drawn.meeting, **extra)

    attending = DRAW_SIZE - ABSENT
    absent = [drawn.members[-1].candidate.id_number]
    under_review = [(a.id_number, a.name) for a in checked.applicants if a.verdict in ("eligible", "review")]
    ballots = inputs / "计票.csv"
    _write_csv(
        ballots,
        ("身份证号", "姓名", "同意", "不同意", "弃权"),
        _counts(rng, under_review, attending),
        "utf-8-sig",
    )
    report.inputs.append(ballots)
    tallied = record_tally(ctx, drawn.meeting, attending, ballots, absent=absent, on=MEETING_DATE)
    passed = sum(1 for outcome in tallied.outcomes if outcome.passed)
    step(
        f"计票（{MEETING_DATE.isoformat()}）：出席 {attending} 人（缺席 {ABSENT} 人），"
        f"{len(tallied.outcomes)} 人参评，{passed} 人通过或推荐"
    )

    publish(
        "result", (".docx", ".html", ".md", ".xlsx"), meeting=drawn.meeting, start=RESULT_START,
        on=RESULT_START,
    )  # fmt: skip
    step("结果公示 2021年10月21日至10月27日")

    _objections(ctx, tallied, step)

    publish(
        "filing-form", (".docx", ".html", ".md", ".xlsx"), meeting=drawn.meeting, start=RESULT_START,
        place=PLACE, issued=FILING_FORM_ON, on=FILING_FORM_ON,
    )  # fmt: skip
    procedure.approve_meeting(ctx, drawn.meeting, by=BUREAU, on=APPROVED_ON)
    step(f"核准公布（{APPROVED_ON.isoformat()}）：{BUREAU}核准，计票和评审结果自此为最终结果")
    ctx.store.dispose()
    return report


def _objections(ctx: Context, tallied, step: Callable[[str], None]) -> None:
    """Two written, named objections received during the result publicity (SPEC §11): one about a
    passed applicant found groundless (不成立), one upheld (成立), which revokes (撤销) that result."""
    passed = [outcome for outcome in tallied.outcomes if outcome.passed]
    dismissed, upheld = passed[0], passed[-1]
    first = add_objection(
        ctx, dismissed.id_number, COMMITTEE, dt.date(2021, 10, 22), "周建华", "0570-3012345",
        f"反映{dismissed.name}的业绩材料中有一项工程不是本人主持。", today=FILING_FORM_ON,
    )  # fmt: skip
    resolve_objection(
        ctx, first.number, "不成立", "经向建设单位核实，该工程由申报人担任项目技术负责人，业绩属实。",
        dt.date(2021, 10, 25), today=FILING_FORM_ON,
    )  # fmt: skip
    step(f"异议（第 {first.number} 件，2021-10-22 收到）：反映{dismissed.name}的业绩，经核查不成立")
    second = add_objection(
        ctx, upheld.id_number, COMMITTEE, dt.date(2021, 10, 25), "钱美玲", "0570-3023456",
        f"反映{upheld.name}的继续教育学时证明系他人代为参加培训所得。", today=FILING_FORM_ON,
    )  # fmt: skip
    resolve_objection(
        ctx, second.number, "成立", "经向培训机构核实，学时证明不属实，撤销其评审结果。",
        dt.date(2021, 10, 27), today=FILING_FORM_ON,
    )  # fmt: skip
    step(
        f"异议（第 {second.number} 件，2021-10-25 收到）：反映{upheld.name}的学时证明，经核查成立，撤销其评审结果"
    )
