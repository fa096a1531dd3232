"""Build the department's 2026 workbook and the blank template from the plain-text sources.

    python workbook/build.py            # writes workbook/社保局本级2026绩效目标表.xlsx and workbook/项目模板.xlsx

The sources (``workbook/projects/*.toml``, one file per project) are the truth; the
built ``.xlsx`` files are committed too, so a user needs no build step.  Building twice
gives the same cells.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from xladdin.files.saving import save_atomic  # noqa: E402
from xladdin.files.workbooks import new_workbook_from_layouts, set_internal_link  # noqa: E402
from xladdin.layout import TableSpec, read_project, template_spec, write_project  # noqa: E402
from xladdin.summary import link_targets, summary_layout  # noqa: E402

YEAR = 2026
WORKBOOK = HERE / "社保局本级2026绩效目标表.xlsx"
TEMPLATE = HERE / "项目模板.xlsx"


def load_specs(year: int = YEAR) -> list[TableSpec]:
    specs = []
    for f in sorted((HERE / "projects").glob("*.toml")):
        with f.open("rb") as fh:
            specs.append(TableSpec.from_source(tomllib.load(fh), year))
    return specs


def build(target: Path = WORKBOOK, template: Path = TEMPLATE) -> None:
    specs = load_specs()
    layouts = [write_project(s) for s in specs]
    projects = [read_project(lay.to_sheet_data()) for lay in layouts]
    summary = summary_layout([p for p in projects if p is not None], YEAR)
    wb = new_workbook_from_layouts([summary, *layouts])
    ws = wb[summary.name]
    for r, target_ref in link_targets(summary).items():
        set_internal_link(ws.cell(row=r, column=2), target_ref)
    _basic_look(wb)
    save_atomic(wb, target)
    twb = new_workbook_from_layouts([write_project(template_spec(YEAR))])
    _basic_look(twb)
    save_atomic(twb, template)


def _basic_look(wb) -> None:
    """Column widths and wrapping so the raw build is readable; 统一格式 does the full job."""
    from openpyxl.styles import Alignment

    for ws in wb.worksheets:
        for col, width in zip("ABCDEF", (12, 16, 30, 16, 14, 18), strict=True):
            ws.column_dimensions[col].width = width
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and len(c.value) > 8:
                    c.alignment = Alignment(wrap_text=True, vertical="center")


if __name__ == "__main__":
    build()
    print(f"已生成 {WORKBOOK.relative_to(HERE.parent)} 和 {TEMPLATE.relative_to(HERE.parent)}")
