import pytest

from qzzc.core.titles import Level, level_of


@pytest.mark.parametrize(
    ("title", "level", "band"),
    [
        ("工艺美术员", Level.YUAN, "初级"),
        ("助理工程师", Level.ASSISTANT, "初级"),
        ("四级演员", Level.ASSISTANT, "初级"),
        ("工程师", Level.INTERMEDIATE, "中级"),
        ("三级律师", Level.INTERMEDIATE, "中级"),
        ("高级工程师", Level.DEPUTY_SENIOR, "高级"),
        ("副主任护师", Level.DEPUTY_SENIOR, "高级"),
        ("正高级工程师", Level.SENIOR, "高级"),
        ("主任中医师", Level.SENIOR, "高级"),
    ],
)
def test_level_and_band(title, level, band):
    assert level_of(title) is level
    assert level_of(title).band == band


def test_unknown_title_has_no_level():
    assert level_of("神仙") is None
