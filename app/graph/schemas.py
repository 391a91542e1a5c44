"""Response shapes for coauthor edges."""

from __future__ import annotations

from pydantic import BaseModel, Field

from app.authors.schemas import AuthorRef


class CoauthorEdgeOut(BaseModel):
    source: AuthorRef
    target: AuthorRef
    shared_works: int
    first_year: int | None
    last_year: int | None
    strength: float = Field(description="Sum over shared works of 1/(authors on the work - 1).")
    close: bool = Field(description="Meets the close-collaborator rule (see docs/api.md).")
