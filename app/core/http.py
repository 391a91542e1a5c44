"""Pure-ASGI middleware: request ids, access logs, metrics, ETags, size limits, NUL guard.

Written against the raw ASGI interface rather than BaseHTTPMiddleware: it adds no task
per request and streams bodies through, which matters on the hot read path.
"""

from __future__ import annotations

import hashlib
import logging
import time
import uuid
from contextvars import ContextVar
from typing import Any
from urllib.parse import parse_qsl

from prometheus_client import Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.errors import FieldError, problem_response

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")
access_logger = logging.getLogger("bzpeer.access")

REQUESTS = Counter("bzpeer_http_requests_total", "HTTP requests", ["method", "route", "status"])
LATENCY = Histogram(
    "bzpeer_http_request_seconds",
    "HTTP request latency",
    ["method", "route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return bytes(value)
    return None


class RequestContextMiddleware:
    """Request id (X-Request-ID in and out), a structured access log line, and metrics."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = _header(scope, b"x-request-id")
        rid = incoming.decode("latin-1")[:64] if incoming else uuid.uuid4().hex
        token = request_id_var.set(rid)
        started = time.perf_counter()
        status_holder = {"status": 500}

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-request-id", rid.encode("latin-1")),
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route = scope.get("route")
            route_name = getattr(route, "path", "unmatched")
            status = status_holder["status"]
            REQUESTS.labels(scope["method"], route_name, str(status)).inc()
            LATENCY.labels(scope["method"], route_name).observe(elapsed)
            access_logger.info(
                "request",
                extra={
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status,
                    "ms": round(elapsed * 1000, 2),
                },
            )
            request_id_var.reset(token)


class InputGuardMiddleware:
    """Reject NUL bytes in the URL and bodies over the size cap before any handler runs."""

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        bad_field = self._nul_field(scope)
        if bad_field is not None:
            response = problem_response(
                400,
                "NUL bytes are not allowed in requests.",
                instance=scope["path"],
                type_slug="bad-request",
                errors=[FieldError(field=bad_field, message="contains a NUL byte")],
            )
            await response(scope, receive, send)
            return
        length = _header(scope, b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_body_bytes:
            await self._too_large(scope, receive, send)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    raise _BodyTooLarge
            return message

        try:
            await self.app(scope, counting_receive, send)
        except _BodyTooLarge:
            await self._too_large(scope, receive, send)

    @staticmethod
    def _nul_field(scope: Scope) -> str | None:
        if "\x00" in scope["path"]:
            return "path"
        query: bytes = scope.get("query_string", b"")
        if b"%00" not in query and b"\x00" not in query:
            return None
        for name, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True):
            if "\x00" in name or "\x00" in value:
                return f"query.{name.replace(chr(0), '')[:40] or '?'}"
        return "query"

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem_response(
            413,
            f"Request body is larger than {self.max_body_bytes} bytes.",
            instance=scope["path"],
            type_slug="too-large",
        )
        await response(scope, receive, send)


class _BodyTooLarge(Exception):
    pass


class ETagMiddleware:
    """Strong ETags on successful GETs, 304 on a matching If-None-Match, Cache-Control.

    Anonymous reads are public for `max_age` seconds; anything sent with credentials is
    private, so shared caches never hold one account's view.
    """

    def __init__(self, app: ASGIApp, max_age: int) -> None:
        self.app = app
        self.max_age = max_age

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def buffer(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            await self._finish(scope, start, b"".join(chunks), send)

        await self.app(scope, receive, buffer)

    async def _finish(self, scope: Scope, start: dict[str, Any], body: bytes, send: Send) -> None:
        headers: list[tuple[bytes, bytes]] = list(start.get("headers", []))
        status: int = start["status"]
        path: str = scope["path"]
        if status == 200 and not path.startswith(("/metrics", "/healthz", "/readyz")):
            etag = b'"' + hashlib.blake2b(body, digest_size=16).hexdigest().encode() + b'"'
            private = _header(scope, b"authorization") is not None or path.startswith("/v1/me")
            cache = b"private, no-cache" if private else b"public, max-age=%d" % self.max_age
            headers = [h for h in headers if h[0] not in (b"etag", b"cache-control")]
            headers += [(b"etag", etag), (b"cache-control", cache), (b"vary", b"Authorization")]
            client_tags = _header(scope, b"if-none-match") or b""
            tags = [t.strip().removeprefix(b"W/") for t in client_tags.split(b",")]
            if b"*" in tags or etag in tags:
                kept = [h for h in headers if h[0] != b"content-length"]
                await send({"type": "http.response.start", "status": 304, "headers": kept})
                await send({"type": "http.response.body", "body": b""})
                return
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": body})
