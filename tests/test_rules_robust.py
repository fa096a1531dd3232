"""No rule may crash on any table, and every finding must point at a real cell.

A rule that raises would turn a whole check into an internal error; a finding without a
real cell cannot be marked.  Hypothesis builds odd tables from pieces of real ones.
"""

from __future__ import annotations

import dataclasses
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.rulekit import findings, seeds
from xladdin.layout import IndicatorSpec

SEEDS = list(seeds().values())
VALUES = [
    *sorted({i.value for s in SEEDS for i in s.indicators}),
    "",
    "≥",
    "≥**%",
    "-5%",
    "2025-13-40",
    "1e9元",
    "≤0天",
    "100000000000000000000台",
    "=SUM(A1)",
    "约",
    "五成以上",
    "2026年12月前完成",
]
NAMES = [*sorted({i.name for s in SEEDS for i in s.indicators}), "", "XX", "指标1：", "2019年数量", "人数及天数"]
LEVEL1 = ["产出指标", "效益指标", "满意度指标", "成本指标", "", "投入指标"]
LEVEL2 = ["数量指标", "质量指标", "时效指标", "成本指标", "经济效益", "社会效益", "服务对象满意度", "经济成本指标", ""]
GOALS = [s.goal for s in SEEDS] + ["", "<p></p>", "1.a 5万元；3.b 5万元；共计10万元。", "1*2*3=7万元", "共计万元"]
MONEY = st.one_of(st.none(), st.floats(-1e6, 1e9, allow_nan=False), st.sampled_from(["", "四百", "1,200", "5万元"]))

rows = st.lists(
    st.builds(
        IndicatorSpec, st.sampled_from(LEVEL1), st.sampled_from(LEVEL2), st.sampled_from(NAMES), st.sampled_from(VALUES)
    ),
    min_size=0,
    max_size=12,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    base=st.sampled_from(SEEDS),
    indicators=rows,
    goal=st.sampled_from(GOALS),
    total=MONEY,
    annual=MONEY,
    carry=MONEY,
    period=st.sampled_from(["99年", "", "2020-2022", "abc", "3年"]),
)
def test_rules_never_crash_and_always_point_at_a_cell(
    base,
    indicators,
    goal,
    total,
    annual,
    carry,
    period,  # type: ignore[no-untyped-def]
) -> None:
    spec = dataclasses.replace(
        base,
        indicators=tuple(indicators) or base.indicators,
        goal=goal,
        period=period,
        money={**base.money, "total": total, "annual": annual, "local_carryover": carry},
    )
    for f in findings(spec):
        assert re.fullmatch(r"[A-Z]{1,3}[1-9]\d*", f.cell), f
        assert f.message and re.search(r"[\u4e00-\u9fff]", f.message)
