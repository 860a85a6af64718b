"""Recording a tally and reading the minutes, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv

import pytest
from helpers import (
    add_applicants,
    add_meeting,
    add_verdicts,
    applicant_row,
    expert_member,
    row_counts,
    writing,
)
from sqlmodel import select

from qzzc.core.tally import QuorumNotMet
from qzzc.errors import NotFound, QzzcError, UsageError
from qzzc.services.tally import meeting_minutes, read_counts, record_tally
from qzzc.store.models import AuditEntry, Replacement, Tally, TallyResult

A = "330802199001011234"  # 工程师: evaluated by committee 3
B = "330802198502023216"  # 高级工程师: only recommended
C = "330802199303034410"  # ineligible: not under review
HEADER = ["身份证号", "姓名", "同意", "不同意", "弃权"]
GOOD = [[A, "张三", 6, 1, 0], [B, "李四", 4, 2, 1]]

# Members 8 and 9 of a nine-member draw (``helpers.add_meeting``), absent when seven attend.
TWO_ABSENT = [expert_member(8)["id_number"], expert_member(9)["id_number"]]


def two_absent(ctx, meeting: int) -> list[str]:
    """The last two members of a meeting's real draw, to name absent when seven of nine attend."""
    from qzzc.store.models import Draw

    with ctx.store.reading() as session:
        draw = session.exec(select(Draw).where(Draw.meeting_id == meeting, Draw.active.is_(True))).one()
        return [member["id_number"] for member in draw.members[-2:]]


def member_id(number: int) -> str:
    return expert_member(number)["id_number"]


def add_three(ctx, *others: dict) -> None:
    """张三 and 李四 eligible at committee 3, 王五 not (and ``others``, as given)."""
    add_applicants(
        ctx,
        applicant_row(id_number=A),
        applicant_row(id_number=B, name="李四", title="高级工程师"),
        applicant_row(id_number=C, name="王五"),
        *others,
    )
    add_verdicts(ctx, "eligible", name="张三")
    add_verdicts(ctx, "eligible", name="李四")
    add_verdicts(ctx, "ineligible", name="王五")


@pytest.fixture
def meeting(initialised):
    add_three(initialised, applicant_row(id_number="330802199404045518", name="赵六", committee_seq=4))
    add_verdicts(initialised, "eligible", name="赵六")
    return add_meeting(initialised, size=9)


def write_csv(path, rows, header=HEADER):
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_record_a_tally(initialised, meeting, tmp_path):
    counts = write_csv(tmp_path / "计票.csv", GOOD)
    result = record_tally(initialised, meeting, 7, counts, absent=TWO_ABSENT)
    assert [outcome.as_dict() for outcome in result.outcomes] == [
        {
            "id_number": B,
            "name": "李四",
            "yes": 4,
            "no": 2,
            "abstain": 1,
            "attending": 7,
            "needed": 5,
            "passed": False,
            "result": "不推荐",
        },
        {
            "id_number": A,
            "name": "张三",
            "yes": 6,
            "no": 1,
            "abstain": 0,
            "attending": 7,
            "needed": 5,
            "passed": True,
            "result": "通过",
        },
    ]
    assert (result.version, result.members, result.attending, [m["name"] for m in result.absent]) == (
        1,
        9,
        7,
        ["专家8", "专家9"],
    )
    with initialised.store.reading() as session:
        tally = session.exec(select(Tally)).one()
        assert (tally.version, tally.active, tally.members, tally.attending) == (1, True, 9, 7)
        stored = sorted(
            (r.yes, r.no, r.abstain, r.needed, r.passed, r.mode) for r in session.exec(select(TallyResult))
        )
        assert stored == [(4, 2, 1, 5, False, "推荐"), (6, 1, 0, 5, True, "评审")]
        entry = session.exec(select(AuditEntry).where(AuditEntry.command == "tally")).one()
        assert entry.summary["attending"] == 7
        assert [r["passed"] for r in entry.summary["results"]] == [False, True]
        assert A not in str(entry.summary)


