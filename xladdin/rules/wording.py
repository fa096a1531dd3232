"""Small helpers every rule family uses to speak about a table the way a clerk reads it.

Messages quote what the user typed, so these helpers only shorten and label; they
never reformat a value (the user must recognise the text of their own cell).
"""

from __future__ import annotations

import re
from functools import lru_cache

from xladdin.framework import level2_key, squash
from xladdin.model import Indicator, display_text

# "指标1：", "指标12:" — the department numbers its indicators inside the name.
_NUMBER_PREFIX = re.compile(r"^(?:指标)?\s*\d+\s*[：:、.．]\s*")
_PUNCT = re.compile(r"[\s\u3000，,、：:；;。.（）()“”\"'《》〈〉【】\[\]—\-－]")


def bare_name(text: str) -> str:
    """An indicator name without the "指标3：" numbering the department puts in front."""
    return _NUMBER_PREFIX.sub("", squash(text))


def name_key(text: str) -> str:
    """The name reduced for comparisons: numbering, spaces and punctuation removed."""
    return _PUNCT.sub("", bare_name(text))


def short(text: str, limit: int = 30) -> str:
    """A long cell text cut for a message: the start is what the user recognises."""
    t = display_text(text)
    return t if len(t) <= limit else t[: limit - 1] + "…"


def group_label(ind: Indicator) -> str:
    """ "数量指标", "社会效益" — the 二级 as the department writes it, for messages."""
    t = squash(ind.level2.text)
    return t or "（未填二级指标）"


def indicator_label(ind: Indicator) -> str:
    """数量指标「色带套件费服务耗材」 — how a message names an indicator."""
    return _label(ind.level2.text, ind.name.text)


def label_of(level2: str, name: str) -> str:
    """``indicator_label`` from the texts (a row of a 自评表 is not an ``Indicator``)."""
    return _label(level2, name)


@lru_cache(maxsize=16384)  # thousands of findings name the same few hundred indicators
def _label(level2: str, name: str) -> str:
    key = level2_key(level2)
    if key == "服务对象满意度":
        kind = "满意度指标"
    elif key:
        kind = key + "指标"
    else:
        kind = "指标"
    return f"{kind}「{short(bare_name(name))}」"


def wan(x: float) -> str:
    """万元 amount for a message: 45.912 → "45.912", 400.0 → "400" (no float noise)."""
    return display_text(round(x, 6))


def money(x: float, unit: str = "万元") -> str:
    """An amount held in 万元, in the unit its form writes: ``money(77132.58, "元")`` → "771325800元"."""
    if unit == "元":
        return display_text(round(x * 10_000, 2)) + "元"
    return wan(x) + "万元"
