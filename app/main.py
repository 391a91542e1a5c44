"""The application factory: `create_app()` wires settings, database, routers and middleware."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from sqlalchemy.orm import Session, sessionmaker
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.accounts.router import router as accounts_router
from app.authors.router import router as authors_router
from app.claims.router import router as claims_router
from app.collaboration.router import router as collaboration_router
from app.core import health
from app.core.database import make_engine, make_session_factory
from app.core.errors import install_error_handlers, install_redirects
from app.core.http import ETagMiddleware, InputGuardMiddleware, RequestContextMiddleware
from app.core.logging import configure_logging
from app.core.ratelimit import InMemoryRateLimiter, RateLimiter
from app.core.settings import Settings, get_settings
from app.graph.router import router as graph_router
from app.institutions.router import router as institutions_router
from app.topics.router import router as topics_router
from app.trust.router import router as trust_router
from app.works.router import router as works_router

API_DESCRIPTION = """
Scholarly metadata over arXiv: author records, works, topics, institutions and the
coauthor graph. Lists page with opaque cursors (`meta.next_cursor`), errors are
`application/problem+json` (RFC 9457).
"""


def create_app(
    settings: Settings | None = None,
    *,
    session_factory: sessionmaker[Session] | None = None,
    read_session_factory: sessionmaker[Session] | None = None,
    rate_limiter: RateLimiter | None = None,
) -> FastAPI:
    """Build the app. Tests pass their own session factories (bound to a rolled-back
    transaction); otherwise the lifespan opens and disposes the engines."""
    settings = settings or get_settings()
    configure_logging(settings.log_level, json=settings.log_json)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if session_factory is not None:
            app.state.session_factory = session_factory
            app.state.read_session_factory = read_session_factory
            yield
            return
        engine = make_engine(
            settings.database_url,
            pool_size=settings.database_pool_size,
            echo=settings.database_echo,
            jit=False,
        )
        read_engine = (
            make_engine(
                settings.read_database_url, pool_size=settings.database_pool_size, jit=False
            )
            if settings.read_database_url
            else None
        )
        app.state.session_factory = make_session_factory(engine)
        app.state.read_session_factory = make_session_factory(read_engine) if read_engine else None
        try:
            yield
        finally:
            engine.dispose()
            if read_engine is not None:
                read_engine.dispose()

    app = FastAPI(
        title="bzpeer",
        version="1.0.0",
        description=API_DESCRIPTION,
        lifespan=lifespan,
        docs_url="/docs",
        redoc_url="/redoc",
    )
    app.state.settings = settings
    # Set here as well as in the lifespan so a test client without lifespan still works.
    app.state.session_factory = session_factory
    app.state.read_session_factory = read_session_factory
    # Per process by default; pass a shared limiter when running several (app.core.ratelimit).
    app.state.rate_limiter = rate_limiter or InMemoryRateLimiter()

    install_error_handlers(app)
    _announce_every_allowed_method(app)
    install_redirects(app)

    v1 = APIRouter(prefix="/v1")
    for router in (
        authors_router,
        works_router,
        topics_router,
        institutions_router,
        graph_router,
        trust_router,
        accounts_router,
        claims_router,
        collaboration_router,
    ):
        v1.include_router(router)
    app.include_router(v1)
    app.include_router(health.router)

    # Outermost last: request context wraps everything, so even rejected requests get an id.
    app.add_middleware(ETagMiddleware, max_age=settings.read_cache_seconds)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
        allow_headers=["Authorization", "Content-Type", "If-None-Match"],
        expose_headers=[
            "ETag",
            "X-Request-ID",
            "Retry-After",
            "RateLimit-Limit",
            "RateLimit-Remaining",
            "RateLimit-Reset",
        ],
    )
    app.add_middleware(InputGuardMiddleware, max_body_bytes=settings.max_request_bytes)
    app.add_middleware(RequestContextMiddleware)
    return app


def _announce_every_allowed_method(app: FastAPI) -> None:
    """A 405 lists every method the path supports (RFC 9110 `Allow`). Starlette names only
    the first route whose path matched, and one path is served by routes of several domains
    (`GET /v1/authors/{id}` and the owner's `PATCH`). The spec knows them all."""
    render = app.exception_handlers[StarletteHTTPException]
    templates: list[tuple[re.Pattern[str], set[str]]] = []

    def allowed_for(path: str) -> set[str]:
        if not templates:
            for template, operations in app.openapi()["paths"].items():
                pattern = re.sub(r"\\{[^/]+?\\}", "[^/]+", re.escape(template))
                templates.append((re.compile(f"^{pattern}$"), {m.upper() for m in operations}))
        return {m for pattern, methods in templates if pattern.match(path) for m in methods}

    async def method_not_allowed(request: Request, exc: Exception) -> Response:
        if isinstance(exc, StarletteHTTPException) and exc.status_code == 405:
            allowed = allowed_for(request.url.path)
            if allowed:
                exc.headers = {**(exc.headers or {}), "Allow": ", ".join(sorted(allowed))}
        result = render(request, exc)
        assert not isinstance(result, Response)  # the problem+json handler is async
        return await result

    app.add_exception_handler(StarletteHTTPException, method_not_allowed)
