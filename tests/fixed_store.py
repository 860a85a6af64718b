"""A fixed store for the documents (and the demo's and audit's tests): committee 3, four applicants (one with hostile text), a
meeting of 9 with 7 present, a recorded tally and its result publicity (2021-10-21 to 10-27), so
that the filing form may be made (SPEC §11)."""

from __future__ import annotations

import datetime as dt

from helpers import IDS, add_meeting, form_row, write_csv

from qzzc.services.applicants import import_applicants
from qzzc.services.plan import init_store

HOSTILE_NAME = "<script>alert(1)</script>"
FORMULA_UNIT = '=HYPERLINK("http://x","点我")'


def same_unit(unit: str) -> dict:
    return {"工作单位": unit, "社保缴纳单位": unit, "人事档案所在单位": unit, "劳动合同单位": unit}


def build_store(ctx, tmp_path) -> int:
    """Fills ``ctx``'s store; returns the meeting id."""
    from qzzc.services.eligibility import check_eligibility
    from qzzc.services.notices import render_notice
    from qzzc.services.tally import record_tally

    init_store(ctx)
    rows = [
        form_row(),
        form_row(
            姓名="李四",
            身份证号=IDS[1],
            申报资格="高级工程师",
            学历="研究生",
            学位="硕士",
            现职称="工程师",
            现职称取得时间="2015-12-30",
        ),
        form_row(姓名=HOSTILE_NAME, 身份证号=IDS[2], **same_unit(FORMULA_UNIT)),
        form_row(姓名="赵六", 身份证号=IDS[3], 申报资格="助理工程师", 所在地区="江山市"),  # 初级 out of scope
    ]
    result = import_applicants(ctx, write_csv(tmp_path / "applicants.csv", rows), 3)
    assert result.errors == [], result.errors
    check_eligibility(ctx, 3)
    meeting = add_meeting(ctx, date="2021-10-20", size=9)
    counts = tmp_path / "counts.csv"
    counts.write_text(
        "身份证号,姓名,同意,不同意,弃权\n"
        f"{IDS[0]},张三,5,2,0\n"
        f"{IDS[1]},李四,4,3,0\n"
        f'{IDS[2]},"{HOSTILE_NAME}",7,0,0\n',
        encoding="utf-8",
    )
    absent = ["33080219700101008X", "33080219700101009X"]
    record_tally(ctx, meeting, 7, counts, absent=absent, on=dt.date(2021, 10, 20))
    render_notice(
        ctx,
        "result",
        tmp_path / "结果公示.md",
        meeting=meeting,
        start=dt.date(2021, 10, 21),
        on=dt.date(2021, 10, 21),
    )
    return meeting
