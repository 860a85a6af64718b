"""Help pages in Chinese all the way (SPEC §13): 用法：, [选项], <文字>, the arguments' Chinese names.

Typer (with the click it carries) writes help pages in English and has no setting for it: the
usage prefix, the ``[OPTIONS]`` and ``COMMAND [ARGS]...`` placeholders, the ``<str>``/``<bool>``
type labels, the ``-h/--help`` line and the panels' titles. ``install`` wraps the few methods that
make them, once, at import of ``qzzc.cli``; a test reads every command's help page and fails on
any English left.
"""

from __future__ import annotations

from typing import Any

HELP_OPTION_TEXT = "显示本帮助后退出。"
OPTIONS_METAVAR = "[选项]"
SUBCOMMAND_METAVAR = "命令 [参数]..."
USAGE_PREFIX = "用法："
# Typer's type labels → what a clerk reads; a flag (bool) shows none.
TYPE_LABELS = {
    "str": "文字",
    "int": "整数",
    "float": "数字",
    "path": "路径",
    "file": "文件",
    "directory": "文件夹",
    "dir": "文件夹",
    "text": "文字",
    "integer": "整数",
}
COMPLETION_HELP = {
    "install_completion": "为当前的命令行（shell）安装命令补全，之后按 Tab 键可补全命令和选项。",
    "show_completion": "显示当前命令行（shell）的命令补全脚本，可复制后自行安装。",
}


def install() -> None:
    """Wraps, once, what makes help pages and usage lines, so that they speak Chinese."""
    try:
        from typer._click import formatting  # loaded when the command runs: qzzc --help stays fast
        from typer._click.core import Command  # loaded when the command runs: qzzc --help stays fast
    except ImportError:  # Typer before 0.20 uses click itself
        from click import formatting  # type: ignore[no-redef]
        from click.core import Command  # type: ignore[no-redef]
    from typer import core as typer_core  # loaded when the command runs: qzzc --help stays fast

    get_help, get_help_option, get_usage = Command.get_help, Command.get_help_option, Command.get_usage
    write_usage = formatting.HelpFormatter.write_usage

    def chinese_help(self: Any, ctx: Any) -> str:
        _panels()
        _placeholders(ctx.find_root().command)
        return get_help(self, ctx)

    def chinese_usage(self: Any, ctx: Any) -> str:
        _placeholders(ctx.find_root().command)
        return get_usage(self, ctx)

    def chinese_help_option(self: Any, ctx: Any) -> Any:
        option = get_help_option(self, ctx)
        if option is not None:
            option.help = HELP_OPTION_TEXT
        return option

    def chinese_write_usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
        write_usage(self, prog, args, USAGE_PREFIX if prefix is None else prefix)

    Command.get_help = chinese_help  # type: ignore[method-assign]
    Command.get_usage = chinese_usage  # type: ignore[method-assign]
    Command.get_help_option = chinese_help_option  # type: ignore[method-assign]
    formatting.HelpFormatter.write_usage = chinese_write_usage  # type: ignore[method-assign]

    _completion_options()
    parameter = getattr(typer_core, "_TyperParameter", None)
    if parameter is not None and hasattr(parameter, "display_type"):
        display_type = parameter.display_type

        def chinese_type(self: Any, ctx: Any) -> str | None:
            label = display_type(self, ctx)
            if not isinstance(label, str) or not (label.startswith("<") and label.endswith(">")):
                return label
            inner = label[1:-1]
            if inner == "bool":
                return None
            if inner.startswith("list[") and inner.endswith("]"):  # a repeatable option
                element = inner[5:-1]
                return f"<{TYPE_LABELS.get(element, element)}，可重复>"
            return f"<{TYPE_LABELS.get(inner, inner)}>"

        parameter.display_type = chinese_type


def _placeholders(root: Any) -> None:
    """``[OPTIONS]`` and ``COMMAND [ARGS]...`` in Chinese on every command, and the completion
    options' help; done when a page or usage line is made, on the commands then built."""
    stack = [root]
    while stack:
        command = stack.pop()
        command.options_metavar = OPTIONS_METAVAR
        if hasattr(command, "subcommand_metavar"):
            command.subcommand_metavar = SUBCOMMAND_METAVAR
        for param in getattr(command, "params", ()):
            if param.name in COMPLETION_HELP:
                param.help = COMPLETION_HELP[param.name]

        stack.extend(getattr(command, "commands", {}).values())


def _panels() -> None:
    from typer import rich_utils  # loaded when the command runs: qzzc --help stays fast

    rich_utils.ARGUMENTS_PANEL_TITLE = "参数"
    rich_utils.OPTIONS_PANEL_TITLE = "选项"
    rich_utils.COMMANDS_PANEL_TITLE = "命令"
    rich_utils.DEFAULT_STRING = "[默认：{}]"
    rich_utils.REQUIRED_LONG_STRING = "[必填]"
    rich_utils.ENVVAR_STRING = "[环境变量：{}]"


def _completion_options() -> None:
    """Typer declares its completion options once, as the defaults of two placeholder functions;
    their help and the install message are given in Chinese here, before the command is built."""
    try:
        from typer import completion  # loaded when the command runs: qzzc --help stays fast
    except ImportError:  # pragma: no cover - a Typer without completion
        return
    for function in (
        getattr(completion, "_install_completion_placeholder_function", None),
        getattr(completion, "_install_completion_no_auto_placeholder_function", None),
    ):
        for name, info in zip(
            ("install_completion", "show_completion"),
            getattr(function, "__defaults__", None) or (),
            strict=False,
        ):
            if hasattr(info, "help"):
                info.help = COMPLETION_HELP[name]
            if name == "install_completion" and hasattr(info, "callback"):
                info.callback = _install_completion


def _install_completion(ctx: Any, param: Any, value: Any) -> Any:
    """``--install-completion``, saying in Chinese what it did (Typer says it in English)."""
    import sys  # loaded when the command runs: qzzc --help stays fast

    if not value or ctx.resilient_parsing:
        return value
    from typer._completion_shared import install  # loaded when the command runs: qzzc --help stays fast

    try:
        shell, path = install(shell=value) if isinstance(value, str) else install()
    except (OSError, RuntimeError, SystemExit, Exception):  # an unknown shell, an unwritable profile
        sys.stderr.write(
            "错误：无法为当前的命令行（shell）安装命令补全；支持 bash、zsh、fish 和 PowerShell。\n"
        )
        sys.exit(1)
    sys.stdout.write(f"已为 {shell} 安装命令补全（{path}），重新打开命令行窗口后生效。\n")
    sys.exit(0)
