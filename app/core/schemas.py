"""Small reference shapes shared by several domains (an id and a label)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class TopicRef(BaseModel):
    id: str = Field(examples=["T120"])
    code: str = Field(examples=["cs.CL"])
    display_name: str = Field(examples=["Computation and Language"])


class InstitutionRef(BaseModel):
    id: str
    display_name: str


# Free text in request bodies: no NUL (PostgreSQL cannot store it) and, for required
# text, at least one visible character. Patterns, so the OpenAPI spec says it too.
# Whitespace is spelled out rather than written `\s`: Python, Rust (pydantic-core) and
# hypothesis (schemathesis) each give `\s` a different set of control characters, and a
# pattern must mean the same to the server that enforces it and the client that reads it.
NOT_SPACE_CLASS = r"[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]"
NO_NUL_PATTERN = r"^[^\x00]*$"
SOME_TEXT_PATTERN = rf"^[^\x00]*{NOT_SPACE_CLASS}[^\x00]*$"
