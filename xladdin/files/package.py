"""A workbook package as parts: names (case-insensitive, as OPC says), relationships, content types, sheets.

The write path looks at packages below what openpyxl shows — what the input holds that
openpyxl would not write back (``carry``), whether the written file still holds everything
(``verify``) — and all of it starts from the same few questions: which part is the
workbook, which sheet lives in which part and of what kind, what a part links to.  They
are answered here once.  Parts are parsed with defusedxml's rules (no DTD, no entities):
every package reaching this module has been vetted, and a broken part is ``None``, not an
exception, so the caller decides what a missing answer means.
"""

from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
STRICT_MAIN = "http://purl.oclc.org/ooxml/spreadsheetml/main"
STRICT_DOC_REL = "http://purl.oclc.org/ooxml/officeDocument/relationships"

# The sheet kinds a workbook's <sheet> can point at, by its relationship type's last segment.
SHEET_KINDS = {
    "worksheet": "worksheet",
    "chartsheet": "chartsheet",
    "dialogsheet": "dialogsheet",
    "xlMacrosheet": "macrosheet",
    "xlIntlMacrosheet": "macrosheet",
}

MAX_PARSED_PART = 64 * 1024 * 1024  # a part larger than this is not parsed whole (sheets are streamed)


@dataclass(frozen=True)
class Rel:
    id: str
    type: str  # the full type URI
    target: str  # absolute part name (no leading "/"), or the URL of an external target
    external: bool = False

    @property
    def kind(self) -> str:
        """The type's last segment (worksheet, drawing, customXml …): the same in Strict and transitional."""
        return self.type.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class SheetEntry:
    name: str
    kind: str  # worksheet, chartsheet, dialogsheet, macrosheet, or the rel's kind when unknown
    state: str  # visible, hidden, veryHidden
    part: str | None  # the part's real name in the package (None: the target is missing)
    rid: str


def local(tag: Any) -> str:
    """An element's name without its namespace (comments and PIs have none)."""
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def parse_xml(data: bytes) -> Any:
    """A part's root element, parsed with no DTD and no entities; None when it is not well-formed."""
    from defusedxml import ElementTree as SafeET

    try:
        return SafeET.fromstring(data)
    except Exception:  # defusedxml's own errors for DTDs and entities, ParseError for the rest
        return None


def rels_name(part: str) -> str:
    """The relationships part of ``part`` ("" is the package itself)."""
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def resolve(source_part: str, target: str) -> str:
    """A relationship target as an absolute part name (OPC: relative to the source part's folder)."""
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(posixpath.dirname(source_part), target)).lstrip("/")


class Package:
    """A zip package opened for reading its parts; use as a context manager."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.zf = zipfile.ZipFile(self.path)
        self.infos = {i.filename: i for i in self.zf.infolist()}
        self.lower = {n.lower(): n for n in self.infos}
        self._rels: dict[str, list[Rel]] = {}
        self._xml: dict[str, Any] = {}

    def __enter__(self) -> Package:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.zf.close()

    # ------------------------------------------------------------------ parts

    def real(self, name: str) -> str | None:
        """The name a part really has in the zip, found case-insensitively (OPC part names are)."""
        name = name.lstrip("/")
        if name in self.infos:
            return name
        return self.lower.get(name.lower())

    def has(self, name: str) -> bool:
        return self.real(name) is not None

    def size(self, name: str) -> int:
        real = self.real(name)
        return self.infos[real].file_size if real else 0

    def read(self, name: str) -> bytes | None:
        real = self.real(name)
        return self.zf.read(real) if real is not None else None

    def xml(self, name: str) -> Any:
        """A small part's root element (cached); None when missing, too big or not well-formed."""
        real = self.real(name)
        if real is None:
            return None
        if real not in self._xml:
            if self.infos[real].file_size > MAX_PARSED_PART:
                self._xml[real] = None
            else:
                self._xml[real] = parse_xml(self.zf.read(real))
        return self._xml[real]

    # ------------------------------------------------------------------ relationships

    def rels(self, part: str) -> list[Rel]:
        """The relationships of ``part`` ("" for the package), targets made absolute."""
        key = part.lower()
        if key not in self._rels:
            root = self.xml(rels_name(part))
            out = []
            for el in root if root is not None else ():
                if local(el.tag) != "Relationship":
                    continue
                target = el.get("Target") or ""
                external = el.get("TargetMode") == "External"
                out.append(
                    Rel(
                        el.get("Id") or "",
                        el.get("Type") or "",
                        target if external else resolve(part, target),
                        external,
                    )
                )
            self._rels[key] = out
        return self._rels[key]

    def workbook_part(self) -> str:
        for rel in self.rels(""):
            if rel.kind == "officeDocument" and not rel.external:
                return self.real(rel.target) or rel.target
        return self.real("xl/workbook.xml") or "xl/workbook.xml"

    def workbook(self) -> Any:
        return self.xml(self.workbook_part())

    def strict(self) -> bool:
        """Strict Open XML (ISO 29500 Strict): its own namespaces, which openpyxl does not know."""
        root = self.workbook()
        return root is not None and root.tag.startswith("{" + STRICT_MAIN)

    def sheets(self) -> list[SheetEntry]:
        """Every sheet of the workbook in tab order, with its kind and its part."""
        wb_part = self.workbook_part()
        root = self.workbook()
        if root is None:
            return []
        rels = {r.id: r for r in self.rels(wb_part)}
        out = []
        for el in root.iter():
            if local(el.tag) != "sheet":
                continue
            rid = next((v for k, v in el.attrib.items() if local(k) == "id"), "")
            rel = rels.get(rid)
            kind = SHEET_KINDS.get(rel.kind, rel.kind) if rel is not None else "?"
            part = self.real(rel.target) if rel is not None and not rel.external else None
            out.append(SheetEntry(el.get("name") or "", kind, el.get("state") or "visible", part, rid))
        return out

    def content_types(self) -> dict[str, str]:
        """Part name (lower case) → its content type, from overrides and extension defaults."""
        root = self.xml("[Content_Types].xml")
        defaults: dict[str, str] = {}
        overrides: dict[str, str] = {}
        for el in root if root is not None else ():
            if local(el.tag) == "Default":
                defaults[(el.get("Extension") or "").lower()] = el.get("ContentType") or ""
            elif local(el.tag) == "Override":
                overrides[(el.get("PartName") or "").lstrip("/").lower()] = el.get("ContentType") or ""
        out = {}
        for name in self.infos:
            low = name.lower()
            if name.endswith("/") or low == "[content_types].xml" or low.endswith(".rels"):
                continue
            out[low] = overrides.get(low) or defaults.get(low.rsplit(".", 1)[-1], "")
        return out

    def closure(self, part: str) -> list[str]:
        """``part`` and every part it reaches through relationships, each once, in a stable order."""
        seen: list[str] = []
        todo = [part]
        while todo:
            p = todo.pop(0)
            real = self.real(p)
            if real is None or real in seen:
                continue
            seen.append(real)
            todo.extend(r.target for r in self.rels(real) if not r.external)
        return seen
