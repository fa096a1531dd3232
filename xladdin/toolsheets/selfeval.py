"""A project's 项目支出绩效自评表 as a sheet: the form of 财预〔2020〕10号, filled from its 绩效目标表.

Header (项目名称, 主管部门, 实施单位), the money block (年初预算数 from the target table;
全年预算数 and 全年执行数 for the department; 执行率 and its score as formulas), the
年度总体目标 with an empty 实际完成情况, every indicator in its 一级/二级/三级 place with its
年度指标值, and for the department the 实际完成值 and 偏差原因分析及改进措施; the 分值 are
prefilled and editable; each 得分 is a native formula that states its rule in 评分方法,
so the sheet scores itself in Excel, WPS or LibreOffice.  The 评价等级 of 定性 indicators
and their shares sit under the table, where the department can change them, and the
formulas read them there.

Printed like the target tables: 黑体 title, 仿宋 body, borders, A4 portrait one page wide,
the indicator header repeated on every page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from xladdin.conventions import place
from xladdin.model import Indicator, Merge, Project, cell_ref, column_letter, row_runs
from xladdin.selfeval import (
    EXECUTION_POINTS,
    GOAL_HEADINGS,
    GOAL_LABEL,
    GRADES_LABEL,
    HEADINGS,
    HELPER_HEADINGS,
    MONEY_HEADINGS,
    MONEY_LABEL,
    MONEY_ROWS,
    NOTE_LABEL,
    TITLE,
    TOTAL_LABEL,
    Grades,
    execution_formulas,
    reading_formulas,
    score_formula,
    scoring_of,
)
from xladdin.style import (
    BODY_FONT,
    MIN_ROW_HEIGHT,
    TITLE_FONT,
    CellStyle,
    FontSpec,
    PrintSetup,
    column_px,
    text_height,
)
from xladdin.validation_lists import Validation
from xladdin.workbook_plan import SheetContent

WIDTH = 9  # the printed table, A–I; the helper columns J and K beside it are not printed
L1, L2, NAME, TARGET, ACTUAL, WEIGHT, SCORE, METHOD, REASON, T_NUM, A_NUM = range(1, 12)
# ≈ 104 units: A4 portrait prints it at ~93% (fit to the page's width).
WIDTHS = {
    L1: 8.0,
    L2: 10.0,
    NAME: 22.0,
    TARGET: 11.0,
    ACTUAL: 11.0,
    WEIGHT: 6.0,
    SCORE: 7.0,
    METHOD: 11.0,
    REASON: 18.0,
}
HELPER_WIDTH = 11.0
BODY_SIZE = 10.5

NOTE = (
    "评分方法为“实际÷目标”的指标（越高越好）：实际完成值达到或超过年度指标值得满分，未达到按 实际÷目标×分值 计分；"
    "“目标÷实际”的指标（越低越好，如成本、时间）：不超过年度指标值得满分，超过按 目标÷实际×分值 计分；"
    "“按评价等级”的指标（定性指标，以及日期、乘积等不是单一数值的指标）：实际完成值选择评价等级，按下行的比例×分值 计分。"
    "预算执行率得分＝全年执行数÷全年预算数×分值，最高为分值。"
    "实际完成值请按年度指标值的单位填写数字（如 12 表示 12万元，百分比写作 96%）；得分由公式计算，请勿手填。"
)
GRADES_NOTE = "以上比例可按本单位评分办法修改，得分随之重算"
ACTUAL_PROMPT_TITLE = "实际完成值"
GRADE_PROMPT_TITLE = "评价等级"


@dataclass(frozen=True)
class _Looks:
    title: CellStyle
    subtitle: CellStyle
    label: CellStyle
    text: CellStyle
    centre: CellStyle
    wrapped: CellStyle
    narrative: CellStyle
    number: CellStyle
    percent: CellStyle
    score: CellStyle
    helper_head: CellStyle
    helper: CellStyle
    helper_percent: CellStyle


def _looks() -> _Looks:
    body = FontSpec(BODY_FONT, BODY_SIZE)
    bold = FontSpec(BODY_FONT, BODY_SIZE, bold=True)
    return _Looks(
        title=CellStyle(FontSpec(TITLE_FONT, 18.0), border=False, wrap=False),
        subtitle=CellStyle(body, border=False, wrap=False),
        label=CellStyle(bold),
        text=CellStyle(body, horizontal="left", indent=1),
        centre=CellStyle(body),
        wrapped=CellStyle(body, horizontal="left", indent=1),
        narrative=CellStyle(body, horizontal="left", vertical="top", indent=1),
        number=CellStyle(body, horizontal="right", number_format="#,##0.00##", indent=1),
        percent=CellStyle(body, horizontal="right", number_format="0.00%", indent=1),
        score=CellStyle(body, horizontal="right", number_format="0.00", indent=1),
        helper_head=CellStyle(FontSpec(BODY_FONT, 9.0), border=False),
        helper=CellStyle(FontSpec(BODY_FONT, 9.0), horizontal="right", border=False, number_format="General"),
        helper_percent=CellStyle(FontSpec(BODY_FONT, 9.0), horizontal="right", border=False, number_format="0.00%"),
    )


class _Sheet:
    """The sheet being written: cells, merges, and the looks of every cell of the table's box."""

    def __init__(self, name: str) -> None:
        self.content = SheetContent(name)
        self.looks = _looks()

    def put(self, r: int, c: int, value: Any, style: CellStyle, to_col: int = 0, to_row: int = 0) -> None:
        """A value (text stays text, even one starting with "="), merged over ``to_col``/``to_row``."""
        self.content.put(r, c, value, style)
        end_r, end_c = to_row or r, to_col or c
        if (end_r, end_c) != (r, c):
            self.content.merges.append(Merge(r, c, end_r, end_c))
        for rr in range(r, end_r + 1):
            for cc in range(c, end_c + 1):
                if (rr, cc) != (r, c):
                    self.content.styles[(rr, cc)] = style

    def formula(self, r: int, c: int, text: str, style: CellStyle, to_col: int = 0) -> None:
        self.content.put(r, c, text, style, formula=True)
        if to_col and to_col != c:
            self.content.merges.append(Merge(r, c, r, to_col))
            for cc in range(c + 1, to_col + 1):
                self.content.styles[(r, cc)] = style


