"""Response helpers: field selection on list pages, and schema tweaks that document it."""

from __future__ import annotations

from typing import Any

import orjson
from pydantic import BaseModel
from starlette.responses import Response

from app.core.pagination import Page


def model_response(model: BaseModel) -> Response:
    """The model as JSON, encoded by pydantic-core. A route returning this skips FastAPI's
    second validation of its own output against `response_model` (which stays on the route
    for the spec): the model was validated when it was built."""
    return Response(model.model_dump_json().encode(), media_type="application/json")


def only_id_required(schema: dict[str, Any]) -> None:
    """`json_schema_extra` for list items: with `select`, every field but `id` may be absent."""
    schema["required"] = ["id"]


def page_response(page: Page[Any], fields: list[str] | None) -> Response:
    """The page as JSON, or (with `select`) as JSON holding only the chosen fields.

    Encoded here for the same reason as `model_response`: FastAPI would validate the page
    again and encode it with the standard library's json, the larger part of a list
    request's cost after the queries."""
    if fields is None:
        return model_response(page)
    body = {
        "meta": page.meta.model_dump(),
        "results": [_pick(item, fields) for item in page.results],
    }
    return Response(orjson.dumps(body), media_type="application/json")


def _pick(item: BaseModel, fields: list[str]) -> dict[str, Any]:
    return item.model_dump(mode="json", include=set(fields))
