"""Workbook → PDF through LibreOffice headless, and the 公开 document built on it.

LibreOffice is the one free engine that prints .xlsx page setup (fit to width, print
titles, headers/footers) faithfully on every OS.  Each run gets a private profile
(``-env:UserInstallation``) so parallel runs and a user's open LibreOffice never
collide, and the profile tells Calc to recalculate formulas on load (files written by
openpyxl carry no cached results).  On Linux a private fontconfig file maps the
Windows faces the tables name (仿宋, 黑体, …) to Noto CJK **SC**; without it fontconfig
picks DejaVu or the Japanese cut of Noto CJK for them.  Fonts are embedded (LibreOffice
embeds subsets by default; ``pdffonts`` shows ``emb yes``).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from xladdin.conventions import MARK_FILL, NEW_COLOR, REPORT_SHEET, STATE_SHEET, TODO_COLOR, TOOL_SHEETS
from xladdin.errors import NoProjectTables, UserError
from xladdin.files.apply import apply
from xladdin.files.looks import apply_style
from xladdin.files.saving import save_atomic
from xladdin.files.sources import read_sheets
from xladdin.files.writing import load_for_edit, read_for_edit
from xladdin.gate import Readiness, readiness
from xladdin.layout import read_project
from xladdin.plans.format import plan_format
from xladdin.plans.marks import plan_clear
from xladdin.publish import NOTICE_SHEET, notice_plan, opening_notice
from xladdin.published.sheets import LOG_SHEET, stored_notice
from xladdin.workbook_plan import StyleSheet

DEFAULT_TIMEOUT = 300
_WINDOWS_PATHS = (
    r"C:\Program Files\LibreOffice\program\soffice.exe",
    r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
)
_MAC_PATH = "/Applications/LibreOffice.app/Contents/MacOS/soffice"
_NO_SOFFICE = (
    "未找到 LibreOffice（soffice），无法生成 PDF。请安装 LibreOffice（https://zh-cn.libreoffice.org/ ，"
    "Linux 可用 apt-get install libreoffice-calc），或用环境变量 XLADDIN_SOFFICE 指定 soffice 的完整路径后再试。"
)

# Windows face → the Noto CJK SC face closest in role (serif for 宋/仿宋/楷, sans for 黑).
FONT_ALIASES = {
    "仿宋": "Noto Serif CJK SC",
    "仿宋_GB2312": "Noto Serif CJK SC",
    "FangSong": "Noto Serif CJK SC",
    "宋体": "Noto Serif CJK SC",
    "SimSun": "Noto Serif CJK SC",
    "楷体": "Noto Serif CJK SC",
    "楷体_GB2312": "Noto Serif CJK SC",
    "方正小标宋简体": "Noto Serif CJK SC",
    "方正小标宋_GBK": "Noto Serif CJK SC",
    "黑体": "Noto Sans CJK SC",
    "SimHei": "Noto Sans CJK SC",
    "微软雅黑": "Noto Sans CJK SC",
    "Microsoft YaHei": "Noto Sans CJK SC",
    "等线": "Noto Sans CJK SC",
}

_REGISTRY = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">\
<value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse">\
<value>0</value></prop></item>
</oor:items>
"""


def find_soffice() -> str | None:
    env = os.environ.get("XLADDIN_SOFFICE")
    if env:
        return env if Path(env).exists() else None
    for name in ("soffice", "libreoffice"):
        path = shutil.which(name)
        if path:
            return path
    for p in (*_WINDOWS_PATHS, _MAC_PATH):
        if Path(p).exists():
            return p
    return None


def _fontconfig_file(folder: Path) -> Path | None:
    system = Path("/etc/fonts/fonts.conf")
    if os.name == "nt" or not system.exists():
        return None
    aliases = "\n".join(
        f'  <alias binding="same"><family>{win}</family><prefer><family>{noto}</family></prefer></alias>'
        for win, noto in FONT_ALIASES.items()
    )
    conf = folder / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        f'  <include ignore_missing="yes">{system}</include>\n{aliases}\n</fontconfig>\n',
        encoding="utf-8",
    )
    return conf


