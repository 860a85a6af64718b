"""Drawing, verifying and replacing on a real store (SQLite and PostgreSQL)."""

import datetime as dt
import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import (
    add_applicants,
    add_experts,
    add_missing_verdicts,
    applicant_row,
    drawing,
    expert_row,
    file_and_confirm,
    make_id,
)
from sqlmodel import select

from qzzc.core.draw import DrawRefused, candidate_digest, candidate_key
from qzzc.core.privacy import mask_id
from qzzc.errors import NotFound, QzzcError, UsageError
from qzzc.services.draw import draw_experts as draw_recorded
from qzzc.services.draw import replace_member, verify_meeting
from qzzc.store.models import Draw, Meeting, Replacement, Seat

DAY = dt.date(2021, 10, 15)
draw_experts = drawing(draw_recorded)  # the meeting filed and confirmed first (SPEC §11)
APPLICANT_A = make_id(900001)
APPLICANT_B = make_id(900002)


@pytest.fixture
def ready(initialised):
    """Committee 3 with two eligible 工程师 applicants (中级: at least 9) and 20 experts."""
    add_applicants(
        initialised,
        applicant_row(id_number=APPLICANT_A, unit="衢州市建筑设计院"),
        applicant_row(id_number=APPLICANT_B, unit="衢州市规划院"),
    )
    add_missing_verdicts(initialised)
    add_experts(initialised, *[expert_row(i) for i in range(20)])
    return initialised


def ids(drawn):
    return [d.id_number for d in drawn]


def test_draw_is_recorded_with_its_inputs(ready):
    outcome = draw_experts(ready, 3, DAY, 9, 3, seed="公开种子")
    pool = sorted(expert_row(i)["id_number"] for i in range(20))
    ordered = sorted(pool, key=lambda i: candidate_key("公开种子", i))
    assert ids(outcome.members) == ordered[:9]
    assert ids(outcome.alternates) == ordered[9:12]
    assert outcome.candidate_digest == candidate_digest(pool)
    assert (outcome.band, outcome.min_size, outcome.under_review, outcome.excluded) == ("中级", 9, 2, {})
    with ready.store.reading() as session:
        meeting = session.exec(select(Meeting)).one()
        record = session.exec(select(Draw)).one()
        seats = session.exec(select(Seat).order_by(Seat.id)).all()
    assert (meeting.id, meeting.committee_seq, meeting.date) == (outcome.meeting, 3, DAY)
    assert (record.number, record.active, record.seed, record.size, record.alternates_count) == (
        1,
        True,
        "公开种子",
        9,
        3,
    )
    assert [c["id_number"] for c in record.candidates] == pool
    assert [m["id_number"] for m in record.members] == ordered[:9]
    assert record.members[0] == {
        "name": expert_row(0)["name"]
        if ordered[0] == expert_row(0)["id_number"]
        else record.members[0]["name"],
        "id_number": ordered[0],
        "unit": record.members[0]["unit"],
        "specialties": ["建筑设计"],
        "key": candidate_key("公开种子", ordered[0]),
    }
    assert [(s.expert_id_number, s.role) for s in seats] == [(i, "member") for i in ordered[:9]] + [
        (i, "alternate") for i in ordered[9:12]
    ]


def test_a_random_seed_is_64_hex_characters(ready):
    outcome = draw_experts(ready, 3, DAY, 9)
    assert len(outcome.seed) == 64
    assert int(outcome.seed, 16) >= 0
    assert outcome.seed_given is False


def test_exclusions_by_reason(ready):
    add_experts(
        ready,
        expert_row(100, unit="衢州市 建筑设计院"),  # the unit of applicant A: 回避
        expert_row(101, id_number=APPLICANT_B),  # an applicant this year
        expert_row(102, status="暂停"),
        expert_row(103, committees=[4]),  # another committee's pool
    )
    outcome = draw_experts(ready, 3, DAY, 9, 2, seed="x")
    assert outcome.excluded == {"applicant": 1, "same_unit": 1}
    assert outcome.suspended == 1
    assert outcome.candidates == 20
    drawn = set(ids(outcome.members) + ids(outcome.alternates))
    assert not drawn & {expert_row(100)["id_number"], APPLICANT_B, expert_row(102)["id_number"]}


