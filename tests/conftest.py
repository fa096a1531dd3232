"""Shared fixtures: the bundled workbook, temporary copies, and LibreOffice.

Tests that need LibreOffice ask for the ``soffice`` fixture.  Locally it skips when
LibreOffice is missing; in CI (``XLADDIN_REQUIRE_SOFFICE=1``, set by ``.ci/run``) a
missing LibreOffice is a failure, so a broken install step cannot hide behind skips.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WORKBOOK = ROOT / "workbook" / "社保局本级2026绩效目标表.xlsx"
TEMPLATE = ROOT / "workbook" / "项目模板.xlsx"

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--runslow", action="store_true", default=False, help="run slow tests (long fuzzing, big files)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--runslow"):
        return
    skip = pytest.mark.skip(reason="slow: run with --runslow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def workbook_path() -> Path:
    return WORKBOOK


@pytest.fixture
def workbook_copy(tmp_path: Path) -> Path:
    """A private copy of the bundled workbook that a test may change."""
    dst = tmp_path / "绩效目标表.xlsx"
    shutil.copyfile(WORKBOOK, dst)
    return dst


def find_soffice() -> str | None:
    for name in ("soffice", "libreoffice"):
        path = shutil.which(name)
        if path:
            return path
    return None


@pytest.fixture(scope="session")
def soffice() -> str:
    path = find_soffice()
    if path is None:
        if os.environ.get("XLADDIN_REQUIRE_SOFFICE") == "1":
            pytest.fail("LibreOffice (soffice) is required in CI but was not found")
        pytest.skip("LibreOffice (soffice) not installed")
    return path


def run_soffice(soffice: str, args: list[str], cwd: Path, timeout: int = 180) -> subprocess.CompletedProcess[str]:
    """Run soffice headless with a private profile (parallel runs must not share one)."""
    profile = cwd / ".lo-profile"
    cmd = [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore", *args]
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout)
