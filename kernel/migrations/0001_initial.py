"""The policy settings and data versions move from groupschool to the kernel without moving a row.

State: the models are created here (and deleted from groupschool in its 0007). Database:
nothing; the tables keep their names (`db_table`, the history table too). The content types are
renamed, so the permissions (`groupschool.change_policysetting` becomes
`kernel.change_policysetting`), their grants, and the admin log keep pointing at them.
"""

import django.db.models.deletion
import kernel.concurrency
import simple_history.models
from django.conf import settings
from django.db import migrations, models

MOVED = ("policysetting", "historicalpolicysetting", "dataversion")


def _rename_content_types(apps, source: str, target: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        moving = ContentType.objects.filter(app_label=source, model=model).first()
        if moving is None:
            continue
        # A row of the target label made meanwhile (post_migrate) has no grants worth keeping.
        ContentType.objects.filter(app_label=target, model=model).delete()
        moving.app_label = target
        moving.save(update_fields=["app_label"])


def content_types_to_kernel(apps, schema_editor) -> None:
    _rename_content_types(apps, "groupschool", "kernel")


def content_types_to_groupschool(apps, schema_editor) -> None:
    _rename_content_types(apps, "kernel", "groupschool")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("contenttypes", "0002_remove_content_type_name"),
        # The tables were created by groupschool's migrations.
        ("groupschool", "0006_revision"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='DataVersion',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.SlugField(max_length=40, unique=True, verbose_name='name')),
                        ('version', models.PositiveBigIntegerField(default=0, verbose_name='version')),
                        ('token', models.CharField(blank=True, max_length=32, verbose_name='token')),
                    ],
                    options={
                        'verbose_name': 'data version',
                        'verbose_name_plural': 'data versions',
                        'db_table': 'groupschool_dataversion',
                    },
                ),
                migrations.CreateModel(
                    name='PolicySetting',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('revision', kernel.concurrency.VersionField(help_text='Raised by one at each change; a save from an older version is refused.', verbose_name='revision')),
                        ('key', models.CharField(choices=[('rotation_share_target', 'Share of eligible teachers exchanged per year (at least)'), ('rotation_backbone_share_target', 'Backbone teachers among those exchanged (at least)'), ('rotation_eligible_years', 'Years at one campus after which a teacher is eligible for exchange'), ('rotation_min_years', 'Length of an exchange (at least)'), ('big_class_from', 'Big class (大班额): pupils in a class, from'), ('super_big_class_from', 'Very big class (超大班额): pupils in a class, from'), ('class_size_standard_primary', 'Standard class size, primary'), ('class_size_standard_junior', 'Standard class size, junior secondary'), ('school_size_max', 'School size for high-quality balance, primary and junior (at most)'), ('school_size_max_nine_year', 'School size for high-quality balance, nine-year school (at most)'), ('mentorship_months', 'Length of a mentoring pair')], max_length=64, unique=True, verbose_name='rule')),
                        ('value', models.DecimalField(decimal_places=2, max_digits=10, verbose_name='value')),
                        ('note', models.TextField(blank=True, help_text='Why the bureau set this value.', verbose_name='note')),
                    ],
                    options={
                        'verbose_name': 'policy setting',
                        'verbose_name_plural': 'policy settings',
                        'db_table': 'groupschool_policysetting',
                        'ordering': ['key'],
                    },
                ),
                migrations.CreateModel(
                    name='HistoricalPolicySetting',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('revision', kernel.concurrency.VersionField(help_text='Raised by one at each change; a save from an older version is refused.', verbose_name='revision')),
                        ('key', models.CharField(choices=[('rotation_share_target', 'Share of eligible teachers exchanged per year (at least)'), ('rotation_backbone_share_target', 'Backbone teachers among those exchanged (at least)'), ('rotation_eligible_years', 'Years at one campus after which a teacher is eligible for exchange'), ('rotation_min_years', 'Length of an exchange (at least)'), ('big_class_from', 'Big class (大班额): pupils in a class, from'), ('super_big_class_from', 'Very big class (超大班额): pupils in a class, from'), ('class_size_standard_primary', 'Standard class size, primary'), ('class_size_standard_junior', 'Standard class size, junior secondary'), ('school_size_max', 'School size for high-quality balance, primary and junior (at most)'), ('school_size_max_nine_year', 'School size for high-quality balance, nine-year school (at most)'), ('mentorship_months', 'Length of a mentoring pair')], db_index=True, max_length=64, verbose_name='rule')),
                        ('value', models.DecimalField(decimal_places=2, max_digits=10, verbose_name='value')),
                        ('note', models.TextField(blank=True, help_text='Why the bureau set this value.', verbose_name='note')),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'historical policy setting',
                        'verbose_name_plural': 'historical policy settings',
                        'db_table': 'groupschool_historicalpolicysetting',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_to_kernel, content_types_to_groupschool),
    ]
