"""``xladdin check FILE… [--format text|json] [--select …] [--ignore …]``.

FILE may be several files, a folder (searched with its subfolders) or a pattern such
as ``送审/*.xlsx``: one report per file and a total.  One file keeps the one-file JSON
contract; several give ``{"files": [...], "unreadable": [...], "summary": {...}}``.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from xladdin.commands.console import progress_of
from xladdin.settings import split_codes


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", nargs="+", help="要检查的工作簿（.xlsx）；可写多个文件、文件夹或通配符（如 送审/*.xlsx）")
    p.add_argument("--format", choices=["text", "json"], default="text", help="输出格式（默认 text）")
    p.add_argument("--select", default="", help="只用这些规则，逗号分隔（代码或前缀，如 FUND,VAL001）")
    p.add_argument("--ignore", default="", help="不用这些规则，逗号分隔")
    p.add_argument(
        "--mark", action="store_true", help="把问题标在单元格上（颜色+批注）并加“校验结果”表，写入 -o 指定的文件"
    )
    p.add_argument(
        "--fix",
        action="store_true",
        help="把改法确定的问题直接改好（安全修正，如满意度补“≥”），写入 -o 指定的文件；可用 xladdin undo 撤销",
    )
    p.add_argument("--unsafe-fixes", action="store_true", help="--fix 时也应用需确认的修正（如把上年的日期改为本年）")
    p.add_argument(
        "-o",
        "--output",
        help="--mark / --fix 时的输出文件（检查多个文件时为输出文件夹）；--mark 不写时为原文件旁的“原名-校验.xlsx”",
    )
    p.add_argument(
        "--report",
        metavar="汇总.xlsx",
        help="另写一个审核汇总工作簿：每个文件一行（错误、警告数和结论），以及全部问题清单",
    )
    p.add_argument("--reviewer", metavar="姓名", default="", help="--report 时写在审核汇总上的审核人")
    settings = p.add_mutually_exclusive_group()
    settings.add_argument(
        "--no-file-settings",
        dest="file_settings",
        action="store_false",
        default=None,
        help="不采用工作簿自带的规则设置（xladdin设置 表），全部规则照常检查；--report 时默认如此",
    )
    settings.add_argument(
        "--file-settings",
        dest="file_settings",
        action="store_true",
        help="采用工作簿自带的规则设置（不加 --report 时默认如此）",
    )
    p.add_argument("--in-place", action="store_true", help="--mark 时直接改原文件（会先留备份）")
    p.add_argument("--force", action="store_true", help="即使写入会丢失工作簿中无法保留的内容也继续（只能写到新文件）")
    p.add_argument(
        "--output-file",
        metavar="结果.json",
        help="把检查结果写入这个文件（UTF-8 编码），而不是显示在屏幕上",
    )
    p.add_argument(
        "--exit-zero",
        action="store_true",
        help="发现错误时也以 0 退出（文件无法读取或未能写入时仍为 2），便于 .bat 脚本和 && 继续执行下一步",
    )
    p.add_argument(
        "--tables",
        action="store_true",
        help="同时列出读到的每张表：表样栏目、金额单位和每一行指标（用来确认其他表样读得对不对）",
    )
    p.add_argument(
        "--standards",
        metavar="标准.xlsx|.csv",
        help="用本单位或财政部门的支出标准核对成本指标（同类支出替换内置的中央标准；见 xladdin standards）",
    )
    p.add_argument(
        "-j",
        "--jobs",
        type=int,
        default=None,
        help="同时检查用的进程数（默认：工作表很多时按CPU核数自动决定；1 = 不并行）",
    )


MARKED_SUFFIX = "-校验"  # a marked copy is 原名-校验.xlsx: never taken for the original


def marked_name(path: Path) -> Path:
    """社保局.xlsx → 社保局-校验.xlsx (beside it, or in the folder it is mirrored into); an .xls, .xlsb,
    .ods or .et is written as a new .xlsx (社保局.xls → 社保局-校验.xlsx), and so is an .xlsx renamed."""
    from xladdin.files.other_formats import OTHER_FORMATS

    suffix = ".xlsx" if path.suffix.lower() in OTHER_FORMATS else path.suffix
    return path.with_name(f"{path.stem}{MARKED_SUFFIX}{suffix}")


def _file_settings(args: argparse.Namespace) -> bool:
    """Obey a workbook's own rule choice?  Not for a reviewer's report, unless asked."""
    return bool(args.file_settings) if args.file_settings is not None else not args.report


def run(args: argparse.Namespace) -> int:
    """The check; with ``--exit-zero`` the errors found do not fail a script (a file that could
    not be checked still does: exit 2) — see ``exit_code``."""
    from xladdin.commands.standards import read_standards_file
    from xladdin.standards import using

    with using(read_standards_file(args.standards) if args.standards else None):
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    from xladdin.check import refuse_unknown
    from xladdin.errors import UserError
    from xladdin.files.checking import check_file
    from xladdin.files.inputs import is_single_file
    from xladdin.files.reports import mark_file
    from xladdin.marks import plan_marks

    if args.jobs is not None and args.jobs < 1:
        raise UserError(f"--jobs 应为不小于1的整数（写的是 {args.jobs}）。不想并行请写 --jobs 1。")
    refuse_unknown(split_codes(args.select), split_codes(args.ignore))  # before any work: a typo checks nothing
    if not is_single_file(args.file):
        if args.fix or args.unsafe_fixes:
            raise UserError("--fix 一次只能修正一个文件，请逐个文件运行。")
        if args.tables:
            raise UserError("--tables 一次只能列出一个文件的表，请逐个文件运行。")
        return exit_code(_run_batch(args), args)
    args.file = args.file[0]
    if args.fix or args.unsafe_fixes:
        return exit_code(_run_fix(args), args)
    if args.report:
        _check_report_path(args.report, [Path(args.file)])
    marking = bool(args.mark or args.output or args.in_place)  # an output file only makes sense for marks
    target = args.output
    if marking and not args.output and not args.in_place:
        target = str(marked_name(Path(args.file)))
        _refuse_foreign(Path(target))
    progress = progress_of(args)
    json = args.format == "json"
    result = check_file(
        args.file,
        split_codes(args.select),
        split_codes(args.ignore),
        jobs=args.jobs,
        json=json,
        file_settings=_file_settings(args),
        progress=progress,
    )
    # every file is written before anything is printed: a console that cannot show a character
    # (or a reader that left the pipe) must never cost the user the marked workbook
    said: list[str] = []
    tables = _tables(args.file) if args.tables else None
    if args.report:
        from xladdin.check import BatchResult

        said.append(_write_report(BatchResult([result]), args.report, [Path(args.file)], args.reviewer))
    if marking:
        done = mark_file(args.file, result, output=target, in_place=args.in_place, force=args.force, progress=progress)
        marked = len(plan_marks(result))
        said.append(f"已写入 {done.target}：{marked} 个单元格已标色并加批注，详见“校验结果”表。")
        said.extend(f"提示：{line}" for line in done.notices)
    say_report(args, result, tables)
    for line in said:
        print(line, file=sys.stderr)
    return exit_code(result.exit_code, args)


def exit_code(code: int, args: argparse.Namespace) -> int:
    """``--exit-zero``: findings are not a failure (ruff's option); a file that could not be read or written still is."""
    return 0 if code == 1 and getattr(args, "exit_zero", False) else code


def say_report(args: argparse.Namespace, result: Any, tables: list[dict[str, Any]] | None = None) -> None:
    """One file's report: the console text, or the JSON contract, on stdout or into ``--output-file``."""
    from xladdin.commands.console import write_report
    from xladdin.report import to_console, to_json

    output_file = getattr(args, "output_file", None)
    if args.format == "json":
        write_report(to_json(result, getattr(result, "rendered", None), tables), output_file, json=True)
    else:
        color = not output_file and sys.stdout.isatty()
        write_report(to_console(result, color=color, tables=tables), output_file, json=False)


def _tables(file: str) -> list[dict[str, Any]]:
    """What was read of each table of the file, in the order of the check's projects."""
    from xladdin.check import read_projects
    from xladdin.files.sources import read_sheets
    from xladdin.report import table_view

    projects, _ = read_projects(read_sheets(file))
    return [table_view(p) for p in projects]


def _refuse_foreign(target: Path) -> None:
    """The default marked copy replaces only an earlier marked copy, never a file of the user's."""
    from xladdin.errors import UserError
    from xladdin.files.checking import output_kind

    if not target.exists() or output_kind(target):
        return  # nothing there, or our own earlier marked copy: replaced
    raise UserError(f"{target} 已存在，且不是 xladdin 生成的标记副本，未覆盖。请用 -o 指定输出文件。")


def _run_fix(args: argparse.Namespace) -> int:
    """``--fix``: the safe fixes (and with ``--unsafe-fixes`` the others) of the selected rules
    applied and journalled, then the fixed workbook checked again: the report is what is left,
    as ruff reports after fixing."""
    from xladdin.conventions import now_text
    from xladdin.errors import UserError
    from xladdin.files.checking import check_file
    from xladdin.files.writing import edit_file
    from xladdin.plans.fix import plan_fix

    if args.mark or args.report:
        raise UserError("--fix 不能与 --mark 或 --report 同时使用：请先修正，再对修正后的文件校验。")
    select, ignore = split_codes(args.select), split_codes(args.ignore)
    progress = progress_of(args)
    before = check_file(args.file, select, ignore, jobs=args.jobs, progress=progress)
    unsafe = bool(args.unsafe_fixes)
    done = edit_file(
        args.file,
        lambda sheets: plan_fix(sheets, before.findings, unsafe=unsafe, time=now_text()),
        args.output,
        args.in_place,
        args.force,
        progress=progress,
    )
    after = check_file(
        str(done.target or args.file), select, ignore, jobs=args.jobs, json=args.format == "json", progress=progress
    )
    say_report(args, after)
    plan = done.plan
    where = f"已写入 {done.target}" if done.target else "文件未改动"
    print(f"{plan.message}{where}。", file=sys.stderr)
    for note in plan.notes:
        print(f"未修正：{note}", file=sys.stderr)
    from xladdin.commands.cli import say_notices

    say_notices(done.notices)
    left = sum(1 for f in after.findings if f.fix is not None and not f.fix.safe)
    if left and not unsafe:
        print(f"另有{left}处需确认的修正未应用（加 --unsafe-fixes 可一并修正）。", file=sys.stderr)
    return after.exit_code


def _run_batch(args: argparse.Namespace) -> int:
    """Every workbook the arguments name, each checked on its own; a broken one is listed.

    With ``--mark -o FOLDER`` each checked file is written, marked, under FOLDER in the
    same subfolders (the reviewer sends each department its own marked file back);
    ``--mark --in-place`` marks each file itself, after a backup.
    """
    from xladdin.check import BatchResult
    from xladdin.commands.console import write_report
    from xladdin.errors import EarlierOutput, UserError
    from xladdin.files.checking import check_file
    from xladdin.files.inputs import expand_inputs
    from xladdin.report import batch_to_console, batch_to_json

    paths = expand_inputs(args.file)
    if args.output:
        # marked copies from an earlier run into a folder inside the checked one are
        # outputs, not submissions: checking them again would mark them twice
        out = Path(args.output).resolve()
        paths = [p for p in paths if out not in p.resolve().parents] or paths
    if args.report:
        paths = _check_report_path(args.report, paths)
    marking = bool(args.mark or args.output or args.in_place)
    targets = _mark_targets(paths, args.output, args.in_place) if marking else {}
    batch = BatchResult([])
    select, ignore = split_codes(args.select), split_codes(args.ignore)
    own = _file_settings(args)
    progress = progress_of(args)
    try:
        for i, path in enumerate(paths, start=1):
            progress.step("检查文件", i, len(paths))
            try:
                batch.results.append(
                    check_file(
                        str(path),
                        select,
                        ignore,
                        jobs=args.jobs,
                        json=args.format == "json",
                        file_settings=own,
                        outputs=False,
                    )
                )
            except EarlierOutput as e:  # a marked copy or a report of an earlier run, wherever it was written
                batch.outputs.append((str(path), e.what))
            except UserError as e:
                batch.unreadable.append((str(path), str(e)))
        # the files are written before the report is printed (see run)
        said: list[str] = []
        if args.report:
            said.append(_write_report(batch, args.report, paths, args.reviewer))
        failed = _mark_batch(batch, targets, args, said) if marking else 0
    finally:
        progress.clear()
    if args.format == "json":
        text = batch_to_json(batch, {r.file: getattr(r, "rendered", {}) for r in batch.results})
    else:
        text = batch_to_console(batch, color=not args.output_file and sys.stdout.isatty())
    write_report(text, args.output_file, json=args.format == "json")
    for line in said:
        print(line, file=sys.stderr)
    return 2 if failed else batch.exit_code


def _check_report_path(report: str, inputs: list[Path]) -> list[Path]:
    """Before any work: the report is a new .xlsx that is none of the files checked — or the
    report of an earlier run (written into the checked folder), which is replaced and not checked."""
    from xladdin.errors import UserError
    from xladdin.files.checking import output_kind

    out = Path(report)
    if out.suffix.lower() != ".xlsx":
        raise UserError(f"--report 应是 .xlsx 文件名（写的是 {out.name}），例如 --report 审核汇总.xlsx。")
    if out.is_dir():
        raise UserError(f"--report 给出的 {out} 是一个文件夹，请给出文件名，例如 --report {out / '审核汇总.xlsx'}。")
    same = [p for p in inputs if out.exists() and p.exists() and os.path.samefile(out, p)]
    if same and not output_kind(out):
        raise UserError(f"--report 不能写到被检查的文件 {out.name} 上，请换一个文件名。")
    return [p for p in inputs if p not in same]


def _write_report(batch: Any, report: str, paths: list[Path], reviewer: str = "") -> str:
    """The reviewer's workbook, dated, signed when ``reviewer``; each file linked by its path
    relative to it.  Returns what to say."""
    import datetime as dt

    from xladdin.files.reports import write_batch_report
    from xladdin.toolsheets.report import batch_report

    out = Path(report)
    links = {}
    for p in paths:
        try:
            links[str(p)] = os.path.relpath(p.resolve(), out.resolve().parent).replace(os.sep, "/")
        except ValueError:  # another drive (Windows): an absolute link
            links[str(p)] = p.resolve().as_uri()
    sheets = batch_report(batch, links, day=dt.date.today(), reviewer=reviewer.strip(), outputs=batch.outputs)
    written = write_batch_report(out, sheets)
    return f"已写入审核汇总 {written.resolve()}。"


def _mark_targets(paths: list[Path], output: str | None, in_place: bool) -> dict[Path, Path | None]:
    """Where each marked file goes: FOLDER/<its path below the files' common folder>, named 原名-校验.xlsx."""
    from xladdin.errors import UserError

    if in_place:
        if output:
            raise UserError("不能同时使用 --in-place 和 -o。请二选一。")
        return {p: None for p in paths}
    if not output:
        raise UserError(
            "检查多个文件并标记时，请用 -o 指定输出文件夹（例如 -o 标记后），或加 --in-place（逐个留备份）。"
        )
    out = Path(output)
    if (out.exists() and not out.is_dir()) or (not out.exists() and out.suffix.lower() in (".xlsx", ".xlsm")):
        raise UserError(f"检查多个文件时，-o 应是一个文件夹（{out} 是文件名）。例如 -o 标记后。")
    try:
        root = Path(os.path.commonpath([p.resolve().parent for p in paths]))
    except ValueError:  # Windows: files on different drives have no common folder
        raise UserError("要标记的文件不在同一个磁盘上，请按磁盘分别运行，或改用 --in-place。") from None
    targets: dict[Path, Path | None] = {p: marked_name(out / p.resolve().relative_to(root)) for p in paths}
    inputs = {p.resolve() for p in paths}
    clash = [t for t in targets.values() if t is not None and t.resolve() in inputs]
    if clash:  # the marked copy of one file would replace an input (itself or another)
        raise UserError(
            f"-o 文件夹 {out} 会让标记后的文件覆盖被检查的文件（如 {clash[0]}）。请换一个文件夹，或用 --in-place。"
        )
    return targets


def _mark_batch(batch: Any, targets: dict[Path, Path | None], args: argparse.Namespace, said: list[str]) -> int:
    """Mark every checked file; a file that cannot be written is added to ``said`` (count returned)."""
    from xladdin.errors import UserError
    from xladdin.files.reports import mark_file

    progress = progress_of(args)
    failed = 0
    written: list[tuple[Path, Path]] = []
    for i, result in enumerate(batch.results, start=1):
        progress.step("标记文件", i, len(batch.results))
        src = Path(result.file)
        target = targets.get(src)
        try:
            if target is not None:
                target.parent.mkdir(parents=True, exist_ok=True)
            done = mark_file(src, result, output=target, in_place=args.in_place, force=args.force)
            assert done.target is not None
            written.append((src, done.target))
            for line in done.notices:
                print(f"提示：{src}：{line}", file=sys.stderr)
        except (UserError, OSError) as e:
            failed += 1
            said.append(f"xladdin：{src} 未写入标记：{e}")
    if args.in_place:
        where = "原文件（每个文件旁留有备份）"
    else:
        where = f"文件夹 {Path(args.output).resolve()}（文件名后加“{MARKED_SUFFIX}”）"
    said.append(f"已标记 {len(written)} 个文件，写入{where}；每个文件的“校验结果”表列出其问题：")
    said.extend(f"  {src} → {target}" for src, target in written)
    return failed
