"""``python -m xladdin.commands.bundle [-o 文件夹] [--python 3.11 3.12 3.13] [--zip]``: the offline Windows package.

Many department PCs have no internet and no administrator rights.  This builds, on a
machine that has internet, one folder to copy onto such a PC (by USB stick or the
office network)::

    xladdin-离线安装包-0.1.0/
        wheels/          xladdin and every package it needs, for 64-bit Windows and
                         each supported Python (downloaded with ``pip download --platform``)
        xladdin.xlam     the Excel add-in (built from the same xlwings version)
        安装.bat          double-click: a private Python environment under %LOCALAPPDATA%,
                         everything installed from wheels/ (no internet), the add-in registered
        使用说明.txt

``pip download --platform win_amd64`` picks Windows wheels but judges a requirement's
environment marker by the machine it runs on, so on Linux it would leave out what only
Windows needs (xlwings' ``pywin32; platform_system == 'Windows'``) and the set would fail
to install on the PC it is for.  pip is therefore run with the marker environment of the
target (``_WINDOWS_PIP``), and the finished set is checked the same way: for every Python
version, ``pip install --dry-run --no-index --find-links wheels`` must resolve xladdin from
the folder alone.  Run from a clone of the repository (the xladdin wheel is built from it).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from xladdin import __version__

ROOT = Path(__file__).resolve().parents[2]
XLAM = ROOT / "macros" / "xladdin.xlam"
# The CPython versions the package is made for (pyproject: requires-python >= 3.11; each
# dependency has 64-bit Windows wheels for these).
PYTHONS = ("3.11", "3.12", "3.13")
PLATFORM = "win_amd64"

# pip with the environment markers of 64-bit Windows and the target Python (see the module's doc).
_WINDOWS_PIP = """
import sys
from pip._vendor.packaging import markers

version = sys.argv.pop(1)
_host = markers.default_environment


def windows():
    env = dict(_host())
    env.update(
        implementation_name="cpython",
        os_name="nt",
        platform_machine="AMD64",
        platform_python_implementation="CPython",
        platform_release="10",
        platform_system="Windows",
        platform_version="10.0.19045",
        python_full_version=version + ".0",
        python_version=version,
        sys_platform="win32",
    )
    return env


markers.default_environment = windows
from pip._internal.cli.main import main

sys.exit(main(sys.argv[1:]))
"""


class BundleError(Exception):
    """The package could not be built (no network, a wheel missing for a platform …)."""


def windows_pip(
    python: str, args: list[str], quiet: bool = True, bare: bool = False
) -> subprocess.CompletedProcess[str]:
    """``pip ARGS`` as if it ran on 64-bit Windows with CPython ``python`` (markers included).

    ``bare``: without this machine's pip configuration (files and PIP_* variables: its
    find-links, extra indexes and constraints), as on the PC that has only the folder.
    """
    cmd = [sys.executable, "-c", _WINDOWS_PIP, python, *args]
    if quiet:
        cmd.append("-q")
    env = dict(os.environ)
    if bare:
        env = {k: v for k, v in env.items() if not k.startswith("PIP_")}
        env["PIP_CONFIG_FILE"] = os.devnull  # pip then reads no configuration file at all
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=1800)


def target_args(python: str) -> list[str]:
    """The pip options that describe the PC: 64-bit Windows, CPython ``python``, wheels only."""
    return [
        "--platform",
        PLATFORM,
        "--python-version",
        python,
        "--implementation",
        "cp",
        "--only-binary=:all:",
    ]


def build_wheel(out: Path) -> Path:
    """xladdin's own wheel, built from this clone."""
    if not (ROOT / "pyproject.toml").exists():
        raise BundleError(
            f"找不到 {ROOT / 'pyproject.toml'}：离线安装包要在 xladdin 的源代码文件夹（git clone）中制作。"
        )
    with tempfile.TemporaryDirectory(prefix="xladdin-wheel-") as tmp:
        res = subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", tmp, str(ROOT)],
            capture_output=True,
            text=True,
            timeout=900,
        )
        built = sorted(Path(tmp).glob("xladdin-*.whl"))
        if res.returncode != 0 or not built:
            raise BundleError("无法生成 xladdin 的 wheel：" + _last_line(res))
        target = out / built[0].name
        shutil.copyfile(built[0], target)
    return target


