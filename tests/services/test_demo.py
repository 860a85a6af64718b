import re

import pytest

from qzzc.demo import run_demo

DOCUMENTS = [  # in the order of the year's procedure (SPEC §11)
    "评审公告.docx", "评审公告.html", "评审公告.md", "评前公示.docx", "评前公示.html", "评前公示.md", "评前公示.xlsx",
    "专家抽取记录.docx", "专家抽取记录.html", "专家抽取记录.xlsx", "专家抽取记录.json",
    "签到表.docx", "签到表.html", "签到表.xlsx", "表决票.docx", "表决票.html",
    "计票表.docx", "计票表.html", "计票表.xlsx",
    "评审结果公示.docx", "评审结果公示.html", "评审结果公示.md", "评审结果公示.xlsx",
    "评审结果备案表.docx", "评审结果备案表.html", "评审结果备案表.md", "评审结果备案表.xlsx",
]  # fmt: skip


def test_demo_runs_the_whole_flow(tmp_path):
    said = []
    report = run_demo(tmp_path / "demo", said.append)
    assert [path.name for path in report.documents] == DOCUMENTS
    assert all(path.stat().st_size > 0 for path in report.documents)
    assert said[3] == "✓ 资格审查：合格 14 人，不合格 6 人，需人工核实 1 人"
    assert "✓ 计票（2021-10-20）：出席 10 人（缺席 1 人），15 人参评，14 人通过或推荐" in said
    steps = [line.split("（")[0] for line in said if line.startswith("✓ ")]
    order = ["✓ 生成评前公示", "✓ 评前备案", "✓ 备案确认", "✓ 抽取执行委员会", "✓ 计票", "✓ 生成评审结果公示",
             "✓ 生成评审结果备案表", "✓ 核准公布"]  # fmt: skip
    assert [steps.index(step) for step in order] == sorted(steps.index(step) for step in order)
    [status] = procedure_status(tmp_path / "demo" / "qzzc.db")
    assert [step["step"] for step in status["steps"]] == [
        "pre_review", "filing", "confirmation", "draw", "tally", "result", "filing_form", "approval",
    ]  # fmt: skip
    ids = set()
    for line in (tmp_path / "demo" / "输入" / "计票.csv").read_text(encoding="utf-8-sig").splitlines()[1:]:
        ids.add(line.split(",")[0])
    for path in report.documents:
        if path.suffix not in (".xlsx", ".docx", ".json"):  # the draw record's JSON is internal
            text = path.read_text(encoding="utf-8")
            assert [number for number in ids if number in text] == []
            assert re.findall(r"1[3-9]\d{9}", text) == []

    _the_draw_records_program_recomputes_the_draw(tmp_path / "demo")


def procedure_status(db):
    from qzzc.services.base import Context
    from qzzc.services.procedure import status
    from qzzc.store.db import Store

    ctx = Context(Store(f"sqlite:///{db}"), "测试员")
    try:
        return status(ctx, 3)
    finally:
        ctx.store.dispose()


def _the_draw_records_program_recomputes_the_draw(folder):
    """The program printed in the draw record, taken from the document's text and run on its JSON
    export, gives the digest and the members' and alternates' keys the store holds."""
    import subprocess
    import sys

    import docx
    from sqlmodel import select

    from qzzc.core.papers import PROGRAM_FIRST, PROGRAM_LAST
    from qzzc.store.db import Store
    from qzzc.store.models import Draw

    lines = [p.text for p in docx.Document(str(folder / "会议材料" / "专家抽取记录.docx")).paragraphs]
    program = folder / "复核.py"
    program.write_text(
        "\n".join(lines[lines.index(PROGRAM_FIRST) : lines.index(PROGRAM_LAST) + 1]) + "\n", encoding="utf-8"
    )
    done = subprocess.run(
        [sys.executable, str(program), str(folder / "会议材料" / "专家抽取记录.json")],
        capture_output=True, check=True, encoding="utf-8",
    )  # fmt: skip
    store = Store(f"sqlite:///{folder / 'qzzc.db'}")
    with store.reading() as session:
        draw = session.exec(select(Draw)).one()
    store.dispose()
    expected = [f"候选名单摘要 {draw.candidate_digest}"]
    expected += [f"成员 {i} {m['key']}" for i, m in enumerate(draw.members, 1)]
    expected += [f"候补 {i} {m['key']}" for i, m in enumerate(draw.alternates, 1)]
    assert done.stdout.splitlines() == expected
    assert len(draw.members) == 11


def test_demo_is_deterministic_and_replaces_its_store(tmp_path):
    run_demo(tmp_path / "a", lambda _: None)
    said = []
    run_demo(tmp_path / "a", said.append)
    run_demo(tmp_path / "b", lambda _: None)
    assert said[0] == f"已删除上次演示留下的数据库 {tmp_path / 'a' / 'qzzc.db'}"
    for name in ("评前公示.md", "评审结果备案表.md"):
        assert (tmp_path / "a" / "公告" / name).read_text(encoding="utf-8") == (
            tmp_path / "b" / "公告" / name
        ).read_text(encoding="utf-8")


def test_demo_keeps_a_store_that_is_not_its_own(tmp_path):
    import shutil

    from qzzc.demo import run_demo
    from qzzc.errors import QzzcError

    run_demo(tmp_path / "a", lambda _text: None)
    office = tmp_path / "office"
    office.mkdir()
    shutil.copy(tmp_path / "a" / "qzzc.db", office / "qzzc.db")
    import sqlite3

    with sqlite3.connect(office / "qzzc.db") as connection:
        connection.execute("UPDATE audit_entries SET operator = '张科长'")
    before = (office / "qzzc.db").read_bytes()
    with pytest.raises(QzzcError, match="不是演示生成的数据库"):
        run_demo(office, lambda _text: None)
    assert (office / "qzzc.db").read_bytes() == before
    run_demo(tmp_path / "a", lambda _text: None)  # its own store is replaced
