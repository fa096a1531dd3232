"""``xladdin serve`` started as a user starts it — a real process on a loopback port — for the
browser tests and the load test in bench/, and Debian's Chromium driven by Selenium."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
# Without these Chromium keeps trying to reach Google's hosts, which this network refuses.
CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
    "--lang=zh-CN",
    "--window-size=1366,768",
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    url: str
    process: subprocess.Popen[str]
    temp_dir: Path
    log: Path

    def stop(self) -> str:
        """Ctrl+C, as a user stops it; what it printed."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        return self.log.read_text(encoding="utf-8")


@contextlib.contextmanager
def serve(temp_dir: Path, *args: str, env: dict[str, str] | None = None) -> Iterator[Server]:
    """``xladdin serve --port P --temp-dir DIR ARGS…`` running until the block ends."""
    port = free_port()
    log = temp_dir.parent / f"serve-{port}.log"
    cmd = [
        sys.executable,
        "-m",
        "xladdin.commands.cli",
        "serve",
        "--port",
        str(port),
        "--temp-dir",
        str(temp_dir),
        *args,
    ]
    with open(log, "w", encoding="utf-8") as out:
        proc = subprocess.Popen(
            cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, text=True, env={**os.environ, **(env or {})}
        )
    server = Server(f"http://127.0.0.1:{port}", proc, temp_dir, log)
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"xladdin serve ended: {log.read_text(encoding='utf-8')}")
            try:
                with urllib.request.urlopen(server.url + "/healthz", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"xladdin serve did not answer: {log.read_text(encoding='utf-8')}")
            time.sleep(0.1)
        yield server
    finally:
        server.stop()


def have_browser() -> bool:
    return Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()


def chromium(downloads: Path, profile: Path) -> object:
    """Debian's Chromium through Debian's chromedriver, 1366×768, downloads into ``downloads``."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.add_experimental_option(
        "prefs", {"download.default_directory": str(downloads), "download.prompt_for_download": False}
    )
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    driver.set_window_size(1366, 768)
    return driver


def wait_for_download(folder: Path, before: set[str], timeout: float = 60) -> Path:
    """The file a click put in ``folder`` (not one of ``before``), once Chromium finished writing it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        new = [p for p in folder.iterdir() if p.name not in before]
        done = [p for p in new if not p.name.endswith(".crdownload") and p.stat().st_size > 0]
        if done and not any(p.name.endswith(".crdownload") for p in new):
            return done[0]
        time.sleep(0.1)
    raise TimeoutError(f"no download in {folder}")


def files_under(folder: Path) -> list[Path]:
    """Every file below ``folder`` except the server's signing key (kept across requests by design)."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.name != ".secret")
