"""Summary rules: a 项目汇总 sheet must say what the project tables say.

A reviewer reads the summary first and the tables after; a summary line that no
longer matches its table (an amount typed over, a table deleted, a new table never
added) sends the wrong figure up.  Each line is paired with its table — by the sheet
its formulas point at, else by 项目名称, else by a name close enough to be the same
project misspelt — and its name and amounts compared.

What is compared is only what the file lets us see.  A number typed in the summary is
compared with the table's; a formula, where the shell reads formulas, must point at
the table's own cell; a formula whose value was never cached (a workbook last saved by
a program that does not calculate, such as the one that built the bundled workbook)
reads as an empty cell and is never judged: an empty cell is not a wrong amount.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from xladdin.conventions import quote_sheet
from xladdin.framework import squash
from xladdin.model import MONEY_LABELS, Finding, column_letter, display_text, parse_ref
from xladdin.rules import Context, Rule, Workbook, per_workbook, rule
from xladdin.rules.wording import short, wan
from xladdin.similarity import text_similarity
from xladdin.summary import SUM_FORMULA, SummaryRow, SummaryTable, formula_refs, reference_of

SAME_PROJECT = 0.6  # name likeness above which a line is taken to be a table's, misspelt
_TOLERANCE = 1e-6  # 万元: the amounts are typed to 0.01; anything beyond is float noise


_KEYS = tuple(MONEY_LABELS)


class TableFacts(NamedTuple):
    """What the summary rules need of a table: its name and money cells.

    A NamedTuple: built for every table of every check and sent back by every worker of
    a parallel one, where it pickles in a fraction of a dataclass's time.
    """

    name: str
    name_cell: str
    numbers: tuple[float | None, ...]  # 万元, in ``MONEY_LABELS`` order
    cells: tuple[str, ...]

    def amount(self, key: str) -> tuple[float | None, str]:
        i = _KEYS.index(key)
        return self.numbers[i], self.cells[i]


def table_facts(ctx: Context) -> TableFacts:
    p = ctx.project
    amounts = [getattr(p.money, key) for key in _KEYS]
    return TableFacts(p.name.text, p.name.cell, tuple(a.number for a in amounts), tuple(a.cell for a in amounts))


@dataclass
class Pairing:
    """How the lines of one summary sheet and the tables meet."""

    summary: SummaryTable
    matched: list[tuple[SummaryRow, Any, TableFacts]] = field(default_factory=list)  # line, result, facts
    renamed: list[tuple[SummaryRow, Any, TableFacts]] = field(default_factory=list)  # paired by a similar name
    orphans: list[tuple[SummaryRow, str]] = field(default_factory=list)  # line, the sheet it points at ("" none)
    missing: list[tuple[Any, TableFacts]] = field(default_factory=list)
    unknown: list[SummaryRow] = field(default_factory=list)  # lines that cannot be told (no name, nothing cached)


@per_workbook
def pairings(wb: Workbook) -> list[Pairing]:
    """Each summary sheet paired with the tables; a sheet none of whose lines names a table
    exactly (or points at one) is left out: it lists something else (last year's projects,
    sub-items), not these tables."""
    tables = wb.facts(table_facts)
    if not tables:
        return []
    out = []
    for s in wb.sheets_of(SummaryTable):
        pairing = _pair(s, tables)
        if pairing.matched:
            out.append(pairing)
    return out


def _target(line: SummaryRow) -> str | None:
    """The sheet a line's formulas point at, where the shell gave formulas."""
    for value in (line.name, *(v for _, _, v in line.amounts)):
        refs = formula_refs(value)
        if refs:
            return refs[0][0]
    return None


def _pair(summary: SummaryTable, tables: list[tuple[Any, TableFacts]]) -> Pairing:
    out = Pairing(summary)
    by_sheet = {p.sheet: (p, f) for p, f in tables}
    free = dict.fromkeys(p.sheet for p, _ in tables)  # tables not yet given a line, in sheet order
    by_name: dict[str, list[str]] = {}
    for p, f in tables:
        by_name.setdefault(squash(f.name), []).append(p.sheet)
    pending: list[SummaryRow] = []
    for line in summary.rows:
        target = _target(line)
        if target is not None:
            if target in by_sheet:
                free.pop(target, None)
                p, f = by_sheet[target]
                out.matched.append((line, p, f))
            else:
                out.orphans.append((line, target))
            continue
        key = squash(line.name_text)
        if not key:  # no name to go by (a name formula never cached, or none typed): whose line is it?
            out.unknown.append(line)
            continue
        sheet = next((s for s in by_name.get(key, []) if s in free), None)
        if sheet is not None:
            del free[sheet]
            p, f = by_sheet[sheet]
            out.matched.append((line, p, f))
        else:
            pending.append(line)
    # names that differ: the closest free table, when it is close enough to be the same project
    scored = sorted(
        (-text_similarity(line.name_text, by_sheet[s][1].name), i, s)
        for i, line, s in _candidates(summary, pending, free, tables)
    )
    taken: set[int] = set()
    for neg, i, s in scored:
        if -neg < SAME_PROJECT or i in taken or s not in free:
            continue
        taken.add(i)
        del free[s]
        p, f = by_sheet[s]
        out.renamed.append((pending[i], p, f))
    out.orphans += [(line, "") for i, line in enumerate(pending) if i not in taken]
    out.missing = [by_sheet[s] for s in free]
    return out


