"""Objections (异议, SPEC §11) on each backend: where they are taken, how they are resolved, and
what an upheld one does to the eligible list, the result notice, the filing form and the minutes."""

from __future__ import annotations

import datetime as dt

import pytest
from helpers import add_applicants, add_meeting, add_verdicts, applicant_row, row_counts, writing
from publicity_helpers import A, B, add_publicity, add_tally

from qzzc.errors import QzzcError

D = dt.date
WHO_A = "张三（330802********1234）"


@pytest.fixture
def year(initialised):
    """Committee 3 with 张三 (A) and 李四 (B) eligible, on a 评前公示 from 2021-09-28 to 10-09 (across
    the National Day holiday), meeting 1 on 2021-10-20 passing both, and its 结果公示 from 10-21 to 10-27."""
    ctx = initialised
    add_applicants(
        ctx, applicant_row(id_number=A), applicant_row(id_number=B, name="李四", unit="衢州市规划院")
    )
    add_verdicts(ctx)
    pre = add_publicity(ctx, "pre_review", D(2021, 9, 28), D(2021, 10, 9), (A, B))
    meeting = add_meeting(ctx, date="2021-10-20")
    add_tally(ctx, meeting)
    result = add_publicity(ctx, "result", D(2021, 10, 21), D(2021, 10, 27), (A, B), meeting_id=meeting)
    return ctx, {"pre": pre, "result": result, "meeting": meeting}


def add(ctx, received, person=A, **changes):
    from qzzc.services.objections import add_objection

    options = {"by": "王五", "contact": "13812341234", "content": "业绩材料不实", **changes}
    return add_objection(ctx, person, 3, received, today=D(2026, 12, 2), **options)


def resolve(ctx, number, outcome, on=D(2021, 10, 12), reason="经核查属实"):
    from qzzc.services.objections import resolve_objection

    return resolve_objection(ctx, number, outcome, reason, on, today=D(2026, 12, 2))


@pytest.mark.parametrize(
    ("received", "stage"),
    [
        (D(2021, 9, 28), "pre_review"),
        (D(2021, 10, 9), "pre_review"),
        (D(2021, 10, 27), "result"),
    ],
)
def test_received_within_a_period_is_taken_at_its_stage(year, received, stage):
    ctx, ids = year
    recorded = add(ctx, received)
    assert (recorded.number, recorded.stage, recorded.publicity) == (
        1,
        stage,
        ids[{"pre_review": "pre"}.get(stage, stage)],
    )


@pytest.mark.parametrize("received", [D(2021, 9, 27), D(2021, 10, 10), D(2021, 10, 28)])
def test_received_outside_every_period_is_refused_with_the_periods(year, received):
    ctx, _ = year
    before = row_counts(ctx)
    with pytest.raises(QzzcError) as caught:
        add(ctx, received)
    day = f"{received.year}年{received.month}月{received.day}日"
    assert caught.value.message == (
        f"{day}不在{WHO_A}的公示期内，不予受理（异议须在公示期内提出）。{WHO_A}的公示期："
        "评前公示 2021年9月28日至2021年10月9日；结果公示（第 1 号会议） 2021年10月21日至2021年10月27日。"
    )
    assert row_counts(ctx) == before


def test_anonymous_is_refused_and_nothing_written(year):
    ctx, _ = year
    before = row_counts(ctx)
    with pytest.raises(QzzcError) as caught:
        add(ctx, D(2021, 10, 8), by=" ")
    assert "匿名材料不予受理" in caught.value.message
    assert row_counts(ctx) == before


def test_applicant_by_unique_name_and_not_listed(year):
    ctx, _ = year
    assert add(ctx, D(2021, 10, 8), person="李四").name == "李四"
    add_applicants(ctx, applicant_row(id_number="330802198001011236", name="赵六"))
    with pytest.raises(QzzcError) as caught:
        add(ctx, D(2021, 10, 8), person="赵六")
    assert caught.value.message == (
        "赵六（330802********1236）未列入任何评前公示或结果公示，2021年10月8日收到的异议无从受理（异议须在公示期内提出）。"
    )


def test_resolve_once_and_not_before_received(year):
    ctx, _ = year
    number = add(ctx, D(2021, 10, 8)).number
    with pytest.raises(QzzcError) as caught:
        resolve(ctx, number, "不成立", on=D(2021, 10, 7))
    assert caught.value.message == (
        "处理日期 2021-10-07 早于第 1 号异议的收到日期 2021-10-08，请把 --on 设为收到当天或之后。"
    )
    assert resolve(ctx, number, "不成立").outcome == "dismissed"
    before = row_counts(ctx)
    with pytest.raises(QzzcError) as caught:
        resolve(ctx, number, "成立")
    assert (
        caught.value.message
        == "第 1 号异议已于2021年10月12日核查处理（不成立），每件异议只处理一次，不能再次处理。"
    )
    assert row_counts(ctx) == before


