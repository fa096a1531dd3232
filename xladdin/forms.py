"""The vocabulary of 绩效目标表 forms: what each form calls its fields, columns and lines.

The one home of that knowledge (see ``../shared/notes/layouts.md``): the reader asks
here whether a cell is a label (项目名称, 主管部门及代码, 年度资金申请总额 …), a column
heading (三级指标, 指标性质, 计量单位, 权重 …), a title, a section label, a note under the
table or a checkbox list, so that every form of the family is read by one reader.

Cell texts are compared after ``label_text``: whitespace removed (labels wrap inside
words: ``总 体 目 标``, ``项目起\\n止时间``), both punctuation widths folded, ``其中``,
numbering (``一、``, ``1、``), brackets and a unit in brackets removed — so
``其中： 转移市县 (区)资 金``, ``项目资金\\n（元）`` and ``二、自有资金:`` each read as one label.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from xladdin.direction import STATED
from xladdin.framework import squash

__all__ = [
    "FIELD_LABELS",
    "HEADINGS",
    "checkbox_options",
    "footer_line",
    "heading_key",
    "inline_amounts",
    "label_key",
    "label_text",
    "money_unit_of",
    "section_label",
    "title_like",
    "weight_budget",
]

# --------------------------------------------------------------------------- normalising

_UNIT_IN_BRACKETS = re.compile(r"[(（]\s*(?:金额)?(?:单位[:：])?\s*(万元|元)\s*[)）]")
_YEAR_IN_BRACKETS = re.compile(r"[(（]\s*\d{4}\s*年度?\s*[)）]")
_NUMBERING = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|\d{1,2}[、.．](?!\d)|[(（][一二三四五六七八九十\d]{1,2}[)）])"
)
_NOISE = re.compile(r"其中|[：:（）()\[\]【】,，、/／*＊★☆]")
_SEAL = re.compile(r"(?:盖章|印章|签字|签章)$")


@lru_cache(maxsize=65536)  # every cell above an indicator table is tried; workbooks repeat them
def label_text(value: str) -> str:
    """A cell's text reduced for looking it up as a label or a heading."""
    t = squash(value)
    if not t or len(t) > 60:
        return ""  # a narrative, not a label: nothing longer is one
    t = _UNIT_IN_BRACKETS.sub("", t)
    if "年" in t:
        t = _YEAR_IN_BRACKETS.sub("", t)
    t = _NUMBERING.sub("", t)
    t = _NOISE.sub("", t)
    return _SEAL.sub("", t)


def money_unit_of(value: Any) -> str | None:
    """ "万元" / "元" when a label or line states the unit of the amounts (项目资金（元）, 单位：万元)."""
    if not isinstance(value, str):
        return None
    t = squash(value)
    if len(t) > 40:
        return None
    m = _UNIT_IN_BRACKETS.search(t)
    if m:
        return m.group(1)
    m = _UNIT_LINE.match(t)
    return m.group(1) if m else None


_UNIT_LINE = re.compile(r"^(?:金额)?单位[:：]?(万元|元)$")


# --------------------------------------------------------------------------- header fields

