"""One error format for the whole API.

    {"error": {"status": 400, "code": "invalid", "message": "...", "fields": {"email": ["..."]}}}

`fields` is present for validation errors only.
"""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state of the resource."
    default_code = "conflict"


def _protected(exc: ProtectedError | RestrictedError) -> Conflict:
    """A delete refused because other rows still point at the object: name a few of them."""
    users = list(
        exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects
    )
    names = ", ".join(f"“{obj}”" for obj in users[:5])
    if len(users) > 5:
        names += _(" and %(n)d more") % {"n": len(users) - 5}
    kind = users[0]._meta.verbose_name_plural if users else ""
    return Conflict(
        _("It cannot be deleted while it is in use (%(kind)s: %(names)s).")
        % {"kind": kind, "names": names},
        code="protected",
    )


def _from_django(exc: Exception) -> Exception:
    if isinstance(exc, DjangoValidationError):
        detail: Any = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        return exceptions.ValidationError(detail)
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, ProtectedError | RestrictedError):
        return _protected(exc)
    return exc


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    exc = _from_django(exc)
    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    error: dict[str, Any] = {"status": response.status_code}
    if isinstance(exc, exceptions.ValidationError):
        error["code"] = "invalid"
        if isinstance(exc.detail, dict):
            error["fields"] = exc.detail
            non_field: Any = exc.detail.get("non_field_errors")
            error["message"] = str(non_field[0]) if non_field else "Invalid input."
        else:
            messages = exc.detail if isinstance(exc.detail, list) else [exc.detail]
            error["message"] = " ".join(str(m) for m in messages)
    else:
        codes = exc.get_codes()
        error["code"] = codes if isinstance(codes, str) else "error"
        error["message"] = str(exc.detail)
    response.data = {"error": error}
    return response


def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Unknown API paths answer in the API's error format, not with an HTML page."""
    return JsonResponse(
        {"error": {"status": 404, "code": "not_found", "message": "No such API endpoint."}},
        status=404,
    )
