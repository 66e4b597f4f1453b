from typing import Any
from urllib.parse import urlencode

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class PostroomAdminSite(admin.AdminSite):
    """The admin, opened to platform staff by permission rather than by `is_staff` alone.

    Content managers run the blog here; membership of the "Content manager" group
    is enough, nobody has to remember to tick "staff status" as well.
    """

    site_header = _("Postroom administration")
    site_title = _("Postroom admin")

    def login(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        # One log-in for everybody (allauth: verification, blocking, rate limits).
        url = reverse("account_login")
        return redirect(
            f"{url}?{urlencode({'next': request.GET.get('next', reverse('admin:index'))})}"
        )

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        if not user.is_active:
            return False
        return bool(user.is_staff or user.has_perm("blog.change_post"))
