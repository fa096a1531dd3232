"""Fuzz the checker with mutated copies of the 2026 workbook.

A seeded generator mutates the cells of the bundled workbook — random Unicode, very
long text, numbers as text and text as numbers, deleted labels, shuffled rows, merged
cells added/removed/overlapping, inserted and deleted rows and columns, other cell
types — and runs the check.  Invariants:

* it never crashes (the CLI exits 0 or 1 only; in memory no exception);
* every finding names an existing sheet and a cell matching ``^[A-Z]{1,3}[1-9][0-9]*$``
  inside a sane range of that sheet;
* the same input always gives the same findings (each case is checked twice; every
  fifth file case also in two fresh interpreters with different hash seeds);
* it finishes: a case that takes longer than ``--limit`` seconds (default 60) is a
  failure too (a quadratic regex on a 32,767-character cell is a denial of service).

Most cases run in memory (``SheetData`` → ``check_sheets``); every ``--files-every``-th
case is also written as a real .xlsx with openpyxl and checked through the CLI, so the
readers (calamine, the bounds pre-scan, the streaming reader) are fuzzed too; every
second file case also goes through the writing commands (check --mark, fill, format):
exit 0/1 or a clear one-line refusal, input untouched, output readable.

    python bench/fuzz.py --count 2000 --seed 2026          # the long run
    python bench/fuzz.py --case 2026:1234 --show           # replay one case

Each case is reproducible from (seed, index) alone.  A failing case is written to
``--out`` (default ``/tmp/xladdin-fuzz``) as an .xlsx (when writable) and a .txt with
the mutations and the traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import io
import json
import math
import random
import re
import sys
import time
import traceback
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
WORKBOOK = ROOT / "workbook" / "社保局本级2026绩效目标表.xlsx"
CELL = re.compile(r"^[A-Z]{1,3}[1-9][0-9]*$")

sys.path.insert(0, str(ROOT))

from xladdin.model import Merge, SheetData, parse_ref  # noqa: E402

# --------------------------------------------------------------------------- generators

# Characters that have broken text tools before: CJK and full-width forms, emoji and
# joiners, RTL and bidi controls, combining marks, zero-width and odd spaces, XML-illegal
# controls (memory only), comparator and unit signs the value parser looks for.
POOL = (
    "项目名称绩效指标值数量质量时效成本满意度年月日万元人次个份≥≤＞＜＝%％"
    "０１２３４５６７８９，。；：（）【】“”‘’、—…·"
    "😀👍🏽‍👨‍👩‍👧🇨🇳"
    "שלוםمرحبا\u202e\u202d\u200f\u200e"
    "e\u0301\u0308\u20dd"
    "\u200b\u200c\u200d\ufeff\u3000\u00a0\u2028\u2029 \t\n\r"
    "0123456789.,-+/*=@#$^&_|~<>{}[]\\'\"`"
    "ABCxyzⅠⅡⅢ①②③㎡℃¥€"
)
CONTROL = "".join(chr(c) for c in (0, 1, 7, 8, 11, 12, 27, 0x7F))
VALUE_LIKE = [
    "≥95%",
    "≤5个工作日",
    "100%",
    "2026年12月",
    "2026年12月31日前",
    "＞1000人次",
    "≥",
    "%",
    "=95%",
    "1,200",
    "400万元",
    "１２３",
    "-5",
    "+∞",
    "NaN",
    "1e308",
    "0x1F",
    "≥-0%",
    "≤≤≤",
    "100元/人次",
    "12个月",
    "2025年13月",
    "2026年02月30日",
    "9" * 400,
    "#REF!",
    "#DIV/0!",
    "#N/A",
    "=SUM(C7:C11)",
    "@SUM(A1)",
    "合格",
    "满意",
    "长期",
    "",
    " ",
]


def random_text(rng: random.Random, memory_only: bool) -> str:
    n = rng.choice([1, 2, 3, 5, 8, 20, 60, 200])
    pool = POOL + (CONTROL if memory_only else "")
    if memory_only and rng.random() < 0.05:
        pool += "\ud800"  # a lone surrogate: only possible in memory
    return "".join(rng.choice(pool) for _ in range(n))


def long_text(rng: random.Random, memory_only: bool) -> str:
    unit = rng.choice(["保障系统运行，完成培训100人次，印刷2万份；", "≥95%", "a", "数量指标", random_text(rng, False)])
    size = rng.choice([5_000, 32_000, 100_000, 300_000]) if memory_only else rng.choice([5_000, 32_000])
    text = (unit * (size // max(1, len(unit)) + 1))[:size]
    return text


def random_number(rng: random.Random, memory_only: bool) -> Any:
    choices: list[Any] = [
        0,
        -1,
        1,
        400,
        12.5,
        0.1 + 0.2,
        -0.0,
        1e15,
        1e-9,
        10**20,
        rng.randint(-(10**9), 10**9),
        rng.uniform(-1e6, 1e6),
        2026,
        95,
        0.95,
    ]
    if memory_only:
        # inf and 10**400 are not here: the readers turn them into #NUM! (tests/test_hostile.py)
        choices += [math.nan]
    return rng.choice(choices)


def random_value(rng: random.Random, memory_only: bool) -> Any:
    import datetime as dt

    kind = rng.random()
    if kind < 0.3:
        return random_text(rng, memory_only)
    if kind < 0.55:
        return rng.choice(VALUE_LIKE)
    if kind < 0.75:
        return random_number(rng, memory_only)
    if kind < 0.82:
        return rng.choice([True, False])
    if kind < 0.9:
        return rng.choice([dt.date(2026, 12, 31), dt.datetime(2025, 1, 1, 8, 0), dt.time(9, 30), dt.date(1900, 1, 1)])
    return None


# --------------------------------------------------------------------------- mutations


@dataclasses.dataclass
class Grid:
    """A mutable copy of one sheet."""

    name: str
    rows: list[list[Any]]
    merges: list[Merge]
    hidden: bool

    @classmethod
    def of(cls, s: SheetData) -> Grid:
        return cls(s.name, [list(r) for r in s.rows], list(s.merges), s.hidden)

    def freeze(self) -> SheetData:
        return SheetData(self.name, [list(r) for r in self.rows], tuple(self.merges), self.hidden)

    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def set(self, r: int, c: int, v: Any) -> None:
        while len(self.rows) < r:
            self.rows.append([])
        row = self.rows[r - 1]
        if len(row) < c:
            row.extend([None] * (c - len(row)))
        row[c - 1] = v

    def cells(self) -> list[tuple[int, int, Any]]:
        return [(r, c, v) for r, row in enumerate(self.rows, 1) for c, v in enumerate(row, 1)]


def _pick_cell(g: Grid, rng: random.Random, filled: bool = True) -> tuple[int, int]:
    cells = [(r, c) for r, c, v in g.cells() if (v is not None) == filled] if filled else []
    if cells and rng.random() < 0.85:
        return rng.choice(cells)
    return rng.randint(1, max(1, len(g.rows)) + 3), rng.randint(1, max(1, g.width()) + 2)


def m_unicode(g: Grid, rng: random.Random, mem: bool) -> str:
    r, c = _pick_cell(g, rng)
    g.set(r, c, random_text(rng, mem))
    return f"unicode {r},{c}"


def m_long(g: Grid, rng: random.Random, mem: bool) -> str:
    r, c = _pick_cell(g, rng)
    g.set(r, c, long_text(rng, mem))
    return f"long {r},{c}"


def m_value(g: Grid, rng: random.Random, mem: bool) -> str:
    r, c = _pick_cell(g, rng)
    v = random_value(rng, mem)
    g.set(r, c, v)
    return f"value {r},{c}={str(v)[:20]!r}"


def m_number_as_text(g: Grid, rng: random.Random, mem: bool) -> str:
    nums = [(r, c, v) for r, c, v in g.cells() if isinstance(v, int | float) and not isinstance(v, bool)]
    if not nums:
        return m_value(g, rng, mem)
    r, c, v = rng.choice(nums)
    text = rng.choice(
        [
            str(v),
            f"{v:.2f}",
            f" {v} ",
            f"{v}万元",
            f"{v:,}",
            str(v).translate(str.maketrans("0123456789.", "０１２３４５６７８９．")),
        ]
    )
    g.set(r, c, text)
    return f"num→text {r},{c}"


def m_text_as_number(g: Grid, rng: random.Random, mem: bool) -> str:
    texts = [(r, c) for r, c, v in g.cells() if isinstance(v, str)]
    if not texts:
        return m_value(g, rng, mem)
    r, c = rng.choice(texts)
    g.set(r, c, random_number(rng, mem))
    return f"text→num {r},{c}"


def m_delete_label(g: Grid, rng: random.Random, mem: bool) -> str:
    from xladdin.layout import header_key, label_key

    labels = [(r, c) for r, c, v in g.cells() if label_key(v) or header_key(v)]
    if not labels:
        return m_value(g, rng, mem)
    r, c = rng.choice(labels)
    g.set(r, c, rng.choice([None, "", " ", random_text(rng, mem)]))
    return f"delete label {r},{c}"


def m_retype_label(g: Grid, rng: random.Random, mem: bool) -> str:
    """Labels as real files have them: spaces inside, full-width brackets, 其中 prefixes."""
    from xladdin.layout import header_key, label_key

    labels = [(r, c, v) for r, c, v in g.cells() if label_key(v) or header_key(v)]
    if not labels:
        return m_value(g, rng, mem)
    r, c, v = rng.choice(labels)
    text = str(v)
    g.set(
        r,
        c,
        rng.choice(
            [" ".join(text), "其中：" + text, text + "：", text.replace("（", "(").replace("）", ")"), f"\n{text}\n"]
        ),
    )
    return f"retype label {r},{c}"


def m_shuffle_rows(g: Grid, rng: random.Random, mem: bool) -> str:
    if len(g.rows) < 2:
        return m_value(g, rng, mem)
    a = rng.randint(0, len(g.rows) - 2)
    b = rng.randint(a + 1, min(len(g.rows), a + rng.choice([2, 5, 20, 100])))
    block = g.rows[a:b]
    rng.shuffle(block)
    g.rows[a:b] = block
    return f"shuffle rows {a + 1}-{b}"


def m_swap_rows(g: Grid, rng: random.Random, mem: bool) -> str:
    if len(g.rows) < 2:
        return m_value(g, rng, mem)
    i, j = rng.sample(range(len(g.rows)), 2)
    g.rows[i], g.rows[j] = g.rows[j], g.rows[i]
    return f"swap rows {i + 1},{j + 1}"


def m_insert_rows(g: Grid, rng: random.Random, mem: bool) -> str:
    at = rng.randint(0, len(g.rows))
    n = rng.choice([1, 2, 5, 50])
    g.rows[at:at] = [[] if rng.random() < 0.7 else [random_value(rng, mem)] for _ in range(n)]
    g.merges = [_shift(m, at + 1, n, 0, 0) for m in g.merges]
    return f"insert {n} rows at {at + 1}"


def m_delete_rows(g: Grid, rng: random.Random, mem: bool) -> str:
    if not g.rows:
        return m_value(g, rng, mem)
    at = rng.randint(0, len(g.rows) - 1)
    n = rng.choice([1, 2, 5])
    del g.rows[at : at + n]
    return f"delete rows {at + 1}+{n} (merges left as they were)"


def m_insert_column(g: Grid, rng: random.Random, mem: bool) -> str:
    at = rng.randint(0, max(0, g.width()))
    for row in g.rows:
        if len(row) >= at:
            row.insert(at, None)
    g.merges = [_shift(m, 0, 0, at + 1, 1) for m in g.merges]
    return f"insert column at {at + 1}"


def m_delete_column(g: Grid, rng: random.Random, mem: bool) -> str:
    if g.width() == 0:
        return m_value(g, rng, mem)
    at = rng.randint(0, g.width() - 1)
    for row in g.rows:
        if len(row) > at:
            del row[at]
    return f"delete column {at + 1}"


def m_truncate(g: Grid, rng: random.Random, mem: bool) -> str:
    n = rng.randint(0, len(g.rows))
    del g.rows[n:]
    return f"truncate after row {n}"


def m_jagged(g: Grid, rng: random.Random, mem: bool) -> str:
    for row in g.rows:
        if rng.random() < 0.3 and row:
            del row[rng.randint(0, len(row) - 1) :]
    return "jagged rows"


def m_merge_add(g: Grid, rng: random.Random, mem: bool) -> str:
    r = rng.randint(1, max(1, len(g.rows)) + 2)
    c = rng.randint(1, max(1, g.width()) + 2)
    h = rng.choice([0, 0, 1, 2, 5, 40, 3000])
    w = rng.choice([0, 0, 1, 2, 5, 300])
    g.merges.append(Merge(r, c, r + h, c + w))
    return f"merge {Merge(r, c, r + h, c + w).ref}"


def m_merge_remove(g: Grid, rng: random.Random, mem: bool) -> str:
    if not g.merges:
        return m_merge_add(g, rng, mem)
    m = g.merges.pop(rng.randrange(len(g.merges)))
    return f"unmerge {m.ref}"


def m_merge_shift(g: Grid, rng: random.Random, mem: bool) -> str:
    if not g.merges:
        return m_merge_add(g, rng, mem)
    i = rng.randrange(len(g.merges))
    m = g.merges[i]
    dr, dc = rng.choice([-1, 0, 1, 3]), rng.choice([-1, 0, 1])
    g.merges[i] = Merge(max(1, m.min_row + dr), max(1, m.min_col + dc), max(1, m.max_row + dr), max(1, m.max_col + dc))
    return f"shift merge {m.ref}→{g.merges[i].ref}"


def m_merge_value_in_hidden_cell(g: Grid, rng: random.Random, mem: bool) -> str:
    """A value under a merge's non-anchor cell (what copy-paste into merged blocks leaves)."""
    multi = [m for m in g.merges if (m.min_row, m.min_col) != (m.max_row, m.max_col)]
    if not multi:
        return m_merge_add(g, rng, mem)
    m = rng.choice(multi)
    r, c = rng.randint(m.min_row, m.max_row), rng.randint(m.min_col, m.max_col)
    g.set(r, c, random_value(rng, mem))
    return f"value inside merge {m.ref} at {r},{c}"


