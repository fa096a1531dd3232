"""Workbooks in the shapes of real 绩效目标表 (``../shared/notes/layouts.md``), for the reader's tests.

Each shape is built from the notes' ``layouts.json``: its header labels, column headings
and sample rows copied here exactly as written there (``tests/test_shapes.py`` compares
them with the notes when the notes are present), laid out as the entry's
``arrangement`` describes.  Where an entry quotes no value for a field it lists (a 实施单位
cut off in the quote, an amount), the value is marked ``# not quoted`` and kept plain.

``Shape`` holds the grid (rows of cell values, 1-based merges as "A1:B2"), and what a
reader must find in it: the project name, its total in 万元, every indicator row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from xladdin.model import Merge, SheetData


@dataclass
class Shape:
    key: str  # "A" … "Q"
    source: str  # the layouts.json entry it is built from
    rows: list[list[Any]]
    merges: list[str] = field(default_factory=list)
    name: str = ""  # 项目名称 as a reader must find it
    total: float | None = None  # in 万元
    indicators: list[tuple[str, str]] = field(default_factory=list)  # (三级 name, 指标值 text) in order
    unit_column: bool = False  # the unit has a column of its own

    def sheet(self, name: str | None = None) -> SheetData:
        width = max(len(r) for r in self.rows)
        rows = [list(r) + [None] * (width - len(r)) for r in self.rows]
        return SheetData(name or f"表样{self.key}", rows, tuple(Merge.from_ref(m) for m in self.merges))

    def changed(self, cells: dict[str, Any], name: str | None = None) -> SheetData:
        """The shape's sheet with some cells replaced ("E17": "≥"; None empties a cell)."""
        from xladdin.model import parse_ref

        sheet = self.sheet(name)
        rows = [list(r) for r in sheet.rows]
        for ref, v in cells.items():
            r, c = parse_ref(ref)
            while len(rows) < r:
                rows.append([None] * len(rows[0]))
            if len(rows[r - 1]) < c:
                rows[r - 1] += [None] * (c - len(rows[r - 1]))
            rows[r - 1][c - 1] = v
        return SheetData(sheet.name, rows, sheet.merges)

    def save(self, path: Path, sheet: str | None = None) -> Path:
        wb = Workbook()
        ws = wb.active
        ws.title = sheet or f"表样{self.key}"
        for r, row in enumerate(self.rows, start=1):
            for c, v in enumerate(row, start=1):
                if v is not None and v != "":
                    cell = ws.cell(row=r, column=c, value=v)
                    if isinstance(v, str) and v.startswith("="):
                        cell.data_type = "s"  # "=100.00(%)", "=": text as the form shows it, not a formula
        for m in self.merges:
            ws.merge_cells(m)
        wb.save(path)
        return path


def _pad(row: list[Any], width: int) -> list[Any]:
    return list(row) + [None] * (width - len(row))


# --------------------------------------------------------------------------- sample rows, as written in layouts.json

