"""Professional titles (职称) and their levels.

The levels are the national five (员级, 助理级, 中级, 副高级, 正高级). The notice's plan speaks of
three bands in its 申报对象范围 column: 初级 (员级 and 助理级), 中级, 高级 (副高级 and 正高级).

The table holds every title the 2021 plan names, and the titles of the same series below and
beside them that applicants hold as their 现职称 (技术员, 一级教师, 主治医师, 会计师 …), for the 资历
rules. It is code, not yearly config, because a title's level is set by the national title
system, not by a year's notice. A title missing from it has no known level: rules that need one
report it rather than guess.
"""

from __future__ import annotations

from enum import StrEnum


class Level(StrEnum):
    """The five national title levels."""

    YUAN = "员级"
    ASSISTANT = "助理级"
    INTERMEDIATE = "中级"
    DEPUTY_SENIOR = "副高级"
    SENIOR = "正高级"

    @property
    def band(self) -> str:
        """The plan's scope band: ``初级``, ``中级`` or ``高级``."""
        return BAND_OF_LEVEL[self]


BAND_OF_LEVEL = {
    Level.YUAN: "初级",
    Level.ASSISTANT: "初级",
    Level.INTERMEDIATE: "中级",
    Level.DEPUTY_SENIOR: "高级",
    Level.SENIOR: "高级",
}

BANDS = ("初级", "中级", "高级")

_ART_NAMES = (
    "编剧",
    "文学编辑",
    "导演",
    "作曲",
    "指挥",
    "舞美设计师",
    "舞台技师",
    "舞台监督",
    "演员",
    "演奏员",
)
_HEALTH = ("医师", "中医师", "药师", "中药师", "护师", "技师")