# label text (after ``label_text``) → field key.  Keys of the published form (B) keep
# their names (name, department, unit, attribute, period, total, annual, local_group,
# transfer_group, fund_total, local_appropriation, local_other, local_carryover,
# transfer_central, transfer_regional, goal); the others are the family's.
FIELD_LABELS: dict[str, str] = {
    # the project
    "项目名称": "name",
    "项目支出名称": "name",
    "资金名称": "name",
    "专项名称": "name",
    "专项项目名称": "name",
    "申报项目名称": "cover_name",
    "项目编码": "code",
    "项目代码": "code",
    # who
    "主管部门": "department",
    "主管部门及代码": "department",
    "主管部门及编码": "department",
    "主管部门及其编码": "department",
    "项目主管部门": "department",
    "业务主管部门": "department",
    "主管单位及代码": "department",
    "主管单位": "department",
    "一级主管部门名称": "department",
    "主管部门单位名称": "department",
    "主管部门名称": "department",
    "预算部门": "department",
    "预算单位": "department",
    "单位名称": "department",
    "主管部门编码": "department_code",
    "单位代码": "department_code",
    "填报单位": "reporter",
    "编制单位": "reporter",
    "编报单位": "reporter",
    "实施单位": "unit",
    "项目实施单位": "unit",
    "项目单位": "unit",
    "项目申报单位名称": "unit",
    "项目申报单位": "unit",
    "归口科室": "office",
    "中央主管部门": "authority",
    "省级财政部门": "authority",
    "省级主管部门": "authority",
    "区县财政部门": "authority",
    "区县主管部门": "authority",
    # what kind
    "项目属性": "attribute",
    "项目性质": "attribute",
    "是否新增": "attribute",
    "项目类别": "category",
    "项目类型": "category",
    "项目分类": "category",
    # when
    "项目期": "period",
    "项目起止时间": "period",
    "项目周期": "period",
    "项目支出实施期": "period",
    "建设周期": "period",
    "实施时间": "period",
    "项目计划实施时间": "period",
    "实施期": "period",
    "项目实施期": "period",
    "计划开始日期": "period_start",
    "预计开始时间": "period_start",
    "项目开始年份": "period_start",
    "计划完成日期": "period_end",
    "预计完成时间": "period_end",
    # people
    "项目负责人": "contact",
    "联系电话": "phone",
    "项目负责人及联系电话": "contact",
    "项目负责人及电话": "contact",
    "联系人": "contact",
    "填报人": "contact",
    "项目实施责任人": "contact",
    "项目实施责任人联系电话": "phone",
    "部门负责人": "contact",
    "编报时间": "date",
    "填报日期": "date",
    # money: groups (no value of their own; they state the unit)
    "项目资金": "money_group",
    "资金情况": "money_group",
    "项目资金申请": "money_group",
    "资金来源": "money_group",
    "投入目标": "money_group",
    "年初安排金额": "money_group",
    "资金金额": "money_group",
    "项目资金情况": "money_group",
    "资金投入": "money_group",
    # money: the published form's
    "项目总额": "total",
    "年度资金总额": "annual",
    "本级资金": "local_group",
    "转移市县区资金": "transfer_group",
    "转移市县资金": "transfer_group",
    "资金总额": "fund_total",
    "财政拨款": "local_appropriation",
    "其他资金": "local_other",
    "其它资金": "local_other",
    "结余结转资金": "local_carryover",
    "结转结余资金": "local_carryover",
    "中央资金": "transfer_central",
    "自治区资金": "transfer_regional",
    # money: the family's totals
    "项目资金总额": "total",
    "中期资金总额": "total",
    "实施期资金总额": "total",
    "项目总预算": "total",
    "项目金额": "total",
    "项目总金额": "total",
    "总金额": "total",
    "年度资金申请总额": "annual",
    "当年资金总额": "annual",
    "年度金额": "annual",
    "年度资金": "annual",
    "本年度申请金额": "annual",
    # money: parts (of the whole project, unless the label says 当年/年度)
    "财政资金": "local_appropriation",
    "财政拨款数": "local_appropriation",
    "中期财政拨款": "local_appropriation",
    "预算资金": "local_appropriation",
    "市级财政拨款": "local_appropriation",
    "财政补助": "local_appropriation",
    "中央补助": "local_appropriation",
    "当年财政拨款": "annual_appropriation",
    "年度财政拨款": "annual_appropriation",
    "本年财政拨款": "annual_appropriation",
    "当年财政资金": "annual_appropriation",
    "中期其他资金": "local_other",
    "非财政拨款数": "local_other",
    "非财政拨款": "local_other",
    "地方资金": "local_other",
    "当年其他资金": "annual_other",
    "年度其他资金": "annual_other",
    "上年结转资金": "local_carryover",
    "上年结转": "local_carryover",
    "自有资金": "source",
    "事业收入": "source",
    "经营性收入": "source",
    "其他": "source",
    "其它": "source",
    "政府性基金拨款": "source",
    "财政专户拨款": "source",
    "事业基金弥补差额": "source",
    "上级财政资金": "source",
    "本级财政": "source",
    "预算执行权重%": "weight_budget",
    "预算执行权重": "weight_budget",
    # goals
    "年度总体绩效目标": "goal",
    "年度绩效目标": "goal",
    "总体绩效目标": "goal",
    "年度目标": "goal",
    "年度总体目标": "goal",
    "本年度绩效目标": "goal",
    "项目年度绩效目标": "goal",
    "年初设定目标": "goal",
    "中期目标": "goal_long",
    "长期目标": "goal_long",
    "项目总目标": "goal_long",
    "实施期绩效目标": "goal_long",
    "项目总体目标": "goal_long",
    "项目期目标": "goal_long",
    "项目总体绩效目标": "goal_long",
    "总体目标": "goal_group",
    "项目绩效目标": "goal_group",
    "绩效目标": "goal_group",
    "绩效目标情况": "goal_group",
    # the long 申报表's narrative fields (read, not checked)
    "单位职能概述": "about",
    "部门职能概述": "about",
    "项目概况": "about",
    "项目立项情况": "about",
    "项目立项的依据": "about",
    "立项依据": "about",
    "设立依据": "about",
    "项目申报的可行性": "about",
    "项目申报的必要性": "about",
    "必要性": "about",
    "可行性": "about",
    "制度措施": "about",
    "实施方案及可行性": "about",
    "项目实施进度计划": "about",
    "以前年度项目绩效情况": "about",
    "项目基本情况": "about",
    "项目基本信息": "about",
    "功能科目编码": "about",
    "功能科目名称": "about",
    "上年度预算安排资金": "about",
    "保障绩效目标实现的措施": "about",
}

