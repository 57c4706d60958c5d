"""Supervision (visits, rectifications, typical experiences) and expansion applications leave
planning, without losing a row: their tables are renamed, not copied.

- state: the models (and their django-simple-history models) are deleted here and created in
  supervision/0001 and campuses/0004 (state only there); the notification's link to a
  rectification now points at supervision.Rectification;
- database: each table (and the expansion application's member-schools table) is renamed from
  planning_<model> to supervision_<model> or campuses_<model>; foreign keys pointing at them
  follow the rename (PostgreSQL and SQLite ≥ 3.26 both rewrite them), so no column changes;
- content types are moved to their new app label, so the admin's history, django-guardian's and
  the permissions' rows (all keyed by content type) keep pointing at the same models.
Reversible: backwards renames the tables and content types back.
Tested in tests/supervision/test_move_migration.py.
"""

import django.db.models.deletion
from django.db import migrations, models

#: model → its new app (tables planning_<model> become <app>_<model>).
MOVED = {
    "supervisionvisit": "supervision",
    "historicalsupervisionvisit": "supervision",
    "rectification": "supervision",
    "historicalrectification": "supervision",
    "experience": "supervision",
    "historicalexperience": "supervision",
    "experienceattachment": "supervision",
    "historicalexperienceattachment": "supervision",
    "expansionapplication": "campuses",
    "historicalexpansionapplication": "campuses",
    "applicationdocument": "campuses",
    "historicalapplicationdocument": "campuses",
    "applicationstep": "campuses",
}


def _move_content_types(apps, schema_editor, *, forwards: bool) -> None:
    """Give the moved models' content types their new app label (or back). A content type made
    under the other label meanwhile (post_migrate of a run that stopped halfway) is dropped first:
    the one moved keeps the permissions, admin log and object permissions pointing at it."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model, app in MOVED.items():
        old, new = ("planning", app) if forwards else (app, "planning")
        moving = ContentType.objects.using(db).filter(app_label=old, model=model)
        if moving.exists():
            ContentType.objects.using(db).filter(app_label=new, model=model).delete()
            moving.update(app_label=new)


def content_types_forwards(apps, schema_editor):
    _move_content_types(apps, schema_editor, forwards=True)


def content_types_backwards(apps, schema_editor):
    _move_content_types(apps, schema_editor, forwards=False)


class Migration(migrations.Migration):

    dependencies = [
        ('planning', '0009_revision'),
        ('supervision', '0001_moved_from_planning'),
        ('campuses', '0004_expansion_moved_from_planning'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='notification',
                    name='rectification',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='supervision.rectification', verbose_name='rectification'),
                ),
                migrations.DeleteModel(name="HistoricalApplicationDocument"),
                migrations.DeleteModel(name="HistoricalExpansionApplication"),
                migrations.DeleteModel(name="HistoricalExperience"),
                migrations.DeleteModel(name="HistoricalExperienceAttachment"),
                migrations.DeleteModel(name="HistoricalRectification"),
                migrations.DeleteModel(name="HistoricalSupervisionVisit"),
                migrations.DeleteModel(name="ApplicationStep"),
                migrations.DeleteModel(name="ApplicationDocument"),
                migrations.DeleteModel(name="ExpansionApplication"),
                migrations.DeleteModel(name="ExperienceAttachment"),
                migrations.DeleteModel(name="Experience"),
                migrations.DeleteModel(name="Rectification"),
                migrations.DeleteModel(name="SupervisionVisit"),
            ],
            database_operations=[
                migrations.AlterModelTable(name=model, table=f"{app}_{model}") for model, app in MOVED.items()
            ],
        ),
        migrations.RunPython(content_types_forwards, content_types_backwards),
    ]