def m_blank_sheet(g: Grid, rng: random.Random, mem: bool) -> str:
    g.rows = [] if rng.random() < 0.5 else [[None] * rng.randint(0, 8) for _ in range(rng.randint(1, 50))]
    g.merges = [] if rng.random() < 0.5 else g.merges
    return "blank sheet"


def _shift(m: Merge, at_row: int, nrows: int, at_col: int, ncols: int) -> Merge:
    def move(v: int, at: int, n: int) -> int:
        return v + n if at and v >= at else v

    return Merge(
        move(m.min_row, at_row, nrows),
        move(m.min_col, at_col, ncols),
        move(m.max_row, at_row, nrows),
        move(m.max_col, at_col, ncols),
    )


MUTATIONS = [
    (m_unicode, 10),
    (m_long, 3),
    (m_value, 12),
    (m_number_as_text, 6),
    (m_text_as_number, 6),
    (m_delete_label, 6),
    (m_retype_label, 4),
    (m_shuffle_rows, 4),
    (m_swap_rows, 3),
    (m_insert_rows, 3),
    (m_delete_rows, 3),
    (m_insert_column, 2),
    (m_delete_column, 2),
    (m_truncate, 1),
    (m_jagged, 1),
    (m_merge_add, 4),
    (m_merge_remove, 3),
    (m_merge_shift, 3),
    (m_merge_value_in_hidden_cell, 2),
    (m_blank_sheet, 1),
]


