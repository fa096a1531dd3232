"""What a worker process does for the page and the API: the command line's own calls.

Each function takes a request's folder (and plain arguments), reads and writes only
inside it, and returns plain data.  Reading is ``files.checking.check_file`` and
``files.sources.read_sheets``; writing is ``files.writing.edit_file`` with the core's
planners, ``files.reports`` and ``files.pdf`` — exactly what ``xladdin check --mark``,
``check --fix``, ``format``, ``fill``, ``rollover``, ``publish`` and ``check DIR --report``
call, so a file downloaded here equals the one the command line writes.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from xladdin.check import BatchResult, read_projects
from xladdin.conventions import now_text
from xladdin.costs import CostExplanation
from xladdin.errors import UserError
from xladdin.files.checking import FileCheck, check_file
from xladdin.files.pdf import imported_notice, publish_file
from xladdin.files.reports import mark_file, write_batch_report
from xladdin.files.sources import read_sheets
from xladdin.files.writing import edit_file
from xladdin.fill import library_from
from xladdin.model import SheetData
from xladdin.plans.costs import explanations_of
from xladdin.plans.fill import fill_tables, plan_fill_workbook
from xladdin.plans.fix import plan_fix
from xladdin.plans.format import plan_format
from xladdin.plans.rollover import next_year, plan_rollover_workbook
from xladdin.report import batch_summary_line, batch_to_json, summary_line, to_json
from xladdin.rules import all_rules
from xladdin.settings import split_codes
from xladdin.sheet_view import table_view, workbook_unit
from xladdin.style import StyleOptions, plan_cost_chart
from xladdin.toolsheets.report import batch_report, verdict
from xladdin.values import format_number
from xladdin.web.store import (
    PROGRESS,
    Entry,
    entries_of,
    read_json,
    say,
    set_entries,
    unpack_zip,
    write_json,
)
from xladdin.workbook_plan import WorkbookPlan

# The fork server imports this module once and forks every job from it: with the rules (and
# the cost engine they use, ~80 ms) imported here, no job imports them again.
all_rules()

REPORT_NAME = "审核汇总.xlsx"
MARKED_FOLDER = "标记后"


def progress(folder: Path, text: str, done: int = 0, total: int = 0) -> None:
    """Where the job is, for the page's progress bar (read by whichever server answers the page)."""
    write_json(folder / PROGRESS, {"text": text, "done": done, "total": total})


def _source(folder: Path, entry: Entry) -> Path:
    return folder / "in" / entry.stored


def _check(
    folder: Path,
    entry: Entry,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    file_settings: bool = True,
) -> FileCheck:
    """``xladdin check FILE``: one process per job (the pool is the parallelism), the user's name as the file."""
    try:
        result = check_file(_source(folder, entry), select, ignore, jobs=1, json=True, file_settings=file_settings)
    except UserError as exc:
        raise UserError(say(exc.message, entry, folder), exc.exit_code) from None
    result.file = entry.display
    return result


def unpack(folder_: str, max_files: int, max_file_bytes: int, max_total: int) -> list[tuple[str, str]]:
    """The .zip uploads replaced by their workbooks; the entries refused, with their reason."""
    folder = Path(folder_)
    entries = entries_of(folder)
    out: list[Entry] = []
    refused: list[tuple[str, str]] = []
    n = len(entries)
    for e in entries:
        if not e.display.lower().endswith(".zip"):
            out.append(e)
            continue
        archive = _source(folder, e)
        try:
            found, bad = unpack_zip(archive, e.display, folder, n, max_files, max_file_bytes, max_total)
        finally:
            archive.unlink(missing_ok=True)
        n += len(found)
        out += found
        refused += bad
    if len(out) > max_files:
        raise UserError(f"一次最多处理{max_files}个工作簿（这次有{len(out)}个）。请分批上传。")
    set_entries(folder, out)
    return refused


# --------------------------------------------------------------------------- the page's check


