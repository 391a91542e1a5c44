"""One exception hierarchy, rendered as RFC 9457 problem+json by one set of handlers.

Services raise `AppError` subclasses; FastAPI's own validation errors and any unexpected
exception are mapped here too, so every 4xx/5xx a client sees has the same shape and none
carries a stack trace or SQL text.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any
from urllib.parse import urlencode

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

PROBLEM_MEDIA_TYPE = "application/problem+json"
logger = logging.getLogger("bzpeer.errors")


class FieldError(BaseModel):
    field: str = Field(description="Where the bad value is, e.g. `query.per_page`.")
    message: str
    type: str = "value_error"


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    errors: list[FieldError] | None = Field(
        default=None, description="Field-level detail for validation errors."
    )


class AppError(Exception):
    status = HTTPStatus.INTERNAL_SERVER_ERROR
    type_slug = "internal-error"

    def __init__(
        self,
        detail: str,
        *,
        errors: list[FieldError] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors
        self.headers = headers or {}


class BadRequest(AppError):
    status = HTTPStatus.BAD_REQUEST
    type_slug = "bad-request"

    @classmethod
    def for_field(cls, field: str, message: str) -> BadRequest:
        return cls(message, errors=[FieldError(field=field, message=message)])


class Unauthorized(AppError):
    status = HTTPStatus.UNAUTHORIZED
    type_slug = "unauthorized"

    def __init__(self, detail: str = "Authentication required.") -> None:
        super().__init__(detail, headers={"WWW-Authenticate": "Bearer"})


class Forbidden(AppError):
    status = HTTPStatus.FORBIDDEN
    type_slug = "forbidden"


class NotFound(AppError):
    status = HTTPStatus.NOT_FOUND
    type_slug = "not-found"


class Conflict(AppError):
    status = HTTPStatus.CONFLICT
    type_slug = "conflict"


class TooManyRequests(AppError):
    status = HTTPStatus.TOO_MANY_REQUESTS
    type_slug = "rate-limited"


class ServiceUnavailable(AppError):
    status = HTTPStatus.SERVICE_UNAVAILABLE
    type_slug = "unavailable"


def problem_response(
    status: int,
    detail: str | None,
    *,
    instance: str | None = None,
    type_slug: str | None = None,
    errors: list[FieldError] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    phrase = HTTPStatus(status).phrase
    body: dict[str, Any] = {
        "type": f"https://bzpeer.dev/problems/{type_slug}" if type_slug else "about:blank",
        "title": phrase,
        "status": status,
    }
    if detail:
        body["detail"] = detail
    if instance:
        body["instance"] = instance
    if errors:
        body["errors"] = [e.model_dump() for e in errors]
    all_headers = dict(headers or {})
    if status in (429, 503):
        all_headers.setdefault("Retry-After", "1")
    return Response(
        orjson.dumps(body), status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=all_headers
    )


def _location(loc: tuple[Any, ...] | list[Any]) -> str:
    return ".".join(str(part) for part in loc)


async def _app_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, AppError)
    return problem_response(
        int(exc.status),
        exc.detail,
        instance=request.url.path,
        type_slug=exc.type_slug,
        errors=exc.errors,
        headers=exc.headers,
    )


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = [
        FieldError(
            field=_location(err.get("loc", ())),
            message=err.get("msg", "invalid"),
            type=str(err.get("type", "value_error")),
        )
        for err in exc.errors()
    ]
    fields = ", ".join(e.field for e in errors) or "request"
    return problem_response(
        422,
        f"Invalid value for {fields}.",
        instance=request.url.path,
        type_slug="validation-error",
        errors=errors,
    )


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else None
    return problem_response(
        exc.status_code, detail, instance=request.url.path, headers=dict(exc.headers or {})
    )


async def _integrity_error(request: Request, exc: Exception) -> Response:
    # The constraint name tells an operator what clashed; the client only learns that it did.
    logger.info("integrity error on %s: %s", request.url.path, type(exc).__name__)
    return problem_response(
        409,
        "The request conflicts with the current state of the resource.",
        instance=request.url.path,
        type_slug="conflict",
    )


def _unavailable_detail(exc: Exception) -> str | None:
    """Why writes fail when an operator has to act (no space, a read-only file), else None.

    Matched on the driver's message: SQLite reports both as plain OperationalError codes.
    """
    message = str(getattr(exc, "orig", exc)).lower()
    if "readonly" in message or "read-only" in message:
        return "The database is read-only; writes are refused until it is writable again."
    if "disk is full" in message or "no space left" in message:
        return "The database is full; writes are refused until space is freed."
    return None


async def _database_unavailable(request: Request, exc: Exception) -> Response:
    detail = _unavailable_detail(exc)
    log = logger.error if detail else logger.warning
    log("database unavailable on %s: %s", request.url.path, type(exc).__name__)
    return problem_response(
        503,
        detail or "The database is unavailable; try again shortly.",
        instance=request.url.path,
        type_slug="unavailable",
        headers={"Retry-After": "2"},
    )


async def _unexpected(request: Request, exc: Exception) -> Response:
    logger.exception("unhandled error on %s %s", request.method, request.url.path)
    return problem_response(
        500, "An unexpected error occurred.", instance=request.url.path, type_slug="internal-error"
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(IntegrityError, _integrity_error)
    app.add_exception_handler(OperationalError, _database_unavailable)
    # psycopg raises InterfaceError on a connection the server dropped mid-request.
    app.add_exception_handler(InterfaceError, _database_unavailable)
    app.add_exception_handler(PoolTimeoutError, _database_unavailable)
    app.add_exception_handler(Exception, _unexpected)


PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": Problem, "content": {PROBLEM_MEDIA_TYPE: {}}, "description": desc}
    for status, desc in (
        (400, "Bad request"),
        (404, "Not found"),
        (422, "Validation error"),
    )
}


_PROBLEM_DESCRIPTIONS = {
    400: "Bad request",
    401: "Not authenticated, or the token is expired or revoked",
    403: "Not allowed for this account",
    404: "Not found",
    409: "Conflicts with the current state of the resource",
    413: "Request body too large",
    422: "Validation error",
    429: "Rate limited: see Retry-After and RateLimit-* headers",
}


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for the problem+json statuses a route can answer."""
    return {
        status: {
            "model": Problem,
            "content": {PROBLEM_MEDIA_TYPE: {}},
            "description": _PROBLEM_DESCRIPTIONS[status],
        }
        for status in statuses
    }


