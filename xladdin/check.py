"""Check a whole workbook: find the project sheets, run the rules, collect a result.

Pure core: takes ``SheetData`` (from any reader) and returns plain data that the
report views (console, JSON, marks, report sheet) render.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from xladdin.conventions import SETTINGS_SHEET, STANDARDS_SHEET, TOOL_SHEETS
from xladdin.errors import UnknownRules
from xladdin.layout import read_tables as tables_of_sheet
from xladdin.model import Finding, Project, SheetData, parse_ref
from xladdin.rules import (
    NO_TABLE_SHEET,
    SKIPPED_SHEET,
    Rule,
    Workbook,
    all_rules,
    evaluate,
    select_rules,
    sort_findings,
    unknown_patterns,
)
from xladdin.rules.selfeval import PAIRED, SelfContext, run_selfeval
from xladdin.selfeval import SelfEval, has_selfeval_headings, project_key, read_selfeval
from xladdin.settings import Settings, settings_from_sheets
from xladdin.sheet_view import unit_of
from xladdin.standards import read_table
from xladdin.summary import read_summary

NOT_A_TABLE = SKIPPED_SHEET  # a sheet that holds no project table (info)
NO_TABLE = NO_TABLE_SHEET  # a workbook that holds none at all (a warning: the file needs a look)


def tables_phrase(projects: int, selfevals: int) -> str:
    """ "6个项目", or "6个项目、6张自评表" — what a check looked at, as its summaries say it;
    "没有找到绩效目标表" when it looked at nothing (never "0个项目：错误0处", which reads as passed)."""
    if not projects and not selfevals:
        return "没有找到绩效目标表"
    return f"{projects}个项目" + (f"、{selfevals}张自评表" if selfevals else "")


@dataclass
class ProjectResult:
    """One checked table: a 绩效目标表 (``kind`` "project") or a 自评表 ("selfeval", whose
    ``score`` is its computed total)."""

    sheet: str
    name: str
    total: float | None
    findings: list[Finding] = field(default_factory=list)
    project: Project | None = None
    name_cell: str = ""  # where 项目名称 is, for the rules that compare tables
    unit: str = ""  # 实施单位 and 主管部门 as the table states them: the unit a reviewer files the file under
    department: str = ""
    kind: str = "project"
    score: float | None = None
    unpaired: bool = False  # a 自评表 whose 绩效目标表 was not among the sheets checked with it (a part)
    rows: tuple[int, int] = (0, 0)  # the table's first and last row (several tables may share a sheet)
    total_label: str = "项目总额"  # what the form calls ``total`` (年度资金总额 in a form without 项目总额)
    # What the workbook rules' collectors gathered from this table (``rules.fact_key`` →
    # plain data): the table itself is dropped after its part of a check, these travel on.
    facts: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def key(self) -> str:
        """The table among the workbook's: its sheet, and its first row where a sheet holds several."""
        return f"{self.sheet}\n{self.rows[0]}"

    def as_dict(self) -> dict[str, Any]:
        d = {
            "sheet": self.sheet,
            "name": self.name,
            "total": self.total,
            "findings": [f.as_dict() for f in self.findings],
        }
        if self.kind != "project":  # a 自评表: said, and its score; a target table's entry is unchanged
            d["kind"] = self.kind
            d["score"] = self.score
        return d


