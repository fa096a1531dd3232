"""Build small workbooks that hold one Excel feature each, for the preservation tests.

openpyxl can create some features itself (charts, notes, validation, conditional
formatting, names, links); the rest (shapes, form controls, slicers, OLE objects …) are
injected as the parts and relationships Excel writes, into a workbook openpyxl made.
The XML follows what Excel 2016–365 writes, reduced to what identifies the feature.

Used by ``test_preserve.py`` (does the detector agree with what a real openpyxl
load/save keeps?) and ``test_safe_write.py``.
"""

from __future__ import annotations

import base64
import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import xlwings

REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
XDR = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
DRAWINGML = "http://schemas.openxmlformats.org/drawingml/2006/main"

# A 1×1 red PNG: small enough to inline, real enough for Pillow to open.
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC")

VBA_SOURCE = Path(xlwings.__file__).parent / "quickstart.xlsm"


def vba_project_bin() -> bytes:
    """A real VBA project (xlwings' quickstart workbook ships one)."""
    with zipfile.ZipFile(VBA_SOURCE) as zf:
        return zf.read("xl/vbaProject.bin")


# --------------------------------------------------------------------------- base


def base_workbook(path: Path, rich: bool = False) -> Path:
    """A plain workbook: one sheet with a few values, saved by openpyxl."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws["A1"] = "项目名称"
    ws["B1"] = 100
    ws["A2"] = "合计"
    ws["B2"] = "=SUM(B1:B1)"
    wb.save(path)
    return path


class Package:
    """The parts of a zip package in memory, with helpers to add parts and relationships."""

    def __init__(self, path: Path) -> None:
        with zipfile.ZipFile(path) as zf:
            self.parts: dict[str, bytes] = {n: zf.read(n) for n in zf.namelist()}

    def text(self, name: str) -> str:
        return self.parts[name].decode("utf-8")

    def put(self, name: str, data: bytes | str, content_type: str | None = None) -> None:
        self.parts[name] = data.encode("utf-8") if isinstance(data, str) else data
        if content_type:
            self.override(name, content_type)

    def override(self, name: str, content_type: str) -> None:
        ct = self.text("[Content_Types].xml")
        entry = f'<Override PartName="/{name}" ContentType="{content_type}"/>'
        self.parts["[Content_Types].xml"] = ct.replace("</Types>", entry + "</Types>").encode()

    def default(self, ext: str, content_type: str) -> None:
        ct = self.text("[Content_Types].xml")
        if f'Extension="{ext}"' in ct:
            return
        entry = f'<Default Extension="{ext}" ContentType="{content_type}"/>'
        self.parts["[Content_Types].xml"] = ct.replace("</Types>", entry + "</Types>").encode()

    def relate(self, source: str, rel_type: str, target: str) -> str:
        """Add a relationship from ``source`` (a part name, or "" for the package); returns its id."""
        folder, _, base = source.rpartition("/")
        rels = f"{folder}/_rels/{base}.rels" if source else "_rels/.rels"
        xml = self.parts.get(rels, f'<Relationships xmlns="{PKG_REL}"></Relationships>'.encode()).decode()
        n = 1
        while f'Id="rIdx{n}"' in xml:
            n += 1
        rid = f"rIdx{n}"
        entry = f'<Relationship Id="{rid}" Type="{rel_type}" Target="{target}"/>'
        xml = re.sub(r"</Relationships>\s*$", entry + "</Relationships>", xml)
        self.parts[rels] = xml.encode()
        return rid

    def sheet_insert(self, xml: str, before: tuple[str, ...] = (), sheet: str = "xl/worksheets/sheet1.xml") -> None:
        """Insert ``xml`` into a sheet before the first of ``before`` found, else before the end tag."""
        text = self.text(sheet)
        for tag in before:
            i = text.find(f"<{tag}")
            if i >= 0:
                self.parts[sheet] = (text[:i] + xml + text[i:]).encode()
                return
        self.parts[sheet] = text.replace("</worksheet>", xml + "</worksheet>").encode()

    def sheet_namespaces(self, sheet: str = "xl/worksheets/sheet1.xml", **prefixes: str) -> None:
        text = self.text(sheet)
        root = re.search(r"<worksheet\b[^>]*>", text)
        head = root.group(0) if root else ""
        decl = "".join(f' xmlns:{p}="{uri}"' for p, uri in prefixes.items() if f"xmlns:{p}=" not in head)
        self.parts[sheet] = re.sub(r"<worksheet\b", "<worksheet" + decl, text, count=1).encode()

    def save(self, path: Path) -> Path:
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            for name in ["[Content_Types].xml", *sorted(n for n in self.parts if n != "[Content_Types].xml")]:
                zf.writestr(name, self.parts[name])
        return path


# Elements after which sheet-level parts go, in schema order (CT_Worksheet).
_AFTER_DRAWING = ("legacyDrawing", "legacyDrawingHF", "picture", "oleObjects", "controls", "tableParts", "extLst")
_AFTER_LEGACY = ("legacyDrawingHF", "picture", "oleObjects", "controls", "tableParts", "extLst")


def _drawing(pkg: Package, anchors: str) -> str:
    """Add a drawing part to sheet1 holding ``anchors``; returns the drawing part name."""
    name = "xl/drawings/drawing1.xml"
    xml = (
        '<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
        f'xmlns:r="{REL}">{anchors}</xdr:wsDr>'
    )
    pkg.put(name, xml, "application/vnd.openxmlformats-officedocument.drawing+xml")
    rid = pkg.relate("xl/worksheets/sheet1.xml", f"{REL}/drawing", "../drawings/drawing1.xml")
    pkg.sheet_insert(f'<drawing r:id="{rid}"/>', _AFTER_DRAWING)
    _ensure_r(pkg)
    return name


def _ensure_r(pkg: Package, sheet: str = "xl/worksheets/sheet1.xml") -> None:
    pkg.sheet_namespaces(sheet, r=REL)


def _anchor(inner: str, row: int = 3) -> str:
    return (
        f"<xdr:twoCellAnchor><xdr:from><xdr:col>3</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>{row}</xdr:row>"
        f"<xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to><xdr:col>6</xdr:col><xdr:colOff>0</xdr:colOff>"
        f"<xdr:row>{row + 5}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to>{inner}<xdr:clientData/></xdr:twoCellAnchor>"
    )


_SP_PR = '<xdr:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="1000000" cy="500000"/></a:xfrm><a:prstGeom prst="{g}"><a:avLst/></a:prstGeom></xdr:spPr>'


def _textbox_xml(text: str = "说明：本表由财务科填写") -> str:
    return (
        '<xdr:sp macro="" textlink=""><xdr:nvSpPr><xdr:cNvPr id="2" name="TextBox 1"/><xdr:cNvSpPr txBox="1"/>'
        "</xdr:nvSpPr>" + _SP_PR.format(g="rect") + f"<xdr:txBody><a:bodyPr/><a:lstStyle/><a:p><a:r><a:t>{text}</a:t>"
        "</a:r></a:p></xdr:txBody></xdr:sp>"
    )


def _pic_xml(rid: str) -> str:
    return (
        '<xdr:pic><xdr:nvPicPr><xdr:cNvPr id="3" name="Picture 2" descr="公章"/><xdr:cNvPicPr>'
        '<a:picLocks noChangeAspect="1"/></xdr:cNvPicPr></xdr:nvPicPr><xdr:blipFill>'
        f'<a:blip r:embed="{rid}"/><a:stretch><a:fillRect/></a:stretch></xdr:blipFill>'
        + _SP_PR.format(g="rect")
        + "</xdr:pic>"
    )


# --------------------------------------------------------------------------- features


def add_textbox(pkg: Package) -> None:
    _drawing(pkg, _anchor(_textbox_xml()))


def add_shape(pkg: Package) -> None:
    shape = (
        '<xdr:sp macro="" textlink=""><xdr:nvSpPr><xdr:cNvPr id="4" name="Arrow 3"/><xdr:cNvSpPr/></xdr:nvSpPr>'
        + _SP_PR.format(g="rightArrow")
        + "</xdr:sp>"
    )
    connector = (
        '<xdr:cxnSp macro=""><xdr:nvCxnSpPr><xdr:cNvPr id="5" name="Connector 4"/><xdr:cNvCxnSpPr/></xdr:nvCxnSpPr>'
        + _SP_PR.format(g="line")
        + "</xdr:cxnSp>"
    )
    _drawing(pkg, _anchor(shape) + _anchor(connector, row=10))


def add_image(pkg: Package) -> None:
    name = "xl/drawings/drawing1.xml"
    pkg.put("xl/media/image1.png", PNG)
    pkg.default("png", "image/png")
    rid = pkg.relate(name, f"{REL}/image", "../media/image1.png")
    _drawing(pkg, _anchor(_pic_xml(rid)))


def add_image_and_textbox(pkg: Package) -> None:
    name = "xl/drawings/drawing1.xml"
    pkg.put("xl/media/image1.png", PNG)
    pkg.default("png", "image/png")
    rid = pkg.relate(name, f"{REL}/image", "../media/image1.png")
    _drawing(pkg, _anchor(_pic_xml(rid)) + _anchor(_textbox_xml(), row=12))


def add_chartex(pkg: Package) -> None:
    """A 2016 chart type (waterfall): lives in a chartEx part behind mc:AlternateContent."""
    cx = "http://schemas.microsoft.com/office/drawing/2014/chartex"
    pkg.put(
        "xl/charts/chartEx1.xml",
        f'<cx:chartSpace xmlns:cx="{cx}"><cx:chartData><cx:data id="0"><cx:numDim type="val">'
        "<cx:f>Sheet1!$B$1:$B$2</cx:f></cx:numDim></cx:data></cx:chartData><cx:chart><cx:plotArea><cx:plotAreaRegion>"
        '<cx:series layoutId="waterfall"><cx:dataId val="0"/></cx:series></cx:plotAreaRegion></cx:plotArea></cx:chart>'
        "</cx:chartSpace>",
        "application/vnd.ms-office.chartex+xml",
    )
    rid = pkg.relate(
        "xl/drawings/drawing1.xml",
        "http://schemas.microsoft.com/office/2014/relationships/chartEx",
        "../charts/chartEx1.xml",
    )
    frame = (
        '<mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
        '<mc:Choice xmlns:cx1="http://schemas.microsoft.com/office/drawing/2015/9/8/chartex" Requires="cx1">'
        '<xdr:graphicFrame macro=""><xdr:nvGraphicFramePr><xdr:cNvPr id="2" name="Chart 1"/><xdr:cNvGraphicFramePr/>'
        '</xdr:nvGraphicFramePr><xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm><a:graphic>'
        '<a:graphicData uri="http://schemas.microsoft.com/office/drawing/2014/chartex">'
        f'<cx:chart xmlns:cx="{cx}" r:id="{rid}"/></a:graphicData></a:graphic></xdr:graphicFrame></mc:Choice>'
        "<mc:Fallback>" + _textbox_xml("此图表在您的 Excel 版本中不可用") + "</mc:Fallback></mc:AlternateContent>"
    )
    _drawing(pkg, _anchor(frame))


def add_form_button(pkg: Package) -> None:
    """A form-control button (按钮) bound to a macro: ctrlProps + VML + <controls>."""
    pkg.put(
        "xl/ctrlProps/ctrlProp1.xml",
        '<formControlPr xmlns="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main" objectType="Button" lockText="1"/>',
        "application/vnd.ms-excel.controlproperties+xml",
    )
    pkg.put(
        "xl/drawings/vmlDrawing1.vml",
        '<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
        'xmlns:x="urn:schemas-microsoft-com:office:excel"><v:shape id="_x0000_s1025" type="#_x0000_t201" '
        'style="position:absolute;width:96pt;height:30pt"><v:textbox><div>校验</div></v:textbox>'
        '<x:ClientData ObjectType="Button"><x:Anchor>3, 0, 3, 0, 5, 0, 5, 0</x:Anchor>'
        "<x:FmlaMacro>[0]!Check</x:FmlaMacro></x:ClientData></v:shape></xml>",
    )
    pkg.default("vml", "application/vnd.openxmlformats-officedocument.vmlDrawing")
    vml = pkg.relate("xl/worksheets/sheet1.xml", f"{REL}/vmlDrawing", "../drawings/vmlDrawing1.vml")
    ctrl = pkg.relate("xl/worksheets/sheet1.xml", f"{REL}/ctrlProp", "../ctrlProps/ctrlProp1.xml")
    pkg.sheet_insert(f'<legacyDrawing r:id="{vml}"/>', _AFTER_LEGACY)
    pkg.sheet_insert(
        '<mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
        '<mc:Choice Requires="x14"><controls><mc:AlternateContent><mc:Choice Requires="x14">'
        f'<control shapeId="1025" r:id="{ctrl}" name="Button 1"><controlPr defaultSize="0" print="0" autoFill="0" '
        'autoPict="0" macro="[0]!Check"><anchor moveWithCells="1" sizeWithCells="1"><from><xdr:col>3</xdr:col>'
        "<xdr:colOff>0</xdr:colOff><xdr:row>3</xdr:row><xdr:rowOff>0</xdr:rowOff></from><to><xdr:col>5</xdr:col>"
        "<xdr:colOff>0</xdr:colOff><xdr:row>5</xdr:row><xdr:rowOff>0</xdr:rowOff></to></anchor></controlPr></control>"
        "</mc:Choice></mc:AlternateContent></controls></mc:Choice></mc:AlternateContent>",
        ("tableParts", "extLst"),
    )
    pkg.sheet_namespaces(
        xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing",
        x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main",
    )
    _ensure_r(pkg)


def add_activex(pkg: Package) -> None:
    pkg.put(
        "xl/activeX/activeX1.xml",
        '<ax:ocx xmlns:ax="http://schemas.microsoft.com/office/2006/activeX" '
        f'xmlns:r="{REL}" ax:classid="{{D7053240-CE69-11CD-A777-00DD01143C57}}" ax:persistence="persistStorage" r:id="rId1"/>',
        "application/vnd.ms-office.activeX+xml",
    )
    pkg.put("xl/activeX/activeX1.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    pkg.relate(
        "xl/activeX/activeX1.xml",
        "http://schemas.microsoft.com/office/2006/relationships/activeXControlBinary",
        "activeX1.bin",
    )
    rid = pkg.relate("xl/worksheets/sheet1.xml", f"{REL}/control", "../activeX/activeX1.xml")
    pkg.sheet_insert(
        f'<controls><control shapeId="1025" r:id="{rid}" name="CommandButton1"/></controls>', ("tableParts", "extLst")
    )
    _ensure_r(pkg)


def add_ole_object(pkg: Package) -> None:
    pkg.put("xl/embeddings/oleObject1.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    pkg.default("bin", "application/vnd.openxmlformats-officedocument.oleObject")
    rid = pkg.relate("xl/worksheets/sheet1.xml", f"{REL}/oleObject", "../embeddings/oleObject1.bin")
    pkg.sheet_insert(
        f'<oleObjects><oleObject progId="Word.Document.12" shapeId="1025" r:id="{rid}"/></oleObjects>',
        ("controls", "tableParts", "extLst"),
    )
    _ensure_r(pkg)


def _sheet_ext(pkg: Package, uri: str, body: str, **ns: str) -> None:
    pkg.sheet_namespaces(**ns)
    pkg.sheet_insert(f'<extLst><ext uri="{uri}">{body}</ext></extLst>')


X14 = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"
XM = "http://schemas.microsoft.com/office/excel/2006/main"


def add_sparkline(pkg: Package) -> None:
    _sheet_ext(
        pkg,
        "{05C60535-1F16-4FD2-B633-F4F36F0B64E0}",
        '<x14:sparklineGroups xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"><x14:sparklineGroup>'
        '<x14:colorSeries rgb="FF376092"/><x14:sparklines><x14:sparkline><xm:f>Sheet1!B1:B2</xm:f><xm:sqref>C1</xm:sqref>'
        "</x14:sparkline></x14:sparklines></x14:sparklineGroup></x14:sparklineGroups>",
        x14=X14,
    )


def add_x14_databar(pkg: Package) -> None:
    """A data bar as Excel 2010+ writes it: a 2007 rule plus its x14 extension."""
    pkg.sheet_insert(
        '<conditionalFormatting sqref="B1:B2"><cfRule type="dataBar" priority="1"><dataBar><cfvo type="min"/>'
        '<cfvo type="max"/><color rgb="FF638EC6"/></dataBar><extLst><ext uri="{B025F937-C7B1-47D3-B67F-A62EFF666E3E}" '
        f'xmlns:x14="{X14}"><x14:id>{{1B0E5E0B-0001-4000-8000-000000000001}}</x14:id></ext></extLst></cfRule>'
        "</conditionalFormatting>",
        ("dataValidations", "hyperlinks", "printOptions", "pageMargins", "pageSetup"),
    )
    _sheet_ext(
        pkg,
        "{78C0D931-6437-407D-A8EE-F0AAD7539E65}",
        '<x14:conditionalFormattings><x14:conditionalFormatting xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
        '<x14:cfRule type="dataBar" id="{1B0E5E0B-0001-4000-8000-000000000001}"><x14:dataBar minLength="0" maxLength="100" '
        'gradient="0"><x14:cfvo type="autoMin"/><x14:cfvo type="autoMax"/><x14:negativeFillColor rgb="FFFF0000"/>'
        '<x14:axisColor rgb="FF000000"/></x14:dataBar></x14:cfRule><xm:sqref>B1:B2</xm:sqref></x14:conditionalFormatting>'
        "</x14:conditionalFormattings>",
        x14=X14,
    )


def add_slicer(pkg: Package) -> None:
    pkg.put(
        "xl/slicers/slicer1.xml",
        f'<slicers xmlns="{X14}"><slicer name="项目属性" cache="切片器_项目属性" caption="项目属性" rowHeight="241300"/></slicers>',
        "application/vnd.ms-excel.slicer+xml",
    )
    pkg.put(
        "xl/slicerCaches/slicerCache1.xml",
        f'<slicerCacheDefinition xmlns="{X14}" name="切片器_项目属性" sourceName="项目属性"/>',
        "application/vnd.ms-excel.slicerCache+xml",
    )
    pkg.relate(
        "xl/workbook.xml",
        "http://schemas.microsoft.com/office/2007/relationships/slicerCache",
        "slicerCaches/slicerCache1.xml",
    )
    rid = pkg.relate(
        "xl/worksheets/sheet1.xml",
        "http://schemas.microsoft.com/office/2007/relationships/slicer",
        "../slicers/slicer1.xml",
    )
    _ensure_r(pkg)
    _sheet_ext(
        pkg,
        "{A8765BA9-456A-4DAB-B4F3-ACF838C121DE}",
        f'<x14:slicerList><x14:slicer r:id="{rid}"/></x14:slicerList>',
        x14=X14,
    )


def add_timeline(pkg: Package) -> None:
    x15 = "http://schemas.microsoft.com/office/spreadsheetml/2010/11/main"
    pkg.put(
        "xl/timelines/timeline1.xml",
        f'<timelines xmlns="{x15}"><timeline name="日期" cache="NativeTimeline_日期" caption="日期" level="2"/></timelines>',
        "application/vnd.ms-excel.timeline+xml",
    )
    pkg.put(
        "xl/timelineCaches/timelineCache1.xml",
        f'<timelineCacheDefinition xmlns="{x15}" name="NativeTimeline_日期" sourceName="日期"/>',
        "application/vnd.ms-excel.timelineCache+xml",
    )
    pkg.relate(
        "xl/workbook.xml",
        "http://schemas.microsoft.com/office/2011/relationships/timelineCache",
        "timelineCaches/timelineCache1.xml",
    )
    rid = pkg.relate(
        "xl/worksheets/sheet1.xml",
        "http://schemas.microsoft.com/office/2011/relationships/timeline",
        "../timelines/timeline1.xml",
    )
    _ensure_r(pkg)
    _sheet_ext(
        pkg,
        "{7E03D99C-DC04-49d9-9315-930204A7B6E9}",
        f'<x15:timelineRefs><x15:timelineRef r:id="{rid}"/></x15:timelineRefs>',
        x15=x15,
    )


def add_threaded_comment(pkg: Package) -> None:
    """A modern (threaded) comment: the conversation lives in threadedComments, persons."""
    tc = "http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments"
    pkg.put(
        "xl/threadedComments/threadedComment1.xml",
        f'<ThreadedComments xmlns="{tc}"><threadedComment ref="B1" dT="2026-01-05T10:00:00.00" '
        'personId="{00000000-0000-0000-0000-000000000001}" id="{00000000-0000-0000-0000-0000000000A1}">'
        '<text>这个金额对吗？</text></threadedComment><threadedComment ref="B1" dT="2026-01-05T11:00:00.00" '
        'personId="{00000000-0000-0000-0000-000000000002}" id="{00000000-0000-0000-0000-0000000000A2}" '
        'parentId="{00000000-0000-0000-0000-0000000000A1}"><text>已核对。</text></threadedComment></ThreadedComments>',
        "application/vnd.ms-excel.threadedcomments+xml",
    )
    pkg.put(
        "xl/persons/person.xml",
        f'<personList xmlns="{tc}"><person displayName="张三" id="{{00000000-0000-0000-0000-000000000001}}" '
        'providerId="None"/><person displayName="李四" id="{00000000-0000-0000-0000-000000000002}" providerId="None"/></personList>',
        "application/vnd.ms-excel.person+xml",
    )
    pkg.relate(
        "xl/workbook.xml", "http://schemas.microsoft.com/office/2017/10/relationships/person", "persons/person.xml"
    )
    pkg.relate(
        "xl/worksheets/sheet1.xml",
        "http://schemas.microsoft.com/office/2017/10/relationships/threadedComment",
        "../threadedComments/threadedComment1.xml",
    )


def add_custom_xml(pkg: Package) -> None:
    pkg.put(
        "customXml/item1.xml",
        '<?xml version="1.0"?><b:Sources xmlns:b="http://schemas.openxmlformats.org/officeDocument/2006/bibliography"/>',
    )
    pkg.put(
        "customXml/itemProps1.xml",
        '<ds:datastoreItem ds:itemID="{0A000000-0000-0000-0000-000000000001}" '
        'xmlns:ds="http://schemas.openxmlformats.org/officeDocument/2006/customXml"/>',
        "application/vnd.openxmlformats-officedocument.customXmlProperties+xml",
    )
    pkg.relate("customXml/item1.xml", f"{REL}/customXmlProps", "itemProps1.xml")
    pkg.relate("xl/workbook.xml", f"{REL}/customXml", "../customXml/item1.xml")


def add_power_query(pkg: Package) -> None:
    """A query table fed by a connection (数据→自文本/CSV): connections.xml + queryTable part."""
    pkg.put(
        "xl/connections.xml",
        f'<connections xmlns="{MAIN}"><connection id="1" keepAlive="1" name="查询 - 预算" type="5" '
        'refreshedVersion="8" background="1" saveData="1"><dbPr connection="Provider=Microsoft.Mashup.OleDb.1;Data Source=$Workbook$;Location=预算" '
        'command="SELECT * FROM [预算]"/></connection></connections>',
        "application/vnd.openxmlformats-officedocument.spreadsheetml.connections+xml",
    )
    pkg.relate("xl/workbook.xml", f"{REL}/connections", "connections.xml")
    pkg.put(
        "xl/queryTables/queryTable1.xml",
        f'<queryTable xmlns="{MAIN}" name="预算" connectionId="1" autoFormatId="16" applyNumberFormats="0" '
        'applyBorderFormats="0" applyFontFormats="0" applyPatternFormats="0" applyAlignmentFormats="0" applyWidthHeightFormats="0"/>',
        "application/vnd.openxmlformats-officedocument.spreadsheetml.queryTable+xml",
    )
    pkg.put("xl/model/item.data", b"\0" * 64)
    pkg.relate(
        "xl/workbook.xml",
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/powerPivotData",
        "model/item.data",
    )


def add_header_picture(pkg: Package) -> None:
    pkg.put(
        "xl/drawings/vmlDrawingHF1.vml",
        '<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office">'
        '<v:shape id="CH" o:spid="_x0000_s2049" type="#_x0000_t75" style="position:absolute;width:20pt;height:20pt">'
        '<v:imagedata o:relid="rId1" o:title="logo"/></v:shape></xml>',
    )
    pkg.default("vml", "application/vnd.openxmlformats-officedocument.vmlDrawing")
    pkg.put("xl/media/image9.png", PNG)
    pkg.default("png", "image/png")
    pkg.relate("xl/drawings/vmlDrawingHF1.vml", f"{REL}/image", "../media/image9.png")
    rid = pkg.relate("xl/worksheets/sheet1.xml", f"{REL}/vmlDrawing", "../drawings/vmlDrawingHF1.vml")
    pkg.sheet_insert(
        "<headerFooter><oddHeader>&amp;C&amp;G</oddHeader></headerFooter>",
        ("rowBreaks", "colBreaks", "drawing", "legacyDrawing", "extLst"),
    )
    pkg.sheet_insert(f'<legacyDrawingHF r:id="{rid}"/>', ("picture", "oleObjects", "controls", "tableParts", "extLst"))
    _ensure_r(pkg)


def add_background(pkg: Package) -> None:
    pkg.put("xl/media/image8.png", PNG)
    pkg.default("png", "image/png")
    rid = pkg.relate("xl/worksheets/sheet1.xml", f"{REL}/image", "../media/image8.png")
    pkg.sheet_insert(f'<picture r:id="{rid}"/>', ("oleObjects", "controls", "tableParts", "extLst"))
    _ensure_r(pkg)


def add_cell_image_wps(pkg: Package) -> None:
    """WPS 表格's picture-in-cell: =DISPIMG("ID_…",1) plus xl/cellimages.xml."""
    pkg.put(
        "xl/cellimages.xml",
        '<etc:cellImages xmlns:etc="http://www.wps.cn/officeDocument/2017/etCustomData" '
        'xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" '
        f'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="{REL}"><etc:cellImage>'
        + _pic_xml("rId1").replace('name="Picture 2"', 'name="ID_0001"')
        + "</etc:cellImage></etc:cellImages>",
        "application/vnd.wps-officedocument.cellimage+xml",
    )
    pkg.put("xl/media/image7.png", PNG)
    pkg.default("png", "image/png")
    pkg.relate("xl/cellimages.xml", f"{REL}/image", "media/image7.png")
    pkg.relate("xl/workbook.xml", "http://www.wps.cn/officeDocument/2020/cellImage", "cellimages.xml")


