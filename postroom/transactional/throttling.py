from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle


class ApiKeyRateThrottle(SimpleRateThrottle):
    """TX_RATE_PER_MINUTE sends a minute per API token (per user for a browser session)."""

    scope = "tx"

    def get_rate(self) -> str:
        return f"{settings.TX_RATE_PER_MINUTE}/min"

    def get_cache_key(self, request: Request, view: object) -> str | None:
        token = getattr(request.auth, "key", None)
        ident = f"token:{token}" if token else f"user:{request.user.pk}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