@dataclass
class CheckResult:
    file: str
    projects: list[ProjectResult]
    other: list[Finding] = field(default_factory=list)  # findings about non-project sheets
    # findings of the workbook rules on sheets that are no project table (a 项目汇总 cell)
    workbook: list[Finding] = field(default_factory=list)
    # facts of the sheets that are no project table but that workbook rules read (a
    # 项目汇总, a standards sheet), gathered by the part of a check that read them
    sheets: list[Any] = field(default_factory=list, repr=False, compare=False)
    # the workbook's own rule choice (its xladdin设置 sheet), and whether this check obeyed it:
    # a reviewer must see that a file switched rules off, and may check it without its choice
    settings: Settings = field(default_factory=Settings)
    file_settings: bool = True

    @property
    def unit(self) -> str:
        """The unit the file is filed under (实施单位, else 主管部门; ``sheet_view.unit_of``)."""
        return unit_of([p.unit for p in self.projects], [p.department for p in self.projects])

    @property
    def findings(self) -> list[Finding]:
        return [f for p in self.projects for f in p.findings] + self.workbook + self.other

    def count(self, severity: str) -> int:
        return self.counts().get(severity, 0)

    def counts(self) -> dict[str, int]:
        """Findings by severity, in one pass (a 1,000-table check has ten thousand)."""
        out = {"error": 0, "warning": 0, "info": 0}
        for fs in (*(p.findings for p in self.projects), self.workbook, self.other):
            for f in fs:
                out[f.severity] = out.get(f.severity, 0) + 1
        return out

    @property
    def tables(self) -> int:
        """绩效目标表 checked (the 自评表 are counted apart: ``selfevals``)."""
        return sum(1 for p in self.projects if p.kind == "project")

    @property
    def selfevals(self) -> int:
        return len(self.projects) - self.tables

    @property
    def counted(self) -> str:
        """ "6个项目", or "6个项目、6张自评表" — what was checked, as the summaries say it."""
        return tables_phrase(self.tables, self.selfevals)

    def as_dict(self, project: Callable[[ProjectResult], Any] = ProjectResult.as_dict) -> dict[str, Any]:
        """The result as plain data; ``project`` gives each project's entry (a view may render them itself).

        ``file_settings`` is there only for a workbook that carries its own rule choice."""
        summary: dict[str, int] = {"projects": self.tables}
        if self.selfevals:
            summary["selfevals"] = self.selfevals
        counts = self.counts()
        summary.update(errors=counts["error"], warnings=counts["warning"], infos=counts["info"])
        out: dict[str, Any] = {
            "file": self.file,
            "projects": [project(p) for p in self.projects],
            "workbook": [f.as_dict() for f in self.workbook],
            "skipped": [f.as_dict() for f in self.other],
            "summary": summary,
        }
        if self.settings.any:
            out["file_settings"] = {
                "select": list(self.settings.select),
                "ignore": list(self.settings.ignore),
                "applied": self.file_settings,
            }
        return out

    @property
    def found_none(self) -> bool:
        """No project table was found in the workbook (a blank file, unrelated sheets, an unknown form)."""
        return any(f.rule == NO_TABLE for f in self.other)

    @property
    def exit_code(self) -> int:
        """1 when there are errors, or when no table was found: the file needs a look either way."""
        return 1 if self.count("error") or self.found_none else 0


@dataclass
class BatchResult:
    """Several workbooks checked in one run: a reviewer's folder of departments' files.

    A file that cannot be read does not stop the others; it is listed with its message
    and makes the exit code 2, because the batch was not checked completely.
    """

    results: list[CheckResult]
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (file, Chinese message)
    # files an earlier run wrote (marked copies, reports), left out: (file, what it is)
    outputs: list[tuple[str, str]] = field(default_factory=list)

    def count(self, severity: str) -> int:
        return sum(r.count(severity) for r in self.results)

    @property
    def projects(self) -> int:
        return sum(r.tables for r in self.results)

    @property
    def selfevals(self) -> int:
        return sum(r.selfevals for r in self.results)

    @property
    def counted(self) -> str:
        return tables_phrase(self.projects, self.selfevals)

    def as_dict(self, project: Callable[[ProjectResult], Any] = ProjectResult.as_dict) -> dict[str, Any]:
        """Each file's report as ``CheckResult.as_dict`` gives it, then the batch's counts
        (``outputs``, the files left out as an earlier run's, only when there are any)."""
        out: dict[str, Any] = {
            "files": [r.as_dict(project) for r in self.results],
            "unreadable": [{"file": f, "message": m} for f, m in self.unreadable],
        }
        if self.outputs:
            out["outputs"] = [{"file": f, "kind": what} for f, what in self.outputs]
        out["summary"] = {
            "files": len(self.results) + len(self.unreadable),
            "unreadable": len(self.unreadable),
            "projects": self.projects,
            **({"selfevals": self.selfevals} if self.selfevals else {}),
            "errors": self.count("error"),
            "warnings": self.count("warning"),
            "infos": self.count("info"),
        }
        return out

    @property
    def exit_code(self) -> int:
        if self.unreadable:
            return 2
        return 1 if any(r.exit_code for r in self.results) else 0


