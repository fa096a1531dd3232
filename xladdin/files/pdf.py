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
import time
from pathlib import Path
from typing import Any

from xladdin.conventions import MARK_FILL, NEW_COLOR, REPORT_SHEET, STATE_SHEET, TODO_COLOR, TOOL_SHEETS, quote_sheet
from xladdin.errors import NoProjectTables, UserError
from xladdin.files.apply import apply
from xladdin.files.looks import apply_style
from xladdin.files.saving import save_atomic
from xladdin.files.sources import read_sheets
from xladdin.files.writing import close, load_for_edit, read_for_edit
from xladdin.gate import Readiness, readiness
from xladdin.layout import read_project
from xladdin.plans.format import plan_format
from xladdin.plans.marks import plan_clear
from xladdin.progress import QUIET, Progress
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
    return convert_all([xlsx], out_dir, timeout)[0]


def convert_all(
    books: list[Path],
    out_dir: Path,
    timeout: int = DEFAULT_TIMEOUT,
    progress: Progress = QUIET,
    what: str = "LibreOffice 生成 PDF",
) -> list[Path]:
    """Print each workbook to ``out_dir/<stem>.pdf`` in one LibreOffice run; every failure is a Chinese ``UserError``.

    LibreOffice converts the files one after another and closes each before the next, so
    its memory is that of the largest workbook, and it starts once for all of them.  The
    run is watched: ``timeout`` seconds without a finished PDF stop it (a hung LibreOffice,
    not a long job, since every part of a long job ends within that time).
    """
    soffice = find_soffice()
    if soffice is None:
        raise UserError(_NO_SOFFICE)
    pdfs = [out_dir / (b.stem + ".pdf") for b in books]
    with tempfile.TemporaryDirectory(prefix="xladdin-lo-") as tmp:
        work = Path(tmp)
        env = _private_profile(work)
        cmd = _convert_command(soffice, work, "pdf:calc_pdf_Export", out_dir, books)
        log = work / "soffice.log"
        try:
            with log.open("wb") as out:
                proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=work)
                code = _watch(proc, pdfs, timeout, progress, what)
        except OSError as exc:
            raise UserError(f"无法启动 LibreOffice（{soffice}）：{exc.strerror}。{_NO_SOFFICE}") from None
        detail = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    if code is None:
        raise UserError(
            f"LibreOffice 转换 PDF 超时（超过 {timeout} 秒没有进展）。请关闭其他 LibreOffice 窗口后重试，或用 --timeout 加长等待时间。"
        )
    if code != 0 or any(not pdf.exists() or pdf.stat().st_size == 0 for pdf in pdfs):
        raise UserError(
            f"LibreOffice 未能生成 {what}"
            + (f"（{detail[-1][:150]}）" if detail else "")
            + "。请确认 LibreOffice 能正常打开该工作簿。"
        )
    return pdfs


def _watch(proc: subprocess.Popen[bytes], pdfs: list[Path], timeout: int, progress: Progress, what: str) -> int | None:
    """Wait for LibreOffice, telling ``progress`` of each PDF written; None when it stalled and was stopped."""
    done, last = 0, time.monotonic()
    if len(pdfs) > 1:
        progress.step(what, 0, len(pdfs))
    else:
        progress.step(what)
    while True:
        try:
            code = proc.wait(timeout=0.2)
        except subprocess.TimeoutExpired:
            code = None
        now_done = sum(1 for pdf in pdfs if pdf.exists())
        if code is not None:
            if len(pdfs) > 1 and now_done != done:
                progress.step(what, now_done, len(pdfs))
            return code
        if now_done != done:
            done, last = now_done, time.monotonic()
            if len(pdfs) > 1:
                progress.step(what, done, len(pdfs))
        elif time.monotonic() - last > timeout:
            proc.kill()
            proc.wait()
            return None


# LibreOffice keeps every sheet of a workbook in memory whether it prints it or not, about
# 3.5 MB each even when empty (measured with LibreOffice 7.4: 300 sheets of one cell took 1.3 GB,
# a 300-project publication 1.6–2.3 GB).  A publication of more tables than this is printed in
# parts, each a workbook of this many sheets, converted one after another by one LibreOffice run
# (~0.3–0.4 GB), and the PDFs joined.
PART_SHEETS = 50


