"""``xladdin serve`` without a browser: access, CSRF, limits, hostile uploads, the folders, the
pool's time limit, the JSON API and every download compared with the command line's file.

The application runs in-process (Starlette's test client); its jobs run in real worker
processes, as on a server.
"""

from __future__ import annotations

import base64
import io
import json
import os
import re
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from starlette.testclient import TestClient

from xladdin.conventions import FILL_RECORD_SHEET, UNDO_SHEET
from xladdin.web import security
from xladdin.web.app import create_app
from xladdin.web.settings import WebSettings, check_access, is_loopback
from xladdin.web.store import Store

from .conftest import ROOT, WORKBOOK
from .excel_replay import view
from .test_hostile import package, patch_declared_size, sheet
from .web_server import files_under

TOKEN = "office-token-0123456789"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def settings_for(tmp_path: Path, **changes: Any) -> WebSettings:
    s = WebSettings(temp_dir=tmp_path / "temp", workers=2, job_timeout=60, secret=b"k" * 32)
    for k, v in changes.items():
        setattr(s, k, v)
    return s


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(settings_for(tmp_path)), base_url="http://127.0.0.1") as c:
        yield c


def cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "xladdin.commands.cli", *args],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=ROOT,
        input=stdin,
    )


def csrf(c: TestClient) -> str:
    page = c.get("/")
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found, page.text[:300]
    return found.group(1)


def post(c: TestClient, files: list[tuple[str, bytes]], token: str | None = "", **kw: Any) -> Any:
    """The upload form: ``token`` "" takes the page's CSRF token, None sends none."""
    data = {} if token is None else {"csrf_token": token or csrf(c)}
    parts = [("files", (name, body, XLSX)) for name, body in files]
    return c.post("/upload", data=data, files=parts, follow_redirects=False, **kw)


def temp(tmp_path: Path) -> Path:
    return tmp_path / "temp"


# --------------------------------------------------------------------------- who may use it


@pytest.mark.parametrize(
    ("host", "loop"),
    [("127.0.0.1", True), ("127.8.9.10", True), ("::1", True), ("[::1]", True), ("localhost", True),
     ("0.0.0.0", False), ("192.168.1.20", False), ("10.0.0.1", False), ("::", False), ("jxserver", False)],
)  # fmt: skip
def test_only_loopback_serves_without_a_token(tmp_path: Path, host: str, loop: bool) -> None:
    assert is_loopback(host) is loop
    s = settings_for(tmp_path, host=host)
    if loop:
        check_access(s)
    else:
        with pytest.raises(Exception, match="必须设置访问口令"):
            check_access(s)
        check_access(settings_for(tmp_path, host=host, token=TOKEN))