def add_cell_image_excel(pkg: Package) -> None:
    """Excel 365's picture placed in a cell: rich value parts + cell metadata (vm="1")."""
    rd = "http://schemas.microsoft.com/office/spreadsheetml/2017/richdata"
    pkg.put(
        "xl/metadata.xml",
        f'<metadata xmlns="{MAIN}" xmlns:xlrd="{rd}"><valueMetadata count="1"><bk><rc t="1" v="0"/></bk></valueMetadata></metadata>',
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheetMetadata+xml",
    )
    pkg.relate(
        "xl/workbook.xml",
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sheetMetadata",
        "metadata.xml",
    )
    pkg.put(
        "xl/richData/rdrichvalue.xml",
        f'<rvData xmlns="{rd}" count="1"><rv s="0"><v>0</v><v>5</v></rv></rvData>',
        "application/vnd.ms-excel.rdrichvalue+xml",
    )
    pkg.relate(
        "xl/workbook.xml",
        "http://schemas.microsoft.com/office/2017/06/relationships/rdRichValue",
        "richData/rdrichvalue.xml",
    )
    pkg.put("xl/media/image6.png", PNG)
    pkg.default("png", "image/png")
    pkg.put(
        "xl/richData/richValueRel.xml",
        f'<richValueRels xmlns="http://schemas.microsoft.com/office/spreadsheetml/2022/richvaluerel" xmlns:r="{REL}"><rel r:id="rId1"/></richValueRels>',
        "application/vnd.ms-excel.richvaluerel+xml",
    )
    pkg.relate("xl/richData/richValueRel.xml", f"{REL}/image", "../media/image6.png")
    text = pkg.text("xl/worksheets/sheet1.xml")
    text = re.sub(r'<c r="C1"[^>]*/>|(?=<c r="A2")', "", text, count=0)
    pkg.parts["xl/worksheets/sheet1.xml"] = text.replace(
        '<c r="B1"', '<c r="C1" t="e" vm="1"><v>#VALUE!</v></c><c r="B1"', 1
    ).encode()
    # the new cell must come after B1 in the row: move it
    t = pkg.text("xl/worksheets/sheet1.xml")
    m = re.search(r'(<c r="C1" t="e" vm="1"><v>#VALUE!</v></c>)(<c r="B1".*?</c>)', t)
    if m:
        t = t.replace(m.group(0), m.group(2) + m.group(1))
    pkg.parts["xl/worksheets/sheet1.xml"] = t.encode()


