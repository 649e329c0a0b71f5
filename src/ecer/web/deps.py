"""Request-scoped dependencies shared by the API and the pages."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from ecer.storage.db import require_initialised, session_scope


def request_session(request: Request) -> AbstractContextManager[Session]:
    """A unit of work for this request. The schema is checked on the app's first use, not on every
    request (reading the migration scripts each time cost most of a cheap request's time)."""
    state = request.app.state
    if not getattr(state, "schema_checked", False):
        require_initialised(state.database_url)
        state.schema_checked = True
    return session_scope(state.database_url, check=False)


def get_session(request: Request) -> Iterator[Session]:
    """One unit of work per request: committed when the handler returns, rolled back on error."""
    with request_session(request) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]
