"""Every writing verb through both shells gives the same workbook.

The file shell runs the command line on a copy of the workbook; the Excel shell runs the
ribbon's entry point on xlwings' remote engine (a real ``xlwings.Book``), and its actions
are carried out as Excel would (``tests/excel_replay.py``).  The two workbooks are then
compared cell by cell: values and formulas, links, fills, notes, merges, the choices of
every drop-down list, the sheets and their order, the charts.  What may differ is listed
in ``EXCLUDED`` and in docs/两种外壳的差异.md, each with its reason.

The Excel side runs as on the desktop: the engine is asked for formulas
(``Range.formula``), which the remote engine cannot answer, so the test gives it the
formulas the file holds — as desktop Excel would.  The engine of xlwings Server/Lite,
which sees values only, is compared in ``test_values_only_engine_differs_only_as_documented``.
"""

from __future__ import annotations

import contextlib
import copy
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import xlwings as xw
from openpyxl import load_workbook

from tests.excel_replay import replay, view
from tests.remote_book import notes_of, payload
from xladdin.commands.cli import main as cli_main
from xladdin.conventions import STATE_SHEET, UNDO_SHEET
from xladdin.excel import addin, bulk
from xladdin.files.sources import read_sheets

ROOT = Path(__file__).resolve().parent.parent

# Sheets whose cells differ by encoding, not by meaning: the journal (the file shell journals a
# link as "link", the Excel shell as the cell's =HYPERLINK value; fills are XML of their own
# shell) and the marks' state (each shell records the previous fill in its own flavour).
# Both are read back by either shell (tested by undo and clear below).
EXCLUDED = frozenset({UNDO_SHEET, STATE_SHEET})


@pytest.fixture(autouse=True)
def _private_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(addin, "LOG_FILE", str(tmp_path / "xladdin.log"))
    # one clock for both shells: the records' time column is the only thing a second apart
    import xladdin.conventions

    monkeypatch.setattr(xladdin.conventions, "now_text", lambda: "2026-12-03 09:00:00")
    monkeypatch.setattr(addin, "now_text", lambda: "2026-12-03 09:00:00")


@pytest.fixture(scope="module")
def fifty(tmp_path_factory: pytest.TempPathFactory) -> Path:
    sys.path.insert(0, str(ROOT / "bench"))
    from generate import generate

    return generate(tmp_path_factory.mktemp("fifty") / "fifty.xlsx", n_projects=50, seed=14)


@contextlib.contextmanager
def desktop(path: Path, colors: bool = False) -> Iterator[None]:
    """The remote engine answering ``Range.formula`` as desktop Excel does, from the file's formulas;
    with ``colors`` also ``Range.color``, from the file with the run's actions so far carried out
    (desktop Excel reads a fill live; xlwings Server/Lite cannot read it at all)."""
    wb = load_workbook(path)
    real_grid, real_colors = bulk.formula_grid, bulk.read_colors

    def formula_grid(sheet: Any, rows: int, cols: int) -> list[list[Any]] | None:
        if sheet.name not in wb.sheetnames:
            return real_grid(sheet, rows, cols)
        ws = wb[sheet.name]
        return [[ws.cell(row=r, column=c).value for c in range(1, cols + 1)] for r in range(1, rows + 1)]

    def read_colors(sheet: Any, refs: Any) -> dict[str, str | None]:
        now = replay(path, sheet.book)
        if sheet.name not in now.sheetnames:
            return {}
        ws = now[sheet.name]
        out: dict[str, str | None] = {}
        for ref in refs:
            f = ws[ref].fill
            out[ref] = "#" + f.fgColor.rgb[-6:].lower() if f.fill_type == "solid" else None
        return out

    bulk.formula_grid = formula_grid  # type: ignore[assignment]
    if colors:
        bulk.read_colors = read_colors  # type: ignore[assignment]
    try:
        yield
    finally:
        bulk.formula_grid, bulk.read_colors = real_grid, real_colors  # type: ignore[assignment]


def excel_run(
    path: Path, entry: Callable[[Any], Any], out: Path, formulas: bool = True, colors: bool = False
) -> tuple[Path, Any]:
    """The entry point on a remote book of ``path``; Excel's result saved to ``out``."""
    book = xw.Book(json=copy.deepcopy(payload(read_sheets(path), path.name, notes_of(path))))
    with desktop(path, colors) if formulas else contextlib.nullcontext():
        message = entry(book)
    assert message is not None, (
        (out.parent / "xladdin.log").read_text() if (out.parent / "xladdin.log").exists() else ""
    )
    wb = replay(path, book)
    wb.save(out)
    return out, message


def files_run(path: Path, argv: list[str], out: Path) -> Path:
    """The command on ``path``, written to ``out`` (``--in-place``: on a copy at ``out``, as a button
    changes the open workbook itself — a marked copy made with -o says it is a copy)."""
    if "--in-place" in argv:
        shutil.copyfile(path, out)
        code = cli_main([argv[0], str(out), *argv[1:]])
    else:
        code = cli_main([argv[0], str(path), *argv[1:], "-o", str(out)])
    assert code in (0, 1), argv
    return out


