"""The ``qzzc`` command. Each command group lives in its own module and is added here.

Modules here only parse options, call one service and print. They import the services (and so
SQLAlchemy, openpyxl, Jinja2) inside the command functions, so that ``qzzc --help`` stays fast.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from qzzc import __version__, commits
from qzzc.cli import help
from qzzc.cli.common import write
from qzzc.errors import ExitCode, QzzcError


class QzzcGroup(TyperGroup):
    """The one place where errors become messages on stderr and exit codes (SPEC §2)."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except Exception as error:
            if _is_usage_error(error):
                _usage(error)
            raise

    def main(self, *args: Any, **kwargs: Any) -> Any:
        _replace_unencodable()
        return super().main(*args, **kwargs)

    def invoke(self, ctx: Any) -> Any:
        mark = commits.mark()
        try:
            return super().invoke(ctx)
        except QzzcError as error:
            saved = _saved(mark)
            _fail(
                error.message + (f"\n注意：{saved}，以上错误发生在保存之后。" if saved else ""),
                error.exit_code,
            )
        except KeyboardInterrupt:
            saved = _saved(mark)
            _fail(
                f"已中断。{saved}，中断发生在保存之后。"
                if saved
                else "已中断。未完成的操作不会写入任何数据；中断前已完成的，可用 qzzc audit 查看最后一条记录。",
                ExitCode.INTERRUPTED,
            )
        except BrokenPipeError:
            _reader_gone()
        except Exception as error:
            if _is_usage_error(error):
                _usage(error)
            if _is_cli_signal(error) or os.environ.get("QZZC_DEBUG"):
                raise
            saved = _saved(mark)
            _fail(
                f"qzzc 内部错误（{type(error).__name__}），"
                + (f"发生在保存之后：{saved}。" if saved else "本次操作未写入任何数据。")
                + "这是程序缺陷，请把所用命令告知开发人员；设置环境变量 QZZC_DEBUG=1 可显示详细信息。",
                ExitCode.REFUSED,
            )


def _saved(mark: int) -> str:
    """What was committed since ``mark``, in words ("" for nothing): a failure after a commit must
    not read as if nothing had been written."""
    entries = commits.since(mark)
    if not entries:
        return ""
    which = f"第 {entries[0]} 条" if len(entries) == 1 else f"第 {entries[0]}–{entries[-1]} 条"
    return f"本次操作的数据已保存（审计日志{which}，可用 qzzc audit 查看）"


def _replace_unencodable() -> None:
    """Output that bypasses the console (help pages, Typer's own messages) never fails on a
    character the stream's encoding cannot carry either (a GBK console): it becomes ``?``."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):  # a closed or unusual stream: leave it
                reconfigure(errors="replace")


def _reader_gone() -> None:
    """The program reading stdout stopped early (``qzzc audit --json | head``): that is not an
    error of ours, and results are printed only after a job has committed, so the command is done
    (exit 0). Output goes nowhere from now on, so that Python's final flush stays quiet, as the
    Python documentation advises (signal module, "Note on SIGPIPE")."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    raise SystemExit(ExitCode.OK)


def _fail(message: str, code: int) -> None:
    write(f"错误：{message}\n" if code != ExitCode.INTERRUPTED else f"{message}\n", stderr=True)
    raise typer.Exit(int(code))


_USAGE_PATTERNS = [
    (re.compile(r"^No such option: (?P<a>\S+)(?: Did you mean (?P<b>\S+?)\?)?$", re.S), "没有选项 {a}"),
    (
        re.compile(r"^No such command '(?P<a>.+?)'\.(?: Did you mean '(?P<b>.+?)'\?)?$", re.S),
        "没有命令「{a}」",
    ),
    (re.compile(r"^Missing option '(?P<a>.+?)'.*$", re.S), "缺少必需的选项 {a}"),
    (re.compile(r"^Missing argument '(?P<a>.+?)'.*$", re.S), "缺少必需的参数 {a}"),
    (re.compile(r"^Missing parameter: (?P<a>.+)$", re.S), "缺少必需的参数 {a}"),
    (re.compile(r"^Option '(?P<a>.+?)' requires an argument\.?$", re.S), "选项 {a} 需要一个值"),
    (re.compile(r"^Got unexpected extra argument(?:s|\(s\))? \((?P<a>.+)\)$", re.S), "多余的参数：{a}"),
    (re.compile(r"^Invalid value for '(?P<a>.+?)': (?P<b>.+)$", re.S), "{a} 的值无效：{b}"),
]