def test_an_expert_seated_that_day_by_another_committee_is_excluded(ready):
    add_applicants(ready, applicant_row(id_number=make_id(900003), committee_seq=4, title="工程师"))
    add_missing_verdicts(ready)
    add_experts(ready, *[expert_row(i, committees=[3, 4]) for i in range(200, 215)])
    first = draw_experts(ready, 4, DAY, 9, 2, seed="a")
    second = draw_experts(ready, 3, DAY, 9, 2, seed="a")
    assert not set(ids(first.members + first.alternates)) & set(ids(second.members + second.alternates))
    assert second.excluded == {"already_seated": 11}
    other_day = draw_experts(ready, 3, DAY + dt.timedelta(days=1), 9, 0, seed="a")
    assert other_day.excluded == {}


def test_too_few_candidates_gives_counts_and_exclusions(ready):
    add_experts(ready, expert_row(100, unit="衢州市规划院"), expert_row(101, status="暂停"))
    with pytest.raises(DrawRefused) as caught:
        draw_experts(ready, 3, DAY, 15, 6, seed="x")
    assert caught.value.message == (
        "候选专家不足：需要 15 名成员和 6 名候补，共 21 人；第 3 号评委会专家库 22 人，其中暂停 1 人，"
        "排除 1 人（与申报人同单位（回避） 1 人），候选专家只有 20 人。"
    )
    with ready.store.reading() as session:
        assert session.exec(select(Draw)).all() == []  # the filed meeting stays, undrawn


@pytest.mark.parametrize(
    ("size", "message"),
    [
        (7, "执行委员会人数不得少于规则文件为该级别设定的最低人数 9 人，--size 7 不足。"),
        (10, "执行委员会人数须为单数（以免表决时票数相同），--size 10 不是单数。"),
    ],
)
def test_size_by_the_rules_file(ready, size, message):
    with pytest.raises(DrawRefused) as caught:
        draw_experts(ready, 3, DAY, size, seed="x")
    assert caught.value.message == message


def test_a_recommended_senior_applicant_keeps_the_committees_own_size(ready):
    """Committee 3 evaluates 工程师 and only recommends 高级工程师: the meeting sits at 中级's 9."""
    add_applicants(ready, applicant_row(id_number=make_id(900004), title="高级工程师"))
    add_missing_verdicts(ready)
    outcome = draw_experts(ready, 3, DAY, 9, seed="x")
    assert (outcome.band, outcome.min_size, outcome.under_review) == ("中级", 9, 3)


@pytest.mark.parametrize(
    ("committee", "titles", "band"),
    [
        (3, ["工程师"], "中级"),
        (3, ["助理工程师"], "初级"),
        (3, ["助理工程师", "工程师"], "中级"),
        (3, ["工程师", "高级工程师"], "中级"),  # recommended: judged by the provincial committee
        (3, ["高级工程师", "正高级工程师"], "高级"),  # only recommendations: their own band
        (21, ["高级经济师"], "高级"),  # a committee that only recommends
        (3, ["不存在的职称"], None),
    ],
)
def test_the_band_that_sets_the_least_size(committee, titles, band):
    from qzzc.core.draw import size_band as _size_band
    from qzzc.resources import data_file
    from qzzc.services.plan import read_plan

    plan = {item.seq: item for item in read_plan(data_file("plan2021.csv").read_bytes(), "plan2021.csv")}
    assert _size_band(plan[committee], titles) == band


