"""``xladdin rollover FILE --to 2027 -o OUT.xlsx [--in-place] [--dry-run]``."""

from __future__ import annotations

import argparse


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help="本年度的工作簿（.xlsx）")
    p.add_argument("--to", type=int, required=True, metavar="年度", help="新的预算年度，例如 2027")
    p.add_argument("-o", "--output", help="输出文件（原文件不变）")
    p.add_argument("--in-place", action="store_true", help="直接修改原文件（会先留备份）")
    p.add_argument("--dry-run", action="store_true", help="只列出将要做的修改和需要检查的地方，不写文件")
    p.add_argument("--force", action="store_true", help="即使写入会丢失工作簿中无法保留的内容也继续（只能写到新文件）")


def run(args: argparse.Namespace) -> int:
    from xladdin.check import TOOL_SHEETS
    from xladdin.errors import UserError
    from xladdin.files.fill_apply import ROLLOVER_SHEET, Recorder, apply_rollover
    from xladdin.files.workbooks import sheet_from_openpyxl
    from xladdin.files.writing import load_for_edit, resolve_output, save_edited
    from xladdin.layout import read_project
    from xladdin.rollover import CHANGED, CONFIRM, TODO, plan_rollover

    if not 1900 < args.to < 2200:
        raise UserError(f"--to {args.to} 不是有效的年度。请写四位年份，例如 --to 2027。")
    if not args.dry_run:
        resolve_output(args.file, args.output, args.in_place)
    wb = load_for_edit(args.file)
    sheets = [sheet_from_openpyxl(ws) for ws in wb.worksheets]
    if not any(read_project(s) for s in sheets if s.name not in TOOL_SHEETS):
        raise UserError("工作簿中没有找到项目绩效目标表，无法生成新年度。")
    plan = plan_rollover(sheets, args.to)
    counts = {c: sum(1 for x in plan.checks if x.category == c) for c in (CHANGED, TODO, CONFIRM)}
    if args.dry_run:
        for e in plan.edits:
            print(f"{e.sheet}!{e.cell}：{_short(e.old)} → {_short(e.new)}")
        for c in plan.checks:
            if c.category != CHANGED:
                print(f"[{c.category}] {c.sheet}!{c.cell}：{_short(c.text)} —— {c.note}")
        print(
            f"修改 {len(plan.edits)} 个单元格；待更新 {counts[TODO]} 处，需确认 {counts[CONFIRM]} 处（--dry-run：未写入文件）。"
        )
        return 0
    rec = Recorder.for_workbook(wb)
    apply_rollover(wb, plan, rec)
    rec.commit(wb)
    out = save_edited(wb, args.file, args.output, args.in_place, args.force)
    print(
        f"已生成{args.to}年度工作簿 {out}：修改 {len(plan.edits)} 个单元格；"
        f"待更新 {counts[TODO]} 处（橙色），需确认 {counts[CONFIRM]} 处，详见“{ROLLOVER_SHEET}”表。"
    )
    return 0


def _short(v: object, n: int = 40) -> str:
    t = "" if v is None else str(v)
    return t if len(t) <= n else t[: n - 1] + "…"
