"""Liveness, readiness (checks the database) and Prometheus metrics."""

from __future__ import annotations

from fastapi import APIRouter, Request
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel
from sqlalchemy import text
from starlette.responses import Response

from app.core.errors import ServiceUnavailable

router = APIRouter(tags=["operations"])


class Health(BaseModel):
    status: str


@router.get("/healthz", response_model=Health, operation_id="healthz")
def healthz() -> Health:
    return Health(status="ok")


@router.get(
    "/readyz",
    response_model=Health,
    operation_id="readyz",
    responses={503: {"description": "The database is unreachable."}},
)
def readyz(request: Request) -> Health:
    # GETs are served from the replica when one is set, so both must answer to be ready.
    state = request.app.state
    for factory in (state.session_factory, state.read_session_factory):
        if factory is None:
            continue
        try:
            with factory() as session:
                session.execute(text("SELECT 1"))
        except Exception as exc:  # any failure to reach the database means "not ready"
            raise ServiceUnavailable(
                "The database is unreachable.", headers={"Retry-After": "5"}
            ) from exc
    return Health(status="ready")


@router.get(
    "/metrics",
    operation_id="metrics",
    include_in_schema=True,
    response_class=Response,
    responses={200: {"content": {CONTENT_TYPE_LATEST: {}}}},
)
def metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
