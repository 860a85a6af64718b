"""Office templates are hostile input (SPEC §14): a sandbox, their context only, files beside them
only, every file they read hashed into the audit entry; Markdown output escapes data."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from helpers import run_cli

from qzzc.errors import QzzcError
from qzzc.services.audit import count_entries, list_entries

START = dt.date(2021, 9, 28)
SECURITY = "模板 own.md.j2 被拒绝：它试图访问公告字段以外的内容（{}）。模板只能使用公告提供的字段。"
UNDEFINED = "模板 own.md.j2 使用了不存在的字段：{}（模板只能使用公告提供的字段）"
BESIDE = (
    "模板 own.md.j2 被拒绝：模板不能引用「{}」：只能引用与模板在同一文件夹中的文件"
    "（写文件名，不能写绝对路径、子文件夹或 ..）。"
)

# (payload, message): the classic server-side template injections, each refused.
PAYLOADS = [
    ("{{ cycler.__init__.__globals__.os.popen('id').read() }}", UNDEFINED.format("cycler")),
    ("{{ joiner.__init__.__globals__ }}", UNDEFINED.format("joiner")),
    ("{{ namespace.__init__.__globals__ }}", UNDEFINED.format("namespace")),
    ("{{ lipsum.__globals__['os'].popen('id').read() }}", UNDEFINED.format("lipsum")),
    ("{{ range.__init__ }}", UNDEFINED.format("range")),
    ("{{ dict(a=1) }}", UNDEFINED.format("dict")),
    ("{{ config.items() }}", UNDEFINED.format("config")),
    ("{{ request.application.__globals__ }}", UNDEFINED.format("request")),
    (
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        SECURITY.format("access to attribute '__class__' of 'str' object is unsafe."),
    ),
    (
        "{{ self.__init__.__globals__ }}",
        SECURITY.format("access to attribute '__init__' of 'TemplateReference' object is unsafe."),
    ),
    (
        "{{ office.__class__.__init__.__globals__ }}",
        SECURITY.format("access to attribute '__class__' of 'Office' object is unsafe."),
    ),
    (
        "{{ office.__dataclass_fields__ }}",
        SECURITY.format("access to attribute '__dataclass_fields__' of 'Office' object is unsafe."),
    ),
    (
        "{{ office._private }}",
        "模板 own.md.j2 使用了不存在的字段：'qzzc.core.notices.Office object' has no attribute '_private'",
    ),
    (
        "{{ office | attr('__class__') }}",
        SECURITY.format("access to attribute '__class__' of 'Office' object is unsafe."),
    ),
    (
        "{{ '{0.__class__}'.format(office) }}",
        SECURITY.format("access to attribute '__class__' of 'Office' object is unsafe."),
    ),
    (
        "{{ applicants | map(attribute='__class__') | list }}",
        SECURITY.format("access to attribute '__class__' of 'ListedApplicant' object is unsafe."),
    ),
    ("{% include '/etc/passwd' %}", BESIDE.format("/etc/passwd")),
    ("{% include '../x.md.j2' %}", BESIDE.format("../x.md.j2")),
    ("{% include '..' %}", BESIDE.format("..")),
    ("{% include 'sub/part.md.j2' %}", BESIDE.format("sub/part.md.j2")),
    ("{% include '..\\\\x' %}", BESIDE.format("..\\x")),
    ("{% extends '/etc/passwd' %}", BESIDE.format("/etc/passwd")),
    ("{% import '../../qzzc.db' as store %}", BESIDE.format("../../qzzc.db")),
    ("{% from '/etc/shadow' import x %}", BESIDE.format("/etc/shadow")),
    ("{{ 'x' * 10 ** 9 }}", "模板 own.md.j2 被拒绝：模板中重复生成的文字或列表过长。"),
    ("{{ 9 ** 999999 }}", "模板 own.md.j2 被拒绝：模板中的乘方结果过大。"),
    ("{% include 'own.md.j2' %}", "模板 own.md.j2 有误：引用嵌套过深（是否引用了自身？）"),
    ("{{ 1 / 0 }}", "模板 own.md.j2 运行出错：ZeroDivisionError: division by zero"),
    ("{{ office.year + '年' }}", "模板 own.md.j2 运行出错：TypeError: unsupported operand type(s) for +: 'int' and 'str'"),
]  # fmt: skip


def _notice(ctx, tmp_path, source: str | bytes, out_name: str = "公示.md"):
    from qzzc.services.notices import render_notice

    folder = tmp_path / "office"
    folder.mkdir(exist_ok=True)
    own = folder / "own.md.j2"
    if isinstance(source, str):
        own.write_text(source, encoding="utf-8")
    else:
        own.write_bytes(source)
    out = folder / out_name
    render_notice(ctx, "pre-review", out, committee=3, start=START, template=own)
    return out


@pytest.mark.parametrize(("payload", "message"), PAYLOADS, ids=[payload for payload, _ in PAYLOADS])
def test_a_hostile_template_is_refused_and_writes_nothing(documents, tmp_path, payload, message):
    ctx, _ = documents
    (tmp_path / "office" / "sub").mkdir(parents=True)
    (tmp_path / "office" / "sub" / "part.md.j2").write_text("x", encoding="utf-8")
    before = count_entries(ctx)
    with pytest.raises(QzzcError) as caught:
        _notice(ctx, tmp_path, f"公示\n{payload}\n")
    assert caught.value.message == message
    assert caught.value.exit_code == 1
    assert sorted(path.name for path in (tmp_path / "office").iterdir()) == ["own.md.j2", "sub"]
    assert count_entries(ctx) == before


def test_the_popen_payload_is_refused_from_the_command_line(documents, tmp_path):
    ctx, _ = documents
    ctx.store.dispose()
    own = tmp_path / "own.md.j2"
    pwned = tmp_path / "pwned"
    own.write_text(
        f"{{{{ cycler.__init__.__globals__.os.popen('touch {pwned}').read() }}}}\n", encoding="utf-8"
    )
    out = tmp_path / "公示.md"
    db = str(tmp_path / "qzzc.db")
    args = [
        "notice",
        "pre-review",
        "-c",
        "3",
        "--start",
        "2021-09-28",
        "-o",
        str(out),
        "--template",
        str(own),
    ]
    result = run_cli("--db", db, *args)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f"错误：{UNDEFINED.format('cycler')}\n"
    assert not out.exists()
    assert not pwned.exists()
    assert run_cli("--db", db, "audit", "verify").exit_code == 0


def test_the_sandbox_blocks_the_globals_even_if_a_template_had_them(tmp_path):
    """Proof beyond their removal: the same payloads through Jinja's globals hit the sandbox."""
    from jinja2.exceptions import SecurityError

    from qzzc.notices.render import environment

    env = environment(html=False)
    env.globals.update({"cycler": __import__("jinja2.utils").utils.Cycler, "lipsum": hashlib.sha256})
    for payload in ("{{ cycler.__init__.__globals__ }}", "{{ lipsum.__self__ }}", "{{ cycler.__mro__ }}"):
        with pytest.raises(SecurityError):
            env.from_string(payload).render()


