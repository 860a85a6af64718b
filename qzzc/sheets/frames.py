"""The frames the native parse (``qzzc.sheets.native``, a child process) writes and the reader
reads: one byte of kind, four of length (big-endian), then the payload. Kinds: ``H`` (marshal)
the sheet's name and the workbook's sheet names; ``M`` (marshal) or ``P`` (pickle, for date cells
marshal cannot hold) a chunk of rows; ``E`` (UTF-8) a refusal's message; ``Z`` the end.
"""

from __future__ import annotations

import datetime
import io
import marshal
import pickle
import struct
from collections.abc import Iterator
from typing import Any, BinaryIO

FRAME = struct.Struct(">cI")


def write_frame(stream: BinaryIO, kind: bytes, payload: bytes = b"") -> None:
    stream.write(FRAME.pack(kind, len(payload)))
    stream.write(payload)


def read_frames(stream: BinaryIO) -> Iterator[tuple[bytes, bytes]]:
    """Yields (kind, payload) until the stream ends; a cut frame ends it too."""
    while True:
        head = stream.read(FRAME.size)
        if len(head) < FRAME.size:
            return
        kind, length = FRAME.unpack(head)
        payload = stream.read(length)
        if len(payload) < length:
            return
        yield kind, payload


def rows_payload(rows: list[list[Any]]) -> tuple[bytes, bytes]:
    try:
        return b"M", marshal.dumps(rows)
    except ValueError:  # a date or time cell: marshal holds only built-in types
        return b"P", pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL)


class RowsUnpickler(pickle.Unpickler):
    """Unpickles rows of cells: only the date and time types may be named."""

    _ALLOWED = frozenset({"date", "datetime", "time", "timedelta", "timezone"})

    def find_class(self, module: str, name: str) -> Any:
        if module == "datetime" and name in self._ALLOWED:
            return getattr(datetime, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not a cell value")


def load_rows(kind: bytes, payload: bytes) -> list[list[Any]]:
    if kind == b"M":
        return marshal.loads(payload)
    return RowsUnpickler(io.BytesIO(payload)).load()