def convert_to_pdf(xlsx: Path, out_dir: Path, timeout: int = DEFAULT_TIMEOUT) -> Path:
    """Print ``xlsx`` to ``out_dir/<stem>.pdf``; every failure is a Chinese ``UserError``."""
    soffice = find_soffice()
    if soffice is None:
        raise UserError(_NO_SOFFICE)
    with tempfile.TemporaryDirectory(prefix="xladdin-lo-") as tmp:
        work = Path(tmp)
        user = work / "profile" / "user"
        user.mkdir(parents=True)
        (user / "registrymodifications.xcu").write_text(_REGISTRY, encoding="utf-8")
        env = dict(os.environ)
        conf = _fontconfig_file(work)
        if conf is not None:
            env["FONTCONFIG_FILE"] = str(conf)
        cmd = [
            soffice,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nologo",
            "--nodefault",
            "--convert-to",
            "pdf:calc_pdf_Export",
            "--outdir",
            str(out_dir),
            str(xlsx),
        ]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env, cwd=work)
        except subprocess.TimeoutExpired:
            raise UserError(
                f"LibreOffice 转换 PDF 超时（超过 {timeout} 秒）。请关闭其他 LibreOffice 窗口后重试，或用 --timeout 加长等待时间。"
            ) from None
        except OSError as exc:
            raise UserError(f"无法启动 LibreOffice（{soffice}）：{exc.strerror}。{_NO_SOFFICE}") from None
    pdf = out_dir / (xlsx.stem + ".pdf")
    if proc.returncode != 0 or not pdf.exists() or pdf.stat().st_size == 0:
        detail = (proc.stderr or proc.stdout or "").strip().splitlines()
        raise UserError(
            "LibreOffice 未能生成 PDF"
            + (f"（{detail[-1][:150]}）" if detail else "")
            + "。请确认 LibreOffice 能正常打开该工作簿。"
        )
    return pdf


# --------------------------------------------------------------------------- publish


def build_publication(
    wb: Any,
    day: dt.date | None = None,
    unit: str | None = None,
    year: int | None = None,
    options: Any = None,
    draft: str = "",
) -> list[str]:
    """Turn a loaded workbook into the document to print: notice first, then the tables.

    Returns the names of the published project sheets.  Every other sheet is hidden
    (LibreOffice prints no hidden sheet), so nothing but the notice and the tables
    reaches the PDF, and formulas that refer to hidden sheets still compute.  The tool's
    own colours never print: marks and highlights are cleared in this copy first.
    ``draft``: the note a forced publication carries on its opening page.
    """

    apply(wb, plan_clear(read_for_edit(wb)))
    strip_tool_colours(wb)
    sheets = read_for_edit(wb)
    plan = plan_format(sheets, options, validations=False)
    formatted = set(plan.names["formatted"])
    if not formatted:
        raise NoProjectTables("无法生成公开文档")
    overflow = [(st.style.sheet, ref, need) for st in plan.of(StyleSheet) for ref, need in st.style.overflow]
    if overflow:
        sheet, cell, need = overflow[0]
        more = f"（另有 {len(overflow) - 1} 处类似）" if len(overflow) > 1 else ""
        raise UserError(
            f"工作表“{sheet}”单元格 {cell} 的文字太长（约需 {need:.0f} 磅行高，超过一行最多 409 磅），"
            f"打印时会被截断{more}。请精简或拆分该单元格内容后再生成公开文档。"
        )
    apply(wb, plan)
    projects = [p for s in sheets if s.name in formatted and (p := read_project(s)) is not None]
    notice = opening_notice(projects, day=day, unit=unit, year=year)
    name = NOTICE_SHEET
    while name in wb.sheetnames:
        name += "_"
    ws = wb.create_sheet(name, 0)
    cells, look = notice_plan(
        notice,
        title_font=getattr(options, "title_font", None),
        body_font=getattr(options, "body_font", None),
        draft=draft,
    )
    for (r, c), text in cells.items():
        ws.cell(row=r, column=c).value = text
    apply_style(ws, look)
    ws.sheet_view.showGridLines = False
    published = formatted
    for other in wb.worksheets:
        other.sheet_view.tabSelected = other is ws
        if other is not ws and other.title not in published:
            other.sheet_state = "hidden"
        elif other.title in published:
            other.sheet_state = "visible"
            other.print_options.gridLines = False
    wb.active = 0
    return [p.sheet for p in projects]


