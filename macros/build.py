"""Build ``macros/xladdin.xlam`` from the sources in ``macros/``, reproducibly.

    python macros/build.py            # writes macros/xladdin.xlam
    python macros/build.py --check    # fails when the committed .xlam is not what the sources give

Starts from the template that the pinned xlwings itself produces
(``xlwings quickstart NAME --addin --ribbon``) so the add-in's VBA always matches the
Python package's version (the add-in loads a DLL named after it), then applies
xlwings' custom add-in rules (docs: "Custom Add-ins"):

* the ribbon: ``customUI/customUI.xml`` ← ``xladdin.excel.ribbon.ribbon_xml()`` (the button table);
* the callback module: ``RibbonMyAddin`` renamed ``RibbonXladdin``, its code ←
  ``xladdin.excel.ribbon.callbacks_bas()`` (the same table);
* ``PROJECT_NAME`` in the xlwings module ← "xladdin", the VBA project renamed;
* the config sheet ``_myaddin.conf`` renamed ``xladdin.conf`` (active) with the values
  of ``macros/xladdin.conf.toml``.

The zip is written with fixed timestamps and order, so the same sources give the same
bytes.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from xladdin.excel.ribbon import callbacks_bas, ribbon_xml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from vbaproject import VbaProject  # noqa: E402

NAME = "xladdin"
OUTPUT = HERE / "xladdin.xlam"
RIBBON_MODULE = "RibbonXladdin"
TEMPLATE_RIBBON_MODULE = "RibbonMyAddin"
TEMPLATE_CONF_SHEET = "_myaddin.conf"
CONF_SHEET = f"{NAME}.conf"
FIXED_TIME = (1980, 1, 1, 0, 0, 0)


class BuildError(Exception):
    pass


def pinned_xlwings() -> str:
    """The exact xlwings version pyproject.toml pins."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    m = re.search(r'"xlwings==([^"]+)"', text)
    if not m:
        raise BuildError("pyproject.toml does not pin xlwings with ==")
    return m.group(1)


def quickstart_template(workdir: Path) -> Path:
    """Run the installed xlwings' quickstart and return the .xlam it made."""
    import xlwings

    if xlwings.__version__ != pinned_xlwings():
        raise BuildError(f"installed xlwings {xlwings.__version__} ≠ pinned {pinned_xlwings()}: install the pinned one")
    code = "import sys; from xlwings.cli import main; sys.argv = ['xlwings'] + sys.argv[1:]; main()"
    proc = subprocess.run(
        [sys.executable, "-c", code, "quickstart", NAME, "--addin", "--ribbon"],
        cwd=workdir,
        capture_output=True,
        text=True,
    )
    xlam = workdir / NAME / f"{NAME}.xlam"
    if proc.returncode != 0 or not xlam.exists():
        raise BuildError(f"xlwings quickstart failed: {proc.stderr[-500:]}")
    return xlam


def ribbon_source() -> str:
    """The callback module (from the button table), checked: it names its module and stays ASCII."""
    text = callbacks_bas()
    first = text.split("\n", 1)[0]
    if first != f'Attribute VB_Name = "{RIBBON_MODULE}"':
        raise BuildError(f"{RIBBON_MODULE}.bas must start with its Attribute VB_Name line")
    return text


def patch_vba(blob: bytes, xlwings_version: str) -> bytes:
    project = VbaProject.load(blob)
    names = project.module_names()
    if TEMPLATE_RIBBON_MODULE not in names or "xlwings" not in names:
        raise BuildError(f"unexpected template modules: {names}")
    xlw = project.source("xlwings")
    if f'XLWINGS_VERSION As String = "{xlwings_version}"' not in xlw:
        raise BuildError("the template's xlwings module is not of the pinned version")
    const = 'Public Const PROJECT_NAME As String = "myaddin"'
    if const not in xlw:
        raise BuildError("PROJECT_NAME constant not found in the template")
    project.set_source("xlwings", xlw.replace(const, f'Public Const PROJECT_NAME As String = "{NAME}"'))
    project.rename_module(TEMPLATE_RIBBON_MODULE, RIBBON_MODULE)
    project.set_source(RIBBON_MODULE, ribbon_source())
    project.rename_project(NAME)
    return project.save()


def config_values() -> list[tuple[str, str]]:
    data = tomllib.loads((HERE / "xladdin.conf.toml").read_text(encoding="utf-8"))
    return [(k, str(v)) for k, v in data.get("sheet", {}).items()]


def config_sheet_xml(template: str, values: list[tuple[str, str]]) -> str:
    """The conf sheet with our keys in A and values in B (inline strings, text style 1)."""
    rows = "".join(
        f'<row r="{i}"><c r="A{i}" s="1" t="inlineStr"><is><t>{escape(k)}</t></is></c>'
        f'<c r="B{i}" s="1" t="inlineStr"><is><t>{escape(v)}</t></is></c></row>'
        for i, (k, v) in enumerate(values, start=1)
    )
    out, n = re.subn(r"<sheetData>.*</sheetData>", f"<sheetData>{rows}</sheetData>", template, flags=re.S)
    if n != 1:
        raise BuildError("conf sheet: sheetData not found")
    last = max(len(values), 1)
    return re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="A1:B{last}" />', out)


def build(output: Path = OUTPUT) -> bytes:
    """Build the add-in; returns its bytes (also written to ``output`` unless it is None)."""
    version = pinned_xlwings()
    with tempfile.TemporaryDirectory() as tmp:
        template = quickstart_template(Path(tmp))
        with zipfile.ZipFile(template) as zin:
            parts = [(i.filename, zin.read(i.filename)) for i in zin.infolist()]
    names = [n for n, _ in parts]
    for required in ("customUI/customUI.xml", "xl/vbaProject.bin", "xl/workbook.xml"):
        if required not in names:
            raise BuildError(f"template lacks {required}")
    conf_part = _conf_sheet_part(dict(parts))
    out_parts = []
    for name, data in parts:
        if name == "customUI/customUI.xml":
            data = ribbon_xml().encode("utf-8")
        elif name == "xl/vbaProject.bin":
            data = patch_vba(data, version)
        elif name == "xl/workbook.xml":
            text = data.decode("utf-8")
            if f'name="{TEMPLATE_CONF_SHEET}"' not in text:
                raise BuildError("template conf sheet not found in workbook.xml")
            data = text.replace(f'name="{TEMPLATE_CONF_SHEET}"', f'name="{CONF_SHEET}"').encode("utf-8")
        elif name == conf_part:
            data = config_sheet_xml(data.decode("utf-8"), config_values()).encode("utf-8")
        out_parts.append((name, data))
    blob = _zip(out_parts)
    if output is not None:
        output.write_bytes(blob)
    return blob


def _conf_sheet_part(parts: dict[str, bytes]) -> str:
    """The worksheet part of the conf sheet (workbook.xml's r:id → workbook.xml.rels target)."""
    wb = parts["xl/workbook.xml"].decode("utf-8")
    m = re.search(rf'<sheet name="{re.escape(TEMPLATE_CONF_SHEET)}"[^>]*r:id="([^"]+)"', wb)
    rels = parts["xl/_rels/workbook.xml.rels"].decode("utf-8")
    if not m:
        raise BuildError("conf sheet has no relationship id")
    t = re.search(rf'<Relationship[^>]*Id="{m.group(1)}"[^>]*Target="([^"]+)"', rels) or re.search(
        rf'<Relationship[^>]*Target="([^"]+)"[^>]*Id="{m.group(1)}"', rels
    )
    if not t:
        raise BuildError("conf sheet part not found")
    target = t.group(1).lstrip("/")
    return target if target.startswith("xl/") else f"xl/{target}"


def _zip(parts: list[tuple[str, bytes]]) -> bytes:
    import io

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts:
            info = zipfile.ZipInfo(name, FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data)
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Build macros/xladdin.xlam from macros/ sources.")
    ap.add_argument("--check", action="store_true", help="only compare with the committed add-in")
    ap.add_argument("-o", "--output", type=Path, default=OUTPUT)
    args = ap.parse_args(argv)
    try:
        if args.check:
            fresh = build(None)  # type: ignore[arg-type]
            if not args.output.exists() or args.output.read_bytes() != fresh:
                print(f"{args.output} is out of date: run python macros/build.py", file=sys.stderr)
                return 1
            print(f"{args.output} is up to date")
            return 0
        build(args.output)
    except BuildError as exc:
        print(f"build failed: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
