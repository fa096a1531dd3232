"""``python -m xladdin.commands.register --xlam xladdin.xlam``: register the Excel add-in for this user.

Run by the offline package's 安装.bat (``xladdin.commands.bundle``) with the Python of the
environment it just made, and usable by hand after any installation.  Two things, both
under the user's own profile (no administrator rights):

* the add-in is copied into Excel's start-up folder ``%APPDATA%\\Microsoft\\Excel\\XLSTART``
  (what ``xlwings addin install --file`` does), so every Excel opens with the 绩效目标 tab;
* the add-in is told which Python to start: ``"INTERPRETER_WIN"`` in
  ``%USERPROFILE%\\.xladdin\\xladdin.conf`` points at this environment's ``pythonw.exe``
  (docs/install.md, 第四步).  The add-in's VBA reads that file in the ANSI code page (GBK),
  so it is written in GBK, with ``%LOCALAPPDATA%`` instead of a user folder that may have a
  Chinese name; the file's other lines are kept.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

CONF_KEY = '"INTERPRETER_WIN"'


def xlstart() -> Path:
    appdata = os.environ.get("APPDATA")
    if not appdata:
        raise RegisterError("找不到 %APPDATA% 文件夹，无法安装加载项。请在 Windows 上运行。")
    return Path(appdata) / "Microsoft" / "Excel" / "XLSTART"


def conf_file() -> Path:
    home = os.environ.get("USERPROFILE") or str(Path.home())
    return Path(home) / ".xladdin" / "xladdin.conf"


def interpreter_text(python: Path) -> str:
    """This environment's pythonw.exe, written with %LOCALAPPDATA% where it lies below it."""
    pythonw = python.with_name("pythonw.exe")
    local = os.environ.get("LOCALAPPDATA")
    text = str(pythonw)
    prefix = (local or "").rstrip("\\/")
    if prefix and text.lower().startswith(prefix.lower()) and text[len(prefix) : len(prefix) + 1] in ("\\", "/"):
        text = "%LOCALAPPDATA%" + text[len(prefix) :]
    return text


class RegisterError(Exception):
    pass


def install_addin(xlam: Path) -> Path:
    """The add-in copied into XLSTART (replaced atomically; an open Excel holds the old one)."""
    if not xlam.is_file():
        raise RegisterError(f"找不到加载项文件 {xlam}。")
    folder = xlstart()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "xladdin.xlam"
    staged = folder / ".xladdin.xlam.tmp"
    try:
        staged.write_bytes(xlam.read_bytes())
        os.replace(staged, target)
    except PermissionError:
        staged.unlink(missing_ok=True)
        raise RegisterError(f"无法写入 {target}：Excel 可能正在运行。请关闭所有 Excel 窗口后重新运行安装。") from None
    return target


def write_conf(python: Path) -> Path:
    """``"INTERPRETER_WIN","…pythonw.exe"`` in the user's xladdin.conf; other settings kept."""
    path = conf_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    lines: list[str] = []
    if path.exists():
        raw = path.read_bytes()
        try:
            text = raw.decode("gbk")
        except UnicodeDecodeError:
            text = raw.decode("utf-8", errors="replace")
        lines = [line for line in text.splitlines() if line.strip() and not line.strip().startswith(CONF_KEY)]
    lines.insert(0, f'{CONF_KEY},"{interpreter_text(python)}"')
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("gbk", errors="replace"))
    return path


def main(argv: list[str] | None = None) -> int:
    from xladdin.commands.console import setup_streams

    setup_streams()
    ap = argparse.ArgumentParser(prog="python -m xladdin.commands.register", description="为当前用户注册 Excel 加载项")
    ap.add_argument("--xlam", type=Path, required=True, help="加载项文件 xladdin.xlam")
    ap.add_argument(
        "--python", type=Path, default=Path(sys.executable), help="加载项使用的 Python（默认：本程序所在的环境）"
    )
    args = ap.parse_args(argv)
    try:
        target = install_addin(args.xlam)
        conf = write_conf(args.python)
    except RegisterError as exc:
        print(f"xladdin：{exc}", file=sys.stderr)
        return 2
    print(f"已安装加载项：{target}")
    print(f"已设置加载项使用的 Python：{conf}（{interpreter_text(args.python)}）")
    return 0


if __name__ == "__main__":
    sys.exit(main())