LEVEL_OF_TITLE: dict[str, Level] = {
    # 工程 (rows 1, 3, 4, 5, 6, 15, 16)
    "助理工程师": Level.ASSISTANT,
    "工程师": Level.INTERMEDIATE,
    "高级工程师": Level.DEPUTY_SENIOR,
    "正高级工程师": Level.SENIOR,
    # 工艺美术 (row 2)
    "工艺美术员": Level.YUAN,
    "助理工艺美术师": Level.ASSISTANT,
    # 农业 (row 6)
    "助理农艺师": Level.ASSISTANT,
    "助理畜牧师": Level.ASSISTANT,
    "助理兽医师": Level.ASSISTANT,
    "农艺师": Level.INTERMEDIATE,
    "畜牧师": Level.INTERMEDIATE,
    "兽医师": Level.INTERMEDIATE,
    "高级农艺师": Level.DEPUTY_SENIOR,
    "高级畜牧师": Level.DEPUTY_SENIOR,
    "高级兽医师": Level.DEPUTY_SENIOR,
    "推广研究员": Level.SENIOR,
    # 新闻 (row 7)
    "助理记者": Level.ASSISTANT,
    "助理编辑": Level.ASSISTANT,
    "记者": Level.INTERMEDIATE,
    "编辑": Level.INTERMEDIATE,
    "主任记者": Level.DEPUTY_SENIOR,
    "主任编辑": Level.DEPUTY_SENIOR,
    # 政工 (row 8)
    "助理政工师": Level.ASSISTANT,
    "政工师": Level.INTERMEDIATE,
    "高级政工师": Level.DEPUTY_SENIOR,
    # 党校教师 (row 9) and 中职教师 (row 18)
    "助教": Level.ASSISTANT,
    "讲师": Level.INTERMEDIATE,
    "高级讲师": Level.DEPUTY_SENIOR,
    "副教授": Level.DEPUTY_SENIOR,
    "正高级讲师": Level.SENIOR,
    "教授": Level.SENIOR,
    "高级实习指导教师": Level.DEPUTY_SENIOR,
    # 群文, 文博, 图书资料, 档案 (rows 10-12, 23)
    "助理馆员": Level.ASSISTANT,
    "馆员": Level.INTERMEDIATE,
    "副研究馆员": Level.DEPUTY_SENIOR,
    "研究馆员": Level.SENIOR,
    # 律师, 公证员 (row 14)
    "四级律师": Level.ASSISTANT,
    "四级公证员": Level.ASSISTANT,
    "三级律师": Level.INTERMEDIATE,
    "三级公证员": Level.INTERMEDIATE,
    "二级律师": Level.DEPUTY_SENIOR,
    "二级公证员": Level.DEPUTY_SENIOR,
    "一级律师": Level.SENIOR,
    "一级公证员": Level.SENIOR,
    # 中小学 (rows 17, 19)
    "高级教师": Level.DEPUTY_SENIOR,
    "高级实验师": Level.DEPUTY_SENIOR,
    "副研究员": Level.DEPUTY_SENIOR,
    "助理研究员": Level.INTERMEDIATE,
    "实验师": Level.INTERMEDIATE,
    # 经济, 会计, 统计, 审计 (rows 21-25)
    "高级经济师": Level.DEPUTY_SENIOR,
    "正高级经济师": Level.SENIOR,
    "高级会计师": Level.DEPUTY_SENIOR,
    "高级统计师": Level.DEPUTY_SENIOR,
    "高级审计师": Level.DEPUTY_SENIOR,
}
# Titles applicants hold as 现职称 that the 2021 plan does not evaluate (national title system).
LEVEL_OF_TITLE.update(
    {
        "技术员": Level.YUAN,
        "工艺美术师": Level.INTERMEDIATE,
        "高级工艺美术师": Level.DEPUTY_SENIOR,
        "正高级工艺美术师": Level.SENIOR,
        "农业技术员": Level.YUAN,
        "畜牧技术员": Level.YUAN,
        "兽医技术员": Level.YUAN,
        "管理员": Level.YUAN,
        "三级教师": Level.YUAN,
        "二级教师": Level.ASSISTANT,
        "一级教师": Level.INTERMEDIATE,
        "正高级教师": Level.SENIOR,
        "助理讲师": Level.ASSISTANT,
        "三级实习指导教师": Level.YUAN,
        "二级实习指导教师": Level.ASSISTANT,
        "一级实习指导教师": Level.INTERMEDIATE,
        "实验员": Level.YUAN,
        "助理实验师": Level.ASSISTANT,
        "研究实习员": Level.ASSISTANT,
        "研究员": Level.SENIOR,
        "医士": Level.YUAN,
        "护士": Level.YUAN,
        "药士": Level.YUAN,
        "技士": Level.YUAN,
        "医师": Level.ASSISTANT,
        "中医师": Level.ASSISTANT,
        "护师": Level.ASSISTANT,
        "药师": Level.ASSISTANT,
        "中药师": Level.ASSISTANT,
        "技师": Level.ASSISTANT,
        "主治医师": Level.INTERMEDIATE,
        "主治中医师": Level.INTERMEDIATE,
        "主管护师": Level.INTERMEDIATE,
        "主管药师": Level.INTERMEDIATE,
        "主管中药师": Level.INTERMEDIATE,
        "主管技师": Level.INTERMEDIATE,
        "经济员": Level.YUAN,
        "助理经济师": Level.ASSISTANT,
        "经济师": Level.INTERMEDIATE,
        "会计员": Level.YUAN,
        "助理会计师": Level.ASSISTANT,
        "会计师": Level.INTERMEDIATE,
        "统计员": Level.YUAN,
        "助理统计师": Level.ASSISTANT,
        "统计师": Level.INTERMEDIATE,
        "审计员": Level.YUAN,
        "助理审计师": Level.ASSISTANT,
        "审计师": Level.INTERMEDIATE,
    }
)
for _name in _ART_NAMES:  # 艺术 (row 13): 四级 助理级, 三级 中级, 二级 副高级, 一级 正高级
    LEVEL_OF_TITLE["四级" + _name] = Level.ASSISTANT
    LEVEL_OF_TITLE["三级" + _name] = Level.INTERMEDIATE
    LEVEL_OF_TITLE["二级" + _name] = Level.DEPUTY_SENIOR
    LEVEL_OF_TITLE["一级" + _name] = Level.SENIOR
for _name in _HEALTH:  # 卫生技术 (row 20)
    LEVEL_OF_TITLE["副主任" + _name] = Level.DEPUTY_SENIOR
    LEVEL_OF_TITLE["主任" + _name] = Level.SENIOR


def level_of(title: str) -> Level | None:
    """Returns the level of ``title``, or None when the title is not in the table."""
    return LEVEL_OF_TITLE.get(title)
