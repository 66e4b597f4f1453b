from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle


class EmailRateThrottle(SimpleRateThrottle):
    """Limit attempts per account named in the body, whatever address they come from."""

    scope = "auth_email"

    def get_cache_key(self, request: Request, view: object) -> str | None:
        email = request.data.get("email") if hasattr(request.data, "get") else None
        if not isinstance(email, str) or not email.strip():
            return None
        return self.cache_format % {"scope": self.scope, "ident": email.strip().lower()}
