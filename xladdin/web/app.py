"""The web application: the upload page, a workbook's findings beside its drawn tables, the
reviewer's 审核汇总, the downloads, and the JSON API — on Starlette.

The server itself does little: it streams uploads into a request's folder, hands every
workbook to the pool of worker processes (``work``), and renders what they wrote.  It
keeps nothing between requests but those folders, so several servers sharing the
temporary root (or a proxy that keeps a user on one server) serve the same pages.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
import re
import urllib.parse
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from xladdin import __version__
from xladdin.conventions import SEVERITY_ZH
from xladdin.errors import UserError
from xladdin.files.pdf import find_soffice
from xladdin.web import security, work
from xladdin.web.pool import Busy, JobPool
from xladdin.web.render import DOWNLOADS, KINDS, chart_bars, download_name
from xladdin.web.settings import WebSettings
from xladdin.web.store import PROGRESS, Store, entries_of, read_json, set_entries
from xladdin.web.uploads import UploadRefused, receive

log = logging.getLogger("xladdin.web")
HERE = Path(__file__).resolve().parent
_STORED = re.compile(r"^file-\d{3}$")
NDJSON = "application/x-ndjson"
MAX_FORM_BYTES = 16 * 1024


class SecurityHeaders:
    """Every response — pages, files, errors, static — with the security headers and no caching of results."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope.get("path", "").startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                have = {k.lower() for k, _ in headers}
                for k, v in security.SECURITY_HEADERS.items():
                    if k.encode() not in have:
                        headers.append((k.encode(), v.encode()))
                cache = "public, max-age=3600" if static else "no-store"
                headers.append((b"cache-control", cache.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(settings: WebSettings) -> Starlette:
    """The application for ``settings``; its pool and its folders live as long as it runs."""
    store = Store(settings.temp_dir, settings.keep_minutes * 60)
    pool = JobPool(settings.workers, settings.job_timeout, settings.max_queue)
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals.update(severity_zh=SEVERITY_ZH, version=__version__, chart_bars=chart_bars)
    key = settings.secret

    # ------------------------------------------------------------------ access

    def api_user(request: Request) -> str | None:
        """Who calls the API: a token (``Authorization: Bearer``) or a user (HTTP Basic)."""
        if not settings.auth_required:
            return "本机"
        header = request.headers.get("authorization", "")
        scheme, _, value = header.partition(" ")
        if scheme.lower() == "bearer" and security.same_token(value.strip(), settings.token):
            return "口令"
        if scheme.lower() == "basic":
            try:
                name, _, password = base64.b64decode(value.strip()).decode("utf-8").partition(":")
            except (ValueError, UnicodeDecodeError):
                return None
            stored = settings.users.get(name)
            if stored and security.verify_password(password, stored):
                return name
        return None

    def page_user(request: Request) -> str | None:
        if not settings.auth_required:
            return "本机"
        return security.session_user(key, request.cookies.get(security.SESSION_COOKIE))

    def csrf_cookie(request: Request) -> tuple[str, bool]:
        cookie = request.cookies.get(security.CSRF_COOKIE)
        return (cookie, False) if cookie else (security.new_csrf_cookie(), True)

    def csrf_valid(request: Request, token: str | None) -> bool:
        origin = request.headers.get("origin")
        if origin and origin != "null":
            host = request.headers.get("host", "")
            if urllib.parse.urlsplit(origin).netloc != host:
                return False
        return security.csrf_ok(key, request.cookies.get(security.CSRF_COOKIE), token)

    async def render(request: Request, name: str, status: int = 200, **context: Any) -> Response:
        """A page; rendered in a thread, so a large one (60 tables) does not hold up the other requests."""
        cookie, fresh = csrf_cookie(request)
        context.setdefault("user", page_user(request))
        context.update(
            csrf=security.csrf_token(key, cookie),
            auth=settings.auth_required,
            limits={
                "mb": f"{settings.max_upload_mb:g}",
                "files": settings.max_files,
                "minutes": f"{settings.keep_minutes:g}",
            },
        )
        context["request"] = request
        html = await run_in_threadpool(templates.get_template(name).render, context)
        response = HTMLResponse(html, status_code=status)
        if fresh:
            response.set_cookie(
                security.CSRF_COOKIE, cookie, httponly=True, samesite="strict", secure=request.url.scheme == "https"
            )
        return response

    async def error_page(request: Request, message: str, status: int = 400) -> Response:
        if _wants_json(request):
            return JSONResponse({"error": message}, status_code=status)
        return await render(request, "error.html", status=status, message=message)

    def need_page_user(handler: Callable[[Request], Awaitable[Response]]) -> Callable[[Request], Awaitable[Response]]:
        async def wrapped(request: Request) -> Response:
            if page_user(request) is None:
                if _wants_json(request):
                    return JSONResponse({"error": "请先登录。"}, status_code=401)
                target = urllib.parse.quote(request.url.path)
                return RedirectResponse(f"/login?next={target}", status_code=303)
            return await handler(request)

        return wrapped

    def need_api_user(handler: Callable[[Request], Awaitable[Response]]) -> Callable[[Request], Awaitable[Response]]:
        async def wrapped(request: Request) -> Response:
            if api_user(request) is None:
                return JSONResponse(
                    {"error": "需要访问口令：请在请求头中加 Authorization: Bearer <口令>（或用户名和密码）。"},
                    status_code=401,
                    headers={"www-authenticate": 'Bearer realm="xladdin"'},
                )
            return await handler(request)

        return wrapped

    # ------------------------------------------------------------------ sign in

    async def login_page(request: Request) -> Response:
        if not settings.auth_required:
            return RedirectResponse("/", status_code=303)
        return await render(
            request, "login.html", next=_local(request.query_params.get("next")), users=bool(settings.users)
        )

    async def login(request: Request) -> Response:
        try:
            form = await _small_form(request)
        except UploadRefused as exc:
            return await error_page(request, exc.message, exc.status)
        if not csrf_valid(request, form.get(security.CSRF_FIELD)):
            return await error_page(request, "页面已过期（安全校验未通过），请刷新页面后重试。", 403)
        user = None
        token = form.get("token", "").strip()
        if token and security.same_token(token, settings.token):
            user = "口令"
        name, password = form.get("user", "").strip(), form.get("password", "")
        if name and settings.users.get(name) and security.verify_password(password, settings.users[name]):
            user = name
        target = _local(form.get("next"))
        if user is None:
            await asyncio.sleep(0.5)  # slows down guessing
            return await render(
                request,
                "login.html",
                status=401,
                next=target,
                users=bool(settings.users),
                message="口令或用户名、密码不正确。",
            )
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(
            security.SESSION_COOKIE,
            security.session_cookie(key, user, settings.session_hours),
            max_age=int(settings.session_hours * 3600),
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
        )
        return response

    async def logout(request: Request) -> Response:
        form = await _small_form(request)
        if not csrf_valid(request, form.get(security.CSRF_FIELD)):
            return await error_page(request, "页面已过期（安全校验未通过），请刷新页面后重试。", 403)
        response = RedirectResponse("/login" if settings.auth_required else "/", status_code=303)
        response.delete_cookie(security.SESSION_COOKIE)
        return response

    # ------------------------------------------------------------------ pages

    async def index(request: Request) -> Response:
        return await render(request, "index.html", pdf=find_soffice() is not None)

    async def upload(request: Request) -> Response:
        folder = store.new()
        try:
            received = await receive(request, folder, settings.max_upload_bytes, settings.max_files)
            token = request.headers.get(security.CSRF_HEADER) or received.fields.get(security.CSRF_FIELD)
            if not csrf_valid(request, token):
                raise UploadRefused("页面已过期（安全校验未通过），请刷新页面后重新上传。", 403)
            if not received.entries:
                raise UploadRefused("没有收到文件。请选择一个或多个工作簿（.xlsx），或一个文件夹的 .zip 压缩包。")
            set_entries(folder, received.entries)
        except UploadRefused as exc:
            store.remove(folder)
            return await error_page(request, exc.message, exc.status)
        except BaseException:
            store.remove(folder)
            raise
        job = asyncio.ensure_future(_run(work.check_request, folder, *_zip_limits()))
        if _wants_progress(request):
            return StreamingResponse(_progress(job, folder), media_type=NDJSON)
        try:
            summary = await job
        except UserError as exc:
            return await error_page(request, exc.message, 422)
        return RedirectResponse(_result_url(folder, summary), status_code=303)

    def _zip_limits() -> tuple[int, int, int]:
        return settings.max_files, settings.max_upload_bytes, max(4 * settings.max_upload_bytes, 100 * 1024 * 1024)

    async def _run(fn: Callable[..., Any], folder: Path, *args: Any) -> Any:
        """A check job whose failure leaves nothing behind: the folder goes with the message."""
        try:
            summary = await pool.run(fn, str(folder), *args)
        except BaseException:
            store.remove(folder)
            raise
        if not summary["files"]:  # nothing readable: say why, keep nothing
            store.remove(folder)
            bad = summary["unreadable"]
            if len(bad) == 1:  # its message names the file already
                raise UserError(bad[0]["message"])
            raise UserError("；".join(f"{u['file']}：{u['message']}" for u in bad) or "没有收到可以检查的工作簿。")
        return summary

    async def _progress(job: asyncio.Future[Any], folder: Path) -> AsyncIterator[bytes]:
        last = None
        while not job.done():
            try:
                now = (folder / PROGRESS).read_text(encoding="utf-8")
            except OSError:
                now = json.dumps({"text": "排队等待处理", "done": 0, "total": 0}, ensure_ascii=False)
            if now != last:
                last = now
                yield now.encode("utf-8") + b"\n"
            await asyncio.wait([job], timeout=0.1)
        try:
            summary = job.result()
        except UserError as exc:
            yield _line({"error": exc.message})
            return
        except Exception:
            log.exception("check job failed")
            yield _line({"error": _BUG})
            return
        yield _line({"url": _result_url(folder, summary)})

    def _job(request: Request) -> Path:
        folder = store.get(request.path_params["job"])
        if folder is None:
            raise HTTPException(404, "结果已过期或不存在：上传的文件会在一段时间后自动删除，请重新上传。")
        return folder

    async def batch_page(request: Request) -> Response:
        folder = _job(request)
        summary = _summary(folder)
        return await render(request, "batch.html", job=folder.name, summary=summary)

    async def file_page(request: Request) -> Response:
        folder = _job(request)
        stored = request.path_params["stored"]
        summary = _summary(folder)
        line = next((f for f in summary["files"] if f["id"] == stored), None)
        if not _STORED.match(stored) or line is None:
            raise HTTPException(404, "找不到该文件。")
        report = read_json(folder / "out" / f"{stored}.check.json")
        view = read_json(folder / "out" / f"{stored}.view.json")
        rules = sorted({f["rule"] for p in report["projects"] for f in p["findings"]})
        return await render(
            request,
            "file.html",
            job=folder.name,
            stored=stored,
            line=line,
            report=report,
            view=view,
            rules=rules,
            many=len(summary["files"]) + len(summary["unreadable"]) > 1,
            downloads=DOWNLOADS,
            pdf=find_soffice() is not None,
        )

    async def download(request: Request) -> Response:
        folder = _job(request)
        stored, kind = request.path_params["stored"], request.path_params["kind"]
        if not _STORED.match(stored) or kind not in KINDS:
            raise HTTPException(404, "找不到该下载。")
        entry = next((e for e in entries_of(folder) if e.stored.startswith(stored + ".")), None)
        if entry is None:
            raise HTTPException(404, "找不到该文件。")
        try:
            path = await pool.run(work.make_file, str(folder), entry.stored, kind)
        except UserError as exc:
            return await error_page(request, exc.message, 422)
        return _file(Path(path), download_name(entry.display, KINDS[kind]))

    async def review_download(request: Request) -> Response:
        folder = _job(request)
        marked = request.url.path.endswith(".zip")
        try:
            path = await pool.run(work.review_package, str(folder), marked)
        except UserError as exc:
            return await error_page(request, exc.message, 422)
        return _file(Path(path), "审核结果.zip" if marked else work.REPORT_NAME)

    # ------------------------------------------------------------------ the JSON API

    async def _api_upload(request: Request, one: bool) -> tuple[Path, dict[str, str]] | Response:
        folder = store.new(kind="api")
        try:
            received = await receive(request, folder, settings.max_upload_bytes, settings.max_files)
            if not received.entries:
                raise UploadRefused("没有收到文件：请用 multipart/form-data 上传工作簿（字段名任意）。")
            if one and (len(received.entries) > 1 or received.entries[0].display.lower().endswith(".zip")):
                raise UploadRefused("该接口一次处理一个工作簿，请只上传一个 .xlsx 文件。")
            set_entries(folder, received.entries)
        except UploadRefused as exc:
            store.remove(folder)
            return JSONResponse({"error": exc.message}, status_code=exc.status)
        except BaseException:
            store.remove(folder)
            raise
        return folder, received.fields

    async def api(request: Request, one: bool, job: Callable[[Path, dict[str, str]], Awaitable[Response]]) -> Response:
        """An API call: the upload, ``job`` on it, a Chinese error as JSON; the folder gone once answered."""
        got = await _api_upload(request, one=one)
        if isinstance(got, Response):
            return got
        folder, fields = got
        try:
            response = await job(folder, fields)
        except UserError as exc:
            store.remove(folder)
            return JSONResponse({"error": exc.message}, status_code=422)
        except BaseException:
            store.remove(folder)
            raise
        if isinstance(response, FileResponse):  # sent after this returns: removed when sent
            response.background = BackgroundTask(store.remove, folder)
        else:
            store.remove(folder)
        return response

    async def api_check(request: Request) -> Response:
        async def job(folder: Path, fields: dict[str, str]) -> Response:
            select, ignore = fields.get("select", ""), fields.get("ignore", "")
            text = await pool.run(work.api_check, str(folder), *_zip_limits(), select, ignore)
            return Response(text, media_type="application/json; charset=utf-8")

        return await api(request, False, job)

    async def api_costs(request: Request) -> Response:
        async def job(folder: Path, fields: dict[str, str]) -> Response:
            return JSONResponse(await pool.run(work.api_costs, str(folder)))

        return await api(request, True, job)

    def api_file(kind: str) -> Callable[[Request], Awaitable[Response]]:
        async def job(folder: Path, fields: dict[str, str]) -> Response:
            entry = entries_of(folder)[0]
            path = await pool.run(work.make_file, str(folder), entry.stored, kind)
            return _file(Path(path), download_name(entry.display, KINDS[kind]))

        async def handler(request: Request) -> Response:
            return await api(request, True, job)

        return handler

    async def api_report(request: Request) -> Response:
        async def job(folder: Path, fields: dict[str, str]) -> Response:
            marked = fields.get("marked", "") in ("1", "true", "yes")
            await pool.run(work.check_request, str(folder), *_zip_limits())
            path = await pool.run(work.review_package, str(folder), marked)
            return _file(Path(path), "审核结果.zip" if marked else work.REPORT_NAME)

        return await api(request, False, job)

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok", "waiting": pool.waiting})

    # ------------------------------------------------------------------ errors

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        messages = {404: "找不到该页面。", 405: "不支持这种请求方式。"}
        detail = exc.detail if exc.detail and not exc.detail.isascii() else messages.get(exc.status_code, "请求有误。")
        return await error_page(request, detail, exc.status_code)

    async def user_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, UserError)
        return await error_page(request, exc.message, 503 if isinstance(exc, Busy) else 422)

    async def server_error(request: Request, exc: Exception) -> Response:
        log.error("error on %s %s", request.method, request.url.path, exc_info=exc)
        # answered outside the other middleware (Starlette's last resort): the headers are set here
        response: Response
        if _wants_json(request):
            response = JSONResponse({"error": _BUG}, status_code=500)
        else:
            response = templates.TemplateResponse(
                request, "error.html", {"message": _BUG, "user": None, "auth": False, "csrf": ""}, status_code=500
            )
        response.headers.update({**security.SECURITY_HEADERS, "cache-control": "no-store"})
        return response

    # ------------------------------------------------------------------ lifetime

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        store.sweep()

        async def sweeper() -> None:
            while True:
                await asyncio.sleep(min(60.0, settings.keep_minutes * 60 / 4))
                try:
                    store.sweep()
                except OSError:
                    log.exception("sweeping the temporary folders")

        task = asyncio.create_task(sweeper())
        try:
            yield
        finally:
            task.cancel()
            pool.stop()
            store.remove_mine()

    routes = [
        Route("/", need_page_user(index)),
        Route("/login", login_page, methods=["GET"]),
        Route("/login", login, methods=["POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/upload", need_page_user(upload), methods=["POST"]),
        Route("/job/{job}", need_page_user(batch_page)),
        Route("/job/{job}/report.xlsx", need_page_user(review_download)),
        Route("/job/{job}/package.zip", need_page_user(review_download)),
        Route("/job/{job}/f/{stored}", need_page_user(file_page)),
        Route("/job/{job}/f/{stored}/{kind}", need_page_user(download)),
        Route("/api/check", need_api_user(api_check), methods=["POST"]),
        Route("/api/costs", need_api_user(api_costs), methods=["POST"]),
        *[Route(f"/api/{d.kind}", need_api_user(api_file(d.kind)), methods=["POST"]) for d in DOWNLOADS],
        Route("/api/report", need_api_user(api_report), methods=["POST"]),
        Route("/healthz", health),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        exception_handlers={HTTPException: http_error, UserError: user_error, Exception: server_error},
    )
    app.add_middleware(SecurityHeaders)
    app.state.settings = settings
    app.state.store = store
    app.state.pool = pool
    return app


_BUG = (
    "程序内部错误，请稍后重试；如果反复出现，请把出错的时间告诉管理员（服务器日志中有详细信息）。上传的文件没有被修改。"
)


def _line(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode("utf-8") + b"\n"


def _wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return request.url.path.startswith("/api/") or "application/json" in accept or NDJSON in accept


def _wants_progress(request: Request) -> bool:
    return NDJSON in request.headers.get("accept", "")


def _local(target: str | None) -> str:
    """Only a path of this site to go back to after signing in (never another site)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _summary(folder: Path) -> dict[str, Any]:
    try:
        summary: dict[str, Any] = read_json(folder / "out" / "summary.json")
    except (OSError, ValueError):
        raise HTTPException(404, "该结果还没有生成完，或已过期。请稍后刷新，或重新上传。") from None
    return summary


def _result_url(folder: Path, summary: dict[str, Any]) -> str:
    """One readable file and nothing refused: its findings; else the 审核汇总."""
    if len(summary["files"]) == 1 and not summary["unreadable"]:
        return f"/job/{folder.name}/f/{summary['files'][0]['id']}"
    return f"/job/{folder.name}"


def _file(path: Path, name: str) -> FileResponse:
    media = {
        ".pdf": "application/pdf",
        ".zip": "application/zip",
        ".xlsm": "application/vnd.ms-excel.sheet.macroEnabled.12",
    }.get(path.suffix.lower(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    return FileResponse(path, media_type=media, filename=name)


async def _small_form(request: Request) -> dict[str, str]:
    """A sign-in or sign-out form (urlencoded, a few fields): read with a size limit."""
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            raise UploadRefused("表单内容过长。", 413)
    pairs = urllib.parse.parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
    return dict(pairs[:20])
