"""The workbooks named on a command line: files, folders and wildcard patterns.

A reviewer in the finance department receives one workbook per department, often
sorted into a folder per department.  ``xladdin check 送审/`` or ``xladdin check
送审/*.xlsx`` must therefore work everywhere — also in the Windows command prompt,
which passes ``*.xlsx`` through unexpanded, so patterns are expanded here.
"""

from __future__ import annotations

import glob
import os
from pathlib import Path

from xladdin.errors import UserError

# What a folder is searched for: the formats xladdin reads, and the ones it refuses
# with a message (an old .xls among the .xlsx files should be reported, not ignored).
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".et", ".ods", ".xlsb")
_WILDCARDS = "*?["


def is_single_file(args: list[str]) -> bool:
    """One argument naming one file (existing or not): the one-file report applies."""
    return len(args) == 1 and not os.path.isdir(args[0]) and not _is_pattern(args[0])


def _is_pattern(arg: str) -> bool:
    return any(ch in arg for ch in _WILDCARDS) and not os.path.exists(arg)


def is_skipped(path: Path) -> bool:
    """Excel's lock files (~$名称.xlsx) and xladdin's own backups are not the department's tables."""
    name = path.name
    return name.startswith("~$") or ".备份-" in name


def expand_inputs(args: list[str]) -> list[Path]:
    """Every workbook the arguments name, in a stable order, each once.

    A folder is searched with its subfolders; a pattern that matches nothing, or a
    folder without workbooks, is the user's mistake and says so.
    """
    out: list[Path] = []
    for arg in args:
        if os.path.isdir(arg):
            found = sorted(
                p
                for p in Path(arg).rglob("*")
                if p.is_file() and p.suffix.lower() in WORKBOOK_SUFFIXES and not is_skipped(p)
            )
            if not found:
                raise UserError(f"文件夹“{arg}”中没有工作簿（.xlsx/.xlsm）。请检查路径。")
            out += found
        elif _is_pattern(arg):
            matched = sorted(Path(p) for p in glob.glob(arg, recursive=True) if os.path.isfile(p))
            matched = [p for p in matched if not is_skipped(p)]
            if not matched:
                raise UserError(f"没有与“{arg}”匹配的文件。请检查路径和通配符。")
            out += matched
        else:
            out.append(Path(arg))
    seen: set[Path] = set()
    unique = []
    for p in out:
        key = p.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return unique


__all__ = ["WORKBOOK_SUFFIXES", "expand_inputs", "is_single_file", "is_skipped"]