def test_the_server_refuses_to_start_on_a_network_without_a_token(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "XLADDIN_WEB_TOKEN"}
    res = subprocess.run(
        [sys.executable, "-m", "xladdin.commands.cli", "serve", "--host", "0.0.0.0", "--temp-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert res.returncode == 2 and "必须设置访问口令" in res.stderr and "Traceback" not in res.stderr
    short = tmp_path / "token.txt"
    short.write_text("abc\n", encoding="utf-8")
    res = cli("serve", "--host", "0.0.0.0", "--token-file", str(short), "--temp-dir", str(tmp_path))
    assert res.returncode == 2 and "口令太短" in res.stderr


PAGES = ["/", "/job/AAAAAAAAAAAAAAAAAAAAAAAA", "/job/AAAAAAAAAAAAAAAAAAAAAAAA/f/file-000",
         "/job/AAAAAAAAAAAAAAAAAAAAAAAA/f/file-000/mark", "/job/AAAAAAAAAAAAAAAAAAAAAAAA/report.xlsx",
         "/job/AAAAAAAAAAAAAAAAAAAAAAAA/package.zip"]  # fmt: skip
APIS = ["/api/check", "/api/costs", "/api/mark", "/api/fix", "/api/format", "/api/fill", "/api/rollover",
        "/api/pdf", "/api/report"]  # fmt: skip


def test_without_the_token_every_page_and_api_call_is_refused(tmp_path: Path) -> None:
    app = create_app(settings_for(tmp_path, host="0.0.0.0", token=TOKEN))
    with TestClient(app, base_url="http://127.0.0.1") as c:
        for path in PAGES:
            r = c.get(path, follow_redirects=False)
            assert r.status_code == 303 and r.headers["location"].startswith("/login"), path
        r = post(c, [("a.xlsx", WORKBOOK.read_bytes())], token="x")
        assert r.status_code == 303 and r.headers["location"].startswith("/login")
        for path in APIS:
            r = c.post(path, files=[("file", ("a.xlsx", WORKBOOK.read_bytes(), XLSX))])
            assert r.status_code == 401 and "口令" in r.json()["error"], path
            r = c.post(path, headers={"authorization": "Bearer not-the-token"}, files=[("f", ("a.xlsx", b"x", XLSX))])
            assert r.status_code == 401, path
        forged = security.session_cookie(b"another key", "口令", 1)
        c.cookies.set(security.SESSION_COOKIE, forged)
        assert c.get("/", follow_redirects=False).status_code == 303
        expired = security.session_cookie(b"k" * 32, "口令", 1, now=time.time() - 7200)
        c.cookies.set(security.SESSION_COOKIE, expired)
        assert c.get("/", follow_redirects=False).status_code == 303
        assert c.get("/healthz").status_code == 200 and c.get("/static/app.js").status_code == 200
    assert files_under(temp(tmp_path)) == []  # nothing was stored for any of them


def test_the_token_or_a_user_opens_the_page_and_the_api(tmp_path: Path) -> None:
    users = tmp_path / "users.txt"
    res = cli("serve", "--add-user", "张三", "--users-file", str(users), stdin="correct horse\n")
    assert res.returncode == 0, res.stderr
    line = users.read_text(encoding="utf-8").strip()
    assert line.startswith("张三:pbkdf2_sha256$") and "correct horse" not in line
    assert (users.stat().st_mode & 0o077) == 0  # only the administrator reads it
    app = create_app(settings_for(tmp_path, host="0.0.0.0", token=TOKEN, users=security.read_users(line)))
    with TestClient(app, base_url="http://127.0.0.1") as c:
        body = [("file", ("表.xlsx", WORKBOOK.read_bytes(), XLSX))]
        assert c.post("/api/check", headers={"authorization": f"Bearer {TOKEN}"}, files=body).status_code == 200
        basic = base64.b64encode("张三:correct horse".encode()).decode()
        assert c.post("/api/check", headers={"authorization": f"Basic {basic}"}, files=body).status_code == 200
        wrong = base64.b64encode("张三:wrong".encode()).decode()
        assert c.post("/api/check", headers={"authorization": f"Basic {wrong}"}, files=body).status_code == 401
        login = c.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', login.text).group(1)  # type: ignore[union-attr]
        bad = c.post("/login", data={"csrf_token": token, "user": "张三", "password": "wrong"}, follow_redirects=False)
        assert bad.status_code == 401 and "不正确" in bad.text
        ok = c.post(
            "/login",
            data={"csrf_token": token, "user": "张三", "password": "correct horse", "next": "//evil.example/"},
            follow_redirects=False,
        )
        assert ok.status_code == 303 and ok.headers["location"] == "/"  # never to another site
        cookie = ok.headers["set-cookie"]
        assert "HttpOnly" in cookie and "samesite=strict" in cookie.lower()
        assert c.get("/", follow_redirects=False).status_code == 200


def test_a_form_post_without_its_csrf_token_is_refused_and_leaves_nothing(tmp_path: Path, client: TestClient) -> None:
    r = post(client, [("表.xlsx", WORKBOOK.read_bytes())], token=None)
    assert r.status_code == 403 and "安全校验" in r.text
    r = post(client, [("表.xlsx", WORKBOOK.read_bytes())], token="forged")
    assert r.status_code == 403
    r = post(client, [("表.xlsx", WORKBOOK.read_bytes())], headers={"origin": "http://evil.example"})
    assert r.status_code == 403  # a valid token, sent from another site's page
    assert files_under(temp(tmp_path)) == []
    r = post(client, [("表.xlsx", WORKBOOK.read_bytes())])
    assert r.status_code == 303


def test_every_response_carries_the_security_headers_and_no_stack_trace(tmp_path: Path) -> None:
    client = TestClient(create_app(settings_for(tmp_path)), base_url="http://127.0.0.1", raise_server_exceptions=False)
    r = post(client, [("表.xlsx", WORKBOOK.read_bytes())])
    job = r.headers["location"]
    folder = temp(tmp_path) / job.split("/")[2]
    (folder / "out" / "file-000.view.json").write_text("{broken", encoding="utf-8")  # a bug's stand-in
    responses = {
        "page": client.get("/"),
        "static": client.get("/static/style.css"),
        "missing": client.get("/no/such/page"),
        "bug": client.get(job),
        "api": client.post("/api/check", files=[("f", ("x.xlsx", b"not a workbook", XLSX))]),
    }
    for name, resp in responses.items():
        h = resp.headers
        assert (
            "default-src 'self'" in h["content-security-policy"]
            and "frame-ancestors 'none'" in h["content-security-policy"]
        ), name
        assert h["x-content-type-options"] == "nosniff" and h["x-frame-options"] == "DENY", name
        assert h["referrer-policy"] == "no-referrer", name
        assert "Traceback" not in resp.text and 'File "' not in resp.text, name
    assert responses["missing"].status_code == 404 and "找不到该页面" in responses["missing"].text
    assert responses["bug"].status_code == 500 and "程序内部错误" in responses["bug"].text
    assert responses["api"].status_code == 422 and "不是 Excel 工作簿" in responses["api"].json()["error"]
    assert responses["page"].headers["cache-control"] == "no-store"


# --------------------------------------------------------------------------- hostile uploads


def _encrypted(tmp_path: Path) -> bytes:
    pytest.importorskip("msoffcrypto")
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    with WORKBOOK.open("rb") as src:
        OOXMLFile(src).encrypt("123456", out)
    return out.getvalue()


def _bomb(tmp_path: Path) -> bytes:
    p = package(tmp_path / "bomb.xlsx", sheet('<row r="1"><c r="A1"><v>1</v></c></row>'))
    patch_declared_size(p, "xl/worksheets/sheet1.xml", 3_000_000_000)
    return p.read_bytes()


@pytest.mark.parametrize(
    ("case", "status", "said"),
    [
        ("traversal", 422, "evil.xlsx 已损坏"),
        ("not a workbook", 422, "说明.xlsx 不是 Excel 工作簿"),
        ("password", 422, "设置了打开密码"),
        ("zip bomb", 422, "解压后大小异常"),
        ("broken xls", 422, "旧表.xls 无法作为Excel 97-2003 工作簿（.xls）读取"),  # .xls is read; this one is damaged
        ("too big", 413, "上传的文件太大"),
        ("too many", 413, "一次最多上传3个文件"),
    ],
)
def test_a_refused_upload_gets_a_chinese_message_and_leaves_nothing(
    tmp_path: Path, case: str, status: int, said: str
) -> None:
    app = create_app(settings_for(tmp_path, max_upload_mb=1, max_files=3))
    files = {
        "traversal": [("../../../../evil.xlsx", b"PK not really")],
        "not a workbook": [("说明.xlsx", "这是一段文字".encode())],
        "password": [("加密.xlsx", _encrypted(tmp_path)) if case == "password" else ("x", b"")],
        "zip bomb": [("炸弹.xlsx", _bomb(tmp_path)) if case == "zip bomb" else ("x", b"")],
        "broken xls": [("旧表.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)],
        "too big": [("大.xlsx", os.urandom(1024 * 1024 + 100 * 1024))],
        "too many": [(f"表{i}.xlsx", WORKBOOK.read_bytes()) for i in range(4)],
    }[case]
    with TestClient(app, base_url="http://127.0.0.1") as c:
        r = post(c, files, headers={"accept": "application/json"})
        assert r.status_code == status, r.text
        assert said in r.json()["error"]
        assert files_under(temp(tmp_path)) == []
        api = c.post("/api/check", files=[("f", (n, b, XLSX)) for n, b in files])
        assert api.status_code == status and said in api.json()["error"]
        assert files_under(temp(tmp_path)) == []
    assert not list(tmp_path.parent.glob("evil.xlsx")) and not (tmp_path / "evil.xlsx").exists()


def test_an_upload_larger_than_it_declared_is_cut_off(tmp_path: Path) -> None:
    app = create_app(settings_for(tmp_path, max_upload_mb=1))
    boundary = "xladdinboundary"

    def body() -> Iterator[bytes]:  # chunked: no Content-Length to refuse it by
        yield f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="大.xlsx"\r\n\r\n'.encode()
        for _ in range(40):
            yield b"\0" * 64 * 1024
        yield f"\r\n--{boundary}--\r\n".encode()

    with TestClient(app, base_url="http://127.0.0.1") as c:
        csrf(c)
        r = c.post(
            "/upload",
            content=body(),
            headers={"content-type": f"multipart/form-data; boundary={boundary}", "accept": "application/json"},
        )
        assert r.status_code == 413 and "上传的文件太大" in r.json()["error"]
        assert files_under(temp(tmp_path)) == []


def test_a_name_with_a_path_is_only_a_name(tmp_path: Path, client: TestClient) -> None:
    r = post(client, [("..\\..\\..\\部门\\..\\社保局.xlsx", WORKBOOK.read_bytes())])
    assert r.status_code == 303
    page = client.get(r.headers["location"])
    assert '<h1 id="file-name">社保局.xlsx</h1>' in page.text
    stored = files_under(temp(tmp_path))
    assert all(temp(tmp_path) in p.parents for p in stored)
    assert {p.name for p in stored if p.parent.name == "in"} == {"file-000.xlsx"}


def test_a_reviewers_zip_is_unpacked_inside_its_folder_with_limits(tmp_path: Path, client: TestClient) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("送审/部门甲/社保局.xlsx", WORKBOOK.read_bytes())
        zf.writestr("../../逃出.xlsx", WORKBOOK.read_bytes())
        zf.writestr("送审/~$社保局.xlsx", b"lock")  # Excel's lock file, skipped as `check DIR` skips it
        zf.writestr("送审/说明.docx", b"not a workbook, not a table")
        zf.writestr("送审/内层.zip", b"PK")
    r = post(client, [("送审.zip", buf.getvalue())])
    assert r.status_code == 303
    page = client.get(r.headers["location"]).text
    assert "送审/部门甲/社保局.xlsx" in page and "逃出.xlsx" in page and "压缩包中的压缩包" in page
    assert "~$" not in page and "说明.docx" not in page
    assert not (tmp_path / "逃出.xlsx").exists() and not (tmp_path.parent / "逃出.xlsx").exists()


def test_gbk_names_inside_a_zip_are_read_as_chinese_windows_wrote_them() -> None:
    from xladdin.web.store import _zip_name

    info = zipfile.ZipInfo("部门乙/表.xlsx".encode("gbk").decode("cp437"))
    assert _zip_name(info) == "部门乙/表.xlsx"
    flagged = zipfile.ZipInfo("部门乙/表.xlsx")
    flagged.flag_bits |= 0x800
    assert _zip_name(flagged) == "部门乙/表.xlsx"


def test_a_zip_bomb_of_workbooks_is_refused_whole(tmp_path: Path) -> None:
    app = create_app(settings_for(tmp_path, max_upload_mb=1))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("送审/大.xlsx", b"\0" * (30 * 1024 * 1024))  # 30 MB of zeros: ~30 KB packed
    assert len(buf.getvalue()) < 200 * 1024
    with TestClient(app, base_url="http://127.0.0.1") as c:
        r = post(c, [("送审.zip", buf.getvalue())], headers={"accept": "application/json"})
        assert r.status_code == 422 and "压缩炸弹" in r.json()["error"]
    assert files_under(temp(tmp_path)) == []


# --------------------------------------------------------------------------- the pool, the folders


def test_a_job_over_its_time_is_stopped_without_stalling_the_others(tmp_path: Path) -> None:
    import asyncio

    from xladdin.web import work
    from xladdin.web.pool import JobFailed, JobPool

    store = Store(tmp_path / "temp", 3600)
    folder = store.new()
    (folder / "in" / "file-000.xlsx").write_bytes(WORKBOOK.read_bytes())
    from xladdin.web.store import Entry, set_entries

    set_entries(folder, [Entry("file-000.xlsx", "社保局.xlsx")])

    async def both() -> tuple[Any, float, Any, float]:
        pool = JobPool(2, timeout=3)
        start = time.monotonic()

        async def slow() -> tuple[Any, float]:
            try:
                return await pool.run(time.sleep, 60), time.monotonic() - start
            except JobFailed as exc:
                return exc, time.monotonic() - start

        async def check() -> tuple[Any, float]:
            res = await pool.run(work.check_request, str(folder), 10, 10**7, 10**8)
            return res, time.monotonic() - start

        (a, ta), (b, tb) = await asyncio.gather(slow(), check())
        died = None
        try:
            await pool.run(os._exit, 3)
        except JobFailed as exc:
            died = exc
        pool.stop()
        return a, ta, (b, tb), died

    slow, t_slow, (checked, t_check), died = asyncio.run(both())
    assert isinstance(slow, Exception) and "处理超时（超过3秒）" in slow.message
    assert 2.5 < t_slow < 10
    assert checked["totals"]["errors"] == 3 and t_check < t_slow  # the other job did not wait for it
    assert died is not None and "意外退出" in died.message


def test_folders_are_deleted_after_the_keep_time_and_on_shutdown(tmp_path: Path) -> None:
    app = create_app(settings_for(tmp_path, keep_minutes=1))
    with TestClient(app, base_url="http://127.0.0.1") as c:
        job = post(c, [("表.xlsx", WORKBOOK.read_bytes())]).headers["location"]
        assert c.get(job).status_code == 200
        store: Store = app.state.store
        assert store.sweep() == 0
        assert store.sweep(now=time.time() + 61) == 1
        assert c.get(job).status_code == 404 and "已过期" in c.get(job).text
        post(c, [("表.xlsx", WORKBOOK.read_bytes())])
        assert files_under(temp(tmp_path)) != []
    assert files_under(temp(tmp_path)) == []  # the server's shutdown took the rest


def test_two_servers_sharing_the_folders_serve_each_others_results(tmp_path: Path) -> None:
    """No state but the folders: a page made on one server is read and downloaded on another."""
    settings = settings_for(tmp_path, host="0.0.0.0", token=TOKEN)
    one, two = create_app(settings), create_app(settings)
    with TestClient(one, base_url="http://127.0.0.1") as a, TestClient(two, base_url="http://127.0.0.1") as b:
        login = a.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', login.text).group(1)  # type: ignore[union-attr]
        a.post("/login", data={"csrf_token": token, "token": TOKEN}, follow_redirects=False)
        job = post(a, [("表.xlsx", WORKBOOK.read_bytes())]).headers["location"]
        for name, value in a.cookies.items():
            b.cookies.set(name, value)
        page = b.get(job)
        assert page.status_code == 200 and "6个项目：错误3处，警告35处，提示0处" in page.text
        got = b.get(job + "/mark")
        assert got.status_code == 200 and got.content[:2] == b"PK"


# --------------------------------------------------------------------------- the API and the downloads


def test_api_check_returns_the_check_json_contract(tmp_path: Path, client: TestClient) -> None:
    r = client.post("/api/check", files=[("file", ("社保局本级2026绩效目标表.xlsx", WORKBOOK.read_bytes(), XLSX))])
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    res = cli("check", str(WORKBOOK), "--format", "json")
    expected = json.loads(res.stdout)
    got = r.json()
    assert got["file"] == "社保局本级2026绩效目标表.xlsx"
    assert {**got, "file": None} == {**expected, "file": None}
    several = client.post(
        "/api/check",
        data={"select": "VAL"},
        files=[("f", ("甲.xlsx", WORKBOOK.read_bytes(), XLSX)), ("f", ("乙.xlsx", b"no", XLSX))],
    ).json()
    assert [f["file"] for f in several["files"]] == ["甲.xlsx"] and several["summary"]["unreadable"] == 1
    assert {g["rule"][:3] for p in several["files"][0]["projects"] for g in p["findings"]} == {"VAL"}
    assert files_under(temp(tmp_path)) == []  # an API call keeps nothing


def test_api_costs_is_the_costs_json(client: TestClient) -> None:
    r = client.post("/api/costs", files=[("file", ("表.xlsx", WORKBOOK.read_bytes(), XLSX))])
    expected = json.loads(cli("costs", str(WORKBOOK), "--format", "json").stdout)
    assert {**r.json(), "file": None} == {**expected, "file": None}


STAMPED = frozenset({FILL_RECORD_SHEET, UNDO_SHEET})  # their time stamps differ from run to run


@pytest.mark.parametrize(
    ("kind", "command"),
    [
        ("mark", ["check", "{in}", "--mark", "-o", "{out}"]),
        ("fix", ["check", "{in}", "--fix", "-o", "{out}"]),
        ("format", ["format", "{in}", "-o", "{out}"]),
        ("fill", ["fill", "{in}", "-o", "{out}"]),
        ("rollover", ["rollover", "{in}", "--to", "2027", "-o", "{out}"]),
    ],
)
def test_every_download_equals_the_command_lines_file(
    tmp_path: Path, client: TestClient, kind: str, command: list[str]
) -> None:
    job = post(client, [("社保局.xlsx", WORKBOOK.read_bytes())]).headers["location"]
    got = client.get(f"{job}/{kind}")
    assert got.status_code == 200 and got.content[:2] == b"PK"
    assert "filename*=utf-8''" in got.headers["content-disposition"]
    web = tmp_path / "web.xlsx"
    web.write_bytes(got.content)
    mine = tmp_path / "cli.xlsx"
    source = tmp_path / "社保局.xlsx"  # the name uploaded: a marked copy names its original
    source.write_bytes(WORKBOOK.read_bytes())
    res = cli(*[a.format(**{"in": str(source), "out": str(mine)}) for a in command])
    assert res.returncode in (0, 1), res.stderr
    assert view(load_workbook(web), STAMPED) == view(load_workbook(mine), STAMPED)
    api = client.post(f"/api/{kind}", files=[("file", ("社保局.xlsx", WORKBOOK.read_bytes(), XLSX))])
    assert api.status_code == 200
    (tmp_path / "api.xlsx").write_bytes(api.content)
    assert view(load_workbook(tmp_path / "api.xlsx"), STAMPED) == view(load_workbook(mine), STAMPED)


@pytest.mark.libreoffice
def test_the_pdf_download_is_the_published_document(tmp_path: Path, client: TestClient, soffice: str) -> None:
    job = post(client, [("社保局.xlsx", WORKBOOK.read_bytes())]).headers["location"]
    got = client.get(f"{job}/pdf")
    assert got.status_code == 200 and got.content[:5] == b"%PDF-"
    web = tmp_path / "web.pdf"
    web.write_bytes(got.content)
    mine = tmp_path / "cli.pdf"
    assert cli("publish", str(WORKBOOK), "-o", str(mine), "--force").returncode == 0

    def text(p: Path) -> str:
        return subprocess.run(["pdftotext", "-layout", str(p), "-"], capture_output=True, text=True, check=True).stdout

    assert text(web) == text(mine) and "自治区社会保险事业管理局" in text(web)


def test_the_page_says_when_no_pdf_can_be_made(tmp_path: Path, client: TestClient, monkeypatch: Any) -> None:
    monkeypatch.setenv("XLADDIN_SOFFICE", str(tmp_path / "no-soffice"))
    assert 'id="no-pdf"' in client.get("/").text
    job = post(client, [("表.xlsx", WORKBOOK.read_bytes())]).headers["location"]
    page = client.get(job).text
    assert "服务器未安装 LibreOffice" in page and f'href="{job}/pdf"' not in page


def test_the_reviewer_report_and_package(tmp_path: Path, client: TestClient) -> None:
    r = post(client, [("甲.xlsx", WORKBOOK.read_bytes()), ("乙.xlsx", WORKBOOK.read_bytes()), ("坏.xlsx", b"x")])
    job = r.headers["location"]
    assert re.fullmatch(r"/job/[A-Za-z0-9_-]+", job)  # several files: the 审核汇总
    report = client.get(job + "/report.xlsx")
    (tmp_path / "r.xlsx").write_bytes(report.content)
    head = load_workbook(tmp_path / "r.xlsx")["审核汇总"]
    assert head["A1"].value == "审核汇总：3个文件，12个项目，错误6处，警告70处，提示0处，1个文件无法读取"
    package_ = client.get(job + "/package.zip")
    with zipfile.ZipFile(io.BytesIO(package_.content)) as zf:
        names = zf.namelist()
        assert names == ["审核汇总.xlsx", "标记后/甲.xlsx", "标记后/乙.xlsx"]
        zf.extractall(tmp_path / "pkg")
    wb = load_workbook(tmp_path / "pkg" / "审核汇总.xlsx")
    links = [c.hyperlink.target for c in wb["审核汇总"]["A"] if c.hyperlink is not None]
    assert links == ["标记后/甲.xlsx", "标记后/乙.xlsx"]  # the report opens the marked copies beside it
    assert (tmp_path / "pkg" / links[0]).exists()


def test_progress_is_streamed_while_the_workbooks_are_checked(tmp_path: Path, client: TestClient) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    from generate import generate

    big = generate(tmp_path / "大.xlsx", n_projects=40, seed=3).read_bytes()  # ~0.5 s of checking: several polls
    r = post(client, [("大.xlsx", big), ("表.xlsx", WORKBOOK.read_bytes())], headers={"accept": "application/x-ndjson"})
    lines = [json.loads(line) for line in r.text.splitlines() if line.strip()]
    stages = [m for m in lines if "text" in m]
    assert any(m["text"].startswith(("正在检查 大.xlsx", "正在整理 大.xlsx")) and m["total"] == 2 for m in stages), (
        lines
    )
    assert lines[-1]["url"].startswith("/job/")


def test_a_summary_finding_is_listed_on_the_page(client: TestClient, tmp_path: Path) -> None:
    """A 项目汇总 amount typed over: the page lists the same finding as the command line, with its cell."""
    wb = load_workbook(WORKBOOK)
    wb["项目汇总"]["C5"] = 500
    buf = io.BytesIO()
    wb.save(buf)
    job = post(client, [("汇总改过.xlsx", buf.getvalue())]).headers["location"]
    page = client.get(job).text
    [item] = re.findall(r'<li class="finding sev-error"[^>]*data-rule="SUM001"[^>]*>.*?</li>', page, re.S)
    assert 'data-cell="C5"' in item and "项目汇总" in item and "“退休人员档案”表（C7）" in item
    assert "6个项目：错误4处，警告35处，提示0处" in page
