"""The JSON view: the contract's data exactly, readable, one finding per line."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from xladdin.check import CheckResult, ProjectResult
from xladdin.files.checking import check_file
from xladdin.model import Finding
from xladdin.report import to_json

from .conftest import WORKBOOK


def test_json_is_the_result_data() -> None:
    result = check_file(WORKBOOK)
    text = to_json(result)
    assert json.loads(text) == result.as_dict()
    # every finding is one line, so `grep VAL004` shows whole findings
    assert sum(1 for line in text.splitlines() if '"rule": ' in line) == len(result.findings)


def test_json_of_awkward_values() -> None:
    odd = Finding(
        rule="X001",
        severity="info",
        sheet='引号"和\\反斜杠',
        cell="A1",
        message="换行\n制表\t和 </script>",
        expected=None,
        actual="",
    )
    result = CheckResult(
        "路径/文件.xlsx", [ProjectResult("表", "名", None, [odd]), ProjectResult("空", "", 1.5)], [odd]
    )
    text = to_json(result)
    assert json.loads(text) == result.as_dict()
    assert "\\n" in text and "换行" in text  # escaped, and Chinese kept readable
    empty = CheckResult("f", [])
    assert json.loads(to_json(empty)) == empty.as_dict()


def test_a_finding_as_dict_has_the_contract_keys_in_order() -> None:
    f = Finding("VAL004", "warning", "表", "E35", "消息")
    assert list(f.as_dict()) == ["rule", "severity", "sheet", "cell", "message", "expected", "actual"]
    assert f.as_dict() == {
        "rule": "VAL004",
        "severity": "warning",
        "sheet": "表",
        "cell": "E35",
        "message": "消息",
        "expected": None,
        "actual": None,
    }
    d = f.as_dict()
    d["rule"] = "X"
    assert f.rule == "VAL004"  # a copy, not the finding's own dict


@settings(max_examples=2000)
@given(
    st.dictionaries(
        st.text(max_size=6),
        st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=12)),
        max_size=8,
    )
)
def test_a_flat_object_is_written_as_the_encoder_writes_it(d: dict[str, object]) -> None:
    from xladdin.report import _FLAT, _flat_object

    assert _flat_object(d) == _FLAT.encode(d)


def test_a_projects_json_is_the_general_rendering_of_its_data() -> None:
    """``project_json`` writes findings from a template: the very text ``_dumps`` gives."""
    from xladdin.model import Fix
    from xladdin.report import _PROJECT_INDENT, _dumps, project_json

    result = check_file(WORKBOOK)
    odd = Finding("X001", "info", '引"号', "A1", "换行\n和\t</script>", "≥95%", None, Fix("A1", 95.0, "≥95%", True))
    weird = Finding("X002", "error", "表", "B2", "数", 400, None)  # type: ignore[arg-type]  # not str: the general path
    projects = [*result.projects, ProjectResult("表", "名", None, [odd, weird]), ProjectResult("空", "", 1.5)]
    for p in projects:
        assert project_json(p) == _dumps(p.as_dict(), _PROJECT_INDENT), p.sheet
