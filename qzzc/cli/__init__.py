"""The ``qzzc`` command. Each command group lives in its own module and is added here.

Modules here only parse options, call one service and print. They import the services (and so
SQLAlchemy, openpyxl, Jinja2) inside the command functions, so that ``qzzc --help`` stays fast.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from qzzc import __version__
from qzzc.errors import ExitCode, QzzcError


class QzzcGroup(TyperGroup):
    """The one place where errors become messages on stderr and exit codes (SPEC §2)."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except QzzcError as error:
            _fail(error.message, error.exit_code)
        except KeyboardInterrupt:
            _fail("已中断，本次操作未写入任何数据。", ExitCode.INTERRUPTED)
        except Exception as error:
            if _is_cli_signal(error) or os.environ.get("QZZC_DEBUG"):
                raise
            _fail(
                f"qzzc 内部错误（{type(error).__name__}），本次操作未写入任何数据。"
                "这是程序缺陷，请把所用命令告知开发人员；设置环境变量 QZZC_DEBUG=1 可显示详细信息。",
                ExitCode.REFUSED,
            )


def _fail(message: str, code: int) -> None:
    sys.stderr.write(f"错误：{message}\n" if code != ExitCode.INTERRUPTED else f"{message}\n")
    sys.stderr.flush()
    raise typer.Exit(int(code))


def _is_cli_signal(error: Exception) -> bool:
    """Typer's own exits, aborts and usage errors pass through to be handled by Typer."""
    return type(error).__module__.startswith(("typer", "click"))


app = typer.Typer(
    cls=QzzcGroup,
    name="qzzc",
    help="衢州职称评审办公室工具：评审计划、申报人导入、资格审查、专家抽取、计票、公示与备案。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"qzzc {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db", help="数据库：SQLite 文件路径或数据库 URL（默认取环境变量 QZZC_DB，否则 ./qzzc.db）。"
        ),
    ] = None,
    operator: Annotated[
        str | None, typer.Option("--operator", help="操作人姓名，记入审计日志（默认为登录用户名）。")
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="显示版本号后退出。")
    ] = False,
) -> None:
    """衢州职称评审办公室工具。"""
    ctx.obj = {"db": db, "operator": operator}


def _register() -> None:
    from qzzc.cli import check, init, meeting, plan

    app.command("init")(init.init)
    app.add_typer(plan.app, name="plan")
    app.add_typer(meeting.app, name="meeting")
    app.add_typer(check.app, name="check")


_register()


def main() -> None:
    app(prog_name="qzzc")
