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


def test_pre_review_across_national_day(cli, store, tmp_path):
    out = tmp_path / "评前公示.html"
    result = cli("notice", "pre-review", "--committee", "3", "--start", "2021-09-28", "--out", str(out))
    assert result.exit_code == 0
    assert (
        result.stdout == f"已生成评前公示：{out}（3 人）；公示期 2021年9月28日至2021年10月9日（5 个工作日）\n"
    )
    assert "公示期：2021年9月28日至2021年10月9日（5个工作日）" in out.read_text(encoding="utf-8")


def test_start_on_a_holiday_begins_on_the_next_working_day(cli, store, tmp_path):
    out = tmp_path / "a.md"
    result = cli("notice", "pre-review", "-c", "3", "--start", "2021年10月2日", "--days", "6", "-o", str(out))
    assert result.exit_code == 0
    assert result.stdout.endswith("公示期 2021年10月8日至2021年10月14日（6 个工作日）\n")


@pytest.mark.parametrize("kind", ["pre-review", "result"])
def test_a_period_cannot_be_shortened_below_five_working_days(cli, store, tmp_path, kind):
    target = ["--committee", "3"] if kind == "pre-review" else ["--meeting", str(store)]
    out = tmp_path / "a.md"
    result = cli("notice", kind, *target, "--start", "2021-12-29", "--days", "4", "-o", str(out))
    assert (result.exit_code, result.stderr) == (
        1,
        "错误：公示期不得少于 5 个工作日（衢市人社专〔2021〕61号：不少于5个工作日），"
        "--days 4 不能缩短公示期，只能延长（或不加 --days）\n",
    )
    assert not out.exists()
    five = cli("notice", kind, *target, "--start", "2021-12-29", "--days", "5", "-o", str(out))
    assert five.exit_code == 0


def test_a_result_publicity_cannot_start_before_the_meeting(cli, store, tmp_path):
    out = tmp_path / "r.md"
    early = cli("notice", "result", "--meeting", str(store), "--start", "2021-10-19", "-o", str(out))
    assert (early.exit_code, early.stderr) == (
        1,
        f"错误：结果公示应在评审会议之后：第 {store} 号会议 2021年10月20日召开，--start 2021-10-19 早于会议日期。"
        "请把 --start 设为会议当天或之后\n",
    )
    assert not out.exists()
    same_day = cli("notice", "result", "--meeting", str(store), "--start", "2021-10-20", "-o", str(out))
    assert same_day.exit_code == 0


@pytest.mark.parametrize(
    ("seq", "name"),
    [
        (22, "衢州市会计系列高级职称推荐"),
        (23, "衢州市档案系列高级职称推荐"),
        (24, "衢州市统计系列高级职称推荐"),
    ],
)
def test_one_word_committees_are_called_by_their_display_name(cli, store, tmp_path, seq, name):
    out = tmp_path / "a.md"
    assert cli("notice", "announcement", "-c", str(seq), "-o", str(out)).exit_code == 0
    assert out.read_text(encoding="utf-8").splitlines()[0] == f"# {name}2021年度职称评审公告"


def test_a_senior_only_committee_announces_the_provinces_hours_not_54(cli, store, tmp_path):
    out = tmp_path / "a.md"
    assert cli("notice", "announcement", "-c", "20", "-o", str(out)).exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert "54学时" not in text
    assert "申报高级职称的继续教育学时按省人社厅及省行业主管部门要求执行。" in text.splitlines()
    junior = tmp_path / "b.md"
    assert cli("notice", "announcement", "-c", "2", "-o", str(junior)).exit_code == 0
    assert "申报初级职称的，一般公需科目和行业公需科目近三年累计不少于54学时" in junior.read_text(
        encoding="utf-8"
    )


def test_result_and_filing_form(cli, store, tmp_path):
    result = cli(
        "notice", "result", "--meeting", str(store), "--start", "2021-12-29", "-o", str(tmp_path / "r.xlsx")
    )
    assert (
        result.exit_code,
        result.stdout.endswith("公示期 2021年12月29日至2022年1月5日（5 个工作日）\n"),
    ) == (0, True)
    form = cli("notice", "filing-form", "--meeting", str(store), "-o", str(tmp_path / "f.html"))
    assert form.exit_code == 0
    assert form.stdout == f"已生成评审结果备案表：{tmp_path / 'f.html'}（3 人）\n"


def test_announcement_cannot_be_xlsx(cli, store, tmp_path):
    result = cli("notice", "announcement", "-c", "3", "-o", str(tmp_path / "a.xlsx"))
    assert (result.exit_code, result.stderr) == (
        2,
        "错误：评审公告可输出为 .html、.md、.docx 文件，不能输出为「a.xlsx」\n",
    )


