"""Indicator group names as real sheets write them, normalised to one key."""

from __future__ import annotations

import pytest

from xladdin.framework import CLASSIC, FRAMEWORK_2021, framework_of, level1_key, level2_key, level2_parent


@pytest.mark.parametrize(
    "text,key",
    [
        ("产出指标", "产出"),
        ("满意度指 标", "满意度"),
        ("产出指标(50分)", "产出"),
        ("成本指标（0-20）分", "成本"),
        (" 效益指标\n", "效益"),
    ],
)
def test_level1_keys(text, key):
    assert level1_key(text) == key


@pytest.mark.parametrize(
    "text,key",
    [
        ("经济效益", "经济效益"),
        ("经济效益指标", "经济效益"),
        ("环境效益指标", "生态效益"),
        ("社会公众或服务对象满意度指标", "服务对象满意度"),
        ("服务对象满 意度", "服务对象满意度"),
        ("进度指标", "时效"),
    ],
)
def test_level2_keys(text, key):
    assert level2_key(text) == key


def test_long_cells_keep_their_text_and_lose_only_a_score_suffix():
    long = "(" * 32767
    assert level1_key(long) == long  # no score suffix: nothing removed
    assert level2_key("1" * 32767 + "指标(10分)") == "1" * 32767


def test_frameworks():
    assert level2_parent("成本") == "产出"
    assert level2_parent("经济成本", FRAMEWORK_2021) == "成本"
    assert framework_of({"产出", "效益", "满意度"}) is CLASSIC
    assert framework_of({"成本", "产出", "效益", "满意度"}) is FRAMEWORK_2021