def check_request(folder_: str, max_files: int, max_file_bytes: int, max_total: int) -> dict[str, Any]:
    """Every workbook of a request checked as ``xladdin check`` checks it, with what the page draws.

    Writes ``out/<stored>.check.json`` (the check JSON contract), ``out/<stored>.view.json``
    (each project's table, its cost explanation) and ``out/summary.json`` (the reviewer's
    lines).  An unreadable file is listed with its reason and its bytes are deleted at once.
    """
    folder = Path(folder_)
    progress(folder, "正在解压", 0, 0)
    refused = unpack(folder_, max_files, max_file_bytes, max_total)
    entries = entries_of(folder)
    batch = BatchResult([], list(refused))
    lines: list[dict[str, Any]] = []
    kept: list[Entry] = []
    for i, entry in enumerate(entries):
        progress(folder, f"正在检查 {entry.display}", i, len(entries))
        try:
            result = _check(folder, entry)
            sheets = read_sheets(_source(folder, entry))
        except UserError as exc:
            batch.unreadable.append((entry.display, exc.message))
            _source(folder, entry).unlink(missing_ok=True)
            continue
        progress(folder, f"正在整理 {entry.display} 的结果（画出项目表、测算成本）", i, len(entries))
        kept.append(entry)
        batch.results.append(result)
        stem = Path(entry.stored).stem
        (folder / "out" / f"{stem}.check.json").write_text(to_json(result, result.rendered), encoding="utf-8")
        view = file_view(result, sheets)
        write_json(folder / "out" / f"{stem}.view.json", view)
        lines.append(
            {
                "id": stem,
                "file": entry.display,
                "unit": view["unit"],
                "projects": result.tables,
                "errors": result.count("error"),
                "warnings": result.count("warning"),
                "infos": result.count("info"),
                "verdict": _verdict(result),
                "summary": summary_line(result),
            }
        )
    set_entries(folder, kept)
    summary = {
        "files": lines,
        "unreadable": [{"file": f, "message": m} for f, m in batch.unreadable],
        "totals": batch.as_dict()["summary"],
        "line": batch_summary_line(batch),
    }
    write_json(folder / "out" / "summary.json", summary)
    progress(folder, "完成", len(entries), len(entries))
    return summary


def _verdict(result: Any) -> dict[str, str | None]:
    text, severity = verdict(result)
    return {"text": text, "severity": severity}


def file_view(result: FileCheck, sheets: list[SheetData]) -> dict[str, Any]:
    """What the page draws for one workbook: each project's table with its findings placed, its costs."""
    by_name = {s.name: s for s in sheets}
    projects, _ = read_projects(sheets)
    costs = {e.sheet: cost_view(e) for e in explanations_of(sheets)}
    out = []
    for p in result.projects:
        sheet = by_name.get(p.sheet)
        table = table_view(sheet, p.findings).as_dict() if sheet is not None else None
        out.append({"sheet": p.sheet, "name": p.name, "table": table, "costs": costs.get(p.sheet)})
    fixes = sum(1 for f in result.findings if f.fix is not None and f.fix.safe)
    return {"unit": workbook_unit(projects), "projects": out, "safe_fixes": fixes}


def _n(x: float | None) -> str:
    return "—" if x is None else format_number(round(x, 6))


def cost_view(e: CostExplanation) -> dict[str, Any]:
    """A project's cost explanation as the page lists it, with the chart ``xladdin format`` draws."""
    chart = plan_cost_chart(e.sheet, [(line.indicator, line.amount_wan) for line in e.lines], e.unexplained)
    return {
        "total": _n(e.total),
        "explained": _n(e.explained),
        "unexplained": _n(e.unexplained),
        "balanced": e.balanced,
        "readable": e.unexplained is not None,
        "lines": [
            {
                "indicator": line.indicator,
                "cell": line.cell,
                "unit_cost": line.unit_cost,
                "quantities": [f"{_n(q.value)}{q.unit}（{q.cell} {q.indicator}）" for q in line.quantities],
                "factors": [f for f in line.factors if f != "总额（不是单价）"],
                "amount": _n(line.amount_wan),
                "narrative": None if line.narrative_wan is None else _n(line.narrative_wan),
            }
            for line in e.lines
        ],
        "unmatched_costs": [f"{u.indicator}（{u.cell}）{u.text}：{u.reason}" for u in e.unmatched_costs],
        "unmatched_quantities": [f"{u.indicator}（{u.cell}）{u.text}" for u in e.unmatched_quantities],
        "narrative_unmatched": [f"{a.context}{a.text}" for a in e.narrative_unmatched if not a.in_formula],
        "period_note": e.period_note,
        "chart": None
        if chart is None
        else {"title": chart.title, "labels": list(chart.labels), "amounts": list(chart.amounts)},
    }