def download(wheels: Path, own: Path, python: str) -> None:
    """Every dependency of ``own`` for Windows and ``python``, into ``wheels``."""
    res = windows_pip(python, ["download", *target_args(python), "-d", str(wheels), str(own)])
    if res.returncode != 0:
        raise BundleError(f"下载 Python {python} 的 Windows 安装包失败（需要能访问 PyPI）：" + _last_line(res))


def resolves_offline(wheels: Path, python: str) -> subprocess.CompletedProcess[str]:
    """What ``pip install xladdin`` does on the PC without internet: resolve from ``wheels`` alone.

    (pip takes --platform for an install only with --target; with --dry-run nothing is written there.)
    """
    with tempfile.TemporaryDirectory(prefix="xladdin-resolve-") as target:
        return windows_pip(python, [*_offline_args(wheels, python), "--target", target], quiet=False, bare=True)


def _offline_args(wheels: Path, python: str) -> list[str]:
    return [
        "install",
        "--dry-run",
        "--ignore-installed",
        "--no-index",
        "--find-links",
        str(wheels),
        *target_args(python),
        "--report",
        "-",
        "xladdin",
    ]


def installed_by(report: str) -> dict[str, str]:
    """The packages (name → version) a ``pip install --report -`` would install."""
    import json

    start = report.find("{")
    data = json.JSONDecoder().raw_decode(report[start:])[0] if start >= 0 else {}  # pip says more after it
    return {item["metadata"]["name"].lower(): item["metadata"]["version"] for item in data.get("install", [])}


def build(out: Path, pythons: tuple[str, ...] = PYTHONS, xlam: Path = XLAM, say: bool = True) -> Path:
    """The folder ``out`` with wheels, the add-in, 安装.bat and the instructions; checked to install offline."""
    if not xlam.exists():
        raise BundleError(f"找不到加载项 {xlam}。请先运行 python macros/build.py。")
    if out.exists() and any(out.iterdir()):
        raise BundleError(f"输出文件夹 {out} 已存在且不是空的，请换一个文件夹或先删除它。")
    wheels = out / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    _say(say, f"生成 xladdin {__version__} 的 wheel …")
    own = build_wheel(wheels)
    for python in pythons:
        _say(say, f"下载 Python {python}（64 位 Windows）所需的安装包 …")
        download(wheels, own, python)
    for python in pythons:
        res = resolves_offline(wheels, python)
        if res.returncode != 0 or "pywin32" not in installed_by(res.stdout):
            raise BundleError(f"离线安装包对 Python {python} 不完整：" + _last_line(res))
    shutil.copyfile(xlam, out / "xladdin.xlam")
    (out / "安装.bat").write_bytes(install_bat(pythons).replace("\n", "\r\n").encode("gbk"))
    (out / "使用说明.txt").write_bytes(("\ufeff" + instructions(pythons)).replace("\n", "\r\n").encode("utf-8"))
    _say(say, f"已生成离线安装包：{out}（{len(list(wheels.glob('*.whl')))} 个安装包，Python {'、'.join(pythons)}）")
    return out


