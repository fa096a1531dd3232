"""``xladdin fill FILE [--sheet NAME] -o OUT.xlsx [--dry-run] [--in-place] [--new-project NAME] [--library FILE…]``.

Read → plan (``xladdin.plans.fill``) → apply (``xladdin.files.apply``) → say: the same plan
the ribbon's 填充指标 / 新建项目 buttons apply.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from xladdin.commands.output_options import add_output_arguments


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help="要填充的工作簿（.xlsx）")
    p.add_argument("--sheet", help="只填充这个工作表（默认：全部项目表）")
    add_output_arguments(p)
    p.add_argument("--dry-run", action="store_true", help="只列出将要做的修改，不写文件")
    p.add_argument("--new-project", metavar="项目名称", help="按模板新建一个项目表，并推荐指标")
    p.add_argument(
        "--library",
        metavar="工作簿",
        action="append",
        default=[],
        help="把其他工作簿的指标也作为推荐来源（可多次使用）",
    )
    p.add_argument("--no-comparators", action="store_true", help="不补比较符号（≥、≤）")


def _library(file: str, sheets: list[Any], others: list[str]) -> list[Any]:
    from xladdin.check import read_projects
    from xladdin.errors import UserError
    from xladdin.files.sources import read_sheets
    from xladdin.fill import library_from

    projects, _ = read_projects(sheets)
    lib = library_from(projects, Path(file).name)
    for other in others:
        found, _ = read_projects(read_sheets(other))
        if not found:
            raise UserError(f"指标库工作簿 {Path(other).name} 中没有找到项目绩效目标表。请检查 --library 指定的文件。")
        lib += library_from(found, Path(other).name)
    return lib


def run(args: argparse.Namespace) -> int:
    from xladdin.commands.console import brief_groups, progress_of
    from xladdin.conventions import now_text
    from xladdin.errors import UserError
    from xladdin.files.writing import edit_file
    from xladdin.plans.fill import fill_tables, plan_fill_workbook, plan_new_project

    if args.new_project is not None and not args.new_project.strip():
        raise UserError("--new-project 需要项目名称，例如 --new-project 社保卡服务网点建设。")
    said: list[str] = []  # said after the write: a run prints nothing while its progress line shows

    def plan_of(sheets: list[Any]) -> Any:
        library = _library(args.file, sheets, args.library)
        if args.new_project:
            new = plan_new_project(sheets, args.new_project, library, time=now_text())
            said.append(f"新建项目表“{new.title}”：主管部门、实施单位、项目属性取自本工作簿其他项目。")
            said.extend(_plan_lines(new.project, new.fill))
            if new.summary_row is not None:
                where = f"“项目汇总”第{new.summary_row}行"
                said.append(f"{'将在' if args.dry_run else '已在'}{where}加入新项目，合计包括该行。")
            elif new.summary:
                said.append(new.summary)
            return new.plan
        tables = fill_tables(sheets, library, only=args.sheet, comparators=not args.no_comparators)
        for t in tables:
            said.extend(_plan_lines(t.project, t.plan))
        return plan_fill_workbook(tables, sheets, time=now_text())

    done = edit_file(
        args.file, plan_of, args.output, args.in_place, args.force, dry_run=args.dry_run, progress=progress_of(args)
    )
    changes = done.plan.counts.get("changes", 0)
    shown, left_out = (said, 0) if args.dry_run else brief_groups(said)  # a dry run's list is all there is
    for line in shown:
        print(line)
    if left_out:
        print(f"……另有 {left_out} 个项目的修改未在此列出，全部 {changes} 处修改见“填充记录”表。")
    if args.dry_run:
        print(f"共 {changes} 处修改（--dry-run：未写入文件）。")
        return 0
    if not changes:
        print("没有需要填充的内容。")
    print(f"共 {changes} 处修改，已写入 {done.target}（修改记录见“填充记录”表，可用 xladdin undo 撤销）。")
    from xladdin.commands.cli import say_notices

    say_notices(done.notices)
    return 0


def _plan_lines(p: Any, plan: Any) -> list[str]:
    if plan.empty and not plan.notes:
        return []
    lines = [f"【{p.sheet}】{p.name.text}"]
    for r in plan.new_rows:
        what = f"{r.name} {r.value}".strip() or "（空行，请填写）"
        lines.append(f"  第{r.after}行后插入 {r.level2}：{what}  —— {r.why}")
    for e in plan.edits:
        old = "" if e.old is None else e.old
        lines.append(f"  {e.cell}：{old} → {e.new}  —— {e.why}")
    for n in plan.notes:
        lines.append(f"  未处理：{n}")
    return lines