def test_a_template_with_an_include_beside_it_renders_and_both_are_hashed(documents, tmp_path):
    ctx, _ = documents
    part = tmp_path / "office" / "part.md.j2"
    part.parent.mkdir()
    part.write_text("公示期：{{ period.text }}\n", encoding="utf-8")
    source = "{% include 'part.md.j2' %}{% for a in applicants %}{{ a.number }}. {{ a.name }}\n{% endfor %}"
    out = _notice(ctx, tmp_path, source)
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "公示期：2021年9月28日至2021年10月9日"
    assert len(lines) == 4
    entry = list_entries(ctx)[-1]
    assert entry["command"] == "notice pre-review"
    assert entry["inputs"] == [
        {"file": "own.md.j2", "sha256": hashlib.sha256(source.encode()).hexdigest()},
        {"file": "part.md.j2", "sha256": hashlib.sha256(part.read_bytes()).hexdigest()},
    ]


def test_an_office_html_template_may_extend_the_bundled_base_which_is_hashed_too(documents, tmp_path):
    from qzzc.resources import templates_dir

    ctx, _ = documents
    own = tmp_path / "own.html.j2"
    own.write_text('{% extends "_base.html.j2" %}{% block body %}本办公室{% endblock %}', encoding="utf-8")
    from qzzc.services.notices import render_notice

    render_notice(ctx, "pre-review", tmp_path / "a.html", committee=3, start=START, template=own)
    assert "本办公室" in (tmp_path / "a.html").read_text(encoding="utf-8")
    base = (templates_dir() / "_base.html.j2").read_bytes()
    assert list_entries(ctx)[-1]["inputs"] == [
        {"file": "own.html.j2", "sha256": hashlib.sha256(own.read_bytes()).hexdigest()},
        {"file": "qzzc/templates/_base.html.j2", "sha256": hashlib.sha256(base).hexdigest()},
    ]


