"""``xladdin selfeval FILE -o 自评表.xlsx`` and ``xladdin selfeval FILE --score``.

The first adds a 项目支出绩效自评表 per project (``xladdin.plans.selfeval``, the ribbon's
生成自评表); the second reads every 自评表 of the workbook — the tool's own or a published
one — and prints each indicator's score, the 预算执行率 score and the total, as the
sheet's formulas compute them (``xladdin.selfeval.score``).  The check of the same
workbook (``xladdin check``) says where a score typed by hand differs.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from xladdin.commands.console import progress_of, write_report
from xladdin.commands.output_options import add_output_arguments
from xladdin.errors import UserError
from xladdin.selfeval import DEFAULT_GRADES, Grades, SheetScore


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help="绩效目标表工作簿（.xlsx）；加 --score 时为含自评表的工作簿")
    add_output_arguments(p, "生成自评表时：")
    p.add_argument(
        "--grades",
        default=None,
        help="定性指标的评价等级及得分比例（默认 达成=100,部分达成=60,未达成=0），生成后也可在表下修改",
    )
    p.add_argument("--score", action="store_true", help="不生成，只计算工作簿中各自评表的得分并列出")
    p.add_argument("--format", choices=["text", "json"], default="text", help="--score 的输出格式（默认 text）")
    p.add_argument(
        "--output-file", metavar="得分.json", help="--score 时：把得分写入这个文件（UTF-8 编码），而不是显示在屏幕上"
    )


def run(args: argparse.Namespace) -> int:
    if args.score:
        if args.output or args.in_place or args.grades:
            raise UserError("--score 只计算得分，不写文件，不能与 -o、--in-place、--grades 同时使用。")
        scores = score_file(args.file)
        if args.format == "json":  # UTF-8 whatever the console's code page (xladdin.commands.console)
            data = {"file": args.file, "selfevals": [s.as_dict() for s in scores]}
            write_report(json.dumps(data, ensure_ascii=False, indent=2), args.output_file, json=True)
        else:
            write_report(to_text(scores), args.output_file, json=False)
        return 0
    if args.output_file:
        raise UserError("--output-file 只用于 --score 的得分报告；生成自评表请用 -o 给出工作簿。")
    grades = DEFAULT_GRADES
    if args.grades:
        try:
            grades = Grades.parse(args.grades)
        except ValueError as exc:
            raise UserError(f"--grades 写法有误：{exc}。") from None
    from xladdin.files.writing import edit_file
    from xladdin.plans.selfeval import plan_selfeval

    done = edit_file(
        args.file,
        lambda sheets: plan_selfeval(sheets, grades),
        args.output,
        args.in_place,
        args.force,
        progress=progress_of(args),
    )
    print(done.plan.message)
    for note in done.plan.notes:
        print(f"提示：{note}")
    if done.target is not None:
        print(f"已写入 {done.target}")
    return 0


def score_file(path: str) -> list[SheetScore]:
    """Every 自评表 of the workbook, scored; a workbook without one is the user's mistake."""
    from xladdin.check import read_tables
    from xladdin.files.sources import read_sheets
    from xladdin.selfeval import score

    _, selfevals, _ = read_tables(read_sheets(path))
    if not selfevals:
        raise UserError(
            "工作簿中没有找到自评表（需要“一级指标…年度指标值…实际完成值/得分”表头）。"
            "请先运行 xladdin selfeval 文件.xlsx -o 自评表.xlsx 生成自评表。"
        )
    return [score(se) for se in selfevals]


def _n(x: float | None) -> str:
    from xladdin.rules.wording import wan

    return "—" if x is None else wan(x)


def _row_text(d: dict[str, Any]) -> str:
    score = "未计分" if d["score"] is None else f"得分 {d['score']:.2f}"
    reason = {"no-weight": "（无分值）", "no-actual": "（未填实际完成值）", "unreadable": "（实际完成值无法计分）"}
    text = (
        f"  {d['cell']:<5} {d['name']}：目标 {d['target'] or '—'}，实际 {d['actual'] or '—'}，"
        f"分值 {_n(d['weight'])}，{score}{reason.get(d['status'], '')}〔{d['method']}〕"
    )
    if d["entered"] and d["score"] is not None and d["entered"] != f"{d['score']:g}":
        text += f"；表中得分 {d['entered']}"
    return text


def to_text(scores: list[SheetScore]) -> str:
    out: list[str] = []
    for s in scores:
        d = s.as_dict()
        out.append(f"【{s.sheet}】{s.name}")
        ex = d["execution"]
        if ex["rate"] is None:
            out.append(f"  预算执行率：未计分（全年预算数或全年执行数未填），分值 {_n(ex['weight'])}")
        else:
            out.append(f"  预算执行率 {ex['rate']:.2%}，得分 {_n(ex['score'])}／{_n(ex['weight'])}")
        out.extend(_row_text(row) for row in d["indicators"])
        out.append(f"  总分 {s.total:.2f}／{_n(s.full)}")
        out.append("")
    return "\n".join(out).rstrip() + "\n"