def mutate(base: list[SheetData], rng: random.Random, memory_only: bool) -> tuple[list[SheetData], list[str]]:
    """A mutated copy of ``base`` and the list of what was done (for replay reports)."""
    grids = [Grid.of(s) for s in base]
    log: list[str] = []
    funcs = [f for f, _ in MUTATIONS]
    weights = [w for _, w in MUTATIONS]
    for _ in range(rng.choice([1, 2, 3, 5, 8, 15])):
        g = rng.choice(grids[1:] or grids)  # mostly the project sheets
        f = rng.choices(funcs, weights)[0]
        log.append(f"{g.name}: {f(g, rng, memory_only)}")
    if rng.random() < 0.05:
        g = rng.choice(grids)
        old = g.name
        g.name = rng.choice(["校验结果", "Sheet1", "项目 (2)", old + "'", "表" * 31])
        if sum(1 for x in grids if x.name == g.name) > 1:
            g.name = old
        log.append(f"rename {old!r} → {g.name!r}")
    return [g.freeze() for g in grids], log


# --------------------------------------------------------------------------- invariants


def finding_problems(findings: list[dict[str, Any]], sheets: list[SheetData]) -> list[str]:
    """Every finding names an existing sheet and a well-formed cell within a sane range."""
    by_name = {s.name: s for s in sheets}
    out = []
    for f in findings:
        sheet = by_name.get(f["sheet"])
        if sheet is None:
            out.append(f"{f['rule']}: sheet {f['sheet']!r} does not exist")
            continue
        cell = f["cell"]
        if not isinstance(cell, str) or not CELL.match(cell):
            out.append(f"{f['rule']}: cell {cell!r} is not a cell reference")
            continue
        row, col = parse_ref(cell)
        # a finding may point at the empty cell where a missing value belongs (the
        # canonical 6-column form, or right of a merged label): allow those and a
        # margin around the used area, nothing absurd
        merged = [m for m in sheet.merges if (m.max_row - m.min_row + 1) * (m.max_col - m.min_col + 1) <= 5000]
        last_row = max([sheet.max_row, 60, *(m.max_row for m in merged)])
        last_col = max([sheet.max_col, 6, *(m.max_col for m in merged)])
        if row > last_row + 100 or col > last_col + 26:
            out.append(f"{f['rule']}: cell {cell} lies far outside {f['sheet']!r} ({sheet.max_row}×{sheet.max_col})")
        if f["severity"] not in ("error", "warning", "info"):
            out.append(f"{f['rule']}: severity {f['severity']!r}")
        if not isinstance(f["message"], str) or not f["message"].strip():
            out.append(f"{f['rule']}: empty message")
    return out


