"""Check a whole workbook: find the project sheets, run the rules, collect a result.

Pure core: takes ``SheetData`` (from any reader) and returns plain data that the
report views (console, JSON, marks, report sheet) render.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from xladdin.conventions import TOOL_SHEETS
from xladdin.layout import read_project
from xladdin.model import Finding, Project, SheetData
from xladdin.rules import Rule, Workbook, all_rules, evaluate, select_rules, sort_findings


@dataclass
class ProjectResult:
    sheet: str
    name: str
    total: float | None
    findings: list[Finding] = field(default_factory=list)
    project: Project | None = None
    name_cell: str = ""  # where 项目名称 is, for the rules that compare tables
    # What the workbook rules' collectors gathered from this table (``rules.fact_key`` →
    # plain data): the table itself is dropped after its part of a check, these travel on.
    facts: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    # This project's part of the JSON report, rendered by the process that checked it (a
    # worker of a parallel check) so the report is not rendered serially at the end; None
    # when not asked for.  Findings are never changed once a check has returned.
    json: str | None = field(default=None, repr=False, compare=False)
    # Findings the workbook rules added after ``json`` was rendered: the report renders
    # just these and puts them in their places (``report.project_json_with_late``).
    late: list[Finding] = field(default_factory=list, repr=False, compare=False)

    def as_dict(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "name": self.name,
            "total": self.total,
            "findings": [f.as_dict() for f in self.findings],
        }


@dataclass
class CheckResult:
    file: str
    projects: list[ProjectResult]
    other: list[Finding] = field(default_factory=list)  # findings about non-project sheets
    # findings of the workbook rules on sheets that are no project table (a 项目汇总 cell)
    workbook: list[Finding] = field(default_factory=list)
    # codes of the selected workbook rules not yet run: a part of a parallel check leaves
    # them to the process that has every part (``apply_workbook_rules``)
    pending: list[str] = field(default_factory=list, repr=False, compare=False)
    # facts of the sheets that are no project table but that workbook rules read (a
    # 项目汇总, a standards sheet), gathered by the part that read them
    sheets: list[Any] = field(default_factory=list, repr=False, compare=False)

    @property
    def findings(self) -> list[Finding]:
        return [f for p in self.projects for f in p.findings] + self.workbook + self.other

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def as_dict(self, project: Callable[[ProjectResult], Any] = ProjectResult.as_dict) -> dict[str, Any]:
        """The result as plain data; ``project`` gives each project's entry (a view may render them itself)."""
        return {
            "file": self.file,
            "projects": [project(p) for p in self.projects],
            "workbook": [f.as_dict() for f in self.workbook],
            "skipped": [f.as_dict() for f in self.other],
            "summary": {
                "projects": len(self.projects),
                "errors": self.count("error"),
                "warnings": self.count("warning"),
                "infos": self.count("info"),
            },
        }

    @property
    def exit_code(self) -> int:
        return 1 if self.count("error") else 0


@dataclass
class BatchResult:
    """Several workbooks checked in one run: a reviewer's folder of departments' files.

    A file that cannot be read does not stop the others; it is listed with its message
    and makes the exit code 2, because the batch was not checked completely.
    """

    results: list[CheckResult]
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (file, Chinese message)

    def count(self, severity: str) -> int:
        return sum(r.count(severity) for r in self.results)

    @property
    def projects(self) -> int:
        return sum(len(r.projects) for r in self.results)

    def as_dict(self, project: Callable[[ProjectResult], Any] = ProjectResult.as_dict) -> dict[str, Any]:
        """Each file's report as ``CheckResult.as_dict`` gives it, then the batch's counts."""
        return {
            "files": [r.as_dict(project) for r in self.results],
            "unreadable": [{"file": f, "message": m} for f, m in self.unreadable],
            "summary": {
                "files": len(self.results) + len(self.unreadable),
                "unreadable": len(self.unreadable),
                "projects": self.projects,
                "errors": self.count("error"),
                "warnings": self.count("warning"),
                "infos": self.count("info"),
            },
        }

    @property
    def exit_code(self) -> int:
        if self.unreadable:
            return 2
        return 1 if self.count("error") else 0


