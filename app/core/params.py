"""Path and query parameter types that routers of several domains share."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path

from app.core.ids import AUTHOR_ID_PATTERN
from app.core.pagination import PageParams, page_params

AuthorIdPath = Annotated[
    str, Path(pattern=AUTHOR_ID_PATTERN, description="`A123` or `orcid:0000-0002-1825-0097`.")
]
RowIdPath = Annotated[int, Path(ge=1, le=2**62)]
PageDep = Annotated[PageParams, Depends(page_params)]
