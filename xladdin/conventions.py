"""The tool's own names and marks, in one home: its sheets, its colours, its words for severities.

A workbook marked in Excel is cleared on the command line, a journal written by one
shell is undone by the other, and a user learns one set of colours: so every sheet
name, colour and label the tool writes is defined here once and read by both shells.
"""

from __future__ import annotations

import datetime as dt

# --------------------------------------------------------------------------- sheets

SUMMARY_SHEET = "项目汇总"  # the department's own summary (not a tool sheet: it is theirs)
REPORT_SHEET = "校验结果"  # check --mark / 校验
COST_SHEET = "成本测算"  # costs --write / 测算成本
FILL_RECORD_SHEET = "填充记录"  # fill, new project, fixes: every cell the tool typed
ROLLOVER_SHEET = "新年度检查"  # rollover: what a person must look at
IMPORT_LOG_SHEET = "导入记录"  # import: where each table came from, every repair, what was not placed
SETTINGS_SHEET = "xladdin设置"  # a workbook's own rule choice (hidden)
STANDARDS_SHEET = "xladdin支出标准"  # a department's own expenditure standards (xladdin.standards)
UNDO_SHEET = "xladdin撤销"  # the undo journal (hidden)
STATE_SHEET = "xladdin标记"  # what each marked cell held before the mark (hidden)
LISTS_SHEET = "下拉列表"  # the drop-down values of 统一格式 (hidden)
CHART_DATA_SHEET = "图表数据"  # the cost charts' data (hidden)
BATCH_SUMMARY_SHEET = "审核汇总"  # the reviewer's report workbook
BATCH_FINDINGS_SHEET = "问题清单"

# Sheets the tool writes itself: never project tables, never reported, never rolled over.
TOOL_SHEETS = frozenset(
    {
        REPORT_SHEET,
        COST_SHEET,
        FILL_RECORD_SHEET,
        ROLLOVER_SHEET,
        IMPORT_LOG_SHEET,
        SETTINGS_SHEET,
        STANDARDS_SHEET,
        UNDO_SHEET,
        STATE_SHEET,
        LISTS_SHEET,
        CHART_DATA_SHEET,
    }
)

# --------------------------------------------------------------------------- colours (RRGGBB)

# Marks by severity: Excel's own "Bad" / "Neutral" / light blue, familiar and readable when printed.
# A mark is also numbered in front of the cell's text (``marks.labelled_format``), so it reads
# on a greyscale printer too.
MARK_FILL = {"error": "FFC7CE", "warning": "FFEB9C", "info": "DDEBF7"}
# The tool's highlights are other hues than any mark, and far apart in grey too (a greyscale
# printer shows the green of 已填写 near white, the orange of 待更新 a clear grey): a mark
# carries its 〔编号〕 in the cell's text as well, so it is not taken for either.
NEW_COLOR = "E2EFDA"  # light green: typed by the tool (fill, rollover, fixes)
TODO_COLOR = "F8CBAD"  # orange: a person must look at it (rollover's 待更新 / 需确认)
HEADER_FILL = "D9D9D9"  # header rows of the tool's sheets
COST_HEADER_FILL = "DDEBF7"  # header rows of 成本测算

# What the colours mean, said where the tool paints (the top of each of its sheets).
LEGEND = (
    "颜色说明：红＝错误，黄＝警告，蓝＝提示（单元格前的〔编号〕与“校验结果”表的编号一致，批注中有说明）；"
    "浅绿＝本工具填写或修改过（见“填充记录”），橙色＝新年度待更新（见“新年度检查”）。"
    "“清除标记”去掉这些颜色（填写的内容保留，“撤销”可恢复原值）。"
)

SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}

# --------------------------------------------------------------------------- references


def quote_sheet(name: str) -> str:
    """A sheet name as a formula reference: 信息系统维护 → '信息系统维护' (quotes doubled)."""
    return "'" + name.replace("'", "''") + "'"


def place(sheet: str, cell: str) -> str:
    """A cell of a sheet as a link or formula reference: '信息系统维护'!E41."""
    return f"{quote_sheet(sheet)}!{cell}"


def now_text() -> str:
    """The journal's and the records' time stamp: a space, not "T", so no engine takes the text for a date."""
    return dt.datetime.now().isoformat(sep=" ", timespec="seconds")
