"""The options every writing verb takes, worded once: where to write, in place, and --force."""

from __future__ import annotations

import argparse


def add_output_arguments(p: argparse.ArgumentParser, when: str = "") -> None:
    """``-o``, ``--in-place`` and ``--force``; ``when`` names the option that makes the verb write ("--write 时")."""
    p.add_argument("-o", "--output", help=f"{when}输出文件（原文件保持不变）")
    p.add_argument("--in-place", action="store_true", help=f"{when}直接修改原文件（会先在旁边留一个备份）")
    p.add_argument("--force", action="store_true", help="即使写入会丢失工作簿中无法保留的内容也继续（只能写到新文件）")