def test_upheld_at_pre_review_makes_ineligible_and_leaves_the_list(year):
    from qzzc.services.applicants import list_applicants
    from qzzc.store.queries import eligible_applicants, upheld_pre_review

    ctx, _ = year
    dismissed = add(ctx, D(2021, 10, 8), person=B).number
    upheld = add(ctx, D(2021, 10, 9)).number
    resolve(ctx, dismissed, "不成立")
    with ctx.store.reading() as session:
        assert [a.id_number for a in eligible_applicants(session, 2021, 3)] == [B, A]
    resolve(ctx, upheld, "成立", reason="学历证书系伪造")
    with ctx.store.reading() as session:
        assert [a.id_number for a in eligible_applicants(session, 2021, 3)] == [B]
        reasons = {key: value.number for key, value in upheld_pre_review(session, year=2021).items()}
    assert list(reasons.values()) == [upheld]
    verdicts = {item["id_number"]: item["verdict"] for item in list_applicants(ctx, 3)}
    assert verdicts == {A: "ineligible", B: "eligible"}


def test_upheld_at_result_revokes_on_notice_form_and_minutes(year, tmp_path):
    from qzzc.services.applicants import list_applicants
    from qzzc.services.notices import render_notice
    from qzzc.services.tally import meeting_minutes

    ctx, ids = year
    first = add(ctx, D(2021, 10, 22)).number
    second = add(ctx, D(2021, 10, 25), person=B).number
    resolve(ctx, first, "成立", on=D(2021, 10, 28), reason="论文抄袭属实")
    resolve(ctx, second, "不成立", on=D(2021, 10, 28), reason="反映情况不实")
    line = "张三（衢州市建筑设计院）的评审结果撤销：结果公示期间异议经核查成立（第 1 号异议），论文抄袭属实"

    notice = tmp_path / "结果公示.md"
    render_notice(ctx, "result", notice, meeting=ids["meeting"], start=D(2021, 10, 21))
    text = notice.read_text("utf-8")
    assert "1名同志通过评审" in text
    assert "| 张三 | 男 | 衢州市建筑设计院 | 建筑设计 | 工程师 | 撤销 |" in text
    assert "| 李四 | 男 | 衢州市规划院 | 建筑设计 | 工程师 | 通过 |" in text
    assert line in text

    form = tmp_path / "备案表.md"
    render_notice(ctx, "filing-form", form, meeting=ids["meeting"])
    text = form.read_text("utf-8")
    assert "| 公示异议 | 收到异议 2 件，经核查成立 1 件 |" in text
    assert "| 评审情况 | 参评 2 人，通过 1 人，通过率 50.0% |" in text
    assert "| 7 | 2 | 0 | 6 | 撤销 |" in text
    assert line in text

    minutes = meeting_minutes(ctx, ids["meeting"])
    revoked = {a["name"]: a["revoked"] for a in minutes["tallies"][0]["applicants"]}
    assert revoked == {"张三": "结果公示期间异议经核查成立（第 1 号异议）：论文抄袭属实", "李四": None}
    assert [(o["objection"], o["outcome"]) for o in minutes["objections"]] == [
        (1, "upheld"),
        (2, "dismissed"),
    ]
    results = {item["name"]: item["result"] for item in list_applicants(ctx, 3)}
    assert results == {"张三": "撤销", "李四": "通过"}


@pytest.mark.parametrize("suffix", [".md", ".html", ".xlsx", ".docx"])
def test_filing_form_without_objections(year, tmp_path, suffix):
    from qzzc.services.notices import render_notice

    ctx, ids = year
    form = tmp_path / f"备案表{suffix}"
    render_notice(ctx, "filing-form", form, meeting=ids["meeting"])
    data = form.read_bytes()
    if suffix in (".xlsx", ".docx"):
        import zipfile

        with zipfile.ZipFile(form) as book:
            data = b"".join(book.read(name) for name in book.namelist() if name.endswith(".xml"))
    assert "公示期间无异议".encode() in data


def test_unresolved_for_the_gates(year):
    from qzzc.store.queries import meeting_objections, unresolved_objections

    ctx, ids = year
    add(ctx, D(2021, 10, 8))
    second = add(ctx, D(2021, 10, 22)).number
    resolve(ctx, 1, "不成立")
    with ctx.store.reading() as session:
        assert unresolved_objections(session, publicity_ids=[ids["pre"]]) == []
        assert [
            o.number for o in unresolved_objections(session, publicity_ids=[ids["pre"], ids["result"]])
        ] == [second]
        assert unresolved_objections(session, publicity_ids=[]) == []
        # the meeting voted on 张三: the 评前公示's objection about them concerns it too
        assert [o.number for o in meeting_objections(session, ids["meeting"])] == [1, second]