def print_publication(wb: Any, work: Path, timeout: int = DEFAULT_TIMEOUT, progress: Progress = QUIET) -> Path:
    """The PDF of a workbook made by ``build_publication``, in ``work``; in parts when it is large.

    A part's footers must still say the page of the whole document (“第 52 页，共 451 页”),
    and how many pages a part takes is known only once LibreOffice has laid it out.  So a
    publication in parts is printed twice: first to count each part's pages, then with
    each part's first page number and the total written in — a footer's text does not
    change how a table breaks into pages, and the second run is checked to give the same
    counts.  Without page fields in any header or footer one run is enough.
    """
    printed = [ws for ws in wb.worksheets if ws.sheet_state == "visible"]
    if len(printed) <= PART_SHEETS:
        progress.step("保存排版后的副本")
        copy = save_atomic(wb, work / "公开文档.xlsx")
        return convert_to_pdf(copy, work, timeout)
    groups = [printed[i : i + PART_SHEETS] for i in range(0, len(printed), PART_SHEETS)]
    numbered = any("&P" in t or "&N" in t for ws in printed for t in _page_texts(ws))
    first = work / "分页"
    first.mkdir()
    progress.step("保存排版后的副本")
    books = [_save_part(wb, g, first / f"第{k + 1:03d}部分.xlsx") for k, g in enumerate(groups)]
    pdfs = convert_all(books, first, timeout, progress, "LibreOffice 分页" if numbered else "LibreOffice 生成 PDF")
    pages = [page_count(pdf) for pdf in pdfs]
    if numbered:
        final = work / "定稿"
        final.mkdir()
        total, start = sum(pages), 1
        books = []
        for k, g in enumerate(groups):
            books.append(_save_part(wb, g, final / f"第{k + 1:03d}部分.xlsx", first_page=start, total=total))
            start += pages[k]
        pdfs = convert_all(books, final, timeout, progress, "LibreOffice 生成 PDF")
        again = [page_count(pdf) for pdf in pdfs]
        if again != pages:  # never seen; if it happens the numbers would be off, so say so rather than publish them
            raise UserError(
                "LibreOffice 两次排版的页数不同（"
                + f"{sum(pages)} / {sum(again)} 页"
                + "），页码无法确定。请重试，或分成几个工作簿分别生成。"
            )
    progress.step("合并 PDF")
    return join_pdfs(pdfs, work / "公开文档.pdf")


def _page_texts(ws: Any) -> list[str]:
    """The texts of a sheet's headers and footers (where 第 &P 页，共 &N 页 lives)."""
    texts = []
    for hf in (ws.oddHeader, ws.oddFooter, ws.evenHeader, ws.evenFooter, ws.firstHeader, ws.firstFooter):
        for part in (hf.left, hf.center, hf.right):
            if part.text:
                texts.append(part.text)
    return texts


def _referenced(group: list[Any], others: list[Any]) -> list[Any]:
    """The sheets outside ``group`` that a formula in ``group`` names (so they are carried along, hidden)."""
    names = {ws.title: ws for ws in others}
    found: dict[str, Any] = {}
    for ws in group:
        for cell in ws._cells.values():
            if cell.data_type != "f":
                continue
            text = str(cell.value)
            if "!" not in text:
                continue
            for name, other in names.items():
                if name not in found and (f"{name}!" in text or f"{quote_sheet(name)}!" in text):
                    found[name] = other
    return [ws for ws in others if ws.title in found]


def _save_part(wb: Any, group: list[Any], path: Path, first_page: int | None = None, total: int | None = None) -> Path:
    """``group`` of the printed sheets as a workbook of its own (with the sheets its formulas name,
    hidden and without a print area: LibreOffice prints a hidden sheet that has one), the page
    fields of its footers filled in; ``wb`` is left as it was."""
    every = list(wb._sheets)
    carried = _referenced(group, [ws for ws in wb.worksheets if ws not in group])
    kept = [(ws, ws.sheet_state, ws._print_area) for ws in carried]
    texts: list[tuple[Any, str]] = []
    page_setup = (group[0].page_setup.firstPageNumber, group[0].page_setup.useFirstPageNumber)
    try:
        for ws in carried:
            ws.sheet_state = "hidden"
            ws.print_area = None
        if total is not None:
            for ws in group:
                for hf in (ws.oddHeader, ws.oddFooter, ws.evenHeader, ws.evenFooter, ws.firstHeader, ws.firstFooter):
                    for part in (hf.left, hf.center, hf.right):
                        if part.text and "&N" in part.text:
                            texts.append((part, part.text))
                            part.text = part.text.replace("&N", str(total))
        if first_page is not None:
            group[0].page_setup.firstPageNumber = first_page
            group[0].page_setup.useFirstPageNumber = True
        wb._sheets = [*group, *carried]
        wb.active = 0
        return save_atomic(wb, path)
    finally:
        wb._sheets = every
        wb.active = 0
        for ws, state, area in kept:
            ws.sheet_state, ws._print_area = state, area
        for part, text in texts:
            part.text = text
        group[0].page_setup.firstPageNumber, group[0].page_setup.useFirstPageNumber = page_setup


def page_count(pdf: Path) -> int:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        return len(doc)
    finally:
        doc.close()


