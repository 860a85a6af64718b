"""``qzzc demo``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qzzc.cli.common import out


def demo(
    folder: Annotated[
        Path,
        typer.Option(
            "--out", "-o", help="演示文件夹：示例表格、数据库和生成的公告都放在这里。", file_okay=False
        ),
    ] = Path("qzzc-demo"),
) -> None:
    """用内置示例数据走完一年的全部流程：导入、资格审查、抽取专家、计票、生成公告和备案表。"""
    from qzzc.demo import run_demo  # loaded when the command runs: qzzc --help stays fast

    console = out()
    console.print(f"qzzc 演示：衢州市建筑工程技术人员中级职务评审委员会 2021 年度评审（文件夹 {folder}）")
    report = run_demo(folder, console.print)
    console.print("\n示例输入（单位报送的表格、专家库、计票表）：")
    for path in report.inputs:
        console.print(f"  {path}")
    console.print(
        "生成的公告、公示、备案表（公告/，.docx 可用 Word 或 WPS 打开并打印）和会议材料（会议材料/，内部使用）："
    )
    for path in report.documents:
        console.print(f"  {path}")
    console.print(f"\n数据库：{report.store}。可继续查看，例如：qzzc --db {report.store} meeting show 1")
