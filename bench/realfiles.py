"""Every writing command over the real-file corpus (``../shared/realfiles``): nothing crashes, hangs or is lost.

The corpus holds 873 spreadsheets made by other applications (Excel on Windows, Mac and
Online, LibreOffice, WPS, Google Sheets, Numbers and many libraries).  Each file is run
through ``check --mark``, ``clear``, ``format``, ``fill`` and ``rollover`` as it is, and
each .xlsx/.xlsm once more with one project table added (a sheet injected into the
package itself, so nothing else of the file changes) so that fill, format and rollover
really rewrite it.  Every run is a forked child of this process with a time limit; it is
counted as

* ``accepted``: exit 0/1 and a file written, then compared with its input by
  ``bench/package_compare.py`` (its own code, not the write path's verification): a
  difference the command does not make is a ``silent loss``;
* ``refused``: exit 2 with one line on stderr (the reason, with file names and numbers
  taken out, is counted);
* ``internal error`` (exit 3), ``traceback`` (a Python traceback on stderr, whatever the
  exit code) or ``hang`` (killed at the limit: 60 s of CPU, or five times that in wall time on a busy
  machine).

    python bench/realfiles.py                         # the whole corpus, every command (hours on 2 cores)
    python bench/realfiles.py --only 'poi/*' --commands mark,format
    python bench/realfiles.py --json bench/out/realfiles.json
    python bench/realfiles.py --shuffle 1 --log bench/out/runs.jsonl   # each run logged as it ends
    python bench/realfiles.py --summarise bench/out/runs.jsonl         # counts of a run, stopped early or not

Temporary files of every run are removed; a hang's or a loss's input is listed by name.
"""

from __future__ import annotations

import argparse
import contextlib
import fnmatch
import json
import os
import re
import shutil
import signal
import sys
import tempfile
import time
import zipfile
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "realfiles"
WORKBOOK = ROOT / "workbook" / "社保局本级2026绩效目标表.xlsx"
TABLE_SHEET = "绩效目标表"

sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import package_compare  # noqa: E402

COMMANDS = ("mark", "clear", "format", "fill", "rollover")
WRITABLE = (".xlsx", ".xlsm", ".xltx", ".xltm")


@dataclass
class Entry:
    """One file of the manifest."""

    file: str
    producer: str
    size: int

    @property
    def suffix(self) -> str:
        return Path(self.file).suffix.lower()

    @property
    def by_excel(self) -> bool:
        """Saved by Microsoft Excel (Windows, Mac, Online) as a workbook: what a plain Excel user writes."""
        return self.suffix in (".xlsx", ".xlsm") and bool(
            re.match(r"(Microsoft (Macintosh )?Excel|MicrosoftOffice/|Microsoft Excel Online)", self.producer)
        )


def manifest(corpus: Path = CORPUS) -> list[Entry]:
    out = []
    with open(corpus / "manifest.tsv", encoding="utf-8") as fh:
        next(fh)
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 5:
                out.append(Entry(parts[0], parts[3], int(parts[4]) if parts[4].isdigit() else 0))
    return out


# --------------------------------------------------------------------------- one project table, added to a package


