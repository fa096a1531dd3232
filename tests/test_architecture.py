"""The functional core imports no Excel library: that is what lets the CLI and the add-in
run the same code, and what keeps the core testable without Excel."""

from __future__ import annotations

import subprocess
import sys

import pytest

CORE = [
    "xladdin.model",
    "xladdin.framework",
    "xladdin.layout",
    "xladdin.values",
    "xladdin.units",
    "xladdin.narrative",
    "xladdin.costs",
    "xladdin.functions",
    "xladdin.check",
    "xladdin.rules",
    "xladdin.settings",
    "xladdin.report",
    "xladdin.report_sheet",
    "xladdin.marks",
    "xladdin.summary",
    "xladdin.standards",
    "xladdin.similarity",
    "xladdin.direction",
    "xladdin.undo",
    "xladdin.fill",
    "xladdin.rollover",
    "xladdin.style",
    "xladdin.validation_lists",
    "xladdin.publish",
]


@pytest.mark.parametrize("module", CORE)
def test_core_module_imports_no_excel_library(module):
    code = (
        "import importlib, sys\n"
        f"m = importlib.import_module({module!r})\n"
        "if m.__name__ == 'xladdin.rules':\n"
        "    m.all_rules()\n"
        "bad = sorted(k for k in sys.modules if k.split('.')[0] in ('openpyxl', 'xlwings', 'python_calamine'))\n"
        "print(','.join(bad))\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "", f"{module} pulls in {res.stdout.strip()}"