# Labels whose value is text the form may put under the label instead of beside it
# (中期目标 ∣ 年度目标 headings over two texts).
BELOW_OK = frozenset({"goal", "goal_long"})
MONEY_TOTALS = frozenset({"total", "annual", "fund_total"})
MONEY_PARTS = frozenset(
    {
        "local_appropriation",
        "local_other",
        "local_carryover",
        "annual_appropriation",
        "annual_other",
        "annual_carryover",
        "transfer_central",
        "transfer_regional",
        "source",
    }
)


def label_key(value: Any) -> str | None:
    """The field key of a label cell, or None when the cell is no label of any known form."""
    if not isinstance(value, str):
        return None
    return FIELD_LABELS.get(label_text(value))


# --------------------------------------------------------------------------- indicator columns

HEADINGS: dict[str, str] = {
    # 一级 / 二级 / 三级
    "一级指标": "level1",
    "评价内容": "level1",
    "指标类别": "level1",
    "二级指标": "level2",
    "绩效内容": "level2",
    "三级指标": "name",
    "三级指标名称": "name",
    "指标内容": "name",
    "指标名称": "name",
    "个性化指标": "name",
    "绩效目标内容": "name",
    "具体指标": "name",
    # the target
    "指标值": "value",
    "年度指标值": "value",
    "年度项目指标值": "value",
    "目标值": "value",
    "绩效目标值": "value",
    "指标值及单位": "value",
    "当年预期实现值": "value",
    "本年度计划水平": "value",
    "年度目标值": "value",
    "年度绩效目标值": "value",
    "预期目标值": "value",
    "指标目标值": "value",
    "中期指标值": "mid_value",
    "中期目标值": "mid_value",
    "长期指标值": "mid_value",
    "长期目标值": "mid_value",
    "总体指标值": "mid_value",
    "实施期指标值": "mid_value",
    "项目期指标值": "mid_value",
    "计算符号": "comparator",
    "比较符号": "comparator",
    "运算符号": "comparator",
    "指标值符号": "comparator",
    # the same words hold ≥/≤ in one province and 正向/反向 in another: decided by content
    "指标性质": "comparator_or_direction",
    "指标方向": "comparator_or_direction",
    "指标方向性": "direction",
    "正反向": "direction",
    "度量单位": "unit",
    "计量单位": "unit",
    "单位": "unit",
    "指标单位": "unit",
    "指标值单位": "unit",
    "权重": "weight",
    "权重分": "weight",
    "权重%": "weight",
    "分值": "weight",
    "权重分值": "weight",
    "指标权重": "weight",
    "标准分值": "weight",
    # read and kept, not judged
    "指标解释": "explanation",
    "指标值说明": "explanation",
    "绩效标准": "explanation",
    "指标标准或依据": "explanation",
    "评分标准": "explanation",
    "扣分标准": "explanation",
    "指标说明": "explanation",
    "计算公式": "explanation",
    "公式或说明": "explanation",
    "指标内容计算公式": "explanation",
    "参考标准": "explanation",
    "评价标准": "explanation",
    "指标值设定依据": "explanation",
    "备注": "remarks",
    "上年度实际水平": "prior",
    "上年实际实现值": "prior",
    "上年实际值": "prior",
    "上年度实际完成值": "prior",
    "全年实际值": "actual",
    "实际完成值": "actual",
    "得分": "score",
    "未完成原因及拟采取的改进措施": "reason",
    "偏差原因说明": "reason",
    "偏差原因分析": "reason",
    "操作": "action",
}
# The column keys of a target: a row whose 指标值 cell holds one of their headings is the next table's heading row.
VALUE_KEYS = frozenset({"value", "mid_value"})


