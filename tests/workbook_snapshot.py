"""Test helpers for fill / rollover / undo: build variants of the 2026 workbook, compare files.

Variants are built from the TOML sources with the layout writer (not with the row
insertion/deletion code under test), so a test that removes rows does not depend on
the code it checks.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from xladdin.files.sources import read_sheets
from xladdin.files.workbooks import new_workbook_from_layouts
from xladdin.layout import IndicatorSpec, TableSpec, read_project, write_project
from xladdin.model import Project

from .conftest import ROOT

SOURCES = sorted((ROOT / "workbook" / "projects").glob("*.toml"))


def specs(year: int = 2026) -> list[TableSpec]:
    out = []
    for f in SOURCES:
        with f.open("rb") as fh:
            out.append(TableSpec.from_source(tomllib.load(fh), year))
    return out


def build(path: Path, keep: Callable[[TableSpec, IndicatorSpec], bool] | None = None, only: str | None = None) -> Path:
    """The six tables (or one), with the indicator rows ``keep`` rejects left out."""
    layouts = []
    for s in specs():
        if only and s.sheet != only:
            continue
        if keep is not None:
            s = replace(s, indicators=tuple(i for i in s.indicators if keep(s, i)))
        layouts.append(write_project(s))
    wb = new_workbook_from_layouts(layouts)
    wb.save(path)
    return path


def projects(path: Path) -> dict[str, Project]:
    out = {}
    for sh in read_sheets(path):
        p = read_project(sh)
        if p is not None:
            out[sh.name] = p
    return out


def snapshot(path: Path) -> dict[str, Any]:
    """Everything a user would notice: values, fills, borders, merges, heights, sheets."""
    wb = load_workbook(path)
    out: dict[str, Any] = {"sheets": wb.sheetnames}
    for ws in wb.worksheets:
        cells = {}
        for row in ws.iter_rows():
            for c in row:
                if c.value is None and not c.has_style:
                    continue
                b = c.border
                cells[c.coordinate] = (
                    c.value,
                    c.fill.fill_type,
                    c.fill.fgColor.rgb if c.fill.fill_type else None,
                    tuple(getattr(getattr(b, s), "style", None) for s in ("left", "right", "top", "bottom")),
                    c.font.b,
                )
        out[ws.title] = {
            "cells": cells,
            "merges": sorted(r.coord for r in ws.merged_cells.ranges),
            "heights": {k: v.height for k, v in ws.row_dimensions.items() if v.height},
            "state": ws.sheet_state,
        }
    return out


def values(path: Path, sheet: str) -> dict[str, Any]:
    wb = load_workbook(path)
    ws = wb[sheet]
    return {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value is not None}
