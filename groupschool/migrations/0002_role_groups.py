"""The six role groups exist from the first migration on, so that an administrator can give
roles in the admin of a fresh install (groupschool.roles.Role; names are the role values)."""

from django.db import migrations

ROLES = ("bureau", "evaluator", "personnel", "group_leadership", "campus_vp", "administrator")


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


def remove_empty_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=ROLES, user__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("groupschool", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_groups, remove_empty_groups)]