def test_an_include_linked_to_a_file_elsewhere_is_refused(documents, tmp_path):
    ctx, _ = documents
    secret = tmp_path.parent / f"{tmp_path.name}-secret.txt"
    secret.write_text("机密", encoding="utf-8")
    (tmp_path / "office").mkdir()
    (tmp_path / "office" / "part.md.j2").symlink_to(secret)
    with pytest.raises(QzzcError) as caught:
        _notice(ctx, tmp_path, "{% include 'part.md.j2' %}")
    assert (
        caught.value.message
        == "模板 own.md.j2 被拒绝：模板不能引用「part.md.j2」：它链接到模板所在文件夹之外的文件。"
    )
    secret.unlink()


def test_a_template_that_is_not_utf8_is_refused(documents, tmp_path):
    ctx, _ = documents
    with pytest.raises(QzzcError) as caught:
        _notice(ctx, tmp_path, "公示".encode("gbk"))
    assert caught.value.message == "模板文件 own.md.j2 不是 UTF-8 编码的文本文件"


def test_a_link_in_a_name_is_no_link_in_a_markdown_notice(documents, tmp_path):
    """SPEC §14: data never becomes Markdown, with the bundled template or an office's own that
    forgot the ``md`` filter."""
    from helpers import writing
    from sqlmodel import select

    from qzzc.store.models import Applicant

    ctx, _ = documents
    with writing(ctx) as session:
        applicant = session.exec(select(Applicant).where(Applicant.name == "张三")).one()
        applicant.name = "[点此](https://evil.example/x) ![图](https://evil.example/i.png)"
        applicant.unit = "*单位* _下划_ `代码` # 标题 <b>粗</b> a|b \\ ~~删~~"
        session.add(applicant)
    name = "\\[点此\\]\\(https://evil.example/x\\) \\!\\[图\\]\\(https://evil.example/i.png\\)"
    unit = "\\*单位\\* \\_下划\\_ \\`代码\\` \\# 标题 &lt;b&gt;粗&lt;/b&gt; a\\|b \\\\ \\~\\~删\\~\\~"
    bundled = tmp_path / "bundled.md"
    from qzzc.services.notices import render_notice

    render_notice(ctx, "pre-review", bundled, committee=3, start=START)
    assert f"| {name} | 男 | {unit} |" in bundled.read_text(encoding="utf-8")
    own = _notice(ctx, tmp_path, "{% for a in applicants %}{{ a.name }} / {{ a.unit }}\n{% endfor %}")
    assert f"{name} / {unit}" in own.read_text(encoding="utf-8").splitlines()
    for text in (bundled.read_text(encoding="utf-8"), own.read_text(encoding="utf-8")):
        assert "](" not in text.replace("\\](", "").replace("\\]\\(", "")


def test_the_bundled_templates_render_in_the_sandbox(documents, tmp_path):
    """Every bundled template still renders in the sandbox without Jinja's globals."""
    from qzzc.services.notices import render_notice

    ctx, meeting = documents
    render_notice(ctx, "announcement", tmp_path / "a.md", committee=3)
    render_notice(ctx, "filing-form", tmp_path / "f.html", meeting=meeting)
    assert json.dumps(list_entries(ctx)[-1]["inputs"]) == "[]"
