"""Worksheet functions: the issue's examples, unit handling, and errors as short text."""

from __future__ import annotations

import inspect

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xladdin.functions import ARGUMENTS, FUNCTIONS, JX_COST, JX_KIND, JX_VALUE


@pytest.mark.parametrize(
    ("args", "wan"),
    [
        (("1.2万元/月/人", "18人", "12月"), 259.2),
        (("1.2万元/月/人", "18人", "12个月"), 259.2),
        (("1.2万元/月/人", "12个月", "18人"), 259.2),  # order of quantities does not matter
        (("1.2万元/月/人", "18人", "1年"), 259.2),  # a year is 12 months
        (("500元/人/天", "2人", "52天"), 5.2),
        (("450元/人/天", "9天*50人"), 20.25),
        (("100元/人次/年", "1870人/年"), 18.7),  # 人次 counted as 人; per year on both sides
        (("1836.48元/套", "250套"), 45.912),
        (("1.25万元/季度", "4个季度"), 5),
        (("1.2万元/月/人", 18, 12), 259.2),  # plain numbers fill the units in order
        (("110万元",), 110),
    ],
)
def test_cost(args, wan):
    assert JX_COST(*args) == pytest.approx(wan)


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("abc", "1人"), "单价"),
        (("1.2万元/月/人", "18人"), "缺少数量：月"),
        (("500元/人/天", "2台", "3天"), "单位"),
        (("500元/人", "2人", "3天"), "多余"),
        (("500元/人", "很多人"), "无法识别"),
        (("≥95%", "1人"), "单价"),
    ],
)
def test_cost_errors_are_short_chinese_text(args, fragment):
    out = JX_COST(*args)
    assert isinstance(out, str) and out.startswith("#") and fragment in out
    assert len(out) < 60


@pytest.mark.parametrize(
    ("text", "unit", "number"),
    [
        ("2.1万张", None, 21000),
        ("110万元", None, 110),
        ("110万元", "元", 1_100_000),
        ("1100000元", "万元", 110),
        ("1.2万元/月/人", None, 1.2),
        ("1.2万元/月/人", "元", 12000),
        ("≥95%", None, 0.95),
        ("95%", "%", 95),
        ("千分之五", None, 0.005),
        ("1年", "月", 12),
        ("4个季度", "月", 12),
        ("52天", None, 52),
        ("81.25万人", "人", 812500),
        (400.0, None, 400),
    ],
)
def test_value(text, unit, number):
    assert JX_VALUE(text, unit) == pytest.approx(number)


@pytest.mark.parametrize("text", ["长期", "", "abc1", "2026年12月", "2台"])
def test_value_errors(text):
    unit = "天" if text == "2台" else None
    out = JX_VALUE(text, unit)
    assert isinstance(out, str) and out.startswith("#")


def test_kind():
    assert JX_KIND("长期") == "定性"
    assert JX_KIND("9天*50人") == "乘积"
    assert JX_KIND("1.2万元/月/人") == "单价"
    assert JX_KIND("abc1").startswith("无法识别")


def test_functions_have_chinese_docs_and_ascii_prefixed_names():
    for name, fn in FUNCTIONS.items():
        assert name.isascii() and name.startswith("JX_")
        doc = inspect.getdoc(fn) or ""
        assert any("\u4e00" <= ch <= "\u9fff" for ch in doc)
        params = [p for p in inspect.signature(fn).parameters]
        assert set(params) == set(ARGUMENTS[name])
        for p in params:
            assert p in doc  # every argument is described in the docstring


_junk = st.one_of(st.none(), st.integers(), st.floats(allow_nan=True), st.text(max_size=20), st.booleans())


@settings(max_examples=300, deadline=None)
@given(_junk, _junk, _junk)
def test_never_raises(a, b, c):
    for out in (JX_COST(a, b, c), JX_VALUE(a, b), JX_KIND(a)):
        assert isinstance(out, float | int | str)
