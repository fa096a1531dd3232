"""The drawn table (``xladdin.sheet_view``) and the web shell's signed values, without a server."""

from __future__ import annotations

import time

from xladdin.model import Finding, Merge, SheetData
from xladdin.sheet_view import MAX_ROWS, table_view, workbook_unit
from xladdin.web import security


def _finding(cell: str, severity: str = "warning", sheet: str = "表") -> Finding:
    return Finding(rule="VAL004", severity=severity, sheet=sheet, cell=cell, message="…")  # type: ignore[arg-type]


def test_merged_ranges_are_drawn_once_with_their_spans() -> None:
    sd = SheetData(
        "表",
        [["标题", None, None], ["项目名称", None, "系统维护"], [1, 2.0, 0.5]],
        merges=(Merge.from_ref("A1:C1"), Merge.from_ref("A2:B2")),
    )
    v = table_view(sd)
    assert v.columns == ("A", "B", "C")
    first, second, third = v.rows
    assert first.cells[0] is not None and (first.cells[0].colspan, first.cells[0].text) == (3, "标题")
    assert first.cells[1] is None and first.cells[2] is None
    assert second.cells[0] is not None and second.cells[0].colspan == 2 and second.cells[1] is None
    assert [c.text for c in third.cells if c] == ["1", "2", "0.5"]  # as Excel shows numbers
    assert all(c is None or c.severity is None for r in v.rows for c in r.cells)  # nothing flagged: nothing marked


def test_a_finding_inside_a_merge_is_shown_on_the_drawn_cell_with_the_worst_severity() -> None:
    sd = SheetData("表", [["a", None], ["b", "c"]], merges=(Merge.from_ref("A1:B1"),))
    findings = [
        _finding("B1", "warning"),
        _finding("A1", "error"),
        _finding("B2", "info"),
        _finding("A1", sheet="另表"),
    ]
    v = table_view(sd, findings)
    top = v.rows[0].cells[0]
    assert top is not None and top.severity == "error" and top.findings == (0, 1)
    assert v.anchors == {"B1": "A1", "A1": "A1", "B2": "B2"}
    b2 = v.rows[1].cells[1]
    assert b2 is not None and b2.severity == "info"


def test_a_huge_sheet_is_cut_and_says_so() -> None:
    rows = [[f"r{i}"] for i in range(MAX_ROWS + 50)] + [[None] * 40 + ["far"]]
    v = table_view(SheetData("大表", rows))
    assert v.truncated and len(v.rows) == MAX_ROWS
    assert not table_view(SheetData("小表", [["x", None, None], [None, None, None]])).truncated
    assert table_view(SheetData("小表", [["x", None, None], [None, None, None]])).columns == ("A",)


def test_the_unit_is_the_implementing_unit_most_tables_name(workbook_path) -> None:  # type: ignore[no-untyped-def]
    from xladdin.check import read_projects
    from xladdin.files.sources import read_sheets

    projects, _ = read_projects(read_sheets(workbook_path))
    assert workbook_unit(projects) == "自治区社会保险事业管理局本级"
    assert workbook_unit([]) == ""


def test_a_session_cookie_holds_only_while_signed_and_unexpired() -> None:
    key = b"k" * 32
    cookie = security.session_cookie(key, "张三", 1)
    assert security.session_user(key, cookie) == "张三"
    body, _, mac = cookie.rpartition(".")
    assert security.session_user(key, body + "." + mac[::-1]) is None
    assert security.session_user(b"other", cookie) is None
    assert security.session_user(key, security.session_cookie(key, "张三", 1, now=time.time() - 7200)) is None
    assert security.session_user(key, "garbage") is None and security.session_user(key, None) is None


def test_csrf_tokens_and_password_hashes() -> None:
    key = b"k" * 32
    cookie = security.new_csrf_cookie()
    assert security.csrf_ok(key, cookie, security.csrf_token(key, cookie))
    assert not security.csrf_ok(key, security.new_csrf_cookie(), security.csrf_token(key, cookie))
    assert not security.csrf_ok(key, cookie, None)
    stored = security.hash_password("correct horse", iterations=1000)
    assert security.verify_password("correct horse", stored) and not security.verify_password("wrong", stored)
    assert not security.verify_password("x", "plain-text")
    assert security.read_users("# 用户\n张三:" + stored + "\n\n坏行\n") == {"张三": stored}