def add_vba_in_xlsx(pkg: Package) -> None:
    pkg.put("xl/vbaProject.bin", vba_project_bin())
    pkg.default("bin", "application/vnd.ms-office.vbaProject")
    pkg.relate("xl/workbook.xml", "http://schemas.microsoft.com/office/2006/relationships/vbaProject", "vbaProject.bin")


def add_custom_views(pkg: Package) -> None:
    pkg.sheet_insert(
        '<customSheetViews><customSheetView guid="{3B2A0000-0000-0000-0000-000000000001}" scale="85" showGridLines="0">'
        '<selection activeCell="A1" sqref="A1"/><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" '
        'footer="0.3"/></customSheetView></customSheetViews>',
        (
            "mergeCells",
            "phoneticPr",
            "conditionalFormatting",
            "dataValidations",
            "hyperlinks",
            "printOptions",
            "pageMargins",
        ),
    )
    wb = pkg.text("xl/workbook.xml")
    view = '<customWorkbookViews><customWorkbookView name="打印视图" guid="{3B2A0000-0000-0000-0000-000000000001}" windowWidth="800" windowHeight="600" activeSheetId="1"/></customWorkbookViews>'
    pkg.parts["xl/workbook.xml"] = re.sub(
        r"(</sheets>.*?)(<calcPr|</workbook>)", lambda m: m.group(1) + view + m.group(2), wb, count=1, flags=re.S
    ).encode()


