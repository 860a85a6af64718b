from helpers import run_cli


def test_demo_command(tmp_path):
    result = run_cli("demo", "--out", str(tmp_path / "演示"))
    assert result.exit_code == 0
    assert result.stdout.startswith(
        f"qzzc 演示：衢州市建筑工程技术人员中级职务评审委员会 2021 年度评审（文件夹 {tmp_path / '演示'}）\n"
    )
    assert f"{tmp_path / '演示' / '公告' / '评审结果备案表.html'}\n" in result.stdout
    assert (tmp_path / "演示" / "qzzc.db").exists()
    shown = run_cli("--db", str(tmp_path / "演示" / "qzzc.db"), "meeting", "show", "1")
    assert shown.exit_code == 0
