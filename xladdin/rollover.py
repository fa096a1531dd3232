"""新年度: next year's tables from this year's, as a plan a person can review.

Each year the department copies last year's tables and retypes the years.  The
dangerous part is not the typing but telling years apart: "2026年需数字化的人事档案"
means the budget year and must become 2027, while "宁党办〔2019〕129号", a contract
that ends 2029-10-1 and "2020年8月我厅…报送" are facts that stay.  So the plan only
changes what clearly means the budget year, keeps amounts and quantities (the
machine cannot know next year's budget) but marks them 待更新, and lists every case
it is unsure of for the ``新年度检查`` sheet instead of guessing.

Pure core: ``Project`` / ``SheetData`` in, ``RolloverPlan`` out.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from xladdin.check import TOOL_SHEETS, target_table
from xladdin.errors import UserError
from xladdin.framework import level2_key
from xladdin.model import Edit, Project, SheetData, cell_ref, display_text, parse_ref
from xladdin.summary import find_summary_header
from xladdin.values import parse

# Categories of the 新年度检查 sheet, in the order a person works through them.
CHANGED = "已改年份"
TODO = "待更新"
CONFIRM = "需确认"
CATEGORIES = (CONFIRM, TODO, CHANGED)

_YEAR = re.compile(r"(?<![\d.])((?:19|20)\d{2})(?!\d)")
# 〔2019〕 [2019] 【2019】 (2019) （2019） — the year of a document number.
_DOC_NO = re.compile(r"[〔\[【（(]\s*$")
_DOC_NO_AFTER = re.compile(r"^\s*[〕\]】）)]")
# A year followed by a specific month or day: an event date, not "the budget year".
_SPECIFIC_DATE = re.compile(r"^(?:\s*年\s*\d{1,2}\s*月|[-./]\s*\d{1,2})")
# A year directly naming the budget year's plan: "2026年计划", "2026年度", "2026年需".
_CLAUSE_END = re.compile(r"[，,；;。！!？?\n]")
# Words that make a budget-year mention an event of this year rather than "the year of
# the table": a contract signed or expiring, something already done.
_EVENT_WORDS = ("合同", "签订", "到期", "已于", "截至", "截止", "以来", "届满")


@dataclass(frozen=True)
class CheckItem:
    """One line of the 新年度检查 sheet: a cell a person must look at, and why."""

    sheet: str
    cell: str
    category: str  # CHANGED | TODO | CONFIRM
    text: str  # what the cell holds now (or the part of it that matters)
    note: str  # what to look at, in Chinese

    def as_dict(self) -> dict[str, str]:
        return {
            "sheet": self.sheet,
            "cell": self.cell,
            "category": self.category,
            "text": self.text,
            "note": self.note,
        }


@dataclass
class RolloverPlan:
    target_year: int
    edits: list[Edit] = field(default_factory=list)
    checks: list[CheckItem] = field(default_factory=list)

    @property
    def marked(self) -> list[tuple[str, str]]:
        """Cells to highlight as 待更新/需确认 (their values are not changed)."""
        changed = {(e.sheet, e.cell) for e in self.edits}
        out: list[tuple[str, str]] = []
        for c in self.checks:
            key = (c.sheet, c.cell)
            if c.category != CHANGED and key not in changed and key not in out:
                out.append(key)
        return out


# --------------------------------------------------------------------------- text


@dataclass(frozen=True)
class YearMention:
    """One four-digit year inside a text and what the plan does with it."""

    start: int
    end: int
    year: int
    action: str  # "roll" | "keep" | "confirm"
    reason: str = ""


def year_mentions(text: str, budget_year: int, context: str) -> list[YearMention]:
    """Classify every year in ``text``.

    ``context`` is "title", "timing" or "name" (every budget-year mention rolls: the
    title, 时效 dates and 三级指标 names are about the budget year by definition — a
    name left at last year is exactly what TIME004 reports), or "text" (the narrative,
    other values): a budget-year mention rolls only when it names the year itself
    ("2026年计划支付", "2026年数字化8000册"), not when it dates an event ("2026年10月
    到期", "2026年需签订第三轮合同").
    """
    out: list[YearMention] = []
    for m in _YEAR.finditer(text):
        y = int(m.group(1))
        before, after = text[: m.start()], text[m.end() :]
        if _DOC_NO.search(before) and _DOC_NO_AFTER.match(after):
            out.append(YearMention(m.start(), m.end(), y, "keep", "文号"))
            continue
        if y != budget_year:
            out.append(YearMention(m.start(), m.end(), y, "keep", "非预算年度"))
            continue
        if context in ("title", "timing", "name"):
            out.append(YearMention(m.start(), m.end(), y, "roll"))
            continue
        if _SPECIFIC_DATE.match(after):
            out.append(YearMention(m.start(), m.end(), y, "confirm", "具体日期"))
            continue
        clause = _clause_around(text, m.start(), m.end())
        if any(w in clause for w in _EVENT_WORDS):
            out.append(YearMention(m.start(), m.end(), y, "confirm", "事件"))
            continue
        out.append(YearMention(m.start(), m.end(), y, "roll"))
    return out


def _clause_around(text: str, start: int, end: int) -> str:
    left = max((m.end() for m in _CLAUSE_END.finditer(text, 0, start)), default=0)
    right_m = _CLAUSE_END.search(text, end)
    right = right_m.start() if right_m else len(text)
    return text[left:right]


def roll_text(text: str, budget_year: int, target_year: int, context: str) -> tuple[str, list[YearMention]]:
    """``text`` with its budget-year mentions moved to ``target_year``; plus every mention."""
    mentions = year_mentions(text, budget_year, context)
    delta = target_year - budget_year
    out, pos = [], 0
    for mn in mentions:
        if mn.action == "roll":
            out.append(text[pos : mn.start])
            out.append(str(mn.year + delta))
            pos = mn.end
    out.append(text[pos:])
    return "".join(out), mentions


def excerpt(text: str, start: int, end: int, width: int = 18) -> str:
    """The words around a mention, the mention in 【】, so a reader finds it in a long narrative."""
    a, b = max(0, start - width), min(len(text), end + width)
    body = text[a:start] + "【" + text[start:end] + "】" + text[end:b]
    return ("…" if a else "") + body + ("…" if b < len(text) else "")


def as_text(value: Any) -> str | None:
    """The text of a cell: a str, or the plain text of rich text (runs in several fonts).

    Rich text comes back from the shell as an object whose ``str`` is its plain text;
    the plan works on that text, and since a year is replaced by a year of the same
    length, the shell can put each replacement back into the run it came from.
    """
    if isinstance(value, str):
        return value
    if value is None or isinstance(value, int | float | bool | dt.date | dt.datetime):
        return None
    text = str(value)
    return text if not text.startswith("<") else None


def _shift_date(value: dt.date | dt.datetime, delta: int) -> dt.date | dt.datetime:
    try:
        return value.replace(year=value.year + delta)
    except ValueError:  # 29 February into a common year
        return value.replace(year=value.year + delta, day=28)


# --------------------------------------------------------------------------- plan


def plan_rollover(sheets: list[SheetData], target_year: int) -> RolloverPlan:
    """Edits and check items that turn a workbook's tables into ``target_year``'s.

    Project tables are found by the layout reader; every other sheet is only scanned
    for the old year, never changed.
    """

    plan = RolloverPlan(target_year)
    others: list[SheetData] = []
    projects: list[Project] = []
    for sh in sheets:
        if sh.name in TOOL_SHEETS:
            continue
        p = target_table(sh)
        if p is None:
            others.append(sh)
        else:
            projects.append(p)
            _plan_project(plan, p, sh, target_year)
    years = Counter(source_year(p, target_year) for p in projects)
    year = years.most_common(1)[0][0] if years else target_year - 1
    for sh in others:
        if not _plan_summary(plan, sh, year, target_year):
            _plan_other_sheet(plan, sh, target_year)
    return plan


def source_year(project: Project, target_year: int) -> int:
    return project.year if project.year is not None else target_year - 1


def _edit(plan: RolloverPlan, sheet: str, cell: str, old: Any, new: Any, why: str) -> None:
    if old != new:
        plan.edits.append(Edit(sheet, cell, old, new, why))


def _plan_project(plan: RolloverPlan, p: Project, sheet: SheetData, target: int) -> None:
    year = source_year(p, target)
    s = p.sheet
    if year == target:
        raise UserError(f"工作表“{s}”已经是{target}年度的表，无需再生成{target}年度。请用 --to 指定下一年度。")
    if year > target:
        raise UserError(f"工作表“{s}”是{year}年度的表，--to {target} 早于它。请用 --to 指定更晚的年度。")
    # title and "(2026年)": the budget year by definition
    cells = [p.title.cell] + ([p.year_cell] if p.year_cell != p.title.cell else [])
    for ref in cells:
        value = as_text(sheet.value(*parse_ref(ref)))
        if value is None:
            continue
        _roll_title(plan, s, ref, value, year, target, "标题")
    if p.year is None:
        plan.checks.append(
            CheckItem(s, p.title.cell, CONFIRM, p.title.text, f"未在标题中找到预算年度，按{year}年处理，请核对")
        )
    _plan_period(plan, p, year, target)
    _plan_money(plan, p, year, target)
    _plan_goal(plan, p, year, target)
    for ind in p.indicators:
        _plan_indicator(plan, p, ind, year, target)


def _roll_title(plan: RolloverPlan, sheet: str, ref: str, value: str, year: int, target: int, what: str) -> None:
    """A title names the budget year by definition: every mention of it rolls, and is listed."""
    new, _ = roll_text(value, year, target, "title")
    _edit(plan, sheet, ref, value, new, f"{what}年度改为{target}年")
    if new != value:
        plan.checks.append(CheckItem(sheet, ref, CHANGED, new, f"{what}年度由{year}年改为{target}年"))


def _plan_period(plan: RolloverPlan, p: Project, year: int, target: int) -> None:
    years = [int(y) for y in _YEAR.findall(p.period.text)]
    if len(years) >= 2 and not (min(years) <= target <= max(years)):
        plan.checks.append(
            CheckItem(p.sheet, p.period.cell, CONFIRM, p.period.text, f"项目期不包含{target}年，请确认项目是否延续")
        )
    elif len(years) == 1 and years[0] == year:
        plan.checks.append(
            CheckItem(p.sheet, p.period.cell, CONFIRM, p.period.text, f"项目期只写了{year}年，请确认{target}年是否延续")
        )


def _plan_money(plan: RolloverPlan, p: Project, year: int, target: int) -> None:
    for label, amount in p.money.items():
        if amount.number:
            plan.checks.append(
                CheckItem(
                    p.sheet,
                    amount.cell,
                    TODO,
                    f"{label} {amount.text}",
                    f"沿用{year}年金额，请按{target}年预算更新",
                )
            )


def _plan_goal(plan: RolloverPlan, p: Project, year: int, target: int) -> None:
    goal = p.goal
    text = as_text(goal.value)
    if text is None or not text.strip():
        return
    new, mentions = roll_text(text, year, target, "text")
    _edit(plan, p.sheet, goal.cell, text, new, f"年度总体绩效目标中表示预算年度的{year}年改为{target}年")
    for mn in mentions:
        if mn.action == "roll":
            plan.checks.append(
                CheckItem(
                    p.sheet,
                    goal.cell,
                    CHANGED,
                    excerpt(new, mn.start, mn.end),
                    f"年度总体绩效目标：{year}年 → {target}年（表示预算年度）",
                )
            )
        elif mn.action == "confirm":
            why = "是具体日期" if mn.reason == "具体日期" else "说的是合同、签订、到期等事件"
            plan.checks.append(
                CheckItem(
                    p.sheet,
                    goal.cell,
                    CONFIRM,
                    excerpt(text, mn.start, mn.end),
                    f"年度总体绩效目标中的“{year}年”{why}，未改动；请确认{target}年度是否仍然如此",
                )
            )
    if re.search(r"\d\s*(万元|万|元)", text):
        amounts = re.findall(r"\d+(?:\.\d+)?\s*(?:万元|万|元)", text)
        shown = "、".join(amounts[:6]) + ("…" if len(amounts) > 6 else "")
        plan.checks.append(
            CheckItem(
                p.sheet,
                goal.cell,
                TODO,
                shown,
                f"年度总体绩效目标中的金额和数量沿用{year}年，请按{target}年预算更新",
            )
        )


def _plan_indicator(plan: RolloverPlan, p: Project, ind: Any, year: int, target: int) -> None:

    s = p.sheet
    key = level2_key(ind.level2.text)
    # the name: a target of the budget year, so its budget-year mentions all roll
    name = as_text(ind.name.value)
    if name:
        new, _ = roll_text(name, year, target, "name")
        _edit(plan, s, ind.name.cell, name, new, f"指标名称中的{year}年改为{target}年")
        if new != name:
            plan.checks.append(CheckItem(s, ind.name.cell, CHANGED, new, f"指标名称：{year}年 → {target}年"))
    value = as_text(ind.value.value)
    if key == "时效":
        _plan_timing(plan, p, ind, year, target)
        return
    if isinstance(value, str) and _YEAR.search(value):
        new, mentions = roll_text(value, year, target, "text")
        _edit(plan, s, ind.value.cell, value, new, f"指标值中表示预算年度的{year}年改为{target}年")
        if new != value:
            plan.checks.append(CheckItem(s, ind.value.cell, CHANGED, new, f"指标值：{year}年 → {target}年"))
        if any(mn.action == "confirm" for mn in mentions):
            plan.checks.append(
                CheckItem(s, ind.value.cell, CONFIRM, value, f"指标值中的“{year}年”是具体日期或事件，未改动，请确认")
            )
    v = parse(ind.value.text)
    label = ind.name.text or ind.level2.text
    if key == "成本" or v.is_money:
        if v.kind not in ("empty", "qualitative"):
            plan.checks.append(
                CheckItem(
                    s, ind.value.cell, TODO, f"{label}：{ind.value.text}", f"成本沿用{year}年，请按{target}年测算更新"
                )
            )
    elif key == "数量" and v.kind in ("quantity", "duration", "rate", "product"):
        plan.checks.append(
            CheckItem(
                s, ind.value.cell, TODO, f"{label}：{ind.value.text}", f"数量沿用{year}年，请按{target}年计划更新"
            )
        )


def _plan_timing(plan: RolloverPlan, p: Project, ind: Any, year: int, target: int) -> None:
    """时效: dates in the budget year move with it; other years stay and are listed."""
    s = p.sheet
    value: Any = ind.value.value
    delta = target - year
    label = ind.name.text or "时效指标"
    if isinstance(value, dt.date | dt.datetime):
        if value.year == year:
            new = _shift_date(value, delta)
            _edit(plan, s, ind.value.cell, value, new, f"时效日期顺延一年至{target}年")
            plan.checks.append(
                CheckItem(s, ind.value.cell, CHANGED, display_text(new), f"{label}：日期顺延到{target}年")
            )
        else:
            plan.checks.append(
                _other_year_item(s, ind.value.cell, label, display_text(value), value.year, year, target)
            )
        return
    value = as_text(value)
    if value is None:
        return
    rolled, mentions = roll_text(value, year, target, "timing")
    _edit(plan, s, ind.value.cell, value, rolled, f"时效日期顺延一年至{target}年")
    if rolled != value:
        plan.checks.append(CheckItem(s, ind.value.cell, CHANGED, rolled, f"{label}：{value} → {rolled}"))
    for mn in mentions:
        if mn.action == "keep" and mn.reason == "非预算年度":
            plan.checks.append(_other_year_item(s, ind.value.cell, label, value, mn.year, year, target))


def _other_year_item(sheet: str, cell: str, label: str, text: str, found: int, year: int, target: int) -> CheckItem:
    if found < year:
        note = f"{label}写的是{found}年，早于原预算年度{year}年（可能是往年遗留），未改动；请改为{target}年内的日期"
    else:
        note = f"{label}写的是{found}年，不是预算年度（如合同期末），未改动；请确认{target}年度是否仍然如此"
    return CheckItem(sheet, cell, CONFIRM, text, note)


def _plan_summary(plan: RolloverPlan, sh: SheetData, year: int, target: int) -> bool:
    """项目汇总: its title names the budget year as a table's title does, so it rolls.

    Below the title the lines are formulas pointing at the tables, which roll
    themselves; any other year mention there is listed, as on other sheets.  False
    when the sheet is not a summary xladdin recognises.
    """

    header = find_summary_header(sh)
    if header is None or sh.hidden:
        return False
    for r in range(1, header):
        for c, v in enumerate(sh.rows[r - 1], start=1):
            value = as_text(v)
            if not value or value.startswith("="):
                continue
            _roll_title(plan, sh.name, cell_ref(r, c), value, year, target, "汇总表标题")
    _plan_other_sheet(plan, sh, target, first_row=header)
    return True


def _plan_other_sheet(plan: RolloverPlan, sh: SheetData, target: int, first_row: int = 1) -> None:
    """Other sheets are never changed; a budget-year mention there is only listed."""

    if sh.name in TOOL_SHEETS or sh.hidden:
        return
    year = target - 1
    for r, row in enumerate(sh.rows[first_row - 1 :], start=first_row):
        for c, v in enumerate(row, start=1):
            if isinstance(v, str) and not v.startswith("=") and re.search(rf"(?<!\d){year}(?!\d)", v):
                plan.checks.append(
                    CheckItem(
                        sh.name,
                        cell_ref(r, c),
                        CONFIRM,
                        v[:60],
                        f"这不是项目表，xladdin 未改动其中的{year}年；如需要请手工改为{target}年",
                    )
                )


__all__ = [
    "CATEGORIES",
    "CHANGED",
    "CONFIRM",
    "TODO",
    "CheckItem",
    "RolloverPlan",
    "YearMention",
    "plan_rollover",
    "roll_text",
    "year_mentions",
]