def test_no_applicant_under_review_is_refused(initialised):
    from qzzc.core.procedure import StepRefused
    from qzzc.services.eligibility import settle

    add_applicants(initialised, applicant_row(id_number=APPLICANT_A))
    add_missing_verdicts(initialised, "ineligible")
    add_experts(initialised, *[expert_row(i) for i in range(12)])
    with pytest.raises(StepRefused) as refused:  # nobody to file: no meeting, no draw
        draw_experts(initialised, 3, DAY, 9, seed="x")
    assert refused.value.message.startswith("抽取专家：第 3 号评委会 2021年10月15日 的会议尚未备案。")
    settle(initialised, APPLICANT_A, "eligible", "复核合格")
    file_and_confirm(initialised, 3, DAY)
    settle(initialised, APPLICANT_A, "ineligible", "学历证书不实")  # after the filing
    with pytest.raises(DrawRefused) as caught:
        draw_experts(initialised, 3, DAY, 9, seed="x")
    assert caught.value.message == (
        "第 3 号评委会 2021-10-15 的会议（会议编号 1）备案的申报人现已没有资格审查合格的，无需抽取专家。"
    )


def test_an_unmeetable_quota_is_refused(ready):
    add_experts(ready, expert_row(100, specialties=["给排水"]))
    with pytest.raises(DrawRefused, match="「给排水」要求 2 人，候选专家中该专业共 1 人"):
        draw_experts(ready, 3, DAY, 9, seed="x", quotas=[("给排水", 2)])
    outcome = draw_experts(ready, 3, DAY, 9, seed="x", quotas=[("给排水", 1)])
    assert ids(outcome.members)[0] == expert_row(100)["id_number"]


def test_second_draw_needs_redraw_and_both_stay(ready):
    first = draw_experts(ready, 3, DAY, 9, 2, seed="one")
    with pytest.raises(QzzcError) as caught:
        draw_experts(ready, 3, DAY, 9, 2, seed="two")
    assert caught.value.message == (
        f"第 3 号评委会 2021-10-15 的会议（会议编号 {first.meeting}）已抽取过专家。"
        "每次会议只抽取一次；确需重新抽取，请加 --redraw --reason 理由（两次抽取都将记录在案）。"
    )
    second = draw_experts(ready, 3, DAY, 9, 2, seed="two", redraw=True, reason="专家库更新")
    assert (second.meeting, second.number, second.excluded) == (first.meeting, 2, {})
    with ready.store.reading() as session:
        draws = session.exec(select(Draw).order_by(Draw.number)).all()
        seats = session.exec(select(Seat)).all()
    assert [(d.number, d.active, d.seed, d.reason) for d in draws] == [
        (1, False, "one", None),
        (2, True, "two", "专家库更新"),
    ]
    assert {s.draw_id for s in seats} == {draws[1].id}
    assert verify_meeting(ready, first.meeting).problems == []


@pytest.mark.parametrize(
    ("redraw", "reason", "message"),
    [
        (True, None, "重新抽取须用 --reason 说明理由，理由将记录在案。"),
        (False, "x", "--reason 只与 --redraw 一起使用。"),
    ],
)
def test_redraw_options(ready, redraw, reason, message):
    with pytest.raises(UsageError) as caught:
        draw_experts(ready, 3, DAY, 9, redraw=redraw, reason=reason)
    assert caught.value.message == message


def test_redraw_without_a_first_draw_is_refused(ready):
    with pytest.raises(QzzcError) as caught:
        draw_experts(ready, 3, DAY, 9, redraw=True, reason="x")
    assert caught.value.message == "第 3 号评委会 2021-10-15 的会议尚未抽取过专家，无需 --redraw。"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"seed": "changed"}, "的排序码不符"),
        ({"candidate_digest": "0" * 64}, "候选名单摘要不符"),
        ({"size": 11}, "成员人数不符（记录 9 人，重算 11 人）"),
        ("drop_candidate", "候选名单摘要不符"),
        ("swap_alternates", "候补第 1 位不符"),
    ],
)
def test_verify_finds_an_edit_behind_qzzcs_back(ready, change, expected):
    outcome = draw_experts(ready, 3, DAY, 9, 2, seed="s")
    assert verify_meeting(ready, outcome.meeting).problems == []
    with ready.store.writing() as session:
        record = session.exec(select(Draw)).one()
        if change == "drop_candidate":
            record.candidates = record.candidates[1:]
        elif change == "swap_alternates":
            record.alternates = list(reversed(record.alternates))
        else:
            for key, value in change.items():
                setattr(record, key, value)
        session.add(record)
    problems = verify_meeting(ready, outcome.meeting).problems
    assert problems
    assert any(expected in problem for problem in problems), problems


