"""Structure rules: the 一级 / 二级 / 三级 hierarchy, its coverage, and its rows.

Three frameworks are valid (``xladdin.framework``): the classic one of the department's
form (成本指标 a 二级 under 产出), the 2021 one (成本指标 a 一级) and, in forms from before
2018, 投入 / 产出 / 效益.  A table follows one of them; the framework is decided per table
from its 一级 names.
"""

from __future__ import annotations

from collections.abc import Iterator

from xladdin.framework import (
    CLASSIC,
    FRAMEWORK_2021,
    FRAMEWORK_OLD,
    LEVEL1_LABELS,
    framework_of,
    level1_label,
    old_input,
    required_level1,
)
from xladdin.model import Finding, Project, cell_ref
from xladdin.rules import Context, Rule, per_project, rule
from xladdin.rules.facts import Row, filled, rows
from xladdin.rules.header import PLACEHOLDER
from xladdin.rules.wording import group_label, indicator_label, short

__all__ = ["framework"]


def framework(ctx: Context) -> dict[str, list[tuple[str, str]]]:
    return framework_of({r.l1 for r in rows(ctx) if r.l1 != "投入" or old_input(r.l1, r.l2)})


def ungrouped(ctx: Context) -> bool:
    """A table that groups nothing: no 一级/二级 columns and no group rows (an old form's bare
    指标名称 ∣ 上年度实际水平 ∣ 本年度计划水平 list).  Its groups are not missing — the form has
    none — so the group rules stay silent on it."""
    cols = ctx.project.columns
    return cols.get("level1") == cols.get("name") and not any(r.level1 or r.level2 for r in rows(ctx))


@rule("IND001", "level1-name", "error", "一级指标只能是产出指标、效益指标、满意度指标（2021版框架另有成本指标）")
def level1_name(ctx: Context, r: Rule) -> Iterator[Finding]:
    if ungrouped(ctx):
        return
    old = framework(ctx) is FRAMEWORK_OLD
    seen: set[str] = set()
    for row in rows(ctx):
        ind, f = row.ind, row.ind.level1
        if f.cell in seen:
            continue
        seen.add(f.cell)
        if row.l1 == "":
            if not row.empty:
                yield ctx.finding(
                    r, f.cell, f"{indicator_label(ind)}所在行没有一级指标，请填写一级指标。", expected="一级指标"
                )
            continue
        if row.l1 not in LEVEL1_LABELS and not (old and row.l1 == "投入"):
            yield ctx.finding(
                r,
                f.cell,
                f"一级指标“{f.text}”不是规定的名称，应为产出指标、效益指标、满意度指标（或2021版框架的成本指标）。",
                expected="产出指标 / 效益指标 / 满意度指标 / 成本指标",
                actual=f.text,
            )


@rule("IND002", "level2-under-level1", "error", "二级指标必须是所属一级指标下规定的二级指标")
def level2_under_level1(ctx: Context, r: Rule) -> Iterator[Finding]:
    fw = framework(ctx)
    seen: set[str] = set()
    for row in rows(ctx):
        ind, f = row.ind, row.ind.level2
        if f.cell in seen or (row.empty and row.level2 == ""):
            continue
        seen.add(f.cell)
        l1 = row.l1
        if l1 not in fw:
            continue  # IND001 reports the 一级
        allowed = fw[l1]
        if row.l2 == "":
            yield ctx.finding(
                r, f.cell, f"{indicator_label(ind)}所在行没有二级指标，请填写二级指标。", expected="二级指标"
            )
            continue
        key = row.l2
        if any(k == key for k, _ in allowed):
            continue
        names = "、".join(label for _, label in allowed)
        other = "2021版框架" if fw is CLASSIC else "传统框架"
        label = level1_label(l1, fw)
        yield ctx.finding(
            r,
            f.cell,
            f"二级指标“{f.text}”不属于一级指标“{ind.level1.text}”。{label}下应为：{names}"
            + (f"（“{f.text}”是{other}的写法，一张表只能用一种框架）。" if _in_other(key, fw) else "。"),
            expected=names,
            actual=f.text,
        )


