"""``xladdin undo FILE -o OUT.xlsx | --in-place``: take back the newest change xladdin made."""

from __future__ import annotations

import argparse


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help="被 xladdin 修改过的工作簿（.xlsx）")
    p.add_argument("-o", "--output", help="输出文件（原文件不变）")
    p.add_argument("--in-place", action="store_true", help="直接修改原文件（会先留备份）")
    p.add_argument("--force", action="store_true", help="即使写入会丢失工作簿中无法保留的内容也继续（只能写到新文件）")


def run(args: argparse.Namespace) -> int:
    from xladdin.errors import UserError
    from xladdin.files.fill_apply import revert_last
    from xladdin.files.writing import load_for_edit, resolve_output, save_edited

    resolve_output(args.file, args.output, args.in_place)
    wb = load_for_edit(args.file)
    reverted = revert_last(wb)
    if not reverted:
        raise UserError("这个工作簿中没有 xladdin 的修改记录，无可撤销。")
    out = save_edited(wb, args.file, args.output, args.in_place, args.force)
    cells = sum(1 for e in reverted if e.op == "set")
    rows = sum(int(float(str(e.new or 0))) for e in reverted if e.op == "insert_rows")
    sheets = [e.sheet for e in reverted if e.op == "add_sheet"]
    parts = [f"{cells} 个单元格"]
    if rows:
        parts.append(f"删除插入的 {rows} 行")
    if sheets:
        parts.append("删除工作表 " + "、".join(f"“{s}”" for s in sheets))
    print(f"已撤销第 {reverted[0].batch} 批修改（{'，'.join(parts)}），已写入 {out}。")
    return 0