def test_unknown_meeting(cli, store, tmp_path):
    result = cli("notice", "result", "-m", "99", "--start", "2021-10-21", "-o", str(tmp_path / "r.md"))
    assert (result.exit_code, result.stderr) == (
        1,
        "错误：没有编号为 99 的评审会议（会议编号由 qzzc meeting file 备案时给出；qzzc status 可查看）。\n",
    )


def test_bad_start_date(cli, store, tmp_path):
    result = cli("notice", "pre-review", "-c", "3", "--start", "九月", "-o", str(tmp_path / "a.md"))
    assert result.exit_code == 2
    assert result.stderr.startswith("错误：--start 的值「九月」不是日期")


def test_2031_start_names_the_year(cli, store, tmp_path):
    result = cli("notice", "pre-review", "-c", "3", "--start", "2031-09-28", "-o", str(tmp_path / "a.md"))
    assert result.exit_code == 1
    assert result.stderr.startswith("错误：工作日历中没有 2031 年的法定节假日和调休安排")


def test_a_notice_is_recorded_in_the_audit_chain_with_its_files_hash(cli, store, tmp_path):
    import hashlib
    import json

    out = tmp_path / "结果公示.xlsx"
    result = cli(
        "notice", "result", "-m", str(store), "--start", "2021-10-21", "--date", "2021-10-20", "-o", str(out),
        "--on", "2021-10-21",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    entry = json.loads(cli("audit", "--json").stdout)[-1]
    assert (entry["command"], entry["inputs"]) == ("notice result", [])
    assert entry["options"] == {
        "kind": "result",
        "out": str(out),
        "committee": None,
        "meeting": store,
        "start": "2021-10-21",
        "days": None,
        "date": "2021-10-20",
        "place": None,
        "template": None,
        "calendar": None,
        "on": "2021-10-21",
        "draft": False,
    }
    assert entry["summary"] == {
        "file": "结果公示.xlsx",
        "sha256": hashlib.sha256(out.read_bytes()).hexdigest(),
        "rows": 2,
        "period": "2021年10月21日至2021年10月27日",
    }
    assert cli("audit", "verify").exit_code == 0


def test_a_notice_that_cannot_be_written_leaves_no_entry(cli, store, tmp_path):
    import json

    before = json.loads(cli("audit", "--json").stdout)
    result = cli("notice", "announcement", "-c", "3", "-o", str(tmp_path / "无此目录" / "a.html"))
    assert result.exit_code == 1
    assert result.stderr == f"错误：无法写入文件 {tmp_path / '无此目录' / 'a.html'}：文件或文件夹不存在\n"
    assert json.loads(cli("audit", "--json").stdout) == before


def test_a_year_the_calendar_lacks_is_given_by_a_calendar_file(cli, store, tmp_path):
    import json

    calendar = tmp_path / "2031.toml"
    calendar.write_text(
        "year = 2031\nholidays = [2031-10-01, 2031-10-02, 2031-10-03]\nworkdays = []\n", encoding="utf-8"
    )
    out = tmp_path / "a.md"
    args = ("notice", "pre-review", "-c", "3", "--start", "2031-09-29", "-o", str(out))
    assert cli(*args).exit_code == 1
    result = cli(*args, "--calendar", str(calendar))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.endswith("公示期 2031年9月29日至2031年10月8日（5 个工作日）\n")
    entry = json.loads(cli("audit", "--json").stdout)[-1]
    assert [item["file"] for item in entry["inputs"]] == ["2031.toml"]
    assert entry["options"]["calendar"] == "2031.toml"


def test_a_notice_whose_entry_cannot_be_committed_leaves_the_earlier_file(
    store, db_path, tmp_path, monkeypatch
):
    import qzzc.services.base as base
    from qzzc.services.notices import render_notice

    out = tmp_path / "公告.html"
    out.write_text("上次的公告", encoding="utf-8")

    def broken(*_args, **_kwargs):
        raise RuntimeError("the disk is gone")

    monkeypatch.setattr(base, "append_audit", broken)
    ctx = Context(store=Store(f"sqlite:///{db_path}"), operator="测试员")
    with pytest.raises(RuntimeError):
        render_notice(ctx, "announcement", out, committee=3)
    ctx.store.dispose()
    assert out.read_text(encoding="utf-8") == "上次的公告"
    assert [path.name for path in tmp_path.iterdir() if path.name.startswith(".")] == []
