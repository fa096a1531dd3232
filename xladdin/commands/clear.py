"""``xladdin clear FILE (-o OUT.xlsx | --in-place)``: take the check's marks off a workbook."""

from __future__ import annotations

import argparse


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help="做过“校验并标记”的工作簿（.xlsx）")
    p.add_argument("-o", "--output", help="输出文件（原文件不变）")
    p.add_argument("--in-place", action="store_true", help="直接改原文件（会先留备份）")
    p.add_argument("--force", action="store_true", help="即使写入会丢失工作簿中无法保留的内容也继续（只能写到新文件）")


def run(args: argparse.Namespace) -> int:
    from xladdin.files.marks import clear_file

    path, counts = clear_file(args.file, output=args.output, in_place=args.in_place, force=args.force)
    line = f"已清除标记：恢复{counts['cells']}个单元格的颜色，去掉{counts['notes']}个批注"
    if counts["sheets"]:
        line += "，删除“校验结果”表"
    if counts["kept"]:
        line += f"；{counts['kept']}个单元格在标记后被改过颜色，保留了现在的颜色"
    print(f"{line}。已写入 {path}")
    return 0