def read_projects(sheets: list[SheetData]) -> tuple[list[Project], list[Finding]]:
    """Project tables of a workbook, and an info finding for every other sheet."""
    projects: list[Project] = []
    skipped: list[Finding] = []
    for sh in sheets:
        if sh.name in TOOL_SHEETS:
            continue
        p = read_project(sh)
        if p is None:
            skipped.append(
                Finding(
                    rule="SHEET001",
                    severity="info",
                    sheet=sh.name,
                    cell="A1",
                    message=f"工作表“{sh.name}”不是项目支出绩效目标表（未找到“项目名称”和“一级指标…指标值”表头），已跳过。",
                )
            )
        else:
            projects.append(p)
    return projects, skipped


def check_sheets(
    file: str,
    sheets: list[SheetData],
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    rules: list[Rule] | None = None,
    part: bool = False,
) -> CheckResult:
    """Run the selected rules over every project sheet.

    ``part``: these sheets are some of a workbook's, so the workbook rules are left
    pending for ``apply_workbook_rules`` once every part is in.
    """
    from xladdin.settings import settings_from_sheets

    settings = settings_from_sheets(sheets)
    chosen = rules if rules is not None else all_rules()
    chosen = select_rules(chosen, settings.select or None, settings.ignore)
    chosen = select_rules(chosen, select, ignore)
    projects, skipped = read_projects(sheets)
    results = []
    for p in projects:
        findings, facts = evaluate(p, chosen)
        results.append(
            ProjectResult(
                sheet=p.sheet,
                name=p.name.text,
                total=p.money.total.number,
                findings=findings,
                project=p,
                name_cell=p.name.cell,
                facts=facts,
            )
        )
    facts_of_sheets, recognised = sheet_facts(sheets, {f.sheet for f in skipped})
    skipped = [f for f in skipped if f.sheet not in recognised]
    ignored = [p.upper() for p in [*(ignore or []), *settings.ignore] if p]
    other = [f for f in skipped if not any(f.rule.startswith(p) for p in ignored)]
    result = CheckResult(file=file, projects=results, other=other)
    result.pending = [r.code for r in chosen if r.scope == "workbook"]
    result.sheets = facts_of_sheets
    if not part:
        apply_workbook_rules(result)
    return result


def sheet_facts(sheets: list[SheetData], skipped: set[str]) -> tuple[list[Any], set[str]]:
    """What the workbook rules read from sheets that are no project table, and which of the
    ``skipped`` sheets that recognises (a 项目汇总 is checked, not skipped).

    The summary sheet is read in full here, by whichever part of a parallel check holds
    it, so that only its plain facts travel (``merge_parts``).
    """
    from xladdin.conventions import STANDARDS_SHEET
    from xladdin.standards import read_table
    from xladdin.summary import read_summary

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


def merge_parts(file: str, results: list[CheckResult]) -> CheckResult:
    """The parts of a parallel check as one result, in sheet order (the workbook rules still pending)."""
    merged = CheckResult(
        file=file,
        projects=[p for r in results for p in r.projects],
        other=[f for r in results for f in r.other],
    )
    merged.sheets = [s for r in results for s in r.sheets]
    merged.pending = results[0].pending if results else []  # every part obeys the same settings
    return merged


def apply_workbook_rules(result: CheckResult) -> None:
    """Run the pending workbook rules over all of the result's tables, in place.

    A table that gets a finding has its findings sorted again and the new ones noted in
    ``late``, so the report renders only those into its pre-rendered JSON; a finding on
    another sheet (a 项目汇总 cell) goes to ``result.workbook``.
    """
    if not result.pending:
        return
    by_code = {r.code: r for r in all_rules()}
    added: dict[str, list[Finding]] = {}
    wb = Workbook(result.projects, result.sheets)
    for code in result.pending:
        r = by_code[code]
        for f in r.check(wb, r):
            added.setdefault(f.sheet, []).append(f)
    result.pending = []
    if not added:
        return
    for p in result.projects:
        if p.sheet in added:
            new = added.pop(p.sheet)
            p.findings = sort_findings([*p.findings, *new])
            p.late = [*p.late, *new]
    for fs in added.values():  # sheets that are no project table, in the order they were found
        result.workbook.extend(sort_findings(fs))
