"""The indicator frameworks a 绩效目标表 may follow, and how names are normalised.

Two frameworks exist in current tables (see ../shared/notes/indicator_rules.md §3):
the classic one of the department's form (成本 as a 二级 under 产出) and the 2021 one
(财预〔2021〕101号, 成本指标 as a 一级).  Forms from before 2018 (shape F of
../shared/notes/layouts.md) follow a third: 一级 投入 / 产出 / 效益, with 时效 and 成本 under
投入 and 满意度 a 效益 of its own.  Real sheets write the same group many ways
("经济效益" / "经济效益指标", "满意度指 标"), so every comparison goes through a key.
"""

from __future__ import annotations

import re
from functools import lru_cache

_SCORE = re.compile(r"[（(][^）)]*分?[）)]$|[（(]?\d+(-\d+)?[）)]?分$")
_SCORE_TAIL = 40  # a score suffix such as "(0-20)分" is short; looking further is quadratic on long cells


def _drop_score(text: str) -> str:
    """Remove a trailing "(50分)" / "(0-20)分"; only the tail is searched (the pattern is
    anchored at the end, and on a 32,767-character cell a full search takes seconds)."""
    head, tail = text[:-_SCORE_TAIL], text[-_SCORE_TAIL:]
    return head + _SCORE.sub("", tail)


_STATED_SCORE = re.compile(r"[（(]\s*(\d+(?:\.\d+)?)\s*分?\s*[）)]\s*$|(?<![\d-])(\d+(?:\.\d+)?)分$")


def stated_score(text: str) -> float | None:
    """The score a group label states for itself: ``产出指标(50分)`` → 50; a band such as
    ``成本指标(0-20)分`` states none."""
    t = squash(text)[-_SCORE_TAIL:]
    m = _STATED_SCORE.search(t)
    if m is None:
        return None
    return float(m.group(1) or m.group(2))


# 一级 key → Chinese label as the department writes it.
LEVEL1_LABELS: dict[str, str] = {
    "产出": "产出指标",
    "效益": "效益指标",
    "满意度": "满意度指标",
    "成本": "成本指标",
}

# Classic framework of the department's form: 一级 key → [(二级 key, label as written)].
CLASSIC: dict[str, list[tuple[str, str]]] = {
    "产出": [("数量", "数量指标"), ("质量", "质量指标"), ("时效", "时效指标"), ("成本", "成本指标")],
    "效益": [
        ("经济效益", "经济效益"),
        ("社会效益", "社会效益"),
        ("生态效益", "生态效益"),
        ("可持续影响", "可持续影响"),
    ],
    "满意度": [("服务对象满意度", "服务对象满意度")],
}

# 2021 framework (财预〔2021〕101号): 成本 is a 一级 of its own.
FRAMEWORK_2021: dict[str, list[tuple[str, str]]] = {
    "成本": [("经济成本", "经济成本指标"), ("社会成本", "社会成本指标"), ("生态环境成本", "生态环境成本指标")],
    "产出": [("数量", "数量指标"), ("质量", "质量指标"), ("时效", "时效指标")],
    "效益": CLASSIC["效益"],
    "满意度": CLASSIC["满意度"],
}

# Pre-2018 forms (财政支出项目绩效目标申报表 范本): 投入 / 产出 / 效益, their 二级 named …目标.
FRAMEWORK_OLD: dict[str, list[tuple[str, str]]] = {
    "投入": [("时效", "时效目标"), ("成本", "成本目标"), ("其他资源投入", "其他资源投入目标")],
    "产出": [("数量", "数量目标"), ("质量", "质量目标")],
    "效益": [
        ("经济效益", "经济效益目标"),
        ("社会效益", "社会效益目标"),
        ("生态效益", "环境效益目标"),
        ("可持续影响", "可持续影响目标"),
        ("服务对象满意度", "服务对象满意度目标"),
    ],
}
# 一级 labels of the old forms, as they write them.
OLD_LEVEL1_LABELS = {"投入": "投入", "产出": "产出", "效益": "效益"}

_LEVEL2_ALIASES = {
    "环境效益": "生态效益",
    "社会公众或服务对象满意度": "服务对象满意度",
    "满意度": "服务对象满意度",
    "进度": "时效",
    "可持续影响": "可持续影响",
    "可持续": "可持续影响",
    # pre-2018 forms: …目标 for …指标
    "数量目标": "数量",
    "质量目标": "质量",
    "时效目标": "时效",
    "成本目标": "成本",
    "经济效益目标": "经济效益",
    "社会效益目标": "社会效益",
    "环境效益目标": "生态效益",
    "生态效益目标": "生态效益",
    "可持续影响目标": "可持续影响",
    "服务对象满意度目标": "服务对象满意度",
    "其他资源投入目标": "其他资源投入",
}


def squash(text: str) -> str:
    """Remove all whitespace (PDF and Excel line breaks inside words included).

    ``str.split()`` drops exactly what the pattern ``[\\s\\u3000]+`` would (every character
    whose ``isspace()`` is true, U+3000 among them) and is four times faster than ``re.sub``.
    """
    return "".join(text.split()) if text else ""


