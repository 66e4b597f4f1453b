from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication


class TokenAuthentication(authentication.TokenAuthentication):
    """`Authorization: Token <key>`; DRF refuses tokens of inactive (blocked) users."""


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "postroom.core.rest.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: object) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <key>`, from POST /api/v1/auth/token/",
        }
