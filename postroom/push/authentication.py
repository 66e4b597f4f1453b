"""`Authorization: Key prk_…`: a registration key, read by the device registration endpoint only.

No other view lists this class, so anywhere else the key is not even parsed
(the caller is anonymous there). The authenticated "user" is the key's
`RegistrationCaller`, never a `User`: role checks refuse it everywhere.
"""

from dataclasses import dataclass
from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from postroom.push.models import RegistrationKey
from postroom.push.services.keys import registration_key_find

KEYWORD = "Key"


@dataclass(frozen=True)
class RegistrationCaller:
    key: RegistrationKey
    is_authenticated: bool = True
    is_active: bool = True
    is_anonymous: bool = False

    @property
    def workspace(self) -> Any:
        return self.key.workspace


class RegistrationKeyAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[RegistrationCaller, RegistrationKey] | None:
        words = authentication.get_authorization_header(request).split()
        if not words or words[0].decode(errors="replace") != KEYWORD:
            return None
        if len(words) != 2:
            raise exceptions.AuthenticationFailed("Give the key as `Key <key>`.")
        key = registration_key_find(words[1].decode(errors="replace"))
        if key is None:
            raise exceptions.AuthenticationFailed("Unknown or revoked registration key.")
        return RegistrationCaller(key), key

    def authenticate_header(self, request: Request) -> str:
        return KEYWORD


class RegistrationKeyScheme(OpenApiAuthenticationExtension):
    target_class = "postroom.push.authentication.RegistrationKeyAuthentication"
    name = "registrationKey"

    def get_security_definition(self, auto_schema: object) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Key <registration key>`: registers devices and nothing else.",
        }