def test_verify_an_unknown_meeting(ready):
    with pytest.raises(NotFound) as caught:
        verify_meeting(ready, 99)
    assert (
        caught.value.message
        == "没有编号为 99 的评审会议（会议编号由 qzzc meeting file 备案时给出；qzzc status 可查看）。"
    )


def test_replace_puts_the_next_alternate_in(ready):
    outcome = draw_experts(ready, 3, DAY, 9, 2, seed="s")
    out1, out2 = outcome.members[3].id_number, outcome.members[5].id_number
    first = replace_member(ready, outcome.meeting, out1.lower(), "出差")
    second = replace_member(ready, outcome.meeting, out2)
    assert (first.in_id, first.alternates_left) == (outcome.alternates[0].id_number, 1)
    assert (second.in_id, second.alternates_left) == (outcome.alternates[1].id_number, 0)
    with ready.store.reading() as session:
        replacements = session.exec(select(Replacement).order_by(Replacement.id)).all()
        roles = {s.expert_id_number: s.role for s in session.exec(select(Seat))}
    assert [(r.out_id_number, r.in_id_number, r.reason) for r in replacements] == [
        (out1, outcome.alternates[0].id_number, "出差"),
        (out2, outcome.alternates[1].id_number, None),
    ]
    assert all(r.at for r in replacements)
    assert (roles[out1], roles[outcome.alternates[0].id_number]) == ("declined", "member")
    with pytest.raises(QzzcError) as none_left:
        replace_member(ready, outcome.meeting, outcome.members[0].id_number)
    assert (
        none_left.value.message
        == f"会议 {outcome.meeting} 已没有候补专家可以替补，请按规定重新抽取（--redraw）。"
    )
    with pytest.raises(QzzcError) as not_member:
        replace_member(ready, outcome.meeting, out1)
    assert not_member.value.message == (
        f"身份证号为 {mask_id(out1)} 的专家不是会议 {outcome.meeting} 执行委员会的现任成员。"
    )
    assert verify_meeting(ready, outcome.meeting).problems == []


def test_replace_warns_when_a_quota_is_no_longer_met(ready):
    add_experts(ready, expert_row(100, specialties=["给排水"]))
    outcome = draw_experts(ready, 3, DAY, 9, 1, seed="s", quotas=[("给排水", 1)])
    result = replace_member(ready, outcome.meeting, expert_row(100)["id_number"])
    assert result.unmet_quotas == [("给排水", 1, 0)]


# -- two offices at once ---------------------------------------------------------------------

DRAW_SCRIPT = """
import datetime as dt, sys, time
from qzzc.services.base import Context
from qzzc.services.draw import draw_experts
from qzzc.store.db import Store
from qzzc.errors import QzzcError
ctx = Context(Store(sys.argv[1]), "office" + sys.argv[2])
with ctx.store.reading() as session:  # connect and load everything before the start
    ctx.store.current_year(session)
time.sleep(max(0.0, float(sys.argv[3]) - time.time()))  # both offices start at the same instant
try:
    outcome = draw_experts(ctx, int(sys.argv[2]), dt.date(2021, 10, 15), 9, 3, seed="same seed", on=dt.date(2021, 10, 15))
except QzzcError as error:
    sys.exit(error.message)
print(" ".join(d.id_number for d in outcome.members + outcome.alternates))
"""


