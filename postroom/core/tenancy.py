"""The one scoping helper: every query of customer data goes through here.

Customer objects belong to a workspace; nothing is fetched by primary key alone.
Views call `scoped()` / `get_scoped_or_404()` with the request's workspace
(set by `postroom.accounts.middleware.WorkspaceMiddleware` or the API's
workspace resolution), so an id from another workspace is simply not found.
"""

from typing import Any, TypeVar

from django.db import models
from django.http import Http404

M = TypeVar("M", bound=models.Model)


def scoped(
    source: type[M] | models.QuerySet[M], workspace: Any, *, field: str = "workspace"
) -> models.QuerySet[M]:
    """The rows of `source` that belong to `workspace` (none when there is no workspace)."""
    queryset = source._default_manager.all() if isinstance(source, type) else source
    if workspace is None:
        return queryset.none()
    return queryset.filter(**{field: workspace})


def get_scoped_or_404(
    source: type[M] | models.QuerySet[M], workspace: Any, *, field: str = "workspace", **lookup: Any
) -> M:
    """One row of `source` in `workspace`; 404 when it is absent or belongs elsewhere."""
    try:
        return scoped(source, workspace, field=field).get(**lookup)
    except (models.ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
