"""``xladdin undo FILE -o OUT.xlsx | --in-place``: take back the newest change xladdin made (``xladdin.plans.undo``)."""

from __future__ import annotations

import argparse

from xladdin.commands.output_options import add_output_arguments


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help="被 xladdin 修改过的工作簿（.xlsx）")
    add_output_arguments(p)


def run(args: argparse.Namespace) -> int:
    from xladdin.commands.console import progress_of
    from xladdin.errors import UserError
    from xladdin.files.writing import edit_file
    from xladdin.model import SheetData
    from xladdin.plans.undo import plan_undo
    from xladdin.workbook_plan import WorkbookPlan

    def plan_of(sheets: list[SheetData]) -> WorkbookPlan:
        plan = plan_undo(sheets)
        if plan.empty:
            raise UserError("这个工作簿中没有 xladdin 的修改记录，无可撤销。")
        return plan

    done = edit_file(args.file, plan_of, args.output, args.in_place, args.force, progress=progress_of(args))
    print(f"{done.plan.message}已写入 {done.target}。")
    from xladdin.commands.cli import say_notices

    say_notices(done.notices)
    return 0
