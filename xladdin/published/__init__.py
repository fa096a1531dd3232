"""Published tables (PDF, Word, web page, copied text) back into the department's form.

One reader per kind of source turns a file into rows of cells (``document.Row``):
``text`` and ``layout`` (copied or extracted text), ``pdf`` (pypdfium2), ``docx``
(python-docx), ``html`` (lxml).  Only those readers import a parsing library.  The
core — ``recognise`` (rows → tables, notice, log), ``repair`` (extraction artefacts)
and ``sheets`` (sheet names, the 导入记录 sheet) — is plain Python like the rest of
xladdin's core, and hands each table to ``layout.read_project`` so that every table
shape the sheet reader knows is imported the same way.
"""
