"""The ribbon's writing operations on an open workbook: 测算成本, 新年度, 填充指标.

The plans come from the core (``costs.explain``, ``rollover.plan_rollover``,
``fill.plan_fill``); the tool's own sheets (成本测算, 新年度检查) are laid out by the
same writers the command line uses, run on an in-memory openpyxl sheet, and the
result is carried over to Excel in one value write (``transfer_sheet``), so both
shells produce the same sheet.  Every changed cell is journalled (``xladdin撤销``), so
撤销 takes the operation back.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from xladdin.errors import UserError
from xladdin.excel import bulk as excel
from xladdin.model import Edit, cell_ref, parse_ref, row_runs
from xladdin.undo import JournalEntry

NEW_COLOR = "#fff2cc"  # typed by the machine (as the command line's fill/rollover)
TODO_COLOR = "#fce4d6"  # a person must look at it


# --------------------------------------------------------------------------- openpyxl sheet → Excel


def sheet_grid(ws: Any) -> list[list[Any]]:
    """An openpyxl sheet's cells for one Excel write: formulas stay formulas, text stays text,
    hyperlinks to cells become =HYPERLINK formulas (one write carries them)."""
    grid: list[list[Any]] = []
    for row in ws.iter_rows():
        out = []
        for c in row:
            v = c.value
            if isinstance(v, str) and c.data_type == "f":
                pass  # a real formula
            elif isinstance(v, str):
                v = excel.as_text(v)
            link = getattr(c, "hyperlink", None)
            if link is not None and getattr(link, "location", None) and v not in (None, ""):
                shown = str(c.value).replace('"', '""')
                target = str(link.location).replace('"', '""')
                v = f'=HYPERLINK("#{target}","{shown}")'
            out.append(v)
        grid.append(out)
    return grid


def transfer_sheet(book: Any, ws: Any, name: str | None = None) -> tuple[Any, bool]:
    """Write an in-memory openpyxl sheet into the book (replacing the sheet's contents)."""
    from openpyxl.utils import get_column_letter

    sh, created = excel.ensure_sheet(book, name or ws.title)
    sh.clear_contents()
    grid = sheet_grid(ws)
    width = max((len(r) for r in grid), default=0)
    if grid and width:
        sh.range((1, 1)).value = [r + [None] * (width - len(r)) for r in grid]
    bold_rows = sorted({c.row for row in ws.iter_rows() for c in row if c.font is not None and c.font.b})
    for r1, r2 in row_runs(bold_rows):
        with contextlib.suppress(Exception):
            sh.range((r1, 1), (r2, width)).font.bold = True
    fills: dict[tuple[int, int], str | None] = {}
    for row in ws.iter_rows():
        for c in row:
            f = c.fill
            if f is not None and f.fill_type == "solid" and isinstance(f.fgColor.rgb, str):
                fills[(c.row, c.column)] = "#" + f.fgColor.rgb[-6:].lower()
    excel.write_colors(sh, fills)
    for i in range(1, width + 1):
        dim = ws.column_dimensions.get(get_column_letter(i))
        if dim is not None and dim.width:
            with contextlib.suppress(Exception):
                sh.range((1, i)).column_width = dim.width
    return sh, created


def _read(book: Any) -> tuple[list[Any], list[Any]]:
    from xladdin.check import read_projects

    sheets = excel.read_book(book)
    projects, _ = read_projects(sheets)
    if not projects:
        raise UserError("本工作簿中没有找到项目支出绩效目标表（需要“项目名称”和“一级指标…指标值”表头）。")
    return sheets, projects


# --------------------------------------------------------------------------- 测算成本


def run_costs(book: Any) -> str:
    from openpyxl import Workbook

    from xladdin.costs import explain
    from xladdin.files.costsheet import SHEET, write_cost_sheet

    _, projects = _read(book)
    excel.status(book, "测算成本：正在计算…")
    explanations = [explain(p) for p in projects]
    wb = Workbook()
    write_cost_sheet(wb, explanations)
    _, created = transfer_sheet(book, wb[SHEET])
    if created:
        excel.append_journal(book, [], extra=[_added(SHEET, "添加成本测算表")])
    balanced = sum(1 for e in explanations if e.balanced)
    off = [e for e in explanations if not e.balanced]
    text = f"{len(explanations)}个项目：{balanced}个项目的成本指标与项目总额一致"
    if off:
        parts = [f"{e.sheet}相差{_wan(e.unexplained)}" for e in off[:3]]
        text += f"，{len(off)}个不一致（{'；'.join(parts)}{'…' if len(off) > 3 else ''}）"
    return text + f"。明细和公式见“{SHEET}”表。"


def _wan(x: float | None) -> str:
    if x is None:
        return "（项目总额无法读取）"
    return f"{x:.2f}万元"


def _added(sheet: str, why: str) -> JournalEntry:
    return JournalEntry(0, "add_sheet", sheet, "A1", None, sheet, why, "")


# --------------------------------------------------------------------------- 新年度


def next_year(projects: list[Any]) -> int:
    years = Counter(p.year for p in projects if p.year)
    if not years:
        raise UserError("没有从表题或“(2026年)”一行读出预算年度，无法生成新年度。请检查各项目表的标题。")
    return years.most_common(1)[0][0] + 1


def run_rollover(book: Any) -> str:
    from openpyxl import Workbook

    from xladdin.files.fill_apply import ROLLOVER_SHEET, Recorder, write_rollover_sheet
    from xladdin.rollover import CONFIRM, TODO, plan_rollover

    sheets, projects = _read(book)
    target = next_year(projects)
    plan = plan_rollover(sheets, target)
    excel.status(book, f"新年度：正在改为{target}年…")
    batch_edits = list(plan.edits)
    colors: dict[str, dict[tuple[int, int], str | None]] = {}
    for e in plan.edits:
        colors.setdefault(e.sheet, {})[parse_ref(e.cell)] = NEW_COLOR
    for sheet, ref in plan.marked:
        colors.setdefault(sheet, {})[parse_ref(ref)] = TODO_COLOR
    fills = _highlight(book, colors, "新年度：标色")
    wb = Workbook()
    write_rollover_sheet(wb, plan.checks, [s.name for s in sheets], Recorder(0, ""))
    _, created = transfer_sheet(book, wb[ROLLOVER_SHEET])
    extra = fills + ([_added(ROLLOVER_SHEET, "添加新年度检查表")] if created else [])
    excel.apply_edits(book, batch_edits, extra=extra)
    todo = sum(1 for c in plan.checks if c.category == TODO)
    confirm = sum(1 for c in plan.checks if c.category == CONFIRM)
    return (
        f"已改为{target}年度：修改{len(plan.edits)}个单元格（黄色）；待更新{todo}处（橙色），需确认{confirm}处，"
        f"详见“{ROLLOVER_SHEET}”表。如需保留原年度，请用“另存为”另存，或点“撤销”。"
    )


def _highlight(book: Any, colors: dict[str, dict[tuple[int, int], str | None]], why: str) -> list[JournalEntry]:
    """Colour cells; journal entries (op "fill", the command line's format) to take the colour back."""
    out = []
    for name, cells in colors.items():
        sh = excel.find_sheet(book, name)
        if sh is None:
            continue
        refs = [cell_ref(r, c) for r, c in cells]
        before = excel.read_colors(sh, refs)
        excel.write_colors(sh, cells)
        for (r, c), color in cells.items():
            ref = cell_ref(r, c)
            out.append(
                JournalEntry(0, "fill", name, ref, excel.fill_xml(before.get(ref)), excel.fill_xml(color), why, "")
            )
    return out


# --------------------------------------------------------------------------- 填充指标 / 新建项目


@dataclass
class FillRun:
    """What one 填充指标 run did, collected over the projects, journalled as one batch."""

    inserts: list[JournalEntry] = field(default_factory=list)
    edits: list[Edit] = field(default_factory=list)
    colors: dict[str, dict[tuple[int, int], str | None]] = field(default_factory=dict)
    records: list[Any] = field(default_factory=list)  # fill_apply.RecordRow
    notes: list[str] = field(default_factory=list)
    added: list[JournalEntry] = field(default_factory=list)
    formulas: list[Edit] = field(default_factory=list)  # written as formulas (the 项目汇总 line)

    @property
    def changes(self) -> int:
        return len(self.records)


def apply_fill_plan(book: Any, sd: Any, project: Any, plan: Any, run: FillRun) -> None:
    """Insert the plan's rows with Excel's own row insert (formats, formulas and merges
    below move with them), write the new rows, extend the 一级/二级 blocks over them,
    and queue the cell edits; all in final coordinates."""
    from xladdin.files.fill_apply import RecordRow
    from xladdin.framework import level1_key, level2_key

    run.notes += [f"{plan.sheet}：{n}" for n in plan.notes]
    if plan.empty:
        return
    sh = excel.find_sheet(book, plan.sheet)
    if sh is None:
        return
    cols = project.columns
    c1, c2 = cols.get("level1", 1), cols.get("level2", 2)
    cn, cv = cols.get("name", 3), cols.get("value", 5)
    ncols = table_width(sd, project)
    by_after: dict[int, list[Any]] = {}
    for r in plan.new_rows:
        by_after.setdefault(r.after, []).append(r)
    for after in sorted(by_after, reverse=True):  # bottom-up: rows above keep their numbers
        count = len(by_after[after])
        sh.range(f"{after + 1}:{after + count}").insert(shift="down", copy_origin="format_from_left_or_above")
        run.inserts.append(
            JournalEntry(0, "insert_rows", plan.sheet, f"A{after + 1}", None, count, "填充指标：插入行", "")
        )

    def final(row: int) -> int:
        return row + sum(len(v) for a, v in by_after.items() if a < row)

    labels: dict[int, tuple[str, str]] = {}
    for ind in project.indicators:
        labels[final(ind.row)] = (ind.level1.text, ind.level2.text)
    new_rows: dict[int, Any] = {}
    for after, rows in by_after.items():
        for j, r in enumerate(rows):
            new_rows[final(after) + 1 + j] = r
            labels[final(after) + 1 + j] = (r.level1, r.level2)
    colors = run.colors.setdefault(plan.sheet, {})
    for row, r in sorted(new_rows.items()):
        for col, value in ((cn, r.name), (cv, r.value)):
            if value:
                run.edits.append(Edit(plan.sheet, cell_ref(row, col), None, value, r.why))
            run.records.append(RecordRow(plan.sheet, cell_ref(row, col), None, value or None, r.why))
            colors[(row, col)] = NEW_COLOR
        if cv - 1 > cn:
            sh.range((row, cn), (row, cv - 1)).merge()
        if ncols > cv:
            sh.range((row, cv), (row, ncols)).merge()
    # 一级/二级 blocks: a run of equal labels that takes in a new row becomes one merged block
    for col, level in ((c1, 0), (c2, 1)):
        rows_sorted = sorted(labels)
        i = 0
        while i < len(rows_sorted):
            j = i
            key = _label_key(labels[rows_sorted[i]], level, level1_key, level2_key)
            while (
                j + 1 < len(rows_sorted)
                and rows_sorted[j + 1] == rows_sorted[j] + 1
                and _label_key(labels[rows_sorted[j + 1]], level, level1_key, level2_key) == key
            ):
                j += 1
            block = rows_sorted[i : j + 1]
            if any(r in new_rows for r in block):
                top = block[0]
                if top in new_rows:
                    text = labels[top][level]
                    run.edits.append(Edit(plan.sheet, cell_ref(top, col), None, text, "填充指标：分组名称"))
                if len(block) > 1:
                    sh.range((top, col), (block[-1], col)).merge()
            i = j + 1
    for e in plan.edits:
        r0, c0 = parse_ref(e.cell)
        ref = cell_ref(final(r0), c0)
        run.edits.append(Edit(plan.sheet, ref, e.old, e.new, e.why))
        run.records.append(RecordRow(plan.sheet, ref, e.old, e.new, e.why))
        colors[(final(r0), c0)] = NEW_COLOR


def table_width(sd: Any, project: Any) -> int:
    """Last column of the form: the widest non-empty cell between the first label and the
    indicator header (a note someone typed to the right of the table does not count)."""
    from xladdin.model import display_text

    cv = project.columns.get("value", 5)
    top = min([parse_ref(ref)[0] for ref in project.labels.values()] or [project.header_row])
    used = [
        c for r in range(top, project.header_row + 1) for c in range(1, sd.max_col + 1) if display_text(sd.value(r, c))
    ]
    return max([cv, *used])


def _label_key(labels: tuple[str, str], level: int, k1: Any, k2: Any) -> tuple[str, ...]:
    """Rows belong to one block when their 一级 (and, for 二级, also 二级) keys agree."""
    if level == 0:
        return (k1(labels[0]),)
    return (k1(labels[0]), k2(labels[1]))


def finish_fill(book: Any, run: FillRun, sheets: list[Any]) -> None:
    """The 填充记录 sheet (appended, as the command line does) and one journal batch."""
    from openpyxl import Workbook

    from xladdin.files.fill_apply import FILL_RECORD_SHEET, Recorder, write_fill_record

    wb = Workbook()
    ws = wb.active
    ws.title = FILL_RECORD_SHEET
    existing = next((s for s in sheets if s.name == FILL_RECORD_SHEET), None)
    if existing is not None:
        for row in existing.rows:
            ws.append(list(row))
    else:
        wb.remove(ws)
    write_fill_record(wb, run.records, run.notes, Recorder(0, excel.now()))
    _, created = transfer_sheet(book, wb[FILL_RECORD_SHEET])
    added = [*run.added, *([_added(FILL_RECORD_SHEET, "添加填充记录表")] if created else [])]
    fills = _highlight(book, run.colors, "填充指标：标色")
    formulas: list[JournalEntry] = []
    for e in run.formulas:
        sh = excel.find_sheet(book, e.sheet)
        if sh is not None:
            excel.write_values(sh, {parse_ref(e.cell): e.new}, formulas=True)
            formulas.append(JournalEntry(0, "set", e.sheet, e.cell, e.old, e.new, e.why, ""))
    excel.apply_edits(book, run.edits, first=run.inserts, extra=fills + formulas + added)


def run_fill(book: Any) -> str:
    from xladdin.fill import library_from, plan_fill

    sheets, projects = _read(book)
    library = library_from(projects, excel.book_name(book))
    run = FillRun()
    by_name = {s.name: s for s in sheets}
    for p in projects:
        excel.status(book, f"填充指标：{p.sheet}…")
        apply_fill_plan(book, by_name[p.sheet], p, plan_fill(p, library), run)
    if not run.changes:
        return "没有需要填充的内容。" + (f"（{len(run.notes)}处未处理，见命令行 --dry-run）" if run.notes else "")
    finish_fill(book, run, sheets)
    return f"{len(projects)}个项目：填充{run.changes}处（浅黄色），明细见“填充记录”表，可点“撤销”。"


def run_new_project(book: Any, name: str = "新项目") -> str:
    """A project sheet from the template layout, header from the other projects, then filled."""
    from xladdin.fill import library_from, new_project_spec, plan_fill
    from xladdin.layout import read_project, write_project
    from xladdin.style import plan_project

    sheets, projects = _read(book)
    year = next_year(projects) - 1
    spec = new_project_spec(name, projects, year, [s.name for s in sheets])
    title = spec.sheet
    if spec.name != title:  # a second 新项目 is 新项目2 in its name too: the summary tells them apart
        spec = dataclasses.replace(spec, name=title)
    lay = write_project(spec)
    sd = lay.to_sheet_data()
    sh, _ = excel.ensure_sheet(book, title)
    sh.range((1, 1)).value = [[excel.as_text(v) for v in row] for row in sd.rows]
    project = read_project(sd)
    if project is None:  # the template must read back as a table
        raise UserError("模板表无法读取，请联系维护人员。")
    plan = plan_project(sd, project)
    plan.merges = [*lay.merges, *plan.merges]
    apply_style(sh, plan)
    run = FillRun(added=[_added(title, f"新建项目“{title}”")])
    library = library_from(projects, excel.book_name(book))
    apply_fill_plan(book, sd, project, plan_fill(project, library), run)
    suggested = run.changes
    summary = summary_line(book, sheets, project, run)
    finish_fill(book, run, [*sheets, sd])
    return (
        f"已新建项目表“{title}”：主管部门、实施单位、项目属性取自其他项目，参考指标{suggested}处（浅黄色）"
        f"{summary}。请填写项目名称、资金和指标值；不需要时可点“撤销”。"
    )


def summary_line(book: Any, sheets: list[Any], project: Any, run: FillRun) -> str:
    """Add the new project's line to 项目汇总 (as ``fill --new-project`` does); what to tell the user."""
    from xladdin.files.fill_apply import RecordRow
    from xladdin.model import SheetData
    from xladdin.summary import SUMMARY_SHEET, plan_summary_line

    sd = next((s for s in sheets if s.name == SUMMARY_SHEET), None)
    sh = excel.find_sheet(book, SUMMARY_SHEET) if sd is not None else None
    if sd is None or sh is None or not sd.rows:
        return ""
    grid = excel.formula_grid(sh, sd.max_row, sd.max_col)
    rows = [list(r) for r in sd.rows]
    for i, row in enumerate(grid or []):
        for j, f in enumerate(row):
            if isinstance(f, str) and f.startswith("=") and i < len(rows) and j < len(rows[i]):
                rows[i][j] = f
    plan = plan_summary_line(SheetData(sd.name, rows, sd.merges), project, formulas_known=grid is not None)
    if isinstance(plan, str):
        return "；" + plan.rstrip("。")
    sh.range(f"{plan.at}:{plan.at}").insert(shift="down", copy_origin="format_from_left_or_above")
    run.inserts.append(JournalEntry(0, "insert_rows", sd.name, f"A{plan.at}", None, 1, plan.edits[0].why, ""))
    run.formulas += plan.edits
    run.records += [RecordRow(e.sheet, e.cell, e.old, e.new, e.why) for e in plan.edits]
    note = "".join(f"；{n.rstrip('。')}" for n in plan.notes)
    return f"，已在“{sd.name}”第{plan.at}行加入本项目{note}"


# --------------------------------------------------------------------------- 统一格式


def rectangles(cells: set[tuple[int, int]]) -> list[tuple[int, int, int, int]]:
    """Cover a set of cells with rectangles (r1, c1, r2, c2): row runs stacked when equal."""
    runs: dict[int, list[tuple[int, int]]] = {}
    for r, c in sorted(cells):
        row = runs.setdefault(r, [])
        if row and row[-1][1] == c - 1:
            row[-1] = (row[-1][0], c)
        else:
            row.append((c, c))
    open_: dict[tuple[int, int], list[int]] = {}  # (c1, c2) → [r1, r2]
    out: list[tuple[int, int, int, int]] = []
    for r in sorted(runs):
        current = set(runs[r])
        for key in list(open_):
            if key in current and open_[key][1] == r - 1:
                open_[key][1] = r
                current.discard(key)
            else:
                r1, r2 = open_.pop(key)
                out.append((r1, key[0], r2, key[1]))
        for key in current:
            open_[key] = [r, r]
    out += [(r1, key[0], r2, key[1]) for key, (r1, r2) in open_.items()]
    return sorted(out)


# One attribute of a CellStyle at a time: cells that share its value get one call per rectangle.
_STYLE_ATTRS: tuple[tuple[str, Any], ...] = (
    ("font.name", lambda st: st.font.name),
    ("font.size", lambda st: st.font.size),
    ("font.bold", lambda st: st.font.bold),
    ("horizontal_alignment", lambda st: st.horizontal),
    ("vertical_alignment", lambda st: st.vertical),
    ("wrap_text", lambda st: st.wrap),
    ("borders", lambda st: st.border),
    ("number_format", lambda st: st.number_format),
    ("indent", lambda st: getattr(st, "indent", 0)),
)


def merge_calls(merges: list[Any]) -> list[tuple[int, int, int, int, bool]]:
    """Merges as few calls: one-row merges with the same columns on consecutive rows
    become one "merge across" (Excel merges each row of the range separately)."""
    single: dict[tuple[int, int], list[int]] = {}
    out: list[tuple[int, int, int, int, bool]] = []
    for m in merges:
        if m.min_row == m.max_row:
            single.setdefault((m.min_col, m.max_col), []).append(m.min_row)
        else:
            out.append((m.min_row, m.min_col, m.max_row, m.max_col, False))
    for (c1, c2), rows in single.items():
        for r1, r2 in row_runs(sorted(set(rows))):
            out.append((r1, c1, r2, c2, r2 > r1))
    return sorted(out)


def _set(rng: Any, attr: str, value: Any) -> None:
    if attr == "indent":
        if value:  # desktop Excel only: Office.js has no indent setter
            with contextlib.suppress(Exception):
                rng.api.IndentLevel = value
        return
    if attr == "borders":
        if value:
            rng.borders.line_style = "continuous"
            rng.borders.weight = "thin"
        return
    if attr == "number_format" and value is None:
        return  # leave the cell's own format
    target = rng.font if attr.startswith("font.") else rng
    setattr(target, attr.removeprefix("font."), value)


def apply_style(sheet: Any, plan: Any) -> int:
    """Apply a ``style.SheetStyle`` to an xlwings sheet; returns the number of formatting calls."""
    calls = 0
    for r1, c1, r2, c2, across in merge_calls(plan.merges):
        sheet.range((r1, c1), (r2, c2)).merge(across)
        calls += 1
    for attr, get in _STYLE_ATTRS:
        by_value: dict[Any, set[tuple[int, int]]] = {}
        for rc, st in plan.cells.items():
            by_value.setdefault(get(st), set()).add(rc)
        for value, cells in by_value.items():
            for r1, c1, r2, c2 in rectangles(cells):
                _set(sheet.range((r1, c1), (r2, c2)), attr, value)
                calls += 1
    for c, w in sorted(plan.column_widths.items()):
        sheet.range((1, c)).column_width = w
        calls += 1
    heights: dict[float, list[int]] = {}
    for r, h in plan.row_heights.items():
        heights.setdefault(h, []).append(r)
    for h, rows in heights.items():
        for r1, r2 in row_runs(sorted(rows)):
            sheet.range((r1, 1), (r2, 1)).row_height = h
            calls += 1
    ps = plan.print_setup
    if ps.print_area:
        with contextlib.suppress(Exception):
            sheet.page_setup.print_area = ps.print_area
    _print_setup(sheet, ps)
    if plan.freeze:
        r, c = parse_ref(plan.freeze)
        if c == 1 and r > 1:
            with contextlib.suppress(Exception):
                sheet.freeze_panes.freeze_at(f"1:{r - 1}")
    return calls


def _print_setup(sheet: Any, ps: Any) -> None:
    """A4, orientation, fit to width, margins, title rows, footer: desktop Excel only.

    Office.js (xlwings Server/Lite) has no page setup beyond the print area.
    """
    try:
        api = sheet.page_setup.api
        inch = 72.0
        api.PaperSize = 9  # xlPaperA4
        api.Orientation = 1 if ps.orientation == "portrait" else 2
        api.Zoom = False
        api.FitToPagesWide = ps.fit_width
        api.FitToPagesTall = ps.fit_height or False
        api.LeftMargin = ps.margins.left * inch
        api.RightMargin = ps.margins.right * inch
        api.TopMargin = ps.margins.top * inch
        api.BottomMargin = ps.margins.bottom * inch
        api.HeaderMargin = ps.margins.header * inch
        api.FooterMargin = ps.margins.footer * inch
        api.CenterHorizontally = ps.center_horizontally
        if ps.title_rows:
            api.PrintTitleRows = f"${ps.title_rows[0]}:${ps.title_rows[1]}"
        api.CenterFooter = ps.footer
    except Exception:
        pass


def run_format(book: Any) -> str:
    from xladdin.check import TOOL_SHEETS
    from xladdin.layout import read_project
    from xladdin.style import plan_project, plan_summary

    sheets = excel.read_book(book)
    done: list[str] = []
    overflow: list[str] = []
    summary_done = False
    for sd in sheets:
        if sd.name in TOOL_SHEETS or sd.hidden:
            continue
        project = read_project(sd)
        plan = plan_project(sd, project) if project is not None else None
        if plan is None and not summary_done:
            plan = plan_summary(sd)
            summary_done = plan is not None
        if plan is None:
            continue
        excel.status(book, f"统一格式：{sd.name}…")
        sh = excel.find_sheet(book, sd.name)
        if sh is None:
            continue
        apply_style(sh, plan)
        done.append(sd.name)
        overflow += [f"{sd.name}!{ref}" for ref, _ in plan.overflow]
    if not done:
        raise UserError("本工作簿中没有找到项目支出绩效目标表，未做任何修改。")
    text = f"已统一{len(done)}个工作表的格式（字体、边框、列宽、行高、打印设置），数值未改动。"
    if overflow:
        text += f"以下单元格文字过长、一页放不下：{'、'.join(overflow[:5])}，请精简。"
    return text + "格式修改不能用“撤销”恢复。"
