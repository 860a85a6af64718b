"""A bad rules file is refused with the key and the reason (``qzzc init --rules``)."""

from __future__ import annotations

import pytest

from qzzc.core.rules import draw_min_sizes, thresholds_from
from qzzc.core.ruleset import parse_rules
from qzzc.errors import ConfigError
from qzzc.resources import data_file

TEXT = data_file("rules2021.toml").read_text(encoding="utf-8")


def test_the_bundled_file_loads():
    rules = parse_rules(TEXT, "rules2021.toml")
    thresholds = thresholds_from(rules.data)
    assert (thresholds.public_hours, thresholds.public_hours_degree_junior, thresholds.publicity_days) == (
        54,
        18,
        5,
    )
    assert [
        (row.education, sorted(row.degrees), row.years, row.level.value) for row in thresholds.initial_table
    ] == [
        ("中专", [], 1, "员级"),
        ("大专", [], 3, "助理级"),
        ("本科", [], 1, "助理级"),
        ("研究生", ["博士", "硕士"], 3, "中级"),
        (None, ["博士"], 0, "中级"),
    ]
    assert thresholds.exam_series == {
        "经济",
        "会计",
        "审计",
        "统计",
        "出版",
        "翻译",
        "档案",
        "卫生技术",
        "药学",
        "医疗器械",
        "计算机软考",
    }
    assert (thresholds.professional, thresholds.senior) == ({}, {})
    assert draw_min_sizes(rules.data) == {"初级": 7, "中级": 9, "高级": 11}


BAD = [
    ("public_hours = 54", "public_hours = -1", "键 cpd.public_hours 应为 0 至 10000 之间的数，现为 -1"),
    ("public_hours = 54", 'public_hours = "54"', "键 cpd.public_hours 应为 0 至 10000 之间的数，现为 '54'"),
    ("working_days = 5", "working_days = 0", "键 publicity.working_days 应为 1 至 30 之间的整数，现为 0"),
    ("working_days = 5", "", "缺少键 publicity.working_days"),
    (
        'bands = ["初级", "中级"]',
        'bands = ["初级", "副高"]',
        "键 cpd.bands 应为初级、中级、高级 之一，现为 '副高'",
    ),
    (
        'degree_education = "本科"',
        'degree_education = "大学"',
        "键 cpd.degree_education 应为高中及以下、中专、大专、本科、研究生 之一，现为 '大学'",
    ),
    (
        "[cpd.professional]",
        '[cpd.professional]\n"三" = 60',
        '键 cpd.professional.三 应以评委会序号为键（如 "3"）',
    ),
    (
        "[cpd.professional]",
        '[cpd.professional]\n"3" = { "高级" = 60 }',
        "键 cpd.professional.3 的键 应为初级、中级 之一，现为 '高级'",
    ),
    (
        "[cpd.senior]",
        '[cpd.senior]\n"3" = 90',
        "键 cpd.senior.3 应为{ public = 学时, professional = 学时 }，现为 90",
    ),
    (
        'level = "员级"',
        'level = "初级"',
        "键 initial.table 第 1 行 的 level 应为员级、助理级、中级、副高级、正高级 之一，现为 '初级'",
    ),
    (
        'education = "中专"',
        'education = "技校"',
        "键 initial.table 第 1 行 的 education 应为高中及以下、中专、大专、本科、研究生 之一，现为 '技校'",
    ),
    (
        'education = "中专"\nyears = 1',
        "years = 1",
        "键 initial.table 第 1 行 须有 education（学历）或 degrees（学位）",
    ),
    ('"中级" = 9\n', '"中级" = 8\n', "键 draw.min_size.中级 应为奇数（执行委员会人数须为单数），现为 8"),
    ('"中级" = 9\n', "", "缺少键 draw.min_size.中级"),
    (
        '"高级" = 11',
        '"高级" = 11\n"正高级" = 13',
        "键 draw.min_size 的键 应为初级、中级、高级 之一，现为 '正高级'",
    ),
    (
        '"9" = ["中共衢州市委党校", "衢州市委党校", "市委党校"]',
        '"9" = []',
        "键 scope.own_units.9 应为非空的文字列表，现为 []",
    ),
    (
        'failing = ["不合格"]',
        'failing = "不合格"',
        '键 assessment.failing 应为文字列表（["…", "…"]），现为 \'不合格\'',
    ),
    (
        "[cpd]",
        "[cdp]",
        "不认识的键 cdp（可用的键：year、source、publicity、education、cpd、initial、series、scope、"
        "affiliation、assessment、draw、title、direct）；请检查拼写",
    ),
    (
        "[draw]",
        "[draws]",
        "不认识的键 draws（可用的键：year、source、publicity、education、cpd、initial、series、scope、"
        "affiliation、assessment、draw、title、direct）；请检查拼写",
    ),
]


