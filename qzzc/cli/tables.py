"""Tables for people at a terminal (SPEC §13): they fit an 80-column terminal without splitting an
ID number, a name or a short code across lines; long text (units, reasons) folds instead."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.table import Table

# Columns whose values are read whole: they never fold, and the others give way to them.
# (Short values such as 合格 or a 序号 fold only in the narrowest terminals.)
WHOLE = frozenset({"姓名", "身份证号", "联系电话"})


def table(title: str | None, headers: Sequence[str], whole: frozenset[str] | set[str] = WHOLE) -> Table:
    """A table with ``headers``: the ``whole`` columns kept on one line, the rest folding."""
    from rich import box  # loaded when the command runs: qzzc --help stays fast
    from rich.table import Table  # loaded when the command runs: qzzc --help stays fast

    made = Table(title=title, box=box.SIMPLE_HEAD, padding=(0, 1))
    for header in headers:
        if header in whole:
            made.add_column(header, no_wrap=True, overflow="ignore")
        else:
            made.add_column(header, overflow="fold")
    return made
