"""What every studio request must pass: a token, the right Host, a same-origin Origin; and paths kept inside.

The server binds 127.0.0.1, but any web page the user visits can still send
requests there (cross-site requests, DNS rebinding).  So, as Jupyter does,
every request carries a random token: ``?token=`` once (the page's URL), which
sets an HttpOnly, SameSite=Strict cookie; then the cookie or the
``X-Clipkit-Token`` header.  The ``Host`` header must name this server
(``127.0.0.1:PORT`` or ``localhost:PORT``): a rebound DNS name is refused.  An
``Origin`` header, when sent, must be this same origin.

:func:`inside` is the one way a path from a request becomes a file: relative,
no ``..`` part, symlinks resolved, and under one of the allowed folders.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path, PurePosixPath
from urllib.parse import parse_qs

__all__ = ["Guard", "inside", "new_token", "TOKEN_HEADER"]

TOKEN_HEADER = "x-clipkit-token"


def new_token() -> str:
    return secrets.token_urlsafe(32)


def inside(roots: list[Path] | tuple[Path, ...], relative: str) -> Path | None:
    """``relative`` resolved under one of ``roots`` (already resolved folders), or None.

    Refused: empty, absolute (``/etc``, ``C:``, ``\\\\server``), any ``..`` part,
    NUL, and anything whose real path (symlinks followed) leaves the root.
    """
    if not relative or "\x00" in relative or "\\" in relative:
        return None
    pure = PurePosixPath(relative)
    if pure.is_absolute() or ".." in pure.parts or (pure.parts and ":" in pure.parts[0]):
        return None
    for root in roots:
        try:
            real = (root / pure).resolve(strict=True)
        except (OSError, RuntimeError):
            continue
        if real.is_relative_to(root):
            return real
    return None


def _reply(send, status: int, message: str, headers: list | None = None):
    body = json.dumps({"error": message}).encode()
    return _send(send, status, body, [(b"content-type", b"application/json"), *(headers or [])])


async def _send(send, status: int, body: bytes, headers: list) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-length", str(len(body)).encode()), (b"cache-control", b"no-store"), *headers]})
    await send({"type": "http.response.body", "body": body})


class Guard:
    """ASGI middleware: refuses (403) a foreign Host or Origin, (401) a missing or wrong token."""

    def __init__(self, app, *, token: str, hosts: tuple[str, ...], port: int):
        self.app = app
        self.token = token
        self.port = port
        self.hosts = {f"{h}:{port}".lower() for h in hosts}
        self.origins = {f"http://{h}" for h in self.hosts}
        self.cookie = f"clipkit_studio_{port}"

    def _header(self, scope, name: bytes) -> str | None:
        values = [v for k, v in scope.get("headers", ()) if k == name]
        return values[0].decode("latin-1") if len(values) == 1 else None if not values else "\x00several"

    def _cookie_token(self, scope) -> str | None:
        raw = self._header(scope, b"cookie") or ""
        for part in raw.split(";"):
            name, _, value = part.strip().partition("=")
            if name == self.cookie:
                return value
        return None

    def _ok(self, given: str | None) -> bool:
        return bool(given) and secrets.compare_digest(given.encode(), self.token.encode())

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":  # lifespan; websockets are not served
            if scope["type"] == "lifespan":
                return await self.app(scope, receive, send)
            return None
        host = (self._header(scope, b"host") or "").lower()
        if host not in self.hosts:
            return await _reply(send, 403, "this server answers only to 127.0.0.1 / localhost (Host header refused)")
        origin = self._header(scope, b"origin")
        if origin is not None and origin.lower() not in self.origins:
            return await _reply(send, 403, "cross-site request refused (Origin)")
        if (self._header(scope, b"sec-fetch-site") or "same-origin") == "cross-site":
            return await _reply(send, 403, "cross-site request refused (Sec-Fetch-Site)")
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        from_query = (query.get("token") or [None])[0]
        if self._ok(from_query):
            if scope["method"] == "GET" and scope["path"] == "/":
                # the page's URL: set the cookie and drop the token from the address bar
                cookie = f"{self.cookie}={self.token}; HttpOnly; SameSite=Strict; Path=/"
                return await _send(send, 303, b"", [(b"location", b"/"), (b"set-cookie", cookie.encode())])
            return await self.app(scope, receive, send)
        if self._ok(self._header(scope, TOKEN_HEADER.encode())) or self._ok(self._cookie_token(scope)):
            return await self.app(scope, receive, send)
        return await _reply(send, 401, "a token is required: open the URL `clipkit studio` printed")
