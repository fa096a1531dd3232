"""Views of a check result: JSON (the contract) and the console report.

The result is data first (``CheckResult.as_dict``); these functions only render it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from json.encoder import encode_basestring as _quote  # what the encoder quotes text with (C)
from typing import Any

from xladdin.check import BatchResult, CheckResult, ProjectResult
from xladdin.conventions import SETTINGS_SHEET, SEVERITY_ZH
from xladdin.model import Finding, Indicator, Project, display_text
from xladdin.target import target, target_text
from xladdin.values import format_value

_COLORS = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m"}
_RESET = "\033[0m"


def table_view(p: Project) -> dict[str, Any]:
    """What the reader read of one table, as plain data: its rows, its form, its money and every
    indicator row with its target (``check --tables``: to see how a form was understood)."""
    form = p.form
    return {
        "rows": [p.first_row, p.last_row],
        "form": {
            "published": form.standard,
            "money_unit": p.money.unit,
            "fields": [[k, label] for k, label in form.fields],
            "columns": [[k, heading] for k, heading in form.columns],
            "tables": [{"kind": kind, "header_row": h, "last_row": last} for kind, h, last in form.tables],
            "unplaced": list(form.unplaced),
        },
        "money": [{"label": label, "cell": a.cell, "wan": a.number} for label, a in p.money.items()],
        "goal": {"cell": p.goal.cell, "text": p.goal.text},
        "indicators": [_row_view(ind) for ind in p.indicators],
        # 中期/长期 tables beside the year's: read, listed, not judged
        "other_tables": [{"kind": kind, "indicators": [_row_view(i) for i in rows]} for kind, rows in p.other_tables],
    }


def _row_view(ind: Indicator) -> dict[str, Any]:
    row: dict[str, Any] = {
        "row": ind.row,
        "level1": ind.level1.text,
        "level2": ind.level2.text,
        "name": ind.name.text,
        "value": ind.value.text,
    }
    for key in ("comparator", "unit", "weight", "direction"):
        f = getattr(ind, key)
        if f is not None:
            row[key] = f.text
    for key, f in ind.more:
        row[key] = f.text
    row["target"] = target_text(ind)
    row["target_canonical"] = format_value(target(ind))
    return row


def to_json(
    result: CheckResult, rendered: Mapping[str, str] | None = None, tables: list[dict[str, Any]] | None = None
) -> str:
    """The JSON contract, indented for reading, each finding on one line.

    ``json.dumps(indent=2)`` would spread every finding over nine lines and runs the
    pure-Python encoder (a third of a second for 6,000 findings); flat objects are
    written by the C encoder, one per line, which also keeps a finding greppable.
    ``rendered``: projects' entries already rendered (by the worker processes of a parallel
    check, ``project_json``), by table (``ProjectResult.key``).  ``tables`` (``check --tables``):
    what was read of each table (``table_view``), added to its entry.
    """
    if tables is not None:
        entries = iter(tables)

        def entry(p: ProjectResult) -> Any:
            return {**p.as_dict(), "table": next(entries, None)}

        return _dumps(result.as_dict(entry), "")
    return _dumps(result.as_dict(_entries(rendered)), "")


# A project's place in the report: the "projects" list of the top-level object.
_PROJECT_INDENT = "    "


class _Rendered(str):
    """JSON text already rendered at its place in the report, written as it is."""


def project_json(p: ProjectResult) -> str:
    """One project's entry of ``to_json``'s "projects" list, as it appears there.

    The text ``_dumps(p.as_dict(), _PROJECT_INDENT)`` gives, written directly: a check of
    1,000 tables renders ten thousand findings, and each as a fixed template (``finding_json``)
    costs a third of the general walk over its dictionary.
    """
    inner = _PROJECT_INDENT + "  "
    head = (
        f'{{\n{inner}"sheet": {_quote(p.sheet)},\n{inner}"name": {_quote(p.name)},\n'
        f'{inner}"total": {_FLAT.encode(p.total)},\n{inner}"findings": '
    )
    # a 自评表 says so, and its score, after its findings (``ProjectResult.as_dict``)
    tail = (
        "" if p.kind == "project" else f',\n{inner}"kind": {_quote(p.kind)},\n{inner}"score": {_FLAT.encode(p.score)}'
    )
    if not p.findings:
        return f"{head}[]{tail}\n{_PROJECT_INDENT}}}"
    lines = inner + "  "
    body = f",\n{lines}".join(finding_json(f) for f in p.findings)
    return f"{head}[\n{lines}{body}\n{inner}]{tail}\n{_PROJECT_INDENT}}}"


def with_findings(text: str, old: Sequence[Finding], new: Sequence[Finding]) -> str | None:
    """``project_json`` of a project whose findings went from ``old`` to ``new`` (``old`` plus
    the workbook rules' findings, sorted again), from ``text``, its entry rendered with ``old``.

    The findings ``old`` and ``new`` share keep their rendered lines; only the added ones are
    rendered.  Why: the workbook rules run after every part of a parallel check is in, in one
    process, and add to most tables of a large workbook (prices between projects); rendering
    those tables again from scratch was a third of that serial tail.  None when ``text`` is
    not laid out as expected (a finding rendered over several lines): render it afresh.
    """
    inner = _PROJECT_INDENT + "  "
    lines = inner + "  "
    head, sep, rest = text.partition('"findings": ')
    if not sep or not old or not rest.startswith("[\n") or not rest.endswith(f"\n{inner}]\n{_PROJECT_INDENT}}}"):
        return None  # no findings before, or a 自评表's entry (its kind and score follow them)
    rendered = rest[2:].split("\n")  # each finding on a line of its own, then the two closing lines
    n = len(old)
    if len(rendered) != n + 2:
        return None
    out = []
    k = 0  # ``new`` keeps ``old`` in its order (a stable sort of old + added): walk both
    for f in new:
        if k < n and f is old[k]:
            line = rendered[k]
            out.append(line[:-1] if line.endswith(",") else line)  # the line as it was, indented
            k += 1
        else:
            out.append(lines + finding_json(f))
    if k != n:
        return None  # an old finding left out or moved: render afresh
    body = ",\n".join(out)
    return f"{head}{sep}[\n{body}\n{inner}]\n{_PROJECT_INDENT}}}"


def finding_json(f: Finding) -> str:
    """``_FLAT.encode(f.as_dict())``, the finding on one line, from a template."""
    e, a = f.expected, f.actual
    if (e is not None and type(e) is not str) or (a is not None and type(a) is not str):
        return _dumps(f.as_dict(), "")
    text = (
        f'{{"rule": {_quote(f.rule)}, "severity": {_quote(f.severity)}, "sheet": {_quote(f.sheet)}, '
        f'"cell": {_quote(f.cell)}, "message": {_quote(f.message)}, '
        f'"expected": {"null" if e is None else _quote(e)}, "actual": {"null" if a is None else _quote(a)}'
    )
    if f.fix is not None:
        fix = _flat_object(f.fix.as_dict())
        if fix is None:
            return _dumps(f.as_dict(), "")
        text += f', "fix": {fix}'
    return text + "}"


def _entries(rendered: Mapping[str, str] | None) -> Callable[[ProjectResult], _Rendered]:
    def entry(p: ProjectResult) -> _Rendered:
        text = rendered.get(p.key) if rendered else None
        return _Rendered(text if text is not None else project_json(p))

    return entry


_CONTAINERS = (dict, list, _Rendered)
_FLAT = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": "))


def _dumps(obj: Any, indent: str) -> str:
    """``obj`` as JSON: containers holding containers indented by two spaces, flat ones on one line."""
    out: list[str] = []
    _write(obj, indent, out)
    return "".join(out)


def _write(obj: Any, indent: str, out: list[str]) -> None:
    """``_dumps`` piece by piece into ``out``, joined once: the report of a large check is megabytes,
    and joining each level's text into the next copied all of it once per level."""
    if type(obj) is _Rendered:
        out.append(obj)
        return
    if isinstance(obj, dict):
        flat = _flat_object(obj)
        if flat is not None:
            out.append(flat)
            return
        inner = indent + "  "
        sep = "{\n"
        for k, v in obj.items():
            out.append(f"{sep}{inner}{_FLAT.encode(str(k))}: ")
            _write(v, inner, out)
            sep = ",\n"
        out.append("\n" + indent + "}")
        return
    if isinstance(obj, list) and any(isinstance(v, _CONTAINERS) for v in obj):
        inner = indent + "  "
        sep = "[\n" + inner
        for v in obj:
            out.append(sep)
            _write(v, inner, out)
            sep = ",\n" + inner
        out.append("\n" + indent + "]")
        return
    out.append(_FLAT.encode(obj))


def _flat_object(obj: dict[Any, Any]) -> str | None:
    """``_FLAT.encode(obj)`` for an object of text keys and scalar values (a finding), else None.

    Written piece by piece with the C string quoter: the encoder's own set-up costs more
    than a finding's seven fields, and a check writes thousands of findings.
    """
    parts = []
    for k, v in obj.items():
        if type(k) is str and type(v) is dict and k == "fix":
            inner = _flat_object(v)  # a finding's fix stays on the finding's line
            if inner is None:
                return None
            parts.append(f"{_quote(k)}: {inner}")
            continue
        if type(k) is not str or isinstance(v, _CONTAINERS):
            return None
        parts.append(f"{_quote(k)}: {_quote(v) if type(v) is str else _FLAT.encode(v)}")
    return "{" + ", ".join(parts) + "}"


def summary_line(result: CheckResult) -> str:
    """E.g. “6个项目：错误3处，警告9处，提示2处” (and that the file's own settings left rules out)."""
    line = (
        f"{result.counted}：错误{result.count('error')}处，"
        f"警告{result.count('warning')}处，提示{result.count('info')}处"
    )
    if result.settings.any and result.file_settings:
        line += f"（按本文件“{SETTINGS_SHEET}”表的设置，{result.settings.said()}）"
    return line


def settings_line(result: CheckResult) -> str:
    """What the workbook's own rule choice did to this check, or "" when it has none.

    A file that switched rules off must never read “未发现问题” without saying so."""
    if not result.settings.any:
        return ""
    choice = f"本文件（“{SETTINGS_SHEET}”表）{result.settings.said()}"
    if result.file_settings:
        return choice + "：本次校验已照此执行。"
    return choice + "：本次校验未采用，全部规则照常检查。"


def to_console(result: CheckResult, color: bool = False, tables: list[dict[str, Any]] | None = None) -> str:
    """Grouped by project, one line per finding, severity coloured when on a terminal.

    A sheet that holds several tables names each table's rows; ``tables`` (``check --tables``)
    lists under each project what was read of it.
    """

    def paint(sev: str, text: str) -> str:
        return f"{_COLORS[sev]}{text}{_RESET}" if color else text

    per_sheet: dict[str, int] = {}
    for p in result.projects:
        per_sheet[p.sheet] = per_sheet.get(p.sheet, 0) + 1
    lines = [f"文件：{result.file}"]
    said = settings_line(result)
    if said:
        lines.append(said)
    for i, p in enumerate(result.projects):
        where = p.sheet if per_sheet[p.sheet] == 1 else f"{p.sheet} 第{p.rows[0]}–{p.rows[1]}行"
        lines.append("")
        if p.kind == "selfeval":
            lines.append(f"【{where}】{p.name}（自评表，得分 {'—' if p.score is None else _fmt(p.score)}）")
        else:
            total = "—" if p.total is None else _fmt(p.total)
            lines.append(f"【{where}】{p.name}（{p.total_label} {total} 万元）")
        if tables is not None and i < len(tables):
            lines.extend(_table_lines(tables[i]))
        if not p.findings:
            lines.append("  未发现问题。")
        for f in p.findings:
            lines.append(f"  {f.cell:<6} {paint(f.severity, SEVERITY_ZH[f.severity])} {f.rule}  {f.message}")
    sheet = None
    for f in result.workbook:  # cells of sheets that are no project table, such as 项目汇总
        if f.sheet != sheet:
            sheet = f.sheet
            lines.append("")
            lines.append(f"【{sheet}】（与各项目表核对）")
        lines.append(f"  {f.cell:<6} {paint(f.severity, SEVERITY_ZH[f.severity])} {f.rule}  {f.message}")
    for f in result.other:
        lines.append(f"  [{f.sheet}] {paint(f.severity, SEVERITY_ZH[f.severity])} {f.rule}  {f.message}")
    lines.append("")
    lines.append(summary_line(result))
    return "\n".join(lines)


def _table_lines(table: dict[str, Any]) -> list[str]:
    """``check --tables`` in text: the form read, then every indicator row with its target."""
    form = table["form"]
    kind = "已发布的宁夏表样" if form["published"] else "其他表样"
    cols = "、".join(h for _, h in form["columns"])
    out = [f"  表样：{kind}；金额单位：{form['money_unit']}；指标栏：{cols}"]
    for row in table["indicators"]:
        extra = [f"{what}{row[k]}" for k, what in (("weight", "权重"), ("direction", "")) if row.get(k)]
        more = f"（{'，'.join(extra)}）" if extra else ""
        out.append(f"    第{row['row']}行 {row['level1']}/{row['level2']} {row['name']}：{row['target']}{more}")
    if form["unplaced"]:
        out.append(f"  未能识别：{'、'.join(form['unplaced'])}")
    return out


def batch_to_json(batch: BatchResult, rendered: Mapping[str, Mapping[str, str]] | None = None) -> str:
    """Several files: ``{"files": [the one-file report of each], "unreadable": […], "summary": {…}}``.

    ``rendered``: per file, its projects' entries already rendered (see ``to_json``).
    """
    files = [r.as_dict(_entries((rendered or {}).get(r.file))) for r in batch.results]
    data = batch.as_dict(lambda p: None)  # the frame and the counts; each file's report is ``files``
    data["files"] = files
    return _dumps(data, "")


def batch_summary_line(batch: BatchResult) -> str:
    """E.g. “共3个文件，15个项目：错误4处，警告40处，提示3处；1个文件无法读取”."""
    files = len(batch.results) + len(batch.unreadable)
    line = (
        f"共{files}个文件，{batch.counted}：错误{batch.count('error')}处，"
        f"警告{batch.count('warning')}处，提示{batch.count('info')}处"
    )
    line += f"；{len(batch.unreadable)}个文件无法读取" if batch.unreadable else ""
    return line + (f"；{len(batch.outputs)}个先前的输出未检查" if batch.outputs else "")


def batch_to_console(batch: BatchResult, color: bool = False) -> str:
    """Each file's report in turn, the files that could not be read, and the batch's total."""
    sections = [to_console(r, color) for r in batch.results]
    if batch.unreadable:
        sections.append("无法读取的文件：\n" + "\n".join(f"  {f}：{m}" for f, m in batch.unreadable))
    if batch.outputs:
        sections.append(
            "未作为报送文件检查（先前运行的输出）：\n" + "\n".join(f"  {f}：{what}" for f, what in batch.outputs)
        )
    return ("\n\n" + "─" * 40 + "\n").join(sections) + "\n\n" + batch_summary_line(batch)


def _fmt(x: Any) -> str:

    return display_text(x)