_TOOL_COLOURS = frozenset({*MARK_FILL.values(), NEW_COLOR, TODO_COLOR})


def _tool_coloured(wb: Any) -> list[Any]:
    """Cells of the user's sheets in one of the tool's colours (left by a run whose record is gone)."""
    out = []
    for ws in wb.worksheets:
        if ws.title in TOOL_SHEETS:
            continue
        for row in ws.iter_rows():
            for cell in row:
                f = cell.fill
                if f is not None and f.fill_type == "solid" and str(f.fgColor.rgb).upper()[-6:] in _TOOL_COLOURS:
                    out.append(cell)
    return out


def strip_tool_colours(wb: Any) -> int:
    """No fill on any cell still in a tool colour (the printed copy only); how many there were."""
    from openpyxl.styles import PatternFill

    cells = _tool_coloured(wb)
    for cell in cells:
        cell.fill = PatternFill()
    return len(cells)


def publication_readiness(path: Path, wb: Any) -> Readiness:
    """The check's errors, the marks and the tool's colours on the workbook about to be published."""
    from xladdin.files.checking import check_file

    result = check_file(path, jobs=1)
    marked = STATE_SHEET in wb.sheetnames or REPORT_SHEET in wb.sheetnames
    return readiness(result.findings, marked, len(_tool_coloured(wb)))


def imported_notice(path: str | Path) -> Any:
    """The notice ``xladdin import`` kept in the 导入记录 sheet (a ``StoredNotice``), or None.

    A workbook made by ``xladdin import`` signs and dates its disclosure as the original did.
    """
    try:
        sheets = read_sheets(path, [LOG_SHEET])
    except (UserError, KeyError, ValueError):
        return None  # an unreadable file is reported by publish itself
    return stored_notice(sheets[0]) if sheets else None


def publish_file(
    source: str | Path,
    output: str | Path,
    day: dt.date | None = None,
    unit: str | None = None,
    year: int | None = None,
    timeout: int = DEFAULT_TIMEOUT,
    options: Any = None,
    force: bool = False,
) -> tuple[Path, list[str], Readiness]:
    """The disclosure PDF of a workbook; the workbook itself is not changed.

    A workbook that is not ready (``gate``: errors, marks, the tool's colours) is refused
    (exit 1) unless ``force``; a forced document says it is a draft on its opening page."""

    src, out = Path(source), Path(output)
    if out.suffix.lower() != ".pdf":
        raise UserError(f"输出文件 {out.name} 的扩展名应为 .pdf。")
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.exists():
        raise UserError(f"输出文件夹不存在：{folder}。请先创建该文件夹，或换一个输出路径。")
    if find_soffice() is None:
        raise UserError(_NO_SOFFICE)
    wb = load_for_edit(src)
    ready = publication_readiness(src, wb)
    if not ready.ready and not force:
        raise UserError(ready.refusal(), exit_code=1)
    draft = "" if ready.ready else ready.draft_note()
    published = build_publication(wb, day=day, unit=unit, year=year, options=options, draft=draft)
    with tempfile.TemporaryDirectory(prefix="xladdin-publish-") as tmp:
        work = Path(tmp)
        copy = save_atomic(wb, work / "公开文档.xlsx")
        pdf = convert_to_pdf(copy, work, timeout)
        staged = folder / f".{out.stem}.{os.getpid()}.pdf.tmp"
        try:
            shutil.copyfile(pdf, staged)
            os.replace(staged, out)
        except PermissionError:
            raise UserError(f"无法写入 {out}：没有权限或文件正被其他程序打开。请关闭该文件或换一个输出路径。") from None
        finally:
            if staged.exists():
                staged.unlink()
    return out, published, ready
