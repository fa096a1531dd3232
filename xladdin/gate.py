"""Whether a workbook is ready to be published, and what to say when it is not.

``publish`` prints the public disclosure document; a draft printed as final is the worst
thing the tool could do for a department (template ``XX`` left in, an empty 项目总额, the
tool's own colours on the tables). So the check runs first: its errors — placeholders
(HDR002, IND008), empty required fields (HDR001, FUND001) and every other real mistake —
and the tool's marks and highlights left on the tables stop the publication, unless the user
says ``--force``; a forced document then says on its opening page that it is a draft.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from xladdin.conventions import SEVERITY_ZH
from xladdin.model import Finding

SHOWN = 20  # findings listed in the refusal; the rest are counted


@dataclass
class Readiness:
    """What stands between a workbook and its publication."""

    errors: list[Finding] = field(default_factory=list)
    marked: bool = False  # the workbook carries a check's marks (校验结果, the mark state)
    painted: int = 0  # cells of the tables in one of the tool's colours

    @property
    def ready(self) -> bool:
        return not self.errors and not self.marked and not self.painted

    def reasons(self) -> list[str]:
        """Short Chinese phrases, e.g. “错误3处”."""
        out = []
        if self.errors:
            out.append(f"错误{len(self.errors)}处")
        if self.marked:
            out.append("带有校验标记")
        if self.painted:
            out.append(f"{self.painted}个单元格带有本工具的标色")
        return out

    def refusal(self) -> str:
        """The message of a refused publication: why, each error on its cell, what to do."""
        lines = [f"工作簿尚未完成（{'，'.join(self.reasons())}），未生成公开文档："]
        for f in self.errors[:SHOWN]:
            lines.append(f"  {f.sheet}!{f.cell}  {SEVERITY_ZH[f.severity]} {f.rule}  {f.message}")
        if len(self.errors) > SHOWN:
            lines.append(f"  ……另有{len(self.errors) - SHOWN}处错误，请用 xladdin check 查看全部。")
        if self.marked or self.painted:
            lines.append("  本工具的标色和批注会被印进文档：请先“清除标记”（xladdin clear）。")
        lines.append(
            "请改正后再生成；确需先出草稿的，加 --force（文档首页会注明“草稿”及未解决的问题数，标色不会印出）。"
        )
        return "\n".join(lines)

    def draft_note(self) -> str:
        """The line a forced publication carries on its opening page."""
        return (
            f"【草稿】本文档由尚未通过校验的工作簿生成（{'，'.join(self.reasons())}），仅供内部核对，不是正式公开文本。"
        )


def readiness(findings: list[Finding], marked: bool, painted: int) -> Readiness:
    """The errors of a check of the workbook, whether it carries marks, how many cells the tool coloured."""
    return Readiness([f for f in findings if f.severity == "error"], marked, painted)
