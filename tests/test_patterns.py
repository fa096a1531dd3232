"""Patterns spelled for speed match exactly what their plain spelling matches."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from xladdin.narrative import _CLAUSE_BREAK
from xladdin.rules.header import PLACEHOLDER

PLACEHOLDER_PLAIN = re.compile(r"\*{2,}|[xX×＊]{2,}|请填写|请输入|示例|待定|……|\.{3,}")
CLAUSE_BREAK_PLAIN = re.compile(r"[，,；;。：:！!？?\n]|其中")

_TEXT = st.text(alphabet="*xX×＊请填写输入示例待定…. a1中其，,；;。：:！!？?\n", max_size=14)


def _all(p: re.Pattern[str], s: str) -> list[tuple[tuple[int, int], str]]:
    return [(m.span(), m.group(0)) for m in p.finditer(s)]


def _groups(p: re.Pattern[str], s: str) -> list[tuple[object, ...]]:
    """Every match's groups and span: for patterns whose groups the scanner reads."""
    return [(*m.groups(), m.span()) for m in p.finditer(s)]


@settings(max_examples=3000)
@given(_TEXT)
def test_placeholder_is_the_plain_alternation(s: str) -> None:
    assert _all(PLACEHOLDER, s) == _all(PLACEHOLDER_PLAIN, s)


@settings(max_examples=3000)
@given(_TEXT)
def test_clause_break_is_the_plain_alternation(s: str) -> None:
    assert _all(_CLAUSE_BREAK, s) == _all(CLAUSE_BREAK_PLAIN, s)


def test_examples() -> None:
    assert PLACEHOLDER.search("单价为**元").group(0) == "**"
    assert PLACEHOLDER.search("请填写项目名称").group(0) == "请填写"
    assert PLACEHOLDER.search("1.5分钟") is None and PLACEHOLDER.search("合格率...").group(0) == "..."
    assert [m.group(0) for m in _CLAUSE_BREAK.finditer("其中：甲，其余")] == ["其中", "：", "，"]


def test_squash_removes_exactly_the_regex_whitespace() -> None:
    import sys

    from xladdin.framework import squash

    pattern = re.compile(r"[\s\u3000\u00a0]")
    spaces = [chr(c) for c in range(sys.maxunicode + 1) if pattern.fullmatch(chr(c))]
    assert spaces == [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()]
    text = "满意度" + "".join(spaces) + "指\n标\u3000值"
    assert squash(text) == "满意度指标值" == re.sub(r"[\s\u3000]+", "", text)
    assert squash("") == "" and squash(None) == ""  # type: ignore[arg-type]


@settings(max_examples=3000)
@given(st.text(alphabet="0123456789.,万人次平方米台套GB/*个元 张", max_size=16))
def test_quantity_pattern_is_the_plain_alternation(s: str) -> None:
    from xladdin.narrative import _COUNT_UNITS, _NUM_REST, _QUANTITY

    plain = re.compile(rf"(\d(?<![\d.,/*]\d){_NUM_REST})(万)?({'|'.join(_COUNT_UNITS)})(?![/*\d])")
    assert _groups(_QUANTITY, s) == _groups(plain, s)


@settings(max_examples=4000)
@given(st.text(alphabet="0123456789.()+*=/万元箱年人次台a，", max_size=22))
def test_formula_pattern_is_the_plain_spelling(s: str) -> None:
    from xladdin.narrative import _FACTOR, _FORMULA, _NUM

    plain = re.compile(rf"({_FACTOR}(?:\*{_FACTOR})+)(?==|(?![\u4e00-\u9fff/]))(?:=({_NUM})(万元|万|元))?")
    assert _groups(_FORMULA, s) == _groups(plain, s)


def _context_plain(t: str, pos: int, floor: int) -> str:
    """The narrative scanner's ``_context`` as first written: the last two breaks in [floor, pos]."""
    from xladdin.narrative import _GENERIC, _clean_ctx

    spans = [m.span() for m in CLAUSE_BREAK_PLAIN.finditer(t)]
    inside = [b for a, b in spans if a >= floor and b <= pos]
    # the breaks are the last ones before pos, counted back until one starts before floor
    before = [(a, b) for a, b in spans if b <= pos]
    last: list[int] = []
    for a, b in reversed(before):
        if a < floor or len(last) == 2:
            break
        last.insert(0, b)
    assert set(last) <= set(inside)
    cuts = [floor, *last][-2:]
    ctx = _clean_ctx(t[cuts[-1] : pos])
    if (_GENERIC.match(ctx) or len(ctx) <= 2) and len(cuts) >= 2:
        ctx = _clean_ctx(t[cuts[-2] : pos])
    return ctx


@settings(max_examples=3000)
@given(st.text(alphabet="共经费为需其中，,；。：:1 2万元项目「」", max_size=24), st.data())
def test_the_context_of_a_number_is_the_plain_definition(t: str, data: st.DataObject) -> None:
    from xladdin.narrative import _Breaks, _context

    pos = data.draw(st.integers(0, len(t)))
    floor = data.draw(st.integers(0, pos))
    assert _context(t, pos, floor, _Breaks(t)) == _context_plain(t, pos, floor)