def check_memory(sheets: list[SheetData]) -> tuple[list[dict[str, Any]], int]:
    from xladdin.check import check_sheets

    result = check_sheets("fuzz.xlsx", sheets)
    return [f.as_dict() for f in result.findings], result.exit_code


# --------------------------------------------------------------------------- files


_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")


def write_xlsx(sheets: list[SheetData], path: Path) -> None:
    """The mutated grid as a real workbook: values and merges, as a user's file would hold them."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for s in sheets:
        ws = wb.create_sheet(s.name)
        for r, row in enumerate(s.rows, 1):
            for c, v in enumerate(row, 1):
                if v is None:
                    continue
                if isinstance(v, str):
                    v = _ILLEGAL.sub("", v)[:32_767]
                    cell = ws.cell(r, c)
                    cell.value = v
                    if v[:1] == "=" and not v.startswith("=SUM("):
                        cell.data_type = "s"
                    continue
                if (isinstance(v, float) and not math.isfinite(v)) or (isinstance(v, int) and abs(v) > 10**15):
                    continue
                ws.cell(r, c).value = v
        seen: set[tuple[int, int]] = set()
        for m in s.merges:
            cells = {(r, c) for r in range(m.min_row, m.max_row + 1) for c in range(m.min_col, m.max_col + 1)}
            if len(cells) > 5000 or cells & seen or len(cells) == 1:
                continue  # Excel cannot store overlapping merges; huge ones are kept in memory cases
            seen |= cells
            ws.merge_cells(start_row=m.min_row, start_column=m.min_col, end_row=m.max_row, end_column=m.max_col)
        if s.hidden:
            ws.sheet_state = "hidden"
    wb.save(path)


files_every_hint = 10  # set by run(); every 5th file case is also checked across processes


def _across_processes(path: Path) -> list[str]:
    """Same findings in two fresh interpreters with different string-hash seeds (set order!)."""
    import os
    import subprocess

    outs = []
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONIOENCODING": "utf-8"}
        r = subprocess.run(
            [sys.executable, "-m", "xladdin.commands.cli", "check", str(path), "--format", "json"],
            capture_output=True,
            text=True,
            env=env,
            timeout=CASE_SECONDS,
        )
        outs.append((r.returncode, r.stdout))
    return [] if outs[0] == outs[1] else ["same file, different findings in two processes (PYTHONHASHSEED 1 vs 2)"]


def check_file(path: Path) -> tuple[int, list[dict[str, Any]], str]:
    """Run the CLI as a user would; (exit code, findings, stderr)."""
    from xladdin.commands.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["check", str(path), "--format", "json"])
    findings: list[dict[str, Any]] = []
    if code in (0, 1):
        data = json.loads(out.getvalue())
        findings = [f for p in data["projects"] for f in p["findings"]] + list(data.get("skipped", []))
    return code, findings, err.getvalue()


WRITERS = {
    "mark": ["check", "{src}", "--mark", "-o", "{out}"],
    "fill": ["fill", "{src}", "-o", "{out}"],
    "format": ["format", "{src}", "-o", "{out}"],
}


def write_problems(path: Path, workdir: Path) -> list[str]:
    """The writing commands on a mutated file: exit 0/1 (or 2 with a one-line message),
    the input untouched, and an output the checker can read back."""
    import importlib.util

    from xladdin.commands.cli import main
    from xladdin.files.sources import read_sheets

    problems = []
    before = path.read_bytes()
    for name, args in WRITERS.items():
        if importlib.util.find_spec(f"xladdin.commands.{args[0]}") is None:
            continue
        out = workdir / f"{path.stem}.{name}.xlsx"
        err = io.StringIO()
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
            code = main([a.format(src=path, out=out) for a in args])
        text = err.getvalue().strip()
        if code == 2 and text.startswith("xladdin：") and len(text.splitlines()) == 1 and "内部错误" not in text:
            continue  # a clear refusal is an acceptable answer to a strange workbook
        if code not in (0, 1):
            problems.append(f"{name}: exit {code}: {text[:400]}")
            continue
        try:
            read_sheets(out)
        except Exception as exc:
            problems.append(f"{name}: output cannot be read back: {type(exc).__name__}: {exc}"[:400])
        out.unlink(missing_ok=True)
    if path.read_bytes() != before:
        problems.append("a writing command changed its input")
    return problems


# --------------------------------------------------------------------------- driver


@dataclasses.dataclass
class Outcome:
    index: int
    file: bool
    problems: list[str]
    log: list[str]
    findings: int = 0


_BASE: list[SheetData] | None = None


def base_sheets() -> list[SheetData]:
    global _BASE
    if _BASE is None:
        from xladdin.files.sources import read_sheets

        _BASE = read_sheets(WORKBOOK)
    return _BASE


class Hang(BaseException):
    """A case ran longer than the per-case limit: as much a failure as a crash.

    A BaseException, so that no `except Exception` in the code under test can swallow it.
    """


@contextlib.contextmanager
def time_limit(seconds: float) -> Any:
    """Raise Hang after ``seconds`` (POSIX main thread; elsewhere no limit)."""
    import signal

    if seconds <= 0 or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(*_: Any) -> None:
        raise Hang(f"no result after {seconds:.0f} s")

    old = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


CASE_SECONDS = 60.0


def run_case(seed: int, index: int, as_file: bool, workdir: Path, limit: float | None = None) -> Outcome:
    """One mutated workbook through the invariants; never raises (problems are returned)."""
    try:
        with time_limit(CASE_SECONDS if limit is None else limit):
            return _run_case(seed, index, as_file, workdir)
    except Hang as exc:
        rng = random.Random(f"{seed}:{index}")
        _, log = mutate(base_sheets(), rng, memory_only=not as_file)
        return Outcome(index, as_file, [f"hang: {exc}\n" + traceback.format_exc()], log)


def _run_case(seed: int, index: int, as_file: bool, workdir: Path) -> Outcome:
    rng = random.Random(f"{seed}:{index}")
    sheets, log = mutate(base_sheets(), rng, memory_only=not as_file)
    problems: list[str] = []
    n = 0
    try:
        first, code = check_memory(sheets)
        second, _ = check_memory([dataclasses.replace(s, rows=[list(r) for r in s.rows]) for s in sheets])
        n = len(first)
        if code not in (0, 1):
            problems.append(f"exit code {code}")
        if first != second:
            problems.append("same input, different findings (memory)")
        problems += finding_problems(first, sheets)
    except Hang:
        raise
    except Exception:
        problems.append("crash (memory):\n" + traceback.format_exc())
    if as_file:
        path = workdir / f"case-{seed}-{index}.xlsx"
        try:
            write_xlsx(sheets, path)
        except Hang:
            raise
        except Exception:
            problems.append("could not write the mutated workbook (generator bug):\n" + traceback.format_exc())
            return Outcome(index, as_file, problems, log, n)
        try:
            code, found, err = check_file(path)
            if code not in (0, 1):
                problems.append(f"CLI exit {code}: {err.strip()[:500]}")
            else:
                from xladdin.files.sources import read_sheets

                problems += finding_problems(found, read_sheets(path))
                code2, found2, _ = check_file(path)
                if (code2, found2) != (code, found):
                    problems.append("same file, different findings (CLI)")
                if index % (5 * max(1, files_every_hint)) == 0:
                    problems += _across_processes(path)
                if index % (2 * max(1, files_every_hint)) == 0:
                    problems += write_problems(path, workdir)
        except Hang:
            raise
        except Exception:
            problems.append("crash (file):\n" + traceback.format_exc())
        if not problems:
            path.unlink(missing_ok=True)
    return Outcome(index, as_file, problems, log, n)


def run(
    count: int, seed: int, files_every: int, out: Path, quiet: bool = False, limit: float | None = None
) -> dict[str, Any]:
    global files_every_hint
    files_every_hint = files_every
    out.mkdir(parents=True, exist_ok=True)
    start = time.time()
    failures: list[Outcome] = []
    files = findings = 0
    for i in range(count):
        as_file = files_every > 0 and i % files_every == 0
        files += as_file
        o = run_case(seed, i, as_file, out, limit)
        findings += o.findings
        if o.problems:
            failures.append(o)
            report = out / f"case-{seed}-{i}.txt"
            report.write_text("\n".join(o.log) + "\n\n" + "\n\n".join(o.problems), encoding="utf-8")
            if not quiet:
                print(f"FAIL case {seed}:{i} → {report}", file=sys.stderr)
        if not quiet and (i + 1) % 100 == 0:
            print(f"{i + 1}/{count}  failures {len(failures)}  {time.time() - start:.0f}s", file=sys.stderr)
    return {
        "workbooks": count,
        "as_files": files,
        "in_memory_only": count - files,
        "findings": findings,
        "failures": [f"{seed}:{o.index}" for o in failures],
        "seconds": round(time.time() - start, 1),
        "seed": seed,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Fuzz xladdin check with mutated 2026 workbooks.")
    ap.add_argument("--count", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--files-every", type=int, default=10, help="every N-th case also as a real .xlsx through the CLI")
    ap.add_argument("--out", type=Path, default=Path("/tmp/xladdin-fuzz"))
    ap.add_argument("--limit", type=float, default=CASE_SECONDS, help="seconds one case may take (a hang is a failure)")
    ap.add_argument("--case", help="replay one case, SEED:INDEX")
    ap.add_argument("--file", action="store_true", help="with --case: also as a file")
    ap.add_argument("--show", action="store_true", help="with --case: print the mutations")
    args = ap.parse_args(argv)
    if args.case:
        seed, index = (int(x) for x in args.case.split(":"))
        args.out.mkdir(parents=True, exist_ok=True)
        o = run_case(seed, index, args.file, args.out, args.limit)
        if args.show:
            print("\n".join(o.log))
        print("\n\n".join(o.problems) or "ok")
        return 1 if o.problems else 0
    summary = run(args.count, args.seed, args.files_every, args.out, limit=args.limit)
    print(json.dumps(summary, ensure_ascii=False))
    return 1 if summary["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
