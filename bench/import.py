"""Import speed and memory (SPEC §15): ``qzzc import`` of an applicant file against a bare parse of
the same file, measured in the same run.

Run: ``.venv/bin/python bench/import.py [ROWS] [--runs N] [--keep DIR] [--big ROWS]``. For each run,
interleaved: a bare python-calamine parse of the xlsx file (open it, iterate its rows) and
``qzzc import`` of it in a new process (a new store); the csv module's bare parse of the same rows
as CSV and ``qzzc import`` of that. Prints each figure and the ratios (targets: xlsx ≤ 1.2, csv ≤ 5),
the peak memory of each import (of the process tree, the command and its native reader child
side by side, sampled; target ≤ 1 GB) and the floors beneath it (start-up, bare ``executemany``).
``--big ROWS`` (0 to skip; default 500,000) adds one import of that many xlsx rows with
``QZZC_MAX_ROWS`` raised (target ≤ 2 GB). ``--keep DIR`` keeps the generated files there and reuses them.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import statistics
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

# Runs qzzc in this process and, at its exit, writes its own peak RSS and its children's (the
# native reader) in KB to the file named by QZZC_BENCH_PEAK.
PEAK = """
import atexit, os, resource, runpy, sys
def report():
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    with open(os.environ["QZZC_BENCH_PEAK"], "w") as out:
        out.write(f"{own} {child}")
