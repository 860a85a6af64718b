"""Notice speed: a 10,000-applicant pre-review notice in every format (target ≤ 1 s each).

Run: ``.venv/bin/python bench/notice.py [APPLICANTS]``. Builds a store through the real import and
check, then times ``render_notice`` for .html, .md and .xlsx (median of three).
"""

from __future__ import annotations

import csv
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

from qzzc.core.ids import check_digit
from qzzc.services.applicants import import_applicants
from qzzc.services.base import Context
from qzzc.services.eligibility import check_eligibility
from qzzc.services.notices import render_notice
from qzzc.services.plan import init_store

HEADERS = ("姓名", "身份证号", "工作单位", "申报专业", "申报资格", "学历", "从事专业技术工作年限", "公需科目学时",
           "专业科目学时", "社保缴纳单位", "人事档案所在单位", "劳动合同单位", "所在地区", "单位公示开始日期",
           "单位公示结束日期", "年度考核", "学术造假", "单位性质", "单位隶属", "现职称", "现职称取得时间")  # fmt: skip


def main(count: int = 10_000) -> None:
    folder = Path(tempfile.mkdtemp())
    source = folder / "applicants.csv"
    with source.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        for index in range(count):
            first17 = f"33080219{70 + index % 30}{1 + index % 12:02d}{1 + index % 28:02d}{index % 1000:03d}"[
                :17
            ]
            unit = f"衢州市第{index % 97}设计院"
            writer.writerow([f"申报人{index}", first17 + check_digit(first17), unit, "建筑设计", "工程师", "本科", 6,
                             60, 90, unit, unit, unit, "市本级", "2021-09-01", "2021-09-08", "合格", "否", "企业", "市属", "助理工程师", "2015-12-30"])  # fmt: skip
    ctx = Context.create(str(folder / "bench.db"), "bench")
    init_store(ctx)
    imported = import_applicants(ctx, source, 3)
    if imported.errors:
        sys.exit(f"generated file refused: {imported.errors[:3]}")
    check_eligibility(ctx, 3)
    print(f"applicants: {imported.added:,}")
    for suffix in (".html", ".md", ".xlsx"):
        times = []
        for _ in range(3):
            start = time.perf_counter()
            result = render_notice(
                ctx, "pre-review", folder / f"pre{suffix}", committee=3, start=dt.date(2021, 9, 28),
                on=dt.date(2021, 9, 27),
            )  # fmt: skip
            times.append(time.perf_counter() - start)
        print(
            f"pre-review {suffix:<5}: median {statistics.median(times):.3f} s for {result.rows:,} rows (target ≤ 1 s)"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
