"""Command line: ``xladdin check | costs | fill | rollover | format | selfeval | publish | import | clear | undo | rules | standards``.

The same verbs as the ribbon.  Each verb lives in ``xladdin/commands/<verb>.py`` (``import_.py`` for the keyword) with
``add_arguments(parser)`` and ``run(args) -> int``.  A user's mistake ends with a
one-line Chinese message and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import keyword
import re
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from xladdin import __version__
from xladdin.commands.console import progress_for, setup_streams
from xladdin.errors import UserError

VERBS: dict[str, str] = {
    "check": "校验：检查绩效目标表，列出错误和警告",
    "costs": "测算成本：用成本指标×数量指标解释预算",
    "fill": "填充指标：补齐指标框架、由预算推算成本指标",
    "rollover": "新年度：由本年度工作簿生成下一年度工作簿",
    "format": "统一格式：统一字体、边框、列宽和打印设置",
    "selfeval": "生成自评表：由绩效目标表生成项目支出绩效自评表（--score 计算自评得分）",
    "publish": "公开：生成可公开的 PDF 文档",
    "import": "导入：把公开的表格（PDF、Word、网页、文本）导入为工作簿",
    "clear": "清除标记：去掉校验留下的颜色、批注和结果表",
    "undo": "撤销：撤销 xladdin 对工作簿所做的修改",
    "rules": "列出全部校验规则",
    "standards": "支出标准：列出核对成本指标所用的标准及其出处",
    "serve": "网页版：在浏览器中校验、下载结果（供没有安装加载项的电脑和审核人员使用）",
}


class _ChineseHelp(argparse.HelpFormatter):
    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """argparse whose help and usage errors are said in Chinese, like everything a user reads.

    argparse writes its own frame in English ("usage:", "positional arguments",
    "options", "show this help message and exit"); the frame is replaced here, the
    texts of the options are each command's own.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _ChineseHelp)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "参数"
        self._optionals.title = "选项"
        self.add_argument("-h", "--help", action="help", help="显示本帮助并退出")

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"xladdin：{usage_error(message)}。请运行“{self.prog} --help”查看用法。\n")


# argparse's messages (3.11–3.13 wording) → what a department user reads.
_USAGE_ERRORS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"invalid int value: (.+)"), "应为整数，写的是 {0}"),
    (re.compile(r"invalid float value: (.+)"), "应为数字，写的是 {0}"),
    (re.compile(r"invalid choice: (.+?) \(choose from (.+)\)"), "只能是 {1} 之一，写的是 {0}"),
    (re.compile(r"expected one argument"), "后面需要写一个值"),
    (re.compile(r"the following arguments are required: (.+)"), "缺少必需的参数：{0}"),
    (re.compile(r"unrecognized arguments: (.+)"), "不认识的参数：{0}"),
    (re.compile(r"not allowed with argument (.+)"), "不能与参数 {0} 同时使用"),
    (re.compile(r"ambiguous option: (\S+) could match (.+)"), "参数 {0} 有歧义，可能是 {1}"),
]


_ARG_NAMES = {"file": "工作簿文件", "FILE": "工作簿文件"}  # positional arguments' names as the user knows them


def usage_error(message: str) -> str:
    """A usage error of argparse in Chinese ("argument -j/--jobs: invalid int value: 'abc'" →
    "参数 -j/--jobs 应为整数，写的是 'abc'"); an unknown wording is kept, in a Chinese frame."""
    where = ""
    m = re.match(r"argument (\S+): (.*)", message, re.S)
    if m:
        where, message = f"参数 {m.group(1)} ", m.group(2)
    for pattern, text in _USAGE_ERRORS:
        found = pattern.search(message)
        if found:
            return where + text.format(*(_ARG_NAMES.get(g, g) for g in found.groups()))
    return f"命令行有误：{where}{message}"


def say_notices(notices: Sequence[str]) -> None:
    """What the file shell says about a written file itself (a Strict workbook converted, formula
    results Excel will recalculate, what --force let go): one line each, on stderr."""
    for line in notices:
        print(f"提示：{line}", file=sys.stderr)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="xladdin",
        description="项目支出预算绩效目标表工具：校验、测算成本、填充指标、统一格式、新年度、公开。",
    )
    parser.add_argument("--version", action="version", version=f"xladdin {__version__}", help="显示版本号并退出")
    parser.add_argument("--debug", action="store_true", help="出错时显示详细的程序调用信息（供开发人员排查）")
    sub = parser.add_subparsers(dest="verb", metavar="命令")
    for verb, help_text in VERBS.items():
        try:
            module = f"xladdin.commands.{verb}_" if keyword.iskeyword(verb) else f"xladdin.commands.{verb}"
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
            continue
        p = sub.add_parser(verb, help=help_text, description=help_text)
        mod.add_arguments(p)
        if verb not in QUICK_VERBS:
            p.add_argument(
                "--progress",
                dest="show_progress",
                action="store_true",
                help="在 stderr 显示进度（在终端上运行时默认显示；--format json 时不显示）",
            )
        p.set_defaults(_run=mod.run)
    return parser


QUICK_VERBS = {"rules"}  # verbs that never take long: no progress option


def verb_name(verb: str) -> str:
    """The verb as the ribbon says it (校验, 统一格式 …), for the progress line."""
    return VERBS.get(verb, verb).split("：")[0]


def main(argv: Sequence[str] | None = None) -> int:
    setup_streams()  # before argparse's own help and errors, which hold Chinese too
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "_run", None):
        parser.print_help()
        return 2
    args.progress = progress_for(
        verb_name(args.verb), getattr(args, "show_progress", False), json=getattr(args, "format", "text") == "json"
    )
    try:
        return int(args._run(args))
    except UserError as exc:
        args.progress.clear()
        print(f"xladdin：{exc.message}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:  # `xladdin check … | head`: the reader left, nothing is wrong
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        args.progress.clear()
        print("xladdin：已中断，未写入任何文件。", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug of ours: say so plainly, keep the details for --debug
        args.progress.clear()
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