def test_audit_covers_add_and_resolve(year):
    from qzzc.services.audit import list_entries, verify

    ctx, ids = year
    add(ctx, D(2021, 10, 8), contact="衢州市某路1号 13812341234")
    resolve(ctx, 1, "成立")
    entries = list_entries(ctx)
    assert [(e["command"], e["summary"]) for e in entries[-2:]] == [
        (
            "objection add",
            {
                "objection": 1,
                "committee": 3,
                "applicant": "330802********1234",
                "stage": "pre_review",
                "publicity": ids["pre"],
                "received": "2021-10-08",
            },
        ),
        (
            "objection resolve",
            {
                "objection": 1,
                "committee": 3,
                "applicant": "330802********1234",
                "stage": "pre_review",
                "outcome": "upheld",
                "on": "2021-10-12",
            },
        ),
    ]
    assert entries[-2]["options"]["contact"] == "衢州市某路1号 ********234"
    assert verify(ctx).problems == []


def test_audit_verify_finds_an_objection_changed_behind_qzzcs_back(year):
    from sqlalchemy import text

    from qzzc.services.audit import AuditFailed, verify

    ctx, _ = year
    add(ctx, D(2021, 10, 8))
    resolve(ctx, 1, "成立")
    with ctx.store.transaction() as session:
        session.execute(text("UPDATE objections SET outcome = 'dismissed'"))
    with pytest.raises(AuditFailed) as caught:
        verify(ctx)
    assert "异议" in caught.value.message


def test_approved_result_takes_no_objection(year):
    from qzzc.store.models import Step

    ctx, ids = year
    with writing(ctx) as session:
        session.add(
            Step(
                meeting_id=ids["meeting"],
                step="approval",
                on=D(2021, 11, 5),
                by="市人力社保局",
                created_at="x",
            )
        )
    with pytest.raises(QzzcError) as caught:
        add(ctx, D(2021, 10, 22))
    assert caught.value.message == (
        "第 1 号会议的评审结果已于 2021-11-05 核准公布，为最终结果，不能再登记或处理关于它的异议。"
    )


def test_a_date_after_today_is_refused(year):
    from qzzc.services.objections import add_objection

    ctx, _ = year
    with pytest.raises(QzzcError) as caught:
        add_objection(ctx, A, 3, D(2021, 10, 8), "王五", "13812341234", "内容", today=D(2021, 10, 7))
    assert caught.value.message == "收到日期 2021-10-08 晚于今天（2021-10-07），不能登记尚未发生的事。"


def test_check_says_what_the_eligible_list_does(year):
    from qzzc.services.eligibility import check_eligibility

    ctx, _ = year
    resolve(ctx, add(ctx, D(2021, 10, 8)).number, "成立", reason="学历证书系伪造")
    result = check_eligibility(ctx, 3)
    verdicts = {item.id_number: (item.verdict, item.computed_verdict) for item in result.applicants}
    assert verdicts[A] == ("ineligible", "eligible")
    assert verdicts[B][0] == verdicts[B][1]  # untouched
    assert next(item for item in result.applicants if item.id_number == A).reasons[0] == {
        "rule": "publicity.objection",
        "message": "评前公示期间异议经核查成立（第 1 号异议）：学历证书系伪造",
    }
    assert result.by_rule["publicity.objection"] == 1


@pytest.mark.parametrize("suffix", [".html", ".xlsx", ".docx"])
def test_revocation_in_every_format(year, tmp_path, suffix):
    from qzzc.services.notices import render_notice

    ctx, ids = year
    resolve(ctx, add(ctx, D(2021, 10, 22)).number, "成立", on=D(2021, 10, 28), reason="论文抄袭属实")
    line = "张三（衢州市建筑设计院）的评审结果撤销：结果公示期间异议经核查成立（第 1 号异议），论文抄袭属实"
    for kind, options in (("result", {"start": D(2021, 10, 21)}), ("filing-form", {})):
        out = tmp_path / f"{kind}{suffix}"
        render_notice(ctx, kind, out, meeting=ids["meeting"], **options)
        data = out.read_bytes()
        if suffix in (".xlsx", ".docx"):
            import zipfile

            with zipfile.ZipFile(out) as book:
                data = b"".join(book.read(name) for name in book.namelist() if name.endswith(".xml"))
        text = data.decode("utf-8")
        assert line in text, kind
        assert "撤销" in text.replace(line, ""), kind  # the result column too


def test_upheld_at_pre_review_after_the_vote_revokes_the_result(year):
    """An objection received during the 评前公示 but entered after the meeting voted (an office
    entering its paper records late): upheld, it revokes the result the meeting gave."""
    from qzzc.services.tally import meeting_minutes
    from qzzc.store.queries import revoked_results

    ctx, ids = year
    resolve(ctx, add(ctx, D(2021, 10, 8)).number, "成立", on=D(2021, 10, 30), reason="学历证书系伪造")
    with ctx.store.reading() as session:
        assert [(key, value.stage) for key, value in revoked_results(session, ids["meeting"]).items()] == [
            (1, "pre_review")
        ]
    revoked = {
        a["name"]: a["revoked"] for a in meeting_minutes(ctx, ids["meeting"])["tallies"][0]["applicants"]
    }
    assert revoked == {"张三": "评前公示期间异议经核查成立（第 1 号异议）：学历证书系伪造", "李四": None}
