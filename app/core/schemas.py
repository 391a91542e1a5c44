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
NO_NUL_PATTERN = r"^[^\x00]*$"
SOME_TEXT_PATTERN = r"^[^\x00]*\S[^\x00]*$"
