"""一键修正 (check --fix) as a workbook plan: the fixes findings carry, applied and recorded.

A fix is applied only to the content it was made for (``Fix.old``): a cell that holds
something else — a formula behind the value the check read, or a change made since —
is left alone and said.  Safe fixes by default, unsafe ones only when asked (as ruff's
``--unsafe-fixes``).  Each fixed cell is highlighted and listed in 填充记录; the batch is
journalled, so 撤销 takes it back.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from xladdin.conventions import FILL_RECORD_SHEET, NEW_COLOR
from xladdin.model import Finding, SheetData, display_text, parse_ref
from xladdin.plans.marks import over_marks
from xladdin.toolsheets.records import RecordRow, fill_record_steps
from xladdin.workbook_plan import Paint, SetCell, WorkbookPlan


def fixes_to_apply(findings: Iterable[Finding], unsafe: bool = False) -> list[Finding]:
    """The findings whose fix is applied: safe ones, and unsafe ones when asked; one per cell."""
    out: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    for f in findings:
        fix = f.fix
        if fix is None or not (fix.safe or unsafe):
            continue
        key = (f.sheet, fix.cell)
        if key in seen:
            continue  # two rules fixing one cell: the first (most severe) wins, the other is seen again next check
        seen.add(key)
        out.append(f)
    return out


def plan_fix(
    sheets: Sequence[SheetData], findings: Iterable[Finding], unsafe: bool = False, time: str = ""
) -> WorkbookPlan:
    by_name = {s.name: s for s in sheets}
    plan = WorkbookPlan("fix", journal=True)
    records: list[RecordRow] = []
    notes: list[str] = []
    rules: Counter[str] = Counter()
    for f in fixes_to_apply(findings, unsafe):
        fix = f.fix
        assert fix is not None
        sheet = by_name.get(f.sheet)
        if sheet is None:
            continue
        current = sheet.value(*parse_ref(fix.cell))
        if display_text(current) != display_text(fix.old) or (isinstance(current, str) and current.startswith("=")):
            notes.append(
                f"{f.sheet}!{fix.cell}：单元格内容与校验时不同（{display_text(current)[:30]}），未修正（{f.rule}）"
            )
            continue
        why = f"修正（{f.rule}{'，需确认' if not fix.safe else ''}）：“{fix.old}”改为“{fix.new}”"
        plan.add(SetCell(f.sheet, fix.cell, fix.new, current, why), Paint(f.sheet, fix.cell, NEW_COLOR, why))
        records.append(RecordRow(f.sheet, fix.cell, current, fix.new, why))
        rules[f.rule] += 1
    plan.steps = over_marks(plan.steps, sheets)
    if records or notes:
        existing = by_name.get(FILL_RECORD_SHEET)
        plan.add(*fill_record_steps(records, notes, time, existing, set(by_name) | {FILL_RECORD_SHEET}))
    plan.notes = notes
    plan.counts = {"fixed": len(records), **{f"rule:{r}": n for r, n in rules.items()}}
    plan.names = {"rules": sorted(rules)}
    if records:
        which = "、".join(f"{r} {n}处" for r, n in sorted(rules.items()))
        plan.message = f"已修正{len(records)}处（{which}），修改处标为浅绿色，明细见“{FILL_RECORD_SHEET}”表，可撤销。"
    else:
        plan.message = "没有可以自动修正的问题。"
    return plan