def _initial(project: Project, key: str) -> tuple[Any, bool]:
    """年初预算数 from the target table: its number, or a reference to its cell when it holds a formula."""
    amount = {
        "annual": project.money.annual,
        "appropriation": project.money.local_appropriation,
        "carryover": project.money.local_carryover,
        "other": project.money.local_other,
    }[key]
    if amount.number is not None:
        return amount.number, False
    if isinstance(amount.raw, str) and amount.raw.startswith("="):
        return "=" + place(project.sheet, amount.cell), True
    return None, False


def selfeval_sheet(
    project: Project, name: str, weights: dict[int, float | None], grades: Grades
) -> tuple[SheetContent, list[Validation]]:
    """The 自评表 of ``project`` as sheet ``name``, and the drop-downs and hints of its input cells."""
    sh = _Sheet(name)
    lk = sh.looks
    year = project.year
    sh.put(1, 1, TITLE, lk.title, to_col=WIDTH)
    sh.put(2, 1, f"（{year}年度）" if year else "（    年度）", lk.subtitle, to_col=WIDTH)
    sh.put(3, L1, "项目名称", lk.label, to_col=L2)
    sh.put(3, NAME, project.name.value, lk.text, to_col=WIDTH)
    sh.put(4, L1, "主管部门", lk.label, to_col=L2)
    sh.put(4, NAME, project.department.value, lk.text, to_col=TARGET)
    sh.put(4, ACTUAL, "实施单位", lk.label, to_col=WEIGHT)
    sh.put(4, SCORE, project.unit.value, lk.text, to_col=WIDTH)

    # the money block: a label column (C) and six columns D–I
    m0 = 5
    sh.put(m0, L1, MONEY_LABEL, lk.label, to_col=L2, to_row=m0 + len(MONEY_ROWS))
    sh.put(m0, NAME, None, lk.label)
    for i, heading in enumerate(MONEY_HEADINGS):
        sh.put(m0, TARGET + i, heading, lk.label)
    budget, spent, weight = (column_letter(TARGET + i) for i in (1, 2, 3))
    for k, (key, label) in enumerate(MONEY_ROWS, start=1):
        r = m0 + k
        sh.put(r, NAME, label, lk.text)
        value, is_formula = _initial(project, key)
        sh.content.put(r, TARGET, value, lk.number, formula=is_formula)
        sh.put(r, TARGET + 1, None, lk.number)
        sh.put(r, TARGET + 2, None, lk.number)
        rate_f, score_f = execution_formulas(f"{budget}{r}", f"{spent}{r}", f"{weight}{r}" if key == "annual" else None)
        if key == "annual":
            sh.put(r, TARGET + 3, EXECUTION_POINTS, lk.centre)
        else:
            sh.put(r, TARGET + 3, "—", lk.centre)
        sh.formula(r, TARGET + 4, rate_f, lk.percent)
        if score_f is not None:
            sh.formula(r, TARGET + 5, score_f, lk.score)
        else:
            sh.put(r, TARGET + 5, "—", lk.centre)

    # 年度总体目标: 预期目标 (the target table's) and 实际完成情况 (the department's)
    g0 = m0 + len(MONEY_ROWS) + 1
    sh.put(g0, L1, GOAL_LABEL, lk.label, to_col=L2, to_row=g0 + 1)
    sh.put(g0, NAME, GOAL_HEADINGS[0], lk.label, to_col=WEIGHT)
    sh.put(g0, SCORE, GOAL_HEADINGS[1], lk.label, to_col=WIDTH)
    sh.put(g0 + 1, NAME, project.goal.value, lk.narrative, to_col=WEIGHT)
    sh.put(g0 + 1, SCORE, None, lk.narrative, to_col=WIDTH)

    # the indicators
    header = g0 + 2
    for c, heading in enumerate(HEADINGS, start=1):
        sh.put(header, c, heading, lk.label)
    for c, heading in zip((T_NUM, A_NUM), HELPER_HEADINGS, strict=True):
        sh.put(header, c, heading, lk.helper_head)
    rows = [i for i in project.indicators if not i.is_empty]
    first = header + 1
    last = header + len(rows)
    total_row = last + 1
    note_row = total_row + 1
    grade_row = note_row + 1
    words = f"${column_letter(NAME)}${grade_row}:${column_letter(NAME + len(grades.levels) - 1)}${grade_row}"
    shares = f"${column_letter(NAME)}${grade_row + 1}:${column_letter(NAME + len(grades.levels) - 1)}${grade_row + 1}"
    graded: list[int] = []
    prompts: dict[str, list[int]] = {}
    for k, ind in enumerate(rows):
        r = first + k
        sh.put(r, NAME, ind.name.value, lk.wrapped)
        sh.put(r, TARGET, ind.value.value, lk.centre)
        sh.put(r, ACTUAL, None, lk.centre)
        sh.put(r, WEIGHT, weights.get(ind.row), lk.centre)
        scoring = scoring_of(ind.value.value, ind.level1.text, ind.level2.text, ind.name.text)
        target, actual = f"{column_letter(TARGET)}{r}", f"{column_letter(ACTUAL)}{r}"
        t_num, a_num = f"{column_letter(T_NUM)}{r}", f"{column_letter(A_NUM)}{r}"
        helpers = reading_formulas(scoring, target, actual)
        if helpers is not None:
            number = lk.helper_percent if scoring.target is not None and scoring.target.unit == "%" else lk.helper
            sh.formula(r, T_NUM, helpers[0], number)
            sh.formula(r, A_NUM, helpers[1], number)
        weight_ref = f"{column_letter(WEIGHT)}{r}"
        sh.formula(r, SCORE, score_formula(scoring, actual, weight_ref, t_num, a_num, words, shares), lk.score)
        sh.put(r, METHOD, scoring.text, lk.centre)
        sh.put(r, REASON, None, lk.wrapped)
        if scoring.method == "graded":
            graded.append(r)
        else:
            unit = scoring.target.unit if scoring.target is not None else ""
            prompts.setdefault(unit, []).append(r)
    _blocks(sh, rows, first)

    sh.put(total_row, L1, TOTAL_LABEL, lk.label, to_col=ACTUAL)
    g, s = column_letter(WEIGHT), column_letter(SCORE)
    ex_weight, ex_score = f"{weight}{m0 + 1}", f"{column_letter(TARGET + 5)}{m0 + 1}"
    span = f"{first}:{{c}}{last}" if rows else ""
    weight_sum = f"=SUM({g}{span.format(c=g)},{ex_weight})" if rows else f"=SUM({ex_weight})"
    score_sum = f"=SUM({s}{span.format(c=s)},{ex_score})" if rows else f"=SUM({ex_score})"
    sh.formula(total_row, WEIGHT, weight_sum, lk.centre)
    sh.formula(total_row, SCORE, score_sum, lk.score)
    sh.put(total_row, METHOD, None, lk.centre, to_col=WIDTH)
    sh.put(note_row, L1, NOTE_LABEL, lk.label, to_col=L2)
    sh.put(note_row, NAME, NOTE, lk.narrative, to_col=WIDTH)
    sh.put(grade_row, L1, GRADES_LABEL, lk.label, to_col=L2, to_row=grade_row + 1)
    for i, (word, share) in enumerate(grades.levels):
        sh.put(grade_row, NAME + i, word, lk.centre)
        sh.put(grade_row + 1, NAME + i, share, lk.percent)
    note_col = NAME + len(grades.levels)
    if note_col <= WIDTH:
        sh.put(grade_row, note_col, GRADES_NOTE, lk.narrative, to_col=WIDTH, to_row=grade_row + 1)

    content = sh.content
    content.widths = {**WIDTHS, T_NUM: HELPER_WIDTH, A_NUM: HELPER_WIDTH}
    content.heights = _heights(content)
    end = grade_row + 1
    content.print_setup = PrintSetup(
        title_rows=(header, header), print_area=f"A1:{cell_ref(end, WIDTH)}", footer_font=BODY_FONT
    )
    return content, _validations(graded, prompts, grades)


