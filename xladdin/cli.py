"""Command line: ``xladdin check | costs | fill | rollover | format | publish | clear | rules``.

The same verbs as the ribbon.  Each verb lives in ``xladdin/commands/<verb>.py`` with
``add_arguments(parser)`` and ``run(args) -> int``.  A user's mistake ends with a
one-line Chinese message and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from xladdin import __version__
from xladdin.errors import UserError

VERBS: dict[str, str] = {
    "check": "校验：检查绩效目标表，列出错误和警告",
    "costs": "测算成本：用成本指标×数量指标解释预算",
    "fill": "填充指标：补齐指标框架、由预算推算成本指标",
    "rollover": "新年度：由本年度工作簿生成下一年度工作簿",
    "format": "统一格式：统一字体、边框、列宽和打印设置",
    "publish": "公开：生成可公开的 PDF 文档",
    "clear": "清除标记：去掉校验留下的颜色、批注和结果表",
    "undo": "撤销：撤销 xladdin 对工作簿所做的修改",
    "rules": "列出全部校验规则",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="xladdin",
        description="项目支出预算绩效目标表工具：校验、测算成本、填充指标、统一格式、新年度、公开。",
    )
    parser.add_argument("--version", action="version", version=f"xladdin {__version__}")
    parser.add_argument("--debug", action="store_true", help="出错时显示详细的程序调用信息（供开发人员排查）")
    sub = parser.add_subparsers(dest="verb", metavar="命令")
    for verb, help_text in VERBS.items():
        try:
            mod = importlib.import_module(f"xladdin.commands.{verb}")
        except ModuleNotFoundError as exc:
            if exc.name != f"xladdin.commands.{verb}":
                raise
            continue
        p = sub.add_parser(verb, help=help_text, description=help_text)
        mod.add_arguments(p)
        p.set_defaults(_run=mod.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "_run", None):
        parser.print_help()
        return 2
    try:
        return int(args._run(args))
    except UserError as exc:
        print(f"xladdin：{exc.message}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:  # `xladdin check … | head`: the reader left, nothing is wrong
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("xladdin：已中断，未写入任何文件。", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug of ours: say so plainly, keep the details for --debug
        if args.debug:
            raise
        print(
            f"xladdin：程序内部错误（{type(exc).__name__}: {str(exc)[:200]}）。"
            "输入文件没有被修改。请加 --debug 重新运行，并把输出发给维护人员。",
            file=sys.stderr,
        )
        return 3


def run() -> None:
    sys.exit(main())


if __name__ == "__main__":
    run()