def _table_cells() -> tuple[list[tuple[int, int, Any]], list[str], dict[int, float]]:
    """The first project sheet of the bundled workbook: (row, col, value), merges, column widths."""
    from openpyxl import load_workbook

    wb = load_workbook(WORKBOOK)
    ws = wb.worksheets[1]
    cells = [(c.row, c.column, c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    merges = [str(m) for m in ws.merged_cells.ranges]
    widths = {i: ws.column_dimensions[chr(64 + i)].width or 12 for i in range(1, 7)}
    return cells, merges, widths


_TABLE: tuple[list[tuple[int, int, Any]], list[str], dict[int, float]] | None = None


def _xml_text(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def table_sheet_xml(main_ns: str) -> bytes:
    """The project table as a worksheet part in ``main_ns`` (transitional or Strict): inline strings, no styles."""
    global _TABLE
    if _TABLE is None:
        _TABLE = _table_cells()
    cells, merges, widths = _TABLE
    from openpyxl.utils import get_column_letter

    rows: dict[int, list[str]] = {}
    for r, c, v in sorted(cells):
        ref = f"{get_column_letter(c)}{r}"
        if isinstance(v, bool):
            xml = f'<c r="{ref}" t="b"><v>{int(v)}</v></c>'
        elif isinstance(v, int | float):
            xml = f'<c r="{ref}"><v>{v!r}</v></c>'
        else:
            xml = f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{_xml_text(str(v))}</t></is></c>'
        rows.setdefault(r, []).append(xml)
    cols = "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>' for i, w in widths.items())
    data = "".join(f'<row r="{r}">{"".join(cs)}</row>' for r, cs in sorted(rows.items()))
    mc = "".join(f'<mergeCell ref="{m}"/>' for m in merges)
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{main_ns}">'
        f"<cols>{cols}</cols><sheetData>{data}</sheetData>"
        f'<mergeCells count="{len(merges)}">{mc}</mergeCells></worksheet>'
    ).encode()


_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_WS_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"


def add_table(src: Path, dst: Path) -> bool:
    """``src`` with one project table added as the last sheet, written to ``dst``; False when it cannot be added.

    Only the workbook part, its relationships and the content types change; every other
    part is copied byte for byte (so whatever a command then loses is its own doing).
    """
    from lxml import etree

    try:
        with zipfile.ZipFile(src) as zf:
            names = zf.namelist()
            lower = {n.lower(): n for n in names}
            root_rels = etree.fromstring(zf.read(lower["_rels/.rels"]))
            wb_part = next(
                (
                    r.get("Target", "").lstrip("/")
                    for r in root_rels
                    if r.get("Type", "").endswith("/officeDocument") and not r.get("Target", "").startswith("http")
                ),
                "xl/workbook.xml",
            )
            wb_real = lower.get(wb_part.lower())
            folder, base = wb_part.rsplit("/", 1) if "/" in wb_part else ("", wb_part)
            rels_name = lower.get(f"{folder}/_rels/{base}.rels".lower())
            if wb_real is None or rels_name is None or "[content_types].xml" not in lower:
                return False
            wb = etree.fromstring(zf.read(wb_real))
            rels = etree.fromstring(zf.read(rels_name))
            ct = etree.fromstring(zf.read(lower["[content_types].xml"]))
            main_ns = etree.QName(wb).namespace or ""
            sheets = next((e for e in wb if etree.QName(e).localname == "sheets"), None)
            if sheets is None:
                return False
            rel_ns = next(
                (v for k, v in wb.nsmap.items() if v.endswith("relationships") and "officeDocument" in v),
                "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
            )
            strict = "purl.oclc.org" in main_ns
            rel_type = (
                "http://purl.oclc.org/ooxml/officeDocument/relationships"
                if strict
                else "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
            ) + "/worksheet"
            n = 1
            while any(x.lower() == f"{folder}/worksheets/xladdin_table{n}.xml".lower().lstrip("/") for x in names):
                n += 1
            part = f"{folder}/worksheets/xladdin_table{n}.xml".lstrip("/")
            ids = {r.get("Id") for r in rels}
            rid = next(f"rIdX{i}" for i in range(1, 10_000) if f"rIdX{i}" not in ids)
            etree.SubElement(
                rels, f"{{{_REL_NS}}}Relationship", Id=rid, Type=rel_type, Target=f"worksheets/xladdin_table{n}.xml"
            )
            ids_used = [int(s.get("sheetId")) for s in sheets if (s.get("sheetId") or "").isdigit()]
            el = etree.SubElement(
                sheets, f"{{{main_ns}}}sheet", name=TABLE_SHEET, sheetId=str(max(ids_used, default=0) + 1)
            )
            el.set(f"{{{rel_ns}}}id", rid)
            etree.SubElement(ct, f"{{{_CT_NS}}}Override", PartName=f"/{part}", ContentType=_WS_CT)
            changed = {
                wb_real: etree.tostring(wb, xml_declaration=True, encoding="UTF-8", standalone=True),
                rels_name: etree.tostring(rels, xml_declaration=True, encoding="UTF-8", standalone=True),
                lower["[content_types].xml"]: etree.tostring(
                    ct, xml_declaration=True, encoding="UTF-8", standalone=True
                ),
            }
            with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as out:
                for info in zf.infolist():
                    data = changed.get(info.filename)
                    out.writestr(info, data if data is not None else zf.read(info))
                out.writestr(part, table_sheet_xml(main_ns))
        return True
    except Exception:
        with contextlib.suppress(OSError):
            dst.unlink()
        return False


# --------------------------------------------------------------------------- one run, forked


@dataclass
class Run:
    file: str
    command: str
    table: bool
    outcome: str  # accepted | refused | internal | traceback | hang | no-output | skipped
    readable: bool = True  # xladdin check reads the input (its refusals are then the writing's own)
    code: int | None = None
    seconds: float = 0.0
    message: str = ""
    losses: list[str] = field(default_factory=list)
    # what a LibreOffice conversion the command announced changes, as README *Limits* documents (not a loss)
    effects: list[str] = field(default_factory=list)
    said_recalculated: bool = False  # the command said formula results are left for Excel to recalculate


def argv_of(command: str, src: Path, out: Path) -> list[str]:
    suffix = ".xlsm" if src.suffix.lower() in (".xlsm", ".xltm") else ".xlsx"
    o = str(out.with_suffix(suffix))
    return {
        "mark": ["check", str(src), "--mark", "-o", o],
        "clear": ["clear", str(src), "-o", o],
        "format": ["format", str(src), "-o", o],
        "fill": ["fill", str(src), "-o", o],
        "rollover": ["rollover", str(src), "--to", "2027", "-o", o],
    }[command]


def forked(argv: list[str], cwd: Path, limit: float) -> tuple[int | None, str, str, float]:
    """Run ``xladdin <argv>`` in a forked child (xladdin already imported here): exit code, stdout, stderr, seconds."""
    out_path, err_path = cwd / ".stdout", cwd / ".stderr"
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # the child: a fresh process group, its own output files
        code = 70
        try:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            os.setpgid(0, 0)
            os.chdir(cwd)
            fo = os.open(out_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            fe = os.open(err_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(fo, 1)
            os.dup2(fe, 2)
            sys.stdout = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
            sys.stderr = open(2, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
            from xladdin.commands.cli import main

            code = main(argv)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 2
        except BaseException:
            import traceback

            traceback.print_exc()
            code = 71
        finally:
            with contextlib.suppress(Exception):
                sys.stdout.flush()
                sys.stderr.flush()
            # atexit handlers run, as at the end of a real process (openpyxl's, the keep_vba archive's)
            with contextlib.suppress(Exception):
                import atexit

                atexit._run_exitfuncs()
            with contextlib.suppress(Exception):
                sys.stderr.flush()
            os._exit(code)
    deadline = start + limit
    code: int | None = None
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            code = os.waitstatus_to_exitcode(status)
            break
        now = time.perf_counter()
        if now > deadline:
            # a shared, busy machine stretches wall time: a run is a hang once it has used ``limit`` seconds of
            # CPU, or five times ``limit`` of wall time, whichever comes first
            cpu = _cpu_seconds(pid)
            if cpu is not None and cpu < limit and now < start + 5 * limit:
                deadline = now + max(1.0, limit - cpu)
                continue
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            break
        time.sleep(0.02)
    took = time.perf_counter() - start
    read = lambda p: p.read_text(encoding="utf-8", errors="replace") if p.exists() else ""  # noqa: E731
    return code, read(out_path), read(err_path), took


def _cpu_seconds(pid: int) -> float | None:
    """The CPU time a running child has used (Linux /proc), None where it cannot be read."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


_NUM = re.compile(r"\d+(?:\.\d+)?")
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"|'[^']*'")


def reason(stderr: str, src_name: str) -> str:
    """A refusal's message without the file's own names and numbers, so that equal reasons count together."""
    lines = [ln for ln in stderr.splitlines() if ln.startswith("xladdin：")]
    text = lines[-1] if lines else stderr.strip().splitlines()[-1] if stderr.strip() else "(no message)"
    text = text.removeprefix("xladdin：").replace(src_name, "FILE").replace(Path(src_name).stem, "FILE")
    text = text.replace("OUT.xlsx", "OUT").replace("OUT.xlsm", "OUT")
    text = _QUOTED.sub("“…”", text)
    text = re.sub(r"[\w./-]*/[\w./-]+", "PATH", text)
    return _NUM.sub("N", text)[:300]


def run_one(
    entry: Entry,
    command: str,
    src: Path,
    table: bool,
    work: Path,
    limit: float,
    tables: set[str],
    readable: bool,
    original: Path | None = None,
    keep: Path | None = None,
    said_before: bool = False,
) -> Run:
    """One command on ``src``; the output compared with ``original`` (default ``src``: clear of a marked
    copy must give back the file as it was before marking) and, with ``keep``, kept there.

    ``said_before``: the run that made ``src`` (the mark of a converted .xls/.xlsb) told the user that
    formula results are LibreOffice's until Excel recalculates; clear's copy still holds them."""
    out = work / "OUT.xlsx"
    argv = argv_of(command, src, out)
    written = Path(argv[-1])
    for p in (written,):
        with contextlib.suppress(OSError):
            p.unlink()
    before = src.read_bytes()
    code, _stdout, stderr, took = forked(argv, work, limit)
    run = Run(entry.file, command, table, "", readable, code, round(took, 2))
    if src.read_bytes() != before:
        run.losses.append("the input file was changed")
    if code is None:
        run.outcome = "hang"
    elif "Traceback (most recent call last)" in stderr:
        run.outcome = "traceback"
        run.message = stderr.strip().splitlines()[-1][:300]
    elif code == 3 or code >= 70:
        run.outcome = "internal"
        run.message = stderr.strip()[-300:]
    elif code == 2:
        run.outcome = "refused"
        run.message = reason(stderr, src.name)
    elif code in (0, 1):
        if not written.exists():
            run.outcome = "no-output"
        else:
            run.outcome = "accepted"
            changed = tables | ({TABLE_SHEET} if table else set())
            # formula results left for Excel to recalculate, as the command (or the mark before it) said
            said = run.said_recalculated = "重新计算" in stderr or said_before
            try:
                run.losses += package_compare.compare(
                    original or src, written, command, changed, recalculated=said, effects=run.effects
                )
            except Exception as exc:  # the comparison's own failure is a finding too
                run.losses.append(f"comparison failed: {type(exc).__name__}: {exc}")
            if keep is not None:
                shutil.copyfile(written, keep)
    else:
        run.outcome = "internal"
        run.message = f"exit {code}: {stderr.strip()[-200:]}"
    with contextlib.suppress(OSError):
        written.unlink()
    # whatever a run leaves in its folder (temporary files) is counted and removed
    left = [p.name for p in work.iterdir() if p.name not in (".stdout", ".stderr", ".lo-profile")]
    if left:
        run.losses.append("left behind: " + ", ".join(sorted(left)[:5]))
        for p in work.iterdir():
            if p.is_file() and p.name not in (".stdout", ".stderr"):
                p.unlink()
            elif p.is_dir() and p.name != ".lo-profile":
                shutil.rmtree(p, ignore_errors=True)
    return run


def project_sheets(path: Path) -> tuple[bool, set[str]]:
    """Whether xladdin check reads the file, and the sheets it reads as project tables (the commands may
    change them: the comparison leaves them out)."""
    from xladdin.check import read_projects
    from xladdin.errors import UserError
    from xladdin.files.sources import read_sheets

    try:
        sheets = read_sheets(path)
    except (UserError, Exception):
        return False, set()
    try:
        projects, _ = read_projects(sheets)
    except Exception:
        return True, set()
    return True, {p.sheet for p in projects}


def corpus_runs(
    entries: list[Entry],
    commands: tuple[str, ...],
    limit: float,
    tables_too: bool,
    corpus: Path,
    quiet: bool = False,
    log: Path | None = None,
) -> list[Run]:
    """Every command over ``entries``; each run is also appended to ``log`` (one JSON line) as it ends, so that
    a long run stopped early still counts what it did (``--summarise LOG``)."""
    runs: list[Run] = []
    # not a TemporaryDirectory: its finalizer is an atexit handler the forked children would run
    base = Path(tempfile.mkdtemp(prefix="xladdin-realfiles-"))
    try:
        for i, entry in enumerate(entries, 1):
            src = corpus / "files" / entry.file
            if not src.exists():
                continue
            work, inputs = base / "w", base / "in"
            work.mkdir(exist_ok=True)
            inputs.mkdir(exist_ok=True)
            variants: list[tuple[Path, bool]] = [(inputs / ("XFILE" + entry.suffix), False)]
            shutil.copyfile(src, variants[0][0])
            if tables_too and entry.suffix in WRITABLE:
                with_table = inputs / ("XTABLE" + entry.suffix)
                if add_table(src, with_table):
                    variants.append((with_table, True))
            if not quiet and i % 25 == 0:
                print(f"[{i}/{len(entries)}] {time.strftime('%H:%M:%S')} {len(runs)} runs", file=sys.stderr, flush=True)
            for path, table in variants:
                readable, tables = project_sheets(path)
                marked = inputs / ("MARKED" + (".xlsm" if entry.suffix in (".xlsm", ".xltm") else ".xlsx"))
                with contextlib.suppress(OSError):
                    marked.unlink()
                said_by_mark = False
                for command in commands:
                    if command == "clear" and marked.exists():  # clear takes off the marks of the mark run
                        run = run_one(
                            entry,
                            command,
                            marked,
                            table,
                            work,
                            limit,
                            tables,
                            readable,
                            original=path,
                            said_before=said_by_mark,
                        )
                    else:
                        keep = marked if command == "mark" and "clear" in commands else None
                        run = run_one(entry, command, path, table, work, limit, tables, readable, keep=keep)
                        if command == "mark":
                            said_by_mark = run.said_recalculated
                    runs.append(run)
                    if log is not None:
                        with open(log, "a", encoding="utf-8") as fh:  # one short write per line: lines do not mix
                            fh.write(json.dumps(asdict(run), ensure_ascii=False) + "\n")
                    if (not quiet and run.outcome not in ("accepted", "refused")) or (not quiet and run.losses):
                        print(
                            f"[{i}/{len(entries)}] {entry.file} {command}{' +表' if table else ''}: "
                            f"{run.outcome} {run.message[:150]} {run.losses[:3]}",
                            file=sys.stderr,
                        )
            for path in [*(p for p, _ in variants), *inputs.glob("MARKED.*")]:
                with contextlib.suppress(OSError):
                    path.unlink()
    finally:
        shutil.rmtree(base, ignore_errors=True)
    return runs


_LIST = re.compile(r"^(?:写入会丢失工作簿中的以下内容|写入后核对发现会丢失原有内容)：(.*?)(?:等 N 项)?。")


def reason_items(message: str) -> list[str]:
    """A refusal's reasons one by one: a list of lost features is split, each feature counted on its own."""
    m = _LIST.match(message)
    if not m:
        return [message]
    items = [re.sub(r"^工作表“…”中的?", "", x).strip() for x in m.group(1).split("；")]
    return sorted({("写入前：" if message.startswith("写入会") else "写入后核对：") + x for x in items if x})


def _runs_of(job: tuple[list[Entry], tuple[str, ...], float, bool, Path, bool, Path | None]) -> list[Run]:
    return corpus_runs(*job)


def parallel_runs(
    entries: list[Entry],
    commands: tuple[str, ...],
    limit: float,
    tables_too: bool,
    corpus: Path,
    quiet: bool,
    jobs: int,
    log: Path | None = None,
) -> list[Run]:
    """``corpus_runs`` over ``jobs`` worker processes, each with every ``jobs``-th file; runs in file order."""
    if jobs <= 1 or len(entries) < 2:
        return corpus_runs(entries, commands, limit, tables_too, corpus, quiet, log)
    import multiprocessing

    slices = [entries[i::jobs] for i in range(jobs)]
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        parts = pool.map(_runs_of, [(part, commands, limit, tables_too, corpus, quiet, log) for part in slices])
        pool.close()  # the workers end on their own (a terminate would interrupt them: see the SIGTERM handler)
        pool.join()
    order = {e.file: i for i, e in enumerate(entries)}
    return sorted((r for part in parts for r in part), key=lambda r: order.get(r.file, 0))


def summarise(runs: list[Run], entries: list[Entry]) -> dict[str, Any]:
    by_excel = {e.file for e in entries if e.by_excel}
    out: dict[str, Any] = {"runs": len(runs), "commands": {}}
    for command in COMMANDS:
        for table in (False, True):
            rs = [r for r in runs if r.command == command and r.table == table]
            if not rs:
                continue
            key = command + (" +表" if table else "")
            outcomes = Counter(r.outcome for r in rs)
            refused = [r for r in rs if r.outcome == "refused"]
            out["commands"][key] = {
                "runs": len(rs),
                "outcomes": dict(outcomes),
                "losses": sum(1 for r in rs if r.losses),
                "conversion_effects": sum(1 for r in rs if r.effects and not r.losses),
                "refused_unreadable": sum(1 for r in refused if not r.readable),
                "reasons": dict(Counter(item for r in refused for item in reason_items(r.message)).most_common()),
            }
    marks = [r for r in runs if r.command == "mark" and not r.table and r.file in by_excel]
    accepted = sum(1 for r in marks if r.outcome == "accepted" and not r.losses)
    readable = [r for r in marks if r.readable]
    out["excel_files_marked"] = {
        "files": len(marks),
        "accepted": accepted,
        "share": round(accepted / len(marks), 4) if marks else None,
        "readable_by_check": len(readable),
        "share_of_readable": round(accepted / len(readable), 4) if readable else None,
    }
    out["conversion_effects"] = [asdict(r) for r in runs if r.effects and not r.losses]
    out["problems"] = [
        asdict(r) for r in runs if r.outcome in ("internal", "traceback", "hang", "no-output") or r.losses
    ]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--only", action="append", default=[], help="fnmatch patterns of manifest paths (poi/*)")
    ap.add_argument("--commands", default=",".join(COMMANDS))
    ap.add_argument(
        "--limit", type=float, default=60.0, help="CPU seconds per run (5× in wall time) before it counts as a hang"
    )
    ap.add_argument("--no-tables", action="store_true", help="only the files as they are")
    ap.add_argument("--json", type=Path, help="write every run and the summary here")
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("--jobs", type=int, default=2, help="files run side by side (each run is still one process)")
    ap.add_argument("--log", type=Path, help="append every run here as it ends (one JSON line)")
    ap.add_argument(
        "--shuffle", type=int, metavar="SEED", help="files in a random order: a run stopped early is a sample"
    )
    ap.add_argument(
        "--summarise", type=Path, metavar="LOG", help="only summarise the runs of a --log (a partial run too)"
    )
    args = ap.parse_args(argv)
    if not (args.corpus / "manifest.tsv").exists():
        print(f"no corpus at {args.corpus}", file=sys.stderr)
        return 2
    entries = manifest(args.corpus)
    if args.only:
        entries = [e for e in entries if any(fnmatch.fnmatch(e.file, p) for p in args.only)]
    commands = tuple(c for c in args.commands.split(",") if c)
    if args.summarise:
        done = [Run(**json.loads(line)) for line in args.summarise.read_text(encoding="utf-8").splitlines() if line]
        summary = summarise(done, entries)
        summary["files"] = len({r.file for r in done})
        print(
            json.dumps(
                {k: v for k, v in summary.items() if k not in ("problems", "conversion_effects")},
                ensure_ascii=False,
                indent=1,
            )
        )
        for p in summary["conversion_effects"]:  # documented in README Limits: listed, not problems
            print(f"{p['file']} {p['command']}: conversion effect {p['effects'][:2]}")
        for p in summary["problems"]:
            print(
                f"{p['file']} {p['command']}{' +表' if p['table'] else ''}: {p['outcome']} {p['message'][:150]} {p['losses'][:3]}"
            )
        return 0
    if args.shuffle is not None:
        import random

        random.Random(args.shuffle).shuffle(entries)
    # a kill (SIGTERM) unwinds like Ctrl-C: the temporary folder goes (see corpus_runs)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    start = time.perf_counter()
    runs = parallel_runs(
        entries, commands, args.limit, not args.no_tables, args.corpus, args.quiet, args.jobs, args.log
    )
    summary = summarise(runs, entries)
    summary["seconds"] = round(time.perf_counter() - start, 1)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(
            json.dumps({"summary": summary, "runs": [asdict(r) for r in runs]}, ensure_ascii=False, indent=1),
            encoding="utf-8",
        )
    print(
        json.dumps(
            {k: v for k, v in summary.items() if k not in ("problems", "conversion_effects")},
            ensure_ascii=False,
            indent=1,
        )
    )
    print(f"conversion effects (README Limits): {len(summary['conversion_effects'])}")
    print(f"problems: {len(summary['problems'])}")
    return 0 if not summary["problems"] else 1


if __name__ == "__main__":
    sys.exit(main())