def _blocks(sh: _Sheet, rows: list[Indicator], first: int) -> None:
    """一级 and 二级 labels over their blocks of rows, merged, as in the target table."""
    lk = sh.looks
    for col, key in ((L1, lambda i: (i.level1.cell,)), (L2, lambda i: (i.level1.cell, i.level2.cell))):
        start = 0
        for k in range(1, len(rows) + 1):
            if k == len(rows) or key(rows[k]) != key(rows[start]):
                f = rows[start].level1 if col == L1 else rows[start].level2
                sh.put(first + start, col, f.value, lk.centre, to_row=first + k - 1)
                start = k


def _heights(content: SheetContent) -> dict[int, float]:
    """Row heights from the text of each cell against its (merged) width, as 统一格式 estimates them."""
    merged = {(m.min_row, m.min_col): m for m in content.merges}
    heights: dict[int, float] = {}
    spans: list[tuple[Merge, float]] = []
    for (r, c), v in content.cells.items():
        style = content.styles.get((r, c))
        if v is None or style is None or (r, c) in content.formulas:
            continue
        m = merged.get((r, c))
        c0, c1 = (m.min_col, m.max_col) if m else (c, c)
        width = sum(column_px(content.widths.get(cc, 8.43)) for cc in range(c0, c1 + 1)) - style.indent * 12.0
        text = str(v) if not isinstance(v, float) else f"{v:,.2f}"
        need = text_height(text, width, style.font.size) if style.wrap else style.font.size * 1.45 + 5.0
        if m is not None and m.max_row > m.min_row:
            spans.append((m, need))
        else:
            heights[r] = max(heights.get(r, MIN_ROW_HEIGHT), need)
    for m, need in spans:
        have = sum(heights.get(r, MIN_ROW_HEIGHT) for r in range(m.min_row, m.max_row + 1))
        if need > have:
            heights[m.max_row] = heights.get(m.max_row, MIN_ROW_HEIGHT) + need - have
    return {r: round(max(h, MIN_ROW_HEIGHT), 1) for r, h in heights.items()}