def add_signature(pkg: Package) -> None:
    pkg.put("_xmlsignatures/origin.sigs", b"", None)
    pkg.default("sigs", "application/vnd.openxmlformats-package.digital-signature-origin")
    pkg.put(
        "_xmlsignatures/sig1.xml",
        '<Signature xmlns="http://www.w3.org/2000/09/xmldsig#" Id="idPackageSignature"><SignedInfo/></Signature>',
        "application/vnd.openxmlformats-package.digital-signature-xmlsignature+xml",
    )
    pkg.relate(
        "_xmlsignatures/origin.sigs",
        "http://schemas.openxmlformats.org/package/2006/relationships/digital-signature/signature",
        "sig1.xml",
    )
    pkg.relate(
        "",
        "http://schemas.openxmlformats.org/package/2006/relationships/digital-signature/origin",
        "_xmlsignatures/origin.sigs",
    )


# the worksheet's children that come after <sheetProtection> (CT_Worksheet's order), up to the page margins
AFTER_PROTECTION = (
    "protectedRanges",
    "scenarios",
    "autoFilter",
    "sortState",
    "dataConsolidate",
    "customSheetViews",
    "mergeCells",
    "phoneticPr",
    "conditionalFormatting",
    "dataValidations",
    "hyperlinks",
    "printOptions",
    "pageMargins",
)


