"""Every ORM model, imported here so that `Base.metadata` knows all tables."""

from app.models.accounts import AccessToken, Account, EmailToken, Follow, OutboxEmail
from app.models.authors import (
    Author,
    AuthorAffiliation,
    AuthorNameVariant,
    AuthorTopic,
    AuthorTrustHistory,
)
from app.models.base import Base
from app.models.claims import AuthorCorrection, AuthorWorkDecision, Claim
from app.models.collaboration import Invitation, InvitationMessage
from app.models.graph import CoauthorEdge
from app.models.ingest import HarvestState, IngestRun
from app.models.institutions import AuthorshipInstitution, Institution
from app.models.topics import Topic
from app.models.works import Authorship, Work, WorkTopic

__all__ = [
    "AccessToken",
    "Account",
    "Author",
    "AuthorAffiliation",
    "AuthorCorrection",
    "AuthorNameVariant",
    "AuthorTopic",
    "AuthorTrustHistory",
    "AuthorWorkDecision",
    "Authorship",
    "AuthorshipInstitution",
    "Base",
    "Claim",
    "CoauthorEdge",
    "EmailToken",
    "Follow",
    "HarvestState",
    "IngestRun",
    "Institution",
    "Invitation",
    "InvitationMessage",
    "OutboxEmail",
    "Topic",
    "Work",
    "WorkTopic",
]