# --------------------------------------------------------------------------- downloads: one workbook


def _entry(folder: Path, stored: str) -> Entry:
    for e in entries_of(folder):
        if e.stored == stored:
            return e
    raise UserError("找不到该文件：上传的文件可能已过期被删除，请重新上传。")


def _output(folder: Path, entry: Entry, kind: str) -> Path:
    suffix = ".xlsm" if entry.stored.endswith(".xlsm") else ".xlsx"
    return folder / "out" / f"{Path(entry.stored).stem}.{kind}{suffix}"


def _edit(folder: Path, entry: Entry, kind: str, plan_of: Callable[[list[SheetData]], WorkbookPlan]) -> str:
    """``edit_file`` to a new file in ``out/`` (the upload itself is never changed)."""
    target = _output(folder, entry, kind)
    try:
        edit_file(_source(folder, entry), plan_of, target)
    except UserError as exc:
        raise UserError(say(exc.message, entry, folder), exc.exit_code) from None
    return str(target)


def make_file(folder_: str, stored: str, kind: str) -> str:
    """One download of a workbook: ``kind`` is mark, fix, format, fill, rollover or pdf; its path."""
    folder = Path(folder_)
    entry = _entry(folder, stored)
    makers: dict[str, Callable[[Path, Entry], str]] = {
        "mark": _mark,
        "fix": _fix,
        "format": _format,
        "fill": _fill,
        "rollover": _rollover,
        "pdf": _pdf,
    }
    return makers[kind](folder, entry)


def _mark(folder: Path, entry: Entry) -> str:
    """``xladdin check FILE --mark -o OUT``."""
    result = _check(folder, entry)
    target = _output(folder, entry, "mark")
    try:
        mark_file(_source(folder, entry), result, output=target, name=Path(entry.display).name)
    except UserError as exc:
        raise UserError(say(exc.message, entry, folder), exc.exit_code) from None
    return str(target)


def _fix(folder: Path, entry: Entry, unsafe: bool = False) -> str:
    """``xladdin check FILE --fix -o OUT``: the safe fixes applied, journalled, highlighted."""
    before = _check(folder, entry)
    return _edit(folder, entry, "fix", lambda sheets: plan_fix(sheets, before.findings, unsafe=unsafe, time=now_text()))


def _format(folder: Path, entry: Entry) -> str:
    """``xladdin format FILE -o OUT``."""
    return _edit(folder, entry, "format", lambda sheets: plan_format(sheets, StyleOptions()))


def _fill(folder: Path, entry: Entry) -> str:
    """``xladdin fill FILE -o OUT``: the workbook's own projects as the library of suggestions."""

    def plan_of(sheets: list[SheetData]) -> WorkbookPlan:
        projects, _ = read_projects(sheets)
        library = library_from(projects, Path(entry.display).name)  # as `fill` names it: the file's name
        return plan_fill_workbook(fill_tables(sheets, library), sheets, time=now_text())

    return _edit(folder, entry, "fill", plan_of)


def _rollover(folder: Path, entry: Entry) -> str:
    """``xladdin rollover FILE --to <next year> -o OUT`` (the year after the tables', as the ribbon's 新年度)."""
    return _edit(folder, entry, "rollover", lambda sheets: plan_rollover_workbook(sheets, next_year(sheets))[0])


