"""Worksheet functions: as plain Python, through xlwings Server's custom-function calls,
and through classic xlwings' VBA generation (what 导入函数 writes into the add-in)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.remote_book import CLASSIC_XLWINGS
from xladdin import functions
from xladdin.excel import udfs

ROOT = Path(__file__).resolve().parent.parent


def test_jx_cost_example_of_the_form() -> None:
    assert udfs.JX_COST("1.2万元/月/人", "18人", "12月") == pytest.approx(259.2)


def test_a_range_of_quantities_counts_cell_by_cell() -> None:
    """=JX_COST(E20, E21:E22): xlwings passes the range as a 2-D list."""
    assert udfs.JX_COST("1.2万元/月/人", [["18人", "12月"]]) == pytest.approx(259.2)
    assert udfs.JX_COST("1.2万元/月/人", [["18人"], ["12月"]]) == pytest.approx(259.2)


def test_jx_value_and_kind() -> None:
    assert udfs.JX_VALUE("2.1万张") == pytest.approx(21000)
    assert udfs.JX_VALUE("110万元", "元") == pytest.approx(1_100_000)
    assert udfs.JX_KIND("≥95%") == "百分比"


@pytest.mark.parametrize(
    ("call", "args"),
    [
        (udfs.JX_COST, ("不是单价", "18人")),
        (udfs.JX_COST, ("1.2万元/月/人", "18人")),  # a month count missing
        (udfs.JX_COST, ("1.2万元/月/人", "18台", "12月")),  # wrong unit
        (udfs.JX_VALUE, ("满意",)),
        (udfs.JX_VALUE, (None,)),
    ],
)
def test_bad_input_gives_a_short_chinese_text_not_an_error(call, args) -> None:  # type: ignore[no-untyped-def]
    out = call(*args)
    assert isinstance(out, str) and out.startswith("#")
    assert len(out) <= 60
    assert any("\u4e00" <= ch <= "\u9fff" for ch in out)


def test_a_bug_in_the_engine_still_returns_text(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*a: object) -> float:
        raise RuntimeError("bug")

    monkeypatch.setattr(functions, "JX_COST", boom)
    assert udfs.JX_COST("1.2万元/月/人", "18人", "12月") == "#无法计算"


def test_every_cost_line_of_the_workbook_computes_with_jx_cost(workbook_path: Path) -> None:
    """What a user types next to a cost row gives the cost engine's amount."""
    from xladdin.check import read_projects
    from xladdin.costs import explain
    from xladdin.files.sources import read_sheets

    projects, _ = read_projects(read_sheets(workbook_path))
    checked = 0
    for p in projects:
        for line in explain(p).lines:
            if line.lump_sum or not line.quantities or line.implied not in (None, 1, 1.0):
                continue
            got = udfs.JX_COST(line.unit_cost, *[f"{q.value:g}{q.unit}" for q in line.quantities])
            if isinstance(got, str):
                continue  # approximations the engine made (人次 as 人 …) are not for the cell function
            assert got == pytest.approx(line.amount_wan, rel=1e-6), line.indicator
            checked += 1
    assert checked >= 3


# --------------------------------------------------------------------------- xlwings Server / Lite

SERVER_RUNNER = r"""
import asyncio, json
import xlwings as xw
from xlwings.server import custom_functions_call, custom_functions_meta
import xladdin.excel.udfs as u

async def call(name, *args):
    data = {"func_name": name, "args": [[[a]] if not isinstance(a, list) else a for a in args],
            "version": xw.__version__, "client": "Office.js", "runtime": "1.4",
            "caller_address": "Sheet1!A1", "formula_name": name}
    return await custom_functions_call(data, u)

async def main():
    return {
        "meta": custom_functions_meta(u),
        "cost": await call("JX_COST", "1.2万元/月/人", "18人", "12月"),
        "cost_range": await call("JX_COST", "1.2万元/月/人", [["18人", "12月"]]),
        "bad": await call("JX_COST", "不是单价", "18人"),
        "value": await call("JX_VALUE", "2.1万张"),
    }
print(json.dumps(asyncio.run(main()), ensure_ascii=False))
"""


def test_functions_register_and_compute_on_xlwings_server() -> None:
    env = dict(os.environ, XLWINGS_ON_SERVER="true", XLWINGS_LICENSE_KEY="noncommercial")
    proc = subprocess.run(
        [sys.executable, "-c", SERVER_RUNNER], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    meta = {f["name"]: f for f in out["meta"]["functions"]}
    assert set(meta) == {"JX_COST", "JX_VALUE", "JX_KIND"}
    assert "万元" in meta["JX_COST"]["description"]
    params = {p["name"]: p for p in meta["JX_COST"]["parameters"]}
    assert params["quantities"].get("repeating") is True
    assert params["unit_cost"]["description"] == functions.ARGUMENTS["JX_COST"]["unit_cost"]
    assert meta["JX_VALUE"]["parameters"][1].get("optional") is True
    assert out["cost"] == [[pytest.approx(259.2)]]
    assert out["cost_range"] == [[pytest.approx(259.2)]]
    assert out["bad"][0][0].startswith("#")
    assert out["value"] == [[pytest.approx(21000)]]


# --------------------------------------------------------------------------- classic xlwings (Windows)

CLASSIC_RUNNER = (
    CLASSIC_XLWINGS
    + r"""
import xladdin.excel.udfs as u
out = io.StringIO()
classic.generate_vba_wrapper("xladdin.excel.udfs", u, out, types.SimpleNamespace(Name="xladdin.xlam"))
meta = {k: f.__xlfunc__ for k, f in u.UDFS.items()}
print(json.dumps({"vba": out.getvalue(), "meta": meta}, ensure_ascii=False, default=str))
"""
)


def test_classic_import_functions_generates_vba_for_each_function() -> None:
    """What 导入函数 (ImportPythonUDFsToAddin) would write, generated by xlwings' own code."""
    proc = subprocess.run([sys.executable, "-c", CLASSIC_RUNNER], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    meta = out["meta"]
    assert {k: m["name"] for k, m in meta.items()} == {
        "JX_VALUE": "JX_VALUE",
        "JX_COST": "JX_COST",
        "JX_KIND": "JX_KIND",
    }
    assert all(m["category"] == "绩效目标" for m in meta.values())
    docs = {a["name"]: a.get("doc") for a in meta["JX_COST"]["args"]}
    assert docs == functions.ARGUMENTS["JX_COST"]
    assert "万元" in meta["JX_COST"]["ret"]["doc"]  # the description the function wizard shows
    vba = out["vba"]
    assert "Function JX_COST(unit_cost, ParamArray quantities())" in vba
    assert "Function JX_VALUE(text, Optional unit)" in vba
    assert "Function JX_KIND(text)" in vba
    assert 'Py.CallUDF("xladdin.excel.udfs", "JX_COST"' in vba
