"""``xladdin costs FILE [--format text|json] [--write -o OUT.xlsx | --in-place]``.

Shows, per project, how 成本指标 × 数量指标 explain 项目总额; ``--write`` adds the
``成本测算`` sheet whose formulas keep computing in Excel or WPS.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from xladdin.commands.output_options import add_output_arguments
from xladdin.costs import CostExplanation, CostLine
from xladdin.values import format_number


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help="要测算的工作簿（.xlsx）")
    p.add_argument("--format", choices=["text", "json"], default="text", help="输出格式（默认 text）")
    p.add_argument("--write", action="store_true", help="在工作簿中加入“成本测算”表（公式计算），写入 -o 指定的文件")
    add_output_arguments(p, "--write 时")
    p.add_argument(
        "--output-file", metavar="结果.json", help="把测算结果写入这个文件（UTF-8 编码），而不是显示在屏幕上"
    )


def explain_file(path: str) -> list[CostExplanation]:
    from xladdin.files.sources import read_sheets
    from xladdin.plans.costs import explanations_of

    return explanations_of(read_sheets(path))


def to_dict(file: str, explanations: list[CostExplanation]) -> dict[str, Any]:
    return {"file": file, "projects": [e.as_dict() for e in explanations]}


def _n(x: float | None) -> str:
    return "—" if x is None else format_number(round(x, 6))


def _line_text(i: int, line: CostLine) -> str:
    parts = [f"{line.unit_cost}"]
    for q in line.quantities:
        parts.append(f"{_n(q.value)}{q.unit}〔{q.cell} {q.indicator}〕")
    text = f"  {i}. {line.indicator}〔{line.cell}〕：" + " × ".join(parts)
    extra = [f for f in line.factors if f != "总额（不是单价）"]
    if extra:
        text += " × " + " × ".join(extra)
    text += f" = {_n(line.amount_wan)} 万元"
    if line.narrative is not None:
        if line.narrative.shared:
            text += f"；目标所述：与其他 {len(line.narrative.rows) - 1} 行合计 {_n(line.narrative.amount.wan)} 万元"
        else:
            text += f"；目标所述 {_n(line.narrative.amount.wan)} 万元"
    elif line.narrative_near is not None:
        text += f"；目标所述“{line.narrative_near.context}{line.narrative_near.text}”与测算不符"
    return text


def to_text(explanations: list[CostExplanation]) -> str:
    out: list[str] = []
    for e in explanations:
        out.append(f"【{e.sheet}】{e.name}")
        status = "一致" if e.balanced else "不一致" if e.unexplained is not None else "项目总额无法读取"
        out.append(
            f"  项目总额 {_n(e.total)} 万元；已解释 {_n(e.explained)} 万元；未解释 {_n(e.unexplained)} 万元（{status}）"
        )
        for i, line in enumerate(e.lines, start=1):
            out.append(_line_text(i, line))
        if e.unmatched_costs:
            out.append(
                "  没有找到数量的成本指标："
                + "；".join(f"{u.indicator}〔{u.cell}〕{u.text}（{u.reason}）" for u in e.unmatched_costs)
            )
        if e.unmatched_quantities:
            out.append(
                "  没有成本指标使用的数量指标："
                + "；".join(f"{u.indicator}〔{u.cell}〕{u.text}" for u in e.unmatched_quantities)
            )
        for f in e.narrative.formulas:
            verdict = ("" if f.computed_wan is None else f"复算 {_n(round(f.computed_wan, 4))} 万元") + {
                True: "，一致",
                False: "，不一致",
                None: "",
            }[f.consistent]
            out.append(f"  目标中的算式：{f.text}（{verdict}）" if verdict else f"  目标中的算式：{f.text}")
        for st in e.narrative_subtotals:
            parts = " + ".join(p.text for p in st.parts)
            out.append(f"  目标中的小计：{st.amount.context}{st.amount.text} = {parts}")
        stated = [a for a in e.narrative_unmatched if not a.in_formula]
        if stated:
            out.append("  目标所述、与测算行对不上的金额：" + "；".join(f"{a.context}{a.text}" for a in stated))
        out.append("")
    if not explanations:
        out.append("工作簿中没有项目支出绩效目标表。")
    return "\n".join(out).rstrip() + "\n"


def run(args: argparse.Namespace) -> int:
    from xladdin.commands.console import progress_of, write_report

    if (args.output or args.in_place) and not args.write:
        from xladdin.errors import UserError

        raise UserError("-o / --in-place 只在加 --write 时使用。请加 --write 以写入“成本测算”表。")
    progress = progress_of(args)
    progress.step("测算")
    try:
        explanations = explain_file(args.file)
    finally:
        progress.clear()
    if args.write:  # written before anything is printed (xladdin.commands.console)
        write(args.file, explanations, args.output, args.in_place, args.force, progress)
    if args.format == "json":
        write_report(json.dumps(to_dict(args.file, explanations), ensure_ascii=False, indent=2), args.output_file, True)
    else:
        write_report(to_text(explanations), args.output_file, False)
    return 0


def write(
    source: str,
    explanations: list[CostExplanation],
    output: str | None,
    in_place: bool,
    force: bool,
    progress: Any = None,
) -> str:
    """The 成本测算 sheet into the workbook (``xladdin.plans.costs``, the ribbon's 测算成本)."""
    from xladdin.commands.cli import say_notices
    from xladdin.files.writing import edit_file
    from xladdin.plans.costs import plan_cost_sheet
    from xladdin.progress import QUIET

    done = edit_file(
        source,
        lambda sheets: plan_cost_sheet(sheets, explanations),
        output,
        in_place,
        force,
        progress=progress or QUIET,
    )
    say_notices(done.notices)
    return str(done.target)
