"""Views of a check result: JSON (the contract) and the console report.

The result is data first (``CheckResult.as_dict``); these functions only render it.
"""

from __future__ import annotations

import json
from typing import Any

from xladdin.check import CheckResult

SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
_COLORS = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m"}
_RESET = "\033[0m"


def to_json(result: CheckResult) -> str:
    """``json.dumps(result.as_dict(), ensure_ascii=False, indent=2)``, byte for byte.

    With ``indent`` the standard library encodes in pure Python (its C encoder is for
    compact output only); a check of 1,000 tables has ~200,000 values to write, and
    ``_dump`` below writes them in two thirds of the time.
    """
    data = result.as_dict()
    out: list[str] = []
    try:
        _dump(data, "\n", out)
    except (_Unusual, RecursionError):
        return json.dumps(data, ensure_ascii=False, indent=2)
    return "".join(out)


class _Unusual(Exception):
    """A value ``_dump`` leaves to ``json.dumps`` (a non-str key, a type JSON has no plain form for)."""


_ENCODE_STR = json.encoder.encode_basestring  # the C function json.dumps uses for ensure_ascii=False
_INF = float("inf")


def _scalar(v: Any) -> str | None:
    """A JSON scalar as ``json.dumps`` spells it; None for a container or anything unusual."""
    t = type(v)
    if t is str:
        return _ENCODE_STR(v)
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if t is int:
        return int.__repr__(v)
    if t is float:
        if v != v:
            return "NaN"
        if v == _INF:
            return "Infinity"
        if v == -_INF:
            return "-Infinity"
        return float.__repr__(v)
    return None


def _dump(v: Any, newline: str, out: list[str]) -> None:
    """Append ``v`` as ``json.dumps(indent=2)`` writes it; ``newline`` is "\\n" plus the current indent."""
    s = _scalar(v)
    if s is not None:
        out.append(s)
        return
    t = type(v)
    inner = newline + "  "
    if t is dict:
        if not v:
            out.append("{}")
            return
        opener = "{"
        for k, item in v.items():
            if type(k) is not str:
                raise _Unusual
            out.append(opener + inner + _ENCODE_STR(k) + ": ")
            opener = ","
            _dump(item, inner, out)
        out.append(newline + "}")
    elif t is list or t is tuple:
        if not v:
            out.append("[]")
            return
        opener = "["
        for item in v:
            out.append(opener + inner)
            opener = ","
            _dump(item, inner, out)
        out.append(newline + "]")
    else:
        raise _Unusual


def summary_line(result: CheckResult) -> str:
    """E.g. “6个项目：错误3处，警告9处，提示2处”."""
    return (
        f"{len(result.projects)}个项目：错误{result.count('error')}处，"
        f"警告{result.count('warning')}处，提示{result.count('info')}处"
    )


def to_console(result: CheckResult, color: bool = False) -> str:
    """Grouped by project, one line per finding, severity coloured when on a terminal."""

    def paint(sev: str, text: str) -> str:
        return f"{_COLORS[sev]}{text}{_RESET}" if color else text

    lines = [f"文件：{result.file}"]
    for p in result.projects:
        total = "—" if p.total is None else _fmt(p.total)
        lines.append("")
        lines.append(f"【{p.sheet}】{p.name}（项目总额 {total} 万元）")
        if not p.findings:
            lines.append("  未发现问题。")
        for f in p.findings:
            lines.append(f"  {f.cell:<6} {paint(f.severity, SEVERITY_ZH[f.severity])} {f.rule}  {f.message}")
    for f in result.other:
        lines.append(f"  [{f.sheet}] {paint(f.severity, SEVERITY_ZH[f.severity])} {f.rule}  {f.message}")
    lines.append("")
    lines.append(summary_line(result))
    return "\n".join(lines)


def _fmt(x: Any) -> str:
    from xladdin.model import display_text

    return display_text(x)
