"""``xladdin fill FILE [--sheet NAME] -o OUT.xlsx [--dry-run] [--in-place] [--new-project NAME] [--library FILE…]``."""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path
from typing import Any


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help="要填充的工作簿（.xlsx）")
    p.add_argument("--sheet", help="只填充这个工作表（默认：全部项目表）")
    p.add_argument("-o", "--output", help="输出文件（原文件不变）")
    p.add_argument("--in-place", action="store_true", help="直接修改原文件（会先留备份）")
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
    p.add_argument("--force", action="store_true", help="即使写入会丢失工作簿中无法保留的内容也继续（只能写到新文件）")


def _projects(wb: Any) -> list[Any]:
    from xladdin.check import TOOL_SHEETS
    from xladdin.files.workbooks import sheet_from_openpyxl
    from xladdin.layout import read_project

    out = []
    for ws in wb.worksheets:
        if ws.title in TOOL_SHEETS:
            continue
        p = read_project(sheet_from_openpyxl(ws))
        if p is not None:
            out.append(p)
    return out


def _library(file: str, projects: list[Any], others: list[str]) -> list[Any]:
    from xladdin.check import read_projects
    from xladdin.errors import UserError
    from xladdin.files.sources import read_sheets
    from xladdin.fill import library_from

    lib = library_from(projects, Path(file).name)
    for other in others:
        found, _ = read_projects(read_sheets(other))
        if not found:
            raise UserError(f"指标库工作簿 {Path(other).name} 中没有找到项目绩效目标表。请检查 --library 指定的文件。")
        lib += library_from(found, Path(other).name)
    return lib


def run(args: argparse.Namespace) -> int:
    from xladdin.errors import UserError
    from xladdin.files.fill_apply import Recorder, add_project_sheet, add_summary_line, apply_fill, write_fill_record
    from xladdin.files.workbooks import sheet_from_openpyxl
    from xladdin.files.writing import load_for_edit, resolve_output, save_edited
    from xladdin.fill import plan_fill
    from xladdin.layout import read_project
    from xladdin.model import parse_ref
    from xladdin.summary import SUMMARY_SHEET, plan_summary_line

    if not args.dry_run:
        resolve_output(args.file, args.output, args.in_place)
    wb = load_for_edit(args.file)
    projects = _projects(wb)
    library = _library(args.file, projects, args.library)
    rec = Recorder.for_workbook(wb)

    if args.new_project:
        name = args.new_project.strip()
        if not name:
            raise UserError("--new-project 需要项目名称，例如 --new-project 社保卡服务网点建设。")
        if any(p.name.text == name for p in projects):
            raise UserError(f"工作簿中已有项目“{name}”。请换一个名称，或用 --sheet 填充已有项目。")
        years = Counter(p.year for p in projects if p.year)
        import datetime as dt

        year = years.most_common(1)[0][0] if years else dt.date.today().year
        title = add_project_sheet(wb, name, projects, year, rec)
        new = read_project(sheet_from_openpyxl(wb[title]))
        assert new is not None
        targets = [new]
        print(f"新建项目表“{title}”：主管部门、实施单位、项目属性取自本工作簿其他项目。")
    elif args.sheet:
        targets = [p for p in projects if p.sheet == args.sheet]
        if not targets:
            if args.sheet in wb.sheetnames:
                raise UserError(f"工作表“{args.sheet}”不是项目绩效目标表（未找到“项目名称”和指标表头）。")
            raise UserError(f"找不到工作表“{args.sheet}”。现有工作表：{'、'.join(wb.sheetnames)}。")
    else:
        targets = projects
        if not targets:
            raise UserError(f"{Path(args.file).name} 中没有找到项目绩效目标表。")

    plans = [(p, plan_fill(p, library, comparators=not args.no_comparators)) for p in targets]
    changes = sum(len(pl.new_rows) + len(pl.edits) for _, pl in plans)
    for p, pl in plans:
        _print_plan(p, pl)
    if args.dry_run:
        if args.new_project:
            changes += 1  # the new sheet, as a real run counts it
        if args.new_project and SUMMARY_SHEET in wb.sheetnames:
            line = plan_summary_line(sheet_from_openpyxl(wb[SUMMARY_SHEET]), targets[0])
            print(line if isinstance(line, str) else f"将在“{line.sheet}”第{line.at}行加入新项目，合计包括该行。")
            changes += 0 if isinstance(line, str) else len(line.edits)
        print(f"共 {changes} 处修改（--dry-run：未写入文件）。")
        return 0
    from xladdin.files.fill_apply import RecordRow

    records = []
    notes = []
    if args.new_project:
        why = "新建项目表：主管部门、实施单位、项目属性取自本工作簿其他项目"
        records.append(RecordRow(targets[0].sheet, targets[0].name.cell, None, targets[0].name.text, why))
        changes += 1
    for p, pl in plans:
        records += apply_fill(wb, pl, p, rec)
        notes += [f"{p.sheet}：{n}" for n in pl.notes]
    if args.new_project:
        added, summary_notes = add_summary_line(wb, targets[0], rec)
        records += added
        notes += summary_notes
        changes += len(added)
        if added:
            print(f"已在“{added[0].sheet}”第{parse_ref(added[0].cell)[0]}行加入新项目，合计已包括。")
        for n in summary_notes:
            print(n)
    if not records:
        print("没有需要填充的内容。")
        if args.in_place:
            return 0
    else:
        write_fill_record(wb, records, notes, rec)
        rec.commit(wb)
    out = save_edited(wb, args.file, args.output, args.in_place, args.force)
    print(f"共 {changes} 处修改，已写入 {out}（修改记录见“填充记录”表，可用 xladdin undo 撤销）。")
    return 0


def _print_plan(p: Any, plan: Any) -> None:
    if plan.empty and not plan.notes:
        return
    print(f"【{p.sheet}】{p.name.text}")
    for r in plan.new_rows:
        what = f"{r.name} {r.value}".strip() or "（空行，请填写）"
        print(f"  第{r.after}行后插入 {r.level2}：{what}  —— {r.why}")
    for e in plan.edits:
        old = "" if e.old is None else e.old
        print(f"  {e.cell}：{old} → {e.new}  —— {e.why}")
    for n in plan.notes:
        print(f"  未处理：{n}")
