"""填充指标: the rows a table lacks, as a plan of changes a person can see and undo.

Four kinds of change, each small enough to be checked at a glance:

* **skeleton** — every 一级/二级 group of the table's framework, in the standard order,
  with at least one row (an empty row is highlighted for the user to fill);
* **cost rows** — for an amount the 年度总体绩效目标 states and a 数量指标 no cost line
  uses yet, the unit cost that times that quantity gives the amount back (“社保卡制卡机
  耗材4台，服务费19.6万元” + “社保卡制卡机服务耗材 4台” → “社保卡制卡机服务费 4.9万元/台”);
* **comparators** — the checker's safe fixes of VAL003/VAL004 (≥ on 满意度, 合格率 …, ≤ on
  时间, 损坏率 …, ＝100% for ≥100%); prices, totals and counts stay bare, as the
  department's form and the checker write them;
* **suggestions** — for a group with no indicator at all (a new or thin project), the
  indicators of the most similar projects in the library, units kept, numbers left
  as ``XX`` for the user.

The plan is pure data (``FillPlan``); ``xladdin.files.fill_apply`` writes it.  A plan
computed on a filled table is empty: filling twice changes nothing.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal

from xladdin.costs import explain
from xladdin.framework import (
    FRAMEWORK_2021,
    LEVEL1_LABELS,
    framework_of,
    level1_key,
    level2_key,
    level2_parent,
    old_input,
    squash,
)
from xladdin.layout import TableSpec, template_spec
from xladdin.model import Edit, Field, Indicator, Project, cell_ref, display_text
from xladdin.narrative import StatedQuantity
from xladdin.rules import all_rules, run, select_rules
from xladdin.similarity import name_similarity as similarity
from xladdin.similarity import project_similarity, text_similarity
from xladdin.values import Value, parse

# --------------------------------------------------------------------------- plan


@dataclass(frozen=True)
class NewRow:
    """A row to insert after sheet row ``after`` (coordinates of the table as read)."""

    after: int
    level1: str
    level2: str
    name: str
    value: str
    why: str
    kind: str  # "skeleton" | "cost" | "suggestion"


@dataclass
class FillPlan:
    sheet: str
    new_rows: list[NewRow] = field(default_factory=list)
    edits: list[Edit] = field(default_factory=list)  # cells of existing rows
    notes: list[str] = field(default_factory=list)  # what was looked at but not done, Chinese

    @property
    def empty(self) -> bool:
        return not self.new_rows and not self.edits


# --------------------------------------------------------------------------- comparators

# The checker's rules whose safe fixes are 填充指标's comparators: one place decides
# where a comparator is missing and which one (``xladdin.direction``), so the advice a user
# reads and the change the filler makes cannot disagree.
COMPARATOR_RULES = ("VAL003", "VAL004")


def comparator_edits(project: Project) -> list[Edit]:
    """The safe fixes of VAL003/VAL004 for one table, as edits (≥ on a 满意度, ≤ on a 损坏率, ＝100% for ≥100%).

    Unit prices and counts stay bare, as the department's form and the checker state them;
    a value whose direction is not beyond doubt is left to the user (the checker says so).
    """

    out = []
    for f in run(project, select_rules(all_rules(), COMPARATOR_RULES)):
        if f.fix is not None and f.fix.safe:
            old = display_text(f.fix.old) or "空"  # a comparator column's cell may be empty
            why = f"补比较符号（校验规则{f.rule}）：“{old}”改为“{f.fix.new}”"
            out.append(Edit(project.sheet, f.fix.cell, f.fix.old, f.fix.new, why))
    return out


# --------------------------------------------------------------------------- unit costs

_FEE_WORDS = ("服务费", "运维费", "维护费", "租赁费", "托管费", "培训费", "经费", "费用", "费")
_QTY_TAILS = re.compile(
    r"(服务耗材|耗材|数量|人数及[\u4e00-\u9fff]{0,2}天数|人数及天数|人数|天数|册数|台数|个数|次数|套数|专家数|时间|工作人员|人员|费)+$",
)
_INDEX = re.compile(r"^(指标\s*\d+\s*[:：])")
_STAFF = ("人员", "驻场", "运维", "维护", "值守", "工作人员")


@dataclass(frozen=True)
class UnitCost:
    """A derived unit cost and how it was found."""

    text: str  # "4.9万元/台"
    yuan: Decimal  # per one unit, in 元
    quantity: float  # the multiplier used (people × 12 for 万元/月/人)
    per: tuple[str, ...]


def _decimals(text: str) -> int:
    m = re.search(r"\d+(?:\.(\d+))?", text)
    return len(m.group(1)) if m and m.group(1) else 0


def round_unit_cost(amount_wan: Decimal, decimals: int, quantity: Decimal) -> Decimal | None:
    """The roundest unit cost (元) whose product with ``quantity`` rounds to the stated amount.

    Published amounts are rounded (“密码键盘4台，0.21万元”): 525元/台 divides exactly,
    but 520元/台 × 4 = 0.208万元 also reads 0.21万元 and is what a person would write.
    So among the unit costs whose product rounds back to the stated amount, take the
    one with the fewest significant digits; between equals, the nearest to the exact
    quotient, then the lower one.
    """
    if quantity <= 0 or amount_wan <= 0:
        return None
    step = Decimal(1).scaleb(-max(decimals, 2))  # published amounts are to 0.01万元
    stated = amount_wan.quantize(step, rounding=ROUND_HALF_UP)
    exact = amount_wan * 10000 / quantity

    def fits(c: Decimal) -> bool:
        return (c * quantity / 10000).quantize(step, rounding=ROUND_HALF_UP) == stated

    top = math.floor(math.log10(float(exact)))
    for sig in range(1, 10):
        unit = Decimal(1).scaleb(top - sig + 1)
        base = (exact / unit).to_integral_value()
        cands = [c for c in ((base + k) * unit for k in (-2, -1, 0, 1, 2)) if c > 0 and fits(c)]
        if cands:
            return min(cands, key=lambda c: (abs(c - exact), c)).normalize()
    return None


def _num(d: Decimal) -> str:
    s = format(d.normalize(), "f")
    return s.rstrip("0").rstrip(".") if "." in s else s


def unit_cost_text(yuan: Decimal, per: tuple[str, ...]) -> str:
    """元 below 10 000, else 万元 — the way the department writes its unit costs."""
    tail = "".join("/" + p for p in per)
    if yuan >= 10000:
        return f"{_num(yuan / 10000)}万元{tail}"
    return f"{_num(yuan)}元{tail}"


def derive_unit_cost(amount_wan: float, amount_text: str, qty: Indicator, staff_months: int = 12) -> UnitCost | None:
    """Unit cost for ``qty`` (a 数量指标) that explains ``amount_wan``.

    People employed over the year (驻场/运维/维护人员) are paid by the month: the
    quantity is people × months and the rate reads 万元/月/人, as the department writes
    it (1.2万元/月/人 × 18人 × 12个月).  A rate quantity (1870人/年) gives a rate per
    its unit and period (元/人/年); a product (9天*50人) a rate per each factor.
    """
    v = parse(qty.value.text)
    if v.number is None or v.number <= 0 or v.is_money:
        return None
    if v.kind == "product":
        units = [f.unit for f in v.factors]
        if len(units) != 2 or any(not u for u in units):
            return None
        per = tuple(sorted(units, key=lambda u: u in ("天", "月", "年", "次")))
        q = Decimal(str(v.number))
    elif v.kind == "rate":
        if not v.unit or len(v.per) != 1:
            return None
        per = (v.unit, v.per[0])
        q = Decimal(str(v.number))
    elif v.kind in ("quantity", "duration"):
        if not v.unit:
            return None
        if v.unit == "人" and any(w in qty.name.text for w in _STAFF):
            per = ("月", "人")
            q = Decimal(str(v.number)) * staff_months
        else:
            per = (v.unit,)
            q = Decimal(str(v.number))
    else:
        return None
    amount = Decimal(str(amount_wan))
    yuan = round_unit_cost(amount, _decimals(amount_text), q)
    if yuan is None:
        return None
    return UnitCost(unit_cost_text(yuan, per), yuan, float(q), per)


def _fee_word(context: str) -> str | None:
    return next((w for w in _FEE_WORDS if w in context[-8:]), None)


def _join_fee(base: str, fee: str) -> str:
    """“专线租赁” + “租赁费” → “专线租赁费” (no word said twice)."""
    for k in range(len(fee) - 1, 0, -1):
        if base.endswith(fee[:k]):
            return base + fee[k:]
    return base + fee


def cost_name(qty_name: str, context: str, sibling_contexts: list[str]) -> str:
    """“社保卡制卡机服务耗材” + “…，服务费” → “社保卡制卡机服务费”."""
    t = squash(qty_name)
    m = _INDEX.match(t)
    prefix = m.group(1) if m else ""
    base = t[len(prefix) :]
    base = _QTY_TAILS.sub("", base) or base
    fee = _fee_word(context)
    if fee is None:
        # the fee word the other items use (first match per item: "服务费" before "费")
        found = [w for w in (_fee_word(c) for c in sibling_contexts) if w]
        fee = max(set(found), key=found.count) if found else "费"
    if base.endswith(fee) or (fee == "费" and base.endswith("费")):
        return prefix + base
    return prefix + _join_fee(base, fee)


def _stated_quantity(quantities: tuple[StatedQuantity, ...], pos: int) -> StatedQuantity | None:
    """The item/quantity the narrative states right before an amount (“…4台，服务费19.6万元”)."""
    near = [q for q in quantities if q.span[1] <= pos and pos - q.span[1] <= 12 and q.label]
    return near[-1] if near else None


@dataclass(frozen=True)
class CostProposal:
    name: str
    value: str
    quantity_row: int
    amount_text: str
    why: str


def propose_costs(project: Project) -> tuple[list[CostProposal], list[str]]:
    """Cost rows for narrative amounts that no cost line explains; plus notes on what was left."""

    exp = explain(project)
    narrative = exp.narrative
    unmatched_rows = {u.row for u in exp.unmatched_quantities}
    qtys = [i for i in project.indicators if i.row in unmatched_rows and level2_key(i.level2.text) == "数量"]
    amounts = [a for a in exp.narrative_unmatched if not a.is_total and not a.in_formula]
    if not qtys or not amounts:
        return [], []
    contexts = [a.context for a in narrative.amounts if not a.is_total]
    pairs: list[tuple[float, int, int]] = []
    ambiguous: set[int] = set()
    for ai, a in enumerate(amounts):
        stated = _stated_quantity(narrative.quantities, a.span[0])
        scores = []
        for qi, q in enumerate(qtys):
            s = similarity(q.name.text, a.context)
            if stated is not None:
                s = max(s, similarity(q.name.text, stated.label))
                qv = parse(q.value.text)
                if qv.unit and qv.unit == stated.value.unit:
                    s += 0.3
            scores.append((s, qi))
        scores.sort(reverse=True)
        if not scores or scores[0][0] < 0.35:
            continue
        if len(scores) > 1 and scores[1][0] >= scores[0][0] - 0.15:
            ambiguous.add(ai)  # one amount for several quantities (社保宣传 = 专栏 + 节目 + …)
            continue
        pairs.append((scores[0][0], ai, scores[0][1]))
    pairs.sort(key=lambda t: -t[0])
    used_a: set[int] = set()
    used_q: set[int] = set()
    proposals: list[CostProposal] = []
    notes: list[str] = []
    for _, ai, qi in pairs:
        if ai in used_a or qi in used_q:
            continue
        a, q = amounts[ai], qtys[qi]
        uc = derive_unit_cost(a.wan, a.text, q)
        if uc is None:
            notes.append(f"「{q.name.text}」{q.value.text} 无法由“{a.context}{a.text}”推算单价")
            continue
        used_a.add(ai)
        used_q.add(qi)
        stated = _stated_quantity(narrative.quantities, a.span[0])
        why = f"由年度总体绩效目标“{a.context}{a.text}”和数量指标「{q.name.text}」{q.value.text}推算"
        if uc.per == ("月", "人"):
            why += "（驻场人员按12个月计）"
        if stated is not None:
            qv, sv = parse(q.value.text), stated.value
            if qv.number is not None and sv.number is not None and qv.unit == sv.unit and qv.number != sv.number:
                why += (
                    f"；注意：年度总体绩效目标写的是{stated.text}，数量指标是{q.value.text}，"
                    "按数量指标计算（成本×数量指标才能解释预算），请核对哪一个对"
                )
        name = cost_name(q.name.text, a.context, contexts)
        proposals.append(CostProposal(name, uc.text, q.row, a.text, why))
    proposals.sort(key=lambda c: c.quantity_row)
    for ai in sorted(ambiguous):
        a = amounts[ai]
        notes.append(f"年度总体绩效目标中的“{a.context}{a.text}”对应多个数量指标，无法拆分单价，未推算成本指标")
    for ai, a in enumerate(amounts):
        if ai not in used_a and ai not in ambiguous:
            notes.append(f"年度总体绩效目标中的“{a.context}{a.text}”没有对应的数量指标，未推算成本指标")
    return proposals, notes


# --------------------------------------------------------------------------- library


@dataclass(frozen=True)
class LibraryEntry:
    """One indicator row of some project, kept as a pattern for other projects."""

    source: str  # "workbook.xlsx / sheet"
    project: str
    goal: str
    level1: str  # key
    level2: str  # key
    name: str
    template: str  # the value with its numbers blanked: "≥XX%", "XX万元/台"


def value_template(text: str) -> str:
    """The unit of a value kept, the number left to the user: "≥95%" → "≥XX%"."""
    v = parse(text)
    if v.kind in ("empty", "qualitative", "unparsed"):
        return ""
    if v.kind == "date":
        return ""
    if not re.search(r"\d", text):
        return f"{v.comparator or ''}XX{v.unit}" if v.unit in ("%", "‰") else ""
    return re.sub(r"\d+(?:[.,]\d+)*", "XX", squash(text))


def library_from(projects: list[Project], source: str) -> list[LibraryEntry]:
    out = []
    for p in projects:
        for i in p.indicators:
            if not i.name.text:
                continue
            out.append(
                LibraryEntry(
                    source=f"{source} / {p.sheet}",
                    project=p.name.text,
                    goal=p.goal.text,
                    level1=level1_key(i.level1.text),
                    level2=level2_key(i.level2.text),
                    name=i.name.text,
                    template=value_template(i.value.text),
                )
            )
    return out


def suggest(
    project: Project, library: list[LibraryEntry], level2: str, per_group: int = 2
) -> list[tuple[LibraryEntry, float]]:
    """Indicators of the most similar projects for one empty group, best first."""
    have = {squash(i.name.text) for i in project.indicators if i.name.text}
    scored: dict[str, tuple[LibraryEntry, float]] = {}
    for e in library:
        if e.level2 != level2 or (e.project == project.name.text and e.goal == project.goal.text):
            continue
        key = squash(re.sub(r"^指标\s*\d+\s*[:：]", "", e.name))
        if key in have or any(key == squash(re.sub(r"^指标\s*\d+\s*[:：]", "", h)) for h in have):
            continue
        s = project_similarity(project.name.text, project.goal.text, e.project, e.goal)
        if s <= 0:
            continue
        # within a similar project, the indicators closest to what this project is about first
        s += 0.3 * text_similarity(e.name, project.name.text + project.goal.text)
        if key not in scored or s > scored[key][1]:
            scored[key] = (e, s)
    best = sorted(scored.values(), key=lambda t: (-t[1], t[0].source, t[0].name))
    if not best:
        return []
    top = best[0][1]
    return [b for b in best[:per_group] if b[1] >= 0.5 * top]


# --------------------------------------------------------------------------- the plan


def plan_fill(
    project: Project,
    library: list[LibraryEntry] | None = None,
    costs: bool = True,
    comparators: bool = True,
    per_group: int = 2,
) -> FillPlan:
    """Everything the table lacks, as new rows and cell edits; empty when nothing does."""
    plan = FillPlan(project.sheet)
    inds = [i for i in project.indicators]
    l1_keys = {
        k1
        for i in inds
        if i.level1.text and ((k1 := level1_key(i.level1.text)) != "投入" or old_input(k1, level2_key(i.level2.text)))
    }
    fw = framework_of(l1_keys)
    cost_key = "经济成本" if fw is FRAMEWORK_2021 else "成本"
    l1_label = {level1_key(i.level1.text): i.level1.text for i in inds if i.level1.text}

    groups: dict[tuple[str, str], list[Indicator]] = {}
    for i in inds:
        k2 = level2_key(i.level2.text)
        k1 = level2_parent(k2, fw) or level1_key(i.level1.text)
        groups.setdefault((k1, k2), []).append(i)

    cost_rows: list[CostProposal] = []
    if costs:
        cost_rows, notes = propose_costs(project)
        plan.notes.extend(notes)

    order = [(l1, k2, label) for l1, gs in fw.items() for k2, label in gs]
    # where each group's rows go: after the last row of the group, or of the nearest
    # preceding group present, or before the first row of the next one
    last_row_before: dict[int, int] = {}
    anchor = project.header_row
    present_rows = {k: max(i.row for i in v) for k, v in groups.items()}
    for n, (l1, k2, _) in enumerate(order):
        if (l1, k2) in present_rows:
            anchor = max(anchor, present_rows[(l1, k2)])
        last_row_before[n] = anchor
    # a group missing at the top goes before the first existing row, not after the header
    for n, (l1, k2, label) in enumerate(order):
        rows = groups.get((l1, k2), [])
        named = [i for i in rows if not i.is_empty]
        empty = [i for i in rows if i.is_empty]
        contents: list[tuple[str, str, str, str]] = []  # name, value, why, kind
        if (l1, k2) == ("产出" if cost_key == "成本" else "成本", cost_key):
            for c in cost_rows:
                contents.append((c.name, c.value, c.why, "cost"))
        if not named and not contents and library:
            for e, score in suggest(project, library, k2, per_group):
                why = f"参考项目「{e.project}」（{e.source}，相似度{score:.2f}）：单位沿用，数值请填写"
                name = re.sub(r"^指标\s*\d+\s*[:：]\s*", "", squash(e.name))  # the other table's numbering
                contents.append((name, e.template, why, "suggestion"))
        l1_text = l1_label.get(l1) or LEVEL1_LABELS.get(l1, l1)
        l2_text = rows[0].level2.text if rows else label
        for i in empty:
            if not contents:
                break
            name, value, why, _kind = contents.pop(0)
            plan.edits.append(Edit(project.sheet, i.name.cell, i.name.value, name, why))
            if value:
                plan.edits.append(Edit(project.sheet, i.value.cell, i.value.value, value, why))
        if not rows and not contents:
            contents.append(("", "", f"补齐指标框架：缺少“{l1_text}—{l2_text}”，请填写", "skeleton"))
        after = max(i.row for i in rows) if rows else last_row_before[n]
        for name, value, why, kind in contents:
            plan.new_rows.append(NewRow(after, l1_text, l2_text, name, value, why, kind))
    if comparators:
        plan.edits.extend(comparator_edits(project))
    _order_check(plan, project, order, groups)
    if plan.new_rows and project.columns.get("level1") == project.columns.get("name"):
        # 一级/二级 as rows of their own (the budget system's tree): a new group is a node row the
        # system adds; said, not guessed at
        missing = "、".join(dict.fromkeys(f"{nr.level1}—{nr.level2}" for nr in plan.new_rows))
        plan.notes.append(f"一级、二级指标是单独的行的表样，未自动插入新行，请补充：{missing}")
        plan.new_rows = []
    return plan


def _order_check(
    plan: FillPlan, project: Project, order: list[tuple[str, str, str]], groups: dict[tuple[str, str], list[Indicator]]
) -> None:
    """Groups out of the standard order are reported, not moved (moving rows is the user's call)."""
    pos = {(l1, k2): n for n, (l1, k2, _) in enumerate(order)}
    seen = [pos[k] for k in sorted(groups, key=lambda k: min(i.row for i in groups[k])) if k in pos]
    if seen != sorted(seen):
        plan.notes.append("指标分组的顺序与标准框架不同（产出—效益—满意度，数量—质量—时效—成本…），未调整，请人工检查")
    unknown = [k for k in groups if k not in pos]
    for k in unknown:
        rows = groups[k]
        plan.notes.append(f"第{rows[0].row}行的二级指标“{rows[0].level2.text}”不属于标准框架，未处理")


def project_with_rows(project: Project, rows: list[NewRow]) -> Project:
    """The project as it reads after the new rows are in (for checking a plan in the core)."""
    extra = []
    base = max([project.last_row, project.header_row]) + 1000
    cols = project.columns
    for n, r in enumerate(rows):
        row = base + n
        extra.append(
            Indicator(
                row=row,
                level1=Field(r.level1, cell_ref(row, cols.get("level1", 1))),
                level2=Field(r.level2, cell_ref(row, cols.get("level2", 2))),
                name=Field(r.name, cell_ref(row, cols.get("name", 3))),
                value=Field(r.value, cell_ref(row, cols.get("value", 5))),
            )
        )
    return replace(project, indicators=project.indicators + tuple(extra))


__all__ = [
    "CostProposal",
    "FillPlan",
    "LibraryEntry",
    "NewRow",
    "comparator_edits",
    "cost_name",
    "derive_unit_cost",
    "library_from",
    "plan_fill",
    "project_similarity",
    "propose_costs",
    "round_unit_cost",
    "suggest",
    "unit_cost_text",
    "value_template",
]
_ = Value


# --------------------------------------------------------------------------- new project

_BAD_SHEET_CHARS = str.maketrans({c: "" for c in "[]:*?/\\"})


def sheet_title_for(name: str, existing: list[str]) -> str:
    """A valid, unused sheet name for a project name (31 characters, no []:*?/\\)."""
    base = name.translate(_BAD_SHEET_CHARS).strip().strip("'")[:31] or "新项目"
    title, n = base, 2
    lowered = {s.lower() for s in existing}
    while title.lower() in lowered:
        suffix = f"({n})"
        title = base[: 31 - len(suffix)] + suffix
        n += 1
    return title


def new_project_spec(name: str, projects: list[Project], year: int, existing_sheets: list[str]) -> TableSpec:
    """An empty table from the template layout, its header taken from the other projects.

    主管部门, 实施单位 and 项目属性 are what most of the workbook's projects say: a
    department's projects share them, so the user only types what is new.
    """
    from collections import Counter

    def common(values: list[str]) -> str:
        vals = [v for v in values if v]
        return Counter(vals).most_common(1)[0][0] if vals else ""

    return replace(
        template_spec(year),
        sheet=sheet_title_for(name, existing_sheets),
        name=name,
        department=common([p.department.text for p in projects]),
        unit=common([p.unit.text for p in projects]),
        attribute=common([p.attribute.text for p in projects]),
    )