_ALL_PAIRS = 400  # up to this many (line, table) pairs every pair is compared
_WINDOW = 5  # beyond, a line only with the tables near its place: a summary lists them in sheet order


def _candidates(
    summary: SummaryTable, pending: list[SummaryRow], free: dict[str, None], tables: list[tuple[Any, TableFacts]]
) -> Iterator[tuple[int, SummaryRow, str]]:
    """(index in ``pending``, line, sheet) pairs worth comparing by name.

    Every pair when there are few; in a summary of hundreds of tables whose names do not
    match, each line only with the free tables within a few places of its own (a misspelt
    name keeps its place in the list), so the comparison stays linear in the lines.
    """
    if len(pending) * len(free) <= _ALL_PAIRS:
        yield from ((i, line, s) for i, line in enumerate(pending) for s in free)
        return
    place = {p.sheet: k for k, (p, _) in enumerate(tables)}
    order = sorted(free, key=place.__getitem__)
    places = [place[s] for s in order]
    position = {line.row: k for k, line in enumerate(summary.rows)}
    for i, line in enumerate(pending):
        k = position[line.row]
        lo, hi = bisect_left(places, k - _WINDOW), bisect_right(places, k + _WINDOW)
        yield from ((i, line, s) for s in order[lo:hi])


def _where(p: Any, cell: str) -> str:
    return f"“{p.sheet}”表（{cell}）"


