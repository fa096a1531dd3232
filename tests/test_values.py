"""The 指标值 parser: every form the issue lists, every value of the 2026 workbook, and
round trips parse(format(v)) == v over generated values."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xladdin.check import read_projects
from xladdin.files.sources import read_sheets
from xladdin.values import Value, format_value, parse

from .conftest import WORKBOOK


def _workbook_values() -> list[tuple[str, str, str]]:
    projects, _ = read_projects(read_sheets(WORKBOOK))
    return [(p.sheet, i.value.cell, i.value.text) for p in projects for i in p.indicators if not i.value.empty]


WORKBOOK_VALUES = _workbook_values()


def test_workbook_has_the_published_indicator_values():
    assert len(WORKBOOK_VALUES) == 131  # 28 + 17 + 15 + 15 + 47 + 9 rows, all filled


@pytest.mark.parametrize(("sheet", "cell", "text"), WORKBOOK_VALUES, ids=[f"{s}!{c}" for s, c, _ in WORKBOOK_VALUES])
def test_every_workbook_value_is_typed(sheet, cell, text):
    v = parse(text)
    assert v.kind != "unparsed", f"{sheet}!{cell} {text!r}: {v.reason}"
    assert v.kind != "empty"
    assert parse(format_value(v)) == v


# (text, kind, comparator, number, unit, per) — what a department user means by each form.
FORMS = [
    # comparators: symbols, ASCII, words, suffixes
    ("≥90%", "percent", "≥", 90, "%", ()),
    (">=90%", "percent", "≥", 90, "%", ()),
    ("＞90%", "percent", "＞", 90, "%", ()),
    (">90%", "percent", "＞", 90, "%", ()),
    ("<5%", "percent", "＜", 5, "%", ()),
    ("<=5%", "percent", "≤", 5, "%", ()),
    ("=100%", "percent", "＝", 100, "%", ()),
    ("不低于95%", "percent", "≥", 95, "%", ()),
    ("不少于100人", "quantity", "≥", 100, "人", ()),
    ("95%以上", "percent", "≥", 95, "%", ()),
    ("不超过3天", "duration", "≤", 3, "天", ()),
    ("不高于5%", "percent", "≤", 5, "%", ()),
    ("30个工作日以内", "duration", "≤", 30, "工作日", ()),
    ("1小时内", "duration", "≤", 1, "小时", ()),
    ("达到100%", "percent", "≥", 100, "%", ()),
    ("≤1小时", "duration", "≤", 1, "小时", ()),
    ("100万元以内", "quantity", "≤", 1_000_000, "元", ()),
    ("≥80%（含）", "percent", "≥", 80, "%", ()),
    ("3天内", "duration", "≤", 3, "天", ()),
    # scale words, full-width digits, separators, decimals
    ("2.1万张", "quantity", None, 21000, "张", ()),
    ("81.25万人", "quantity", None, 812500, "人", ()),
    ("3千册", "quantity", None, 3000, "册", ()),
    ("5百份", "quantity", None, 500, "份", ()),
    ("１２０人", "quantity", None, 120, "人", ()),
    ("1,200元", "quantity", None, 1200, "元", ()),
    ("110万元", "quantity", None, 1_100_000, "元", ()),
    ("1.5亿元", "quantity", None, 150_000_000, "元", ()),
    ("0.5元", "quantity", None, 0.5, "元", ()),
    # Chinese forms
    ("千分之五", "percent", None, 5, "‰", ()),
    ("百分之九十", "percent", None, 90, "%", ()),
    ("五成", "percent", None, 50, "%", ()),
    # counting units from the issue
    ("100扇", "quantity", None, 100, "扇", ()),
    ("80篇", "quantity", None, 80, "篇", ()),
    ("8期", "quantity", None, 8, "期", ()),
    ("60万页", "quantity", None, 600_000, "页", ()),
    ("2间", "quantity", None, 2, "间", ()),
    ("350份", "quantity", None, 350, "份", ()),
    ("200平方米", "quantity", None, 200, "平方米", ()),
    ("200m²", "quantity", None, 200, "平方米", ()),
    ("12亩", "quantity", None, 12, "亩", ()),
    ("30户", "quantity", None, 30, "户", ()),
    ("8人次", "quantity", None, 8, "人次", ()),
    # time units
    ("1.5分钟", "duration", None, 1.5, "分钟", ()),
    ("4个季度", "duration", None, 4, "季度", ()),
    ("12个月", "duration", None, 12, "月", ()),
    ("52天", "duration", None, 52, "天", ()),
    ("1年", "duration", None, 1, "年", ()),
    # rates
    ("1.1万元/月/人", "rate", None, 11000, "元", ("月", "人")),
    ("500元/人/天", "rate", None, 500, "元", ("人", "天")),
    ("100元/人次/年", "rate", None, 100, "元", ("人次", "年")),
    ("60元/箱/年", "rate", None, 60, "元", ("箱", "年")),
    ("1.12元/人/条", "rate", None, 1.12, "元", ("人", "条")),
    ("1.25万元/季度", "rate", None, 12500, "元", ("季度",)),
    ("1870人/年", "rate", None, 1870, "人", ("年",)),
    ("≤500元/人/天", "rate", "≤", 500, "元", ("人", "天")),
]


@pytest.mark.parametrize(("text", "kind", "comp", "number", "unit", "per"), FORMS, ids=[f[0] for f in FORMS])
def test_forms(text, kind, comp, number, unit, per):
    v = parse(text)
    assert (v.kind, v.comparator, v.unit, v.per) == (kind, comp, unit, per), v
    assert v.number == pytest.approx(number)
    assert v.text == text


@pytest.mark.parametrize(
    ("text", "factors"),
    [
        ("9天*50人", [(9, "天"), (50, "人")]),
        ("5人*4天", [(5, "人"), (4, "天")]),
        ("2人×10次", [(2, "人"), (10, "次")]),
        ("2人x10次", [(2, "人"), (10, "次")]),
        ("5人X20天", [(5, "人"), (20, "天")]),
    ],
)
def test_products(text, factors):
    v = parse(text)
    assert v.kind == "product"
    assert [(f.number, f.unit) for f in v.factors] == factors
    assert v.number == factors[0][0] * factors[1][0]
    assert v.quantities() == [(float(n), u) for n, u in factors]


def test_product_with_a_rate_and_a_parenthesised_sum():
    v = parse("(1000+2000+3000)箱*60元/箱/年")
    assert v.kind == "product"
    assert v.factors[0].number == 6000 and v.factors[0].unit == "箱"
    assert v.factors[1].kind == "rate" and v.factors[1].per == ("箱", "年")
    assert v.number == 360_000


@pytest.mark.parametrize(
    ("text", "ymd", "end", "comp"),
    [
        ("2026年12月", (2026, 12, None), False, None),
        ("2029-10-1", (2029, 10, 1), False, None),
        ("2029/10/01", (2029, 10, 1), False, None),
        ("2026.12", (2026, 12, None), False, None),
        ("12月底", (None, 12, None), True, None),
        ("2026年底", (2026, None, None), True, None),
        ("2026年12月底前", (2026, 12, None), True, "≤"),
        ("2026年12月31日", (2026, 12, 31), False, None),
        ("2026年12月前完成", (2026, 12, None), False, "≤"),
        ("2026年第四季度", (2026, 12, None), True, None),
        ("2026年第1季度", (2026, 3, None), True, None),
    ],
)
def test_dates(text, ymd, end, comp):
    v = parse(text)
    assert v.kind == "date"
    assert (v.year, v.month, v.day) == ymd
    assert v.end is end
    assert v.comparator == comp


@pytest.mark.parametrize(
    "text", ["长期", "已纳入", "满意", "大幅提升", "方便群众", "全部为中小企业", "极大减少", "增加"]
)
def test_qualitative(text):
    v = parse(text)
    assert v.kind == "qualitative"
    assert v.word == text
    assert v.number is None


@pytest.mark.parametrize(
    "text", ["abc123", "90%-95%", "12345678901234567890xyzxyz", "3.5.6", "1/2/3", "≥", "5元/", "*5人"]
)
def test_unknown_forms_are_unparsed_with_a_reason(text):
    v = parse(text)
    assert v.kind == "unparsed"
    assert v.reason


@pytest.mark.parametrize("blank", ["", "   ", "\u3000", None])
def test_blank_is_empty(blank):
    assert parse(blank).kind == "empty"


def test_cell_numbers_are_read_as_shown():
    assert parse(400.0) == parse("400")
    assert parse(45.912).number == 45.912


def test_helpers():
    assert parse("110万元").wan == 110
    assert parse("1.2万元/月/人").wan == 1.2
    assert parse("1.2万元/月/人").is_money
    assert not parse("1870人/年").is_money
    assert parse("≥95%").fraction == pytest.approx(0.95)
    assert parse("千分之五").fraction == pytest.approx(0.005)
    assert parse("1870人/年").quantities() == [(1870.0, "人")]
    assert parse("约100人").approx and parse("100余人").approx


def test_equal_meaning_equal_values():
    assert parse("≥95%") == parse("不低于95%") == parse("95%以上") == parse(">=95％")
    assert parse("1.2万元/月/人") == parse("12000元/月/人")
    assert parse("2.1万张") == parse("21,000张")
    assert parse("12个月") == parse("12月")
    assert parse("≥95%") != parse("≤95%")


# --------------------------------------------------------------------------- properties

_decimals = st.decimals(min_value=0, max_value=10**9, places=4, allow_nan=False, allow_infinity=False).map(float)
_comparators = st.sampled_from([None, "≥", "＞", "＝", "＜", "≤"])
_count_units = st.sampled_from(
    ["人", "人次", "台", "套", "个", "张", "册", "箱", "篇", "期", "扇", "页", "间", "元", ""]
)
_time_units = st.sampled_from(["分钟", "小时", "天", "月", "季度", "年"])


@st.composite
def values(draw: st.DrawFn) -> Value:
    kind = draw(st.sampled_from(["quantity", "duration", "percent", "rate", "product", "date", "qualitative"]))
    comp = draw(_comparators)
    approx = draw(st.booleans()) if kind in ("quantity", "duration") else False
    if kind == "quantity":
        return Value("quantity", comparator=comp, number=draw(_decimals), unit=draw(_count_units), approx=approx)
    if kind == "duration":
        return Value("duration", comparator=comp, number=draw(_decimals), unit=draw(_time_units), approx=approx)
    if kind == "percent":
        return Value("percent", comparator=comp, number=draw(_decimals), unit=draw(st.sampled_from(["%", "‰"])))
    if kind == "rate":
        per = draw(
            st.lists(
                st.sampled_from(["人", "人次", "月", "年", "天", "箱", "套", "条", "季度"]), min_size=1, max_size=3
            )
        )
        unit = draw(st.sampled_from(["元", "人", "次"]))
        return Value("rate", comparator=comp, number=draw(_decimals), unit=unit, per=tuple(per))
    if kind == "product":
        n = draw(st.integers(2, 3))
        units = [draw(st.sampled_from(["人", "天", "次", "箱"])) for _ in range(n)]
        factors = tuple(Value("duration" if u == "天" else "quantity", number=draw(_decimals), unit=u) for u in units)
        from decimal import Decimal

        prod = Decimal(1)
        for f in factors:
            prod *= Decimal(repr(f.number))
        return Value("product", number=float(prod), unit="*".join(f.unit for f in factors), factors=factors)
    if kind == "date":
        year = draw(st.one_of(st.none(), st.integers(1990, 2100)))
        month = draw(st.integers(1, 12))
        day = draw(st.one_of(st.none(), st.integers(1, 28))) if year is not None else None
        end = draw(st.booleans()) if day is None else False
        return Value("date", comparator=comp, year=year, month=month, day=day, end=end if year else True)
    word = draw(st.sampled_from(["长期", "已纳入", "满意", "大幅提升", "方便群众", "明显改善", "有效保障"]))
    return Value("qualitative", word=word)


@settings(max_examples=400, deadline=None)
@given(values())
def test_parse_format_round_trip(v):
    assert parse(format_value(v)) == v


_alphabet = st.sampled_from(
    list(
        "0123456789.,%‰*×x/()+-=<>≥≤＞＜＝万千百亿元人天月年次张套个季度小时分钟约余以上内前底不低于超过长期满意 ０１２"
    )
)


@settings(max_examples=600, deadline=None)
@given(st.text(_alphabet, max_size=16))
def test_parse_never_raises_and_round_trips_what_it_understands(text):
    v = parse(text)
    assert v.kind in ("quantity", "duration", "percent", "rate", "product", "date", "qualitative", "empty", "unparsed")
    if v.kind == "unparsed":
        assert v.reason
    elif v.kind not in ("empty",):
        assert parse(format_value(v)) == v


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_parse_never_raises_on_any_text(text):
    assert parse(text).kind


@pytest.mark.parametrize(
    ("text", "kind", "comparator", "number", "unit"),
    [
        ("=100.00(%)", "percent", "＝", 100.0, "%"),  # 上海's 申报表: the unit in brackets
        ("≥90.00(%)", "percent", "≥", 90.0, "%"),
        ("95%以上。", "percent", "≥", 95.0, "%"),  # a sentence's full stop after the value
        ("5(个)", "quantity", None, 5.0, "个"),
    ],
)
def test_value_forms_of_other_tables(text: str, kind: str, comparator: str | None, number: float, unit: str) -> None:
    v = parse(text)
    assert (v.kind, v.comparator, v.number, v.unit) == (kind, comparator, number, unit)
