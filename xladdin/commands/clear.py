"""``xladdin clear FILE (-o OUT.xlsx | --in-place)``: take the check's marks off a workbook (``xladdin.plans.marks``)."""

from __future__ import annotations

import argparse

from xladdin.commands.output_options import add_output_arguments


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help="做过“校验并标记”的工作簿（.xlsx）")
    add_output_arguments(p)


def run(args: argparse.Namespace) -> int:
    from xladdin.files.writing import edit_file
    from xladdin.plans.marks import clear_message, plan_clear

    done = edit_file(args.file, plan_clear, args.output, args.in_place, args.force)
    said = clear_message(done.applied.cleared, bool(done.plan.counts.get("report")), done.applied.highlights)
    print(f"{said}已写入 {done.target}")
    return 0