B1_ROWS = [
    ["产出指标", "数量指标", "安全等级保护测评系统", "2套"],
    ["", "", "服务器、数据库、入侵防御系统、上网行为管理等核心设备费", "21台"],
    ["", "时效指标", "系统故障修复响应时间", "≤1 小时"],
    ["", "成本指标", "安全等级保护测评费", "10.5 万元/套"],
    ["", "", "关键信息基础设施风险评估、攻防演练及定期安全巡检费", "500 元/人/天"],
    ["效益指标", "经济效益", "节省部分办公费及群众跑路", "95%"],
    ["", "生态效益", "减少纸质办公率", "70%"],
    ["满意度指标", "服务对象满意度", "参保群众对社保服务信息化的满意度", "≥95%"],
]
C1_ROWS = [
    ["产出指标", "数量指标", "新增高新技术企业", "15", ""],
    ["", "质量指标", "扶持标准达标率", "100%", ""],
    ["", "时效指标", "高企资格有效", "3年", ""],
    ["效益指标", "经济效益指标", "减税降费", "企业所得税减按15%征收", ""],
    ["", "社会效益指标", "企业竞争力", "增强", ""],
    ["", "环境效益指标", "优化创新创业环境", "优化", ""],
    ["", "可持续影响指标", "长效管理机制健全性", "健全", ""],
    # the 一级 cell: "社会公众或服务对象满意度指标 (label wrapped around the row: '社会公众或服务' … '对象满意度指标')"
    ["社会公众或服务\n对象满意度指标", "", "政策满意度", "≥90%", ""],
]
D3_ROWS = [
    ["产出指标", "数量指标", "寨山石坪村新建水泥路1条", "2km"],
    ["", "", "呼家河至鲍家沟新建水泥路1条", "2km"],
    ["", "质量指标", "项目(工程)验收合格率", "100%"],
    ["", "时效指标", "项目(工程)完成及时率", "100%"],
    ["", "成本指标", "硬化水泥砼公路补助标准", "≤120万元"],
]
E3_ROWS = [
    ["产出指标", "数量指标", "雾炮车抑尘降尘服务配备车辆数", "10", "计划标准"],
    ["", "", "雾炮车风炮射程", "80M", "计划标准"],
    ["", "质量指标", "服务周期内空气质量", "优良", "计划标准"],
    ["", "时效指标", "服务周期", "180", "计划标准"],
    ["", "成本指标", "控制在预算成本内", "控制在预算内", "计划标准"],
    ["效益指标", "经济效益指标", "", "", ""],
    ["", "社会效益指标", "服务周期内,市民对空气质量改善的满意程度", "85%", "计划标准"],
    ["", "服务对象满意度指标", "满意度", "90%", "计划标准"],  # "(no 一级 shown)"
]
G1_GRID_TOP = [
    ["财政项目支出绩效目标申报表", "", "", "", "", "", "", ""],
    ["（2026年度）", "", "", "", "", "", "", ""],
    ["项目名称", "", "兰溪路-真南路下立交工\n程", "", "项目性质", "阶段性项\n目", "项目类别", "特定目标类"],
    ["主管部门", "", "上海市普陀区建设和管\n理委员会", "", "实施单位", "上海市普陀区市政工程建设中心", "", ""],
    ["计划开始日期", "", "2026/1/1", "", "计划完成日期", "2027/12/31", "", ""],
    ["项目资金\n（元）", "", "项目资金总额", "", "771,325,800.00", "年度资金申请总额", "", "226,145,100.00"],
    ["", "", "其中：财政资金", "", "771,325,800.00", "其中：当年财政拨款", "", "226,145,100.00"],
    ["", "", "", "", "", "上年结转资金", "", "0"],
    ["", "", "其他资金", "", "0", "其他资金", "", "0"],
    ["项目\n绩效\n目标", "项目总目标", "", "", "", "年度总体目标", "", ""],
    ["", "一级指标", "二级指标", "三级指标", "", "", "年度(/项目)指标值", ""],
]
G1_ROWS = [
    ["", "生态环境\n成本指标", "文明施工情况", "可控"],
    ["产出指标", "数量指标", "道路建设长度", "985米"],
    ["", "质量指标", "项目验收达标率", "=100.00(%)"],
    ["", "时效指标", "项目完成及时性", "及时"],
    ["效益指标", "社会效益\n指标", "道路安全隐患减少情况", "减少"],
    ["", "", "道路景观提升情况", "提升"],
    ["", "可持续影\n响指标", "长效管理制度健全性", "健全"],
    ["满意度指\n标", "服务对象\n满意度指\n标", "居民群众满意度", "≥90.00(%)"],
]
H2_COLUMNS = ["一级指标", "二级指标", "三级指标", "指标性质", "指标方向", "目标值", "计量单位", "分值", "备注"]
H2_SECTION = "绩效指标(权重分值90分,其中产出指标权重分值50分,效益指标权重分值30分,满意度指标权重分值10分)"
H2_ROWS = [
    ["产出指标", "数量指标", "出差人数", "正向", "=", "8", "", "4", ""],
    ["产出指标", "数量指标", "出差人次", "正向", "=", "24", "人/次", "4", ""],
    ["产出指标", "质量指标", "工作任务完成率", "正向", "=", "100", "%", "4", ""],
    ["产出指标", "时效指标", "项目财政资金到位时间", "正向", "=", "44,561", "44,561", "10", ""],
    ["产出指标", "成本指标", "出差单位成本", "反向", "=", "0", "万元/人", "4", ""],
    ["产出指标", "成本指标", "年度预算总成本", "反向", "=", "3", "万元", "4", ""],
]
Q1_COLUMNS = ["指标名称", "计算符号", "指标值", "计量单位", "备注", "指标值说明"]
M1_COLUMNS = ["一级指标", "二级指标", "三级指标", "单位", "指标值"]
M1_ROWS = [
    ["绩效指标", "产出指标", "数量指标", "猪肉产量稳定率", "%", "≥95%"],
    ["", "", "", "能繁母猪稳定率", "%", "90%"],
]
N1_COLUMNS = [
    "一级指标",
    "二级指标",
    "三级指标",
    "指 标 解 释",
    "西坪镇尧山村",
    "桃舟乡吾培村",
    "芦田镇三洋村",
    "蓬莱镇植洋村",
    "魁斗镇奇观村",
    "龙涓乡长塔村",
    "尚卿乡尤俊村",
]
N1_ROWS = [
    [
        "产出 指标",
        "数量指标",
        "开展小型水利工程建设(个)",
        "反映小型水利工程建设项目开展情况",
        "1",
        "1",
        "1",
        "1",
        "1",
        "1",
        "1",
    ]
]

