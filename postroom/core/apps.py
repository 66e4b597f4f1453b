from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CoreConfig(AppConfig):
    name = "postroom.core"
    label = "core"
    default = True

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from postroom.core import lookups  # noqa: F401  (registers field__any)
        from postroom.core.sqlite import install_unicode_like

        connection_created.connect(install_unicode_like, dispatch_uid="postroom-unicode-like")


class AdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "postroom.core.admin_site.PostroomAdminSite"