def _in_other(key: str, fw: dict[str, list[tuple[str, str]]]) -> bool:
    if fw is FRAMEWORK_OLD:
        return False  # an old form's groups are named its own way; no second framework to point to
    other = FRAMEWORK_2021 if fw is CLASSIC else CLASSIC
    return any(k == key for groups in other.values() for k, _ in groups)


@rule(
    "IND003", "framework-mixed", "error", "成本指标只能作为一级指标（2021版）或产出下的二级指标（传统版），不能两者混用"
)
def framework_mixed(ctx: Context, r: Rule) -> Iterator[Finding]:
    as_l1 = [x.ind for x in rows(ctx) if x.l1 == "成本"]
    as_l2 = [x.ind for x in rows(ctx) if x.l1 == "产出" and x.l2 == "成本"]
    if as_l1 and as_l2:
        i = as_l2[0]
        yield ctx.finding(
            r,
            i.level2.cell,
            f"本表已把成本指标作为一级指标（{as_l1[0].level1.cell}），产出指标下又有二级“成本指标”（{i.level2.cell}）。"
            "一张表只能用一种框架，请把成本指标统一放在一处。",
            expected="只用一种框架",
            actual="两种框架混用",
        )


def _anchor(p: Project) -> str:
    """Where a finding about the whole indicator block goes: the 一级指标 header cell."""
    return cell_ref(p.header_row, p.columns.get("level1", 1))


@rule("IND004", "level1-coverage", "error", "产出指标、效益指标、满意度指标下都至少要有一个三级指标")
def level1_coverage(ctx: Context, r: Rule) -> Iterator[Finding]:
    p = ctx.project
    if ungrouped(ctx):
        return
    present = {x.l1 for x in filled(ctx)}
    fw = framework(ctx)
    for key in required_level1(fw):
        if key not in present:
            label = level1_label(key, fw)
            yield ctx.finding(
                r,
                _anchor(p),
                f"表中没有{label}（或{label}下没有填写三级指标），每张表都应有{label}。",
                expected=label,
                actual="缺少",
            )


@rule(
    "IND005", "level2-coverage", "warning", "产出指标宜有数量、质量、时效（传统框架还有成本）指标；效益指标至少有一项"
)
def level2_coverage(ctx: Context, r: Rule) -> Iterator[Finding]:
    p = ctx.project
    fw = framework(ctx)
    have = {(x.l1, x.l2) for x in filled(ctx)}
    out_rows = [x.ind for x in filled(ctx) if x.l1 == "产出"]
    if out_rows:
        missing = [label for k, label in fw["产出"] if ("产出", k) not in have]
        if missing:
            yield ctx.finding(
                r,
                out_rows[0].level1.cell,
                f"产出指标下没有{'、'.join(missing)}。绩效目标应从数量、质量、时效、成本等方面细化。",
                expected="、".join(label for _, label in fw["产出"]),
                actual="缺少" + "、".join(missing),
            )
    if "成本" in fw and not any(x.l1 == "成本" for x in filled(ctx)):
        yield ctx.finding(
            r,
            _anchor(p),
            "本表按2021版框架填写，但成本指标下没有三级指标。",
            expected="成本指标",
            actual="缺少",
        )


@rule("IND006", "empty-row", "warning", "空的指标行（没有三级指标名称也没有指标值）应删除或填写")
def empty_row(ctx: Context, r: Rule) -> Iterator[Finding]:
    for x in rows(ctx):
        ind = x.ind
        if x.empty:
            yield ctx.finding(
                r,
                ind.name.cell,
                f"第{ind.row}行（{group_label(ind)}）是空行：没有三级指标名称，也没有指标值。请填写或删除这一行。",
                expected="三级指标和指标值",
                actual="",
            )


