"""Platform managers oversee campaigns: they see all of them and may disable them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    manager, _ = Group.objects.get_or_create(name="Manager")
    for codename in ("view_all_campaigns", "disable_campaign"):
        manager.permissions.add(
            Permission.objects.get(content_type__app_label="campaigns", codename=codename)
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    manager = Group.objects.filter(name="Manager").first()
    if manager:
        manager.permissions.remove(
            *Permission.objects.filter(content_type__app_label="campaigns", codename__in=["view_all_campaigns", "disable_campaign"])
        )


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0001_initial"),
        ("accounts", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