# Absurd figures (SPEC §5 amendment): not finite, or outside the bound the check states.
BAD += [
    ("public_hours = 54", "public_hours = nan", "键 cpd.public_hours 应为 0 至 10000 之间的数，现为 nan"),
    ("public_hours = 54", "public_hours = inf", "键 cpd.public_hours 应为 0 至 10000 之间的数，现为 inf"),
    ("public_hours = 54", "public_hours = 10001", "键 cpd.public_hours 应为 0 至 10000 之间的数，现为 10001"),
    (
        "hours_per_year = 90",
        "hours_per_year = -inf",
        "键 initial.hours_per_year 应为 0 至 10000 之间的数，现为 -inf",
    ),
    (
        "working_days = 5",
        "working_days = 100000000000",
        "键 publicity.working_days 应为 1 至 30 之间的整数，现为 100000000000",
    ),
    ("working_days = 5", "working_days = 31", "键 publicity.working_days 应为 1 至 30 之间的整数，现为 31"),
    ('"高级" = 11', '"高级" = 53', "键 draw.min_size.高级 应为 3 至 51 之间的整数，现为 53"),
    (
        "years_until = 2021-12-31",
        'years_until = "年底"',
        "键 title.years_until 应为日期（如 2021-12-31，不加引号），现为 '年底'",
    ),
    (
        'level = "正高级"\neducation = "本科"\nyears = 5',
        'level = "正高级"\neducation = "本科"\nyears = 51',
        "键 title.years 第 7 行 的 years 应为 0 至 50 之间的整数，现为 51",
    ),
]


def test_bounds_at_their_edges_are_accepted():
    text = TEXT.replace("working_days = 5", "working_days = 30").replace(
        "public_hours = 54", "public_hours = 10000"
    )
    rules = parse_rules(text.replace('"高级" = 11', '"高级" = 51'), "edge.toml")
    assert rules.data["publicity"]["working_days"] == 30


@pytest.mark.parametrize(("old", "new", "message"), BAD, ids=[case[2] for case in BAD])
def test_bad_file_names_the_key_and_reason(old, new, message):
    assert old in TEXT
    with pytest.raises(ConfigError) as caught:
        parse_rules(TEXT.replace(old, new, 1), "bad.toml")
    assert caught.value.message == f"bad.toml：{message}"


def test_init_refuses_a_bad_rules_file(cli, tmp_path):
    bad = tmp_path / "rules.toml"
    bad.write_text(TEXT.replace("public_hours = 54", "public_hours = -1"), encoding="utf-8")
    result = cli("init", "--rules", str(bad))
    assert result.exit_code == 1
    assert result.stderr == "错误：rules.toml：键 cpd.public_hours 应为 0 至 10000 之间的数，现为 -1\n"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "[cpd.professional]\n",
            '[cpd.professional]\n"99" = 60\n',
            "键 cpd.professional.99 不是本年度计划中的评委会（序号 1–25）",
        ),
        (
            "years_until = 2021-12-31",
            "years_until = 2031-12-31",
            "键 title.years_until 应为 2021 年内的日期，现为 '2031-12-31'",
        ),
        (
            'series = ["工程"]\nsource = "人社部发〔2019〕16号：具备博士学位"',
            'series = ["不存在"]\nsource = "人社部发〔2019〕16号：具备博士学位"',
            "键 title.years 第 2 行 的 series 中「不存在」不是任何评委会或专业的职称系列（见 [series.committees]）",
        ),
        (
            '"翻译" = "翻译"\n',
            '"翻译" = "翻译"\n"建筑设计" = "会计"\n',
            "键 series.specialties 把第 3 号评委会的专业「建筑设计」归入会计系列，而该评委会为工程系列",
        ),
    ],
)
def test_init_refuses_a_rules_file_that_does_not_fit_the_plan(cli, tmp_path, old, new, message):
    assert old in TEXT
    bad = tmp_path / "rules.toml"
    bad.write_text(TEXT.replace(old, new, 1), encoding="utf-8")
    result = cli("init", "--rules", str(bad))
    assert (result.exit_code, result.stderr) == (1, f"错误：rules.toml：{message}\n")
