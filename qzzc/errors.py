"""The one error family of qzzc.

Anything the user can cause raises a ``QzzcError`` with a Chinese message. The CLI turns it into
that message on stderr and the error's ``exit_code`` in exactly one place (``qzzc.cli.QzzcGroup``):
0 done, 1 refused (bad input or state; nothing was written), 2 wrong usage, 130 interrupted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

MAX_LISTED_ERRORS = 1_000  # a file whose ID column Excel turned to numbers can have 100,000 bad cells


class ExitCode(IntEnum):
    OK = 0
    REFUSED = 1
    USAGE = 2
    INTERRUPTED = 130


class QzzcError(Exception):
    """A refusal the user can act on. ``message`` is Chinese and never holds a full ID number."""

    exit_code: ExitCode = ExitCode.REFUSED

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UsageError(QzzcError):
    """The command was called wrongly (a bad option value, options that exclude each other)."""

    exit_code = ExitCode.USAGE


class StoreError(QzzcError):
    """The store cannot be used: not initialised, written by a newer qzzc, unreachable."""


class NotInitialised(StoreError):
    def __init__(self, where: str) -> None:
        super().__init__(f"数据库 {where} 尚未初始化。请先运行：qzzc init")


class StoreTooNew(StoreError):
    def __init__(self, found: int, supported: int) -> None:
        super().__init__(
            f"数据库由更新版本的 qzzc 写入（结构版本 {found}，本程序支持到 {supported}），"
            "为免损坏数据拒绝打开。请升级 qzzc 后再操作。"
        )


class UnknownCommittee(QzzcError):
    def __init__(self, seq: int, known: int) -> None:
        super().__init__(f"没有序号为 {seq} 的评委会（本年度计划共 {known} 个评委会，序号 1–{known}）。")


class NotFound(QzzcError):
    """A named thing (a meeting, an applicant) is not in the store."""


def first_errors(errors: list[CellError], unlisted: int = 0) -> tuple[list[CellError], int]:
    """Returns the first ``MAX_LISTED_ERRORS`` of ``errors`` (in their order) and the count of
    all of them, ``unlisted`` more counted but not given."""
    return errors[:MAX_LISTED_ERRORS], len(errors) + unlisted


class ConfigError(QzzcError):
    """A plan or rules file is malformed; the message names the key or row and the reason."""


class CalendarUnknown(QzzcError):
    """A date lies outside the years the working-day calendar knows: ``problem`` says which,
    ``advice`` how to supply the year."""

    def __init__(self, problem: str, advice: str = "") -> None:
        super().__init__(f"{problem}。{advice}" if advice else problem)
        self.problem = problem
        self.advice = advice

    def about(self, detail: str) -> CalendarUnknown:
        """The same error with ``detail`` (who or what has such a date) after the problem."""
        return CalendarUnknown(f"{self.problem}{detail}", self.advice)


@dataclass(frozen=True)
class CellError:
    """One bad cell of a spreadsheet: where it is, what it holds (masked if personal) and why.

    ``row`` is the Excel row number (the CSV line number); ``column`` is the header as the file
    writes it, or empty when the problem concerns the whole row.
    """

    sheet: str
    row: int
    column: str
    value: str
    message: str

    def as_dict(self) -> dict[str, object]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
        }

    def describe(self) -> str:
        where = f"{self.sheet} 第 {self.row} 行" if self.sheet else f"第 {self.row} 行"
        column = f"「{self.column}」" if self.column else ""
        value = f"（{self.value}）" if self.value else ""
        return f"{where}{column}{value}：{self.message}"


@dataclass
class BadInput(QzzcError):
    """A file was refused because of bad cells; the first ``MAX_LISTED_ERRORS`` are listed, then
    the count of the rest (``total`` counts every one, listed or not), and nothing was written."""

    errors: list[CellError] = field(default_factory=list)
    summary: str = "文件有误"
    total: int = 0  # every bad cell; at least len(errors)

    def __post_init__(self) -> None:
        total = max(self.total, len(self.errors))
        listed = self.errors[:MAX_LISTED_ERRORS]
        lines = [f"{self.summary}，共 {total} 处，未写入任何数据："]
        lines += [f"  {error.describe()}" for error in listed]
        if total > len(listed):
            lines.append(f"  ……另有 {total - len(listed)} 处错误未列出；请先改正以上各处，再导入")
        QzzcError.__init__(self, "\n".join(lines))

    def __str__(self) -> str:
        return self.message
