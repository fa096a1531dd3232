"""The house's walls, derived from its folders: a functional core and thin shells beside it.

* The **shells** are the folders ``xladdin/files/`` (files on disk: calamine, openpyxl,
  LibreOffice), ``xladdin/excel/`` (a live workbook: xlwings), ``xladdin/web/`` (the web
  page) and ``xladdin/commands/`` (the console).  **Everything else under ``xladdin/`` is
  the core**: no list is kept by hand, so a new module is judged by where it lives.
* The core imports no shell and no Excel or web library, statically (anywhere in the
  module, also inside functions) and when it runs.
* The two shells that write workbooks do not know each other: no import from
  ``files`` to ``excel`` or back.  What they share lives in the core.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "xladdin"
SHELLS = ("files", "excel", "web", "commands")
# Libraries only a shell may use: reading/writing workbooks, driving Excel, serving the web page.
SHELL_LIBRARIES = (
    "openpyxl",
    "xlwings",
    "python_calamine",
    "fastapi",
    "starlette",
    "uvicorn",
    "jinja2",
    "multipart",
    "pypdfium2",
    "docx",
    "lxml",
)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def shell_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in SHELLS else None


def core_modules() -> list[str]:
    return [m for m in modules() if shell_of(m) is None]


def imports_of(path: Path, module: str) -> set[str]:
    """Every module an import statement names, anywhere in the file (relative imports resolved)."""
    out: set[str] = set()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            out.add(base)
            out.update(f"{base}.{a.name}" for a in node.names)  # "from xladdin.files import rows"
    return out


def test_the_core_is_derived_from_the_folders() -> None:
    core = core_modules()
    assert "xladdin.model" in core and "xladdin.rules.values" in core
    assert not any(m.startswith(("xladdin.files", "xladdin.excel", "xladdin.commands")) for m in core)
    assert len(core) >= 30


def test_no_core_module_imports_a_shell_or_a_shell_library() -> None:
    found = modules()
    bad = []
    for module in core_modules():
        for imported in imports_of(found[module], module):
            top = imported.split(".")[0]
            if top in SHELL_LIBRARIES or (top == "xladdin" and shell_of(imported)):
                bad.append(f"{module} → {imported}")
    assert bad == []


def test_no_arrow_between_the_file_shell_and_the_excel_shell() -> None:
    found = modules()
    bad = []
    for module, path in found.items():
        mine = shell_of(module)
        if mine not in ("files", "excel"):
            continue
        other = "excel" if mine == "files" else "files"
        for imported in imports_of(path, module):
            if imported.split(".")[0] == "xladdin" and shell_of(imported) == other:
                bad.append(f"{module} → {imported}")
        if mine == "excel":
            bad += [
                f"{module} → {i}"
                for i in imports_of(path, module)
                if i.split(".")[0] in ("openpyxl", "python_calamine")
            ]
        else:
            bad += [f"{module} → {i}" for i in imports_of(path, module) if i.split(".")[0] == "xlwings"]
    assert bad == []


def test_importing_the_core_loads_no_shell_library() -> None:
    """What runs, not only what is written: each core module in turn, the first to pull in a library is named."""
    code = (
        "import importlib, json, sys\n"
        f"libs = {SHELL_LIBRARIES!r}\n"
        "bad = {}\n"
        f"for m in {core_modules()!r}:\n"
        "    mod = importlib.import_module(m)\n"
        "    if m == 'xladdin.rules':\n"
        "        mod.all_rules()\n"
        "    loaded = sorted(k for k in sys.modules if k.split('.')[0] in libs or k.split('.')[:2] in "
        "[['xladdin', s] for s in ('files', 'excel', 'web', 'commands')])\n"
        "    if loaded:\n"
        "        bad[m] = loaded[:3]\n"
        "        break\n"
        "print(json.dumps(bad))\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout) == {}


# The readers of published documents keep their parsing library to themselves: the
# recogniser and everything it uses read rows of cells, whatever the source was.
DOCUMENT_LIBRARIES = ("pypdfium2", "docx", "lxml", "pdfminer", "pdfplumber", "html5lib")
DOCUMENT_READERS = {"xladdin.files.documents.pdf", "xladdin.files.documents.docx", "xladdin.files.documents.html"}
# publish counts the pages of the PDFs LibreOffice printed and joins them (PDFium, no parsing of text)
PDF_JOINERS = {"xladdin.files.pdf": "pypdfium2"}


def test_only_the_document_readers_import_a_document_library() -> None:
    found = modules()
    bad = [
        f"{module} → {imported}"
        for module, path in found.items()
        if module not in DOCUMENT_READERS
        for imported in imports_of(path, module)
        if imported.split(".")[0] in DOCUMENT_LIBRARIES and PDF_JOINERS.get(module) != imported.split(".")[0]
    ]
    assert bad == []
    assert set(found) >= DOCUMENT_READERS


def test_every_step_kind_has_a_handler_in_both_appliers() -> None:
    """A plan is only as good as the shells that carry it out: a step kind one applier does not
    know would fail on the first plan that uses it, in that shell only.  The Excel applier
    sends cell steps in batches (``_CELL_STEP``) and the others one by one."""
    import typing

    import xladdin.workbook_plan as wp
    from xladdin.excel import apply as excel_apply
    from xladdin.files import apply as files_apply

    kinds = set(typing.get_args(wp.Step))
    assert len(kinds) > 10
    assert set(files_apply._STEP) == kinds
    assert set(excel_apply._STEP) | set(excel_apply._CELL_STEP) == kinds
    assert not set(excel_apply._STEP) & set(excel_apply._CELL_STEP)
