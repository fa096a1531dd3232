"""The rule registry: every check is a small unit with a stable code.

Modelled on ruff/sqlfluff: a rule has a code (``FUND001``), a short English name, a
severity, a one-line Chinese summary and a check function over a ``Context``.  Rules
register themselves with ``@rule``; families live in one module each
(``rules/header.py``, ``rules/funding.py`` …) and are imported by ``all_rules()``.
"""

from __future__ import annotations

import fnmatch
import functools
import importlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal, Protocol, TypeVar

from xladdin.model import Field, Finding, Fix, Project, Severity
from xladdin.values import parse

FixKind = Literal["safe", "unsafe"]

# The codes of the notes on a sheet that is no project table and on a workbook that holds none
# (``check.read_tables``): no rule makes them, but they are ignored like one.
SKIPPED_SHEET = "SHEET001"
NO_TABLE_SHEET = "SHEET002"
SHEET_NOTES = (SKIPPED_SHEET, NO_TABLE_SHEET)

# Rule families, imported in this order; a missing module is simply not there yet.
FAMILIES = (
    "header",
    "funding",
    "structure",
    "values",
    "time",
    "costs",
    "narrative",
    "targets",
    "workbook",
    "summary",
    "standards",
    "weights",
    "form",
    "selfeval",
)


class Reporter:
    """What every rule's context shares: findings on the sheet it looks at (``sheet_name``)."""

    @property
    def sheet_name(self) -> str:
        raise NotImplementedError

    def finding(
        self,
        rule: Rule,
        cell: str,
        message: str,
        expected: Any = None,
        actual: Any = None,
        severity: Severity | None = None,
        fix: Fix | None = None,
    ) -> Finding:
        return Finding(
            rule=rule.code,
            severity=severity or rule.severity,
            sheet=self.sheet_name,
            cell=cell,
            message=message,
            expected=None if expected is None else str(expected),
            actual=None if actual is None else str(actual),
            fix=fix,
        )


@dataclass
class Context(Reporter):
    """What a rule sees: the project, plus derived data computed once and shared.

    Derived data (parsed values, the cost explanation) is computed lazily, so a run
    that selects only header rules never parses a 指标值.
    """

    project: Project
    options: dict[str, Any] | None = None
    memo: dict[Callable[..., Any], Any] = field(default_factory=dict, repr=False, compare=False)  # see per_project

    @cached_property
    def values(self) -> dict[int, Any]:
        """Indicator row → its target (``xladdin.target.target``: the 指标值 parsed, with the
        comparator and unit of their own columns where the form has them)."""
        from xladdin.rules.facts import rows  # facts builds on this module: imported when asked

        return {x.row: parse(x.value) for x in rows(self)}  # x.value is the target's text

    @cached_property
    def costs(self) -> Any:
        """The cost explanation of the project (``xladdin.costs.explain``)."""
        from xladdin.costs import explain
        from xladdin.rules.facts import rows

        return explain(self.project, rows(self))

    @property
    def sheet_name(self) -> str:
        return self.project.sheet


def text_fix(field: Field, new: str, safe: bool) -> Fix | None:
    """A fix that rewrites a cell's text; None for a cell holding a number or a date (rewriting it as
    text would change its type).  A formula is not text here: the check reads its result."""
    value = field.value
    if not isinstance(value, str):
        return None
    return Fix(field.cell, value, new, safe)


T = TypeVar("T")


H = TypeVar("H", bound="_HasMemo")


class _HasMemo(Protocol):
    memo: dict[Callable[..., Any], Any]


def _kept(build: Callable[[H], T]) -> Callable[[H], T]:
    """``build`` worked out once per holder (a ``Context``, a ``Workbook``) and kept in its memo."""

    @functools.wraps(build)
    def get(holder: H) -> T:
        try:
            return holder.memo[build]
        except KeyError:
            value = holder.memo[build] = build(holder)
            return value

    return get


def per_project(build: Callable[[Context], T]) -> Callable[[Context], T]:
    """Derived data several rules ask for (the rows with their keys, the duplicated names …),
    worked out once per project and kept on its ``Context``; callers must not modify it."""
    return _kept(build)


