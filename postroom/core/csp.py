"""A Content-Security-Policy on every response that does not set its own.

The app's pages load scripts from our static files only (no inline script or
event handler: `static/js/app.js` handles `data-confirm` and friends); inline
styles stay allowed (Bootstrap's components and email previews use them).
Images may come from anywhere, as a message's do in its preview. Forms post
to us only, and no other site may frame our pages. Pages that show tenant
mail set a stricter policy of their own (`MAIL_PAGE_POLICY`).
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

APP_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: https: http:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "frame-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

# Tenant mail on our domain (archive, web view): no script, no form, no plugin,
# no <base>, not framed; a sandbox with no rights but to open links in a new tab.
MAIL_PAGE_POLICY = "; ".join(
    [
        "default-src 'none'",
        "img-src * data:",
        "style-src * 'unsafe-inline'",
        "font-src * data:",
        "script-src 'none'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
        "sandbox allow-popups allow-popups-to-escape-sandbox",
    ]
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = APP_POLICY
        return response
