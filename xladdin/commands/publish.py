"""``xladdin publish FILE -o OUT.pdf``: the disclosure document (notice + every table)."""

from __future__ import annotations

import argparse
import datetime as dt
import time

from xladdin.errors import UserError


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help="绩效目标表工作簿（.xlsx），不会被修改")
    p.add_argument("-o", "--output", required=True, help="输出的 PDF 文件")
    p.add_argument(
        "--date", help="落款日期，格式 2026-02-27（默认今天；由 xladdin import 导入的工作簿默认用原文的日期）"
    )
    p.add_argument("--unit", help="公开单位名称（默认取各表的“实施单位”）")
    p.add_argument("--year", type=int, help="预算年度（默认取表头的年度）")
    p.add_argument(
        "--timeout",
        type=int,
        default=300,
        help="LibreOffice 没有进展时最多等待的秒数（默认 300；大工作簿分部分转换，每部分计）",
    )
    p.add_argument("--title-font", default=None, help="标题字体（默认 黑体）")
    p.add_argument("--body-font", default=None, help="正文字体（默认 仿宋）")
    p.add_argument(
        "--force",
        action="store_true",
        help="工作簿尚有错误、校验标记或本工具的标色时也生成（首页注明“草稿”，标色不印出）；默认拒绝并列出问题",
    )


def parse_day(text: str | None) -> dt.date | None:
    if not text:
        return None
    t = text.strip().replace("年", "-").replace("月", "-").replace("日", "").replace("/", "-").replace(".", "-")
    try:
        return dt.date.fromisoformat("-".join(part.zfill(2) for part in t.split("-")))
    except ValueError:
        raise UserError(f"日期“{text}”无法识别，请写成 2026-02-27 或 2026年2月27日。") from None


def run(args: argparse.Namespace) -> int:
    from xladdin.commands.console import progress_of
    from xladdin.commands.format import options_from
    from xladdin.files.pdf import imported_notice, publish_file

    start = time.perf_counter()
    day, unit, year = parse_day(args.date), args.unit, args.year
    kept = imported_notice(args.file)
    if kept is not None:  # a workbook made by `xladdin import` signs and dates as the original did
        day, unit, year = day or kept.date, unit or kept.unit, year or kept.year
    progress = progress_of(args)
    try:
        out, published, ready = publish_file(
            args.file,
            args.output,
            day=day,
            unit=unit,
            year=year,
            timeout=args.timeout,
            options=options_from(args),
            force=args.force,
            progress=progress,
        )
    finally:
        progress.clear()
    took = time.perf_counter() - start
    print(f"已生成公开文档：{out}（公开说明 + {len(published)} 张项目表，用时 {took:.1f} 秒）")
    if not ready.ready:
        print(f"注意：这是草稿（{'，'.join(ready.reasons())}），首页已注明；改正后请重新生成。")
    return 0