@lru_cache(maxsize=4096)  # asked for every row of every table; a workbook has a few dozen distinct texts
def level1_key(text: str) -> str:
    """ "产出指标" / "满意度指 标" / "产出指标(50分)" → "产出"; unknown → squashed text."""
    t = _drop_score(squash(text))
    if t.endswith("指标"):
        t = t[: -len("指标")]
    return t


@lru_cache(maxsize=4096)
def level2_key(text: str) -> str:
    """ "经济效益指标" / "经济效益" → "经济效益"; "数量指标" → "数量"."""
    t = _drop_score(squash(text))
    if t.endswith("指标"):
        t = t[: -len("指标")]
    return _LEVEL2_ALIASES.get(t, t)


def level2_parent(key: str, framework: dict[str, list[tuple[str, str]]] | None = None) -> str | None:
    """The 一级 key a 二级 key belongs to in a framework (classic by default)."""
    for l1, groups in (framework or CLASSIC).items():
        if any(k == key for k, _ in groups):
            return l1
    return None


@lru_cache(maxsize=1024)
def level2_parent_of(key: str) -> str | None:
    """The 一级 key a 二级 key belongs to in whichever framework has it (None: unknown, or
    different in the two frameworks).  Lets a row whose 一级 was left out be placed by its 二级."""
    parents = {p for p in (level2_parent(key, CLASSIC), level2_parent(key, FRAMEWORK_2021)) if p}
    return parents.pop() if len(parents) == 1 else None


def resolve_levels(l1: str, l2: str) -> tuple[str, str]:
    """The 一级 and 二级 keys of a row as a reviewer reads them.

    A 一级 cell left empty takes the 一级 its 二级 belongs to (``生态环境成本指标`` → 成本); a
    二级 name written in the 一级 column over both (``社会公众或服务对象满意度指标``) gives
    both.  Known keys are returned as they are.
    """
    if l1 in LEVEL1_LABELS:
        return l1, l2
    if not l1:
        parent = level2_parent_of(l2) if l2 else None
        return (parent or "", l2)
    as2 = _LEVEL2_ALIASES.get(l1, l1)
    parent = level2_parent_of(as2)
    if parent is None:
        return l1, l2
    return parent, l2 or as2


_OLD_INPUT = frozenset(k for k, _ in FRAMEWORK_OLD["投入"])


def old_input(l1: str, l2: str) -> bool:
    """A row of an old form's 投入 (投入 / 时效目标, 成本目标 …): what makes a table an old form.
    A 投入 over another 二级 (投入指标 / 服务对象满意度) is a mistake in a current table, not an old form."""
    return l1 == "投入" and l2 in _OLD_INPUT


def framework_of(level1_keys: set[str]) -> dict[str, list[tuple[str, str]]]:
    """The framework a table follows: the old one if 投入 is a 一级, 2021 if 成本 is, else classic.
    Callers count 投入 only for rows that ``old_input`` accepts."""
    if "投入" in level1_keys:
        return FRAMEWORK_OLD
    return FRAMEWORK_2021 if "成本" in level1_keys else CLASSIC


def level1_label(key: str, framework: dict[str, list[tuple[str, str]]] | None = None) -> str:
    """The 一级 label a framework writes for a key (产出 → 产出指标; in the old forms 产出)."""
    if framework is FRAMEWORK_OLD:
        return OLD_LEVEL1_LABELS.get(key, key)
    return LEVEL1_LABELS.get(key, key)


def required_level1(framework: dict[str, list[tuple[str, str]]]) -> tuple[str, ...]:
    """The 一级 groups every table of a framework must fill: 产出, 效益 and 满意度; in the old
    forms 满意度 is a 效益 (服务对象满意度目标) and 投入 is optional."""
    return ("产出", "效益") if framework is FRAMEWORK_OLD else ("产出", "效益", "满意度")


# --------------------------------------------------------------------------- cost groups

# Every 成本 group of either framework (二级 keys).  The single home of "is this a cost row":
# the rules, the cost engine and 填充指标 all ask here.
COST_GROUPS = frozenset({"成本", "经济成本", "社会成本", "生态环境成本"})
# The cost groups that are budget lines, stated in money.  社会成本 and 生态环境成本 (2021)
# are costs borne by society or the environment, stated as rates or words ("≤5%",
# "无明显影响"): never multiplied into the budget, never asked to be money.
MONEY_COST_GROUPS = frozenset({"成本", "经济成本"})


def is_cost(l1: str, l2: str) -> bool:
    """A 成本指标 row, from its 一级/二级 keys: a classic 成本 二级, or any row of the 2021 成本 一级."""
    return l2 in COST_GROUPS or l1 == "成本"


def is_money_cost(l1: str, l2: str) -> bool:
    """A cost row that is a budget line (its value is money the cost engine multiplies)."""
    return l2 in MONEY_COST_GROUPS or (l1 == "成本" and l2 not in COST_GROUPS)