# Every quoted text the shapes use, by layouts.json entry, for the comparison with the notes.
QUOTED: dict[str, dict[str, Any]] = {
    "B1-ningxia-shebao-2026-seed": {"sample_rows": B1_ROWS},
    "C1-hubei-qingshan-2021": {"columns": ["一级指标", "二级指标", "指标内容", "指标值", "备 注"]},
    "D3-shaanxi-qingjian-2021": {"sample_rows": D3_ROWS, "columns": ["一级指标", "二级指标", "三级指标", "指标值"]},
    "E3-hunan-xiangtan-2024": {"columns": ["一级指标", "二级指标", "三级指标", "指标值", "绩效标准"]},
    "G1-shanghai-putuo-jianguanwei-2026": {"grid_top": G1_GRID_TOP},
    "H2-neimenggu-wuhai-gongxiao-2021": {"sample_rows": H2_ROWS, "columns": H2_COLUMNS, "section": H2_SECTION},
    "Q1-fasp2-pmkpi-treeindex": {"visible_columns": ["操作", *Q1_COLUMNS[:5]]},
    "M1-chongqing-zhongxian-shengzhu-2022": {"sample_rows": M1_ROWS, "columns": M1_COLUMNS},
    "N1-fujian-anxi-shuili-2022": {"sample_rows": N1_ROWS, "columns": N1_COLUMNS},
}


# --------------------------------------------------------------------------- the shapes


def shape_a() -> Shape:
    """A: the vertical label/value form (A2's labels and values; A3: the table body from column B)."""
    rows: list[list[Any]] = [
        [None, "项目绩效目标表 (2023 年度)"],
        [None, "项目名称", "国家天文科学数据中心"],
        [None, "主管部门及代码", "[173]中国科学院", "实施单位", "国家天文台"],  # 实施单位: not quoted
        [None, "项目属性", "延续性项目", "项目期", "1年"],  # values as C1 / C4 quote them
        [None, "项目资金(万元)", "年度资金总额", 1200],  # amounts: not quoted
        [None, None, "其中:财政拨款", 1200],
        [None, None, "其他资金", None],
        [None, "年度总体目标", "建设运行国家天文科学数据中心，保障数据服务。"],  # not quoted
        [None, "一级指标", "二级指标", "三级指标", "指标值"],
    ]
    rows += [[None, *r] for r in B1_ROWS]
    return Shape(
        "A",
        "A2-central-naoc-2023",
        rows,
        ["B5:B7"],
        name="国家天文科学数据中心",
        total=1200.0,
        indicators=[(r[2], r[3]) for r in B1_ROWS],
    )


