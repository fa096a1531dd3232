"""The 绩效目标 ribbon tab, each button declared once.

``macros/build.py`` writes the tab's XML (``customUI/customUI.xml`` of the .xlam) and the
VBA callback module from this table, and ``xladdin.excel.addin`` registers each entry
point as an xlwings Server/Lite script under its label, so a button's label, icon, tip,
callback and Python entry point can never drift apart.  Plain data: importable where
xlwings is not (the build script).
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import quoteattr

TAB_ID = "xladdinTab"
TAB_LABEL = "绩效目标"
CALLBACK_MODULE = "RibbonXladdin"
ENTRY_MODULE = "xladdin.excel.addin"


@dataclass(frozen=True)
class Group:
    id: str
    label: str


@dataclass(frozen=True)
class Button:
    """One button: where it sits, what it shows, and what it runs.

    ``entry`` is the function of ``xladdin.excel.addin`` RunPython calls; a button without
    one runs ``vba`` (lines of VBA) instead.
    """

    id: str
    group: str
    label: str
    icon: str  # an Office built-in image (imageMso)
    screentip: str
    supertip: str
    callback: str  # the VBA Sub, ASCII (the VBA project is stored in code page 1252)
    entry: str | None = None
    vba: tuple[str, ...] = ()


GROUPS = (
    Group("xladdinCheckGroup", "校验"),
    Group("xladdinCostGroup", "测算与填充"),
    Group("xladdinTidyGroup", "整理"),
    Group("xladdinUndoGroup", "撤销"),
    Group("xladdinSetupGroup", "设置"),
)

BUTTONS = (
    Button(
        "xladdinCheck",
        "xladdinCheckGroup",
        "校验",
        "DataValidation",
        "校验绩效目标表",
        "检查每个项目表：资金合计、指标、年度、成本与目标表述。问题单元格按级别标色并加批注，并生成“校验结果”表。",
        "JxCheck",
        "check",
    ),
    Button(
        "xladdinFix",
        "xladdinCheckGroup",
        "一键修正",
        "AutoCorrect",
        "一键修正",
        "把改法确定的问题直接改好（如满意度补“≥”、“>=”改为“≥”），修改处标为浅绿色并记入“填充记录”表，可“撤销”。",
        "JxFix",
        "fix",
    ),
    Button(
        "xladdinClear",
        "xladdinCheckGroup",
        "清除标记",
        "ClearFormats",
        "清除校验标记",
        "去掉“校验”留下的颜色、批注和“校验结果”表，恢复单元格原来的填充色；您自己写的批注保留不动。",
        "JxClear",
        "clear",
    ),
    Button(
        "xladdinCosts",
        "xladdinCostGroup",
        "测算成本",
        "CalculateNow",
        "测算成本",
        "用成本指标×数量指标逐项解释项目总额，生成带公式的“成本测算”表。",
        "JxCosts",
        "costs",
    ),
    Button(
        "xladdinFill",
        "xladdinCostGroup",
        "填充指标",
        "TableInsert",
        "填充指标",
        "补齐缺少的指标分组、由预算推算成本指标、补上明确的比较符号。每处修改都可“撤销”。",
        "JxFill",
        "fill",
    ),
    Button(
        "xladdinNewProject",
        "xladdinCostGroup",
        "新建项目",
        "FileNew",
        "新建项目",
        "按模板新增一个项目表，表头取自本工作簿的其他项目，并给出参考指标，同时在“项目汇总”中加一行。",
        "JxNewProject",
        "new_project",
    ),
    Button(
        "xladdinFormat",
        "xladdinTidyGroup",
        "统一格式",
        "FormatPainter",
        "统一格式",
        "把所有项目表统一成规范的字体、边框、列宽、行高和 A4 打印设置，加上下拉列表，不改动任何数值。",
        "JxFormat",
        "format_sheets",
    ),
    Button(
        "xladdinRollover",
        "xladdinTidyGroup",
        "新年度",
        "DateAndTimeInsert",
        "新年度",
        "把各表的预算年度改为下一年：标题、年度、时效日期；金额和数量标为待更新；拿不准的列入“新年度检查”表。",
        "JxRollover",
        "rollover",
    ),
    Button(
        "xladdinSelfEval",
        "xladdinTidyGroup",
        "生成自评表",
        "CreateReport",
        "生成绩效自评表",
        "为每个项目生成一张项目支出绩效自评表：指标和年度指标值取自绩效目标表，分值按常用方案预填（可修改），"
        "填写实际完成值后得分由公式自动计算。已有自评表的项目不改动；可“撤销”。",
        "JxSelfEval",
        "selfeval",
    ),
    Button(
        "xladdinUndo",
        "xladdinUndoGroup",
        "撤销",
        "Undo",
        "撤销上一次修改",
        "宏修改工作簿后 Excel 自带的撤销会失效；此按钮撤销本工具最近一次对单元格所做的修改。",
        "JxUndo",
        "undo",
    ),
    Button(
        "xladdinImportFunctions",
        "xladdinSetupGroup",
        "导入函数",
        "FunctionWizard",
        "导入工作表函数",
        "把 JX_COST、JX_VALUE、JX_KIND 等函数导入加载项（首次安装或升级后执行一次；需在信任中心勾选“信任对 VBA 工程对象模型的访问”）。",
        "JxImportFunctions",
        vba=(
            "' Writes the VBA wrappers of the UDF Modules (xladdin.excel.udfs) into this add-in and keeps them.",
            "ImportPythonUDFsToAddin",
            "ThisWorkbook.Save",
        ),
    ),
)


def entry_points() -> dict[str, str]:
    """Entry point → the button's label (what a message or a script is called)."""
    return {b.entry: b.label for b in BUTTONS if b.entry}


