"""The OpenAPI schema declares the errors each operation can answer with.

Every error has the one shape of `postroom.core.rest.errors`; the codes follow from
the view: 400 for bad input, 401/403 behind authentication and roles, 404 for
unknown ids and pages, 409 for a delete refused while the object is in use,
415 for a body in a format the operation does not read, 429 where a throttle
applies. `make schema-check` holds the server to these declarations.
"""

from typing import Any, Literal

from drf_spectacular import openapi
from rest_framework import serializers
from rest_framework.permissions import AllowAny

_DESCRIPTIONS = {
    400: "Invalid input; `fields` names the fields at fault.",
    401: "No or a wrong token.",
    403: "The role in the chosen workspace does not allow this, or no such workspace.",
    404: "No such object (in this workspace), or no such page.",
    409: "The object is in use and cannot be deleted.",
    415: "The body is in a format this operation does not read.",
    429: "Too many requests; retry after the time in `Retry-After`.",
}


class ErrorDetailSerializer(serializers.Serializer):
    status = serializers.IntegerField()
    code = serializers.CharField()
    message = serializers.CharField()
    # The error's own `fields` key; DRF's metaclass takes it as a field, not the property.
    fields = serializers.DictField(  # type: ignore[assignment]
        required=False, help_text="Messages per field (validation errors only)."
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


class AutoSchema(openapi.AutoSchema):
    def _error_codes(self) -> list[int]:
        method = self.method.upper()
        codes = [400, 404]
        public = all(
            isinstance(p, type) and issubclass(p, AllowAny) for p in self.view.permission_classes
        )
        if not public:
            codes += [401, 403]
        if method == "DELETE":
            codes.append(409)
        if method in ("POST", "PUT", "PATCH"):
            codes.append(415)
        if getattr(self.view, "throttle_classes", ()):
            codes.append(429)
        return sorted(codes)

    def _get_response_bodies(
        self, direction: Literal["request", "response"] = "response"
    ) -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        ref = self.resolve_serializer(ErrorSerializer, direction).ref
        for code in self._error_codes():
            responses.setdefault(
                str(code),
                {
                    "description": _DESCRIPTIONS[code],
                    "content": {"application/json": {"schema": ref}},
                },
            )
        return responses
