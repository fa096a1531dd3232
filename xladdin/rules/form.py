"""What the reader could not place in a table's form.

A form the reader knows only in part is read as far as it goes; the cells it could not
place (a sub-table it does not read, a column it does not know) are named once, as a
hint, so the user knows what was not checked — never as errors about fields the form
does not have.
"""

from __future__ import annotations

from collections.abc import Iterator

from xladdin.model import Finding
from xladdin.rules import Context, Rule, rule

_SHOWN = 12


@rule("FORM001", "form-partly-read", "info", "表中有未能识别的内容（没有参与检查），请核对或反馈表样")
def form_partly_read(ctx: Context, r: Rule) -> Iterator[Finding]:
    cells = ctx.project.form.unplaced
    if not cells:
        return
    shown = "、".join(cells[:_SHOWN]) + (f"等{len(cells)}处" if len(cells) > _SHOWN else "")
    yield ctx.finding(
        r,
        cells[0],
        f"本表有{len(cells)}处内容不属于本工具认识的栏目，没有参与检查：{shown}。"
        "若其中有应检查的栏目（如另一种写法的资金或指标栏），请按 docs/表格样式.md 的说明把表样发给我们。",
        expected="认识的栏目",
        actual=shown,
    )
