"""Response shapes for works."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from app.authors.schemas import AuthorRef
from app.core.responses import only_id_required
from app.core.schemas import TopicRef


class WorkIds(BaseModel):
    arxiv: str = Field(examples=["0704.0001"])
    arxiv_versioned: str | None = Field(examples=["0704.0001v2"])
    doi: str | None
    dois: list[str]


class AuthorshipOut(BaseModel):
    position: int = Field(description="1-based order on the paper.")
    raw_name: str = Field(description="The name exactly as the source wrote it.")
    display_name: str
    author: AuthorRef | None
    affiliations: list[str]


class VersionOut(BaseModel):
    version: str = Field(examples=["v1"])
    created: datetime


class WorkOut(BaseModel):
    """A work. In lists with `select`, only the chosen fields (and `id`) are present."""

    model_config = ConfigDict(json_schema_extra=only_id_required)

    id: str = Field(examples=["W17"])
    ids: WorkIds
    title: str = Field(description="As written, LaTeX kept.")
    abstract: str
    type: str = Field(examples=["article", "preprint", "conference-paper"])
    publication_date: date | None = Field(description="Date of the first arXiv version.")
    year: int | None
    venue: str | None
    journal_ref: str | None
    comments: str | None
    report_no: str | None
    license: str | None
    primary_category: str | None
    categories: list[str]
    topics: list[TopicRef]
    authorships: list[AuthorshipOut] = Field(
        description="In order. Lists and previews carry the first 100; the work itself, all."
    )
    authors_count: int
    is_authors_truncated: bool = Field(
        default=False, description="True when `authorships` holds fewer than `authors_count`."
    )
    versions: list[VersionOut]
    is_withdrawn: bool
    updated_date: date | None = Field(description="arXiv's last-update date of the record.")
    abs_url: str
    pdf_url: str


WORK_FIELDS = tuple(WorkOut.model_fields)
