"""Structure rules: the 一级 / 二级 / 三级 hierarchy, its coverage, and its rows.

Two frameworks are valid (``xladdin.framework``): the classic one of the department's
form (成本指标 a 二级 under 产出) and the 2021 one (成本指标 a 一级).  A table follows
one of them; the framework is decided per table from its 一级 names.
"""

from __future__ import annotations

from collections.abc import Iterator

from xladdin.framework import CLASSIC, FRAMEWORK_2021, LEVEL1_LABELS, framework_of, level1_key, level2_key
from xladdin.model import Finding, Indicator, Project, cell_ref
from xladdin.rules import Context, Rule, rule
from xladdin.rules.header import PLACEHOLDER
from xladdin.rules.wording import group_label, indicator_label, name_key, short

COST_GROUPS = frozenset({"成本", "经济成本", "社会成本", "生态环境成本"})


def rows_of(p: Project) -> list[Indicator]:
    """Indicator rows that carry something (empty rows are IND006's business)."""
    return [i for i in p.indicators if not i.is_empty]


def framework(p: Project) -> dict[str, list[tuple[str, str]]]:
    return framework_of({level1_key(i.level1.text) for i in p.indicators})


def is_cost_row(ind: Indicator) -> bool:
    return level2_key(ind.level2.text) in COST_GROUPS or level1_key(ind.level1.text) == "成本"


@rule("IND001", "level1-name", "error", "一级指标只能是产出指标、效益指标、满意度指标（2021版框架另有成本指标）")
def level1_name(ctx: Context, r: Rule) -> Iterator[Finding]:
    seen: set[str] = set()
    for ind in ctx.project.indicators:
        f = ind.level1
        if f.cell in seen:
            continue
        seen.add(f.cell)
        if f.empty:
            if not ind.is_empty:
                yield ctx.finding(
                    r, f.cell, f"{indicator_label(ind)}所在行没有一级指标，请填写一级指标。", expected="一级指标"
                )
            continue
        if level1_key(f.text) not in LEVEL1_LABELS:
            yield ctx.finding(
                r,
                f.cell,
                f"一级指标“{f.text}”不是规定的名称，应为产出指标、效益指标、满意度指标（或2021版框架的成本指标）。",
                expected="产出指标 / 效益指标 / 满意度指标 / 成本指标",
                actual=f.text,
            )


@rule("IND002", "level2-under-level1", "error", "二级指标必须是所属一级指标下规定的二级指标")
def level2_under_level1(ctx: Context, r: Rule) -> Iterator[Finding]:
    fw = framework(ctx.project)
    seen: set[str] = set()
    for ind in ctx.project.indicators:
        f = ind.level2
        if f.cell in seen or (ind.is_empty and f.empty):
            continue
        seen.add(f.cell)
        l1 = level1_key(ind.level1.text)
        if l1 not in fw:
            continue  # IND001 reports the 一级
        allowed = fw[l1]
        if f.empty:
            yield ctx.finding(
                r, f.cell, f"{indicator_label(ind)}所在行没有二级指标，请填写二级指标。", expected="二级指标"
            )
            continue
        key = level2_key(f.text)
        if any(k == key for k, _ in allowed):
            continue
        names = "、".join(label for _, label in allowed)
        other = "2021版框架" if fw is CLASSIC else "传统框架"
        yield ctx.finding(
            r,
            f.cell,
            f"二级指标“{f.text}”不属于一级指标“{ind.level1.text}”。{LEVEL1_LABELS[l1]}下应为：{names}"
            + (f"（“{f.text}”是{other}的写法，一张表只能用一种框架）。" if _in_other(key, fw) else "。"),
            expected=names,
            actual=f.text,
        )


def _in_other(key: str, fw: dict[str, list[tuple[str, str]]]) -> bool:
    other = FRAMEWORK_2021 if fw is CLASSIC else CLASSIC
    return any(k == key for groups in other.values() for k, _ in groups)


@rule(
    "IND003", "framework-mixed", "error", "成本指标只能作为一级指标（2021版）或产出下的二级指标（传统版），不能两者混用"
)
def framework_mixed(ctx: Context, r: Rule) -> Iterator[Finding]:
    p = ctx.project
    as_l1 = [i for i in p.indicators if level1_key(i.level1.text) == "成本"]
    as_l2 = [i for i in p.indicators if level1_key(i.level1.text) == "产出" and level2_key(i.level2.text) == "成本"]
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
    present = {level1_key(i.level1.text) for i in rows_of(p)}
    for key in ("产出", "效益", "满意度"):
        if key not in present:
            label = LEVEL1_LABELS[key]
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
    fw = framework(p)
    rows = rows_of(p)
    have = {(level1_key(i.level1.text), level2_key(i.level2.text)) for i in rows}
    out_rows = [i for i in rows if level1_key(i.level1.text) == "产出"]
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
    if "成本" in fw and not any(level1_key(i.level1.text) == "成本" for i in rows):
        yield ctx.finding(
            r,
            _anchor(p),
            "本表按2021版框架填写，但成本指标下没有三级指标。",
            expected="成本指标",
            actual="缺少",
        )


