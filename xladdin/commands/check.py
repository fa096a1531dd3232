"""``xladdin check FILE… [--format text|json] [--select …] [--ignore …]``.

FILE may be several files, a folder (searched with its subfolders) or a pattern such
as ``送审/*.xlsx``: one report per file and a total.  One file keeps the one-file JSON
contract; several give ``{"files": [...], "unreadable": [...], "summary": {...}}``.
"""

from __future__ import annotations

import argparse
import sys


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", nargs="+", help="要检查的工作簿（.xlsx）；可写多个文件、文件夹或通配符（如 送审/*.xlsx）")
    p.add_argument("--format", choices=["text", "json"], default="text", help="输出格式（默认 text）")
    p.add_argument("--select", default="", help="只用这些规则，逗号分隔（代码或前缀，如 FUND,VAL001）")
    p.add_argument("--ignore", default="", help="不用这些规则，逗号分隔")
    p.add_argument(
        "--mark", action="store_true", help="把问题标在单元格上（颜色+批注）并加“校验结果”表，写入 -o 指定的文件"
    )
    p.add_argument("-o", "--output", help="--mark 时的输出文件")
    p.add_argument("--in-place", action="store_true", help="--mark 时直接改原文件（会先留备份）")
    p.add_argument("--force", action="store_true", help="即使写入会丢失工作簿中无法保留的内容也继续（只能写到新文件）")
    p.add_argument(
        "-j",
        "--jobs",
        type=int,
        default=None,
        help="同时检查用的进程数（默认：工作表很多时按CPU核数自动决定；1 = 不并行）",
    )


def split_codes(text: str) -> list[str]:
    return [c.strip() for c in text.replace("，", ",").split(",") if c.strip()]


def run(args: argparse.Namespace) -> int:
    from xladdin.errors import UserError
    from xladdin.io.checking import check_file
    from xladdin.io.inputs import is_single_file
    from xladdin.report import to_console, to_json

    if args.jobs is not None and args.jobs < 1:
        raise UserError(f"--jobs 应为不小于1的整数（写的是 {args.jobs}）。不想并行请写 --jobs 1。")
    if not is_single_file(args.file):
        return _run_batch(args)
    args.file = args.file[0]
    result = check_file(
        args.file, split_codes(args.select), split_codes(args.ignore), jobs=args.jobs, json=args.format == "json"
    )
    if args.format == "json":
        print(to_json(result))
    else:
        print(to_console(result, color=sys.stdout.isatty()))
    if args.mark or args.output or args.in_place:  # an output file only makes sense for marks
        from xladdin.io.marks import mark_file
        from xladdin.marks import plan_marks

        written = mark_file(args.file, result, output=args.output, in_place=args.in_place, force=args.force)
        marked = len(plan_marks(result))
        print(f"已写入 {written}：{marked} 个单元格已标色并加批注，详见“校验结果”表。", file=sys.stderr)
    return result.exit_code


def _run_batch(args: argparse.Namespace) -> int:
    """Every workbook the arguments name, each checked on its own; a broken one is listed."""
    from xladdin.check import BatchResult
    from xladdin.errors import UserError
    from xladdin.io.checking import check_file
    from xladdin.io.inputs import expand_inputs
    from xladdin.report import batch_to_console, batch_to_json

    if args.mark or args.output or args.in_place:
        raise UserError(
            "标记（--mark、-o、--in-place）一次只能用于一个文件，例如：xladdin check 文件.xlsx --mark -o 结果.xlsx"
        )
    batch = BatchResult([])
    select, ignore = split_codes(args.select), split_codes(args.ignore)
    for path in expand_inputs(args.file):
        try:
            batch.results.append(check_file(str(path), select, ignore, jobs=args.jobs, json=args.format == "json"))
        except UserError as e:
            batch.unreadable.append((str(path), str(e)))
    if args.format == "json":
        print(batch_to_json(batch))
    else:
        print(batch_to_console(batch, color=sys.stdout.isatty()))
    return batch.exit_code