def test_two_thirds_exactly_passes_at_a_bare_quorum(initialised, meeting, tmp_path):
    counts = write_csv(tmp_path / "计票.csv", [[A, "张三", 4, 2, 0], [B, "李四", 3, 3, 0]])
    result = record_tally(initialised, meeting, 6, counts, absent=[member_id(1), member_id(2), member_id(3)])
    assert [(o.name, o.needed, o.passed, o.result) for o in result.outcomes] == [
        ("李四", 4, False, "不推荐"),
        ("张三", 4, True, "通过"),
    ]
    assert [m["id_number"] for m in result.absent] == [member_id(1), member_id(2), member_id(3)]


def test_xlsx_counts_with_a_title_line(initialised, meeting, tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "计票"
    sheet.append(["第3号评委会计票表"])
    sheet.append(HEADER)
    sheet.append([A, "张三", 6, 1, 0])
    sheet.append([B, "李四", "5", None, 0])
    workbook.save(tmp_path / "计票.xlsx")
    with pytest.raises(QzzcError) as caught:
        record_tally(initialised, meeting, 7, tmp_path / "计票.xlsx", absent=TWO_ABSENT)
    assert caught.value.message == (
        "计票文件 计票.xlsx 有误，共 1 处：\n"
        "  计票 第 4 行「不同意」：必填项为空（没有票请填 0）\n"
        "未记录任何计票结果。"
    )
    sheet["D4"] = 1
    workbook.save(tmp_path / "计票.xlsx")
    result = record_tally(initialised, meeting, 7, tmp_path / "计票.xlsx", absent=TWO_ABSENT)
    assert [(o.name, o.counts.yes, o.counts.no) for o in result.outcomes] == [("李四", 5, 1), ("张三", 6, 1)]


def test_read_counts_refuses_an_id_number_typed_as_a_number(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(HEADER)
    workbook.active.append([330802199001011234, "张三", 6, 1, 0])
    workbook.save(tmp_path / "c.xlsx")
    counts = read_counts((tmp_path / "c.xlsx").read_bytes(), "c.xlsx")
    assert [e.describe() for e in counts.errors] == [
        "Sheet 第 2 行「身份证号」（330802********1328）：身份证号被 Excel 存成了数字，末尾几位已丢失，无法还原；"
        "请把该列设为“文本”格式后重新录入身份证号"
    ]


def test_read_counts_in_gb18030(tmp_path):
    text = "身份证号,姓名,同意,不同意,弃权\n" + f"{A},张三,6,1,0\n"
    counts = read_counts(text.encode("gb18030"), "c.csv")
    assert [(r.row, r.id_number, r.name) for r in counts.rows] == [(2, A, "张三")]
    with pytest.raises(QzzcError) as caught:
        read_counts("身份证号,姓名,同意\n".encode(), "c.csv")
    assert caught.value.message == "c.csv 第 1 行的表头缺少必填列：不同意、弃权"


BAD_FILE = [
    [A, "张叁", 6, 2, 0],
    [C, "王五", 1, 1, 1],
    [A, "张三", 1, 1, 1],
    ["330802199001011234", "张三", "六", -1, 0],
]


@pytest.mark.parametrize(
    ("case", "message"),
    [
        (
            "quorum",
            "出席委员 5 人，未达到执行委员会 9 人的三分之二（至少须 6 人出席），会议不能计票。未记录任何计票结果。",
        ),
        ("too_many", "出席人数 10 超过执行委员会委员人数 9，请核对。未记录任何计票结果。"),
        (
            "bad_file",
            "计票文件 计票.csv 有误，共 8 处：\n"
            "  第 2 行「姓名」（张叁）：与身份证号 330802********1234 的申报人姓名「张三」不符\n"
            "  第 2 行：同意 + 不同意 + 弃权 = 8，超过出席专家人数 7\n"
            "  第 3 行「身份证号」（330802********4410）：不是本次会议评审的申报人\n"
            "  第 4 行「身份证号」（330802********1234）：重复：该申报人已在第 2 行\n"
            "  第 5 行「同意」（六）：不是数字\n"
            "  第 5 行「不同意」（-1）：不能为负数\n"
            "  第 5 行「身份证号」（330802********1234）：重复：该申报人已在第 2 行\n"
            "  缺少申报人 330802********3216 李四 的计票行\n"
            "未记录任何计票结果。",
        ),
        (
            "negative",
            "计票文件 计票.csv 有误，共 1 处：\n  第 3 行「不同意」（-2）：不能为负数\n未记录任何计票结果。",
        ),
        (
            "confirm_differs",
            "两次录入不一致，共 1 人：\n"
            "  330802********1234 张三：同意 6 ≠ 5；弃权 0 ≠ 1\n"
            "请核对原始选票统计表后重新录入。\n"
            "未记录任何计票结果。",
        ),
        (
            "absent_not_member",
            "缺席委员（--absent）有误：\n  330802********010X 不是本次会议执行委员会的委员\n未记录任何计票结果。",
        ),
        (
            "absent_wrong_number",
            "缺席委员（--absent）有误：\n"
            "  列出缺席委员 1 人，而委员 9 人、出席 7 人，缺席应为 2 人\n"
            "未记录任何计票结果。",
        ),
        (
            "absent_twice",
            "缺席委员（--absent）有误：\n  330802********001X 重复列出\n未记录任何计票结果。",
        ),
        (
            "no_meeting",
            "没有编号为 99 的评审会议（会议编号由 qzzc meeting file 备案时给出；qzzc status 可查看）。",
        ),
    ],
)
def test_refusals_write_nothing(initialised, meeting, tmp_path, case, message):
    good = write_csv(tmp_path / "计票.csv", GOOD)
    args = {"meeting_id": meeting, "attending": 7, "counts": good, "absent": TWO_ABSENT}
    if case == "quorum":
        args["attending"] = 5
    elif case == "too_many":
        args["attending"] = 10
    elif case == "bad_file":
        write_csv(good, BAD_FILE)
    elif case == "negative":
        write_csv(good, [GOOD[0], [B, "李四", 4, -2, 1]])
    elif case == "confirm_differs":
        args["confirm"] = write_csv(tmp_path / "复核.csv", [[A, "张三", 5, 1, 1], GOOD[1]])
    elif case == "absent_not_member":
        args["absent"] = [member_id(1), member_id(10)]
    elif case == "absent_wrong_number":
        args["absent"] = [member_id(1)]
    elif case == "absent_twice":
        args["absent"] = [member_id(1), member_id(1)]
    elif case == "no_meeting":
        args["meeting_id"] = 99
    before = row_counts(initialised)
    with pytest.raises(QzzcError) as caught:
        record_tally(initialised, **args)
    assert caught.value.message == message
    assert row_counts(initialised) == before
    if case == "quorum":
        assert isinstance(caught.value, QuorumNotMet)
    if case == "no_meeting":
        assert isinstance(caught.value, NotFound)


def test_a_tally_is_final_until_amended_with_a_reason(initialised, meeting, tmp_path):
    counts = write_csv(tmp_path / "计票.csv", GOOD)
    first = record_tally(initialised, meeting, 7, counts, absent=TWO_ABSENT)
    before = row_counts(initialised)
    with pytest.raises(QzzcError) as caught:
        record_tally(initialised, meeting, 7, counts, absent=TWO_ABSENT)
    assert caught.value.message.endswith(
        "计票结果一经记录不得重复录入。如确需更正，请用 --amend --reason 理由。"
    )
    with pytest.raises(UsageError) as caught:
        record_tally(initialised, meeting, 7, counts, amend=True, absent=TWO_ABSENT)
    assert caught.value.message == "更正计票（--amend）须用 --reason 写明理由。"
    with pytest.raises(UsageError) as caught:
        record_tally(initialised, meeting, 7, counts, reason="录错", absent=TWO_ABSENT)
    assert caught.value.message == "--reason 只用于更正计票，须与 --amend 一起使用。"
    assert row_counts(initialised) == before

    write_csv(counts, [GOOD[0], [B, "李四", 5, 1, 1]])
    second = record_tally(
        initialised, meeting, 7, counts, amend=True, reason="李四同意票录入有误", absent=TWO_ABSENT
    )
    assert (first.version, second.version) == (1, 2)
    assert [o.result for o in second.outcomes] == ["推荐", "通过"]
    with initialised.store.reading() as session:
        tallies = session.exec(select(Tally).order_by(Tally.version)).all()
        assert [(t.version, t.active, t.amend_reason) for t in tallies] == [
            (1, False, None),
            (2, True, "李四同意票录入有误"),
        ]
        assert len(session.exec(select(TallyResult)).all()) == 4
    minutes = meeting_minutes(initialised, meeting)
    assert [(t["version"], t["active"], t["amend_reason"]) for t in minutes["tallies"]] == [
        (1, False, None),
        (2, True, "李四同意票录入有误"),
    ]
    assert [a["yes"] for a in minutes["tallies"][0]["applicants"]] == [4, 6]
    assert [a["yes"] for a in minutes["tallies"][1]["applicants"]] == [5, 6]


def test_amend_needs_a_recorded_tally(initialised, meeting, tmp_path):
    counts = write_csv(tmp_path / "计票.csv", GOOD)
    before = row_counts(initialised)
    with pytest.raises(QzzcError) as caught:
        record_tally(initialised, meeting, 7, counts, amend=True, reason="更正", absent=TWO_ABSENT)
    assert caught.value.message == f"第 {meeting} 号会议尚未记录计票，无可更正；请去掉 --amend 和 --reason。"
    assert row_counts(initialised) == before


def test_confirmed_entry_is_recorded(initialised, meeting, tmp_path):
    counts = write_csv(tmp_path / "计票.csv", GOOD)
    confirm = write_csv(tmp_path / "复核.csv", list(reversed(GOOD)))
    result = record_tally(initialised, meeting, 7, counts, confirm=confirm, absent=TWO_ABSENT)
    assert [o.counts.yes for o in result.outcomes] == [4, 6]


def test_replacements_change_who_may_be_absent(initialised, meeting, tmp_path):
    with writing(initialised) as session:
        session.add(
            Replacement(
                draw_id=1,
                out_id_number=member_id(3),
                in_id_number=member_id(10),
                reason="回避",
                at="2021-09-27",
            )
        )
    counts = write_csv(tmp_path / "计票.csv", GOOD)
    with pytest.raises(QzzcError) as caught:
        record_tally(initialised, meeting, 7, counts, absent=[member_id(3), member_id(1)])
    assert "330802********003X 不是本次会议执行委员会的委员" in caught.value.message
    result = record_tally(initialised, meeting, 7, counts, absent=[member_id(10), member_id(1)])
    assert [m["name"] for m in result.absent] == ["专家10", "专家1"]
    minutes = meeting_minutes(initialised, meeting)
    assert [(m["name"], m["present"]) for m in minutes["members"]] == [
        ("专家1", False),
        ("专家2", True),
        ("专家10", False),
        *[(f"专家{i}", True) for i in range(4, 10)],
    ]
    assert [(r["out"]["name"], r["in"]["name"], r["reason"]) for r in minutes["replacements"]] == [
        ("专家3", "专家10", "回避")
    ]


def test_minutes_of_a_meeting(initialised, meeting, tmp_path):
    minutes = meeting_minutes(initialised, meeting)
    assert minutes["committee"] == 3
    assert minutes["committee_name"] == "衢州市建筑工程技术人员中级职务评审委员会"
    assert minutes["date"] == "2021-09-28"
    assert [(d["number"], d["active"], d["seed"], d["reason"]) for d in minutes["draws"]] == [
        (1, True, "a" * 64, None)
    ]
    assert minutes["tallies"] == []
    assert all(m["present"] is None for m in minutes["members"])
    assert "phone" not in minutes["members"][0]
    from qzzc.store.models import Expert

    with writing(initialised) as session:
        session.add(
            Expert(
                id_number=member_id(1),
                name="专家1",
                unit="衢州市第1设计院",
                title="高级工程师",
                title_level="副高级",
                phone="13800001234",
            )
        )
    with_contacts = meeting_minutes(initialised, meeting, contacts=True)
    assert [m["phone"] for m in with_contacts["members"][:2]] == ["13800001234", None]
    assert "13800001234" not in str(meeting_minutes(initialised, meeting))
    with pytest.raises(NotFound):
        meeting_minutes(initialised, 99)


@pytest.mark.postgres
def test_two_clerks_at_once_record_one_tally(pg_url, tmp_path):
    """While one clerk's tally is being written, a second waits and is then told it is recorded."""
    import threading

    from qzzc.services.base import Context
    from qzzc.services.plan import init_store
    from qzzc.store.db import Store
    from qzzc.store.models import Meeting

    ctx = Context(store=Store(pg_url), operator="测试员")
    init_store(ctx)
    add_applicants(
        ctx, applicant_row(id_number=A), applicant_row(id_number=B, name="李四", title="高级工程师")
    )
    add_verdicts(ctx)
    meeting = add_meeting(ctx, size=9)
    counts = write_csv(tmp_path / "计票.csv", GOOD)
    outcome: dict[str, object] = {}

    def second_clerk() -> None:
        try:
            record_tally(ctx, meeting, 7, counts, absent=TWO_ABSENT)
            outcome["result"] = "recorded"
        except QzzcError as error:
            outcome["result"] = error.message

    with writing(ctx) as session:
        session.exec(select(Meeting).where(Meeting.id == meeting).with_for_update()).one()
        thread = threading.Thread(target=second_clerk)
        thread.start()
        thread.join(timeout=1)
        assert thread.is_alive()  # waiting for the first clerk
        session.add(Tally(meeting_id=meeting, version=1, members=9, attending=7, created_at="2021-09-28"))
    thread.join(timeout=10)
    assert str(outcome["result"]).startswith(f"第 {meeting} 号会议的计票已于 2021-09-28 记录")
    ctx.store.dispose()


def test_no_draw_and_no_applicants_are_refused(initialised, tmp_path):
    import datetime as dt

    from qzzc.store.models import Meeting

    counts = write_csv(tmp_path / "计票.csv", GOOD)
    with writing(initialised) as session:
        bare = Meeting(year=2021, committee_seq=3, date=dt.date(2021, 10, 8), created_at="2021-09-20")
        session.add(bare)
        session.flush()
        bare_id = bare.id
    drawn = add_meeting(initialised, committee_seq=5)
    before = row_counts(initialised)
    with pytest.raises(QzzcError) as caught:
        record_tally(initialised, bare_id, 7, counts, absent=TWO_ABSENT)
    assert caught.value.message == f"第 {bare_id} 号会议尚未抽取执行委员会专家，不能计票。"
    with pytest.raises(QzzcError) as caught:
        record_tally(initialised, drawn, 7, counts, absent=two_absent(initialised, drawn))
    assert (
        caught.value.message
        == f"第 {drawn} 号会议没有评审对象（抽取专家时资格审查合格、现仍合格的申报人），无可计票。"
    )
    assert row_counts(initialised) == before


def test_a_redraw_seats_the_new_members_and_both_draws_are_in_the_minutes(initialised, meeting, tmp_path):
    from qzzc.store.models import Draw

    with writing(initialised) as session:
        first = session.exec(select(Draw)).one()
        first.active = False
        session.add(first)
        session.add(
            Draw(
                meeting_id=meeting,
                number=2,
                algorithm="qzzc-draw-1",
                seed="c" * 64,
                candidate_digest="d" * 64,
                size=7,
                alternates_count=0,
                members=[expert_member(i) for i in range(21, 28)],
                reason="专家名单有误",
                created_at="2021-09-21T09:00:00+08:00",
            )
        )
    counts = write_csv(tmp_path / "计票.csv", [[A, "张三", 4, 1, 0], [B, "李四", 3, 1, 1]])
    with pytest.raises(QuorumNotMet):
        record_tally(initialised, meeting, 4, counts)
    result = record_tally(initialised, meeting, 5, counts, absent=[member_id(21), member_id(22)])
    assert (result.members, result.attending) == (7, 5)
    assert [(o.needed, o.result) for o in result.outcomes] == [(4, "不推荐"), (4, "通过")]
    minutes = meeting_minutes(initialised, meeting)
    assert [(d["number"], d["active"], d["seed"], d["reason"]) for d in minutes["draws"]] == [
        (1, False, "a" * 64, None),
        (2, True, "c" * 64, "专家名单有误"),
    ]
    assert [m["name"] for m in minutes["members"]] == [f"专家{i}" for i in range(21, 28)]


# -- the applicants under review are those of the draw (SPEC §6) --------------------------------


@pytest.fixture
def drawn(initialised):
    """A real draw for committee 3 on 2021-10-15 with 张三 and 李四 eligible, 王五 not."""
    import datetime as dt

    from helpers import add_experts, drawing, expert_row

    from qzzc.services.draw import draw_experts

    add_three(initialised)
    add_experts(initialised, *[expert_row(i) for i in range(24)])
    draw = drawing(draw_experts)  # filed and confirmed first (SPEC §11)
    return draw(initialised, 3, dt.date(2021, 10, 15), 9, 2, seed="s").meeting


def test_the_draw_keeps_the_applicants_under_review(initialised, drawn):
    from qzzc.store.models import DrawApplicant

    with initialised.store.reading() as session:
        kept = sorted(session.exec(select(DrawApplicant.id_number)))
    assert kept == sorted([A, B])


def test_an_applicant_eligible_only_after_the_draw_is_not_voted_on(initialised, drawn, tmp_path):
    from qzzc.services.eligibility import settle

    settle(initialised, C, "eligible", "复核后认定合格")
    late = write_csv(tmp_path / "计票.csv", [*GOOD, [C, "王五", 7, 0, 0]])
    before = row_counts(initialised)
    with pytest.raises(QzzcError) as caught:
        record_tally(initialised, drawn, 7, late, absent=two_absent(initialised, drawn))
    assert caught.value.message.splitlines()[:2] == [
        "计票文件 计票.csv 有误，共 1 处：",
        "  第 4 行「身份证号」（330802********4410）：未列入本次会议备案的评审名单（未经评前公示和备案不得上会），"
        "不在本次会议评审之列（如需评审，请对其发布评前公示，期满后另行备案会议）",
    ]
    assert row_counts(initialised) == before
    result = record_tally(
        initialised, drawn, 7, write_csv(tmp_path / "计票2.csv", GOOD), absent=two_absent(initialised, drawn)
    )
    assert [outcome.id_number for outcome in result.outcomes] == [B, A]
    assert result.left_out == [
        "330802********4410：未列入本次会议备案的评审名单（未经评前公示和备案不得上会），"
        "不在本次会议评审之列（如需评审，请对其发布评前公示，期满后另行备案会议）"
    ]


def test_an_applicant_no_longer_eligible_after_the_draw_is_not_voted_on(initialised, drawn, tmp_path):
    from qzzc.services.eligibility import settle

    settle(initialised, B, "ineligible", "发现学术造假，一票否决")
    with pytest.raises(QzzcError) as caught:
        record_tally(
            initialised,
            drawn,
            7,
            write_csv(tmp_path / "计票.csv", GOOD),
            absent=two_absent(initialised, drawn),
        )
    assert caught.value.message.splitlines()[1] == (
        "  第 3 行「身份证号」（330802********3216）：抽取专家后资格审查结论已不是合格，不在本次会议评审之列"
    )
    result = record_tally(
        initialised,
        drawn,
        7,
        write_csv(tmp_path / "计票2.csv", GOOD[:1]),
        absent=two_absent(initialised, drawn),
    )
    assert [outcome.id_number for outcome in result.outcomes] == [A]


def test_a_redraw_keeps_to_the_filed_list(initialised, drawn, tmp_path):
    """未经公示不得上会: one eligible only since the filing is not taken in by a redraw."""
    import datetime as dt

    from qzzc.services.draw import draw_experts
    from qzzc.services.eligibility import settle

    settle(initialised, C, "eligible", "复核后认定合格")
    day = dt.date(2021, 10, 15)
    draw_experts(initialised, 3, day, 9, 2, seed="t", redraw=True, reason="专家回避", on=day)
    result = record_tally(
        initialised,
        drawn,
        7,
        write_csv(tmp_path / "计票.csv", GOOD),
        absent=two_absent(initialised, drawn),
    )
    assert sorted(outcome.id_number for outcome in result.outcomes) == sorted([A, B])
    assert [line[:18] for line in result.left_out] == ["330802********4410"]


def test_the_counts_form_lists_the_draws_applicants(initialised, drawn, tmp_path):
    from openpyxl import load_workbook

    from qzzc.services.eligibility import settle
    from qzzc.services.tally import write_counts_form

    settle(initialised, C, "eligible", "复核后认定合格")
    assert write_counts_form(initialised, drawn, tmp_path / "计票表.xlsx") == 2
    sheet = load_workbook(tmp_path / "计票表.xlsx").active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [B, A]