def read_projects(sheets: list[SheetData]) -> tuple[list[Project], list[Finding]]:
    """Project tables of a workbook, and an info finding for every other sheet (a 自评表 is neither)."""
    projects, _, skipped = read_tables(sheets)
    return projects, skipped


def read_tables(sheets: list[SheetData]) -> tuple[list[Project], list[SelfEval], list[Finding]]:
    """The workbook's 绩效目标表 and 自评表, and an info finding for every other sheet.

    A sheet is tried as a target table first (the common case, and the fast one); one whose
    indicator header has the 自评 columns (实际完成值, 得分) is a 自评表 even if the target
    table reader would take it.
    """
    projects: list[Project] = []
    selfevals: list[SelfEval] = []
    skipped: list[Finding] = []
    for sh in sheets:
        if sh.name in TOOL_SHEETS:
            continue
        found = tables_of_sheet(sh)  # several where a sheet stacks them (a system export)
        if found and not _selfeval_header(sh, found[0]):
            projects.extend(found)
            continue
        se = read_selfeval(sh)
        if se is not None:
            selfevals.append(se)
        elif found:
            projects.extend(found)
        else:
            skipped.append(
                Finding(
                    rule=NOT_A_TABLE,
                    severity="info",
                    sheet=sh.name,
                    cell="A1",
                    message=f"工作表“{sh.name}”中没有认出项目支出绩效目标表（未找到“项目名称”和“一级指标…指标值”表头），已跳过。",
                )
            )
    return projects, selfevals, skipped


def target_table(sheet: SheetData) -> Project | None:
    """The sheet's (first) 绩效目标表 for a writing verb; None where there is none, or where the
    table is a 自评表 (its headings are the target table's plus 实际完成值, 得分 …): fill, format
    and rollover leave a 自评表 to ``xladdin selfeval``, as ``read_tables`` keeps it from check."""
    found = tables_of_sheet(sheet, limit=1)
    if not found:
        return None
    p = found[0]
    if _selfeval_header(sheet, p) and read_selfeval(sheet) is not None:
        return None
    return p


def _selfeval_header(sheet: SheetData, p: Project) -> bool:
    """Whether a table read as a target table has the 自评 columns; the usual four-heading row is
    answered without looking at its texts (this runs for every table of every check)."""
    row = sheet.rows[p.header_row - 1] if 0 < p.header_row <= len(sheet.rows) else []
    placed_selfeval = "actual" in p.columns or "score" in p.columns  # the reader placed 实际完成值 / 得分
    if not placed_selfeval and sum(1 for v in row if v is not None) <= len(p.columns):
        return False
    return has_selfeval_headings(row)


def check_sheets(
    file: str,
    sheets: list[SheetData],
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    rules: list[Rule] | None = None,
    part: bool = False,
    file_settings: bool = True,
) -> CheckResult:
    """Run the selected rules over every project sheet.

    ``part``: these sheets are some of a workbook's (a parallel check), so the workbook
    rules are left for ``apply_workbook_rules`` once every part is in.
    ``file_settings``: obey the workbook's own rule choice (a reviewer checks without it).
    """

    settings = settings_from_sheets(sheets)
    chosen = chosen_rules(sheets, select, ignore, rules, file_settings)
    projects, selfevals, skipped = read_tables(sheets)
    results = []
    for p in projects:
        findings, facts = evaluate(p, chosen)
        results.append(
            ProjectResult(
                sheet=p.sheet,
                name=p.name.text,
                total=p.money.headline.number,
                findings=findings,
                project=p,
                name_cell=p.name.cell,
                facts=facts,
                unit=p.unit.text,
                department=p.department.text,
                rows=(p.first_row, p.last_row),
                total_label=_total_label(p),
            )
        )
    if selfevals:
        results += check_selfevals(selfevals, projects, chosen, part)
        order = {s.name: i for i, s in enumerate(sheets)}
        results.sort(key=lambda r: order.get(r.sheet, 0))
    facts_of_sheets, recognised = sheet_facts(sheets, {f.sheet for f in skipped})
    skipped = [f for f in skipped if f.sheet not in recognised]
    if not projects and not selfevals:  # a part of a parallel check may hold none: settled once every part is in
        skipped.append(no_table_finding(sheets))
    ignored = [p.upper() for p in [*(ignore or []), *(settings.ignore if file_settings else [])] if p]
    other = [f for f in skipped if not any(f.rule.startswith(p) for p in ignored)]
    result = CheckResult(file=file, projects=results, other=other, settings=settings, file_settings=file_settings)
    result.sheets = facts_of_sheets
    if not part:
        apply_workbook_rules(result, [r.code for r in chosen if r.scope == "workbook"])
    return result


