"""Every ORM model, imported here so that `Base.metadata` knows all tables."""

from app.models.authors import (
    Author,
    AuthorAffiliation,
    AuthorNameVariant,
    AuthorTopic,
    AuthorTrustHistory,
)
from app.models.base import Base
from app.models.graph import CoauthorEdge
from app.models.ingest import HarvestState, IngestRun
from app.models.institutions import AuthorshipInstitution, Institution
from app.models.topics import Topic
from app.models.works import Authorship, Work, WorkTopic

__all__ = [
    "Author",
    "AuthorAffiliation",
    "AuthorNameVariant",
    "AuthorTopic",
    "AuthorTrustHistory",
    "Authorship",
    "AuthorshipInstitution",
    "Base",
    "CoauthorEdge",
    "HarvestState",
    "IngestRun",
    "Institution",
    "Topic",
    "Work",
    "WorkTopic",
]
