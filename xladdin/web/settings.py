"""What the administrator configures for ``xladdin serve``, and the rule that protects a network.

On 127.0.0.1 the page serves the PC it runs on; on any other address it serves an office
network, and then somebody must have to show a token or a user name and password
(``check_access``): a server that would answer anyone refuses to start.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from xladdin.errors import UserError
from xladdin.web.security import read_users

TOKEN_ENV = "XLADDIN_WEB_TOKEN"  # the access token, when not in a file (a command line shows in `ps`)
SECRET_ENV = "XLADDIN_WEB_SECRET"  # the key cookies are signed with, shared by several servers
MIN_TOKEN_LENGTH = 16


@dataclass
class WebSettings:
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 2  # workbooks processed at once, each in its own process
    job_timeout: float = 120.0  # seconds one job may take before its process is stopped
    max_upload_mb: float = 20.0  # one request's upload, all files together
    max_files: int = 100  # workbooks in one upload (a .zip counts its workbooks)
    keep_minutes: float = 60.0  # how long a request's folder is kept
    max_queue: int = 200  # jobs waiting for a worker before new ones are turned away
    temp_dir: Path = field(default_factory=lambda: Path(tempfile.gettempdir()) / "xladdin-web")
    token: str | None = None
    users: dict[str, str] = field(default_factory=dict)  # name → password hash
    secret: bytes = b""
    session_hours: float = 12.0

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)

    @property
    def auth_required(self) -> bool:
        return bool(self.token or self.users)

    @property
    def loopback(self) -> bool:
        return is_loopback(self.host)


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 and the name localhost; 0.0.0.0 and every other name serve a network."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_access(settings: WebSettings) -> None:
    """Refuse to serve a network that anyone could use, or a token anyone could guess."""
    if settings.token is not None and len(settings.token) < MIN_TOKEN_LENGTH:
        raise UserError(
            f"访问口令太短（{len(settings.token)}个字符），至少需要{MIN_TOKEN_LENGTH}个字符。"
            '可用 python -c "import secrets; print(secrets.token_urlsafe(24))" 生成一个。'
        )
    if not settings.loopback and not settings.auth_required:
        raise UserError(
            f"在地址 {settings.host} 上提供服务时，局域网中的任何人都能访问，因此必须设置访问口令或用户名和密码："
            f"用 --token-file 指定口令文件（或设置环境变量 {TOKEN_ENV}），或用 --users-file 指定用户文件"
            "（用 xladdin serve --add-user 用户名 --users-file 文件 添加用户）。只在本机使用时请去掉 --host。"
        )
    if settings.workers < 1:
        raise UserError(f"--workers 应为不小于1的整数（写的是 {settings.workers}）。")
    if settings.job_timeout <= 0 or settings.max_upload_mb <= 0 or settings.max_files < 1 or settings.keep_minutes <= 0:
        raise UserError("--job-timeout、--max-upload-mb、--max-files 和 --keep-minutes 都应为正数。")


def load_token(token_file: str | None) -> str | None:
    """The token from its file (first line), else from the environment, else None."""
    if token_file:
        try:
            text = Path(token_file).read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise UserError(f"无法读取口令文件 {token_file}（{exc.strerror or exc}）。") from None
        token = text.strip().splitlines()[0].strip() if text.strip() else ""
        if not token:
            raise UserError(f"口令文件 {token_file} 是空的。请在第一行写入访问口令。")
        return token
    env = os.environ.get(TOKEN_ENV, "").strip()
    return env or None


def load_users(users_file: str | None) -> dict[str, str]:
    if not users_file:
        return {}
    try:
        text = Path(users_file).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise UserError(f"无法读取用户文件 {users_file}（{exc.strerror or exc}）。") from None
    users = read_users(text)
    if not users:
        raise UserError(
            f"用户文件 {users_file} 中没有用户。请用 xladdin serve --add-user 用户名 --users-file {users_file} 添加。"
        )
    return users


def load_secret(temp_dir: Path) -> bytes:
    """The key that signs cookies: from the environment, else a file kept in the temporary root.

    Several servers behind one proxy that share the temporary root share the key, so a
    user signed in on one is signed in on all.
    """
    env = os.environ.get(SECRET_ENV, "").strip()
    if env:
        return env.encode("utf-8")
    temp_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = temp_dir / ".secret"
    if not path.exists():
        staged = temp_dir / f".secret.{os.getpid()}.tmp"
        fd = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(secrets.token_hex(32))
        try:
            os.link(staged, path)  # the first server to start wins; the others read its key
        except FileExistsError:
            pass
        finally:
            staged.unlink()
    return path.read_text(encoding="ascii").strip().encode("ascii")
