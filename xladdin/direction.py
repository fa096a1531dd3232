"""Which way is better for an indicator: higher (the target is a floor, ≥) or lower (a ceiling, ≤).

The one home of this knowledge: the checker's comparator rules (VAL004, VAL005) ask
here, and 填充指标 adds a comparator only by applying the checker's own fixes, so the
advice a user reads and the change the filler makes can never disagree.

Decided from the indicator's name (without its "指标3：" numbering) and its 一级/二级
keys, the way a reviewer reads it: a …率 of something good (覆盖率, 合格率, 参保率) or a
满意度 is better higher; a …率 of something bad (差错率, 流失率), a time (时间, 时长) in
a 时效/质量 row and a cost are better lower; a target phrased as an improvement
achieved ("提高工作效率 95%", "减少纸质办公率 70%") is better higher.  Anything else is
unknown, and unknown stays unknown: a count (“250套”) has no better direction.

A form with a direction column (指标方向性, or 指标性质 / 指标方向 holding 正向 / 反向) states
it: ``stated`` reads that cell, and what the form states wins over the guess.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

Polarity = Literal["higher", "lower"]

HIGHER = (
    "覆盖率", "合格率", "满意度", "满意率", "完成率", "及时率", "达标率", "运行率", "使用率", "知晓率",
    "数字化率", "契合率", "通过率", "准确率", "正确率", "完好率", "到位率", "执行率", "参保率", "办结率",
    "普及率", "利用率", "兑现率", "发放率", "就业率", "出勤率", "可用率", "在线率", "处置率", "整改率",
    "合规率", "成功率", "结业率", "上线率", "归档率", "入库率", "验收率", "优良率", "好评率",
)  # fmt: skip
LOWER = (
    "损坏率", "破损率", "差错率", "错误率", "出错率", "故障率", "投诉率", "超支率", "失误率", "丢失率",
    "不合格率", "返工率", "流失率", "事故", "延误",
)  # fmt: skip
# A target phrased as an improvement or a reduction achieved: the more, the better.
IMPROVE = ("提高", "提升", "增加", "增强", "促进", "减少", "降低", "节省", "节约", "压缩", "缩短")
LOWER_TIME = ("时间", "时长", "用时", "耗时", "时限")
COST_WORDS = ("成本", "单价", "费用", "价格")


def _alternation(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, words)))


_LOWER_RE, _HIGHER_RE, _IMPROVE_RE = _alternation(LOWER), _alternation(HIGHER), _alternation(IMPROVE)
_LOWER_TIME_RE, _COST_RE = _alternation(LOWER_TIME), _alternation(COST_WORDS)


@lru_cache(maxsize=16384)  # several rules ask for every row; names repeat across a workbook
def polarity(name: str, l1: str, l2: str, cost: bool) -> Polarity | None:
    """ "higher", "lower" or None (unknown).

    ``name`` is the 三级指标 without its numbering (``rules.wording.bare_name``), ``l1`` and
    ``l2`` the 一级/二级 keys (``framework.level1_key``/``level2_key``), ``cost`` whether the
    row is a 成本指标 (``framework.is_cost``).
    """
    if _LOWER_RE.search(name):
        return "lower"
    if l1 == "满意度" or _HIGHER_RE.search(name):
        return "higher"
    if _IMPROVE_RE.search(name[:6]):
        return "higher"  # "减少纸质办公率 70%": the reduction achieved, the more the better
    if l2 in ("时效", "质量") and _LOWER_TIME_RE.search(name):
        return "lower"
    if cost or (l2 != "数量" and _COST_RE.search(name)):
        return "lower"
    return None


COMPARATOR: dict[Polarity, str] = {"higher": "≥", "lower": "≤"}

# What a direction column holds.
STATED: dict[str, Polarity] = {"正向": "higher", "反向": "lower", "正向指标": "higher", "反向指标": "lower"}


def stated(text: str) -> Polarity | None:
    """The direction a form's own column states (正向 → higher, 反向 → lower); None for anything else."""
    return STATED.get("".join(text.split()))
