"""The ribbon's entry points: one function per button of the 绩效目标 tab.

Each entry point takes an ``xlwings.Book``; without one it works on the workbook the
button was clicked in (``xw.Book.caller()``, classic RunPython from
``macros/RibbonXladdin.bas``).  The same work is exposed as xlwings Server/Lite
scripts (``*_script``, decorated with ``@script`` and taking ``book: xw.Book``), so a
department can also run it from a self-hosted xlwings Server.

An entry point reads the sheets once (``xladdin.excel.bulk``), runs the same core as the
command line, so a file checked in Excel and on the command line gives the same
findings, and writes back in batches.  Whatever happens, the user sees a short
Chinese message box, never a Python traceback.
"""

from __future__ import annotations

import functools
import logging
import os
import tempfile
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

import xlwings as xw
from xlwings import script

from xladdin.errors import UserError
from xladdin.excel import bulk as excel

TITLE = "绩效目标"
LOG_FILE = os.path.join(tempfile.gettempdir(), "xladdin.log")
_log = logging.getLogger("xladdin.excel.addin")

F = TypeVar("F", bound=Callable[..., Any])


class NotProvided(UserError):
    """A button whose operation the package does not provide yet."""


def _caller() -> Any:
    try:
        return xw.Book.caller()
    except Exception as exc:
        raise UserError(
            "没有找到调用的工作簿。请在 Excel 中通过“绩效目标”选项卡的按钮运行；在 Python 中请传入 book 参数。"
        ) from exc


def _write_log(where: str) -> str:
    """Keep the traceback for the maintainers in a log file; returns the file's path."""
    try:
        with open(LOG_FILE, "a", encoding="utf-8") as fh:
            fh.write(f"--- {where}\n{traceback.format_exc()}\n")
    except OSError:
        pass
    return LOG_FILE


def entry_point(label: str) -> Callable[[F], F]:
    """Make ``f(book)`` a button: find the book, show progress, turn any error into a message box.

    ``label`` is the button's Chinese name, used in messages.  Returns what ``f``
    returns (the summary message), or None after an error.
    """

    def wrap(f: F) -> F:
        @functools.wraps(f)
        def run(book: Any = None) -> Any:
            try:
                book = book if book is not None else _caller()
            except UserError as exc:
                _log.error(exc.message)
                return None
            excel.status(book, f"{label}：正在处理…")
            try:
                message = f(book)
            except UserError as exc:
                excel.status(book, None)
                excel.alert(book, f"{label}未完成：{exc.message}", TITLE)
                return None
            except Exception as exc:  # a bug of ours: a short message, the details in a log
                log = _write_log(f"{label} ({f.__name__})")
                excel.status(book, None)
                excel.alert(
                    book,
                    f"{label}出错（{type(exc).__name__}）。工作簿中已写入的修改可用“撤销”恢复。"
                    f"详细信息已记录在 {log}，请发给维护人员。",
                    TITLE,
                )
                return None
            excel.status(book, None)
            if message:
                excel.alert(book, message, TITLE)
            return message

        return run  # type: ignore[return-value]

    return wrap


def _require(module: str, what: str) -> Any:
    """Import a core module; a missing one is a clear "not yet" for the user, not a crash."""
    import importlib

    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name != module:
            raise
        raise NotProvided(f"{what}功能尚未提供（缺少 {module}）。请升级 xladdin 后再试。") from None


# --------------------------------------------------------------------------- 校验 / 清除标记


@entry_point("校验")
def check(book: Any) -> str:
    """Check every project sheet, mark each finding in its cell, list them in 校验结果."""
    from xladdin.check import check_sheets
    from xladdin.excel.marks import clear_marks, mark_findings
    from xladdin.report import summary_line

    sheets = excel.read_book(book)
    result = check_sheets(excel.book_name(book), sheets)
    excel.status(book, f"校验：发现{len(result.findings)}处问题，正在标记…")
    clear_marks(book, sheets)
    mark_findings(book, result)
    return summary_line(result)


@entry_point("清除标记")
def clear(book: Any) -> str:
    """Remove what 校验 added: fills (restored), its notes, the 校验结果 sheet."""
    from xladdin.excel.marks import clear_marks

    n = clear_marks(book, excel.read_book(book))
    return f"已清除{n}处标记。" if n else "没有需要清除的标记。"


# --------------------------------------------------------------------------- 撤销


@entry_point("撤销")
def undo(book: Any) -> str:
    """Revert the newest batch of changes xladdin made (journal in sheet xladdin撤销)."""
    reverted = excel.undo_last(book)
    if not reverted:
        return "没有可以撤销的修改。"
    cells = sum(1 for e in reverted if e.op == "set")
    sheets = sorted({e.sheet for e in reverted})
    return f"已撤销最近一次操作：{cells}个单元格（{'、'.join(sheets)}）。"


# --------------------------------------------------------------------------- 测算成本


@entry_point("测算成本")
def costs(book: Any) -> str:
    """Explain each budget by its cost formulas and write the 成本测算 sheet."""
    from xladdin.excel.ops import run_costs

    _require("xladdin.costs", "测算成本")
    return run_costs(book)


# --------------------------------------------------------------------------- 填充指标 / 新建项目 / 新年度


@entry_point("填充指标")
def fill(book: Any) -> str:
    """Add missing indicator rows and derive cost indicators (undoable)."""
    from xladdin.excel.ops import run_fill

    _require("xladdin.fill", "填充指标")
    return run_fill(book)


@entry_point("新建项目")
def new_project(book: Any) -> str:
    """Add a project sheet from the template, header filled from the other projects."""
    from xladdin.excel.ops import run_new_project

    _require("xladdin.fill", "新建项目")
    return run_new_project(book)


@entry_point("新年度")
def rollover(book: Any) -> str:
    """Move the workbook's tables to the next budget year (undoable)."""
    from xladdin.excel.ops import run_rollover

    _require("xladdin.rollover", "新年度")
    return run_rollover(book)


# --------------------------------------------------------------------------- 统一格式


@entry_point("统一格式")
def format_sheets(book: Any) -> str:
    """Make every project sheet look like the official table."""
    from xladdin.excel.ops import run_format

    _require("xladdin.style", "统一格式")
    return run_format(book)


format = format_sheets

ENTRY_POINTS: dict[str, str] = {
    "check": "校验",
    "costs": "测算成本",
    "fill": "填充指标",
    "new_project": "新建项目",
    "format_sheets": "统一格式",
    "rollover": "新年度",
    "clear": "清除标记",
    "undo": "撤销",
}


# --------------------------------------------------------------------------- xlwings Server / Lite


@script(name="校验")
def check_script(book: xw.Book) -> None:
    check(book)


@script(name="测算成本")
def costs_script(book: xw.Book) -> None:
    costs(book)


@script(name="填充指标")
def fill_script(book: xw.Book) -> None:
    fill(book)


@script(name="新建项目")
def new_project_script(book: xw.Book) -> None:
    new_project(book)


@script(name="统一格式")
def format_script(book: xw.Book) -> None:
    format_sheets(book)


@script(name="新年度")
def rollover_script(book: xw.Book) -> None:
    rollover(book)


@script(name="清除标记")
def clear_script(book: xw.Book) -> None:
    clear(book)


@script(name="撤销")
def undo_script(book: xw.Book) -> None:
    undo(book)
