"""A workbook's own rule choice, kept in a hidden sheet named ``xladdin设置``.

A department that disagrees with a rule switches it off once, in the workbook, and
everyone who checks that workbook (in Excel or on the command line) gets the same
result.  Layout of the sheet: column A a key, column B its value::

    忽略规则 | VAL004, NARR003
    只用规则 | (empty = all)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from xladdin.conventions import SETTINGS_SHEET
from xladdin.model import SheetData, display_text

_KEYS = {"忽略规则": "ignore", "ignore": "ignore", "只用规则": "select", "select": "select"}
_SPLIT = re.compile(r"[\s,，;；、]+")


@dataclass(frozen=True)
class Settings:
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)

    @property
    def any(self) -> bool:
        """The workbook chooses its rules (a reviewer must be told)."""
        return bool(self.select or self.ignore)

    def said(self) -> str:
        """The choice in words: “关闭了规则 VAL004、NARR；只用规则 TIME”."""
        parts = []
        if self.ignore:
            parts.append("关闭了规则 " + "、".join(self.ignore))
        if self.select:
            parts.append("只用规则 " + "、".join(self.select))
        return "；".join(parts)


def settings_from_sheets(sheets: list[SheetData]) -> Settings:
    for sh in sheets:
        if sh.name == SETTINGS_SHEET:
            return parse_settings(sh)
    return Settings()


def parse_settings(sheet: SheetData) -> Settings:
    """Keys in column A (“忽略规则” / “只用规则”, a trailing colon allowed), codes in B.

    Rows with other keys (a title, a 说明 line) are ignored, so the sheet can explain
    itself to the next person who opens it.
    """
    found: dict[str, list[str]] = {"select": [], "ignore": []}
    for row in sheet.rows:
        if len(row) < 2:
            continue
        raw = display_text(row[0]).strip().rstrip("：:").strip()
        key = _KEYS.get(raw.lower()) or _KEYS.get(raw)
        if key:
            found[key] += [c.upper() for c in _SPLIT.split(display_text(row[1])) if c]
    return Settings(select=found["select"], ignore=found["ignore"])


def split_codes(text: str) -> list[str]:
    """The codes of ``--select``/``--ignore`` (and the web page's fields): “VAL004,IND” or “VAL004，IND”."""
    return [c.strip() for c in text.replace("，", ",").split(",") if c.strip()]
