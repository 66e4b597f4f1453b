"""Serializer fields shared by the apps' APIs."""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from postroom.core.tenancy import scoped


class WorkspaceRelatedField(serializers.PrimaryKeyRelatedField):
    """An id of one of the request's workspace's rows, answered alike when missing or foreign.

    The queryset is scoped to `context["workspace"]` (none without one), so
    another workspace's id is not found; and "not found" is one message for
    both, so the answer does not tell whether the id exists elsewhere.
    """

    default_error_messages = {"does_not_exist": _("Not found.")}

    def get_queryset(self) -> QuerySet[Any]:
        queryset = super().get_queryset()
        assert queryset is not None, "give the field a queryset"
        return scoped(queryset, self.context.get("workspace"))
