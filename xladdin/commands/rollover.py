"""``xladdin rollover FILE --to 2027 -o OUT.xlsx [--in-place] [--dry-run]``: the plan of
``xladdin.plans.rollover``, the same the ribbon's 新年度 applies."""

from __future__ import annotations

import argparse
from typing import Any

from xladdin.commands.output_options import add_output_arguments


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help="本年度的工作簿（.xlsx）")
    p.add_argument("--to", type=int, required=True, metavar="年度", help="新的预算年度，例如 2027")
    add_output_arguments(p)
    p.add_argument("--dry-run", action="store_true", help="只列出将要做的修改和需要检查的地方，不写文件")


def run(args: argparse.Namespace) -> int:
    from xladdin.commands.console import progress_of
    from xladdin.conventions import ROLLOVER_SHEET
    from xladdin.errors import UserError
    from xladdin.files.writing import edit_file
    from xladdin.plans.rollover import plan_rollover_workbook
    from xladdin.rollover import CHANGED, CONFIRM, TODO

    if not 1900 < args.to < 2200:
        raise UserError(f"--to {args.to} 不是有效的年度。请写四位年份，例如 --to 2027。")
    found: list[Any] = []

    def plan_of(sheets: list[Any]) -> Any:
        plan, rp = plan_rollover_workbook(sheets, args.to)
        found.append(rp)
        return plan

    done = edit_file(
        args.file, plan_of, args.output, args.in_place, args.force, dry_run=args.dry_run, progress=progress_of(args)
    )
    rp = found[0]
    counts = done.plan.counts
    if args.dry_run:
        for e in rp.edits:
            print(f"{e.sheet}!{e.cell}：{_short(e.old)} → {_short(e.new)}")
        for c in rp.checks:
            if c.category != CHANGED:
                print(f"[{c.category}] {c.sheet}!{c.cell}：{_short(c.text)} —— {c.note}")
        print(
            f"修改 {counts['edits']} 个单元格；待更新 {counts[TODO]} 处，需确认 {counts[CONFIRM]} 处（--dry-run：未写入文件）。"
        )
        return 0
    print(
        f"已生成{args.to}年度工作簿 {done.target}：修改 {counts['edits']} 个单元格；"
        f"待更新 {counts[TODO]} 处（橙色），需确认 {counts[CONFIRM]} 处，详见“{ROLLOVER_SHEET}”表。"
    )
    from xladdin.commands.cli import say_notices

    say_notices(done.notices)
    return 0


def _short(v: object, n: int = 40) -> str:
    t = "" if v is None else str(v)
    return t if len(t) <= n else t[: n - 1] + "…"