def _pdf(folder: Path, entry: Entry) -> str:
    """``xladdin publish FILE -o OUT.pdf --force``: the page shows the check beside the download, and
    a workbook that is not ready gives a document that says “草稿” on its first page."""
    source = _source(folder, entry)
    target = folder / "out" / f"{Path(entry.stored).stem}.pdf"
    kept = imported_notice(source)
    try:
        if kept is None:
            publish_file(source, target, force=True)
        else:
            publish_file(source, target, day=kept.date, unit=kept.unit, year=kept.year, force=True)
    except UserError as exc:
        raise UserError(say(exc.message, entry, folder), exc.exit_code) from None
    return str(target)


# --------------------------------------------------------------------------- the reviewer's downloads


def review_package(folder_: str, marked: bool) -> str:
    """``xladdin check DIR --report 审核汇总.xlsx`` (and with ``marked`` also ``--mark -o 标记后/``), as one file.

    Without ``marked``: the report workbook.  With it: a .zip holding the report and every
    marked copy under 标记后/ in the folders of the upload, the report's links pointing at them.
    """
    folder = Path(folder_)
    entries = entries_of(folder)
    summary = read_json(folder / "out" / "summary.json")
    batch = BatchResult([], [(u["file"], u["message"]) for u in summary["unreadable"]])
    names = _zip_names([e.display for e in entries])
    links: dict[str, str] = {}
    marked_files: list[tuple[Path, str]] = []
    for i, entry in enumerate(entries):
        progress(folder, f"正在检查 {entry.display}", i, len(entries))
        result = _check(folder, entry, file_settings=False)  # the reviewer's report, as --report: every rule
        batch.results.append(result)
        if marked:
            target = _output(folder, entry, "mark")
            mark_file(_source(folder, entry), result, output=target, name=Path(entry.display).name)
            inside = f"{MARKED_FOLDER}/{names[i]}"
            marked_files.append((target, inside))
            links[entry.display] = inside
    report = folder / "out" / ("package-" + REPORT_NAME if marked else REPORT_NAME)
    write_batch_report(report, batch_report(batch, links, day=dt.date.today()))
    if not marked:
        return str(report)
    package = folder / "out" / "审核结果.zip"
    staged = package.with_suffix(".tmp")
    with zipfile.ZipFile(staged, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(report, REPORT_NAME)
        for path, inside in marked_files:
            zf.write(path, inside)
    staged.replace(package)
    return str(package)


def _zip_names(displays: list[str]) -> list[str]:
    """Each file's path inside the download .zip: as uploaded, made unique."""
    seen: set[str] = set()
    out = []
    for d in displays:
        name = d
        stem, dot, suffix = d.rpartition(".")
        n = 2
        while name in seen:
            name = f"{stem}（{n}）{dot}{suffix}" if dot else f"{d}（{n}）"
            n += 1
        seen.add(name)
        out.append(name)
    return out


# --------------------------------------------------------------------------- the JSON API


def api_check(folder_: str, max_files: int, max_file_bytes: int, max_total: int, select: str, ignore: str) -> str:
    """``xladdin check FILE… --format json``: the one-file contract for one file, else the batch document."""
    folder = Path(folder_)
    refused = unpack(folder_, max_files, max_file_bytes, max_total)
    entries = entries_of(folder)
    sel, ign = split_codes(select or ""), split_codes(ignore or "")
    if len(entries) == 1 and not refused:
        result = _check(folder, entries[0], sel, ign)
        return to_json(result, result.rendered)
    batch = BatchResult([], list(refused))
    for entry in entries:
        try:
            batch.results.append(_check(folder, entry, sel, ign))
        except UserError as exc:
            batch.unreadable.append((entry.display, exc.message))
    return batch_to_json(batch, {r.file: getattr(r, "rendered", {}) for r in batch.results})


def api_costs(folder_: str) -> dict[str, Any]:
    """``xladdin costs FILE --format json``."""
    folder = Path(folder_)
    entry = entries_of(folder)[0]
    try:
        explanations = explanations_of(read_sheets(_source(folder, entry)))
    except UserError as exc:
        raise UserError(say(exc.message, entry, folder), exc.exit_code) from None
    return {"file": entry.display, "projects": [e.as_dict() for e in explanations]}