atexit.register(report)
sys.argv = ["qzzc", *sys.argv[1:]]
runpy.run_module("qzzc", run_name="__main__")
"""


def rows_of(count: int) -> list[list[object]]:
    rng = random.Random(2021)
    rows = []
    for index in range(count):
        born = dt.date(1965, 1, 1) + dt.timedelta(days=index % 9000)  # unique up to 9,000,000 rows
        first17 = f"330802{born:%Y%m%d}{index // 9000 % 1000:03d}"
        unit = f"衢州市某某设计院{index % 300}"
        rows.append([
            f"申报人{index}", first17 + check_digit(first17), unit, "企业", "市属", "市本级",
            rng.choice(["建筑设计", "建筑结构", "工程造价"]), rng.choice(["工程师", "助理工程师"]), "正常申报",
            "本科", "学士", 3 + index % 20, 40 + index % 40, 60 + index % 90, unit, unit, unit,
            "2021-09-28", "2021年10月9日", "合格", "否", f"138{index:08d}",
        ])  # fmt: skip
    ids = [row[1] for row in rows]
    assert len(ids) == len(set(ids)), "generated ID numbers repeat"
    return rows


def make_xlsx(path: Path, rows: list[list[object]]) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("申报人员")
    sheet.append(["衢州市2021年度职称申报人员汇总表"])
    sheet.append(list(HEADERS))
    for row in rows:
        sheet.append(row)
    book.save(path)


def make_csv(path: Path, rows: list[list[object]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(HEADERS)
        writer.writerows(rows)


def files(folder: Path, count: int, *, csv_too: bool = True) -> tuple[Path, Path | None]:
    xlsx, text = folder / f"applicants{count}.xlsx", folder / f"applicants{count}.csv"
    if not xlsx.exists() or (csv_too and not text.exists()):
        rows = rows_of(count)
        if not xlsx.exists():
            make_xlsx(xlsx, rows)
        if csv_too and not text.exists():
            make_csv(text, rows)
    return xlsx, text if csv_too else None


def bare_xlsx(path: Path) -> tuple[float, int]:
    from python_calamine import CalamineWorkbook

    start = time.perf_counter()
    count = 0
    for _ in CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).iter_rows():
        count += 1
    return time.perf_counter() - start, count


def bare_csv(path: Path) -> tuple[float, int]:
    start = time.perf_counter()
    count = 0
    with path.open(encoding="utf-8-sig", newline="") as stream:
        for _ in csv.reader(stream):
            count += 1
    return time.perf_counter() - start, count


def imported(path: Path, folder: Path, env: dict[str, str] | None = None) -> tuple[float, float, float, str]:
    """(seconds, peak GB of the process tree, sum of the processes' own peaks in GB, the command's
    output) of ``qzzc import`` of ``path`` into a new store. The tree's peak is sampled every 10 ms
    from /proc (the command and its native reader child, added up as they run side by side); the
    sum of each process's own peak (``ru_maxrss``) is an upper bound, as the peaks need not
    coincide."""
    import threading

    db = folder / "bench.db"
    for stale in folder.glob("bench.db*"):
        stale.unlink()
    peak_file = folder / "peak.txt"
    env = {**os.environ, **(env or {}), "QZZC_BENCH_PEAK": str(peak_file)}
    qzzc = [sys.executable, "-c", PEAK, "--db", str(db)]
    subprocess.run([*qzzc, "init"], check=True, capture_output=True, env=env)
    start = time.perf_counter()
    child = subprocess.Popen(
        [*qzzc, "import", str(path), "--committee", "3"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    sampled = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.01):
            sampled[0] = max(sampled[0], _tree_rss(child.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = child.communicate()
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    if child.returncode != 0:
        sys.exit(stderr[:2000] or stdout[:2000])
    own, native = (int(part) for part in peak_file.read_text().split())
    return seconds, sampled[0] / (1 << 30), (own + native) / (1 << 20), stdout.strip()


def _tree_rss(pid: int) -> int:
    """Bytes resident in process ``pid`` and its children (Linux /proc), 0 once it is gone."""
    total = 0
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as stream:
            children = [int(part) for part in stream.read().split()]
        with open(f"/proc/{pid}/statm") as stream:
            total = int(stream.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0
    return total + sum(_tree_rss(child) for child in children)


def floors(folder: Path) -> tuple[float, float]:
    """(seconds to start ``qzzc`` and import what an import needs, seconds of a bare sqlite3
    ``executemany`` of the rows the last import stored into a new store's table, with qzzc's DDL
    and indexes): two parts of any import that no parse can go below."""
    import sqlite3

    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import qzzc.cli, qzzc.services.applicants"], check=True)
    startup = time.perf_counter() - start
    source = sqlite3.connect(folder / "bench.db")
    names = [row[1] for row in source.execute("PRAGMA table_info(applicants)") if row[1] != "id"]
    rows = source.execute(f"SELECT {', '.join(names)} FROM applicants ORDER BY id").fetchall()
    source.close()
    target = folder / "floor.db"
    for stale in folder.glob("floor.db*"):
        stale.unlink()
    subprocess.run(
        [sys.executable, "-m", "qzzc", "--db", str(target), "init"], check=True, capture_output=True
    )
    connection = sqlite3.connect(target)
    sql = f"INSERT INTO applicants ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
    start = time.perf_counter()
    connection.executemany(sql, rows)
    connection.commit()
    insert = time.perf_counter() - start
    connection.close()
    return startup, insert


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("rows", nargs="?", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path)
    parser.add_argument("--big", type=int, default=500_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        xlsx, text = files(folder, args.rows)
        assert text is not None
        work = Path(scratch)
        figures: dict[str, list[float]] = {}
        for run in range(1, args.runs + 1):
            bare_x, count = bare_xlsx(xlsx)
            full_x, peak_x, bound_x, said = imported(xlsx, work)
            bare_c, _ = bare_csv(text)
            full_c, peak_c, bound_c, _ = imported(text, work)
            startup, insert = floors(work)
            line = {
                "xlsx ratio": full_x / bare_x,
                "csv ratio": full_c / bare_c,
                "peak GB (xlsx)": peak_x,
                "peak GB (csv)": peak_c,
            }
            for name, value in line.items():
                figures.setdefault(name, []).append(value)
            print(
                f"run {run}: {count - 2:,} rows · xlsx bare {bare_x:.2f} s, import {full_x:.2f} s, "
                f"ratio {full_x / bare_x:.2f} (≤ 1.2) · csv bare {bare_c:.2f} s, import {full_c:.2f} s, "
                f"ratio {full_c / bare_c:.2f} (≤ 5) · peak {peak_x:.2f} / {peak_c:.2f} GB (≤ 1; "
                f"own peaks added: {bound_x:.2f} / {bound_c:.2f})",
                flush=True,
            )
            print(
                f"       floors: start and imports {startup:.2f} s, bare executemany {insert:.2f} s "
                f"(= {insert / bare_x:.2f}× the xlsx parse, {insert / bare_c:.1f}× the csv parse)",
                flush=True,
            )
        print(said)
        print("medians: " + " · ".join(f"{name} {statistics.median(v):.2f}" for name, v in figures.items()))
        if args.big:
            big, _ = files(folder, args.big, csv_too=False)
            bare_b, _ = bare_xlsx(big)
            env = {"QZZC_MAX_ROWS": str(args.big + 10)}
            full_b, peak_b, bound_b, _ = imported(big, work, env)
            print(
                f"{args.big:,} rows xlsx: bare {bare_b:.2f} s, import {full_b:.2f} s, "
                f"ratio {full_b / bare_b:.2f} · peak {peak_b:.2f} GB (≤ 2; own peaks added: {bound_b:.2f})"
            )


if __name__ == "__main__":
    main()
