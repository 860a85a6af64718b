"""`qzzc notice` for the .docx format and the meeting papers, and `draw-experts --verify --from`."""

import json

import pytest
from fixed_store import build_store

from qzzc.services.base import Context
from qzzc.store.db import Store


@pytest.fixture
def store(db_path, tmp_path):
    ctx = Context(store=Store(f"sqlite:///{db_path}"), operator="测试员")
    meeting = build_store(ctx, tmp_path)
    ctx.store.dispose()
    return meeting


@pytest.mark.parametrize(
    ("kind", "name", "people"),
    [
        ("ballot", "表决票", 3),
        ("tally-sheet", "计票表", 3),
        ("sign-in", "签到表", 11),
        ("draw-record", "专家抽取记录", 11),
    ],
)
def test_a_meeting_paper_is_written(cli, store, tmp_path, kind, name, people):
    out = tmp_path / f"{name}.docx"
    result = cli("notice", kind, "--meeting", str(store), "--out", str(out))
    assert (result.exit_code, result.stdout) == (0, f"已生成{name}：{out}（{people} 人）\n")
    assert out.stat().st_size > 0


def test_a_ballot_has_no_spreadsheet_form(cli, store, tmp_path):
    result = cli("notice", "ballot", "--meeting", str(store), "--out", str(tmp_path / "票.xlsx"))
    assert result.exit_code == 2
    assert "表决票可输出为 .docx、.html 文件，不能输出为「票.xlsx」" in result.stderr


def test_a_template_that_is_not_word_is_refused(cli, store, tmp_path):
    fake = tmp_path / "模板.docx"
    fake.write_bytes(b"not a zip")
    result = cli(
        "notice",
        "pre-review",
        "-c",
        "3",
        "--start",
        "2021-09-28",
        "--template",
        str(fake),
        "-o",
        str(tmp_path / "a.docx"),
    )
    assert result.exit_code == 1
    assert result.stderr.startswith("错误：模板「模板.docx」不是 Word 文档（.docx）。")
    assert not (tmp_path / "a.docx").exists()


def test_verify_from_an_export_without_the_store(cli, store, tmp_path, monkeypatch):
    export = tmp_path / "抽取记录.json"
    assert cli("notice", "draw-record", "--meeting", str(store), "--out", str(export)).exit_code == 0
    data = json.loads(export.read_text(encoding="utf-8"))
    # the fixed store's draw is made up (no candidates, invented keys): it cannot be re-derived
    result = cli("draw-experts", "--verify", "--from", str(export))
    assert result.exit_code == 1
    assert result.stderr.startswith("错误：抽取记录「抽取记录.json」复核不符：")
    assert data["format"] == "qzzc-draw-record-1"


def test_verify_from_a_file_that_is_no_export(cli, tmp_path):
    other = tmp_path / "x.json"
    other.write_text("[1, 2]", encoding="utf-8")
    result = cli("draw-experts", "--verify", "--from", str(other))
    assert (result.exit_code, result.stderr.splitlines()[0]) == (
        1,
        "错误：该文件不是 qzzc 导出的专家抽取记录（应为 qzzc notice draw-record --out 抽取记录.json 生成的文件）",
    )


def test_verify_from_the_demo_matches(cli, tmp_path):
    from qzzc.demo import run_demo

    run_demo(tmp_path / "demo", lambda _: None)
    export = tmp_path / "demo" / "会议材料" / "专家抽取记录.json"
    result = cli("draw-experts", "--verify", "--from", str(export))
    assert result.exit_code == 0
    assert result.stdout.startswith(
        "抽取记录「专家抽取记录.json」复核一致：第 1 号会议第 1 次抽取，候选 35 人"
    )
    data = json.loads(export.read_text(encoding="utf-8"))
    data["members"][0], data["members"][1] = data["members"][1], data["members"][0]
    export.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = cli("draw-experts", "--verify", "--from", str(export))
    assert result.exit_code == 1
    assert "成员第 1 位不符" in result.stderr