def sheet_facts(sheets: list[SheetData], skipped: set[str]) -> tuple[list[Any], set[str]]:
    """What the workbook rules read from sheets that are no project table, and which of the
    ``skipped`` sheets that recognises (a 项目汇总 is checked, not skipped).

    The summary sheet is read in full here, by whichever part of a parallel check holds
    it, so that only its plain facts travel to the process that runs the workbook rules.
    """
    out: list[Any] = []
    recognised: set[str] = set()
    for sh in sheets:
        if sh.name == STANDARDS_SHEET:
            out.append(read_table(sh))
        elif sh.name in skipped:
            table = read_summary(sh)
            if table is not None:
                out.append(table)
                recognised.add(sh.name)
    return out, recognised


def check_selfevals(
    selfevals: list[SelfEval], projects: list[Project], chosen: list[Rule], part: bool = False
) -> list[ProjectResult]:
    """The SELF rules on each 自评表, each compared with the 绩效目标表 of the same 项目名称.

    ``part``: these are some of a workbook's sheets; a 自评表 whose table is not among them is
    marked ``unpaired``, and ``pair_selfevals`` compares it once every part is in.
    """
    targets: dict[str, Project] = {}
    for p in projects:
        targets.setdefault(project_key(p.name.text), p)
    out = []
    for se in selfevals:
        target = targets.get(project_key(se.name.text))
        ctx = SelfContext(se, target)
        out.append(
            ProjectResult(
                sheet=se.sheet,
                name=se.name.text,
                total=None,
                findings=run_selfeval(ctx, chosen),
                name_cell=se.name.cell,
                kind="selfeval",
                score=ctx.scores.total,
                unpaired=part and target is None,
            )
        )
    return out


def pair_selfevals(
    result: CheckResult,
    read: Callable[[list[str]], list[SheetData]],
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    file_settings: bool = True,
) -> set[str]:
    """The comparisons of 自评表 with their 绩效目标表 (``rules.selfeval.PAIRED``) that a check in
    parts could not make, made now: for each unpaired 自评表, the two sheets are read again
    (``read``: sheet names → ``SheetData``, the settings sheet included when asked for) and
    checked together.  Returns the keys (``ProjectResult.key``) of the 自评表 that got findings
    (sorted again with them)."""
    waiting = [p for p in result.projects if p.unpaired]
    if not waiting:
        return set()
    targets: dict[str, str] = {}
    for p in result.projects:
        if p.kind == "project":
            targets.setdefault(project_key(p.name), p.sheet)
    paired = [r for r in all_rules() if r.code in PAIRED]
    changed: set[str] = set()
    for p in waiting:
        p.unpaired = False
        target = targets.get(project_key(p.name))
        if target is None:
            continue
        sheets = read([target, p.sheet, SETTINGS_SHEET])
        chosen = chosen_rules(sheets, select, ignore, paired, file_settings)
        if not chosen:
            return changed
        checked = check_sheets(result.file, sheets, rules=chosen, part=True, file_settings=file_settings)
        found = [f for r in checked.projects if r.sheet == p.sheet for f in r.findings]
        if found:
            p.findings = sort_findings([*p.findings, *found])
            changed.add(p.key)
    return changed


def chosen_rules(
    sheets: list[SheetData],
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    rules: list[Rule] | None = None,
    file_settings: bool = True,
) -> list[Rule]:
    """The rules a check runs: the workbook's own choice (its settings sheet), then the caller's.

    A code that names no rule is refused, in the caller's choice and in the sheet alike: a
    typo would otherwise run no rule, or switch nothing off, without a word."""

    chosen = rules if rules is not None else all_rules()
    refuse_unknown(select, ignore)
    if file_settings:
        settings = settings_from_sheets(sheets)
        unknown = unknown_patterns([*settings.select, *settings.ignore])
        if unknown:
            raise UnknownRules(unknown, f"工作表“{SETTINGS_SHEET}”中")
        chosen = select_rules(chosen, settings.select or None, settings.ignore)
    return select_rules(chosen, select, ignore)


