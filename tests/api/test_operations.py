"""Operations: health, readiness, metrics, ETags, CORS, request ids, the OpenAPI document."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient

from app.cli import render_openapi

OPENAPI_FILE = Path(__file__).resolve().parents[2] / "openapi" / "openapi.json"


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ready"}


def test_metrics_exposed(client: TestClient) -> None:
    client.get("/healthz")
    text = client.get("/metrics").text
    assert "bzpeer_http_requests_total" in text


def test_etag_and_conditional_get(client: TestClient) -> None:
    first = client.get("/v1/topics/cs.CL")
    etag = first.headers["etag"]
    assert first.headers["cache-control"].startswith("public")
    again = client.get("/v1/topics/cs.CL", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""


def test_request_id_echoed_and_generated(client: TestClient) -> None:
    assert (
        client.get("/healthz", headers={"X-Request-ID": "abc123"}).headers["x-request-id"]
        == "abc123"
    )
    assert len(client.get("/healthz").headers["x-request-id"]) == 32


def test_cors_preflight(client: TestClient) -> None:
    response = client.options(
        "/v1/authors",
        headers={"Origin": "http://localhost:3000", "Access-Control-Request-Method": "GET"},
    )
    assert response.headers["access-control-allow-origin"] == "http://localhost:3000"


def test_unknown_route_is_problem_json(client: TestClient) -> None:
    response = client.get("/v1/nope")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


def test_committed_openapi_matches_code(client: TestClient) -> None:
    generated = render_openapi(client.app.openapi())  # type: ignore[attr-defined]
    assert OPENAPI_FILE.read_text() == generated, (
        "openapi/openapi.json is stale: run `bzpeer openapi` and commit the result"
    )
    spec = json.loads(generated)
    assert spec["openapi"].startswith("3.1")