def shape_b() -> Shape:
    """B: the 宁夏 2026 form of the bundled workbook, with B1's labels as written."""
    rows: list[list[Any]] = [
        ["2026年宁夏回族自治区部门项目支出预算绩效表"],
        ["(2026年)"],
        [None, None, None, None, None, "单位：万元"],
        ["项目名称", None, "自治区社会保险各系统维护及网络安全防护设备维护升级"],
        ["主管部门", None, "宁夏回族自治区人力资源和社会保障厅", "实施单位", "宁夏回族自治区社会保险事业管理局本级"],
        ["项目属性", None, "经常性项目", "项目期", "99年"],
        ["项目总额", None, 400, "其中：年度资金总额", 400],
        ["其中： 本级资金", "资金总额", 400, "其中： 转移市县 (区)资金", "资金总额", 0],
        [None, "财政拨款", 400, None, "中央资金", 0],
        [None, "其他资金", 0, None, "自治区资金", 0],
        [None, "结余结转资金", 0],
        ["年度总体绩效目标", None, "保障社保信息系统安全稳定运行。"],  # not quoted
        ["一级指标", "二级指标", "三级指标", None, "指标值"],
    ]
    rows += [[r[0], r[1], r[2], None, r[3]] for r in B1_ROWS]
    return Shape(
        "B",
        "B1-ningxia-shebao-2026-seed",
        rows,
        ["A4:B4", "A5:B5", "A6:B6", "A7:B7", "A8:A11", "D8:D10", "A12:B12", "C12:F12", "C13:D13", "E13:F13"],
        name="自治区社会保险各系统维护及网络安全防护设备维护升级",
        total=400.0,
        indicators=[(r[2], r[3]) for r in B1_ROWS],
    )


def shape_c() -> Shape:
    """C: 中期 ∣ 年度 columns (C1): cover lines, money in two columns, goal 中期目标 ∣ 年度目标."""
    rows: list[list[Any]] = [
        ["青山区部门预算部门专项(绩效目标)申报表2021年度"],
        ["申 报 项 目 名 称", "高新技术企业奖励"],  # the name: not quoted
        ["编报单位(印章)", "青山区科学技术和经济信息化局"],  # not quoted
        ["部门负责人(签字)", None],
        ["编   报   时   间", None],
        ["项目基本信息 (2021年度)"],
        ["项目名称", "高新技术企业奖励"],
        ["主管部门及编码", "青山区科学技术和经济信息化局"],
        ["实施单位", "青山区科学技术和经济信息化局"],
        ["项目属性", "延续性项目"],
        ["项目起止时间", "2021.1-2021.12"],
        ["项目资金", "资金总额", 936, "当年资金总额:", 936],
        [None, "其中:财政拨款", 936, "其中:当年财政拨款", 936],
        [None, "其他资金", None, "当年其他资金", None],
        ["总体目标", "中期目标", None, "年度目标", None],
        [None, "推进科技事业发展", None, "通过落实专项资金,…新增高新技术企业15家。"],
        ["绩效项目指标表"],
        ["一级指标", "二级指标", "指标内容", "指标值", "备 注"],
    ]
    rows += [list(r) for r in C1_ROWS]
    return Shape(
        "C",
        "C1-hubei-qingshan-2021",
        rows,
        ["A12:A14", "A15:A16", "B15:C15", "D15:E15", "B16:C16", "D16:E16"],
        name="高新技术企业奖励",
        total=936.0,
        indicators=[(r[2], r[3]) for r in C1_ROWS],
    )


def shape_d() -> Shape:
    """D: the 扶贫/衔接 申报表 (D3): vertical section labels one character per cell."""
    goal = "1、新建寨山石坪村水泥路2km；2、新建呼家河至鲍家沟水泥路2km；3、工程验收合格。"  # not quoted
    rows: list[list[Any]] = [
        ["绩效目标申报表"],
        ["(2021年度)"],
        ["项目名称", "2021年交通局寨山石坪、鲍家沟果园路", None, "项目负责人及联系电话", "刘志龙09125222043"],
        ["主管部门", "清涧县交通运输局", None, "实施单位", "清涧县交通运输局"],
        ["资金情况", "年度资金总额:", None, 500],
        [None, "其中:财政拨款", None, 500],
        [None, "其他资金", None, None],
        ["总", "年度目标", goal],
        ["体"],
        ["目"],
        ["标"],
        ["绩", "一级指标", "二级指标", "三级指标", "指标值"],
    ]
    rows += [[ch, *r] for ch, r in zip(["效", "指", "标", None, None], D3_ROWS, strict=True)]
    return Shape(
        "D",
        "D3-shaanxi-qingjian-2021",
        rows,
        ["A5:A7", "B8:B11", "C8:E11"],
        name="2021年交通局寨山石坪、鲍家沟果园路",
        total=500.0,
        indicators=[(r[2], r[3]) for r in D3_ROWS],
    )