def _number(value: Any) -> float | None:
    """A typed (or cached) amount; None for an empty cell, a formula or words."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str) and not value.startswith("="):
        try:
            return float(value.replace(",", "").strip())
        except ValueError:
            return None
    return None


@rule(
    "SUM001",
    "summary-amount",
    "error",
    "项目汇总中每行的金额应与对应项目表一致（公式应指向该表的金额单元格）",
    scope="workbook",
    collect=table_facts,
)
def summary_amount(wb: Workbook, r: Rule) -> Iterator[Finding]:
    for pairing in pairings(wb):
        s = pairing.summary
        for line, p, f in pairing.matched + pairing.renamed:
            for key, cell, value in line.amounts:
                number, table_cell = f.amount(key)
                label = s.label(key)
                ref = reference_of(value)
                if ref is not None:
                    if ref != (p.sheet, table_cell):
                        yield _finding(
                            r,
                            s,
                            cell,
                            f"{s.sheet} {cell} 的{label}公式“{value}”指向“{ref[0]}”表的 {ref[1]}，"
                            f"应指向{_where(p, table_cell)}（项目“{short(f.name)}”的{MONEY_LABELS[key]}）。",
                            expected=f"='{p.sheet}'!{table_cell}",
                            actual=value,
                        )
                    continue
                typed = _number(value)
                if typed is None or number is None or abs(typed - number) <= _TOLERANCE:
                    continue  # nothing to compare (empty, an uncached or other formula, words)
                yield _finding(
                    r,
                    s,
                    cell,
                    f"{s.sheet} {cell} 写的{label}是{wan(typed)}万元，而{_where(p, table_cell)}"
                    f"项目“{short(f.name)}”的{MONEY_LABELS[key]}是{wan(number)}万元，两处应一致。"
                    f"建议用公式直接引用项目表（={quote_sheet(p.sheet)}!{table_cell}）。",
                    expected=wan(number),
                    actual=wan(typed),
                )


@rule(
    "SUM002",
    "summary-name",
    "error",
    "项目汇总中每行的项目名称应与对应项目表的项目名称一致",
    scope="workbook",
    collect=table_facts,
)
def summary_name(wb: Workbook, r: Rule) -> Iterator[Finding]:
    for pairing in pairings(wb):
        s = pairing.summary
        for line, p, f in pairing.matched + pairing.renamed:
            if not line.name_text or squash(line.name_text) == squash(f.name):
                continue
            yield _finding(
                r,
                s,
                line.name_cell,
                f"{s.sheet} {line.name_cell} 写的项目名称是“{line.name_text}”，"
                f"{_where(p, f.name_cell)}的项目名称是“{f.name}”，两处应一致。",
                expected=f.name,
                actual=line.name_text,
            )


@rule("SUM003", "summary-missing", "error", "每张项目表都应在项目汇总中有一行", scope="workbook", collect=table_facts)
def summary_missing(wb: Workbook, r: Rule) -> Iterator[Finding]:
    for pairing in pairings(wb):
        s = pairing.summary
        if pairing.unknown:
            continue  # a line that cannot be told may be the table's: saying it is missing could be wrong
        for p, f in pairing.missing:
            total = f.amount("total")
            yield _finding(
                r,
                s,
                s.after_last,
                f"项目“{short(f.name)}”（{_where(p, f.name_cell)}，项目总额{_amount(total[0])}）在{s.sheet}中没有对应的一行，"
                f"汇总表漏了这个项目。请在{s.sheet}中加上一行（名称和金额引用该表）。",
                expected=f.name,
                actual="（缺少）",
            )


@rule(
    "SUM004", "summary-orphan", "error", "项目汇总中的每一行都应有对应的项目表", scope="workbook", collect=table_facts
)
def summary_orphan(wb: Workbook, r: Rule) -> Iterator[Finding]:
    for pairing in pairings(wb):
        s = pairing.summary
        for line, target in pairing.orphans:
            what = f"“{line.name_text}”" if line.name_text else f"第{line.row}行"
            why = f"它的公式指向的工作表“{target}”不在本工作簿中" if target else "本工作簿中没有这个项目名称的项目表"
            yield _finding(
                r,
                s,
                line.name_cell,
                f"{s.sheet}中的项目{what}（{line.name_cell}）找不到对应的项目表：{why}。"
                "是项目表被删除或改名了，还是汇总表多了一行？请核对。",
                expected="对应的项目表",
                actual=line.name_text or target,
            )


@rule("SUM005", "summary-total", "error", "项目汇总的合计应等于各行之和", scope="workbook", collect=table_facts)
def summary_total(wb: Workbook, r: Rule) -> Iterator[Finding]:
    for pairing in pairings(wb):
        s = pairing.summary
        if s.total is None or not s.rows:
            continue
        first, last = s.rows[0].row, s.rows[-1].row
        tables_of = {line.row: f for line, _, f in pairing.matched + pairing.renamed}
        for i, (key, cell, value) in enumerate(s.total.amounts):
            label = s.label(key)
            if isinstance(value, str) and value.startswith("="):
                yield from _sum_formula(r, s, cell, value, label, first, last)
                continue
            typed = _number(value)
            parts = [_number(line.amounts[i][2]) for line in s.rows]
            if typed is None or any(x is None for x in parts):
                continue  # a line whose value cannot be read: the sum cannot be judged
            total = sum(x for x in parts if x is not None)
            if abs(total - typed) <= _TOLERANCE * len(parts):
                continue
            tables = [tables_of[line.row].amount(key)[0] if line.row in tables_of else None for line in s.rows]
            if all(t is not None for t in tables) and abs(sum(t for t in tables if t is not None) - typed) <= (
                _TOLERANCE * len(parts)
            ):
                continue  # the 合计 is the tables' sum: the wrong line is SUM001's finding, not the 合计
            yield _finding(
                r,
                s,
                cell,
                f"{s.sheet} {cell} 的{label}合计是{wan(typed)}万元，而第{first}–{last}行之和是{wan(total)}万元"
                f"（相差{wan(abs(total - typed))}万元）。合计应等于各行之和。",
                expected=wan(total),
                actual=wan(typed),
            )


def _sum_formula(
    r: Rule, s: SummaryTable, cell: str, formula: str, label: str, first: int, last: int
) -> Iterator[Finding]:
    """A 合计 formula =SUM(C3:C8) must take in every line; any other formula is not judged."""
    m = SUM_FORMULA.match(formula)
    if m is None:
        return
    col = parse_ref(cell)[1]
    a, lo, b, hi = m.group(1).upper(), int(m.group(2)), m.group(3).upper(), int(m.group(4))
    if a != b or a != column_letter(col) or (lo <= first and hi >= last):
        return
    left = [n for n in range(first, last + 1) if not lo <= n <= hi]
    rows = "、".join(f"第{n}行" for n in left[:6]) + ("等" if len(left) > 6 else "")
    yield _finding(
        r,
        s,
        cell,
        f"{s.sheet} {cell} 的{label}合计公式“{formula}”只加了第{lo}–{hi}行，漏了{rows}。应为“=SUM({a}{first}:{a}{last})”。",
        expected=f"=SUM({a}{first}:{a}{last})",
        actual=formula,
    )


def _amount(x: float | None) -> str:
    return "未填" if x is None else f"{wan(x)}万元"


def _finding(r: Rule, s: SummaryTable, cell: str, message: str, expected: Any, actual: Any) -> Finding:
    return Finding(
        rule=r.code,
        severity=r.severity,
        sheet=s.sheet,
        cell=cell,
        message=message,
        expected=None if expected is None else display_text(expected),
        actual=None if actual is None else display_text(actual),
    )
