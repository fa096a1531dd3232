"""Check results written to files: a workbook marked (``check --mark``), and the reviewer's
report workbook (``check --report``)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from xladdin.files.looks import write_content
from xladdin.files.saving import save_atomic
from xladdin.files.writing import Edited, edit_file
from xladdin.plans.marks import plan_mark
from xladdin.progress import QUIET, Progress
from xladdin.toolsheets.report import ReportSheet, as_content


def mark_file(
    source: str | Path,
    result: Any,
    output: str | Path | None = None,
    in_place: bool = False,
    force: bool = False,
    name: str | None = None,
    progress: Progress = QUIET,
) -> Edited:
    """Write ``source`` with the findings of ``result`` marked, to ``output`` (or in place).

    A copy (``output``) says in its 校验结果 whose copy it is (``name``, else the source's file
    name): never a submission again."""
    copy_of = None if in_place else (name or Path(source).name)
    done = edit_file(
        source, lambda sheets: plan_mark(sheets, result, copy_of), output, in_place, force, progress=progress
    )
    assert done.target is not None
    return done


def write_batch_report(path: str | Path, sheets: Sequence[ReportSheet]) -> Path:
    """The reviewer's report workbook: a new file, written atomically."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)  # type: ignore[arg-type]
    for rs in sheets:
        write_content(wb.create_sheet(rs.name), as_content(rs, batch=True))
    return save_atomic(wb, path)
