"""``xladdin standards [FILE.xlsx] [--standards 标准.csv|xlsx] [--format text|json|csv]``.

Lists the expenditure standards a check holds 成本指标 against, line by line with where
each comes from (document, date, scope, confidence, and whether it is the shipped
central table, the workbook's ``xladdin支出标准`` sheet or a file).  ``--format csv``
writes the lines in use in the file format ``--standards`` reads, so a department can
start its own file from them.

``read_standards_file`` is the one place a standards file is read (the check command
uses it too).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from xladdin.commands.console import write_report
from xladdin.errors import UserError
from xladdin.model import display_text
from xladdin.standards import (
    HEADER,
    STANDARDS_SHEET,
    Line,
    Table,
    in_effect,
    layers,
    parse_csv,
    parse_rows,
    read_table,
    using,
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", nargs="?", help=f"工作簿（.xlsx）：一并列出其中“{STANDARDS_SHEET}”表的标准")
    p.add_argument(
        "--standards", metavar="标准.xlsx|.csv", help="本单位或财政部门的支出标准文件（与 check 的同名选项相同）"
    )
    p.add_argument("--format", choices=["text", "json", "csv"], default="text", help="输出格式（默认 text）")


def read_standards_file(path: str | Path) -> Table:
    """A standards file as a table; a file that cannot be used is refused with a Chinese message."""
    p = Path(path)
    if not p.exists():
        raise UserError(f"找不到支出标准文件 {p}。")
    suffix = p.suffix.lower()
    if suffix == ".csv":
        data = p.read_bytes()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("gb18030", errors="replace")  # Excel on Chinese Windows saves CSV so
        table = parse_csv(text, f"文件“{p.name}”")
    elif suffix in (".xlsx", ".xlsm"):
        from xladdin.files.sources import read_sheets

        sheets = read_sheets(p)
        sheet = next((s for s in sheets if s.name == STANDARDS_SHEET), sheets[0])
        table = parse_rows(sheet.rows, f"文件“{p.name}”的“{sheet.name}”表", cells=True)
    else:
        raise UserError(f"支出标准文件应是 .xlsx 或 .csv（写的是 {p.name}）。")
    if table.problems:
        listed = "；".join(m for _, m in table.problems[:5]) + ("……" if len(table.problems) > 5 else "")
        raise UserError(f"支出标准文件有读不懂的内容：{listed}请改正后再试（表头见 xladdin standards --format csv）。")
    return table


def _workbook_tables(file: str | None) -> list[Table]:
    if not file:
        return []
    from xladdin.files.sources import read_sheets

    return [read_table(s) for s in read_sheets(file, [STANDARDS_SHEET])]


def run(args: argparse.Namespace) -> int:
    top = read_standards_file(args.standards) if args.standards else None
    with using(top):
        stack = layers(_workbook_tables(args.file))
    lines = in_effect(stack)
    if args.format == "json":  # UTF-8 whatever the console's code page (xladdin.commands.console)
        write_report(json.dumps([_as_dict(line) for line in lines], ensure_ascii=False, indent=2), None, json=True)
    elif args.format == "csv":
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\n")
        w.writerow(HEADER)
        for line in lines:
            w.writerow(_row(line))
        # with a BOM, as Excel writes "CSV UTF-8": Excel on a Chinese Windows reads a CSV
        # without one as GBK, and the template would open garbled
        sys.stdout.flush()
        sys.stdout.buffer.write(out.getvalue().encode("utf-8-sig"))
        sys.stdout.buffer.flush()
    else:
        print(to_text(stack, lines))
    return 0


def _as_dict(line: Line) -> dict[str, Any]:
    d = asdict(line)
    d["includes"] = list(line.includes)
    return d


def _row(line: Line) -> list[Any]:
    values = {
        "类别": line.category,
        "项目": line.item,
        "适用范围": line.jurisdiction,
        "人员级别": line.level,
        "分类": line.klass,
        "职称": line.title,
        "地区": line.city,
        "单位": line.unit,
        "限额": display_text(line.limit),
        "第三天起限额": "" if line.day3 is None else display_text(line.day3),
        "包含": "、".join(line.includes),
        "依据文件": line.source,
        "日期": line.date,
        "可信度": line.confidence,
        "网址": line.url,
        "备注": line.notes,
    }
    return [values[h] for h in HEADER]


def to_text(stack: list[Table], lines: list[Line]) -> str:
    """The lines in use, grouped by category, each with its source; then what was replaced."""
    out = [f"正在使用的支出标准：{len(lines)}条（可信度：A＝据文件原文，B＝据二手资料，C＝凭对文件的了解、待核实）"]
    category = None
    for line in lines:
        if line.category != category:
            category = line.category
            out += ["", f"【{category}】"]
        scope = f"【{line.scope}】" if line.scope else ""
        day3 = f"，第三天起≤{line.day3:g}" if line.day3 is not None else ""
        out.append(
            f"  {line.item}{scope} ≤{line.limit:g}{line.unit}{day3}    可信度 {line.confidence or '未注明'}    来源：{line.origin}{(' ' + line.cell) if line.origin != stack[0].origin else ''}"
        )
        detail = "，".join(
            x for x in (line.source, line.date, f"适用于{line.jurisdiction}" if line.jurisdiction else "") if x
        )
        out.append(f"      依据：{detail or '未注明'}")
        if line.includes:
            out.append(f"      包含：{'、'.join(line.includes)}")
        if line.notes:
            out.append(f"      说明：{line.notes}")
    used = {id(x) for x in lines}
    replaced = [x for t in stack for x in t.lines if id(x) not in used]
    if replaced:
        groups = sorted({f"{x.category}{x.item}" for x in replaced})
        out += ["", f"被本地标准替换、不再使用的{len(replaced)}条：{'、'.join(groups)}。"]
    for t in stack:
        for _, message in t.problems:
            out.append(f"未使用：{message}")
    return "\n".join(out)
