"""The web page in a real browser: Debian's Chromium, driven by Selenium through chromedriver,
against ``xladdin serve`` started as a user starts it.

What a department user does (upload the bundled workbook, read the findings, click an
error, download the marked workbook) and what a reviewer does (upload a .zip of ten
workbooks, two of them broken; read the 审核汇总; download the report) — each compared
with what the command line says and writes.  Screenshots of every page, at 1366×768, go
to ``SCREENSHOTS`` (build/screenshots/web, or $XLADDIN_SCREENSHOTS).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from .conftest import ROOT, WORKBOOK
from .excel_replay import view
from .web_server import Server, chromium, have_browser, serve, wait_for_download

SCREENSHOTS = Path(os.environ.get("XLADDIN_SCREENSHOTS", ROOT / "build" / "screenshots" / "web"))

if not have_browser():
    if os.environ.get("XLADDIN_REQUIRE_BROWSER") == "1":
        pytest.fail("Chromium and chromedriver are required in CI but were not found", pytrace=False)
    pytest.skip(
        "Chromium / chromedriver not installed (apt-get install chromium chromium-driver)", allow_module_level=True
    )

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "xladdin.commands.cli", *args], capture_output=True, text=True, timeout=180, cwd=ROOT
    )


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("web")


@pytest.fixture(scope="module")
def server(work: Path) -> Iterator[Server]:
    with serve(work / "temp", "--workers", "2") as s:
        yield s


@pytest.fixture(scope="module")
def browser(work: Path) -> Iterator[Any]:
    (work / "downloads").mkdir()
    driver: Any = chromium(work / "downloads", work / "profile")
    try:
        yield driver
    finally:
        driver.quit()


def shot(driver: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / name
    driver.save_screenshot(str(path))
    return path


def upload(driver: Any, server: Server, *files: Path) -> None:
    driver.get(server.url + "/")
    driver.find_element(By.ID, "files").send_keys("\n".join(str(f) for f in files))
    driver.find_element(By.ID, "submit").click()


def download(driver: Any, work: Path, element_id: str) -> Path:
    folder = work / "downloads"
    before = {p.name for p in folder.iterdir()}
    driver.find_element(By.ID, element_id).click()
    return wait_for_download(folder, before)


def in_view(driver: Any, element: Any) -> bool:
    """Whether the element is inside the window and inside every scrolled box around it."""
    return bool(
        driver.execute_script(
            """
            const el = arguments[0], r = el.getBoundingClientRect();
            if (r.bottom <= 0 || r.right <= 0 || r.top >= innerHeight || r.left >= innerWidth) return false;
            for (let p = el.parentElement; p; p = p.parentElement) {
              const s = getComputedStyle(p);
              if (!/(auto|scroll)/.test(s.overflow + s.overflowX + s.overflowY)) continue;
              const b = p.getBoundingClientRect();
              if (r.bottom <= b.top || r.top >= b.bottom || r.right <= b.left || r.left >= b.right) return false;
            }
            return true;
            """,
            element,
        )
    )


# --------------------------------------------------------------------------- a department's user


def test_a_department_checks_its_workbook_and_downloads_it_marked(server: Server, browser: Any, work: Path) -> None:
    driver = browser
    driver.get(server.url + "/")
    assert driver.title.startswith("上传工作簿")
    shot(driver, "01-上传页面.png")

    upload(driver, server, WORKBOOK)
    WebDriverWait(driver, 60).until(lambda d: "/f/" in d.current_url)
    expected = json.loads(cli("check", str(WORKBOOK), "--format", "json").stdout)
    summary = driver.find_element(By.ID, "summary-line").text
    assert summary == "6个项目：错误3处，警告35处，提示0处"

    # every finding of `xladdin check`, with its message, in the list on the page
    shown = [
        (
            li.get_attribute("data-severity"),
            li.find_element(By.CSS_SELECTOR, ".sheet").text,
            li.get_attribute("data-cell"),
            li.get_attribute("data-rule"),
            li.find_element(By.CSS_SELECTOR, ".message").text,
        )
        for li in driver.find_elements(By.CSS_SELECTOR, "li.finding")
    ]
    said = [
        (f["severity"], f["sheet"], f["cell"], f["rule"], f["message"])
        for p in expected["projects"]
        for f in p["findings"]
    ] + [
        (f["severity"], f["sheet"], f["cell"], f["rule"], f["message"])
        for f in expected["workbook"] + expected["skipped"]
    ]
    assert sorted(shown) == sorted(said)
    assert sum(1 for s in shown if s[0] == "error") == 3 and sum(1 for s in shown if s[0] == "warning") == 35
    shot(driver, "02-校验结果.png")

    # click an error: its project's table shows, the flagged cell is highlighted and scrolled into view
    first = driver.find_elements(By.CSS_SELECTOR, "li.finding.sev-error")[0]
    first.click()
    cell = driver.find_element(By.ID, first.get_attribute("data-target"))
    WebDriverWait(driver, 5).until(lambda d: "current" in (cell.get_attribute("class") or ""))
    assert "sev-error" in cell.get_attribute("class")
    assert cell.text == _cell_value(
        first.find_element(By.CSS_SELECTOR, ".sheet").text, first.get_attribute("data-cell")
    )
    assert in_view(driver, cell)
    shot(driver, "03-点击错误.png")

    # filters: one rule, then warnings only
    Select(driver.find_element(By.ID, "filter-rule")).select_by_value("VAL004")
    visible = [li for li in driver.find_elements(By.CSS_SELECTOR, "li.finding") if li.is_displayed()]
    assert len(visible) == sum(1 for s in said if s[3] == "VAL004") and len(visible) > 1
    assert driver.find_element(By.ID, "shown-count").text == f"显示 {len(visible)} / {len(said)} 条"
    shot(driver, "04-按规则筛选.png")
    Select(driver.find_element(By.ID, "filter-rule")).select_by_value("")

    # the cost explanation of a project, with its chart
    driver.find_element(By.ID, "tab-1").click()
    costs = driver.find_element(By.ID, "costs-1")
    driver.execute_script("arguments[0].scrollIntoView({block: 'start'})", costs)
    assert "项目总额" in costs.text and costs.find_elements(By.CSS_SELECTOR, "svg.chart rect.chart-bar")
    shot(driver, "05-成本测算.png")

    # the marked workbook equals `xladdin check --mark`, cell by cell
    got = download(driver, work, "download-mark")
    assert got.name == "社保局本级2026绩效目标表（已标记）.xlsx"
    mine = work / "cli-marked.xlsx"
    res = cli("check", str(WORKBOOK), "--mark", "-o", str(mine))
    assert res.returncode == 1, res.stderr
    assert view(load_workbook(got)) == view(load_workbook(mine))


def _cell_value(sheet: str, cell: str) -> str:
    from xladdin.files.sources import read_sheets
    from xladdin.model import display_text, parse_ref

    [sd] = read_sheets(WORKBOOK, [sheet])
    return display_text(sd.value(*parse_ref(cell)))


def test_a_file_that_is_no_workbook_gets_a_chinese_message_on_the_page(
    server: Server, browser: Any, work: Path
) -> None:
    bad = work / "不是工作簿.xlsx"
    bad.write_text("这是一段文字，不是 Excel 工作簿。", encoding="utf-8")
    upload(browser, server, bad)
    error = browser.find_element(By.ID, "upload-error")
    WebDriverWait(browser, 30).until(lambda d: error.is_displayed())
    assert error.text.startswith("不是工作簿.xlsx 不是 Excel 工作簿")
    shot(browser, "08-上传错误.png")


def test_progress_is_shown_while_a_large_workbook_is_checked(server: Server, browser: Any, work: Path) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    from generate import generate

    from xladdin.files.checking import check_file
    from xladdin.report import summary_line

    big = generate(work / "六十个项目.xlsx", n_projects=60, seed=7)
    upload(browser, server, big)
    text = browser.find_element(By.ID, "progress-text")
    WebDriverWait(browser, 30, poll_frequency=0.05).until(lambda d: "检查" in text.text or "整理" in text.text)
    assert browser.find_element(By.ID, "progress").is_displayed()
    shot(browser, "09-处理进度.png")
    WebDriverWait(browser, 120).until(lambda d: "/f/" in d.current_url)
    assert browser.find_element(By.ID, "summary-line").text == summary_line(check_file(big))


# --------------------------------------------------------------------------- a reviewer


def reviewer_folder(root: Path) -> Path:
    """送审/: ten workbooks in department folders — eight readable (the bundled one, a copy with
    a fix, six generated with their own seeds and sizes), a text file and a truncated workbook."""
    sys.path.insert(0, str(ROOT / "bench"))
    from generate import generate

    folder = root / "送审"
    for i in range(6):
        (folder / f"部门{i + 1:02d}").mkdir(parents=True)
        generate(folder / f"部门{i + 1:02d}" / f"绩效目标表{i + 1}.xlsx", n_projects=2 + i, seed=100 + i)
    (folder / "社保局").mkdir()
    (folder / "社保局" / "社保局本级.xlsx").write_bytes(WORKBOOK.read_bytes())
    wb = load_workbook(WORKBOOK)
    wb["事业管理费"]["E35"] = "2026年12月"
    wb.save(folder / "社保局" / "社保局本级（修改后）.xlsx")
    (folder / "退回").mkdir()
    (folder / "退回" / "损坏.xlsx").write_text("这不是工作簿", encoding="utf-8")
    (folder / "退回" / "截断.xlsx").write_bytes(WORKBOOK.read_bytes()[:5000])
    return folder


def test_a_reviewer_uploads_a_folder_and_gets_the_same_counts_as_the_command_line(
    server: Server, browser: Any, work: Path
) -> None:
    driver = browser
    folder = reviewer_folder(work)
    archive = work / "送审.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(folder.rglob("*.xlsx")):
            zf.write(p, p.relative_to(work).as_posix())
    upload(driver, server, archive)
    WebDriverWait(driver, 120).until(lambda d: d.current_url.rstrip("/").split("/")[-2] == "job")
    shot(driver, "06-审核汇总.png")

    report = work / "cli-审核汇总.xlsx"
    res = cli("check", str(folder), "--format", "json", "--report", str(report))
    assert res.returncode == 2, res.stderr  # two files could not be read
    data = json.loads(res.stdout)
    expected = {
        Path(f["file"]).relative_to(work).as_posix(): tuple(
            f["summary"][k] for k in ("projects", "errors", "warnings", "infos")
        )
        for f in data["files"]
    }
    rows = {
        tr.get_attribute("data-file"): tuple(
            int(tr.find_element(By.CSS_SELECTOR, f"td.{k}").text) for k in ("projects", "errors", "warnings", "infos")
        )
        for tr in driver.find_elements(By.CSS_SELECTOR, "tr.file-row")
    }
    assert rows == expected and len(rows) == 8
    broken = {tr.get_attribute("data-file"): tr.text for tr in driver.find_elements(By.CSS_SELECTOR, "tr.unreadable")}
    cli_broken = {Path(u["file"]).relative_to(work).as_posix(): u["message"] for u in data["unreadable"]}
    assert set(broken) == set(cli_broken) and len(broken) == 2
    for name, message in cli_broken.items():  # the same reason, naming the file as the reviewer knows it
        assert message.replace(Path(name).name, name, 1) in broken[name]
    total = data["summary"]
    assert driver.find_element(By.ID, "batch-line").text == (
        f"共10个文件，{total['projects']}个项目：错误{total['errors']}处，警告{total['warnings']}处，"
        f"提示{total['infos']}处；2个文件无法读取"
    )

    # the report workbook: the same lines as the command line's, file by file
    got = download(driver, work, "download-report")
    assert _report_lines(got, lambda f: f) == _report_lines(report, lambda f: Path(f).relative_to(work).as_posix())

    # click through to one file's findings
    driver.find_element(By.LINK_TEXT, "送审/社保局/社保局本级.xlsx").click()
    WebDriverWait(driver, 30).until(lambda d: "/f/" in d.current_url)
    assert driver.find_element(By.ID, "summary-line").text == "6个项目：错误3处，警告35处，提示0处"
    assert driver.find_element(By.ID, "back-to-batch").is_displayed()
    shot(driver, "07-审核-单个文件.png")


def _report_lines(path: Path, name: Any) -> dict[str, tuple[Any, ...]]:
    """审核汇总: file → (projects, errors, warnings, infos, verdict without the file's name)."""
    ws = load_workbook(path)["审核汇总"]
    out = {}
    rows = list(ws.iter_rows(values_only=True))
    first = next(i for i, r in enumerate(rows) if r and r[0] == "文件")  # the header: the lines above it vary
    at = {h: i for i, h in enumerate(rows[first]) if h}
    for row in rows[first + 1 :]:
        if not row[0] or row[0] == "合计":
            continue
        key = name(row[0])
        counts = tuple(row[at[h]] for h in ("项目数", "错误", "警告", "提示"))
        out[key] = (*counts, str(row[at["结论"]] or "").replace(key, Path(key).name))  # a reason names the file
    return out


# --------------------------------------------------------------------------- an office network


def test_on_a_network_the_page_asks_for_the_token_first(work: Path, browser: Any) -> None:
    token = "口令-" + "x" * 20
    with serve(work / "temp-token", env={"XLADDIN_WEB_TOKEN": token}) as s:
        browser.get(s.url + "/")
        assert "/login" in browser.current_url
        shot(browser, "00-登录.png")
        browser.find_element(By.ID, "token").send_keys("不对的口令")
        browser.find_element(By.CSS_SELECTOR, "#login-form button").click()
        # the answer is a new page: wait for it (on a busy machine it takes a while)
        error = WebDriverWait(browser, 20).until(lambda d: d.find_elements(By.ID, "login-error"))
        assert "不正确" in error[0].text
        browser.find_element(By.ID, "token").send_keys(token)
        browser.find_element(By.CSS_SELECTOR, "#login-form button").click()
        WebDriverWait(browser, 10).until(lambda d: d.current_url.rstrip("/") == s.url)
        assert browser.find_element(By.ID, "upload-form").is_displayed()
