import unicodedata

import pytest

from qzzc.core.display import hidden_characters, printable


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("张三", "张三"),
        ("第一行\n第二行", "第一行\n第二行"),
        ("\x1b[2J", "\\x1b[2J"),
        ("a\tb\rc\x00d\x7fe", "a\\x09b\\x0dc\\x00d\\x7fe"),
        ("\x9b31m", "\\x9b31m"),  # C1's CSI
        ("\u202e张三\u202c", "\\u202e张三\\u202c"),
        ("张\u200b三\u200d\ufeff", "张\\u200b三\\u200d\\ufeff"),
        ("\u2066x\u2069", "\\u2066x\\u2069"),
        ("a\u2028b", "a\\u2028b"),
        ("\U000e0041", "\\U000e0041"),
        ("文件\udcff.csv", "文件\\udcff.csv"),  # an undecodable byte of a file name
        ("[bold]𠮷:smile:", "[bold]𠮷:smile:"),
    ],
)
def test_printable(text, shown):
    assert printable(text) == shown
    assert hidden_characters(text) == (text != shown)


def test_every_control_format_and_separator_character_is_shown_as_an_escape():
    categories = {"Cc", "Cf", "Zl", "Zp", "Cs"}
    missed = [
        f"U+{code:04X}"
        for code in range(0x110000)
        if unicodedata.category(chr(code)) in categories
        and chr(code) != "\n"
        and not hidden_characters(chr(code))
    ]
    assert missed == []


def test_printable_text_has_no_control_character_left():
    text = "".join(chr(code) for code in range(0x3000))
    assert {unicodedata.category(char) for char in printable(text) if char != "\n"} & {"Cc", "Cf"} == set()
