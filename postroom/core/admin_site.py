from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


class PostroomAdminSite(admin.AdminSite):
    """The admin, opened to platform staff by permission rather than by `is_staff` alone.

    Content managers run the blog here; membership of the "Content manager" group
    is enough, nobody has to remember to tick "staff status" as well.
    """

    site_header = _("Postroom administration")
    site_title = _("Postroom admin")

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        if not user.is_active:
            return False
        return bool(user.is_staff or user.has_perm("blog.change_post"))