@rule("IND007", "row-incomplete", "error", "每个三级指标都要有指标值，每个指标值都要有三级指标名称")
def row_incomplete(ctx: Context, r: Rule) -> Iterator[Finding]:
    for x in filled(ctx):
        ind = x.ind
        if x.value == "":
            yield ctx.finding(
                r,
                ind.value.cell,
                f"{indicator_label(ind)}没有填写指标值。",
                expected="指标值",
                actual="",
            )
        elif x.name == "":
            yield ctx.finding(
                r,
                ind.name.cell,
                f"第{ind.row}行（{group_label(ind)}）有指标值“{x.value}”，但没有三级指标名称。",
                expected="三级指标名称",
                actual="",
            )


@rule("IND008", "placeholder", "error", "三级指标名称和指标值中不能留有模板占位内容（如 **、XX）")
def placeholder(ctx: Context, r: Rule) -> Iterator[Finding]:
    present = filled(ctx)
    # One search over all names and values first: no placeholder spans a line break, and
    # almost every table has none, so the row-by-row search below rarely runs.
    if not PLACEHOLDER.search("\n".join(t for x in present for t in (x.name, x.value))):
        return
    for x in present:
        for text, cell, what in ((x.name, x.ind.name.cell, "三级指标名称"), (x.value, x.ind.value.cell, "指标值")):
            m = PLACEHOLDER.search(text)
            if m:
                yield ctx.finding(
                    r,
                    cell,
                    f"{what}“{short(text)}”中还留着模板占位内容“{m.group(0)}”，请换成实际内容。",
                    expected="实际内容",
                    actual=text,
                )


@per_project
def _duplicates(ctx: Context) -> list[tuple[Row, Row]]:
    """(first, later) pairs of rows with the same name; a quantity and its cost may share one."""
    first: dict[str, list[Row]] = {}
    pairs: list[tuple[Row, Row]] = []
    for x in filled(ctx):
        if not x.key:
            continue
        for prev in first.get(x.key, []):
            if prev.cost != x.cost:
                continue  # 数量「X」 21台 and 成本「X」 1万元/台 describe one thing twice on purpose
            pairs.append((prev, x))
            break
        first.setdefault(x.key, []).append(x)
    return pairs


def _same_target(ctx: Context, a: Row, b: Row) -> bool:
    return a.value.replace(" ", "") == b.value.replace(" ", "") or ctx.values[a.row] == ctx.values[b.row]


@rule("IND009", "duplicate-conflict", "error", "同一个三级指标出现两次且指标值不同（年终无法按两个目标评价）")
def duplicate_conflict(ctx: Context, r: Rule) -> Iterator[Finding]:
    for x, y in _duplicates(ctx):
        if _same_target(ctx, x, y):
            continue
        a, b = x.ind, y.ind
        yield ctx.finding(
            r,
            b.value.cell,
            f"三级指标「{short(y.name)}」出现了两次，指标值不同：{group_label(a)}（{a.value.cell}）为"
            f"“{x.value}”，{group_label(b)}（{b.value.cell}）为“{y.value}”。同一指标只能有一个目标值，"
            "请删去一个或统一指标值。",
            expected=x.value,
            actual=y.value,
        )


@rule("IND010", "duplicate", "warning", "同一个三级指标重复出现（指标值相同）")
def duplicate_same(ctx: Context, r: Rule) -> Iterator[Finding]:
    for x, y in _duplicates(ctx):
        if not _same_target(ctx, x, y):
            continue
        a, b = x.ind, y.ind
        yield ctx.finding(
            r,
            b.name.cell,
            f"三级指标「{short(y.name)}」在{group_label(a)}（{a.name.cell}）和{group_label(b)}（{b.name.cell}）"
            "重复出现，请删去重复的一行。",
            expected="不重复",
            actual=y.name,
        )
