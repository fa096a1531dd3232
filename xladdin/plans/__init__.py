"""One planner per writing verb: the workbook's cells in (``SheetData``), a ``WorkbookPlan`` out.

A verb's domain decisions live in the core modules named for them (``fill``,
``rollover``, ``style``, ``marks``, ``summary``, ``undo``); a planner here turns those
decisions into the steps a shell applies, in final coordinates, with the records and
the journal they need, so that every shell does exactly the same thing.
"""
