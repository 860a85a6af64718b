import pytest
from sqlmodel import func, select

from qzzc.errors import ConfigError, UnknownCommittee
from qzzc.resources import data_file
from qzzc.services.plan import init_store, list_committees, show_committee
from qzzc.store.models import AuditEntry, CommitteeRecord


def count(ctx, model):
    with ctx.store.reading() as session:
        return session.exec(select(func.count()).select_from(model)).one()


def test_init_loads_25_committees_and_one_audit_entry(ctx):
    result = init_store(ctx)
    assert (result.year, result.created, result.committees_added) == (2021, True, 25)
    assert count(ctx, CommitteeRecord) == 25
    assert count(ctx, AuditEntry) == 1


def test_second_init_changes_nothing(initialised):
    result = init_store(initialised)
    assert result.changed is False
    assert count(initialised, AuditEntry) == 1


def test_init_with_a_changed_plan_updates_that_committee(initialised, tmp_path):
    text = (
        data_file("plan2021.csv").read_text(encoding="utf-8").replace("市住建局 8766613", "市住建局 8766600")
    )
    plan = tmp_path / "plan.csv"
    plan.write_text(text, encoding="utf-8-sig")
    result = init_store(initialised, plan=plan)
    assert (result.committees_added, result.committees_changed) == (0, 1)
    assert show_committee(initialised, 3).contact_phone == "8766600"
    assert count(initialised, AuditEntry) == 2


def test_bad_rules_file_is_refused_with_the_key(ctx, tmp_path):
    rules = tmp_path / "rules.toml"
    rules.write_text('year = "二〇二一"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        init_store(ctx, rules=rules)
    assert caught.value.message == "rules.toml：键 year 应为年份整数（如 2021），现为 '二〇二一'"


def test_show_unknown_committee(initialised):
    with pytest.raises(UnknownCommittee) as caught:
        show_committee(initialised, 99)
    assert caught.value.message == "没有序号为 99 的评委会（本年度计划共 25 个评委会，序号 1–25）。"


def test_list_committees_round_trips(initialised):
    committees = list_committees(initialised)
    assert [committee.seq for committee in committees] == list(range(1, 26))
    assert committees[10].contact_unit == "市文旅局"


def test_a_plan_the_csv_module_cannot_read_is_refused_with_its_line():
    from qzzc.errors import ConfigError
    from qzzc.services.plan import read_plan

    header = "序号,中评委名称,所评职务任职资格名称,所评专业,申报对象范围,中评委预计评审时间,中评委预计接收材料截止时间,材料接收单位及电话\n"
    data = (header + "1," + "x" * 200_000 + ",,,,,,\n").encode()
    with pytest.raises(ConfigError) as caught:
        read_plan(data, "计划.csv")
    assert caught.value.message == "计划.csv 第 2 行无法按 CSV 读取（引号不成对，或单元格过长）"


def test_a_hidden_character_in_the_plan_is_refused_with_its_row_and_column():
    from qzzc.errors import ConfigError
    from qzzc.resources import data_file
    from qzzc.services.plan import read_plan

    text = (
        data_file("plan2021.csv")
        .read_text(encoding="utf-8-sig")
        .replace("市经信局 8761722", "市经信局\u202e 8761722")
    )
    with pytest.raises(ConfigError) as caught:
        read_plan(text.encode(), "plan.csv")
    assert caught.value.message == (
        "plan.csv 第 3 行「材料接收单位及电话」含有改变文字显示方向的不可见字符（U+202E），请删除后重新导入"
    )


def test_a_lone_carriage_return_ends_a_row():
    from qzzc.resources import data_file
    from qzzc.services.plan import read_plan

    text = data_file("plan2021.csv").read_text(encoding="utf-8-sig").replace("\n", "\r")
    assert len(read_plan(text.encode(), "plan.csv")) == 25


def test_two_first_inits_at_once_give_a_message(ctx, monkeypatch):
    """PostgreSQL: the second of two first inits finds the first's rows (tried by hand with four
    processes on a fresh schema: one created the store, three got this message)."""
    from sqlalchemy.exc import IntegrityError

    import qzzc.services.plan as plan
    from qzzc.errors import StoreError

    def racing(*_args, **_kwargs):
        raise IntegrityError("INSERT INTO meta …", {}, Exception("duplicate key"))

    monkeypatch.setattr(plan, "_init", racing)
    with pytest.raises(StoreError) as caught:
        plan.init_store(ctx)
    assert caught.value.message == "另一处正在同时初始化这个数据库。请稍后重新运行 qzzc init。"