def shape_e() -> Shape:
    """E: the long 申报表 (E3): money as text in one cell, a schedule, 长期目标 ∣ 年度目标, a 年度 table."""
    rows: list[list[Any]] = [
        ["2024年项目绩效目标表"],
        ["填报单位(盖章):", "湘潭市城市管理和综合执法局"],  # not quoted
        ["项目名称", "雾炮车抑尘降尘服务", "项目起\n止时间", "20246-202516"],
        ["主管部门及其编码", "湘潭市城市管理和综合执法局 308001"],
        ["项目实施单位", "湘潭市城市管理和综合执法局"],  # not quoted
        ["项目负责人", "张三", "联系电话", "0731-00000000"],  # not quoted
        ["项目资金申请 (万元)", "资金总额: 250\n一、预算资金:250\n二、自有资金:0\n三、其他:0"],
        ["项目概况", "购买雾炮车抑尘降尘服务。"],  # not quoted
        ["项目实施进度计划", "项目实施内容", "开始时间", "完成时间"],
        [None, "雾炮车抑尘降尘服务", "20246", "20251"],
        ["项目绩效目标", "长期目标", None, "年度目标"],
        [None, "改善城区空气质量。", None, "服务周期内减少扬尘污染。"],  # not quoted
        ["年度绩效指标"],
        ["一级指标", "二级指标", "三级指标", "指标值", "绩效标准"],
    ]
    rows += [list(r) for r in E3_ROWS]
    rows.append(["其他需说明的问题"])
    return Shape(
        "E",
        "E3-hunan-xiangtan-2024",
        rows,
        ["A9:A10", "A11:A12", "B11:C11", "B12:C12"],
        name="雾炮车抑尘降尘服务",
        total=250.0,
        indicators=[(r[2], r[3]) for r in E3_ROWS],
    )


def shape_g() -> Shape:
    """G: 上海's 申报表 (G1's grid as quoted): amounts in 元, whole-project and this-year columns."""
    rows: list[list[Any]] = [list(r) for r in G1_GRID_TOP]
    rows += [[None, r[0], r[1], r[2], None, None, r[3], None] for r in G1_ROWS]
    first = len(G1_GRID_TOP) + 1
    merges = ["A1:H1", "A2:H2", "A6:B9", "A10:A11"]
    merges += [f"D{r}:F{r}" for r in range(first - 1, first + len(G1_ROWS))]
    merges += [f"G{r}:H{r}" for r in range(first - 1, first + len(G1_ROWS))]
    return Shape(
        "G",
        "G1-shanghai-putuo-jianguanwei-2026",
        rows,
        merges,
        name="兰溪路-真南路下立交工\n程",
        total=77132.58,
        indicators=[(r[2], r[3]) for r in G1_ROWS],
    )


def shape_h() -> Shape:
    """H: comparator, value, unit and weight in columns of their own, 一级/二级 on every row (H2)."""
    goal = "目标1:聘用人员1人,出差8人 目标2:聘用人员在岗率100% 目标3:2021年12月31日前完成 目标4:年度预算总金额3万元 目标5:…"
    rows: list[list[Any]] = [
        ["再生资源回收市场管理经费项目绩效目标表"],
        ["(2021年)"],
        ["项目名称", "再生资源回收市场管理经费"],  # the name as the title says it
        ["项目类别", "(31)部门预算项目"],
        ["归口科室", "(08)经济贸易科"],
        ["主管部门", "(433)乌海市供销合作社联合社(部门)"],
        ["实施单位", "(433001)乌海市供销合作社联合社"],
        ["投入目标 (万元)", "资金来源", "年初安排金额(万元)"],
        [None, "资金总额", 3],
        [None, "其中: 财政拨款数", 3],
        [None, "其他资金", 0],
        ["年度目标", goal],
        [H2_SECTION],
        list(H2_COLUMNS),
    ]
    rows += [list(r) for r in H2_ROWS]
    return Shape(
        "H",
        "H2-neimenggu-wuhai-gongxiao-2021",
        rows,
        ["A8:A11", "B12:I12", "A13:I13"],
        name="再生资源回收市场管理经费",
        total=3.0,
        indicators=[(r[2], r[5]) for r in H2_ROWS],
        unit_column=True,
    )


