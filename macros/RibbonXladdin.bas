Attribute VB_Name = "RibbonXladdin"
' Ribbon callbacks of xladdin.xlam (the tab is defined in macros/customUI.xml).
' Each button runs one entry point of the Python package xladdin through xlwings' RunPython.
' Python shows its own messages (in Chinese); keep this module ASCII: the VBA project
' is stored in code page 1252.
Option Explicit

Sub JxCheck(control As IRibbonControl)
    RunPython "import xladdin.excel.addin; xladdin.excel.addin.check()"
End Sub

Sub JxClear(control As IRibbonControl)
    RunPython "import xladdin.excel.addin; xladdin.excel.addin.clear()"
End Sub

Sub JxCosts(control As IRibbonControl)
    RunPython "import xladdin.excel.addin; xladdin.excel.addin.costs()"
End Sub

Sub JxFill(control As IRibbonControl)
    RunPython "import xladdin.excel.addin; xladdin.excel.addin.fill()"
End Sub

Sub JxNewProject(control As IRibbonControl)
    RunPython "import xladdin.excel.addin; xladdin.excel.addin.new_project()"
End Sub

Sub JxFormat(control As IRibbonControl)
    RunPython "import xladdin.excel.addin; xladdin.excel.addin.format_sheets()"
End Sub

Sub JxRollover(control As IRibbonControl)
    RunPython "import xladdin.excel.addin; xladdin.excel.addin.rollover()"
End Sub

Sub JxUndo(control As IRibbonControl)
    RunPython "import xladdin.excel.addin; xladdin.excel.addin.undo()"
End Sub

Sub JxImportFunctions(control As IRibbonControl)
    ' Writes the VBA wrappers of the UDF Modules (xladdin.excel.udfs) into this add-in and keeps them.
    ImportPythonUDFsToAddin
    ThisWorkbook.Save
End Sub
