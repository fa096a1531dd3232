"""Published tables (PDF, Word, web page, copied text) back into the department's form: the core.

A source becomes rows of cells (``document.Row``): the file shell's readers do that for
PDF, Word and HTML (``xladdin.files.documents``); ``text`` and ``layout`` do it for copied
and extracted text.  The core — ``recognise`` (rows → tables, notice, log), ``repair``
(extraction artefacts), ``sheets`` (sheet names, the 导入记录 sheet) and ``plan`` (the
workbook as one ``WorkbookPlan``) — hands each table to ``layout.read_project`` so that
every table shape the sheet reader knows is imported the same way.
"""
