"""The file shell: workbooks on disk, read with python-calamine, changed with openpyxl, printed
through LibreOffice.  A writing command reads a workbook (``writing.load_for_edit``), asks the
core for a plan, applies it here (``apply``) and saves safely (``writing.save_edited``)."""
