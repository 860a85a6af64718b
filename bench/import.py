"""Import speed: ``qzzc import`` of a 100,000-row applicant file against a bare python-calamine
parse of the same file, in one run.

Run: ``.venv/bin/python bench/import.py [ROWS]``. Prints both times and their ratio (target ≤ 1.5).
"""

from __future__ import annotations

import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from qzzc.core.ids import check_digit

HEADERS = (
    "姓名", "身份证号", "工作单位", "单位性质", "单位隶属", "所在地区", "申报专业", "申报资格", "申报类型",
    "学历", "学位", "从事专业技术工作年限", "公需科目学时", "专业科目学时", "社保缴纳单位",
    "人事档案所在单位", "劳动合同单位", "单位公示开始日期", "单位公示结束日期", "年度考核", "学术造假", "联系电话",
)  # fmt: skip


def make_file(path: Path, rows: int) -> None:
    from openpyxl import Workbook

    rng = random.Random(2021)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("申报人员")
    sheet.append(["衢州市2021年度职称申报人员汇总表"])
    sheet.append(list(HEADERS))
    for index in range(rows):
        base = f"330802{1970 + index % 30}{1 + index % 12:02d}{1 + index % 28:02d}{index // 10_000 % 10}"
        base += f"{index % 1000:03d}"[:2]
        first17 = (base + f"{index:07d}")[:17]
        unit = f"衢州市某某设计院{index % 300}"
        sheet.append([
            f"申报人{index}", first17 + check_digit(first17), unit, "企业", "市属", "市本级",
            rng.choice(["建筑设计", "建筑结构", "工程造价"]), rng.choice(["工程师", "助理工程师"]), "正常申报",
            "本科", "学士", 3 + index % 20, 40 + index % 40, 60 + index % 90, unit, unit, unit,
            "2021-09-28", "2021年10月9日", "合格", "否", f"138{index:08d}",
        ])  # fmt: skip
    book.save(path)


def unique_ids(path: Path) -> None:
    """Makes sure the generated file has no repeated ID (a repeat would make the import refuse)."""
    from python_calamine import CalamineWorkbook

    grid = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    ids = [row[1] for row in grid[2:]]
    assert len(ids) == len(set(ids)), "generated ID numbers repeat"


def main(rows: int = 100_000) -> None:
    from python_calamine import CalamineWorkbook

    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "applicants.xlsx"
        make_file(data, rows)
        unique_ids(data)
        start = time.perf_counter()
        grid = CalamineWorkbook.from_path(str(data)).get_sheet_by_index(0).to_python()
        bare = time.perf_counter() - start
        db = Path(folder) / "bench.db"
        qzzc = [sys.executable, "-m", "qzzc", "--db", str(db)]
        subprocess.run([*qzzc, "init"], check=True, capture_output=True)
        start = time.perf_counter()
        done = subprocess.run(
            [*qzzc, "import", str(data), "--committee", "3"], capture_output=True, text=True
        )
        full = time.perf_counter() - start
        if done.returncode != 0:
            sys.exit(done.stderr[:2000])
        start = time.perf_counter()
        subprocess.run([*qzzc, "import", str(data), "--committee", "3"], check=True, capture_output=True)
        again = time.perf_counter() - start
    print(f"rows: {len(grid) - 2:,}")
    print(f"bare python-calamine parse: {bare:6.2f} s")
    print(f"qzzc import (new store):    {full:6.2f} s   ratio {full / bare:.2f} (target ≤ 1.50)")
    print(f"qzzc import (same again):   {again:6.2f} s   ratio {again / bare:.2f}")
    print(done.stdout.strip())


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
