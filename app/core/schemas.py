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