Check = Callable[[Context, "Rule"], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    """A check.  ``scope`` "project" sees one table (``check(ctx, rule)``); "workbook"
    sees every table's ``ProjectResult`` at once (``check(results, rule)``), for the
    mistakes that only show between tables, and runs after the per-table rules;
    "selfeval" sees one 自评表 (``check(SelfContext, rule)``, ``xladdin.rules.selfeval``)."""

    code: str
    name: str
    severity: Severity
    summary: str  # one line, Chinese, shown by `xladdin rules`
    check: Callable[..., Iterable[Finding]]  # a Check, or (results, rule) for a workbook rule
    family: str = ""
    scope: str = "project"
    # Whether its findings may carry a fix, and of which kind (ruff's fix availability):
    # "safe" (applied by ``check --fix``), "unsafe" (only with ``--unsafe-fixes``), or None.
    fix: FixKind | None = None
    # A workbook rule's facts about one table, gathered while the table is in hand (in
    # whichever process checks it) and kept on its ``ProjectResult``: plain, small,
    # picklable data, because a parallel check sends only results back, never tables.
    collect: Callable[[Context], Any] | None = None


_REGISTRY: dict[str, Rule] = {}


def rule(
    code: str,
    name: str,
    severity: Severity,
    summary: str,
    scope: str = "project",
    fix: FixKind | None = None,
    collect: Callable[[Context], Any] | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a check function as a rule (``fix``: the kind of fix its findings may carry;
    ``collect``: for a workbook rule, what it needs to know of each table)."""

    def deco(fn: Callable[..., Any]) -> Callable[..., Any]:
        if code in _REGISTRY:
            raise ValueError(f"duplicate rule code {code}")
        family = fn.__module__.rsplit(".", 1)[-1]
        _REGISTRY[code] = Rule(code, name, severity, summary, fn, family, scope, fix, collect)
        return fn

    return deco


def fact_key(collect: Callable[..., Any]) -> str:
    """Where a collector's facts are kept on a ``ProjectResult``: rules sharing a collector share one entry."""
    return f"{collect.__module__}.{collect.__qualname__}"


@dataclass
class Workbook:
    """What a workbook rule sees: every table's result and the facts of the other sheets.

    ``projects`` are ``check.ProjectResult``s in sheet order, each with the ``facts`` its
    rules' collectors gathered; ``sheets`` the facts of sheets that are no project table
    but that workbook rules read (a 项目汇总 as ``summary.SummaryTable``, a standards
    sheet as ``standards.Table``).  ``memo`` holds what several rules work out alike.
    """

    projects: list[Any]
    sheets: list[Any] = field(default_factory=list)
    memo: dict[Callable[..., Any], Any] = field(default_factory=dict, repr=False)

    def facts(self, collect: Callable[..., Any]) -> list[tuple[Any, Any]]:
        """(project result, its facts) for every table whose facts ``collect`` gathered."""
        key = fact_key(collect)
        return [(p, p.facts[key]) for p in self.projects if key in p.facts]

    def sheets_of(self, kind: type[T]) -> list[T]:
        return [s for s in self.sheets if isinstance(s, kind)]


def per_workbook(build: Callable[[Workbook], T]) -> Callable[[Workbook], T]:
    """Like ``per_project``: derived data several workbook rules ask for, worked out once per check."""
    return _kept(build)


def all_rules() -> list[Rule]:
    """Every registered rule, sorted by code."""
    _load_families()
    return list(_sorted_rules(len(_REGISTRY)))


@functools.cache
def _load_families() -> None:
    """Import every rule family once (each registers its rules as it is imported)."""
    for fam in FAMILIES:
        try:
            importlib.import_module(f"xladdin.rules.{fam}")
        except ModuleNotFoundError as exc:
            if exc.name != f"xladdin.rules.{fam}":
                raise


@functools.lru_cache(maxsize=4)
def _sorted_rules(registered: int) -> tuple[Rule, ...]:
    """The registry sorted, worked out once per size of it: every part of a parallel check, and
    each of its steps, asks (importing fourteen modules and sorting 76 rules, 1,600 times in a
    1,000-table check).  Rules are only ever added (``rule`` refuses a code twice), so the size
    says when it changed."""
    return tuple(sorted(_REGISTRY.values(), key=lambda r: r.code))


def select_rules(
    rules: list[Rule], select: Iterable[str] | None = None, ignore: Iterable[str] | None = None
) -> list[Rule]:
    """Filter by codes, prefixes (``FUND``) or globs (``VAL00*``), as ruff does."""
    sel = tuple(p.strip().upper() for p in (select or []) if p.strip())
    ign = tuple(p.strip().upper() for p in (ignore or []) if p.strip())
    if not sel and not ign:
        return list(rules)  # the usual check: nothing to match (and no 76 rules to hash for the memo)
    return list(_selected(tuple(rules), sel, ign))


@functools.lru_cache(maxsize=64)
def _selected(rules: tuple[Rule, ...], sel: tuple[str, ...], ign: tuple[str, ...]) -> tuple[Rule, ...]:
    """``select_rules`` worked out once per choice: every part of a parallel check, and each of
    its steps, asks again with the same patterns (a --select of 46 codes matched 76 rules
    fifty thousand times through fnmatch in a 1,000-table check)."""

    def matches(r: Rule, pats: tuple[str, ...]) -> bool:
        return any(_matches(r, p) for p in pats if p)

    out = [r for r in rules if not sel or matches(r, sel) or "ALL" in sel]
    return tuple(r for r in out if not matches(r, ign))


def _matches(r: Rule, pattern: str) -> bool:
    """A code (``VAL004``), a prefix (``VAL``, ``FUND00``), a glob (``VAL00*``) or a name (``money-total``)."""
    return _matches_code(r.code, pattern) or r.name == pattern.lower()


@functools.lru_cache(maxsize=4096)
def _matches_code(code: str, pattern: str) -> bool:
    return code == pattern or code.startswith(pattern) or fnmatch.fnmatch(code, pattern)


def unknown_patterns(patterns: Iterable[str], rules: list[Rule] | None = None) -> list[tuple[str, list[str]]]:
    """The patterns of a --select/--ignore or a settings sheet that name no rule, each with the
    nearest codes and prefixes (``VAL04`` → VAL004).  A typo must not quietly run no rule
    (``--select VAL04`` would check nothing and report “no errors”) or switch nothing off."""
    from xladdin.similarity import closest

    patterns = [p for p in patterns if p.strip() and p.strip().upper() != "ALL"]
    if not patterns:
        return []
    known = rules if rules is not None else all_rules()
    codes = [r.code for r in known] + list(SHEET_NOTES)
    words = sorted(set(codes) | {re.sub(r"\d+$", "", c) for c in codes})
    out = []
    for raw in patterns:
        p = raw.strip().upper()
        if any(_matches(r, p) for r in known) or any(_matches_code(c, p) for c in SHEET_NOTES):
            continue
        out.append((raw.strip(), closest(p, words)))
    return out


def run(project: Project, rules: list[Rule] | None = None, options: dict[str, Any] | None = None) -> list[Finding]:
    """All findings for one project, in a stable order (cell, then rule)."""
    return evaluate(project, rules, options)[0]


def evaluate(
    project: Project, rules: list[Rule] | None = None, options: dict[str, Any] | None = None
) -> tuple[list[Finding], dict[str, Any]]:
    """The project rules' findings (as ``run``) and the facts the workbook rules' collectors gather.

    One ``Context`` for both, so a collector reuses what the rules already worked out
    (parsed values, the cost explanation).
    """
    ctx = Context(project, options)
    findings: list[Finding] = []
    facts: dict[str, Any] = {}
    for r in rules if rules is not None else all_rules():
        if r.scope == "project":
            findings.extend(r.check(ctx, r))
        elif r.collect is not None:
            key = fact_key(r.collect)
            if key not in facts:
                facts[key] = r.collect(ctx)
    return sort_findings(findings), facts


_SEV_ORDER = {"error": 0, "warning": 1, "info": 2}


def sort_findings(findings: list[Finding]) -> list[Finding]:
    from xladdin.model import parse_ref

    def key(f: Finding) -> tuple[Any, ...]:
        try:
            r, c = parse_ref(f.cell)
        except ValueError:
            r, c = 0, 0
        return (r, c, _SEV_ORDER.get(f.severity, 3), f.rule, f.message)

    seen: set[tuple[str, str, str, str]] = set()
    out = []
    for f in sorted(findings, key=key):
        k = (f.rule, f.sheet, f.cell, f.message)
        if k not in seen:
            seen.add(k)
            out.append(f)
    return out
