"""Header rules: the fields every table must carry (财预〔2011〕285号 附1-2 填报说明)."""

from __future__ import annotations

from collections.abc import Iterator

from xladdin.model import Finding
from xladdin.rules import Context, Rule, rule

_REQUIRED = (
    ("name", "项目名称"),
    ("department", "主管部门"),
    ("unit", "实施单位"),
    ("attribute", "项目属性"),
    ("period", "项目期"),
    ("goal", "年度总体绩效目标"),
)


@rule("HDR001", "header-required", "error", "项目名称、主管部门、实施单位、项目属性、项目期、年度总体绩效目标必须填写")
def header_required(ctx: Context, r: Rule) -> Iterator[Finding]:
    p = ctx.project
    for attr, label in _REQUIRED:
        f = getattr(p, attr)
        if f.empty:
            yield ctx.finding(
                r, f.cell, f"“{label}”没有填写，请在 {f.cell} 填写{label}。", expected=f"{label}（非空）", actual=""
            )