def refuse_unknown(select: list[str] | None, ignore: list[str] | None) -> None:
    """A --select/--ignore code that names no rule is an error (``UnknownRules``), with the nearest codes."""
    for where, patterns in (("--select", select or []), ("--ignore", ignore or [])):
        unknown = unknown_patterns(patterns)
        if unknown:
            raise UnknownRules(unknown, f"{where} 中")


def apply_workbook_rules(result: CheckResult, codes: list[str]) -> set[str]:
    """Run the workbook rules ``codes`` over all of the result's tables, in place; the keys
    (``ProjectResult.key``) of the tables that got a finding (sorted again with it).

    A finding on a sheet that is no project table (a 项目汇总 cell) goes to ``result.workbook``.
    Also settles the "no table found" warning, which a part of a parallel check adds when
    its own sheets hold none: kept once when no part found a table, else dropped.
    """
    none = [f for f in result.other if f.rule == NO_TABLE]
    if none and (result.projects or len(none) > 1):
        keep = [] if result.projects else none[:1]
        result.other = [f for f in result.other if f.rule != NO_TABLE or f in keep]
    by_code = {r.code: r for r in all_rules()}
    added: dict[int, list[Finding]] = {}
    elsewhere: dict[str, list[Finding]] = {}
    wb = Workbook(result.projects, result.sheets)
    on_sheet: dict[str, list[int]] = {}  # the tables of each sheet (findings come by the thousand)
    for i, p in enumerate(result.projects):
        on_sheet.setdefault(p.sheet, []).append(i)
    for code in codes:
        r = by_code[code]
        for f in r.check(wb, r):
            owner = _owner(result.projects, on_sheet.get(f.sheet, []), f)
            if owner is not None:
                added.setdefault(owner, []).append(f)
            else:
                elsewhere.setdefault(f.sheet, []).append(f)
    for i, p in enumerate(result.projects):
        if i in added:
            p.findings = sort_findings([*p.findings, *added[i]])
    for fs in elsewhere.values():  # sheets that are no project table, in the order they were found
        result.workbook.extend(sort_findings(fs))
    return {result.projects[i].key for i in added}


def _owner(projects: list[ProjectResult], on_sheet: list[int], f: Finding) -> int | None:
    """The index of the table a workbook rule's finding is about: on its sheet (``on_sheet``: the
    indexes of the tables there), around its row."""
    if len(on_sheet) <= 1:
        return on_sheet[0] if on_sheet else None
    try:
        row = parse_ref(f.cell)[0]
    except ValueError:
        return on_sheet[0]
    for i in on_sheet:
        first, last = projects[i].rows
        if first <= row <= last:
            return i
    return on_sheet[0]


def _total_label(p: Project) -> str:
    if p.form.standard:
        return "项目总额"
    m = p.money
    return m.label("total" if m.headline is m.total else "annual")


def no_table_finding(sheets: list[SheetData]) -> Finding:
    """The warning of a workbook in which no project table was found."""
    names = [sh.name for sh in sheets if sh.name not in TOOL_SHEETS]
    sheet = names[0] if names else (sheets[0].name if sheets else "")
    listed = "、".join(f"“{n}”" for n in names[:5]) + ("等" if len(names) > 5 else "")
    where = f"工作表{listed}中" if names else "工作簿中没有工作表，"
    return Finding(
        rule=NO_TABLE,
        severity="warning",
        sheet=sheet,
        cell="A1",
        message=(
            f"没有找到绩效目标表：{where}没有一张表有“项目名称”和“一级指标…指标值”（或“三级指标”“指标名称”…“指标值”）表头，"
            "所以什么也没有检查。请确认是否选错了文件；若这是一种本工具还不认识的表样，"
            "请按 docs/表格样式.md 的说明把表样发给我们。"
        ),
    )
