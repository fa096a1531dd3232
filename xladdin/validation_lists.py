"""Guided input without Python: the drop-down lists and hints a project sheet carries.

Excel's own data validation works wherever the workbook is opened (Excel, WPS,
LibreOffice), with or without the add-in, so it is the first line of help.  The lists
live on a hidden sheet (``LISTS_SHEET``) under defined names; the 二级 list of a row is
``INDIRECT(<its 一级 cell>)``, i.e. the defined name that *is* the 一级 label ("产出指标"
→ 数量指标, 质量指标…).  INDIRECT over a workbook-level name works the same in Excel,
WPS and LibreOffice, and a list range on another sheet needs a name anyway in old Excel.

Invalid entries only warn (``error_style="warning"``): tables in the wild use
synonyms (上年延续性项目, 满意度指标(10分)) that a hard stop would make unsavable.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from xladdin.conventions import LISTS_SHEET
from xladdin.framework import CLASSIC, FRAMEWORK_2021, LEVEL1_LABELS
from xladdin.model import Project, cell_ref, column_letter, parse_ref, row_runs

# 项目属性 on the department's form is 经常性项目 / 一次性项目; the national form
# (CY285 填报说明) says 新增项目 / 延续项目.  Both pairs are offered.
ATTRIBUTE_VALUES = ("经常性项目", "一次性项目", "新增项目", "延续项目")
ATTRIBUTE_NAME = "项目属性列表"
LEVEL1_NAME = "一级指标列表"
VALUE_PROMPT_TITLE = "指标值填写示例"
VALUE_PROMPT = "写明比较符号、数值和单位，例如：≥95%、18人、1.2万元/月/人、≤1小时。定性指标可写“优”“良”“有所提高”。"


def level2_lists() -> dict[str, list[str]]:
    """一级 label → its 二级 labels: the classic framework, plus 成本指标 as a 一级 (2021)."""
    out: dict[str, list[str]] = {}
    for key, groups in CLASSIC.items():
        out[LEVEL1_LABELS[key]] = [label for _, label in groups]
    out[LEVEL1_LABELS["成本"]] = [label for _, label in FRAMEWORK_2021["成本"]]
    return out


@dataclass(frozen=True)
class ListsSheet:
    """Columns of the hidden list sheet and the defined names pointing at them."""

    columns: tuple[tuple[str, tuple[str, ...]], ...]  # (header, values) per column
    names: dict[str, str] = field(default_factory=dict)  # defined name → absolute range


def lists_sheet() -> ListsSheet:
    cols: list[tuple[str, tuple[str, ...]]] = [("项目属性", ATTRIBUTE_VALUES)]
    l2 = level2_lists()
    cols.append(("一级指标", tuple(l2)))
    cols.extend((l1, tuple(values)) for l1, values in l2.items())
    names: dict[str, str] = {}
    quoted = f"'{LISTS_SHEET}'"
    for i, (header, values) in enumerate(cols, start=1):
        letter = column_letter(i)
        rng = f"{quoted}!${letter}$2:${letter}${len(values) + 1}"
        name = ATTRIBUTE_NAME if i == 1 else LEVEL1_NAME if i == 2 else header
        names[name] = rng
    return ListsSheet(tuple(cols), names)


@dataclass(frozen=True)
class Validation:
    """One data-validation rule; ``kind`` is "list" or "any" (an input message only)."""

    sqref: str
    kind: str
    formula: str | None = None  # without the leading "=", as stored in the file
    prompt_title: str | None = None
    prompt: str | None = None
    error_title: str | None = None
    error: str | None = None


def plan_validations(project: Project) -> list[Validation]:
    """The drop-downs and hints of one project sheet."""
    out: list[Validation] = []
    if project.form.standard:  # the published form's list; another form has its own (or a checkbox list)
        out.append(
            Validation(
                project.attribute.cell,
                "list",
                ATTRIBUTE_NAME,
                "项目属性",
                "请从下拉列表选择：" + "、".join(ATTRIBUTE_VALUES) + "。",
                "项目属性",
                "项目属性一般为：" + "、".join(ATTRIBUTE_VALUES) + "。确定要填写其他内容吗？",
            )
        )
    cols = project.columns
    if not project.indicators or cols["level1"] == cols["name"]:
        return out  # no rows, or 一级/二级 as rows of the names (a tree): no lists for them
    first = project.header_row + 1
    last = max(i.row for i in project.indicators)
    c1, c2, cv = cols["level1"], cols["level2"], cols["value"]
    out.append(
        Validation(
            f"{cell_ref(first, c1)}:{cell_ref(last, c1)}",
            "list",
            LEVEL1_NAME,
            "一级指标",
            "请从下拉列表选择一级指标。",
            "一级指标",
            "一级指标一般为：产出指标、效益指标、满意度指标（或成本指标）。确定要填写其他内容吗？",
        )
    )
    # 二级: one rule per 一级 block, pointing at the block's (merged) 一级 cell
    blocks: dict[str, list[int]] = {}
    for ind in project.indicators:
        if parse_ref(ind.level1.cell)[1] == c1:
            blocks.setdefault(ind.level1.cell, []).append(ind.row)
        else:
            blocks.setdefault(cell_ref(ind.row, c1), []).append(ind.row)
    for ref, rows in blocks.items():
        r1, _ = parse_ref(ref)
        anchor = "$" + column_letter(c1) + "$" + str(r1)
        sq = " ".join(
            f"{cell_ref(a, c2)}:{cell_ref(b, c2)}" if a != b else cell_ref(a, c2) for a, b in row_runs(sorted(rows))
        )
        out.append(
            Validation(
                sq,
                "list",
                f"INDIRECT({anchor})",
                "二级指标",
                "请先选好左边的一级指标，再从下拉列表选择二级指标。",
                "二级指标",
                "该二级指标不在所选一级指标的常用列表中。确定要填写其他内容吗？",
            )
        )
    out.append(
        Validation(
            f"{cell_ref(first, cv)}:{cell_ref(last, cv)}",
            "any",
            prompt_title=VALUE_PROMPT_TITLE,
            prompt=VALUE_PROMPT,
        )
    )
    return out


__all__ = [
    "ATTRIBUTE_VALUES",
    "LISTS_SHEET",
    "ListsSheet",
    "Validation",
    "level2_lists",
    "lists_sheet",
    "plan_validations",
]