def add_sheet_protection(pkg: Package) -> None:
    """Modern sheet protection (SHA-512 hash) as Excel 2013+ writes it."""
    pkg.sheet_insert(
        '<sheetProtection algorithmName="SHA-512" hashValue="x9X5GFq3Eg3sJmSwHMo3DiIGRq5x8Yq2TqkPUWz8fA0W0GMXzY5bFJpbjS2G2P6fqDfV5Sx5vVkAfsGydPzPsA==" '
        'saltValue="ZGtA9rWqc1dK0Rx6Q2k2BQ==" spinCount="100000" sheet="1" objects="1" scenarios="1"/>',
        AFTER_PROTECTION,
    )


def add_workbook_protection(pkg: Package) -> None:
    wb = pkg.text("xl/workbook.xml")
    prot = (
        '<workbookProtection workbookAlgorithmName="SHA-512" workbookHashValue="x9X5GFq3Eg3sJmSwHMo3DiIGRq5x8Yq2TqkPUWz8fA0W0GMXzY5bFJpbjS2G2P6fqDfV5Sx5vVkAfsGydPzPsA==" '
        'workbookSaltValue="ZGtA9rWqc1dK0Rx6Q2k2BQ==" workbookSpinCount="100000" lockStructure="1"/>'
    )
    pkg.parts["xl/workbook.xml"] = re.sub(r"(<bookViews|<sheets)", prot + r"\1", wb, count=1).encode()


