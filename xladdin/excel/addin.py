"""The ribbon's entry points: one function per button of the 绩效目标 tab.

Each entry point takes an ``xlwings.Book``; without one it works on the workbook the
button was clicked in (``xw.Book.caller()``, classic RunPython from the callbacks
``macros/build.py`` writes from ``xladdin.excel.ribbon``).  The same work is exposed as
xlwings Server/Lite scripts (``<entry>_script``, made from the button table), so a
department can also run it from a self-hosted xlwings Server.

An entry point is read → plan → apply → say: it reads the sheets (``xladdin.excel.bulk``),
asks the core for the same ``WorkbookPlan`` the command line applies, carries it out with
``xladdin.excel.apply`` and shows the plan's sentence.  Whatever happens, the user sees a
short Chinese message box, never a Python traceback.
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

from xladdin.check import check_sheets, read_projects
from xladdin.conventions import now_text
from xladdin.errors import UserError
from xladdin.excel import bulk
from xladdin.excel.apply import apply
from xladdin.excel.ribbon import entry_points
from xladdin.fill import library_from
from xladdin.plans.costs import plan_cost_sheet
from xladdin.plans.fill import fill_tables, plan_fill_workbook, plan_new_project
from xladdin.plans.fix import plan_fix
from xladdin.plans.format import plan_format
from xladdin.plans.marks import clear_message, plan_clear, plan_mark
from xladdin.plans.rollover import next_year, plan_rollover_workbook
from xladdin.plans.selfeval import plan_selfeval
from xladdin.plans.undo import plan_undo
from xladdin.report import summary_line

TITLE = "绩效目标"
LOG_FILE = os.path.join(tempfile.gettempdir(), "xladdin.log")
_log = logging.getLogger("xladdin.excel.addin")

F = TypeVar("F", bound=Callable[..., Any])


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
            bulk.status(book, f"{label}：正在处理…")
            try:
                message = f(book)
            except UserError as exc:
                bulk.status(book, None)
                bulk.alert(book, f"{label}未完成：{exc.message}", TITLE)
                return None
            except Exception as exc:  # a bug of ours: a short message, the details in a log
                log = _write_log(f"{label} ({f.__name__})")
                bulk.status(book, None)
                bulk.alert(
                    book,
                    f"{label}出错（{type(exc).__name__}）。工作簿中已写入的修改可用“撤销”恢复。"
                    f"详细信息已记录在 {log}，请发给维护人员。",
                    TITLE,
                )
                return None
            bulk.status(book, None)
            if message:
                bulk.alert(book, message, TITLE)
            return message

        return run  # type: ignore[return-value]

    return wrap


# --------------------------------------------------------------------------- read → plan → apply → say


def _apply(book: Any, plan: Any) -> Any:

    return apply(book, plan)


def _library(book: Any, sheets: list[Any]) -> list[Any]:

    projects, _ = read_projects(sheets)
    return library_from(projects, bulk.book_name(book))


@entry_point("校验")
def check(book: Any) -> str:
    """Check every project sheet, mark each finding in its cell, list them in 校验结果."""

    sheets = bulk.read_book(book)
    result = check_sheets(bulk.book_name(book), sheets)
    bulk.status(book, f"校验：发现{len(result.findings)}处问题，正在标记…")
    _apply(book, plan_mark(sheets, result))
    return summary_line(result)


@entry_point("一键修正")
def fix(book: Any) -> str:
    """Apply the safe fixes the check's findings carry (undoable), as ``xladdin check --fix``."""

    result = check_sheets(bulk.book_name(book), bulk.read_book(book))
    plan = plan_fix(bulk.read_book(book, formulas=True), result.findings, time=now_text())
    if plan.empty:
        return plan.message
    bulk.status(book, "一键修正：正在修改…")
    _apply(book, plan)
    return plan.message


