from qzzc.errors import BadInput, CellError, ExitCode, QzzcError, UsageError


def test_bad_input_lists_1000_errors_then_the_count_of_the_rest():
    errors = [CellError("表", row, "姓名", "", "必填项为空") for row in range(2, 1052)]
    message = BadInput(errors, summary="a.xlsx 有误").message.splitlines()
    assert message[0] == "a.xlsx 有误，共 1050 处，未写入任何数据："
    assert message[1] == "  表 第 2 行「姓名」：必填项为空"
    assert len(message) == 1 + 1000 + 1
    assert message[-1] == "  ……另有 50 处错误未列出；请先改正以上各处，再导入"


def test_bad_input_counts_errors_it_was_not_given():
    errors = [CellError("表", 2, "姓名", "", "必填项为空")]
    message = BadInput(errors, summary="a.xlsx 有误", total=4000).message.splitlines()
    assert message == [
        "a.xlsx 有误，共 4000 处，未写入任何数据：",
        "  表 第 2 行「姓名」：必填项为空",
        "  ……另有 3999 处错误未列出；请先改正以上各处，再导入",
    ]


def test_exit_codes():
    assert (QzzcError("x").exit_code, UsageError("x").exit_code) == (ExitCode.REFUSED, ExitCode.USAGE)
    assert [int(code) for code in ExitCode] == [0, 1, 2, 130]