def add_file_sharing(pkg: Package) -> None:
    """“修改权限密码”: Excel opens read-only unless the password is given."""
    wb = pkg.text("xl/workbook.xml")
    share = (
        '<fileSharing readOnlyRecommended="1" userName="财务科" algorithmName="SHA-512" '
        'hashValue="x9X5GFq3Eg3sJmSwHMo3DiIGRq5x8Yq2TqkPUWz8fA0W0GMXzY5bFJpbjS2G2P6fqDfV5Sx5vVkAfsGydPzPsA==" '
        'saltValue="ZGtA9rWqc1dK0Rx6Q2k2BQ==" spinCount="100000"/>'
    )
    pkg.parts["xl/workbook.xml"] = re.sub(r"(<workbookPr)", share + r"\1", wb, count=1).encode()


def add_external_link(pkg: Package) -> None:
    """A formula reading another workbook ([1]预算!A1) and the cached link part."""
    pkg.put(
        "xl/externalLinks/externalLink1.xml",
        f'<externalLink xmlns="{MAIN}" xmlns:r="{REL}"><externalBook r:id="rId1"><sheetNames><sheetName val="预算"/></sheetNames>'
        '<sheetDataSet><sheetData sheetId="0"><row r="1"><cell r="A1"><v>42</v></cell></row></sheetData></sheetDataSet></externalBook></externalLink>',
        "application/vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml",
    )
    pkg.relate("xl/externalLinks/externalLink1.xml", f"{REL}/externalLinkPath", "file:///C:/预算/2025年预算.xlsx")
    # mark TargetMode External
    rels = pkg.text("xl/externalLinks/_rels/externalLink1.xml.rels").replace(
        'Target="file:', 'TargetMode="External" Target="file:'
    )
    pkg.parts["xl/externalLinks/_rels/externalLink1.xml.rels"] = rels.encode()
    rid = pkg.relate("xl/workbook.xml", f"{REL}/externalLink", "externalLinks/externalLink1.xml")
    wb = pkg.text("xl/workbook.xml")
    wb = re.sub(
        r"(</sheets>)", rf'\1<externalReferences><externalReference r:id="{rid}"/></externalReferences>', wb, count=1
    )
    if "xmlns:r=" not in wb.split(">", 2)[0] + wb.split(">", 2)[1]:
        wb = wb.replace("<workbook ", f'<workbook xmlns:r="{REL}" ', 1)
    pkg.parts["xl/workbook.xml"] = wb.encode()
    s = pkg.text("xl/worksheets/sheet1.xml").replace(
        '<c r="B1" t="n"><v>100</v></c>', '<c r="B1"><f>[1]预算!A1</f><v>42</v></c>'
    )
    pkg.parts["xl/worksheets/sheet1.xml"] = s.encode()


def add_pivot(pkg: Package) -> None:
    """A pivot table (数据透视表) over Sheet1!A1:B2 with its cache and records."""
    cache = (
        f'<pivotCacheDefinition xmlns="{MAIN}" xmlns:r="{REL}" r:id="rIdx1" refreshOnLoad="1" recordCount="2">'
        '<cacheSource type="worksheet"><worksheetSource ref="A1:B2" sheet="Sheet1"/></cacheSource>'
        '<cacheFields count="2"><cacheField name="项目名称" numFmtId="0"><sharedItems count="2"><s v="项目名称"/><s v="合计"/></sharedItems></cacheField>'
        '<cacheField name="金额" numFmtId="0"><sharedItems containsNumber="1" minValue="0" maxValue="100"/></cacheField></cacheFields></pivotCacheDefinition>'
    )
    records = f'<pivotCacheRecords xmlns="{MAIN}" count="2"><r><x v="0"/><n v="100"/></r><r><x v="1"/><n v="0"/></r></pivotCacheRecords>'
    pkg.put(
        "xl/pivotCache/pivotCacheDefinition1.xml",
        cache,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.pivotCacheDefinition+xml",
    )
    pkg.put(
        "xl/pivotCache/pivotCacheRecords1.xml",
        records,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.pivotCacheRecords+xml",
    )
    pkg.relate("xl/pivotCache/pivotCacheDefinition1.xml", f"{REL}/pivotCacheRecords", "pivotCacheRecords1.xml")
    crid = pkg.relate("xl/workbook.xml", f"{REL}/pivotCacheDefinition", "pivotCache/pivotCacheDefinition1.xml")
    wb = pkg.text("xl/workbook.xml")
    if "xmlns:r=" not in wb[:300]:
        wb = wb.replace("<workbook ", f'<workbook xmlns:r="{REL}" ', 1)
    wb = re.sub(
        r"(<calcPr[^>]*/>|</workbook>)",
        lambda m: f'<pivotCaches><pivotCache cacheId="5" r:id="{crid}"/></pivotCaches>' + m.group(1),
        wb,
        count=1,
    )
    pkg.parts["xl/workbook.xml"] = wb.encode()
    table = (
        f'<pivotTableDefinition xmlns="{MAIN}" name="数据透视表1" cacheId="5" applyNumberFormats="0" applyBorderFormats="0" '
        'applyFontFormats="0" applyPatternFormats="0" applyAlignmentFormats="0" applyWidthHeightFormats="1" dataCaption="值" '
        'updatedVersion="6" minRefreshableVersion="3" useAutoFormatting="1" itemPrintTitles="1" createdVersion="6" indent="0" outline="1" outlineData="1" multipleFieldFilters="0">'
        '<location ref="D1:E4" firstHeaderRow="1" firstDataRow="1" firstDataCol="1"/>'
        '<pivotFields count="2"><pivotField axis="axisRow" showAll="0"><items count="3"><item x="0"/><item x="1"/><item t="default"/></items></pivotField>'
        '<pivotField dataField="1" showAll="0"/></pivotFields><rowFields count="1"><field x="0"/></rowFields>'
        '<rowItems count="3"><i><x/></i><i><x v="1"/></i><i t="grand"><x/></i></rowItems><colItems count="1"><i/></colItems>'
        '<dataFields count="1"><dataField name="求和项:金额" fld="1" baseField="0" baseItem="0"/></dataFields>'
        '<pivotTableStyleInfo name="PivotStyleLight16" showRowHeaders="1" showColHeaders="1" showRowStripes="0" showColStripes="0" showLastColumn="1"/></pivotTableDefinition>'
    )
    pkg.put(
        "xl/pivotTables/pivotTable1.xml",
        table,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.pivotTable+xml",
    )
    pkg.relate(
        "xl/pivotTables/pivotTable1.xml", f"{REL}/pivotCacheDefinition", "../pivotCache/pivotCacheDefinition1.xml"
    )
    pkg.relate("xl/worksheets/sheet1.xml", f"{REL}/pivotTable", "../pivotTables/pivotTable1.xml")