def _validations(graded: list[int], prompts: dict[str, list[int]], grades: Grades) -> list[Validation]:
    """A drop-down of the grades on 定性 rows' 实际完成值; elsewhere a hint naming the unit to write in."""
    col = column_letter(ACTUAL)

    def sqref(rows: list[int]) -> str:
        return " ".join(f"{col}{a}:{col}{b}" if a != b else f"{col}{a}" for a, b in row_runs(sorted(rows)))

    out: list[Validation] = []
    if graded:
        words = "、".join(grades.words)
        out.append(
            Validation(
                sqref(graded),
                "list",
                '"' + ",".join(grades.words) + '"',
                GRADE_PROMPT_TITLE,
                f"定性指标请选择评价等级：{words}。",
                GRADE_PROMPT_TITLE,
                f"评价等级一般为：{words}（见表下“{GRADES_LABEL}”）。确定要填写其他内容吗？",
            )
        )
    for unit, rows in sorted(prompts.items()):
        said = (
            f"单位同年度指标值：{unit}"
            if unit and unit != "%"
            else "百分比写作 96%"
            if unit == "%"
            else "与年度指标值相同的单位"
        )
        out.append(
            Validation(
                sqref(rows),
                "any",
                prompt_title=ACTUAL_PROMPT_TITLE,
                prompt=f"请填写全年实际完成的数值（{said}）；得分由公式计算。",
            )
        )
    return out
