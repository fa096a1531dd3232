"""填充指标 and 新建项目 as workbook plans: where the new rows go, what they hold, how the
一级/二级 blocks close over them, and the record of every cell typed.

``fill.plan_fill`` decides *what* a table lacks (rows to add after a given row, cells to
edit); this module decides *where* in the sheet, once for both shells: rows inserted
bottom-up (rows above keep their numbers), every later step in final coordinates, the
new rows' name and value cells merged like the form's (C:D, E:F), and each 一级/二级 run
that takes in a new row relabelled and merged again.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from xladdin.check import target_table
from xladdin.conventions import FILL_RECORD_SHEET, NEW_COLOR, SUMMARY_SHEET, TOOL_SHEETS
from xladdin.errors import NoProjectTables, UserError
from xladdin.fill import FillPlan, LibraryEntry, NewRow, new_project_spec, plan_fill
from xladdin.framework import level1_key, level2_key
from xladdin.layout import read_project, write_project
from xladdin.model import Merge, Project, Scalar, SheetData, cell_ref, display_text, parse_ref
from xladdin.plans.marks import over_marks
from xladdin.style import BODY_FONT, BODY_SIZE, CellStyle, FontSpec, plan_project
from xladdin.summary import plan_summary_line
from xladdin.target import split_target
from xladdin.toolsheets.records import RecordRow, fill_record_steps
from xladdin.workbook_plan import (
    InsertRows,
    MergeCells,
    Paint,
    SetCell,
    SheetContent,
    Step,
    StyleCells,
    UnmergeCells,
    WorkbookPlan,
    WriteSheet,
)

INSERT_WHY = "填充指标：插入行"
BODY_CELL = CellStyle(FontSpec(BODY_FONT, BODY_SIZE))  # an indicator cell of the published table
LABEL_WHY = "填充指标：分组标签"


@dataclass
class FillRun:
    """What one run collects over its projects: steps, record lines, notes, cells changed."""

    steps: list[Step] = field(default_factory=list)
    records: list[RecordRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    changes: int = 0


def project_sheets(sheets: Sequence[SheetData]) -> list[tuple[SheetData, Project]]:
    """Each project table with the sheet it was read from (the tool's own sheets skipped)."""
    out = []
    for sd in sheets:
        if sd.name in TOOL_SHEETS:
            continue
        p = target_table(sd)
        if p is not None:
            out.append((sd, p))
    return out


# --------------------------------------------------------------------------- one table


def _table_width(sd: SheetData, project: Project) -> int:
    """Last column of the form: the widest non-empty cell between the first label and the
    indicator header (a note someone typed to the right of the table does not count)."""
    cv = project.columns.get("value", 5)
    top = min([parse_ref(ref)[0] for ref in project.labels.values()] or [project.header_row])
    used = [
        c for r in range(top, project.header_row + 1) for c in range(1, sd.max_col + 1) if display_text(sd.value(r, c))
    ]
    return max([cv, *used])


def _row_merges(sd: SheetData, project: Project, template: int) -> list[tuple[int, int]]:
    """The one-row merges (first, last column) a new row takes: those of its template row where the
    shell reads merges, else the form's own (三级 over C:D, 指标值 over E:F)."""
    if sd.merges_known:
        return sorted(
            {(m.min_col, m.max_col) for m in sd.merges if m.min_row == m.max_row == template and m.max_col > m.min_col}
        )
    cols = project.columns
    cn, cv = cols.get("name", 3), cols.get("value", 5)
    ncols = _table_width(sd, project)
    out = []
    if cv - 1 > cn:
        out.append((cn, cv - 1))
    if ncols > cv:
        out.append((cv, ncols))
    return out


def _merged_column(sd: SheetData, project: Project, col: int) -> bool:
    """Whether a 一级/二级 column holds its blocks in merged cells (unknown: as the published form does)."""
    if not sd.merges_known:
        return True
    if not project.indicators:
        return True  # an empty table gets the published layout
    return any(
        m.min_col == m.max_col == col and m.max_row > m.min_row and m.min_row > project.header_row for m in sd.merges
    )


def fill_steps(sd: SheetData, project: Project, plan: FillPlan, run: FillRun) -> None:
    """The steps that carry out one table's ``FillPlan``, appended to ``run``."""
    run.notes += [f"{plan.sheet}：{n}" for n in plan.notes]
    if plan.empty:
        return
    s = plan.sheet
    cols = project.columns
    c1, c2 = cols.get("level1", 1), cols.get("level2", 2)
    cn = cols.get("name", 3)
    header = project.header_row
    first_ind = min((i.row for i in project.indicators), default=header)
    by_after: dict[int, list[NewRow]] = {}
    for nr in plan.new_rows:
        by_after.setdefault(nr.after, []).append(nr)
    steps = run.steps
    # new rows look like their neighbours (the row above, or below for rows under the
    # header); an empty table has none, so the header row lends its look and the new
    # cells are then given the body's
    templates: dict[int, int] = {}
    for after in sorted(by_after, reverse=True):  # bottom-up: the rows above keep their numbers
        template = after if after > header else first_ind
        templates[after] = template
        steps.append(InsertRows(s, after + 1, len(by_after[after]), template, INSERT_WHY))

    def final(row: int) -> int:
        return row + sum(len(v) for a, v in by_after.items() if a < row)

    # the new rows: their cells merged as the form's, their texts typed and highlighted
    new_rows: dict[int, NewRow] = {}
    for after, rows in by_after.items():
        merges = _row_merges(sd if project.indicators else replace(sd, merges_known=False), project, templates[after])
        for j, nr in enumerate(rows):
            row = final(after) + 1 + j
            new_rows[row] = nr
            for a, b in merges:
                steps.append(MergeCells(s, f"{cell_ref(row, a)}:{cell_ref(row, b)}"))
    if not project.indicators:
        width = _table_width(sd, project)
        steps.append(StyleCells(s, {(r, c): BODY_CELL for r in new_rows for c in range(1, width + 1)}))
    for row, nr in sorted(new_rows.items()):
        for col, value in ((cn, nr.name), *_target_cells(cols, nr.value)):
            ref = cell_ref(row, col)
            if value:
                steps.append(SetCell(s, ref, value, None, nr.why))
                run.records.append(RecordRow(s, ref, None, value, nr.why))
            steps.append(Paint(s, ref, NEW_COLOR, nr.why))
        if not nr.name and not nr.value:
            run.records.append(RecordRow(s, cell_ref(row, cn), None, None, nr.why))
    # 一级/二级 over the final table
    labels: dict[int, tuple[str, str]] = {final(i.row): (i.level1.text, i.level2.text) for i in project.indicators}
    original: dict[int, int] = {final(i.row): i.row for i in project.indicators}
    for row, nr in new_rows.items():
        labels[row] = (nr.level1, nr.level2)
    for col, level in ((c1, 0), (c2, 1)):
        merged = _merged_column(sd, project, col)
        repeats = not merged and _repeats_labels(sd, project, col)
        _relabel(sd, s, col, level, labels, original, set(new_rows), merged, run, repeats)
    # edits of existing cells (empty rows filled, comparators), in final coordinates
    for e in plan.edits:
        r0, c0 = parse_ref(e.cell)
        ref = cell_ref(final(r0), c0)
        steps.append(SetCell(s, ref, e.new, e.old, e.why))
        steps.append(Paint(s, ref, NEW_COLOR, e.why))
        run.records.append(RecordRow(s, ref, e.old, e.new, e.why))
    run.changes += len(plan.new_rows) + len(plan.edits)


def _repeats_labels(sd: SheetData, project: Project, col: int) -> bool:
    """The form writes its 一级/二级 on every row (the budget system's grid) rather than once per group."""
    texts = [display_text(sd.value(i.row, col)) for i in project.indicators]
    return any(a and a == b for a, b in itertools.pairwise(texts))


def _target_cells(cols: dict[str, int], value: str) -> list[tuple[int, str]]:
    """(column, text) of a new row's target in the form's own columns: the comparator in the
    comparator column and the unit in the unit column where the form has them (≥ ∣ 95 ∣ %);
    the weight column, where there is one, left empty for the user (highlighted)."""
    cv = cols.get("value", 5)
    if "comparator" not in cols and "unit" not in cols:
        out = [(cv, value)]
    else:
        comparator, number, unit = split_target(value) if value else ("", "", "")
        if comparator == "定性":
            comparator = ""
        if "comparator" not in cols:
            number, comparator = comparator + number, ""
        if "unit" not in cols:
            number, unit = number + unit, ""
        out = [(cv, number)]
        if "comparator" in cols:
            out.append((cols["comparator"], comparator))
        if "unit" in cols:
            out.append((cols["unit"], unit))
    if "weight" in cols:
        out.append((cols["weight"], ""))
    return out


def _key(labels: tuple[str, str], level: int) -> tuple[str, ...]:
    """Rows belong to one block when their 一级 (and, for 二级, also 二级) keys agree."""
    k1 = level1_key(labels[0])
    return (k1,) if level == 0 else (k1, level2_key(labels[1]))


def _relabel(
    sd: SheetData,
    sheet: str,
    col: int,
    level: int,
    labels: dict[int, tuple[str, str]],
    original: dict[int, int],
    new: set[int],
    merged: bool,
    run: FillRun,
    repeats: bool = False,
) -> None:
    """Each run of equal labels that takes in a new row: its label at the top, merged over the
    run where the form merges (else written on every row where the form repeats it)."""
    rows = sorted(labels)
    i = 0
    while i < len(rows):
        j = i
        key = _key(labels[rows[i]], level)
        while j + 1 < len(rows) and rows[j + 1] == rows[j] + 1 and _key(labels[rows[j + 1]], level) == key:
            j += 1
        block = rows[i : j + 1]
        i = j + 1
        if not any(r in new for r in block):
            continue
        top, bottom = block[0], block[-1]
        text = labels[top][level]

        def current(r: int) -> Scalar:
            return sd.value(original[r], col) if r in original else None

        if merged:
            run.steps.append(UnmergeCells(sheet, f"{cell_ref(top, col)}:{cell_ref(bottom, col)}"))
        if display_text(current(top)) != text:
            ref = cell_ref(top, col)
            run.steps.append(SetCell(sheet, ref, text, current(top), LABEL_WHY))
            run.records.append(RecordRow(sheet, ref, current(top), text, "填充指标：新分组的标签"))
        old_rows = [r for r in block if r in original]
        repeated = not merged and (
            repeats or (len(old_rows) > 1 and all(display_text(current(r)) == text for r in old_rows))
        )
        for r in block[1:]:
            ref = cell_ref(r, col)
            if merged and display_text(current(r)):
                run.steps.append(SetCell(sheet, ref, None, current(r), "填充指标：合并分组单元格"))
            elif repeated and r in new:
                run.steps.append(SetCell(sheet, ref, text, None, LABEL_WHY))
        if merged and bottom > top:
            run.steps.append(MergeCells(sheet, f"{cell_ref(top, col)}:{cell_ref(bottom, col)}"))


# --------------------------------------------------------------------------- the workbook


def _finish(
    plan: WorkbookPlan, run: FillRun, sheets: Sequence[SheetData], extra_names: Sequence[str], time: str
) -> None:
    existing = next((s for s in sheets if s.name == FILL_RECORD_SHEET), None)
    names = {s.name for s in sheets} | set(extra_names)
    plan.steps = run.steps
    if run.records or run.notes:
        plan.add(*fill_record_steps(run.records, run.notes, time, existing, names | {FILL_RECORD_SHEET}))
    plan.notes = run.notes
    plan.counts = {"changes": run.changes, "records": len(run.records)}


@dataclass(frozen=True)
class TableFill:
    """One table to fill: the sheet it was read from, the table, and what it lacks."""

    sheet: SheetData
    project: Project
    plan: FillPlan


def fill_tables(
    sheets: Sequence[SheetData],
    library: list[LibraryEntry] | None = None,
    only: str | None = None,
    comparators: bool = True,
) -> list[TableFill]:
    """What each project table (or the one on sheet ``only``) lacks: the part ``--dry-run`` lists."""
    tables = project_sheets(sheets)
    if only is not None:
        tables = [(sd, p) for sd, p in tables if p.sheet == only]
        if not tables:
            if any(s.name == only for s in sheets):
                raise UserError(f"工作表“{only}”不是项目绩效目标表（未找到“项目名称”和指标表头）。")
            raise UserError(f"找不到工作表“{only}”。现有工作表：{'、'.join(s.name for s in sheets)}。")
    if not tables:
        raise NoProjectTables("没有可以填充的表")
    return [TableFill(sd, p, plan_fill(p, library, comparators=comparators)) for sd, p in tables]


def plan_fill_workbook(tables: Sequence[TableFill], sheets: Sequence[SheetData], time: str = "") -> WorkbookPlan:
    """填充指标 of the tables, as one journalled batch with its lines in 填充记录."""
    plan = WorkbookPlan("fill", journal=True)
    run = FillRun()
    for t in tables:
        fill_steps(t.sheet, t.project, t.plan, run)
    _finish(plan, run, sheets, (), time)
    plan.steps = over_marks(plan.steps, sheets)
    plan.counts["projects"] = len(tables)
    n = run.changes
    plan.message = (
        f"{len(tables)}个项目：填充{n}处（浅绿色），明细见“{FILL_RECORD_SHEET}”表，可撤销。"
        if n
        else "没有需要填充的内容。"
    )
    return plan


# --------------------------------------------------------------------------- 新建项目


def budget_year(projects: Sequence[Project], today: dt.date | None = None) -> tuple[int, str]:
    """The year a new table is made for, and how it was found (a note when it was not read).

    The most common year of the workbook's tables.  Tables whose year cannot be read are
    an error to fix first (the new table would copy the wrong year).  A workbook without
    any table: the budget year being prepared — tables are made in the second half of
    the year before (today 2026-12 → 2027).
    """
    years = Counter(p.year for p in projects if p.year)
    if years:
        return years.most_common(1)[0][0], ""
    if projects:
        raise UserError(
            "没有从各项目表的标题或“(2026年)”一行读出预算年度，无法确定新项目表的年度。请先检查各项目表的标题。"
        )
    d = today or dt.date.today()
    year = d.year + 1 if d.month >= 7 else d.year
    return year, f"工作簿中没有可参照的项目表，新表按{year}年度建立；如不对，请修改标题和“({year}年)”一行的年份。"


def new_sheet_content(
    spec_sheet: str, layout_data: SheetData, layout_merges: list[Merge]
) -> tuple[SheetContent, Project]:
    """A new project table as the published layout with the published look (both shells alike)."""
    project = read_project(layout_data)
    if project is None:  # the template must read back as a table
        raise UserError("模板表无法读取，请联系维护人员。")
    style = plan_project(layout_data, project)
    content = SheetContent(spec_sheet)
    for r, row in enumerate(layout_data.rows, start=1):
        for c, v in enumerate(row, start=1):
            if v is not None and v != "":
                content.cells[(r, c)] = v
    content.merges = [*layout_merges, *style.merges]
    content.styles = dict(style.cells)
    content.widths = dict(style.column_widths)
    content.heights = dict(style.row_heights)
    content.print_setup = style.print_setup
    content.freeze = style.freeze
    return content, project


@dataclass
class NewProject:
    """A new project's plan, with what a dry run or a message names: its sheet, its table read
    back, what was suggested for it, and where its 项目汇总 line goes (or why it does not)."""

    plan: WorkbookPlan
    title: str
    project: Project
    fill: FillPlan
    summary: str  # "" (no summary sheet), the note why no line, or "" with ``summary_row`` set
    summary_row: int | None = None


def plan_new_project(
    sheets: Sequence[SheetData],
    name: str,
    library: list[LibraryEntry] | None = None,
    time: str = "",
    numbered: bool = False,
) -> NewProject:
    """A project sheet from the template layout, header taken from the other projects, filled
    with suggestions, and its line in 项目汇总; one undo takes it all back.

    ``numbered``: a placeholder name (the ribbon's 新项目) that may be taken already; the
    project is then named like its sheet, 新项目(2), so the summary tells them apart.  A
    name the user chose that is taken is refused.
    """
    name = name.strip()
    if not name:
        raise UserError("新建项目需要项目名称，例如：社保卡服务网点建设。")
    tables = project_sheets(sheets)
    projects = [p for _, p in tables]
    taken = any(p.name.text == name for p in projects)
    if taken and not numbered:
        raise UserError(f"工作簿中已有项目“{name}”。请换一个名称，或填充已有项目。")
    year, year_note = budget_year(projects)
    spec = new_project_spec(name, projects, year, [s.name for s in sheets])
    title = spec.sheet
    if numbered and spec.name != title:
        spec = replace(spec, name=title)
        name = title
    lay = write_project(spec)
    data = lay.to_sheet_data()
    content, project = new_sheet_content(title, data, list(lay.merges))
    why = f"新建项目“{name}”：主管部门、实施单位、项目属性取自本工作簿其他项目"
    plan = WorkbookPlan("new_project", journal=True)
    run = FillRun()
    run.steps.append(WriteSheet(content, why))
    run.records.append(RecordRow(title, project.name.cell, None, name, why))
    run.changes += 1
    if year_note:
        run.notes.append(year_note)
    fp = plan_fill(project, library)
    fill_steps(data, project, fp, run)
    suggested = run.changes - 1
    summary_text = ""
    summary_note = ""
    summary_row: int | None = None
    summary = next((s for s in sheets if s.name == SUMMARY_SHEET), None)
    if summary is not None and summary.rows:
        line = plan_summary_line(summary, project, formulas_known=summary.formulas)
        if isinstance(line, str):
            run.notes.append(line)
            summary_note = line
            summary_text = "；" + line.rstrip("。")
        else:
            run.steps.append(InsertRows(line.sheet, line.at, 1, line.template, line.edits[0].why))
            for e in line.edits:
                formula = isinstance(e.new, str) and e.new.startswith("=")
                run.steps.append(SetCell(e.sheet, e.cell, e.new, e.old, e.why, formula=formula))
                run.records.append(RecordRow(e.sheet, e.cell, e.old, e.new, e.why))
            run.changes += len(line.edits)
            run.notes += list(line.notes)
            note = "".join(f"；{n.rstrip('。')}" for n in line.notes)
            summary_text = f"，已在“{line.sheet}”第{line.at}行加入本项目{note}"
            summary_row = line.at
    _finish(plan, run, sheets, (title,), time)
    plan.counts["suggested"] = suggested
    plan.message = (
        f"已新建项目表“{title}”：主管部门、实施单位、项目属性取自其他项目，参考指标{suggested}处（浅绿色）"
        f"{summary_text}。请填写项目名称、资金和指标值；不需要时可撤销。"
    )
    return NewProject(plan, title, project, fp, summary_note, summary_row)