def ribbon_xml() -> str:
    """The tab as ``customUI/customUI.xml`` (Office 2007 schema: Excel 2010–365 and WPS read it)."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
        f"<!-- Written by macros/build.py from {__name__} (the button table); do not edit. -->",
        '<customUI xmlns="http://schemas.microsoft.com/office/2006/01/customui">',
        "  <ribbon>",
        "    <tabs>",
        f"      <tab id={quoteattr(TAB_ID)} label={quoteattr(TAB_LABEL)}>",
    ]
    for g in GROUPS:
        lines.append(f"        <group id={quoteattr(g.id)} label={quoteattr(g.label)}>")
        for b in BUTTONS:
            if b.group != g.id:
                continue
            lines.append(
                f'          <button id={quoteattr(b.id)} label={quoteattr(b.label)} size="large" '
                f"imageMso={quoteattr(b.icon)} onAction={quoteattr(f'{CALLBACK_MODULE}.{b.callback}')} "
                f"screentip={quoteattr(b.screentip)} supertip={quoteattr(b.supertip)}/>"
            )
        lines.append("        </group>")
    lines += ["      </tab>", "    </tabs>", "  </ribbon>", "</customUI>", ""]
    return "\n".join(lines)


def callbacks_bas() -> str:
    """The VBA module of the callbacks (ASCII; RunPython of each entry point)."""
    lines = [
        f'Attribute VB_Name = "{CALLBACK_MODULE}"',
        "' Ribbon callbacks of xladdin.xlam, written by macros/build.py from xladdin.excel.ribbon.",
        "' Each button runs one entry point of the Python package xladdin through xlwings' RunPython.",
        "' Python shows its own messages (in Chinese); this module stays ASCII: the VBA project",
        "' is stored in code page 1252.",
        "Option Explicit",
        "",
    ]
    for b in BUTTONS:
        lines.append(f"Sub {b.callback}(control As IRibbonControl)")
        if b.entry:
            lines.append(f'    RunPython "import {ENTRY_MODULE}; {ENTRY_MODULE}.{b.entry}()"')
        lines += [f"    {line}" for line in b.vba]
        lines += ["End Sub", ""]
    text = "\n".join(lines)
    text.encode("ascii")  # a non-ASCII character here would be garbled in the VBA project
    return text