MOVED_RESPONSE: dict[int | str, dict[str, Any]] = {
    301: {"description": "Merged into another record (see Location)."}
}


class Moved(Exception):
    """A resource that lives under another id now (a merged author): answered with 301.

    With `query_param`, the id came from that query parameter (`/v1/works?author=A1`): the
    301 goes to the same request with the survivor's id (the last part of `location`) in it.
    """

    def __init__(self, location: str, *, query_param: str | None = None) -> None:
        super().__init__(location)
        self.location = location
        self.query_param = query_param


async def _moved(request: Request, exc: Exception) -> Response:
    """301 to the survivor. A location naming only the survivor (`/v1/authors/A8`) keeps the
    rest of the request: `/v1/authors/A1/topics?limit=5` moves to `/v1/authors/A8/topics?
    limit=5`, not to the record itself (a client following it would get another shape)."""
    assert isinstance(exc, Moved)
    location = exc.location
    if exc.query_param is not None:
        # A filter on a merged record filters on its survivor: same list, same shape.
        survivor = location.rsplit("/", 1)[-1]
        query = urlencode(
            [
                (key, survivor if key == exc.query_param else value)
                for key, value in request.query_params.multi_items()
            ]
        )
        return Response(status_code=301, headers={"Location": f"{request.url.path}?{query}"})
    target = location.split("/")
    # Locations built for one request (the graph's, with their query) are taken as they are.
    if "?" not in location and len(target) == 4:
        asked = request.url.path.split("/")
        if len(asked) > 4 and asked[:3] == target[:3]:
            location = "/".join([*target, *asked[4:]])
        if request.url.query:
            location = f"{location}?{request.url.query}"
    return Response(status_code=301, headers={"Location": location})


def install_redirects(app: FastAPI) -> None:
    app.add_exception_handler(Moved, _moved)
