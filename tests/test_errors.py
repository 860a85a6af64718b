from qzzc.errors import BadInput, CellError, ExitCode, QzzcError, UsageError


def test_bad_input_lists_every_error_up_to_200():
    errors = [CellError("表", row, "姓名", "", "必填项为空") for row in range(2, 252)]
    message = BadInput(errors, summary="a.xlsx 有误").message.splitlines()
    assert message[0] == "a.xlsx 有误，共 250 处，未写入任何数据："
    assert message[1] == "  表 第 2 行「姓名」：必填项为空"
    assert len(message) == 1 + 200 + 1
    assert message[-1] == "  ……另有 50 处未列出；加 --json 可得到全部错误"


def test_exit_codes():
    assert (QzzcError("x").exit_code, UsageError("x").exit_code) == (ExitCode.REFUSED, ExitCode.USAGE)
    assert [int(code) for code in ExitCode] == [0, 1, 2, 130]
