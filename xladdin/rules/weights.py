"""Weight rules, for the forms that give every indicator a weight (权重 / 分值).

A form that has a weight column asks for a weight on every indicator, and the weights
must add up to what the form states: a total and section budgets in the section label
(``绩效指标(权重分值90分,其中产出指标权重分值50分,…)``) or a score in a 一级 label
(``产出指标(50分)``).  A form that states nothing is usually weighted to 100 (90 when ten
points are kept for 预算执行率): a sum off both is only a warning.  The published form
has no weights, so none of this applies to it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from xladdin.framework import LEVEL1_LABELS, stated_score
from xladdin.model import Finding, display_text
from xladdin.rules import Context, Rule, per_project, rule
from xladdin.rules.facts import Row, filled
from xladdin.rules.wording import indicator_label

_WEIGHT = re.compile(r"^(\d+(?:\.\d+)?)\s*(?:分|%|％)?$")
TOLERANCE = 0.005


def weight_of(text: str) -> float | None:
    """A weight cell → its number (``4``, ``4分``, ``10%``); None when it is no number."""
    m = _WEIGHT.match("".join(text.split()))
    return float(m.group(1)) if m else None


@per_project
def _weighted(ctx: Context) -> list[tuple[Row, float | None]]:
    """The filled rows that need a weight, with the weight read (None: missing or unreadable)."""
    out = []
    for x in filled(ctx):
        w = x.ind.weight
        if w is None or x.bare.startswith("其中"):  # “其中…” breaks an indicator down: no weight of its own
            continue
        out.append((x, weight_of(w.text)))
    return out


def _n(x: float) -> str:
    return display_text(round(x, 4))


@rule("WGT001", "weight-missing", "error", "表样有权重（分值）栏时，每个指标都要填写权重，且为数字")
def weight_missing(ctx: Context, r: Rule) -> Iterator[Finding]:
    heading = ctx.project.form.heading("weight", "权重")
    for x, w in _weighted(ctx):
        cell = x.ind.weight
        if w is not None or cell is None:
            continue
        what = "没有填写" if cell.empty else f"填的是“{cell.text}”，不是数字"
        yield ctx.finding(
            r,
            cell.cell,
            f"{indicator_label(x.ind)}的“{heading}”{what}。每个指标都要有{heading}，年终按它打分。",
            expected="数字",
            actual=cell.text,
        )


@rule("WGT002", "weight-sum", "error", "各指标权重之和应等于表中写明的总分和各一级指标的分值")
def weight_sum(ctx: Context, r: Rule) -> Iterator[Finding]:
    p = ctx.project
    rows = _weighted(ctx)
    if not rows or any(w is None for _, w in rows):
        return  # WGT001 first: a sum over missing weights says nothing
    form = p.form
    anchor = form.weight_cell or rows[0][0].ind.weight.cell  # type: ignore[union-attr]
    total = sum(w or 0 for _, w in rows)
    if form.weight_total is not None and abs(total - form.weight_total) > TOLERANCE:
        yield ctx.finding(
            r,
            anchor,
            f"表中写明权重总分为{_n(form.weight_total)}分，各指标的权重加起来却是{_n(total)}分，两者应相等。",
            expected=_n(form.weight_total),
            actual=_n(total),
        )
    for key, budget, cell in _sections(ctx):
        got = sum(w or 0 for x, w in rows if x.l1 == key)
        if abs(got - budget) > TOLERANCE:
            label = LEVEL1_LABELS.get(key, key)
            yield ctx.finding(
                r,
                cell or anchor,
                f"{label}写明{_n(budget)}分，其下各指标的权重加起来却是{_n(got)}分，两者应相等。",
                expected=_n(budget),
                actual=_n(got),
            )


def _sections(ctx: Context) -> list[tuple[str, float, str]]:
    """(一级 key, stated weight, cell) from the section label, else from the 一级 labels (产出指标(50分))."""
    form = ctx.project.form
    if form.weight_sections:
        return [(k, v, form.weight_cell) for k, v in form.weight_sections]
    out: dict[str, tuple[float, str]] = {}
    for x, _ in _weighted(ctx):
        score = stated_score(x.level1)
        if score is not None and x.l1 not in out:
            out[x.l1] = (score, x.ind.level1.cell)
    return [(k, v, c) for k, (v, c) in out.items()]


@rule("WGT003", "weight-total-usual", "warning", "表中没有写明总分时，各指标权重之和通常为100分（或另留10分时为90分）")
def weight_total_usual(ctx: Context, r: Rule) -> Iterator[Finding]:
    p = ctx.project
    rows = _weighted(ctx)
    if not rows or any(w is None for _, w in rows) or p.form.weight_total is not None or _sections(ctx):
        return
    total = sum(w or 0 for _, w in rows)
    if min(abs(total - 100), abs(total - 90)) <= TOLERANCE:
        return
    yield ctx.finding(
        r,
        rows[0][0].ind.weight.cell,  # type: ignore[union-attr]
        f"各指标的权重加起来是{_n(total)}分。表中没有写明总分；通常为100分（若另留10分给预算执行率，则为90分），请核对。",
        expected="100",
        actual=_n(total),
    )
