"""A workbook's own rule choice (hidden sheet xladdin设置) and the command line's."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from tests.rulekit import seeds
from xladdin.check import check_sheets
from xladdin.commands.cli import main
from xladdin.layout import write_project
from xladdin.model import SheetData
from xladdin.settings import SETTINGS_SHEET, parse_settings


def _sheets(settings_rows: list[list[Any]] | None = None) -> list[SheetData]:
    sheets = [write_project(s).to_sheet_data() for s in seeds().values()]
    if settings_rows is not None:
        sheets.append(SheetData(SETTINGS_SHEET, settings_rows, hidden=True))
    return sheets


def _rules(result: Any) -> set[str]:
    return {f.rule for f in result.findings}


def test_without_settings_every_rule_runs() -> None:
    assert {"VAL004", "TIME001", "IND009"} <= _rules(check_sheets("x", _sheets()))


def test_ignore_in_the_workbook() -> None:
    result = check_sheets("x", _sheets([["忽略规则", "VAL004，NARR"]]))
    rules = _rules(result)
    assert "VAL004" not in rules and not any(r.startswith("NARR") for r in rules) and "TIME001" in rules


def test_select_in_the_workbook_and_command_line_narrows_further() -> None:
    assert _rules(check_sheets("x", _sheets([["只用规则：", "time"]]))) == {"TIME001", "TIME002", "TIME003"}
    narrowed = check_sheets("x", _sheets([["只用规则", "TIME"]]), ignore=["TIME002"])
    assert _rules(narrowed) == {"TIME001", "TIME003"}


def test_settings_sheet_is_not_reported_as_a_skipped_table() -> None:
    result = check_sheets("x", _sheets([["说明", "这里可以关闭规则"], ["忽略规则", ""]]))
    assert all(f.sheet != SETTINGS_SHEET for f in result.findings)


def test_parse_settings_tolerates_titles_and_separators() -> None:
    s = parse_settings(
        SheetData(SETTINGS_SHEET, [["xladdin 设置"], ["忽略规则", "val004 、 NARR001；TIME"], ["只用规则", None]])
    )
    assert s.ignore == ["VAL004", "NARR001", "TIME"] and s.select == []


def test_settings_in_a_real_file(workbook_copy: Path, capsys: Any) -> None:
    wb = load_workbook(workbook_copy)
    ws = wb.create_sheet(SETTINGS_SHEET)
    ws.append(["忽略规则", "TIME001, IND009, NARR002"])
    ws.sheet_state = "hidden"
    wb.save(workbook_copy)
    assert main(["check", str(workbook_copy), "--format", "json"]) == 0  # the three errors are switched off
    data = json.loads(capsys.readouterr().out)
    assert data["summary"]["errors"] == 0 and data["summary"]["warnings"] > 0
