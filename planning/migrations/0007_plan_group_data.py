"""Today's plan is 龙师附小's: phases, measures, and the group-wide documents and meetings are given
the group of the plan's core school (code `longshi`, fixtures/longshi_plan.json); a campus's
document or meeting is its campus's group's. Runs twice safely (only empty groups are filled);
the reverse empties them again."""

from django.db import migrations

PLAN_GROUP_CODE = "longshi"


def plan_group(EducationGroup):
    return (
        EducationGroup.objects.filter(code=PLAN_GROUP_CODE).first()
        or EducationGroup.objects.order_by("pk").first()
    )


def assign_groups(apps, schema_editor):
    EducationGroup = apps.get_model("campuses", "EducationGroup")
    models = [apps.get_model("planning", name) for name in ("Phase", "Measure", "Document", "Meeting")]
    if not any(model.objects.filter(group__isnull=True).exists() for model in models):
        return
    group = plan_group(EducationGroup)
    if group is None:
        group = EducationGroup.objects.create(code=PLAN_GROUP_CODE, name="龙师附小教育集团")
    Phase, Measure, Document, Meeting = models
    Phase.objects.filter(group__isnull=True).update(group=group)
    Measure.objects.filter(group__isnull=True).update(group=group)
    for model in (Document, Meeting):
        for row in model.objects.filter(group__isnull=True, campus__isnull=False).select_related(
            "campus__school"
        ):
            model.objects.filter(pk=row.pk).update(group_id=row.campus.school.group_id or group.pk)
        model.objects.filter(group__isnull=True).update(group=group)


def clear_groups(apps, schema_editor):
    for name in ("Phase", "Measure", "Document", "Meeting"):
        apps.get_model("planning", name).objects.update(group=None)


class Migration(migrations.Migration):
    dependencies = [
        ("campuses", "0002_initial"),
        ("planning", "0006_plan_group"),
    ]

    operations = [migrations.RunPython(assign_groups, clear_groups)]
