"""Rules about a 项目支出绩效自评表 (family SELF): the mistakes a reviewer sends a self-evaluation back for.

They run on every sheet ``xladdin.selfeval.read_selfeval`` recognises (the tool's own 自评表
and published ones of shape R), with the scores as the sheet's formulas compute them
(``xladdin.selfeval.score``): an 实际完成值 missing, a score typed by hand that differs from
the computed one, a 年度指标值 changed after the fact (against the 绩效目标表 the 自评表 came
from, matched by 项目名称), a gap without its reason, an actual in another unit, a 执行数
above the budget, a total that is not the sum, weights that do not add up.

A rule here is ``@rule(..., scope="selfeval")`` and receives a ``SelfContext``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from xladdin.framework import level2_key, squash
from xladdin.model import Finding, Project, cell_ref, display_text
from xladdin.rules import Reporter, Rule, rule, sort_findings
from xladdin.rules.wording import label_of, name_key, short, wan
from xladdin.selfeval import RowScore, SelfEval, SelfRow, SheetScore, round_cents, score
from xladdin.values import parse, written_number

CENT = 0.005  # scores agree "to the cent"
# Rules that compare a 自评表 with its 绩效目标表: a parallel check runs them once both are read.
PAIRED = ("SELF003",)


@dataclass
class SelfContext(Reporter):
    """What a SELF rule sees: the 自评表, its scores, and the 绩效目标表 it came from (if in the workbook)."""

    sheet: SelfEval
    target: Project | None = None
    memo: dict[Any, Any] = field(default_factory=dict, repr=False)

    @cached_property
    def scores(self) -> SheetScore:
        return score(self.sheet)

    @property
    def sheet_name(self) -> str:
        return self.sheet.sheet


def run_selfeval(ctx: SelfContext, rules: list[Rule]) -> list[Finding]:
    """The findings of the SELF rules among ``rules`` on one 自评表, sorted."""
    out: list[Finding] = []
    for r in rules:
        if r.scope == "selfeval":
            out.extend(r.check(ctx, r))
    return sort_findings(out)


def _label(row: SelfRow) -> str:
    return label_of(row.level2.text, row.name.text)


def _n(x: float) -> str:
    return wan(x)


def entered(value: Any) -> float | None:
    """A score or total as the sheet holds it: a number (typed, or a formula's last result);
    None for an empty cell, a formula not yet computed, or a dash."""
    if isinstance(value, str) and value.strip().startswith("="):
        return None
    return written_number(value)


# --------------------------------------------------------------------------- SELF001


@rule(
    "SELF001",
    "actual-missing",
    "warning",
    "自评表中有分值的指标要填实际完成值；年度资金要填全年执行数",
    scope="selfeval",
)
def actual_missing(ctx: SelfContext, r: Rule) -> Iterator[Finding]:
    """A row without its actual value cannot be scored.  A 自评表 nobody has started gets one
    hint, not a warning per row: it is unfinished, not wrong."""
    se = ctx.sheet
    scored = [s for s in ctx.scores.rows if s.weight is not None and s.row.actual.cell]
    annual = se.annual
    if not se.started:
        cell = scored[0].row.actual.cell if scored else annual.spent.cell if annual and annual.spent.cell else "A1"
        yield ctx.finding(
            r,
            cell,
            "自评表尚未填写：各指标的实际完成值和全年执行数都是空的。填好后得分由公式自动计算。",
            severity="info",
        )
        return
    for s in scored:
        if s.row.actual.empty:
            what = "评价等级" if s.row.scoring.method == "graded" else "实际完成值"
            yield ctx.finding(
                r,
                s.row.actual.cell,
                f"{_label(s.row)}的{what}没有填写，无法计分（分值 {_n(s.weight or 0)}）。",
                expected=what,
            )
    if annual is None:
        return
    if annual.spent.cell and annual.spent.empty:
        yield ctx.finding(r, annual.spent.cell, "年度资金总额的全年执行数没有填写，无法计算预算执行率得分。")
    elif annual.budget.cell and annual.budget.empty and not annual.spent.empty:
        yield ctx.finding(r, annual.budget.cell, "年度资金总额的全年预算数没有填写，无法计算预算执行率。")


# --------------------------------------------------------------------------- SELF002


@rule(
    "SELF002",
    "score-differs",
    "error",
    "得分应等于按评分方法计算的分数（手填得分高于计算结果是错误）",
    scope="selfeval",
)
def score_differs(ctx: SelfContext, r: Rule) -> Iterator[Finding]:
    """A score above what the rule gives is a mistake; below it may be a deliberate deduction
    (a warning asking for the reason)."""
    for s in ctx.scores.rows:
        got = entered(s.row.score.value)
        if got is None or not s.row.score.cell:
            continue
        if s.score is None:
            if s.status == "no-actual":
                yield ctx.finding(
                    r,
                    s.row.score.cell,
                    f"{_label(s.row)}没有实际完成值，却填了得分 {_n(got)}。",
                    expected="先填实际完成值",
                    actual=_n(got),
                    severity="warning",
                )
            continue
        yield from _compare(ctx, r, s.row.score.cell, f"{_label(s.row)}（{s.row.scoring.text}）", got, s.score)
    annual = ctx.sheet.annual
    ex = ctx.scores.execution_score
    if annual is not None and ex is not None and annual.score.cell:
        got = entered(annual.score.value)
        if got is not None:
            yield from _compare(ctx, r, annual.score.cell, "预算执行率", got, ex)


def _compare(ctx: SelfContext, r: Rule, cell: str, what: str, got: float, computed: float) -> Iterator[Finding]:
    if abs(got - computed) <= CENT:
        return
    if got > computed:
        yield ctx.finding(
            r,
            cell,
            f"{what}的得分 {_n(got)} 高于按评分方法计算的 {_n(computed)}：得分不能超过完成情况所对应的分数。",
            expected=_n(computed),
            actual=_n(got),
        )
    else:
        yield ctx.finding(
            r,
            cell,
            f"{what}的得分 {_n(got)} 低于按评分方法计算的 {_n(computed)}：如是有意扣分，请在偏差原因中说明扣分理由。",
            expected=_n(computed),
            actual=_n(got),
            severity="warning",
        )


# --------------------------------------------------------------------------- SELF003


@rule(
    "SELF003",
    "target-changed",
    "error",
    "自评表的年度指标值和年初预算数应与项目的绩效目标表一致（不能事后修改目标）",
    scope="selfeval",
)
def target_changed(ctx: SelfContext, r: Rule) -> Iterator[Finding]:
    """The 自评表 judges the year against the targets set at its start: a 年度指标值 that is not
    the target table's (lowered after the fact), an indicator the table does not have, an
    indicator of the table left out, a 年初预算数 that is not the table's."""
    p = ctx.target
    if p is None:
        return
    se = ctx.sheet
    pool: dict[tuple[str, str], list[Any]] = {}
    for ind in p.indicators:
        if not ind.is_empty:
            pool.setdefault((level2_key(ind.level2.text), name_key(ind.name.text)), []).append(ind)
    where = f"绩效目标表“{p.sheet}”"
    for row in se.rows:
        hits = pool.get((level2_key(row.level2.text), name_key(row.name.text)))
        if not hits:
            yield ctx.finding(
                r,
                row.name.cell,
                f"{where}中没有{_label(row)}：是否事后改了指标名称或新增了指标？自评应逐项评价年初设定的指标。",
                actual=row.name.text,
                severity="warning",
            )
            continue
        ind = hits.pop(0)
        if squash(display_text(row.target.value)) != squash(ind.value.text):
            yield ctx.finding(
                r,
                row.target.cell,
                f"{_label(row)}的年度指标值“{row.target.text}”与{where}{ind.value.cell}的“{ind.value.text}”不同："
                "自评应按年初设定的目标评价，目标不能事后修改。",
                expected=ind.value.text,
                actual=row.target.text,
            )
    cell = cell_ref(se.header_row, se.columns.get("name", 1))
    for hits in pool.values():
        for ind in hits:
            yield ctx.finding(
                r,
                cell,
                f"{where}{ind.name.cell}的{label_of(ind.level2.text, ind.name.text)}（{short(ind.value.text)}）"
                "没有出现在自评表中：未完成的指标也要评价，不能删去。",
                expected=ind.name.text,
                severity="warning",
            )
    amounts = {
        "annual": p.money.annual,
        "appropriation": p.money.local_appropriation,
        "carryover": p.money.local_carryover,
        "other": p.money.local_other,
    }
    for m in se.money:
        mine = entered(m.initial.value)
        theirs = amounts[m.key].number
        if mine is None or theirs is None or not m.initial.cell or abs(mine - theirs) <= 1e-6:
            continue
        yield ctx.finding(
            r,
            m.initial.cell,
            f"{m.label.text}的年初预算数 {_n(mine)} 万元与{where}{amounts[m.key].cell}的 {_n(theirs)} 万元不同。",
            expected=_n(theirs),
            actual=_n(mine),
        )


# --------------------------------------------------------------------------- SELF004


@rule("SELF004", "reason-missing", "warning", "未完全达成的指标要填写偏差原因分析及改进措施", scope="selfeval")
def reason_missing(ctx: SelfContext, r: Rule) -> Iterator[Finding]:
    for s in ctx.scores.rows:
        row = s.row
        if s.score is None or s.share is None or s.share >= 1.0 or not row.reason.cell or not row.reason.empty:
            continue
        yield ctx.finding(
            r,
            row.reason.cell,
            f"{_label(row)}未完全达成（得分 {_n(s.score)}／{_n(s.weight or 0)}），请填写偏差原因分析及改进措施。",
            expected="偏差原因分析及改进措施",
        )


# --------------------------------------------------------------------------- SELF005


@rule(
    "SELF005",
    "actual-unit",
    "warning",
    "实际完成值要按年度指标值的单位填写数值（定性指标选择评价等级），否则无法计分",
    scope="selfeval",
)
def actual_unit(ctx: SelfContext, r: Rule) -> Iterator[Finding]:
    grades = ctx.sheet.grades
    for s in ctx.scores.rows:
        row = s.row
        if s.status == "unreadable":
            yield ctx.finding(
                r, row.actual.cell, _unreadable(s, grades.words), expected=_expected(s), actual=row.actual.text
            )
        elif s.status == "scored" and _percent_without_sign(s):
            yield ctx.finding(
                r,
                row.actual.cell,
                f"{_label(row)}的年度指标值是百分比（{row.target.text}），实际完成值却是 {row.actual.text}，"
                f"会被当作 {_n(round_cents((written_number(row.actual.value) or 0) * 100))}%：是否漏写了“%”？",
                expected=f"{row.actual.text}%",
                actual=row.actual.text,
            )


def _expected(s: RowScore) -> str:
    t = s.row.scoring.target
    if s.row.scoring.method == "graded":
        return "评价等级"
    return f"数值（单位：{t.unit}）" if t is not None and t.unit else "数值"


def _unreadable(s: RowScore, words: tuple[str, ...]) -> str:
    row = s.row
    label = _label(row)
    if row.scoring.method == "graded":
        return (
            f"{label}按评价等级计分，实际完成值“{short(row.actual.text)}”不是评价等级，无法计分。"
            f"请选择：{'、'.join(words)}。"
        )
    unit = row.scoring.target.unit if row.scoring.target is not None else ""
    va, vt = parse(row.actual.value), parse(row.target.value)
    if va.is_numeric and vt.is_numeric and va.unit != vt.unit:
        return (
            f"{label}的实际完成值“{row.actual.text}”的单位（{va.unit_raw or va.unit or '无'}）与年度指标值"
            f"“{row.target.text}”的单位（{unit or vt.unit}）不同，无法计分。请换算成 {unit or vt.unit} 后填写数字。"
        )
    if va.is_numeric:
        return (
            f"{label}的实际完成值“{row.actual.text}”与年度指标值“{row.target.text}”写法不同，公式读不出数值。"
            f"请按“{unit}”填写数字（如年度指标值写作“{row.target.text}”，实际完成值就写对应的数）。"
        )
    return f"{label}的实际完成值“{short(row.actual.text)}”读不出数值，无法计分。请填写数字" + (
        f"（单位：{unit}）。" if unit else "。"
    )


def _percent_without_sign(s: RowScore) -> bool:
    t = s.row.scoring.target
    if t is None or t.unit != "%" or t.number > 1.5:
        return False
    v = s.row.actual.value
    n = written_number(v)
    return n is not None and n > 1.5 and not (isinstance(v, str) and "%" in v)


# --------------------------------------------------------------------------- SELF006


@rule("SELF006", "over-budget", "error", "全年执行数不能超过全年预算数（执行率不能超过100%）", scope="selfeval")
def over_budget(ctx: SelfContext, r: Rule) -> Iterator[Finding]:
    for m in ctx.sheet.money:
        b, s = written_number(m.budget.value), written_number(m.spent.value)
        if b is not None and s is not None and m.spent.cell:
            if s > b + 1e-9:
                yield ctx.finding(
                    r,
                    m.spent.cell,
                    f"{m.label.text}的全年执行数 {_n(s)} 万元超过全年预算数 {_n(b)} 万元"
                    + (f"（执行率 {s / b:.2%}）" if b > 0 else "")
                    + "：执行数不能超过预算数，请核对。",
                    expected=f"≤{_n(b)}",
                    actual=_n(s),
                )
            continue
        rate = entered(m.rate.value)
        if rate is not None and m.rate.cell and rate > 1 + 1e-9:
            yield ctx.finding(
                r,
                m.rate.cell,
                f"{m.label.text}的执行率 {rate:.2%} 超过100%：执行数不能超过预算数，请核对。",
                expected="≤100%",
                actual=f"{rate:.2%}",
            )


# --------------------------------------------------------------------------- SELF007


@rule("SELF007", "total-not-sum", "error", "总分应等于各项得分之和，分值合计应等于各项分值之和", scope="selfeval")
def total_not_sum(ctx: SelfContext, r: Rule) -> Iterator[Finding]:
    se = ctx.sheet
    annual = se.annual
    for total, part, extra, what in (
        (se.total_score, lambda row: row.score.value, annual.score.value if annual else None, "得分"),
        (se.total_weight, lambda row: row.weight.value, annual.weight.value if annual else None, "分值"),
    ):
        if total is None or not total.cell:
            continue
        got = entered(total.value)
        if got is None:
            continue
        parts = [entered(part(row)) for row in se.rows] + [entered(extra)]
        want = round_cents(sum(x for x in parts if x is not None))
        if abs(got - want) > CENT:
            yield ctx.finding(
                r,
                total.cell,
                f"总分行的{what} {_n(got)} 不等于各项{what}之和 {_n(want)}（含预算执行率）。",
                expected=_n(want),
                actual=_n(got),
            )


# --------------------------------------------------------------------------- SELF008


@rule(
    "SELF008",
    "weights-off",
    "warning",
    "分值合计应为100分；一级指标标明的分数应等于其下各指标分值之和",
    scope="selfeval",
)
def weights_off(ctx: SelfContext, r: Rule) -> Iterator[Finding]:
    se = ctx.sheet
    rows = ctx.scores.rows
    if not any(s.weight is not None for s in rows):
        return
    for label, points in se.points:
        have = round_cents(sum(s.weight or 0.0 for s in rows if s.row.level1.cell == label.cell))
        if abs(have - points) > CENT:
            yield ctx.finding(
                r,
                label.cell,
                f"一级指标“{squash(label.text)}”标明 {_n(points)} 分，其下各指标分值合计 {_n(have)} 分。",
                expected=_n(points),
                actual=_n(have),
            )
    full = ctx.scores.full
    if abs(full - 100) > CENT:
        cell = se.total_weight.cell if se.total_weight is not None and se.total_weight.cell else rows[0].row.weight.cell
        yield ctx.finding(
            r,
            cell,
            f"分值合计 {_n(full)} 分（含预算执行率），不是100分：请调整各指标的分值。",
            expected="100",
            actual=_n(full),
        )


# --------------------------------------------------------------------------- SELF009


@rule("SELF009", "actual-with-comparator", "info", "实际完成值应是实际达到的数，不带≥、≤等比较符号", scope="selfeval")
def actual_with_comparator(ctx: SelfContext, r: Rule) -> Iterator[Finding]:
    for row in ctx.sheet.rows:
        if row.actual.empty or row.scoring.method == "graded":
            continue
        v = parse(row.actual.value)
        if v.comparator is not None and v.is_numeric:
            yield ctx.finding(
                r,
                row.actual.cell,
                f"{_label(row)}的实际完成值“{row.actual.text}”带有比较符号（{v.comparator_raw}），像是抄了目标："
                "实际完成值应写实际达到的数。",
                actual=row.actual.text,
            )
