"""The native workbook parse, run in a process of its own: ``python -m qzzc.sheets.native``.

python-calamine is Rust: a damaged or hostile workbook can make it abort the whole process (a
failed allocation of a dense grid it sized from the file, a panic) or loop for ever. Run here,
such an abort or hang ends this child only, and ``read_rows`` in the parent turns it into a
``SheetError``. The parent writes the file's bytes to stdin; the child writes frames to stdout:
one byte of kind, four of length, then the payload (``qzzc.sheets.frames``):

- ``H`` (marshal): the sheet's name and the workbook's sheet names, once, first;
- ``M`` (marshal) or ``P`` (pickle, for date cells marshal cannot hold): a chunk of rows;
- ``E`` (UTF-8): a refusal's Chinese message, instead of rows;
- ``Z``: the end.

Rows are sent in chunks as they are read, so the parent unpacks one chunk while the child reads
the next. The child caps its own address space (``resource``, where there is one) so that a
grid sized from a hostile file fails to allocate at once instead of filling the machine.
"""

from __future__ import annotations

import marshal
import sys
from typing import Any

from qzzc.sheets.frames import rows_payload, write_frame
from qzzc.sheets.reader import SheetError, open_workbook, sheet_rows

CHUNK_ROWS = 5_000
MEMORY_LIMIT = 2 << 30  # bytes of address space: 200,000 rows of 200 columns fit, 16,384 × 1M do not


def _limit_memory() -> None:
    try:
        import resource  # POSIX only
    except ImportError:  # Windows: no address-space limit; the abort is still contained
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = MEMORY_LIMIT if hard == resource.RLIM_INFINITY else min(MEMORY_LIMIT, hard)
    if soft == resource.RLIM_INFINITY or soft > limit:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def main(argv: list[str]) -> int:
    filename, sheet, max_rows, max_columns = argv[0], argv[1] or None, int(argv[2]), int(argv[3])
    _limit_memory()
    data = sys.stdin.buffer.read()
    out = sys.stdout.buffer
    try:
        workbook, name, names = open_workbook(data, filename, sheet)
        write_frame(out, b"H", marshal.dumps((name, names)))
        out.flush()  # before the sheet's parse, which may abort the process
        rows = sheet_rows(workbook, filename, name, max_rows, max_columns)
        chunk: list[list[Any]] = []
        # Equal texts of a chunk as one object (texts only: True, 1 and 1.0 are equal keys): marshal then writes the repeats as references, and
        # the parent gets them shared (units, choices and dates repeat down a sheet), which saves
        # it most of the memory of the raw cells and the time of making them.
        seen: dict[Any, Any] = {}
        same = seen.setdefault
        for row in rows:
            chunk.append([same(cell, cell) if cell.__class__ is str else cell for cell in row])
            if len(chunk) == CHUNK_ROWS:
                write_frame(out, *rows_payload(chunk))
                chunk = []
                seen.clear()
        if chunk:
            write_frame(out, *rows_payload(chunk))
    except SheetError as error:
        write_frame(out, b"E", error.message.encode("utf-8"))
    write_frame(out, b"Z")
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
