"""The offline Windows package: built by one command, installable from its folder alone.

Building downloads the Windows wheels from PyPI (CI has the network); they are kept in
this session's temporary folder.  The offline check is pip's own resolver with the
index switched off, as on a PC without internet, for 64-bit Windows and each supported
Python — with Windows' environment markers, so a Windows-only dependency (pywin32, which
xlwings needs there) that is missing fails the check.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from xladdin.commands import bundle, register


@pytest.fixture(scope="session")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bundle") / "xladdin-离线安装包"
    assert bundle.main(["-o", str(out)]) == 0
    return out


def test_one_command_builds_the_folder(package: Path) -> None:
    assert sorted(p.name for p in package.iterdir()) == sorted(["wheels", "xladdin.xlam", "安装.bat", "使用说明.txt"])
    assert (package / "xladdin.xlam").read_bytes() == bundle.XLAM.read_bytes()
    names = [p.name for p in (package / "wheels").iterdir()]
    assert all(n.endswith(".whl") for n in names)
    for python in bundle.PYTHONS:
        tag = "cp" + python.replace(".", "")
        for needed in ("xlwings-0.37.8", "pywin32", "lxml", "pillow", "python_calamine"):
            assert any(n.startswith(needed) and f"{tag}-win_amd64" in n for n in names), (needed, python)


@pytest.mark.parametrize("python", bundle.PYTHONS)
def test_the_wheels_resolve_offline_for_windows(package: Path, python: str) -> None:
    res = bundle.resolves_offline(package / "wheels", python)
    assert res.returncode == 0, res.stderr
    installed = bundle.installed_by(res.stdout)
    assert installed["xladdin"] and installed["xlwings"] == "0.37.8"  # the add-in's version
    assert {"pywin32", "openpyxl", "python-calamine", "pypdfium2", "python-docx", "lxml", "pillow"} <= set(installed)


def test_a_missing_windows_wheel_fails_the_check(package: Path, tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    shutil.copytree(package / "wheels", wheels)
    for p in wheels.glob("pywin32-*-cp312-*.whl"):
        p.unlink()
    assert bundle.resolves_offline(wheels, "3.12").returncode != 0
    assert bundle.resolves_offline(wheels, "3.11").returncode == 0


def test_the_batch_file_is_for_a_chinese_windows_console(package: Path) -> None:
    raw = (package / "安装.bat").read_bytes()
    text = raw.decode("gbk")  # cmd.exe reads a batch file in the console's code page (936)
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    assert '--no-index --find-links "%~dp0wheels"' in text
    assert "%LOCALAPPDATA%\\xladdin" in text and "-m xladdin.commands.register" in text
    for python in bundle.PYTHONS:
        assert python in text
    assert (package / "使用说明.txt").read_bytes().startswith(b"\xef\xbb\xbf")  # Notepad reads it as UTF-8


def test_register_installs_the_addin_and_points_it_at_this_python(tmp_path: Path, monkeypatch) -> None:
    home, appdata, local = tmp_path / "用户", tmp_path / "Roaming", tmp_path / "Local"
    monkeypatch.setenv("USERPROFILE", str(home))
    monkeypatch.setenv("APPDATA", str(appdata))
    monkeypatch.setenv("LOCALAPPDATA", str(local))
    conf = home / ".xladdin" / "xladdin.conf"
    conf.parent.mkdir(parents=True)
    conf.write_bytes('"INTERPRETER_WIN","C:\\旧的\\pythonw.exe"\r\n"SHOW CONSOLE","True"\r\n'.encode("gbk"))
    python = local / "xladdin" / ".venv" / "Scripts" / "python.exe"
    assert register.main(["--xlam", str(bundle.XLAM), "--python", str(python)]) == 0
    installed = appdata / "Microsoft" / "Excel" / "XLSTART" / "xladdin.xlam"
    assert installed.read_bytes() == bundle.XLAM.read_bytes()
    lines = conf.read_bytes().decode("gbk").split("\r\n")
    assert lines[0] == '"INTERPRETER_WIN","%LOCALAPPDATA%/xladdin/.venv/Scripts/pythonw.exe"'
    assert '"SHOW CONSOLE","True"' in lines and not any("旧的" in line for line in lines)
    # run again: one interpreter line, the add-in replaced
    assert register.main(["--xlam", str(bundle.XLAM), "--python", str(python)]) == 0
    assert conf.read_bytes().decode("gbk").count("INTERPRETER_WIN") == 1
    assert register.main(["--xlam", str(tmp_path / "没有.xlam")]) == 2
