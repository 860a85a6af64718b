"""The forms units and offices fill in: their columns, aliases, choices and parsers (SPEC §4, §6, §7).

A form is a tuple of ``Column``. The reader matches headers to columns; the template writer
writes the headers, an example row and drop-down lists from the same definition, so the two can
never disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from qzzc.core.cells import (
    enum_parser,
    parse_date,
    parse_int,
    parse_number,
    parse_phone,
    parse_yes_no,
    text_parser,
)
from qzzc.core.ids import parse_id_number
from qzzc.core.privacy import mask_id, mask_phone
from qzzc.core.regions import OUTSIDE, QUZHOU_REGIONS


@dataclass(frozen=True)
class Column:
    """An expected column: its key in the parsed values, its header and aliases, whether a
    value is required, how to parse a non-blank cell (as text when None), the choices of an
    enumerated column (for the template's drop-down), how to mask the value in messages, and an
    example value for the template."""

    key: str
    header: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    parse: Callable[[object], object] | None = None
    choices: tuple[str, ...] = ()
    sensitive: Callable[[str], str] | None = None
    example: object = None
    text_format: bool = False  # written as a text column in templates (ID and phone numbers)


def choice(
    key: str,
    header: str,
    choices: tuple[str, ...],
    *,
    aliases=(),
    required=False,
    example=None,
    synonyms=None,
) -> Column:
    return Column(
        key,
        header,
        tuple(aliases),
        required,
        enum_parser(choices, synonyms),
        choices,
        example=example if example is not None else choices[0],
    )


YES_NO = ("是", "否")
HAVE = ("有", "无")
_TEXT = text_parser(200)
_NAME = text_parser(50)

ID_COLUMN = Column(
    "id_number", "身份证号", ("身份证号码", "公民身份号码", "身份证"), True, lambda value: parse_id_number(value),
    sensitive=mask_id, example="330802199507152315", text_format=True,
)  # fmt: skip
PHONE_COLUMN = Column(
    "phone", "联系电话", ("手机", "手机号码", "电话"), False, parse_phone,
    sensitive=mask_phone, example="13800001234", text_format=True,
)  # fmt: skip

UNIT_TYPES = ("机关", "事业单位", "企业", "社会组织", "其他")
AFFILIATIONS = ("市属", "县（市、区）属", "省部属", "市外")
REGIONS = (*QUZHOU_REGIONS, OUTSIDE)
APPLICATION_TYPES = ("正常申报", "初定", "破格", "越级", "转评", "直通车")
# Highest first: the bundled rules file's education.order reversed (tests/store/test_fields.py).
EDUCATIONS = ("研究生", "本科", "大专", "中专", "高中及以下")
EDUCATION_SYNONYMS = {
    "硕士研究生": "研究生",
    "博士研究生": "研究生",
    "大学本科": "本科",
    "大学专科": "大专",
    "专科": "大专",
}
DEGREES = ("博士", "硕士", "学士", "无")
ASSESSMENTS = ("优秀", "合格", "基本合格", "不合格")


def _region_column(regions: tuple[str, ...]) -> Column:
    return choice("region", "所在地区", regions, aliases=("地区",))


def _education_column(educations: tuple[str, ...]) -> Column:
    synonyms = {word: target for word, target in EDUCATION_SYNONYMS.items() if target in educations}
    example = "本科" if "本科" in educations else educations[0]
    return choice("education", "学历", educations, required=True, example=example, synonyms=synonyms)


APPLICANT_FORM: tuple[Column, ...] = (
    Column("name", "姓名", (), True, _NAME, example="张三"),
    ID_COLUMN,
    Column("unit", "工作单位", ("单位名称", "申报单位"), True, _TEXT, example="衢州市建筑设计院"),
    choice("unit_type", "单位性质", UNIT_TYPES, example="事业单位"),
    choice("unit_affiliation", "单位隶属", AFFILIATIONS, synonyms={"县市区属": "县（市、区）属", "县属": "县（市、区）属"}),
    _region_column(REGIONS),
    Column("specialty", "申报专业", ("专业",), True, _TEXT, example="建筑设计"),
    Column("title", "申报资格", ("申报职称", "申报资格名称"), True, _TEXT, example="工程师"),
    choice("application_type", "申报类型", APPLICATION_TYPES, aliases=("申报方式",)),
    _education_column(EDUCATIONS),
    choice("degree", "学位", DEGREES, example="学士"),
    Column("years_of_work", "从事专业技术工作年限", ("专业技术工作年限", "工作年限"), True, parse_int, example=6),
    Column("current_title", "现职称", ("现有职称",), False, _TEXT, example="助理工程师"),
    Column("current_title_date", "现职称取得时间", ("现职称取得日期",), False, parse_date, example="2016-12-30"),
    Column("public_hours", "公需科目学时", ("公需学时",), True, parse_number, example=60),
    Column("professional_hours", "专业科目学时", ("专业学时",), True, parse_number, example=120),
    Column("social_insurance_unit", "社保缴纳单位", (), False, _TEXT, example="衢州市建筑设计院"),
    Column("archive_unit", "人事档案所在单位", ("档案所在单位",), False, _TEXT, example="衢州市建筑设计院"),
    Column("contract_unit", "劳动合同单位", (), False, _TEXT, example="衢州市建筑设计院"),
    Column("dispatched", "派驻市外", (), False, parse_yes_no, YES_NO, example="否"),
    Column("dispatch_approved", "人事关系单位核准", (), False, parse_yes_no, YES_NO, example="否"),
    Column("entrust_letter", "委托评审函", (), False, parse_yes_no, HAVE, example="无"),
    Column("post_ratio_confirmed", "岗位结构比例内", ("岗位结构比例", "在岗位结构比例内"), False, parse_yes_no, YES_NO, example="是"),
    Column("vocational_qualification", "职业资格或技能等级", ("职业资格", "技能等级"), False, _TEXT),
    Column("publicity_start", "单位公示开始日期", ("公示开始日期",), False, parse_date, example="2021-09-28"),
    Column("publicity_end", "单位公示结束日期", ("公示结束日期",), False, parse_date, example="2021-10-09"),
    choice("assessment", "年度考核", ASSESSMENTS, aliases=("年度考核结果",), example="合格"),
    Column("fraud", "学术造假", (), False, parse_yes_no, YES_NO, example="否"),
    PHONE_COLUMN,
)  # fmt: skip


def applicant_form(
    regions: Sequence[str], outside: str, education_order: Sequence[str]
) -> tuple[Column, ...]:
    """The applicant form with the 所在地区 and 学历 choices of a year's rules file
    (``YearRules.regions``, ``.outside``, ``.education_order`` lowest first): ``APPLICANT_FORM``
    itself for the bundled file's, so a new city needs only its rules file."""
    regions = (*regions, outside)
    educations = tuple(reversed(education_order))
    if regions == REGIONS and educations == EDUCATIONS:
        return APPLICANT_FORM
    own = {"region": _region_column(regions), "education": _education_column(educations)}
    return tuple(own.get(column.key, column) for column in APPLICANT_FORM)
