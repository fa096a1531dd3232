"""The faster ways of writing a workbook (``files.looks.merge_all``, ``files.saving.save_workbook``)
write the same file as openpyxl's own ``merge_cells`` and ``Workbook.save``, part for part, byte for byte.

The import's workbook (six projects, their summary, the 导入记录 sheet, charts, drop-downs) is
written twice from one plan: once as the tool writes it, once through openpyxl's own merge and
save; every part of the two packages but the save time (docProps/core.xml) must be equal.
The same holds for merges that meet borders and each other (openpyxl's slower way then).
"""

from __future__ import annotations

import argparse
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from xladdin.files import looks, saving
from xladdin.files.apply import apply
from xladdin.files.saving import save_atomic
from xladdin.model import Merge

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "tests" / "data" / "seed_2026_published.txt"


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}


def _openpyxl_merge_all(ws, merges) -> None:  # type: ignore[no-untyped-def]
    for m in merges:
        ws.merge_cells(start_row=m.min_row, start_column=m.min_col, end_row=m.max_row, end_column=m.max_col)


def _import_plan():  # type: ignore[no-untyped-def]
    from xladdin.commands.format import options_from
    from xladdin.commands.import_ import import_files
    from xladdin.published.plan import plan_import
    from xladdin.published.sheets import named

    imported = import_files([str(SEED)])
    specs = named(imported.specs)
    return plan_import(specs, imported, [SEED.name], options_from(argparse.Namespace(title_font=None, body_font=None)))


def test_the_import_workbook_is_the_same_file_as_openpyxls(tmp_path, monkeypatch):
    plan = _import_plan()
    wb = Workbook()
    wb.remove(wb.active)  # type: ignore[arg-type]
    apply(wb, plan)
    used: list[Path] = []
    real = saving.save_workbook
    with monkeypatch.context() as m:
        m.setattr(saving, "save_workbook", lambda w, p: (used.append(p), real(w, p)))
        fast = save_atomic(wb, tmp_path / "fast.xlsx")
    assert len(used) == 1  # the faster writer did write it (not openpyxl's save in its place)

    with monkeypatch.context() as m:
        m.setattr(looks, "merge_all", _openpyxl_merge_all)
        wb = Workbook()
        wb.remove(wb.active)  # type: ignore[arg-type]
        apply(wb, plan)
    wb.save(tmp_path / "openpyxl.xlsx")

    a, b = _parts(fast), _parts(tmp_path / "openpyxl.xlsx")
    assert sorted(a) == sorted(b)
    assert len(a) > 20 and any(b"<mergeCells" in v for v in a.values())
    assert [n for n in a if a[n] != b[n]] == []


@pytest.mark.parametrize("bordered", [False, True])
def test_merges_that_meet_borders_and_each_other(tmp_path, bordered):
    """Top-left and bottom-right cells with borders (openpyxl's way), a merge inside another
    (not added twice), an empty top-left cell, a one-row merge: the same file either way."""
    from openpyxl.styles import Border, Side

    merges = [Merge(1, 1, 2, 3), Merge(1, 1, 1, 2), Merge(4, 2, 6, 2), Merge(8, 1, 8, 4), Merge(5, 5, 7, 6)]

    def build(merge_all) -> Workbook:  # type: ignore[no-untyped-def]
        wb = Workbook()
        ws = wb.active
        for r in range(1, 9):
            ws.cell(row=r, column=1, value=f"行{r}")
        if bordered:
            thick = Side(style="thick", color="FF0000")
            ws["A1"].border = Border(left=thick, top=thick)
            ws["B6"].border = Border(right=thick, bottom=thick)
            ws["F7"].border = Border(bottom=Side(color="00FF00"))  # a coloured edge without a style
        merge_all(ws, merges)
        return wb

    save_atomic(build(looks.merge_all), tmp_path / "fast.xlsx")
    build(_openpyxl_merge_all).save(tmp_path / "openpyxl.xlsx")
    a, b = _parts(tmp_path / "fast.xlsx"), _parts(tmp_path / "openpyxl.xlsx")
    assert b'<mergeCell ref="A1:C2"/>' in a["xl/worksheets/sheet1.xml"]
    assert b'ref="A1:B1"' not in a["xl/worksheets/sheet1.xml"]  # inside A1:C2: not a merge of its own
    assert a == b
