"""Create the platform staff groups "Manager" and "Content manager" with their permissions.

Permissions are normally created after all migrations ran; they are created here
first so that a fresh database has complete groups without any manual command.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = {
    "Manager": [
        ("accounts", "view_all_users"),
        ("accounts", "block_user"),
        ("accounts", "view_user"),
        ("accounts", "view_workspace"),
    ],
    "Content manager": [
        ("blog", "add_post"),
        ("blog", "change_post"),
        ("blog", "delete_post"),
        ("blog", "view_post"),
    ],
}


def create_groups(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codename in codenames:
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("blog", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
