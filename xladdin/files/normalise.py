"""A package openpyxl can load without losing anything to its spelling: Strict Open XML, part-name case.

Two things in real files make openpyxl load a workbook as less than it is, without a word:

* **Strict Open XML** (Excel's “Strict Open XML 电子表格” save, ISO/IEC 29500 Strict): the
  same content in other namespaces.  openpyxl knows only the transitional ones and loads
  such a workbook as zero sheets, so a marked copy held only the tool's own sheets.  The
  namespaces map one to one (ISO/IEC 29500-1, annex A), and DrawingML's percentages are
  written as "50%" instead of 50000; the conversion rewrites both.  What is written is then
  an ordinary (transitional) workbook, which every Excel since 2007 opens, and the user
  is told so.
* **Part names in another letter case** than the relationships name them
  (``_rels/Sheet1.xml.rels`` for ``sheet1.xml``): OPC part names are case-insensitive and
  Excel finds them; openpyxl looks them up exactly and drops what it does not find (four
  charts in one real file).  The parts are renamed to the names they are linked by.

``prepare`` returns the file itself when nothing needs changing (the usual case, no copy),
else a converted copy in a private temporary folder that ``Prepared.close`` removes on every
way out.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from xladdin.files.package import Package, rels_name
from xladdin.files.vetting import OOXML_SUFFIXES

# ISO/IEC 29500-1 Strict namespace → its transitional twin.  Longest first, so that a
# namespace is never rewritten by the rule of its own prefix.
STRICT_NAMESPACES: tuple[tuple[str, str], ...] = (
    (
        "http://purl.oclc.org/ooxml/officeDocument/relationships/extendedProperties",
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties",
    ),
    (
        "http://purl.oclc.org/ooxml/officeDocument/relationships/customProperties",
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties",
    ),
    (
        "http://purl.oclc.org/ooxml/officeDocument/relationships",
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    ),
    (
        "http://purl.oclc.org/ooxml/officeDocument/extendedProperties",
        "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties",
    ),
    (
        "http://purl.oclc.org/ooxml/officeDocument/customProperties",
        "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties",
    ),
    (
        "http://purl.oclc.org/ooxml/officeDocument/docPropsVTypes",
        "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes",
    ),
    (
        "http://purl.oclc.org/ooxml/officeDocument/sharedTypes",
        "http://schemas.openxmlformats.org/officeDocument/2006/sharedTypes",
    ),
    (
        "http://purl.oclc.org/ooxml/officeDocument/bibliography",
        "http://schemas.openxmlformats.org/officeDocument/2006/bibliography",
    ),
    (
        "http://purl.oclc.org/ooxml/officeDocument/characteristics",
        "http://schemas.openxmlformats.org/officeDocument/2006/characteristics",
    ),
    ("http://purl.oclc.org/ooxml/officeDocument/math", "http://schemas.openxmlformats.org/officeDocument/2006/math"),
    ("http://purl.oclc.org/ooxml/spreadsheetml/main", "http://schemas.openxmlformats.org/spreadsheetml/2006/main"),
    (
        "http://purl.oclc.org/ooxml/drawingml/spreadsheetDrawing",
        "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing",
    ),
    (
        "http://purl.oclc.org/ooxml/drawingml/wordprocessingDrawing",
        "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    ),
    (
        "http://purl.oclc.org/ooxml/drawingml/chartDrawing",
        "http://schemas.openxmlformats.org/drawingml/2006/chartDrawing",
    ),
    (
        "http://purl.oclc.org/ooxml/drawingml/lockedCanvas",
        "http://schemas.openxmlformats.org/drawingml/2006/lockedCanvas",
    ),
    (
        "http://purl.oclc.org/ooxml/drawingml/compatibility",
        "http://schemas.openxmlformats.org/drawingml/2006/compatibility",
    ),
    ("http://purl.oclc.org/ooxml/drawingml/diagram", "http://schemas.openxmlformats.org/drawingml/2006/diagram"),
    ("http://purl.oclc.org/ooxml/drawingml/picture", "http://schemas.openxmlformats.org/drawingml/2006/picture"),
    ("http://purl.oclc.org/ooxml/drawingml/chart", "http://schemas.openxmlformats.org/drawingml/2006/chart"),
    ("http://purl.oclc.org/ooxml/drawingml/main", "http://schemas.openxmlformats.org/drawingml/2006/main"),
    ("http://purl.oclc.org/ooxml/schemaLibrary/main", "http://schemas.openxmlformats.org/schemaLibrary/2006/main"),
)
_STRICT_RE = re.compile("|".join(re.escape(s) for s, _ in STRICT_NAMESPACES).encode())
_STRICT_MAP = {s.encode(): t.encode() for s, t in STRICT_NAMESPACES}

# Attributes that only Strict has, or that mean something else in transitional.
_STRICT_ONLY_ATTRS = re.compile(rb"""\s(?:conformance|dateCompatibility)\s*=\s*["'][^"']*["']""")

# DrawingML: a percentage is "50%" in Strict and 50000 (thousandths) in transitional, except the
# chart elements whose transitional form is a plain percent (gapWidth 150, overlap -20 …).
_PERCENT_ATTR = re.compile(rb"""(\s[\w:]*\s*=\s*)(["'])(-?[0-9]+(?:\.[0-9]+)?)%\2""")
_PLAIN_PERCENT_ELEMENTS = re.compile(
    rb"""(<(?:[\w]+:)?(?:gapWidth|overlap|holeSize|secondPieSize|bubbleScale|thickness|magnification|hPercent|rotY|"""
    rb"""depthPercent|rotX|perspective|smooth|explosion)\b[^>]*?\sval\s*=\s*)(["'])(-?[0-9]+(?:\.[0-9]+)?)%\2"""
)


@dataclass
class Prepared:
    """The package to load: ``path`` (the input itself, or a converted copy), and what to tell the user."""

    path: Path
    source: Path
    notices: list[str] = field(default_factory=list)
    strict: bool = False
    folder: Path | None = None  # the private temporary folder of a copy

    def close(self) -> None:
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None

    def __enter__(self) -> Prepared:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def prepare(source: Path) -> Prepared:
    """``source`` as openpyxl can load it whole (see the module's docstring); the caller closes it."""
    with Package(source) as pkg:
        strict = pkg.strict()
        renames = _case_renames(pkg)
    # an .xlsx renamed .xls (vetting.is_ooxml_workbook) is loaded as the .xlsx it is: openpyxl goes by the name
    renamed = source.suffix.lower() not in OOXML_SUFFIXES
    if not strict and not renames and not renamed:
        return Prepared(source, source)
    folder = Path(tempfile.mkdtemp(prefix="xladdin-"))
    suffix = ".xlsx" if renamed else source.suffix.lower()
    prepared = Prepared(folder / ("input" + suffix), source, strict=strict, folder=folder)
    try:
        if strict or renames:
            _rewrite(source, prepared.path, strict, renames)
        else:
            shutil.copyfile(source, prepared.path)
    except BaseException:
        prepared.close()
        raise
    if strict:
        prepared.notices.append(
            f"{source.name} 是“Strict Open XML”格式，已按常规的 Excel 工作簿格式（.xlsx）写出，内容不变；"
            "Excel 2007 及以后的版本和 WPS 都能打开。"
        )
    return prepared


def _case_renames(pkg: Package) -> dict[str, str]:
    """Zip entry → the name the package's relationships use for it, where the two differ only in case.

    First every part a relationship names is given that name; then each part's relationships
    part is given the name that goes with the part's (new) name.
    """
    renames: dict[str, str] = {}
    names = [n for n in pkg.infos if not n.endswith("/")]
    sources = [""] + [n for n in names if not n.lower().endswith(".rels")]
    for part in sources:
        for rel in pkg.rels(part):
            if rel.external:
                continue
            real = pkg.real(rel.target)
            if real is not None and real != rel.target and rel.target not in pkg.infos and real not in renames:
                renames[real] = rel.target
    for name in sources[1:]:
        want = rels_name(renames.get(name, name))
        real = pkg.real(rels_name(name)) or pkg.real(want)
        if real is not None and real != want and want not in pkg.infos:
            renames[real] = want
    if pkg.real("[Content_Types].xml") not in (None, "[Content_Types].xml"):
        renames[pkg.real("[Content_Types].xml") or ""] = "[Content_Types].xml"
    return renames


def _rewrite(source: Path, dest: Path, strict: bool, renames: dict[str, str]) -> None:
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename.endswith("/"):
                continue
            data = zin.read(info)
            name = renames.get(info.filename, info.filename)
            if strict and _is_xml(name):
                data = to_transitional(data, drawing=_is_drawing(name))
            zout.writestr(name, data)


def _is_xml(name: str) -> bool:
    return name.lower().endswith((".xml", ".rels", ".vml"))


def _is_drawing(name: str) -> bool:
    low = name.lower()
    return low.startswith(("xl/drawings/", "xl/charts/", "xl/theme/")) and low.endswith(".xml")


def to_transitional(data: bytes, drawing: bool = False) -> bytes:
    """One XML part of a Strict package in transitional spelling."""
    data = _STRICT_RE.sub(lambda m: _STRICT_MAP[m.group(0)], data)
    data = _STRICT_ONLY_ATTRS.sub(b"", data)
    if drawing:
        data = _PLAIN_PERCENT_ELEMENTS.sub(lambda m: m.group(1) + m.group(2) + m.group(3) + m.group(2), data)
        data = _PERCENT_ATTR.sub(
            lambda m: m.group(1) + m.group(2) + str(round(float(m.group(3)) * 1000)).encode() + m.group(2), data
        )
    return data
