"""The built add-in ``macros/xladdin.xlam``: ribbon, VBA callbacks, configuration, build.

Reads the .xlam the way Office would find its parts (zip + relationships) and the VBA
the way an analyst would (oletools' olevba), then checks that every button leads to
an existing Python entry point.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
import sys
import zipfile
from pathlib import Path
from types import ModuleType
from xml.etree import ElementTree as ET

import pytest
import xlwings
from hypothesis import given, settings
from hypothesis import strategies as st
from oletools.olevba import VBA_Parser, decompress_stream

from xladdin.excel import addin

ROOT = Path(__file__).resolve().parent.parent
XLAM = ROOT / "macros" / "xladdin.xlam"
CUI = "{http://schemas.microsoft.com/office/2006/01/customui}"
BUTTONS = {"校验", "测算成本", "填充指标", "新建项目", "统一格式", "新年度", "清除标记", "撤销"}
RUNPYTHON = re.compile(r'RunPython\s+"import\s+([\w.]+)\s*;\s*([\w.]+)\.(\w+)\(\)"')


def load(name: str) -> ModuleType:
    """A module of macros/ (build tooling, not part of the package)."""
    key = f"macros_{name}"
    if key in sys.modules:
        return sys.modules[key]
    spec = importlib.util.spec_from_file_location(key, ROOT / "macros" / f"{name}.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules[key] = mod
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def parts() -> dict[str, bytes]:
    with zipfile.ZipFile(XLAM) as z:
        return {n: z.read(n) for n in z.namelist()}


@pytest.fixture(scope="module")
def vba() -> dict[str, str]:
    """Module name → source, as olevba extracts it."""
    parser = VBA_Parser(str(XLAM))
    try:
        out = {}
        for _, _, filename, code in parser.extract_macros():
            out[Path(filename).stem] = code
        return out
    finally:
        parser.close()


def ribbon(parts: dict[str, bytes]) -> ET.Element:
    rels = ET.fromstring(parts["_rels/.rels"])
    targets = [r.get("Target", "").lstrip("/") for r in rels if r.get("Type", "").endswith("/ui/extensibility")]
    assert targets == ["customUI/customUI.xml"], "the ribbon part is wired in _rels/.rels"
    return ET.fromstring(parts[targets[0]])


def subs(code: str) -> dict[str, str]:
    """Sub name → body."""
    return {
        m.group(1): m.group(2)
        for m in re.finditer(r"^Sub (\w+)\(control As IRibbonControl\)\s*\n(.*?)^End Sub", code, re.M | re.S)
    }


def test_the_tab_has_every_button_with_a_chinese_label_and_an_icon(parts: dict[str, bytes]) -> None:
    ui = ribbon(parts)
    (tab,) = ui.iter(f"{CUI}tab")
    assert tab.get("label") == "绩效目标"
    groups = list(tab.iter(f"{CUI}group"))
    assert len(groups) >= 4, "a group per kind of work"
    buttons = list(tab.iter(f"{CUI}button"))
    labels = {b.get("label") for b in buttons}
    assert labels >= BUTTONS
    for b in buttons:
        assert b.get("imageMso"), b.get("label")
        assert re.search(r"[\u4e00-\u9fff]", b.get("label") or "")
        assert b.get("supertip"), "a sentence that says what the button does"
    assert len({b.get("id") for b in buttons}) == len(buttons)


def test_every_button_reaches_an_existing_entry_point(parts: dict[str, bytes], vba: dict[str, str]) -> None:
    ui = ribbon(parts)
    callbacks = subs(vba["RibbonXladdin"])
    reached = set()
    for b in ui.iter(f"{CUI}button"):
        module, _, sub = (b.get("onAction") or "").partition(".")
        assert module == "RibbonXladdin", b.get("onAction")
        assert sub in callbacks, f"{b.get('label')}: Sub {sub} missing in the VBA"
        body = callbacks[sub]
        m = RUNPYTHON.search(body)
        if m is None:
            # the one button that is not Python: importing the worksheet functions
            assert "ImportPythonUDFsToAddin" in body
            assert re.search(r"^Sub ImportPythonUDFsToAddin\(\)", vba["xlwings"], re.M)
            continue
        imported, called_on, func = m.groups()
        assert called_on == imported
        mod = importlib.import_module(imported)
        assert callable(getattr(mod, func, None)), f"{imported}.{func} does not exist"
        assert mod is addin and func in addin.ENTRY_POINTS
        assert addin.ENTRY_POINTS[func] == b.get("label")
        reached.add(func)
    assert reached == set(addin.ENTRY_POINTS)


def test_the_add_in_is_the_pinned_xlwings_renamed_for_xladdin(vba: dict[str, str]) -> None:
    xlw = vba["xlwings"]
    assert f'Public Const XLWINGS_VERSION As String = "{xlwings.__version__}"' in xlw
    assert f'"xlwings64-{xlwings.__version__}.dll"' in xlw
    assert 'Public Const PROJECT_NAME As String = "xladdin"' in xlw
    assert "RibbonMyAddin" not in vba and "RibbonXladdin" in vba
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'"xlwings=={xlwings.__version__}"' in pyproject


def test_vba_project_streams_are_consistent(parts: dict[str, bytes]) -> None:
    vp = load("vbaproject")
    project = vp.VbaProject.load(parts["xl/vbaProject.bin"])
    assert project.module_names() == ["ThisWorkbook", "Dictionary", "RibbonXladdin", "Sheet2", "xlwings"]
    text = (project.root.child("PROJECT").data or b"").decode("cp1252")
    assert "Module=RibbonXladdin" in text and 'Name="xladdin"' in text and "RibbonMyAddin" not in text
    wm = project.root.child("PROJECTwm").data or b""
    assert b"RibbonXladdin\0" in wm and "RibbonXladdin".encode("utf-16-le") in wm
    assert project.vba.child("RibbonXladdin").data
    assert (project.vba.child("_VBA_PROJECT").data or b"")[2:4] == b"\xff\xff", "Office recompiles from source"


def test_the_config_sheet_is_active_and_names_importable_udf_modules(parts: dict[str, bytes]) -> None:
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    wb = ET.fromstring(parts["xl/workbook.xml"])
    names = [s.get("name") for s in wb.find("m:sheets", ns) or []]
    assert names == ["xladdin.conf"], "xlwings reads PROJECT_NAME + '.conf'; '_' would switch it off"
    sheet = ET.fromstring(parts["xl/worksheets/sheet1.xml"])
    values = {}
    for row in sheet.iter(f"{{{ns['m']}}}row"):
        cells = ["".join(t.text or "" for t in c.iter(f"{{{ns['m']}}}t")) for c in row.iter(f"{{{ns['m']}}}c")]
        values[cells[0]] = cells[1]
    assert values["UDF Modules"] == "xladdin.excel.udfs"
    for mod in values["UDF Modules"].split(";"):
        assert importlib.import_module(mod)
    assert not any(k.lower().startswith(("interpreter", "conda")) for k in values), "left to each PC"


def test_the_committed_add_in_is_what_the_sources_build() -> None:
    build = load("build")
    assert build.build(None) == XLAM.read_bytes(), "run: python macros/build.py"


def test_the_callback_module_stays_in_the_projects_code_page() -> None:
    from xladdin.excel.ribbon import callbacks_bas

    callbacks_bas().encode("ascii")


def test_each_button_is_declared_once_and_runs_an_existing_entry_point() -> None:
    """The ribbon XML, the VBA callbacks and the Server/Lite scripts all come from one table."""
    from xladdin.excel.ribbon import BUTTONS, callbacks_bas, ribbon_xml

    xml, bas = ribbon_xml(), callbacks_bas()
    for b in BUTTONS:
        assert xml.count(f'id="{b.id}"') == 1 and f'label="{b.label}"' in xml
        assert bas.count(f"Sub {b.callback}(") == 1
        if b.entry:
            assert callable(getattr(addin, b.entry)), b.entry
            assert getattr(addin, f"{b.entry}_script") is not None
            assert f"xladdin.excel.addin.{b.entry}()" in bas
    assert len({b.id for b in BUTTONS}) == len({b.callback for b in BUTTONS}) == len(BUTTONS)


# --------------------------------------------------------------------------- vbaproject building blocks


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=9000) | st.text(alphabet="Sub End RunPython()\"'.\r\n ", max_size=12000).map(str.encode))
def test_compression_round_trips_through_oletools(data: bytes) -> None:
    vp = load("vbaproject")
    packed = vp.compress(data)
    assert bytes(decompress_stream(bytearray(packed))) == data
    assert vp.decompress(packed) == data


def test_compound_file_round_trips_through_olefile() -> None:
    import io

    import olefile

    vp = load("vbaproject")
    root = vp.Entry(
        "Root Entry",
        None,
        children=[
            vp.Entry("small", b"x" * 100),
            vp.Entry("big", bytes(range(256)) * 40),
            vp.Entry("VBA", None, children=[vp.Entry("dir", b"d" * 5000), vp.Entry("m", b"")]),
        ],
    )
    blob = vp.write_cfb(root)
    ole = olefile.OleFileIO(io.BytesIO(blob))
    assert ole.openstream("small").read() == b"x" * 100
    assert ole.openstream("big").read() == bytes(range(256)) * 40
    assert ole.openstream("VBA/dir").read() == b"d" * 5000
    assert ole.openstream("VBA/m").read() == b""


@pytest.mark.libreoffice
def test_libreoffice_reads_the_rebuilt_vba_project(soffice: str, tmp_path: Path) -> None:
    """An independent reader of the compound file and the VBA streams: LibreOffice imports
    every module of the rebuilt project with its new names and text.  (It refuses the
    add-in content type, so the same parts are offered to it as a macro workbook.)"""
    from tests.conftest import run_soffice

    src = tmp_path / "xladdin.xlsm"
    with zipfile.ZipFile(XLAM) as zin, zipfile.ZipFile(src, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"application/vnd.ms-excel.addin.macroEnabled.main+xml",
                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
                )
            zout.writestr(info.filename, data)
    proc = run_soffice(soffice, ["--convert-to", "ods", src.name], cwd=tmp_path)
    ods = tmp_path / "xladdin.ods"
    assert ods.exists(), proc.stderr[-1000:]
    with zipfile.ZipFile(ods) as z:
        modules = {Path(n).stem for n in z.namelist() if n.startswith("Basic/xladdin/") and n.endswith(".xml")}
        ribbon = z.read("Basic/xladdin/RibbonXladdin.xml").decode("utf-8")
        xlw = z.read("Basic/xladdin/xlwings.xml").decode("utf-8")
    assert modules >= {"RibbonXladdin", "xlwings", "Dictionary", "ThisWorkbook", "Sheet2"}
    for sub in ("JxCheck", "JxClear", "JxCosts", "JxFill", "JxNewProject", "JxFormat", "JxRollover", "JxUndo"):
        assert f"Sub {sub}(control As IRibbonControl)" in ribbon
    assert "PROJECT_NAME As String = &quot;xladdin&quot;" in xlw
