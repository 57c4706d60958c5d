"""The three budget lines every school budget has (人员经费, 公用经费, 专项经费); others are added by
administrators. Can run twice; the reverse removes only lines no budget uses."""

from django.db import migrations

LINES = [
    ("personnel", "人员经费", 1),
    ("public", "公用经费", 2),
    ("special", "专项经费", 3),
]


def add_lines(apps, schema_editor):
    BudgetLine = apps.get_model("sharing", "BudgetLine")
    for code, name, order in LINES:
        BudgetLine.objects.get_or_create(code=code, defaults={"name": name, "order": order})


def remove_lines(apps, schema_editor):
    BudgetLine = apps.get_model("sharing", "BudgetLine")
    BudgetLine.objects.filter(code__in=[code for code, _, _ in LINES], budgets__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("sharing", "0001_initial")]

    operations = [migrations.RunPython(add_lines, remove_lines)]
