"""``xladdin clear FILE (-o OUT.xlsx | --in-place)``: take the check's marks off a workbook (``xladdin.plans.marks``)."""

from __future__ import annotations

import argparse

from xladdin.commands.output_options import add_output_arguments


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help="做过“校验并标记”的工作簿（.xlsx）")
    add_output_arguments(p)


def run(args: argparse.Namespace) -> int:
    from xladdin.commands.cli import say_notices
    from xladdin.commands.console import progress_of
    from xladdin.files.writing import edit_file
    from xladdin.plans.marks import clear_message, plan_clear

    done = edit_file(args.file, plan_clear, args.output, args.in_place, args.force, progress=progress_of(args))
    if done.applied.unchanged:
        where = f"已原样写入 {done.target}" if done.target else "文件未改动"
        print(f"工作簿中没有 xladdin 的校验标记，无需清除；{where}。")
        return 0
    said = clear_message(done.applied.cleared, bool(done.plan.counts.get("report")), done.applied.highlights)
    print(f"{said}已写入 {done.target}")
    say_notices(done.notices)
    return 0
