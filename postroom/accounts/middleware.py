"""Each request shows times in its user's zone (their profile's; UTC until the browser tells it)."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from postroom.core.zones import zone_named

API_PREFIX = "/api/"


class UserTimeZoneMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        zone = None
        # The API speaks UTC to every caller (DRF writes datetimes in the
        # active zone: a session caller would otherwise get other offsets than
        # a token caller, and naive input would read differently). Without a
        # session cookie nobody is signed in: the user (and so the session) is
        # left alone, so anonymous responses do not vary on cookies.
        if (
            not request.path.startswith(API_PREFIX)
            and settings.SESSION_COOKIE_NAME in request.COOKIES
        ):
            user = getattr(request, "user", None)
            zone = zone_named(getattr(user, "time_zone", "")) if user is not None else None
        if zone is not None:
            timezone.activate(zone)
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            # Threads serve other users next: never leave one user's zone behind.
            timezone.deactivate()
