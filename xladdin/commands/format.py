"""``xladdin format FILE -o OUT.xlsx [--in-place]``: 统一格式 for every project sheet (``xladdin.plans.format``)."""

from __future__ import annotations

import argparse
import time

from xladdin.commands.output_options import add_output_arguments
from xladdin.style import StyleOptions


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help="要统一格式的工作簿（.xlsx）")
    add_output_arguments(p)
    p.add_argument("--title-font", default=None, help="标题字体（默认 黑体；已安装时可用 方正小标宋简体）")
    p.add_argument("--body-font", default=None, help="正文字体（默认 仿宋；已安装时可用 仿宋_GB2312）")


def options_from(args: argparse.Namespace) -> StyleOptions:
    opt = StyleOptions()
    if getattr(args, "title_font", None):
        opt = StyleOptions(title_font=args.title_font, body_font=opt.body_font)
    if getattr(args, "body_font", None):
        opt = StyleOptions(title_font=opt.title_font, body_font=args.body_font)
    return opt


def run(args: argparse.Namespace) -> int:
    from xladdin.commands.console import brief_list, progress_of
    from xladdin.files.writing import edit_file
    from xladdin.plans.format import plan_format

    start = time.perf_counter()
    options = options_from(args)
    done = edit_file(
        args.file,
        lambda sheets: plan_format(sheets, options),
        args.output,
        args.in_place,
        args.force,
        progress=progress_of(args),
    )
    took = time.perf_counter() - start
    names = done.plan.names
    summary = names.get("summary") or []
    print(
        f"已统一格式：{len(names['formatted'])} 张项目表（{brief_list(names['formatted'])}）"
        + (f"，以及“{summary[0]}”" if summary else "")
    )
    if names.get("untouched"):
        untouched = names["untouched"]
        print(f"未改动的其他工作表：{len(untouched)} 张（{brief_list(untouched)}）")
    for note in done.plan.notes:
        print(f"提示：{note}")
    print(f"已写入 {done.target}（用时 {took:.1f} 秒）")
    from xladdin.commands.cli import say_notices

    say_notices(done.notices)
    return 0
