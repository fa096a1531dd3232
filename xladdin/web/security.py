"""Signed values (the session cookie, CSRF tokens), password hashes, and the response headers.

No server-side session store: a session is a cookie that says who signed in and until
when, signed with the server's key, so any server sharing the key accepts it and a
restart loses nothing.  CSRF: every form carries a token derived from a random cookie
and the key (signed double submit), checked before any posted file is processed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time

SESSION_COOKIE = "xladdin_session"
CSRF_COOKIE = "xladdin_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"

PBKDF2_ITERATIONS = 240_000

# The page needs nothing from elsewhere (the office network has no internet): every
# script, style and picture comes from this server; nothing may frame it.
SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(key: bytes, purpose: str, value: str) -> str:
    mac = hmac.new(key, f"{purpose}\x00{value}".encode(), hashlib.sha256).digest()
    return _b64(mac)


def session_cookie(key: bytes, user: str, hours: float, now: float | None = None) -> str:
    """``user`` signed in until now + ``hours``."""
    expires = int((now or time.time()) + hours * 3600)
    body = _b64(f"{user}\x00{expires}".encode())
    return f"{body}.{sign(key, 'session', body)}"


def session_user(key: bytes, cookie: str | None, now: float | None = None) -> str | None:
    """Who the cookie says signed in, when its signature holds and it has not expired."""
    if not cookie or "." not in cookie:
        return None
    body, _, mac = cookie.rpartition(".")
    if not hmac.compare_digest(mac, sign(key, "session", body)):
        return None
    try:
        user, _, expires = _unb64(body).decode("utf-8").partition("\x00")
        if int(expires) < (now or time.time()):
            return None
    except (ValueError, UnicodeDecodeError):
        return None
    return user


def new_csrf_cookie() -> str:
    return secrets.token_urlsafe(24)


def csrf_token(key: bytes, cookie: str) -> str:
    """The token a form carries: bound to the browser's CSRF cookie and to the server's key."""
    return sign(key, "csrf", cookie)


def csrf_ok(key: bytes, cookie: str | None, token: str | None) -> bool:
    if not cookie or not token:
        return False
    return hmac.compare_digest(token, csrf_token(key, cookie))


def same_token(given: str | None, expected: str | None) -> bool:
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


# --------------------------------------------------------------------------- passwords


def hash_password(password: str, salt: bytes | None = None, iterations: int = PBKDF2_ITERATIONS) -> str:
    """``pbkdf2_sha256$iterations$salt$hash``: the users file never holds a password."""
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    return f"pbkdf2_sha256${iterations}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    try:
        kind, iterations, salt, digest = stored.split("$")
        if kind != "pbkdf2_sha256":
            return False
        again = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), _unb64(salt), int(iterations))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(_b64(again), digest)


def read_users(text: str) -> dict[str, str]:
    """``用户名:pbkdf2_sha256$…`` per line; blank lines and ``#`` comments skipped."""
    users: dict[str, str] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or ":" not in line:
            continue
        name, _, hashed = line.partition(":")
        if name.strip() and hashed.strip():
            users[name.strip()] = hashed.strip()
    return users


def user_line(name: str, password: str) -> str:
    return f"{name}:{hash_password(password)}"
