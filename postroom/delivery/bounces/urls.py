"""django-anymail's webhook URLs, guarded so that no call to them ends in a 500.

Anymail raises from the view itself when a provider's signing key is not set
(or its SDK is not installed): such an endpoint can authenticate nobody, so it
refuses every call with a 403 that says why. A body that is not what the
provider sends makes anymail's parsers raise on a missing key or a wrong type:
a 400, logged so that a change in a provider's format is noticed.
"""

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from anymail import urls as anymail_urls
from anymail.exceptions import AnymailConfigurationError, AnymailImproperlyInstalled
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern
from django.views.decorators.csrf import csrf_exempt

logger = logging.getLogger(__name__)

View = Callable[..., HttpResponse]


def _guarded(view: View) -> View:
    @csrf_exempt
    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except (AnymailConfigurationError, AnymailImproperlyInstalled):
            logger.warning(
                "webhook call to %s refused: the provider is not configured", request.path
            )
            return HttpResponse(
                "This provider's webhook is not configured (set its signing key).\n",
                status=403,
                content_type="text/plain",
            )
        except (KeyError, IndexError, TypeError, ValueError, AttributeError):
            logger.warning(
                "webhook call to %s refused: unreadable body", request.path, exc_info=True
            )
            return HttpResponse(
                "The body is not an event of this provider.\n",
                status=400,
                content_type="text/plain",
            )

    return guarded


urlpatterns = [
    URLPattern(p.pattern, _guarded(p.callback), p.default_args, p.name)
    for p in anymail_urls.urlpatterns
    if isinstance(p, URLPattern)
]
