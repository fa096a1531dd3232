"""What the templates need besides the data: the downloads a page offers, the chart's bars,
and the name a downloaded file gets."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xladdin.style import UNEXPLAINED_LABEL


@dataclass(frozen=True)
class Download:
    kind: str  # the URL's word and ``work.make_file``'s kind
    label: str  # the button
    tag: str  # added to the file's name: 社保局（已标记）.xlsx
    hint: str  # the button's tooltip
    pdf: bool = False


DOWNLOADS = (
    Download(
        "mark", "标记后的工作簿", "已标记", "问题单元格按级别标色并加批注，另有“校验结果”表（同 xladdin check --mark）"
    ),
    Download(
        "fix", "一键修正后的工作簿", "已修正", "改法确定的问题直接改好并标为浅绿色，可撤销（同 xladdin check --fix）"
    ),
    Download(
        "format", "统一格式后的工作簿", "统一格式", "统一字体、边框、列宽和打印设置，数值不变（同 xladdin format）"
    ),
    Download("fill", "填充指标后的工作簿", "已填充", "补齐指标框架、由预算推算成本指标（同 xladdin fill）"),
    Download("rollover", "下一年度工作簿", "新年度", "由本年度工作簿生成下一年度工作簿（同 xladdin rollover）"),
    Download("pdf", "公开文档（PDF）", "公开", "公开说明加全部项目表的 PDF（同 xladdin publish）", pdf=True),
)
KINDS = {d.kind: d for d in DOWNLOADS}


def download_name(display: str, download: Download) -> str:
    """社保局2026.xlsx → 社保局2026（已标记）.xlsx; the PDF keeps the stem."""
    name = Path(display.replace("\\", "/").split("/")[-1])
    suffix = ".pdf" if download.pdf else (name.suffix if name.suffix.lower() in (".xlsx", ".xlsm") else ".xlsx")
    return f"{name.stem}（{download.tag}）{suffix}"


BAR_WIDTH = 260  # px of the longest bar
BAR_HEIGHT = 18
LABEL_WIDTH = 232  # the chart's labels are at most 18 characters (style.short_label) of 12 px


def chart_bars(chart: dict[str, Any] | None) -> dict[str, Any] | None:
    """The cost composition as horizontal bars (SVG geometry): one per cost line, what they leave unexplained last."""
    if not chart:
        return None
    amounts = [float(a) for a in chart["amounts"]]
    top = max(amounts, default=0.0) or 1.0
    bars = []
    for i, (label, amount) in enumerate(zip(chart["labels"], amounts, strict=True)):
        bars.append(
            {
                "label": label,
                "amount": f"{amount:g}",
                "y": i * (BAR_HEIGHT + 8),
                "width": max(1, round(BAR_WIDTH * amount / top)),
                "unexplained": label == UNEXPLAINED_LABEL,
            }
        )
    return {
        "title": chart["title"],
        "bars": bars,
        "height": len(bars) * (BAR_HEIGHT + 8),
        "label_width": LABEL_WIDTH,
        "bar_height": BAR_HEIGHT,
        "width": LABEL_WIDTH + BAR_WIDTH + 90,
    }