@rule("IND006", "empty-row", "warning", "空的指标行（没有三级指标名称也没有指标值）应删除或填写")
def empty_row(ctx: Context, r: Rule) -> Iterator[Finding]:
    for ind in ctx.project.indicators:
        if ind.is_empty:
            yield ctx.finding(
                r,
                ind.name.cell,
                f"第{ind.row}行（{group_label(ind)}）是空行：没有三级指标名称，也没有指标值。请填写或删除这一行。",
                expected="三级指标和指标值",
                actual="",
            )


@rule("IND007", "row-incomplete", "error", "每个三级指标都要有指标值，每个指标值都要有三级指标名称")
def row_incomplete(ctx: Context, r: Rule) -> Iterator[Finding]:
    for ind in ctx.project.indicators:
        if ind.is_empty:
            continue
        if ind.value.empty:
            yield ctx.finding(
                r,
                ind.value.cell,
                f"{indicator_label(ind)}没有填写指标值。",
                expected="指标值",
                actual="",
            )
        elif ind.name.empty:
            yield ctx.finding(
                r,
                ind.name.cell,
                f"第{ind.row}行（{group_label(ind)}）有指标值“{ind.value.text}”，但没有三级指标名称。",
                expected="三级指标名称",
                actual="",
            )


@rule("IND008", "placeholder", "error", "三级指标名称和指标值中不能留有模板占位内容（如 **、XX）")
def placeholder(ctx: Context, r: Rule) -> Iterator[Finding]:
    for ind in ctx.project.indicators:
        for f, what in ((ind.name, "三级指标名称"), (ind.value, "指标值")):
            m = PLACEHOLDER.search(f.text)
            if m:
                yield ctx.finding(
                    r,
                    f.cell,
                    f"{what}“{short(f.text)}”中还留着模板占位内容“{m.group(0)}”，请换成实际内容。",
                    expected="实际内容",
                    actual=f.text,
                )


def _duplicates(p: Project) -> list[tuple[Indicator, Indicator]]:
    """(first, later) pairs of rows with the same name; a quantity and its cost may share one."""
    first: dict[str, list[Indicator]] = {}
    pairs: list[tuple[Indicator, Indicator]] = []
    for ind in rows_of(p):
        key = name_key(ind.name.text)
        if not key:
            continue
        for prev in first.get(key, []):
            if is_cost_row(prev) != is_cost_row(ind):
                continue  # 数量「X」 21台 and 成本「X」 1万元/台 describe one thing twice on purpose
            pairs.append((prev, ind))
            break
        first.setdefault(key, []).append(ind)
    return pairs


def _same_target(a: Indicator, b: Indicator) -> bool:
    from xladdin.values import parse

    return name_key(a.value.text) == name_key(b.value.text) or parse(a.value.text) == parse(b.value.text)


@rule("IND009", "duplicate-conflict", "error", "同一个三级指标出现两次且指标值不同（年终无法按两个目标评价）")
def duplicate_conflict(ctx: Context, r: Rule) -> Iterator[Finding]:
    for a, b in _duplicates(ctx.project):
        if _same_target(a, b):
            continue
        yield ctx.finding(
            r,
            b.value.cell,
            f"三级指标「{short(b.name.text)}」出现了两次，指标值不同：{group_label(a)}（{a.value.cell}）为"
            f"“{a.value.text}”，{group_label(b)}（{b.value.cell}）为“{b.value.text}”。同一指标只能有一个目标值，"
            "请删去一个或统一指标值。",
            expected=a.value.text,
            actual=b.value.text,
        )


@rule("IND010", "duplicate", "warning", "同一个三级指标重复出现（指标值相同）")
def duplicate_same(ctx: Context, r: Rule) -> Iterator[Finding]:
    for a, b in _duplicates(ctx.project):
        if not _same_target(a, b):
            continue
        yield ctx.finding(
            r,
            b.name.cell,
            f"三级指标「{short(b.name.text)}」在{group_label(a)}（{a.name.cell}）和{group_label(b)}（{b.name.cell}）"
            "重复出现，请删去重复的一行。",
            expected="不重复",
            actual=b.name.text,
        )
