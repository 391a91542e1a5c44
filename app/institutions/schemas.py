"""Response shapes for institutions."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel


class InstitutionOut(BaseModel):
    id: str
    display_name: str
    country: str | None
    provenance: Literal["imported", "stated"]
    works_count: int
    authors_count: int