def _two_offices(ctx, tmp_path):
    """Runs two processes drawing for committees 3 and 4 on the same date from one shared pool,
    started at the same instant. Returns [(exit code, stdout, stderr)]."""
    add_applicants(
        ctx,
        applicant_row(id_number=APPLICANT_A, committee_seq=3),
        applicant_row(id_number=APPLICANT_B, committee_seq=4),
    )
    add_missing_verdicts(ctx)
    # One shared pool: with the same seed both offices would pick the very same experts.
    add_experts(ctx, *[expert_row(i, committees=[3, 4]) for i in range(40)])
    for committee in (3, 4):
        file_and_confirm(ctx, committee, DAY)
    script = tmp_path / "draw.py"
    script.write_text(DRAW_SCRIPT, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}
    start = str(time.time() + 4)
    processes = [
        subprocess.Popen(
            [sys.executable, str(script), ctx.store.url, seq, start],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        for seq in ("3", "4")
    ]
    outputs = [process.communicate(timeout=120) for process in processes]
    return [(p.returncode, o.decode(), e.decode()) for p, (o, e) in zip(processes, outputs, strict=True)]


def test_two_offices_drawing_at_once_never_seat_an_expert_twice(initialised, tmp_path):
    results = _two_offices(initialised, tmp_path)
    assert [code for code, _, _ in results] == [0, 0], [err[-800:] for _, _, err in results]
    drawn = [set(out.split()) for _, out, _ in results]
    assert [len(d) for d in drawn] == [12, 12]
    assert drawn[0].isdisjoint(drawn[1])
    with initialised.store.reading() as session:
        seats = session.exec(select(Seat)).all()
        digests = [d.candidate_digest for d in session.exec(select(Draw).order_by(Draw.id))]
    assert len(seats) == len({s.expert_id_number for s in seats}) == 24
    # The office that came second drew from a smaller list, and its record says so.
    pool = sorted(expert_row(i)["id_number"] for i in range(40))
    assert hashlib.sha256("\n".join(pool).encode()).hexdigest() in digests
    assert len(set(digests)) == 2


def test_a_seat_taken_behind_the_screening_is_a_chinese_refusal(initialised, monkeypatch):
    """The unique (date, expert) index is the last guard behind the lock: should two draws ever
    pick one expert for a date, the second is refused in Chinese and writes nothing."""
    from helpers import row_counts

    import qzzc.core.draw

    add_applicants(
        initialised,
        applicant_row(id_number=APPLICANT_A, committee_seq=3),
        applicant_row(id_number=APPLICANT_B, committee_seq=4),
    )
    add_missing_verdicts(initialised)
    add_experts(initialised, *[expert_row(i, committees=[3, 4]) for i in range(15)])
    draw_experts(initialised, 4, DAY, 9, seed="same")
    screen = qzzc.core.draw.screen
    monkeypatch.setattr(qzzc.core.draw, "screen", lambda pool, **kw: screen(pool, **{**kw, "seated_ids": ()}))
    file_and_confirm(initialised, 3, DAY)
    before = row_counts(initialised)
    with pytest.raises(QzzcError) as caught:
        draw_experts(initialised, 3, DAY, 9, seed="same")
    assert caught.value.message == (
        "另一处同时为同一天抽取了专家，部分专家已被占用。本次抽取未记录，请重新运行本命令。"
    )
    assert row_counts(initialised) == before


def test_current_members_applies_each_replacement_once():
    from types import SimpleNamespace

    from qzzc.core.draw import current_members, seated_members

    person = lambda number: {"id_number": number, "name": f"专家{number}"}  # noqa: E731
    record = SimpleNamespace(
        members=[person("1"), person("2"), person("3")], alternates=[person("4"), person("5")]
    )
    swap = lambda out, into: SimpleNamespace(out_id_number=out, in_id_number=into)  # noqa: E731
    members, alternates = current_members(record, [swap("2", "4"), swap("2", "4"), swap("9", "5")])
    assert [m["id_number"] for m in members] == ["1", "4", "3"]
    assert [a["id_number"] for a in alternates] == ["5"]
    assert seated_members(record, [swap("3", "5")]) == [person("1"), person("2"), person("5")]
    assert [m["id_number"] for m in record.members] == ["1", "2", "3"]  # the record is not changed
