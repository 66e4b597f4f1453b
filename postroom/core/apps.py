from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CoreConfig(AppConfig):
    name = "postroom.core"
    label = "core"
    default = True


class AdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "postroom.core.admin_site.PostroomAdminSite"
