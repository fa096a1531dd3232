"""The Excel shell: an open workbook through xlwings (the ribbon's buttons, xlwings Server/Lite
scripts, worksheet functions).  A button reads the sheets (``bulk``), asks the core for a plan
and applies it here (``apply``); ``ribbon`` declares the buttons."""