def heading_key(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    return HEADINGS.get(label_text(value))


# Contents of a 指标性质 / 指标方向 column (the directions are ``xladdin.direction``'s).
COMPARATOR_WORDS = frozenset(
    {"≥", "≤", "＞", "＜", "＝", ">", "<", "=", ">=", "<=", "≧", "≦", "定性", "定量", "不适用", "定量其他"}
)


def column_role(texts: list[str]) -> str | None:
    """ "direction" or "comparator" for a 指标性质 / 指标方向 column, from what it holds."""
    d = c = 0
    for t in texts:
        s = squash(t)
        if s in STATED:
            d += 1
        elif s in COMPARATOR_WORDS or label_text(s) in COMPARATOR_WORDS:
            c += 1
    if not d and not c:
        return None
    return "direction" if d >= c else "comparator"


# --------------------------------------------------------------------------- other lines

_TITLE = re.compile(r"绩效(?:目标)?(?:申报|评审)?表|绩效目标|申报表")


def title_like(text: str) -> bool:
    """A form's title (…项目支出绩效目标表, 绩效目标申报表 (2021年度)), not a field."""
    t = squash(text)
    return 4 <= len(t) <= 80 and bool(_TITLE.search(t)) and not t.startswith(("注", "说明"))


_FOOTER = re.compile(
    r"^(?:注\d?[:：.、]|注$|说明[:：]|备注[:：]|填报人|填表人|单位负责人|部门负责人|财务负责人|审核人|审核意见|"
    r"填报日期|填表日期|其他说明的问题|其他需说明的问题|其他需要说明的问题|单位已有的|主管部门审核|财政部门审核|"
    r"主管部门意见|财政部门意见|项目单位意见|经办人)"
)


def footer_line(text: str) -> bool:
    """A note or signature line under a table (注:…, 填报人:…): never an indicator."""
    return bool(_FOOTER.match(squash(text)))


_SECTION = re.compile(r"^(?:年度|中期|长期|总体|项目)?绩效(?:项目)?指标(?:表)?$")
_SECTION_KIND = re.compile(r"^(年度|中期|长期|总体)")


def section_label(text: str) -> str | None:
    """The label of an indicator section (年度绩效指标, 绩效\\n指标, 绩效指标(权重分值90分…)) or None.

    Returns the kind: "年度", "中期", "长期", "总体" or "" (a plain 绩效指标).
    """
    t = squash(text)
    if len(t) > 120 or "指标" not in t:
        return None
    head = re.split(r"[(（]", t, maxsplit=1)[0]
    if not _SECTION.match(head):
        return None
    m = _SECTION_KIND.match(head)
    return m.group(1) if m else ""


_BUDGET_TOTAL = re.compile(r"^[^\d]{0,12}?(?:权重|分值)[^\d]{0,6}?(\d+(?:\.\d+)?)分")
_BUDGET_PART = re.compile(r"(产出|效益|满意度|成本)指标[^\d，,；;]{0,8}?(\d+(?:\.\d+)?)分")


def weight_budget(text: str) -> tuple[float | None, tuple[tuple[str, float], ...]]:
    """The weights a section label states: 绩效指标(权重分值90分,其中产出指标权重分值50分,…)
    → (90, (("产出", 50), …)); (None, ()) when it states none."""
    t = squash(text).replace("（", "(").replace("）", ")")
    if "分" not in t:
        return None, ()
    inner = t.split("(", 1)[1] if "(" in t else ""
    m = _BUDGET_TOTAL.match(inner)
    total = float(m.group(1)) if m else None
    parts = tuple((k, float(n)) for k, n in _BUDGET_PART.findall(inner))
    return total, parts


# --------------------------------------------------------------------------- checkboxes

_BOX = "□☐"
_TICK = "■☑☒√✓✔▇"
_GLYPHS = _BOX + _TICK
# 口 stands for a box only where a word cannot go on (at the end, before a space or another option)
_TOKENS = re.compile(rf"[{_GLYPHS}]|口(?=\s|$|[{_GLYPHS}])|[^{_GLYPHS}\s]+")


def has_checkbox(text: str) -> bool:
    return any(g in text for g in _GLYPHS) or bool(re.search(r"[\u4e00-\u9fff]口(?:\s|$)", text))


def checkbox_options(text: str) -> list[tuple[str, bool]]:
    """(option, ticked) of a checkbox list: ``新增项目 □ 延续项目 √`` → [(新增项目, False), (延续项目, True)].

    A glyph belongs to the word before it, or — when the text starts with a glyph — to
    the word after it.  □ ☐ and 口 are empty boxes; ■ ☑ ☒ √ ✓ ✔ are ticks.
    """
    tokens = _TOKENS.findall(text)
    if not tokens:
        return []
    glyph = [t in _GLYPHS or t == "口" for t in tokens]
    out: list[tuple[str, bool]] = []
    if glyph[0]:  # ☑ 延续项目 □ 新增项目
        for i, t in enumerate(tokens):
            if glyph[i] and i + 1 < len(tokens) and not glyph[i + 1]:
                out.append((_option(tokens[i + 1]), t in _TICK))
    else:  # 延续项目☑ 新增项目□
        for i, t in enumerate(tokens):
            if glyph[i] and i > 0 and not glyph[i - 1]:
                out.append((_option(tokens[i - 1]), t in _TICK))
    return [(o, ticked) for o, ticked in out if o]


def _option(word: str) -> str:
    return re.sub(r"^\d+[.、．]", "", word).strip("：:、，,")


# --------------------------------------------------------------------------- amounts written as text

_INLINE = re.compile(r"([一二三四五六七八九十\d]{0,2}[、.．]?[^\d:：,，;；\s]{2,12}?)\s*[:：]\s*(-?\d[\d,]*(?:\.\d+)?)")


def inline_amounts(text: str) -> list[tuple[str, str, str]]:
    """Money written as text in one cell (``资金总额: 250 一、预算资金:250 二、自有资金:0``):
    (key, label as written, number text) for each pair whose label is a money label."""
    if ":" not in text and "：" not in text:
        return []
    out = []
    for label, number in _INLINE.findall(text):
        key = FIELD_LABELS.get(label_text(label))
        if key in MONEY_TOTALS or key in MONEY_PARTS:
            out.append((key, label, number))
    return out


@lru_cache(maxsize=4096)
def clean_label(text: str) -> str:
    """A label as a message quotes it: ``其中:当年财政拨款`` → ``当年财政拨款``, ``年度资金总额:`` → ``年度资金总额``."""
    t = squash(text)
    t = _UNIT_IN_BRACKETS.sub("", t)
    t = _NUMBERING.sub("", t)
    t = re.sub(r"^其中[:：]?", "", t)
    return t.strip("：:*＊★")
