"""Public ids: a type letter and the row id ("A123", "W45"), so a graph node says what it is.

Row ids are never reused (AUTOINCREMENT on SQLite, sequences on PostgreSQL), so a public id
stays valid across re-ingestion; merged authors answer with a redirect to the survivor.
"""

from __future__ import annotations

from enum import StrEnum

from app.core.errors import BadRequest

MAX_ROW_ID = 2**62
MAX_TOPIC_ROW_ID = 2**31 - 1  # topics.id is a 32-bit INTEGER

# Patterns for the OpenAPI spec (path and query parameters); parse_public_id re-checks.
AUTHOR_REF_PATTERN = r"^A[1-9][0-9]{0,17}$"
AUTHOR_ID_PATTERN = (
    r"^(A[1-9][0-9]{0,17}|orcid:(https?://orcid\.org/)?[0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{3}[0-9X])$"
)
INSTITUTION_ID_PATTERN = r"^I[1-9][0-9]{0,17}$"
# Topic rows are a 32-bit integer (a few hundred taxonomy entries): nine digits at most, so
# an id PostgreSQL could not even compare is refused up front instead of failing the query.
TOPIC_ID_PATTERN = r"^(T[1-9][0-9]{0,8}|[a-z][a-z_-]{1,20}(\.[A-Za-z][A-Za-z-]{1,20})?)$"


class Kind(StrEnum):
    AUTHOR = "A"
    WORK = "W"
    TOPIC = "T"
    INSTITUTION = "I"


def public_id(kind: Kind, row_id: int) -> str:
    return f"{kind.value}{row_id}"


def parse_public_id(value: str, kind: Kind, *, field: str = "id") -> int:
    """The row id in `value`, or a 400 naming the field: "A12" -> 12 for Kind.AUTHOR."""
    digits = value[1:] if value[:1].upper() == kind.value else ""
    if not digits.isascii() or not digits.isdigit() or len(digits) > 19:
        raise BadRequest.for_field(
            field, f"'{value[:40]}' is not a valid id; expected '{kind.value}' followed by digits."
        )
    row_id = int(digits)
    if not 0 < row_id < (MAX_TOPIC_ROW_ID if kind is Kind.TOPIC else MAX_ROW_ID):
        raise BadRequest.for_field(field, f"'{value[:40]}' is out of range.")
    return row_id


def kind_of(value: str) -> Kind | None:
    try:
        return Kind(value[:1].upper())
    except ValueError:
        return None
