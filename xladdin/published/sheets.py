"""The imported workbook's own parts: sheet names, the 导入记录 sheet, the stored notice.

The 导入记录 sheet tells the user where each table came from, what was repaired and what
could not be placed (with page and line), and keeps the notice that preceded the
tables — unit, year, signature, date and its text — so that ``xladdin publish`` of the
imported workbook signs and dates the document as the original did.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass

from xladdin.conventions import IMPORT_LOG_SHEET, SUMMARY_SHEET
from xladdin.layout import SheetLayout, TableSpec
from xladdin.model import SheetData, display_text
from xladdin.published.document import LogEntry
from xladdin.published.recognise import Imported

LOG_SHEET = IMPORT_LOG_SHEET
NOTICE_MARK = "公开说明（原文，xladdin publish 沿用其单位、年度和日期）"
LOG_HEADERS = ("序号", "位置", "类别", "内容", "说明")
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\：]")
_MAX_SHEET = 31


def sheet_names(names: list[str]) -> list[str]:
    """A sheet name per project, from its 项目名称: Excel's forbidden characters removed,
    at most 31 characters, each different (Excel compares names ignoring case)."""
    taken = {SUMMARY_SHEET.casefold(), LOG_SHEET.casefold()}
    out = []
    for i, name in enumerate(names, start=1):
        base = _BAD_SHEET_CHARS.sub("", "".join(name.split())).strip("'") or f"项目{i}"
        cand = base[:_MAX_SHEET]
        n = 2
        while cand.casefold() in taken:
            suffix = f"({n})"
            cand = base[: _MAX_SHEET - len(suffix)] + suffix
            n += 1
        taken.add(cand.casefold())
        out.append(cand)
    return out


def named(specs: list[TableSpec]) -> list[TableSpec]:
    return [dataclasses.replace(s, sheet=n) for s, n in zip(specs, sheet_names([s.name for s in specs]), strict=True)]


def log_layout(imported: Imported, sources: list[str], sheets: list[str]) -> SheetLayout:
    """The 导入记录 sheet: sources, the notice, where each table came from, every repair and
    every line not placed."""
    lay = SheetLayout(LOG_SHEET)
    lay.put(1, 1, "导入记录", "title", to_col=len(LOG_HEADERS))
    lay.put(2, 1, "来源文件：" + "、".join(sources), "value", to_col=len(LOG_HEADERS))
    r = 4
    notice = imported.notice
    lay.put(r, 1, NOTICE_MARK, "label", to_col=len(LOG_HEADERS))
    r += 1
    rows: list[tuple[str, str]] = [
        ("公开单位", (notice.unit or "") if notice else ""),
        ("预算年度", str(notice.year) if notice and notice.year else ""),
        ("落款", (notice.signature or "") if notice else ""),
        ("落款日期", notice.date.isoformat() if notice and notice.date else ""),
    ]
    rows += [("原文" + (f"（{w}）" if w else ""), t) for w, t in (notice.lines if notice else ())]
    for key, value in rows:
        lay.put(r, 1, key, "label", to_col=2)
        lay.put(r, 3, value, "value", to_col=len(LOG_HEADERS))
        r += 1
    r += 1
    for c, h in enumerate(LOG_HEADERS, start=1):
        lay.put(r, c, h, "header")
    entries = [
        LogEntry(where, "说明", name, f"导入为工作表“{sheet}”")
        for where, name, sheet in zip(imported.starts, (s.name for s in imported.specs), sheets, strict=True)
    ]
    for i, e in enumerate([*entries, *imported.log], start=1):
        r += 1
        for c, v in enumerate((i, e.where, e.kind, e.text, e.detail), start=1):
            lay.put(r, c, v, "value")
    return lay


@dataclass(frozen=True)
class StoredNotice:
    unit: str | None
    year: int | None
    date: dt.date | None


def stored_notice(sheet: SheetData) -> StoredNotice | None:
    """The notice an import kept in the 导入记录 sheet, for ``publish``; None when there is none."""
    found = False
    values: dict[str, str] = {}
    for row in sheet.rows:
        a = display_text(row[0]) if row else ""
        if a == NOTICE_MARK:
            found = True
            continue
        if found:
            if not a:
                break
            values[a] = next((display_text(v) for v in row[1:] if display_text(v)), "")
    if not found:
        return None
    year = values.get("预算年度", "")
    try:
        day = dt.date.fromisoformat(values.get("落款日期", ""))
    except ValueError:
        day = None
    return StoredNotice(values.get("公开单位") or None, int(year) if year.isdigit() else None, day)


__all__ = ["LOG_SHEET", "StoredNotice", "log_layout", "named", "sheet_names", "stored_notice"]
