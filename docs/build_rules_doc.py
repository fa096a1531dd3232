"""Write docs/rules.md from the rule registry, so the reference never drifts from the code.

python docs/build_rules_doc.py          # rewrites docs/rules.md
python docs/build_rules_doc.py --check  # exit 1 when docs/rules.md is out of date
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from xladdin.rules import all_rules  # noqa: E402

TARGET = ROOT / "docs" / "rules.md"
SEVERITY = {"error": "错误", "warning": "警告", "info": "提示"}
FIX = {"safe": "安全修正", "unsafe": "需确认", None: ""}
FAMILIES = {
    "header": (
        "表头（HDR）",
        "项目名称、主管部门、实施单位、项目属性、项目期、年度总体绩效目标和预算年度；同一工作簿中各表的项目名称不能重复。",
    ),
    "funding": (
        "资金（FUND）",
        "项目资金各栏（单位万元）是否为数字、是否相加一致。比较精确到0.000001万元。"
        "“年度资金总额”有两种理解（本年可用的全部资金，或本年新增资金），两种都对不上才算错误；"
        "只符合“新增资金”而结余结转资金不为0时给出警告，请按财政部门口径核对。",
    ),
    "structure": (
        "指标结构（IND）",
        "一级、二级指标的名称和归属（传统框架：成本指标是产出下的二级；2021版框架：成本指标是一级，一张表只用一种），"
        "产出、效益、满意度是否齐全，空行、缺值、模板占位内容、重复指标。",
    ),
    "values": (
        "指标值（VAL）",
        "单位、百分比范围、比较符号（越高越好写≥，越低越好写≤）、指标值类型是否与指标相符、定性指标能否检验。"
        "成本指标中不带比较符号的单价（如“1836.48元/套”）不提示：这是本表样的写法，成本测算直接使用。",
    ),
    "time": (
        "时间（TIME）",
        "时效指标的日期应在预算年度（标题中的年份）内：早于预算年度是错误（多为沿用上年表格），"
        "晚于预算年度是警告（项目本身可能跨年，但年度目标应写明本年完成到哪一步）。",
    ),
    "costs": (
        "成本测算（COST）",
        "用成本指标×数量指标重算预算：合计应等于项目总额；单价要有对应数量；成本与数量名称只差一两个字时提示可能的错别字。",
    ),
    "narrative": (
        "年度总体绩效目标（NARR）",
        "目标文字中的编号、数量、算式、分项金额和总金额应与指标和资金栏一致；残留的网页标记（如<p>）应删除。",
    ),
    "targets": (
        "数字背后（TGT）",
        "数字算得通，意思未必对：数量指标恰好是“金额÷单价”而目标中写的实际数量不同（多为把首付款、分期付款折成了数量）；"
        "三级指标名称里自带目标（如“合格率100%”）而指标值不同；跨年项目的时效指标写的是整个项目期的时限；"
        "质量指标只是“完成率100%”，把数量指标换成了百分比。这些都只能从表中推断，所以是警告或提示。",
    ),
    "workbook": (
        "工作簿（WB）",
        "把同一部门的各张表放在一起看：某张表的预算年度早于整个工作簿（项目汇总标题的年度，没有汇总表时为多数表的年度），"
        "多为上年的表格整张粘贴进来未更新，是错误；同一项支出（名称和单位相同）在不同项目中单价不同，是警告，"
        "列出两个项目的单元格。",
    ),
    "summary": (
        "项目汇总（SUM）",
        "项目汇总表（有“项目名称”和项目总额、年度资金总额、财政拨款等金额列的表）与各项目表核对："
        "每行的名称和金额应与对应的表一致（公式应指向该表的金额单元格），每张表都有一行，每行都有对应的表，合计等于各行之和。"
        "只比较文件中看得到的内容：手工填写的数字与项目表比较；公式只在能读到公式时检查其指向；"
        "保存时没有计算过的公式（如由程序生成、未经 Excel 打开保存的文件）读不到结果，不作判断。",
    ),
    "standards": (
        "支出标准（STD）",
        "成本指标与支出标准比较：培训费综合定额（按培训类别）、会议费综合定额、差旅住宿费和伙食、市内交通补助、"
        "讲课费（按职称，每学时）、专家咨询费（按职称，每天，第三天起减半）。内置的是有出处的中央标准"
        "（财行〔2016〕540号、〔2016〕214号、〔2013〕531号、〔2015〕497号，财科教〔2017〕128号），"
        "每条注明文件、日期、适用范围和可信度（A＝据文件原文，B＝据二手资料，C＝待核实）；宁夏的标准未查到。"
        "本单位或财政部门可在工作簿中加一张“xladdin支出标准”表，或用 `xladdin check --standards 标准.xlsx` 给出自己的标准："
        "某类支出（如培训费综合定额）只要有本地的行，就替换内置的同类各行。`xladdin standards` 列出正在使用的标准及其出处；"
        "`xladdin standards --format csv > 标准.csv` 得到内置标准的表，可作为本地标准的样板：必填“类别”“项目”“单位”（如“元/人/天”）“限额”四列，"
        "另可写“适用范围”“人员级别”“分类”“职称”“地区”“第三天起限额”“包含”（综合定额包含的费用）“依据文件”“日期”“可信度”“网址”“备注”，"
        "表头以上的标题行和空行不影响读取。"
        "标准的数字并非都确定，表中也常不写培训类别或专家职称（这时按最高的一档比较），所以这些都只是警告，"
        "并引用所依据的那一行、出处和可信度。",
    ),
    "selfeval": (
        "自评表（SELF）",
        "项目支出绩效自评表（`xladdin selfeval` 生成的，或其他地区公开的同类表）：实际完成值、得分、偏差原因、"
        "预算执行率和总分。得分按每行的评分方法计算（实际÷目标、目标÷实际或按评价等级），精确到分；"
        "年度指标值和年初预算数与同名项目的绩效目标表比较，目标不能事后修改。",
    ),
}


def render() -> str:
    rules = all_rules()
    lines = [
        "# 校验规则一览",
        "",
        "本文件由 `python docs/build_rules_doc.py` 根据程序中的规则登记表自动生成，请勿手工修改。",
        "",
        "级别：**错误**＝表格本身有错，报送前必须改正（`xladdin check` 返回码为1）；"
        "**警告**＝很可能有问题或写法不规范，请核对；**提示**＝供参考。",
        "",
        "可修正：有些问题的改法是确定的，这些规则的发现附带修正（JSON 中的 `fix`）。"
        "**安全修正**不改变原意（如满意度补“≥”），`xladdin check 文件.xlsx --fix -o 修正后.xlsx` 或功能区“一键修正”直接应用；"
        "**需确认的修正**（如把2025年的日期改为2026年）只在加 `--unsafe-fixes` 时应用。所有修正都记入撤销记录，可以撤销。",
        "",
        "关闭规则：命令行 `xladdin check 文件.xlsx --ignore VAL004,NARR`（可写代码或前缀）；"
        "或在工作簿中加一张名为“xladdin设置”的（可隐藏）工作表，A列写“忽略规则”，B列写规则代码，"
        "用逗号或顿号分隔。“只用规则”同理。",
        "",
        f"共 {len(rules)} 条规则。",
        "",
    ]
    for family, (title, intro) in FAMILIES.items():
        members = [r for r in rules if r.family == family]
        if not members:
            continue
        lines += [f"## {title}", "", intro, "", "| 代码 | 级别 | 名称 | 说明 | 修正 |", "|---|---|---|---|---|"]
        lines += [f"| {r.code} | {SEVERITY[r.severity]} | `{r.name}` | {r.summary} | {FIX[r.fix]} |" for r in members]
        lines.append("")
    others = [r for r in rules if r.family not in FAMILIES]
    if others:
        lines += ["## 其他", "", "| 代码 | 级别 | 名称 | 说明 | 修正 |", "|---|---|---|---|---|"]
        lines += [f"| {r.code} | {SEVERITY[r.severity]} | `{r.name}` | {r.summary} | {FIX[r.fix]} |" for r in others]
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        if not TARGET.exists() or TARGET.read_text(encoding="utf-8") != text:
            print("docs/rules.md 不是最新的，请运行 python docs/build_rules_doc.py")
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    print(f"已写入 {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