def add_dynamic_array(pkg: Package) -> None:
    """A spilling formula (=SEQUENCE(3)) as Excel 365 writes it: cm="1" → xl/metadata.xml."""
    xda = "http://schemas.microsoft.com/office/spreadsheetml/2017/dynamicarray"
    pkg.put(
        "xl/metadata.xml",
        f'<metadata xmlns="{MAIN}" xmlns:xda="{xda}"><metadataTypes count="1"><metadataType name="XLDAPR" '
        'minSupportedVersion="120000" copy="1" pasteAll="1" pasteValues="1" merge="1" splitFirst="1" rowColShift="1" '
        'clearFormats="1" clearComments="1" assign="1" coerce="1" cellMeta="1"/></metadataTypes><futureMetadata '
        'name="XLDAPR" count="1"><bk><extLst><ext uri="{bdbb8cdc-fa1e-496e-a857-3c3f30c029c3}"><xda:dynamicArrayProperties '
        'fDynamic="1" fCollapsed="0"/></ext></extLst></bk></futureMetadata><cellMetadata count="1"><bk><rc t="1" v="0"/>'
        "</bk></cellMetadata></metadata>",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheetMetadata+xml",
    )
    pkg.relate("xl/workbook.xml", f"{REL}/sheetMetadata", "metadata.xml")
    text = pkg.text("xl/worksheets/sheet1.xml")
    spill = '<row r="5"><c r="A5" cm="1"><f t="array" ref="A5:A7">SEQUENCE(3)</f><v>1</v></c></row>'
    pkg.parts["xl/worksheets/sheet1.xml"] = text.replace("</sheetData>", spill + "</sheetData>", 1).encode()


def add_vba_signature(pkg: Package) -> None:
    """A signed VBA project: vbaProjectSignature.bin, related from vbaProject.bin."""
    if "xl/vbaProject.bin" not in pkg.parts:
        add_vba_in_xlsx(pkg)
    pkg.put("xl/vbaProjectSignature.bin", b"\x00" * 64, "application/vnd.ms-office.vbaProjectSignature")
    pkg.relate(
        "xl/vbaProject.bin",
        "http://schemas.microsoft.com/office/2006/relationships/vbaProjectSignature",
        "vbaProjectSignature.bin",
    )


def add_note_in_merge(pkg: Package) -> None:
    """A note on B4 inside the merged range A4:C4 (left behind when cells were merged later)."""
    pkg.put(
        "xl/comments/comment1.xml",
        f'<comments xmlns="{MAIN}"><authors><author>财务科</author></authors><commentList><comment ref="B4" authorId="0">'
        "<text><t>合并前写的批注</t></text></comment></commentList></comments>",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml",
    )
    pkg.put(
        "xl/drawings/commentsDrawing1.vml",
        '<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:x="urn:schemas-microsoft-com:office:excel">'
        '<v:shape type="#_x0000_t202"><x:ClientData ObjectType="Note"><x:Row>3</x:Row><x:Column>1</x:Column>'
        "</x:ClientData></v:shape></xml>",
    )
    pkg.default("vml", "application/vnd.openxmlformats-officedocument.vmlDrawing")
    pkg.relate("xl/worksheets/sheet1.xml", f"{REL}/comments", "../comments/comment1.xml")
    vml = pkg.relate("xl/worksheets/sheet1.xml", f"{REL}/vmlDrawing", "../drawings/commentsDrawing1.vml")
    pkg.sheet_insert(
        '<mergeCells count="1"><mergeCell ref="A4:C4"/></mergeCells>',
        ("phoneticPr", "conditionalFormatting", "dataValidations", "hyperlinks", "printOptions", "pageMargins"),
    )
    pkg.sheet_insert(f'<legacyDrawing r:id="{vml}"/>', _AFTER_LEGACY)
    _ensure_r(pkg)


def add_custom_ribbon(pkg: Package, office2007: bool = False) -> None:
    """A custom ribbon tab, as RibbonX editors add it: customUI14.xml (Office 2010+) or customUI.xml (2007)."""
    name = "customUI/customUI.xml" if office2007 else "customUI/customUI14.xml"
    year = "2006" if office2007 else "2007"
    pkg.put(
        name,
        '<customUI xmlns="http://schemas.microsoft.com/office/2009/07/customui"><ribbon><tabs><tab id="t" label="绩效">'
        '<group id="g" label="校验"><button id="b" label="校验" onAction="Check"/></group></tab></tabs></ribbon></customUI>',
    )
    pkg.relate("", f"http://schemas.microsoft.com/office/{year}/relationships/ui/extensibility", name)


# Features built with openpyxl itself (it carries them).


def openpyxl_features(path: Path, vba: bool = False) -> Path:
    """One workbook with a chart, notes, validation, conditional formatting, names, links, a table."""
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference
    from openpyxl.comments import Comment
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.styles import PatternFill
    from openpyxl.workbook.defined_name import DefinedName
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.worksheet.table import Table

    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    for r, (k, v) in enumerate([("培训", 10), ("宣传", 20), ("印刷", 30)], start=1):
        ws.cell(r, 1, k)
        ws.cell(r, 2, v)
    chart = BarChart()
    chart.title = "预算构成"
    chart.add_data(Reference(ws, min_col=2, min_row=1, max_row=3))
    ws.add_chart(chart, "E2")
    ws["A1"].comment = Comment("请核对金额", "财务科")
    dv = DataValidation(type="list", formula1='"一次性项目,经常性项目"', allow_blank=True)
    dv.add("C1:C3")
    ws.add_data_validation(dv)
    ws.conditional_formatting.add(
        "B1:B3", CellIsRule(operator="greaterThan", formula=["15"], fill=PatternFill("solid", fgColor="FFFF00"))
    )
    wb.defined_names["预算合计"] = DefinedName("预算合计", attr_text="Sheet1!$B$1:$B$3")
    ws["A5"] = "说明"
    ws["A5"].hyperlink = "https://czt.nx.gov.cn/"
    t = wb.create_sheet("明细")
    t.append(["项目", "金额"])
    t.append(["培训", 10])
    t.add_table(Table(displayName="明细表", ref="A1:B2"))
    wb.save(path)
    if vba:
        pkg = Package(path)
        add_vba_in_xlsx(pkg)
        ct = pkg.text("[Content_Types].xml").replace(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
            "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
        )
        pkg.parts["[Content_Types].xml"] = ct.encode()
        pkg.save(path)
    return path