def install_bat(pythons: tuple[str, ...]) -> str:
    """安装.bat, in the code page of a Chinese Windows console (GBK), as cmd.exe reads a batch file.

    It finds a supported Python through the ``py`` launcher (newest first) or ``python``,
    makes a private environment under %LOCALAPPDATA%\\xladdin (no administrator rights),
    installs from the folder's wheels with ``--no-index`` (no internet), checks the
    command, and registers the add-in (``xladdin.commands.register``).
    """
    tries = " ".join(reversed(pythons))
    first, last = pythons[0], pythons[-1]
    return f"""@echo off
setlocal
cd /d "%~dp0"
echo 正在安装 xladdin {__version__}（项目支出预算绩效目标表工具），不需要联网 ...
set "PY="
for %%V in ({tries}) do (
  if not defined PY (
    py -%%V -c "import sys" >nul 2>nul && set "PY=py -%%V"
  )
)
if not defined PY (
  python -c "import sys; sys.exit(0 if (3, {first.split(".")[1]}) <= sys.version_info[:2] <= (3, {last.split(".")[1]}) else 1)" >nul 2>nul && set "PY=python"
)
if not defined PY (
  echo.
  echo 没有找到 Python {first}～{last}。请先安装 64 位的 Python（例如 python-{last}-amd64.exe，
  echo 安装时勾选“Add python.exe to PATH”），再双击本文件。
  pause
  exit /b 1
)
set "TARGET=%LOCALAPPDATA%\\xladdin"
echo 使用 %PY%，安装到 %TARGET%
%PY% -m venv "%TARGET%\\.venv"
if errorlevel 1 goto failed
"%TARGET%\\.venv\\Scripts\\python.exe" -m pip install --no-index --find-links "%~dp0wheels" --upgrade xladdin
if errorlevel 1 goto failed
"%TARGET%\\.venv\\Scripts\\xladdin.exe" --version
if errorlevel 1 goto failed
"%TARGET%\\.venv\\Scripts\\python.exe" -m xladdin.commands.register --xlam "%~dp0xladdin.xlam"
if errorlevel 1 goto failed
echo.
echo 安装完成。命令行用法：%TARGET%\\.venv\\Scripts\\xladdin.exe check 文件.xlsx
echo 打开 Excel 后可以看到“绩效目标”选项卡。
pause
exit /b 0
:failed
echo.
echo 安装没有完成，请把本窗口的内容截图发给信息中心或维护人员。
pause
exit /b 1
"""


def instructions(pythons: tuple[str, ...]) -> str:
    return f"""xladdin {__version__} 离线安装包（64 位 Windows，Python {"、".join(pythons)}）

1. 电脑上需要 64 位的 Python {pythons[0]}～{pythons[-1]}（安装时勾选“Add python.exe to PATH”）。
   没有的话，请信息中心从 https://www.python.org/downloads/windows/ 下载
   “Windows installer (64-bit)”一并拷贝过来。
2. 关闭所有 Excel 窗口，双击“安装.bat”。不需要联网，也不需要管理员权限：
   程序装在 %LOCALAPPDATA%\\xladdin 下，加载项复制到 Excel 的启动文件夹（XLSTART）。
3. 打开 Excel，功能区上出现“绩效目标”选项卡。

命令行（WPS 用户、审核人员）：
   %LOCALAPPDATA%\\xladdin\\.venv\\Scripts\\xladdin.exe check 绩效目标表.xlsx
   %LOCALAPPDATA%\\xladdin\\.venv\\Scripts\\xladdin.exe check 绩效目标表.xlsx --mark -o 校验后.xlsx

“公开”（生成 PDF）还需要 LibreOffice（https://zh-cn.libreoffice.org/），其余功能不需要。
更多说明见源代码中的 docs/install.md。
"""


def make_zip(folder: Path) -> Path:
    """The folder as one .zip beside it (one file to carry)."""
    return Path(shutil.make_archive(str(folder), "zip", root_dir=folder.parent, base_dir=folder.name))


def _last_line(res: subprocess.CompletedProcess[str]) -> str:
    lines = (res.stderr or res.stdout or "").strip().splitlines()
    return lines[-1][:300] if lines else f"退出码 {res.returncode}"


def _say(say: bool, text: str) -> None:
    if say:
        print(text, flush=True)


def main(argv: list[str] | None = None) -> int:
    from xladdin.commands.console import setup_streams

    setup_streams()
    ap = argparse.ArgumentParser(
        prog="python -m xladdin.commands.bundle", description="制作 64 位 Windows 的离线安装包（需要联网下载）"
    )
    ap.add_argument(
        "-o", "--output", type=Path, default=ROOT / "dist" / f"xladdin-离线安装包-{__version__}", help="输出文件夹"
    )
    ap.add_argument("--python", nargs="+", default=list(PYTHONS), help=f"Python 版本（默认 {' '.join(PYTHONS)}）")
    ap.add_argument("--zip", action="store_true", help="另外打成一个 .zip 文件")
    args = ap.parse_args(argv)
    try:
        folder = build(args.output, tuple(args.python))
        if args.zip:
            print(f"已打包：{make_zip(folder)}")
    except BundleError as exc:
        print(f"xladdin：{exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
