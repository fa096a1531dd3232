"""``xladdin rules [--format text|json]``: the rule registry."""

from __future__ import annotations

import argparse
import json

from xladdin.report import SEVERITY_ZH


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=["text", "json"], default="text", help="输出格式（默认 text）")
    p.add_argument(
        "--output-file", metavar="规则.json", help="把规则列表写入这个文件（UTF-8 编码），而不是显示在屏幕上"
    )


def run(args: argparse.Namespace) -> int:
    from xladdin.commands.console import write_report
    from xladdin.rules import all_rules

    rules = all_rules()
    if args.format == "json":
        text = json.dumps(
            [{"code": r.code, "name": r.name, "severity": r.severity, "summary": r.summary} for r in rules],
            ensure_ascii=False,
            indent=2,
        )
    else:
        text = "\n".join(f"{r.code:<9} {SEVERITY_ZH[r.severity]:<3} {r.name:<28} {r.summary}" for r in rules)
    write_report(text, getattr(args, "output_file", None), json=args.format == "json")
    return 0
