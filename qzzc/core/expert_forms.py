"""The expert pool form (专家库) and the conflicts list (回避名单) of SPEC §6, as ``Column`` tuples
for the shared reader."""

from __future__ import annotations

from qzzc.core.cells import CellInvalid, enum_parser, parse_text, text_parser
from qzzc.core.forms import ID_COLUMN, PHONE_COLUMN, Column, choice
from qzzc.core.ids import parse_id_number
from qzzc.core.privacy import mask_id
from qzzc.core.regions import OUTSIDE, QUZHOU_REGIONS
from qzzc.core.text import split_top_level, squeeze

STATUSES = ("在库", "暂停")
TITLE_LEVELS = ("副高级", "正高级")
REGIONS = (*QUZHOU_REGIONS, OUTSIDE)
_TEXT = text_parser(200)
_NAME = text_parser(50)


def parse_list(value: object) -> tuple[str, ...]:
    """Several values split on 、 , ， (outside brackets); order kept, duplicates dropped."""
    items = [item for item in split_top_level(parse_text(value), "、,，;；") if item]
    if not items:
        raise CellInvalid("为空")
    return tuple(dict.fromkeys(items))


def parse_seqs(value: object) -> tuple[int, ...]:
    """Committee numbers (序号), several split on 、 , ，: ``3、4`` → (3, 4)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer() and value > 0:
            return (int(value),)
        raise CellInvalid("应为评委会序号（正整数）")
    seqs = []
    for item in split_top_level(parse_text(value), "、,，;；"):
        item = squeeze(item).removeprefix("第").removesuffix("号")
        if not item.isdigit() or int(item) < 1:
            raise CellInvalid(f"「{item}」不是评委会序号（正整数）")
        seqs.append(int(item))
    return tuple(dict.fromkeys(seqs))


EXPERT_FORM: tuple[Column, ...] = (
    Column("name", "姓名", (), True, _NAME, example="李四"),
    ID_COLUMN,
    Column("unit", "工作单位", ("单位名称",), True, _TEXT, example="衢州市住房和城乡建设局"),
    choice("region", "所在地区", REGIONS, aliases=("地区",)),
    Column("specialties", "专业", ("专业名称", "所评专业"), True, parse_list, example="建筑设计、给排水"),
    Column("title", "职称", ("专业技术职称", "现职称"), True, _TEXT, example="高级工程师"),
    choice("title_level", "职称级别", TITLE_LEVELS, required=True, synonyms={"副高": "副高级", "正高": "正高级"}),
    PHONE_COLUMN,
    Column("status", "状态", ("专家状态",), False, enum_parser(STATUSES), STATUSES, example="在库"),
    Column("committees", "所属评委会", ("评委会序号", "所属评委会序号"), False, parse_seqs, example="3"),
)  # fmt: skip


def _id_text(value: object) -> str:
    return parse_id_number(value).number


CONFLICT_FORM: tuple[Column, ...] = (
    Column("expert", "专家身份证号", ("专家身份证号码",), True, _id_text, sensitive=mask_id, text_format=True),
    Column("applicant", "申报人身份证号", ("申报人身份证号码",), True, _id_text, sensitive=mask_id, text_format=True),
    Column("reason", "原因", ("回避原因",), False, _TEXT),
)  # fmt: skip