def join_pdfs(pdfs: list[Path], target: Path) -> Path:
    """The parts' pages, in order, as one PDF (PDFium copies pages with their fonts; nothing is re-rendered)."""
    import pypdfium2 as pdfium

    out = pdfium.PdfDocument.new()
    try:
        for pdf in pdfs:
            doc = pdfium.PdfDocument(pdf)
            try:
                out.import_pages(doc)
            finally:
                doc.close()
        out.save(target)
    finally:
        out.close()
    return target


def _private_profile(work: Path) -> dict[str, str]:
    """A LibreOffice user profile of our own in ``work`` (no dialogs, no recalculation, no
    interference with a LibreOffice the user has open), and the environment to run it in
    (Windows font names mapped to Noto CJK where fontconfig is used)."""
    user = work / "profile" / "user"
    user.mkdir(parents=True)
    (user / "registrymodifications.xcu").write_text(_REGISTRY, encoding="utf-8")
    env = dict(os.environ)
    conf = _fontconfig_file(work)
    if conf is not None:
        env["FONTCONFIG_FILE"] = str(conf)
    return env


def _convert_command(soffice: str, work: Path, target: str, out_dir: Path, files: list[Path]) -> list[str]:
    """soffice headless converting ``files`` to ``target`` into ``out_dir``, with the profile in ``work``;
    absolute paths, since LibreOffice runs in its own folder (a relative path would not be found)."""
    return [
        soffice,
        f"-env:UserInstallation={(work / 'profile').as_uri()}",
        "--headless",
        "--norestore",
        "--nologo",
        "--nodefault",
        "--convert-to",
        target,
        "--outdir",
        str(out_dir.resolve()),
        *(str(f.resolve()) for f in files),
    ]


def soffice_convert(src: Path, out_dir: Path, target: str, what: str, timeout: int = DEFAULT_TIMEOUT) -> Path:
    """``src`` converted by LibreOffice headless to ``out_dir/<stem>.<ext of target>`` (a private
    profile, formulas not recalculated, Windows faces mapped to Noto CJK); every failure is a
    Chinese ``UserError`` naming ``what`` was being made (“PDF”, “.xlsx”)."""
    soffice = find_soffice()
    if soffice is None:
        raise UserError(_NO_SOFFICE.replace("无法生成 PDF", f"无法生成 {what}"))
    with tempfile.TemporaryDirectory(prefix="xladdin-lo-") as tmp:
        work = Path(tmp)
        env = _private_profile(work)
        cmd = _convert_command(soffice, work, target, out_dir, [src])
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env, cwd=work)
        except subprocess.TimeoutExpired:
            raise UserError(
                f"LibreOffice 转换 {what} 超时（超过 {timeout} 秒）。请关闭其他 LibreOffice 窗口后重试，或用 --timeout 加长等待时间。"
            ) from None
        except OSError as exc:
            raise UserError(f"无法启动 LibreOffice（{soffice}）：{exc.strerror}。{_NO_SOFFICE}") from None
    out = out_dir / (src.stem + "." + target.split(":", 1)[0])
    if proc.returncode != 0 or not out.exists() or out.stat().st_size == 0:
        detail = (proc.stderr or proc.stdout or "").strip().splitlines()
        raise UserError(
            f"LibreOffice 未能生成 {what}"
            + (f"（{detail[-1][:150]}）" if detail else "")
            + "。请确认 LibreOffice 能正常打开该工作簿。"
        )
    return out


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
            other.print_area = None  # LibreOffice prints a hidden sheet that has a print area
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
    progress: Progress = QUIET,
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
    from xladdin.files.other_formats import as_xlsx  # it converts through this module: imported when asked

    progress.step("读取工作簿")
    # an .xls / .ods is read through a converted copy (the file itself is untouched), kept while the
    # workbook is in use: its save reads the input again (files.carry)
    with as_xlsx(src) as readable:
        wb = load_for_edit(readable)
        try:
            progress.step("检查工作簿")
            ready = publication_readiness(src, wb)
            if not ready.ready and not force:
                raise UserError(ready.refusal(), exit_code=1)
            draft = "" if ready.ready else ready.draft_note()
            progress.step("排版")
            published = build_publication(wb, day=day, unit=unit, year=year, options=options, draft=draft)
            return _publish(wb, out, folder, timeout, progress), published, ready
        finally:
            close(wb)


def _publish(wb: Any, out: Path, folder: Path, timeout: int, progress: Progress = QUIET) -> Path:
    with tempfile.TemporaryDirectory(prefix="xladdin-publish-") as tmp:
        work = Path(tmp)
        pdf = print_publication(wb, work, timeout, progress)
        staged = folder / f".{out.stem}.{os.getpid()}.pdf.tmp"
        try:
            shutil.copyfile(pdf, staged)
            os.replace(staged, out)
        except PermissionError:
            raise UserError(f"无法写入 {out}：没有权限或文件正被其他程序打开。请关闭该文件或换一个输出路径。") from None
        finally:
            if staged.exists():
                staged.unlink()
    return out
