"""The registry: stable codes, Chinese summaries, every rule tested, docs/rules.md current."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from xladdin.commands.cli import main
from xladdin.rules import all_rules

ROOT = Path(__file__).resolve().parent.parent
FAMILY_PREFIX = {
    "header": "HDR",
    "funding": "FUND",
    "structure": "IND",
    "values": "VAL",
    "time": "TIME",
    "costs": "COST",
    "narrative": "NARR",
    "weights": "WGT",
    "form": "FORM",
    "targets": "TGT",
    "workbook": "WB",
    "summary": "SUM",
    "standards": "STD",
    "selfeval": "SELF",
}


def test_codes_follow_their_family_and_speak_chinese() -> None:
    rules = all_rules()
    assert len({r.code for r in rules}) == len(rules)
    for r in rules:
        if r.family in FAMILY_PREFIX:
            assert re.fullmatch(FAMILY_PREFIX[r.family] + r"\d{3}", r.code), r.code
        assert r.severity in ("error", "warning", "info")
        assert re.search(r"[\u4e00-\u9fff]", r.summary), r.code


def test_every_rule_has_a_test_that_names_it() -> None:
    text = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "tests").glob("test_*.py"))
    missing = [r.code for r in all_rules() if r.family in FAMILY_PREFIX and f'"{r.code}"' not in text]
    assert missing == []


def test_rules_command_lists_every_rule(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["rules"]) == 0
    out = capsys.readouterr().out
    assert all(r.code in out for r in all_rules())


def test_docs_rules_md_is_current() -> None:
    res = subprocess.run(
        [sys.executable, str(ROOT / "docs" / "build_rules_doc.py"), "--check"], capture_output=True, text=True
    )
    assert res.returncode == 0, res.stdout
