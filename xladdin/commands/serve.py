"""``xladdin serve [--host H] [--port P] [--workers N] …``: the web page for users without the add-in.

On 127.0.0.1 (the default) it serves the PC it runs on; on an office network (``--host
0.0.0.0`` or the server's address) it refuses to start without a token or users file.
``--add-user NAME --users-file F`` adds a user (the password is asked for, stored hashed).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from xladdin.web.settings import WebSettings


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1，只供本机使用；局域网使用写 0.0.0.0 或本机 IP）"
    )
    p.add_argument("--port", type=int, default=8000, help="端口（默认 8000）")
    p.add_argument(
        "--workers", type=int, default=None, help="同时处理的工作簿数，每个在单独的进程中（默认：CPU 核数，最多 4）"
    )
    p.add_argument("--job-timeout", type=float, default=120, help="处理一个工作簿最多用的秒数，超时即停止（默认 120）")
    p.add_argument("--max-upload-mb", type=float, default=20, help="一次上传的大小上限，单位 MB（默认 20）")
    p.add_argument(
        "--max-files", type=int, default=100, help="一次上传的工作簿个数上限（默认 100，.zip 中的工作簿也计入）"
    )
    p.add_argument(
        "--keep-minutes", type=float, default=60, help="上传的文件和生成的结果保留的分钟数，之后自动删除（默认 60）"
    )
    p.add_argument(
        "--temp-dir", default=None, help="存放上传文件和结果的临时文件夹（默认：系统临时文件夹下的 xladdin-web）"
    )
    p.add_argument(
        "--token-file",
        default=None,
        help="访问口令文件（第一行是口令，至少16个字符）；也可用环境变量 XLADDIN_WEB_TOKEN",
    )
    p.add_argument("--users-file", default=None, help="用户文件（每行“用户名:密码散列”，用 --add-user 生成）")
    p.add_argument(
        "--add-user", metavar="用户名", default=None, help="向 --users-file 添加一个用户（询问密码），然后退出"
    )
    p.add_argument("--access-log", action="store_true", help="在终端显示每个请求（默认只显示警告和错误）")


def default_workers() -> int:
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, 4))


def settings_from(args: argparse.Namespace) -> WebSettings:
    from xladdin.web.settings import WebSettings, load_token, load_users

    settings = WebSettings(
        host=args.host,
        port=args.port,
        workers=args.workers if args.workers is not None else default_workers(),
        job_timeout=args.job_timeout,
        max_upload_mb=args.max_upload_mb,
        max_files=args.max_files,
        keep_minutes=args.keep_minutes,
        token=load_token(args.token_file),
        users=load_users(args.users_file),
    )
    if args.temp_dir:
        settings.temp_dir = Path(args.temp_dir).resolve()
    return settings


def add_user(args: argparse.Namespace) -> int:
    from xladdin.errors import UserError
    from xladdin.web.security import read_users, user_line

    if not args.users_file:
        raise UserError("--add-user 需要同时用 --users-file 指定用户文件。")
    name = args.add_user.strip()
    if not name or ":" in name:
        raise UserError("用户名不能为空，也不能包含冒号。")
    if sys.stdin.isatty():
        password = getpass.getpass(f"用户 {name} 的密码：")
        if password != getpass.getpass("再输入一次："):
            raise UserError("两次输入的密码不一致，未添加用户。")
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if len(password) < 8:
        raise UserError("密码至少需要8个字符。")
    path = Path(args.users_file)
    lines = path.read_text(encoding="utf-8-sig").splitlines() if path.exists() else []
    if name in read_users("\n".join(lines)):
        lines = [ln for ln in lines if ln.partition(":")[0].strip() != name]
    lines.append(user_line(name, password))
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    print(f"已在 {path} 中添加用户 {name}（密码以散列保存）。")
    return 0


def run(args: argparse.Namespace) -> int:
    if args.add_user is not None:
        return add_user(args)
    import uvicorn

    from xladdin.web.app import create_app
    from xladdin.web.settings import check_access, load_secret

    settings = settings_from(args)
    check_access(settings)  # before anything is written: a refused server leaves nothing behind
    settings.secret = load_secret(settings.temp_dir)
    app = create_app(settings)
    shown = f"[{settings.host}]" if ":" in settings.host else settings.host
    where = "只供本机使用" if settings.loopback else "局域网中的用户需输入访问口令或用户名、密码"
    print(f"xladdin 网页版已启动：http://{shown}:{settings.port}/ （{where}；按 Ctrl+C 停止）", flush=True)
    print(
        f"同时处理 {settings.workers} 个工作簿，每个最多 {settings.job_timeout:g} 秒；上传上限 {settings.max_upload_mb:g} MB、"
        f"{settings.max_files} 个文件；临时文件夹 {settings.temp_dir}，文件保留 {settings.keep_minutes:g} 分钟。",
        flush=True,
    )
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level="info" if args.access_log else "warning",
        access_log=args.access_log,
        server_header=False,
        timeout_graceful_shutdown=10,
    )
    print("xladdin 网页版已停止，临时文件已删除。", flush=True)
    return 0
