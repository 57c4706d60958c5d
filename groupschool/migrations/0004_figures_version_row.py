"""The version row of the dashboard's figures (groupschool/figures.py), present from the start."""

import uuid

from django.db import migrations

NAME = "figures"


def create_row(apps, schema_editor):
    DataVersion = apps.get_model("groupschool", "DataVersion")
    DataVersion.objects.get_or_create(name=NAME, defaults={"version": 0, "token": uuid.uuid4().hex})


def remove_row(apps, schema_editor):
    apps.get_model("groupschool", "DataVersion").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("groupschool", "0003_data_version")]

    operations = [migrations.RunPython(create_row, remove_row)]
