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


def test_a_selfeval_entry_says_its_kind_and_score() -> None:
    """A 自评表's entry carries "kind" and "score" (``ProjectResult.as_dict``): the fast template
    once left them out, so `check --format json` could not tell a 自评表 from a 绩效目标表."""
    from xladdin.report import _PROJECT_INDENT, _dumps, project_json

    finding = Finding("SELF001", "warning", "表-自评", "C9", "得分不对")
    for p in (
        ProjectResult("表-自评", "名", 10.0, [finding], kind="selfeval", score=87.5),
        ProjectResult("空-自评", "", None, kind="selfeval"),
    ):
        text = project_json(p)
        assert text == _dumps(p.as_dict(), _PROJECT_INDENT)
        assert json.loads(text)["kind"] == "selfeval" and json.loads(text)["score"] == p.score


def test_findings_added_to_a_rendered_entry_give_the_entry_rendered_afresh() -> None:
    """``with_findings`` keeps the rendered lines of the findings a table had and renders only
    the added ones: the same text as rendering the table again, whatever the order."""
    from xladdin.model import Fix
    from xladdin.report import project_json, with_findings
    from xladdin.rules import sort_findings

    result = check_file(WORKBOOK)
    for p in result.projects:
        if not p.findings:
            continue
        text = project_json(p)
        old = list(p.findings)
        added = [
            Finding("WB002", "warning", p.sheet, "A1", "首行之前", None, None),
            Finding("WB002", "warning", p.sheet, "Z999", "末尾\n换行", "1", "2", Fix("Z999", 1.0, "1", True)),
            old[0],  # a duplicate of one it had: dropped by the sort, as apply_workbook_rules does
        ]
        p.findings = sort_findings([*old, *added])
        assert with_findings(text, old, p.findings) == project_json(p), p.sheet
    p = ProjectResult(
        "表", "名", None, [Finding("X002", "error", "表", "B2", "m"), Finding("X003", "error", "表", "C3", "m")]
    )
    text = project_json(p)
    over_two_lines = text.replace('"message"', '\n"message"', 1)  # as a finding the template cannot write would be
    assert with_findings(over_two_lines, p.findings, p.findings) is None
    assert with_findings(text, p.findings, p.findings) == text
    assert with_findings(project_json(ProjectResult("空", "", None)), [], []) is None
