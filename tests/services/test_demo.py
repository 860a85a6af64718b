import re

import pytest

from qzzc.services.demo import run_demo

DOCUMENTS = [
    "评审公告.html", "评审公告.md", "评前公示.html", "评前公示.md", "评前公示.xlsx", "评审结果公示.html",
    "评审结果公示.md", "评审结果公示.xlsx", "评审结果备案表.html", "评审结果备案表.md", "评审结果备案表.xlsx",
]  # fmt: skip


def test_demo_runs_the_whole_flow(tmp_path):
    said = []
    report = run_demo(tmp_path / "demo", said.append)
    assert [path.name for path in report.documents] == DOCUMENTS
    assert all(path.stat().st_size > 0 for path in report.documents)
    assert said[3] == "✓ 资格审查：合格 14 人，不合格 6 人，需人工核实 1 人"
    assert said[-5] == "✓ 计票：出席 10 人（缺席 1 人），15 人参评，14 人通过或推荐"
    ids = set()
    for line in (tmp_path / "demo" / "输入" / "计票.csv").read_text(encoding="utf-8-sig").splitlines()[1:]:
        ids.add(line.split(",")[0])
    for path in report.documents:
        if path.suffix != ".xlsx":
            text = path.read_text(encoding="utf-8")
            assert [number for number in ids if number in text] == []
            assert re.findall(r"1[3-9]\d{9}", text) == []


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

    from qzzc.errors import QzzcError
    from qzzc.services.demo import run_demo

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
