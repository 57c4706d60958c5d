"""The policy settings and data versions now belong to the kernel (kernel 0001): state only, the
tables stay."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('groupschool', '0006_revision'),
        ('kernel', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(
                    name='DataVersion',
                ),
                migrations.RemoveField(
                    model_name='historicalpolicysetting',
                    name='history_user',
                ),
                migrations.DeleteModel(
                    name='PolicySetting',
                ),
                migrations.DeleteModel(
                    name='HistoricalPolicySetting',
                ),
            ],
            database_operations=[],
        ),
    ]
