from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from postroom.core import views as core_views
from postroom.reports import dashboard_views

urlpatterns = [
    path("", dashboard_views.home, name="home"),
    path("health/", core_views.health, name="health"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("postroom.api.urls")),
    # Bounce and complaint events from email providers, each checked by its signature or secret.
    path("webhooks/anymail/", include("postroom.delivery.bounces.urls")),
    path("blog/", include("postroom.blog.urls")),
    path("", include("postroom.accounts.urls")),
    path("", include("postroom.audience.urls")),
    path("", include("postroom.content.urls")),
    path("", include("postroom.experiments.urls")),
    path("", include("postroom.delivery.urls")),
    path("", include("postroom.tracking.urls")),
    path("", include("postroom.reports.urls")),
    path("", include("postroom.crm.urls")),
    path("", include("postroom.webhooks.urls")),
    path("", include("postroom.push.urls")),
    path("", include("postroom.transactional.urls")),
    # Last: its app/campaigns/<pk>/<action>/ would take the other apps' campaign pages.
    path("", include("postroom.campaigns.urls")),
]

if settings.SERVE_MEDIA:
    # Uploaded blog images; a reverse proxy may serve MEDIA_ROOT itself instead.
    urlpatterns.append(
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})
    )