def shape_q() -> Shape:
    """Q: the budget system's grid (Q2's header, Q1's columns; 一级/二级 as tree rows).

    Q1 quotes no rows: the indicators are H2's, in Q1's columns.
    """
    rows: list[list[Any]] = [
        ["项目绩效目标表"],
        ["项目编码", "15000021T000000123456"],  # not quoted
        ["项目名称", "再生资源回收市场管理经费"],
        ["主管部门", "乌海市供销合作社联合社"],
        ["实施单位", "乌海市供销合作社联合社"],
        ["资金金额", "实施期资金总额", "1111111"],
        [None, "财政拨款数", "111111.11"],
        [None, "非财政拨款数", "22222.22"],
        [None, "预算执行权重（%）", "10"],  # not quoted
        ["项目总体目标", "聘用人员1人，出差8人，年度预算总金额3万元。"],  # not quoted
        ["年度绩效指标"],
        list(Q1_COLUMNS),
        ["产出指标"],
        ["数量指标"],
    ]
    by_group: dict[str, list[list[str]]] = {}
    for r in H2_ROWS:
        by_group.setdefault(r[1], []).append(r)
    inds: list[tuple[str, str]] = []
    for level2, group in by_group.items():
        if level2 != "数量指标":
            rows.append([level2])
        for r in group:
            rows.append([r[2], r[4], r[5], r[6], r[8], None])
            inds.append((r[2], r[5]))
    return Shape(
        "Q",
        "Q2-vue-bstable-performance-basicinfo",
        rows,
        ["A1:C1", "A6:A9"],
        name="再生资源回收市场管理经费",
        total=1111111.0,
        indicators=inds,
        unit_column=True,
    )


SHAPES = {s.key: s for s in (shape_a(), shape_b(), shape_c(), shape_d(), shape_e(), shape_g(), shape_h(), shape_q())}


# --------------------------------------------------------------------------- shapes read as far as they go


def shape_m() -> Shape:
    """M: a transfer-payment fund table (M1): 资金名称 for 项目名称, a chain of authorities, the
    unit column before 指标值, the vertical 绩效指标 label in the first data row.  M1 is cut
    off after its 数量指标 rows, so the table lacks 效益/满意度 (real errors of the quote)."""
    rows: list[list[Any]] = [
        ["生猪(牛羊)调出大县奖励资金区域绩效目标表"],
        ["资金名称", "生猪(牛羊)调出大县奖励资金"],  # the name: the title's
        ["中央主管部门", "农业农村部"],  # the authorities: not quoted
        ["省级财政部门", "重庆市财政局"],
        ["省级主管部门", "重庆市农业农村委员会"],
        ["区县财政部门", "忠县财政局"],
        ["区县主管部门", "忠县农业农村委员会"],
        ["资金情况", "年度金额(万元):", 397],
        [None, "其中:中央补助(万元)", 397],
        [None, "地方资金(万元)", None],
        ["年度目标", "稳定生猪生产，保障猪肉供应。"],  # not quoted
        [None, *M1_COLUMNS],
        *[list(r) for r in M1_ROWS],
    ]
    return Shape(
        "M",
        "M1-chongqing-zhongxian-shengzhu-2022",
        rows,
        ["A8:A10"],
        name="生猪(牛羊)调出大县奖励资金",
        total=397.0,
        indicators=[(r[3], r[5]) for r in M1_ROWS],
        unit_column=True,
    )


def shape_n() -> Shape:
    """N: one target column per recipient village (N1), all money on one row, no 指标值 heading:
    the first village's column is read as the value, the others are named as not read."""
    rows: list[list[Any]] = [
        ["2022年省级第七批水利专项资金绩效目标表"],
        ["项目名称", "省级第七批水利专项资金", "主管部门(单位)名称", "安溪县水利局"],
        ["资金情况(万元)", "资金总额", 100, "其中:财政拨款", 100, "其他资金", None],
        ["总 体 目 标", "完成小型水利工程建设。"],  # not quoted
        ["绩效 指标", *N1_COLUMNS],
        *[[None, *r] for r in N1_ROWS],
    ]
    return Shape(
        "N",
        "N1-fujian-anxi-shuili-2022",
        rows,
        [],
        name="省级第七批水利专项资金",
        total=100.0,
        indicators=[(r[2], r[4]) for r in N1_ROWS],
    )


PARTLY = {s.key: s for s in (shape_m(), shape_n())}
