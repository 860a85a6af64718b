"""Text as it may be shown on a terminal (SPEC §14): a spreadsheet cell stored by an older qzzc,
an audit entry or a file name can hold characters that act on the terminal instead of showing
(``ESC [ 2 J`` clears the screen) or that hide and reorder what is shown (bidi overrides,
zero-width characters). Everything qzzc prints passes through ``printable``."""

from __future__ import annotations

import re
from collections.abc import Callable

# Controls (C0 but the newline, DEL, C1), then every format character (Unicode category Cf:
# soft hyphen, Arabic number signs, bidi marks, embeddings, overrides and isolates, zero-width
# spaces and joiners, invisible operators, the byte-order mark, interlinear annotation, tags…),
# the line and paragraph separators, and lone surrogates (undecodable bytes of a file name).
# tests/core/test_display.py checks this against unicodedata. The few such characters above
# U+FFFF are found by a single coarse range and then checked one by one: Python's re scans a
# class of several ranges above U+FFFF four times slower, and every line qzzc prints passes here.
_ASTRAL = re.compile(
    "[\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f]"
)
_HIDDEN = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
    "\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ud800-\udfff\ufeff\ufff9-\ufffb"
    "\U000110bd-\U000e007f]"
)


def _is_hidden(char: str) -> bool:
    return char <= "\uffff" or _ASTRAL.match(char) is not None


def _visible(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def printable(text: str) -> str:
    """Returns ``text`` with each character that would act on a terminal, or hide or reorder
    text, written out as its escape in plain ASCII (``ESC`` becomes ``\\x1b``, a right-to-left
    override ``\\u202e``); newlines stay. Text without such characters comes back as it is."""
    return replace_hidden(text, _visible)


def replace_hidden(text: str, replacement: Callable[[str], str]) -> str:
    """``text`` with each character ``printable`` would escape replaced by ``replacement(char)``."""
    if _HIDDEN.search(text) is None:
        return text

    def replace(match: re.Match[str]) -> str:
        char = match.group()
        return replacement(char) if _is_hidden(char) else char

    return _HIDDEN.sub(replace, text)


def hidden_characters(text: str) -> bool:
    """Whether ``printable`` would change ``text``."""
    return any(_is_hidden(match.group()) for match in _HIDDEN.finditer(text))