@entry_point("清除标记")
def clear(book: Any) -> str:
    """Remove what 校验 added — fills (restored), its notes, the 校验结果 sheet — and the
    highlights of 填充/新年度 (the edits stay; 撤销 takes them back)."""

    plan = plan_clear(bulk.read_book(book))
    if not any(plan.counts.get(k) for k in ("states", "report", "highlights")):
        return "没有需要清除的标记。"
    applied = _apply(book, plan)
    return clear_message(applied.cleared, bool(plan.counts.get("report")), applied.highlights)


@entry_point("撤销")
def undo(book: Any) -> str:
    """Revert the newest batch of changes xladdin made (journal in sheet xladdin撤销)."""

    plan = plan_undo(bulk.read_book(book))
    if not plan.empty:
        _apply(book, plan)
    return plan.message


@entry_point("测算成本")
def costs(book: Any) -> str:
    """Explain each budget by its cost formulas and write the 成本测算 sheet."""

    bulk.status(book, "测算成本：正在计算…")
    plan = plan_cost_sheet(bulk.read_book(book))
    _apply(book, plan)
    return plan.message


@entry_point("填充指标")
def fill(book: Any) -> str:
    """Add missing indicator rows and derive cost indicators (undoable)."""

    sheets = bulk.read_book(book, formulas=True)
    tables = fill_tables(sheets, _library(book, sheets))
    plan = plan_fill_workbook(tables, sheets, time=now_text())
    if not plan.counts.get("changes"):
        notes = len(plan.notes)
        return "没有需要填充的内容。" + (f"（{notes}处未处理，见命令行 --dry-run）" if notes else "")
    bulk.status(book, "填充指标：正在写入…")
    _apply(book, plan)
    return plan.message


@entry_point("新建项目")
def new_project(book: Any, name: str = "新项目") -> str:
    """A project sheet from the template layout, header from the other projects, then filled."""

    sheets = bulk.read_book(book, formulas=True)
    new = plan_new_project(sheets, name, _library(book, sheets), time=now_text(), numbered=True)
    _apply(book, new.plan)
    return new.plan.message


@entry_point("新年度")
def rollover(book: Any) -> str:
    """Move the workbook's tables to the next budget year (undoable)."""

    sheets = bulk.read_book(book, formulas=True)
    target = next_year(sheets)
    bulk.status(book, f"新年度：正在改为{target}年…")
    plan, _ = plan_rollover_workbook(sheets, target)
    _apply(book, plan)
    return plan.message + "如需保留原年度，请用“另存为”另存，或点“撤销”。"


@entry_point("统一格式")
def format_sheets(book: Any) -> str:
    """Make every project sheet look like the official table."""

    plan = plan_format(bulk.read_book(book))
    for name in plan.names["formatted"]:
        bulk.status(book, f"统一格式：{name}…")
        break
    _apply(book, plan)
    return plan.message + "格式修改不能用“撤销”恢复。"


format = format_sheets


@entry_point("生成自评表")
def selfeval(book: Any) -> str:
    """A 项目支出绩效自评表 per project, scored by formulas (undoable), as ``xladdin selfeval``."""
    plan = plan_selfeval(bulk.read_book(book))
    if plan.empty:
        return plan.message
    bulk.status(book, "生成自评表：正在写入…")
    _apply(book, plan)
    return plan.message + ("" if not plan.notes else "\n" + "\n".join(plan.notes))


# Entry point → the label of its button (xladdin.excel.ribbon declares the buttons).
ENTRY_POINTS: dict[str, str] = entry_points()


# --------------------------------------------------------------------------- xlwings Server / Lite


def _script_for(entry: str, label: str) -> Callable[..., Any]:
    """The entry point as an xlwings Server/Lite script named like its button."""

    def run_script(book: xw.Book) -> None:
        globals()[entry](book)

    run_script.__name__ = run_script.__qualname__ = f"{entry}_script"
    return script(name=label)(run_script)


for _entry, _label in ENTRY_POINTS.items():
    globals()[f"{_entry}_script"] = _script_for(_entry, _label)
