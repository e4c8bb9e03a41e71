"""The print sandbox and helpers without a database: Chinese dates and numbers as officials write
them, and templates that try to leave the sandbox refused with their line and reason, on save and
at run time (including a template that would run for ever)."""
import datetime as dt
import time
from decimal import Decimal

import pytest

from sixhave_app.engine import print_helpers as h
from sixhave_app.engine.errors import ValidationError
from sixhave_app.engine.print_sandbox import PrintEnvironment, Renderer, RenderTimeout, problems


def test_chinese_dates():
    assert h.cn_date(dt.date(2018, 10, 30), upper=True) == "二〇一八年十月三十日"
    assert h.cn_date("2018-10-30") == "2018年10月30日"
    assert h.cn_date_upper("2021-01-01") == "二〇二一年一月一日"
    assert h.cn_date_upper(dt.datetime(2019, 12, 21, 9, 30)) == "二〇一九年十二月二十一日"
    assert h.cn_date(None) == "" and h.cn_date("not a date") == ""
    assert h.cn_year(2018, upper=True) == "二〇一八年"


@pytest.mark.parametrize("number,upper,lower", [
    (0, "零", "零"), (7, "柒", "七"), (10, "壹拾", "十"), (15, "壹拾伍", "十五"), (20, "贰拾", "二十"),
    (105, "壹佰零伍", "一百零五"), (1010, "壹仟零壹拾", "一千零一十"), (10001, "壹万零壹", "一万零一"),
    (100000, "壹拾万", "十万"), (10203, "壹万零贰佰零叁", "一万零二百零三"),
    (123456789, "壹亿贰仟叁佰肆拾伍万陆仟柒佰捌拾玖", "一亿二千三百四十五万六千七百八十九"), (-36, "负叁拾陆", "负三十六")])
def test_numbers_in_words(number, upper, lower):
    assert h.cn_number(number) == upper
    assert h.cn_number(number, upper=False) == lower


def test_money():
    assert h.cn_money("1234.56") == "壹仟贰佰叁拾肆元伍角陆分"
    assert h.cn_money(100) == "壹佰元整"
    assert h.cn_money("1.05") == "壹元零伍分"
    assert h.cn_money("0.5") == "伍角"
    assert h.money(Decimal("1234.5")) == "¥1,234.50"
    assert h.num(3.0) == "3" and h.num("2.50") == "2.5" and h.num(None) == "" and h.num(100) == "100"
    assert h.sum_of([{"s": 1}, {"s": "2.5"}, {"s": None}], "s") == Decimal("3.5")
    assert h.sum_of([{"s": None}], "s") is None


@pytest.fixture
def env():
    return PrintEnvironment({"cn_date": h.cn_date}, {"num": h.num})


@pytest.mark.parametrize("source,word", [
    ("{{ doc.__class__ }}", "__class__"),
    ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "__subclasses__"),
    ("{{ doc.mro() }}", "mro"),
    ("{{ cycler.__init__.__globals__ }}", "__globals__"),
    ("{{ doc['__dict__'] }}", "__dict__"),
    ("{{ doc|attr('__class__') }}", "__class__"),
    ("{% import 'os' as os %}", "import"),
    ("{% include '/etc/passwd' %}", "include"),
    ("{{ open('/etc/passwd').read() }}", "open"),
    ("{{ config }}", "config"),
    ("{{ request.environ }}", "request"),
    ("{{ fetch('http://example.com') }}", "fetch"),
])
def test_escapes_are_refused_on_save_naming_the_problem(env, source, word):
    found = problems(env, "<p>标题</p>\n" + source)
    assert found and any(word in p for p in found), found
    assert all("第 2 行" in p for p in found), found


def test_a_broken_template_is_refused_with_line_and_message(env):
    found = problems(env, "<h1>{{ doc.name }}</h1>\n{% for row in doc.items %}\n<p>{{ row.code }</p>")
    assert len(found) == 1 and "第 3 行" in found[0] and "语法错误" in found[0]
    assert "No filter named 'nope'" in problems(env, "{{ doc.name|nope }}")[0]
    assert problems(env, "{% set x = 1 %}{% macro m(a) %}{{ a|num }}{% endmacro %}{{ m(x) }}{{ cn_date(doc.d) }}") == []


def test_run_time_escapes_and_runaway_templates_stop(env):
    renderer = Renderer(env, time_limit=0.3)
    started = time.monotonic()
    forever = renderer.template("k", 1, "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}", "forever")
    with pytest.raises(RenderTimeout):
        renderer.render(forever, {})
    assert time.monotonic() - started < 3
    for source in ("{{ 'x' * 100000000 }}", "{{ 9 ** 99999 }}", "{% set l = [] %}{{ l.append(1) }}"):
        with pytest.raises(ValidationError):
            renderer.render(renderer.template(source, 1, source, "t"), {})
    unsafe = renderer.render(renderer.template("u", 1, "a{{ x.__class__ }}b", "u"), {"x": 1})
    assert unsafe == "ab"  # an unsafe attribute is nothing at run time (and refused on save)
