"""``xladdin rules [--format text|json]``: the rule registry."""

from __future__ import annotations

import argparse
import json

from xladdin.report import SEVERITY_ZH


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=["text", "json"], default="text")


def run(args: argparse.Namespace) -> int:
    from xladdin.rules import all_rules

    rules = all_rules()
    if args.format == "json":
        print(
            json.dumps(
                [{"code": r.code, "name": r.name, "severity": r.severity, "summary": r.summary} for r in rules],
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        for r in rules:
            print(f"{r.code:<9} {SEVERITY_ZH[r.severity]:<3} {r.name:<28} {r.summary}")
    return 0