def same(a: Path, b: Path) -> None:
    va, vb = view(load_workbook(a, rich_text=True), EXCLUDED), view(load_workbook(b, rich_text=True), EXCLUDED)
    assert va["order"] == vb["order"]
    for sheet in va["order"]:
        for part in ("state", "cells", "links", "fills", "notes", "merges", "validations", "charts"):
            assert va[sheet][part] == vb[sheet][part], (sheet, part)


VERBS: list[tuple[str, list[str], Callable[[Any], Any]]] = [
    ("fill", ["fill"], addin.fill),
    ("new_project", ["fill", "--new-project", "新项目"], addin.new_project),
    ("costs", ["costs", "--write"], addin.costs),
    ("rollover", ["rollover", "--to", "2027"], addin.rollover),
    ("format", ["format"], addin.format_sheets),
    ("mark", ["check", "--mark", "--in-place"], addin.check),
    ("fix", ["check", "--fix"], addin.fix),
    ("selfeval", ["selfeval"], addin.selfeval),
]


@pytest.mark.parametrize(("verb", "argv", "entry"), VERBS, ids=[v[0] for v in VERBS])
@pytest.mark.parametrize("book", ["bundled", "fifty"])
def test_every_writing_verb_gives_the_same_workbook_in_both_shells(
    verb: str, argv: list[str], entry: Callable[[Any], Any], book: str, workbook_path: Path, fifty: Path, tmp_path: Path
) -> None:
    source = workbook_path if book == "bundled" else fifty
    by_file = files_run(source, argv, tmp_path / "file.xlsx")
    by_excel, _ = excel_run(source, entry, tmp_path / "excel.xlsx")
    same(by_file, by_excel)


@pytest.mark.parametrize(
    ("verb", "argv", "entry"), [v for v in VERBS if v[0] != "format"], ids=[v[0] for v in VERBS if v[0] != "format"]
)
def test_undo_and_clear_take_each_verb_back_in_both_shells_alike(
    verb: str, argv: list[str], entry: Callable[[Any], Any], workbook_path: Path, tmp_path: Path
) -> None:
    """After the verb, 撤销 (or 清除标记 after 校验) in each shell: the same workbook again, and
    each shell undoes what the other did."""
    by_file = files_run(workbook_path, argv, tmp_path / "file.xlsx")
    by_excel, _ = excel_run(workbook_path, entry, tmp_path / "excel.xlsx")
    back_argv, back_entry = (["clear"], addin.clear) if verb == "mark" else (["undo"], addin.undo)
    file_back = files_run(by_file, back_argv, tmp_path / "file-back.xlsx")
    excel_back, _ = excel_run(by_excel, back_entry, tmp_path / "excel-back.xlsx")
    same(file_back, excel_back)
    # across the shells: the file shell takes back what Excel did, and Excel what the file shell did
    crossed_1 = files_run(by_excel, back_argv, tmp_path / "crossed-1.xlsx")
    crossed_2, _ = excel_run(by_file, back_entry, tmp_path / "crossed-2.xlsx")
    same(crossed_1, file_back)
    same(crossed_2, file_back)
    # and undoing restores the workbook it started from
    if verb != "mark":
        same(file_back, workbook_path)


SEQUENCES: list[tuple[str, list[tuple[list[str], Callable[[Any], Any]]]]] = [
    # the second run appends to the 填充记录 the first one wrote (cells and links journalled one by one)
    ("fix then fill", [(["check", "--fix"], addin.fix), (["fill"], addin.fill)]),
    # the second 新年度 rewrites the 新年度检查 the first one wrote
    (
        "rollover twice",
        [(["rollover", "--to", "2027"], addin.rollover), (["rollover", "--to", "2028"], addin.rollover)],
    ),
    # a marked workbook marked again: the old marks taken off first
    (
        "mark twice",
        [(["check", "--mark", "--in-place"], addin.check), (["check", "--mark", "--in-place"], addin.check)],
    ),
    # costs written twice: the sheet replaced in place
    ("costs twice", [(["costs", "--write"], addin.costs), (["costs", "--write"], addin.costs)]),
]


@pytest.mark.parametrize("steps", [s for _, s in SEQUENCES], ids=[n for n, _ in SEQUENCES])
def test_a_second_run_on_the_tools_own_sheets_gives_the_same_workbook_in_both_shells(
    steps: list[tuple[list[str], Callable[[Any], Any]]], workbook_path: Path, tmp_path: Path
) -> None:
    by_file, by_excel = workbook_path, workbook_path
    for n, (argv, entry) in enumerate(steps):
        by_file = files_run(by_file, argv, tmp_path / f"file-{n}.xlsx")
        by_excel, _ = excel_run(by_excel, entry, tmp_path / f"excel-{n}.xlsx", colors=True)
        same(by_file, by_excel)
    # and the last run is taken back alike in both (a fill the tool painted over its own colour
    # comes back as it was: desktop Excel reads it; xlwings Server/Lite cannot, see the docs)
    back = (
        (["clear"], addin.clear) if steps[-1][0][0] == "check" and "--mark" in steps[-1][0] else (["undo"], addin.undo)
    )
    back_file = files_run(by_file, back[0], tmp_path / "file-back.xlsx")
    same(back_file, excel_run(by_excel, back[1], tmp_path / "x.xlsx", colors=True)[0])