_DETAILS = [
    (re.compile(r"valid integer"), "应为整数"),
    (re.compile(r"valid number|valid float"), "应为数字"),
    (re.compile(r"is not one of (?P<a>.+?)\.?$"), "应为以下之一：{a}"),
    (re.compile(r"does not exist"), "文件不存在"),
    (re.compile(r"is a directory"), "是文件夹，不是文件"),
    (re.compile(r"valid date|does not match the formats?"), "应为日期，如 2021-09-28"),
]


def _detail(text: str) -> str:
    for pattern, template in _DETAILS:
        if match := pattern.search(text):
            return template.format(**match.groupdict())
    return text


def _is_usage_error(error: Exception) -> bool:
    return (
        _is_cli_signal(error) and getattr(error, "exit_code", None) == 2 and hasattr(error, "format_message")
    )


def translate_usage(message: str) -> str:
    """Returns click's English usage message in Chinese, for the patterns users meet."""
    for pattern, template in _USAGE_PATTERNS:
        if match := pattern.match(message.strip()):
            detail = match.groupdict().get("b")
            names = match["a"].replace("' / '", " / ")  # click quotes each name: '--out' / '-o'
            text = template.format(a=names, b=_detail(detail) if detail else None)
            suggestion = match.groupdict().get("b")
            if suggestion and "{b}" not in template:
                text += f"（是否要用 {suggestion}？）"
            return text
    return message


def _usage(error: Any) -> None:
    """Prints a usage error in Chinese with where to find help, and exits 2."""
    if type(error).__name__ == "NoArgsIsHelpError":
        # `qzzc` or `qzzc meeting` alone: the help page is already shown, and is the answer.
        raise typer.Exit(int(ExitCode.USAGE))
    command = error.ctx.command_path if getattr(error, "ctx", None) else "qzzc"
    write(
        f"错误：命令用法有误：{translate_usage(error.format_message())}\n用 `{command} -h` 查看帮助。\n",
        stderr=True,
    )
    raise typer.Exit(int(ExitCode.USAGE))


def _is_cli_signal(error: Exception) -> bool:
    """Typer's own exits, aborts and usage errors pass through to be handled by Typer."""
    return type(error).__module__.startswith(("typer", "click"))


app = typer.Typer(
    cls=QzzcGroup,
    name="qzzc",
    help="衢州职称评审办公室工具：评审计划、申报人导入、资格审查、专家抽取、计票、公示与备案。",
    no_args_is_help=True,
    add_completion=True,
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
    # loaded when the command runs: qzzc --help stays fast
    from qzzc.cli import (
        applicants,
        audit,
        check,
        demo,
        draw,
        experts,
        init,
        meeting,
        notice,
        objection,
        plan,
        procedure,
        tally,
    )

    app.command("init")(init.init)
    app.command("status")(procedure.status)
    app.add_typer(plan.app, name="plan")
    app.command("import")(applicants.import_)
    app.add_typer(applicants.app, name="applicants")
    app.add_typer(applicants.template_app, name="template")
    app.add_typer(meeting.app, name="meeting")
    app.add_typer(check.app, name="check")
    app.add_typer(experts.app, name="experts")
    app.command("draw-experts")(draw.draw_experts)
    meeting.app.command("file")(procedure.file)
    meeting.app.command("confirm")(procedure.confirm)
    meeting.app.command("approve")(procedure.approve)
    meeting.app.command("replace")(draw.replace)
    app.command("tally")(tally.tally)
    meeting.app.command("show")(tally.show_meeting)
    applicants.template_app.command("counts")(tally.counts_template)
    app.add_typer(notice.app, name="notice")
    app.add_typer(objection.app, name="objection")
    app.command("demo")(demo.demo)
    app.add_typer(audit.app, name="audit")
    app.command("backup")(audit.backup)
    app.command("restore")(audit.restore)


_register()
help.install()


def main() -> None:
    app(prog_name="qzzc")
