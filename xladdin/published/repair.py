"""Undoing what text extraction does to Chinese text, and only that.

A PDF's text layer, or text copied from it, puts spaces where the typesetter left a
gap (``18 人``, ``2026 年``, ``社会保险事业管理局 本级`` where a cell wrapped) and
sometimes half-width punctuation in Chinese sentences (``指标 1: 提升…, 减少…``).  The
department's form never has a space next to a Chinese character nor a half-width ``:``
``,`` ``;`` between Chinese words (the bundled workbook, transcribed from the published
PDF, is the reference), so removing and widening them is unambiguous.  Everything else
— wording, numbers, the published mistakes — is left exactly as published.

Each repaired text comes with a short before/after for the 导入记录 sheet.
"""

from __future__ import annotations

import re

# Characters of Chinese text: ideographs, CJK and full-width punctuation, curly quotes, 《》.
_WIDE = "[\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\u3000-\u303f\u2018\u2019\u201c\u201d\u2026\u2014]"
_SPACE_NEAR_WIDE = re.compile(rf"(?<={_WIDE})[ \t\u3000\u00a0]+|[ \t\u3000\u00a0]+(?={_WIDE})")
_HALF = {":": "：", ",": "，", ";": "；"}
_HALF_NEAR_WIDE = re.compile(rf"(?<={_WIDE})[:,;]|[:,;](?={_WIDE})")
_CONTEXT = 6


def repair_text(text: str) -> tuple[str, str]:
    """``text`` without extraction artefacts, and what was changed for the log ("" when nothing)."""
    t = text.strip()
    whys = []
    if _SPACE_NEAR_WIDE.search(t):
        t = _SPACE_NEAR_WIDE.sub("", t)
        whys.append("去掉中文旁的空格")
    if _HALF_NEAR_WIDE.search(t):
        t = _HALF_NEAR_WIDE.sub(lambda m: _HALF[m.group()], t)
        whys.append("中文里的半角标点改为全角")
    if not whys:
        return t, ""
    return t, f"{change(text.strip(), t)}（{'，'.join(whys)}）"


def change(old: str, new: str) -> str:
    """“old”→“new”, cut to the part that differs (with a few characters around it)."""
    if len(old) <= 3 * _CONTEXT + 10:
        return f"“{old}”→“{new}”"
    head = 0
    while head < min(len(old), len(new)) and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < min(len(old), len(new)) - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    lo = max(0, head - _CONTEXT)

    def cut(t: str) -> str:
        hi = min(len(t), len(t) - tail + _CONTEXT)
        return ("…" if lo else "") + t[lo:hi] + ("…" if hi < len(t) else "")

    return f"“{cut(old)}”→“{cut(new)}”"


def join_wrapped(parts: list[str]) -> str:
    """The lines of one wrapped cell as one text: Chinese lines join with nothing, two
    Latin words (or numbers) with one space, as the line break stood for."""
    out = ""
    for p in (x.strip() for x in parts):
        if not p:
            continue
        if out and out[-1].isascii() and out[-1].isalnum() and p[0].isascii() and p[0].isalnum():
            out += " "
        out += p
    return out


__all__ = ["change", "join_wrapped", "repair_text"]
