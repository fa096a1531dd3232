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
    "xladdin.undo",
    "xladdin.fill",
    "xladdin.rollover",
    "xladdin.style",
    "xladdin.validation_lists",
    "xladdin.publish",
    "xladdin.published.document",
    "xladdin.published.text",
    "xladdin.published.layout",
    "xladdin.published.repair",
    "xladdin.published.recognise",
    "xladdin.published.sheets",
    "xladdin.published.sources",
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


# The readers of published documents keep their parsing library to themselves: the
# recogniser and everything it uses read rows of cells, whatever the source was.
DOCUMENT_LIBRARIES = ("pypdfium2", "docx", "lxml", "pdfminer", "pdfplumber", "html5lib")


@pytest.mark.parametrize("module", [m for m in CORE if m.startswith("xladdin.published.")])
def test_published_core_imports_no_document_library(module):
    code = (
        "import importlib, sys\n"
        f"importlib.import_module({module!r})\n"
        f"bad = sorted(k for k in sys.modules if k.split('.')[0] in {DOCUMENT_LIBRARIES!r})\n"
        "print(','.join(bad))\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "", f"{module} pulls in {res.stdout.strip()}"
