"""Errors that are the user's to fix, with the Chinese message they will read.

A ``UserError`` never becomes a traceback: the CLI prints its message on stderr and
exits with its code; the add-in shows it in a message box.
"""

from __future__ import annotations

from typing import Any


class UserError(Exception):
    """Bad input or an impossible request; ``message`` is Chinese and says what to do."""

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code

    def __reduce__(self) -> tuple[Any, tuple[type[UserError], str, int]]:
        # raised in a worker process and re-raised here: the same kind, message and exit code
        return (_rebuilt, (type(self), self.message, self.exit_code))


def _rebuilt(cls: type[UserError], message: str, exit_code: int) -> UserError:
    """A ``UserError`` (of any kind) with its final message, whatever its constructor takes."""
    err = cls.__new__(cls)
    UserError.__init__(err, message, exit_code)
    return err


# --------------------------------------------------------------------------- the mistakes every shell meets, each worded once

_TABLE_HEADINGS = "需要“项目名称”和“一级指标…指标值”表头"


class NoProjectTables(UserError):
    """No 绩效目标表 was found where one is needed; ``then`` says what was therefore not done."""

    def __init__(self, then: str = "", where: str = "工作簿中") -> None:
        tail = f"，{then}" if then else ""
        super().__init__(f"{where}没有找到项目支出绩效目标表（{_TABLE_HEADINGS}）{tail}。")


class FileLocked(UserError):
    """The file is open in Excel, WPS or LibreOffice (its lock file is there)."""

    def __init__(self, name: str, lock: str) -> None:
        super().__init__(
            f"{name} 正在 Excel、WPS 或 LibreOffice 中打开（发现锁文件 {lock}）。请先关闭该文件再试；"
            "如确认没有打开，可删除该锁文件。"
        )


class FileDamaged(UserError):
    """The file cannot be read as a workbook; ``what`` says which part (the zip, the data, a sheet)."""

    def __init__(self, name: str, what: str = "", detail: str = "") -> None:
        said = f"（{what}）" if what else ""
        cause = f"：{detail[:120]}" if detail else ""
        super().__init__(
            f"{name} 已损坏{said}，无法读取{cause}。请用 Excel 打开并另存，或从备份或原始来源重新获取该文件。"
        )


class OutputIsInput(UserError):
    """A written file would replace a file the command reads."""

    def __init__(self, name: str, how: str = "请换一个输出文件名，或改用 --in-place（会自动留备份）") -> None:
        super().__init__(f"输出会覆盖被读取的文件 {name}。{how}。")


class UnknownRules(UserError):
    """Rule codes that name no rule (a typo in --select/--ignore or in the settings sheet), with the nearest codes."""

    def __init__(self, unknown: list[tuple[str, list[str]]], where: str) -> None:
        parts = []
        for code, near in unknown:
            hint = f"（最接近的是 {'、'.join(near)}）" if near else ""
            parts.append(f"“{code}”{hint}")
        super().__init__(
            f"{where}的规则代码{'、'.join(parts)}不存在，没有开始校验。请改正后再试；全部规则可用 xladdin rules 查看。"
        )


class EarlierOutput(UserError):
    """A file an earlier run of the tool wrote (a marked copy, a reviewer's report): no submission."""

    def __init__(self, name: str, what: str) -> None:
        super().__init__(f"{name} 是{what}，不作为报送文件检查。", exit_code=0)
        self.what = what


class DuplicateParts(UserError):
    """A package holding two zip entries of one name (OPC names ignore case): readers disagree on which
    copy is the workbook (Python's zipfile and calamine take the last, others the first, LibreOffice
    refuses the file), so whatever xladdin wrote back would silently keep one and drop the other."""

    def __init__(self, name: str, part: str) -> None:
        super().__init__(
            f"{name} 文件内部有重名的部件（{part}），不同软件读到的内容可能不同，无法安全写回；"
            "请在 Excel 中打开并另存为后再试。"
        )


class NoSheets(UserError):
    """The workbook lists no sheet at all (whatever parts its package holds)."""

    def __init__(self, name: str) -> None:
        super().__init__(f"{name} 中没有工作表。请确认这是填好的绩效目标表工作簿。")


class GarbledText(UserError):
    """An .xls whose texts the built-in reader decodes wrongly (files/other_formats.py ``_garbled``) and no
    LibreOffice to read it right: reading on would show the user garbled text and miss the table."""

    def __init__(self, name: str) -> None:
        super().__init__(
            f"{name} 中的文字编码写法特殊，需要 LibreOffice 才能正确读取，但本机没有安装 LibreOffice。"
            "请在 Excel 或 WPS 中“另存为” Excel 工作簿（*.xlsx）后再试（或安装 LibreOffice 后再试）。"
        )