FEATURES: dict[str, Callable[[Package], None]] = {
    "textbox": add_textbox,
    "shape": add_shape,
    "image": add_image,
    "image_and_textbox": add_image_and_textbox,
    "chartex": add_chartex,
    "form_button": add_form_button,
    "activex": add_activex,
    "ole_object": add_ole_object,
    "sparkline": add_sparkline,
    "x14_databar": add_x14_databar,
    "slicer": add_slicer,
    "timeline": add_timeline,
    "threaded_comment": add_threaded_comment,
    "custom_xml": add_custom_xml,
    "power_query": add_power_query,
    "header_picture": add_header_picture,
    "background": add_background,
    "cell_image_wps": add_cell_image_wps,
    "cell_image_excel": add_cell_image_excel,
    "vba_in_xlsx": add_vba_in_xlsx,
    "custom_views": add_custom_views,
    "signature": add_signature,
    "sheet_protection": add_sheet_protection,
    "workbook_protection": add_workbook_protection,
    "file_sharing": add_file_sharing,
    "external_link": add_external_link,
    "pivot_table": add_pivot,
    "dynamic_array": add_dynamic_array,
    "vba_signature": add_vba_signature,
    "note_in_merge": add_note_in_merge,
    "custom_ribbon": add_custom_ribbon,
    "custom_ribbon_2007": lambda pkg: add_custom_ribbon(pkg, office2007=True),
}


def build(feature: str, folder: Path, suffix: str = ".xlsx") -> Path:
    """A workbook holding ``feature`` (a key of FEATURES), written into ``folder``."""
    base = base_workbook(folder / f"base_{feature}.xlsx")
    pkg = Package(base)
    FEATURES[feature](pkg)
    if suffix == ".xlsm":
        if "xl/vbaProject.bin" not in pkg.parts:
            add_vba_in_xlsx(pkg)
        ct = pkg.text("[Content_Types].xml").replace(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
            "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
        )
        pkg.parts["[Content_Types].xml"] = ct.encode()
    return pkg.save(folder / f"{feature}{suffix}")


def zip_names(path: Path) -> set[str]:
    with zipfile.ZipFile(path) as zf:
        return set(zf.namelist())


def read_part(path: Path, name: str) -> str:
    with zipfile.ZipFile(path) as zf:
        return zf.read(name).decode("utf-8", "replace")


def all_text(path: Path) -> str:
    """Every XML/VML part of a package concatenated: to ask "is this marker still anywhere?"."""
    out = io.StringIO()
    with zipfile.ZipFile(path) as zf:
        for n in sorted(zf.namelist()):
            if n.endswith((".xml", ".vml", ".rels")):
                out.write(f"\n=== {n}\n")
                out.write(zf.read(n).decode("utf-8", "replace"))
    return out.getvalue()


def _sheet1(p: Path) -> str:
    return read_part(p, "xl/worksheets/sheet1.xml") if "xl/worksheets/sheet1.xml" in zip_names(p) else ""


def _has_part(prefix: str) -> Callable[[Path], bool]:
    return lambda p: any(n.startswith(prefix) for n in zip_names(p))


def _has_text(marker: str) -> Callable[[Path], bool]:
    return lambda p: marker in all_text(p)


# feature → "is it still in this file?" — what a round trip is judged by.
PRESENT: dict[str, Callable[[Path], bool]] = {
    "textbox": _has_text("本表由财务科填写"),
    "shape": _has_text('prst="rightArrow"'),
    "image": lambda p: _has_part("xl/media/")(p) and "blip" in all_text(p),
    "image_and_textbox": lambda p: (
        _has_part("xl/media/")(p) and "blip" in all_text(p) and "本表由财务科填写" in all_text(p)
    ),
    "chartex": _has_part("xl/charts/chartEx"),
    "form_button": lambda p: "<control " in _sheet1(p) and _has_part("xl/ctrlProps/")(p),
    "activex": lambda p: "<control " in _sheet1(p) and _has_part("xl/activeX/")(p),
    "ole_object": lambda p: "oleObject" in _sheet1(p) and _has_part("xl/embeddings/")(p),
    "sparkline": _has_text("sparklineGroup"),
    "x14_databar": _has_text("negativeFillColor"),
    "slicer": lambda p: _has_part("xl/slicers/")(p) and "slicerList" in _sheet1(p),
    "timeline": lambda p: _has_part("xl/timelines/")(p) and "timelineRef" in _sheet1(p),
    "threaded_comment": _has_text("已核对"),
    "custom_xml": _has_part("customXml/"),
    "power_query": lambda p: _has_part("xl/connections.xml")(p) and _has_part("xl/queryTables/")(p),
    "header_picture": lambda p: "legacyDrawingHF" in _sheet1(p),
    "background": lambda p: "<picture " in _sheet1(p),
    "cell_image_wps": _has_part("xl/cellimages.xml"),
    "cell_image_excel": _has_part("xl/richData/"),
    "vba_in_xlsx": _has_part("xl/vbaProject.bin"),
    "custom_views": _has_text("customSheetView "),
    "signature": _has_part("_xmlsignatures/"),
    "sheet_protection": lambda p: "hashValue" in _sheet1(p) or 'password="' in _sheet1(p),
    "workbook_protection": lambda p: (
        "workbookHashValue" in read_part(p, "xl/workbook.xml") or "workbookPassword" in read_part(p, "xl/workbook.xml")
    ),
    "file_sharing": lambda p: "fileSharing" in read_part(p, "xl/workbook.xml"),
    "custom_ribbon": lambda p: _has_part("customUI/")(p) and "customUI" in read_part(p, "_rels/.rels"),
    "custom_ribbon_2007": lambda p: _has_part("customUI/")(p) and "customUI" in read_part(p, "_rels/.rels"),
    "note_in_merge": _has_text("合并前写的批注"),
    "vba_signature": lambda p: (
        _has_part("xl/vbaProjectSignature.bin")(p) and _has_part("xl/_rels/vbaProject.bin.rels")(p)
    ),
    "dynamic_array": lambda p: _has_part("xl/metadata.xml")(p) and 'cm="1"' in _sheet1(p),
    "pivot_table": lambda p: _has_part("xl/pivotTables/")(p) and "求和项:金额" in all_text(p),
    "external_link": lambda p: (
        _has_part("xl/externalLinks/")(p) and "2025年预算" in all_text(p) and "[1]" in _sheet1(p)
    ),
}


def round_trip(src: Path, dst: Path) -> Path:
    """Load and save exactly as xladdin's write path does (openpyxl, then what ``files.carry`` puts back),
    with nothing changed and --force, so that whatever is lost is written without it."""
    from xladdin.files.writing import close, load_for_edit, save_edited
    from xladdin.workbook_plan import WorkbookPlan

    wb = load_for_edit(src)
    try:
        save_edited(wb, src, dst, force=True, plan=WorkbookPlan("round trip"))
    finally:
        close(wb)
    return dst
