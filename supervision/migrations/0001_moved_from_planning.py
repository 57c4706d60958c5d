"""Supervision visits, rectifications and typical experiences (and their history) form the
supervision app, in the migration state only: their tables, with every row, are renamed from
planning_* by planning/migrations/0010_supervision_expansion_moved_out."""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

import kernel.concurrency
import supervision.models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('campuses', '0004_expansion_moved_from_planning'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Experience',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('revision', kernel.concurrency.VersionField(help_text='Raised by one at each change; a save from an older version is refused.', verbose_name='revision')),
                        ('title', models.CharField(max_length=200, verbose_name='title')),
                        ('topic', models.CharField(choices=[('party_building', 'Party building'), ('governance', 'Internal governance and operation'), ('resource_sharing', 'Sharing of quality resources'), ('teachers', 'Teaching staff development'), ('teaching_quality', 'Teaching quality'), ('well_rounded', 'Well-rounded education'), ('other', 'Other')], max_length=30, verbose_name='topic')),
                        ('summary', models.CharField(blank=True, max_length=300, verbose_name='summary')),
                        ('body', models.TextField(verbose_name='text')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('status', models.CharField(choices=[('draft', 'Draft'), ('published', 'Published')], default='draft', max_length=20, verbose_name='status')),
                        ('published_at', models.DateTimeField(blank=True, null=True, verbose_name='published at')),
                        ('author', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='author')),
                        ('campus', models.ForeignKey(blank=True, help_text='Leave empty for an experience of the whole group.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='experiences', to='campuses.campus', verbose_name='campus')),
                    ],
                    options={
                        'verbose_name': 'typical experience',
                        'verbose_name_plural': 'typical experiences',
                        'ordering': ['-published_at', '-created_at', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='ExperienceAttachment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('revision', kernel.concurrency.VersionField(help_text='Raised by one at each change; a save from an older version is refused.', verbose_name='revision')),
                        ('name', models.CharField(max_length=200, verbose_name='name')),
                        ('file', models.FileField(upload_to=supervision.models.experience_upload_to, verbose_name='file')),
                        ('experience', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attachments', to='supervision.experience', verbose_name='typical experience')),
                    ],
                    options={
                        'verbose_name': 'attachment',
                        'verbose_name_plural': 'attachments',
                        'ordering': ['pk'],
                    },
                ),
                migrations.CreateModel(
                    name='HistoricalExperience',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('revision', kernel.concurrency.VersionField(help_text='Raised by one at each change; a save from an older version is refused.', verbose_name='revision')),
                        ('title', models.CharField(max_length=200, verbose_name='title')),
                        ('topic', models.CharField(choices=[('party_building', 'Party building'), ('governance', 'Internal governance and operation'), ('resource_sharing', 'Sharing of quality resources'), ('teachers', 'Teaching staff development'), ('teaching_quality', 'Teaching quality'), ('well_rounded', 'Well-rounded education'), ('other', 'Other')], max_length=30, verbose_name='topic')),
                        ('summary', models.CharField(blank=True, max_length=300, verbose_name='summary')),
                        ('body', models.TextField(verbose_name='text')),
                        ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='created at')),
                        ('status', models.CharField(choices=[('draft', 'Draft'), ('published', 'Published')], default='draft', max_length=20, verbose_name='status')),
                        ('published_at', models.DateTimeField(blank=True, null=True, verbose_name='published at')),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('author', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='author')),
                        ('campus', models.ForeignKey(blank=True, db_constraint=False, help_text='Leave empty for an experience of the whole group.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='campuses.campus', verbose_name='campus')),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'historical typical experience',
                        'verbose_name_plural': 'historical typical experiences',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='HistoricalExperienceAttachment',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('revision', kernel.concurrency.VersionField(help_text='Raised by one at each change; a save from an older version is refused.', verbose_name='revision')),
                        ('name', models.CharField(max_length=200, verbose_name='name')),
                        ('file', models.TextField(max_length=100, verbose_name='file')),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('experience', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='supervision.experience', verbose_name='typical experience')),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'historical attachment',
                        'verbose_name_plural': 'historical attachments',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='HistoricalSupervisionVisit',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('revision', kernel.concurrency.VersionField(help_text='Raised by one at each change; a save from an older version is refused.', verbose_name='revision')),
                        ('kind', models.CharField(choices=[('supervision', 'Supervision (工作督导)'), ('process_evaluation', 'Process evaluation (过程评估)')], default='supervision', max_length=20, verbose_name='kind')),
                        ('visited_on', models.DateField(verbose_name='visited on')),
                        ('team', models.CharField(help_text='Who visited, e.g. 督导室 张三、李四.', max_length=300, verbose_name='team')),
                        ('findings', models.TextField(verbose_name='findings')),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('campus', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='campuses.campus', verbose_name='campus')),
                        ('created_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recorded by')),
                        ('group', models.ForeignKey(blank=True, db_constraint=False, help_text='For a visit to the whole group; leave empty for a visit to one campus.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='campuses.educationgroup', verbose_name='education group')),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'historical supervision visit',
                        'verbose_name_plural': 'historical supervision visits',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='SupervisionVisit',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('revision', kernel.concurrency.VersionField(help_text='Raised by one at each change; a save from an older version is refused.', verbose_name='revision')),
                        ('kind', models.CharField(choices=[('supervision', 'Supervision (工作督导)'), ('process_evaluation', 'Process evaluation (过程评估)')], default='supervision', max_length=20, verbose_name='kind')),
                        ('visited_on', models.DateField(verbose_name='visited on')),
                        ('team', models.CharField(help_text='Who visited, e.g. 督导室 张三、李四.', max_length=300, verbose_name='team')),
                        ('findings', models.TextField(verbose_name='findings')),
                        ('campus', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='supervision_visits', to='campuses.campus', verbose_name='campus')),
                        ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recorded by')),
                        ('group', models.ForeignKey(blank=True, help_text='For a visit to the whole group; leave empty for a visit to one campus.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='supervision_visits', to='campuses.educationgroup', verbose_name='education group')),
                    ],
                    options={
                        'verbose_name': 'supervision visit',
                        'verbose_name_plural': 'supervision visits',
                        'ordering': ['-visited_on', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='Rectification',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('revision', kernel.concurrency.VersionField(help_text='Raised by one at each change; a save from an older version is refused.', verbose_name='revision')),
                        ('description', models.TextField(verbose_name='what to rectify')),
                        ('due_on', models.DateField(verbose_name='due on')),
                        ('status', models.CharField(choices=[('open', 'Open'), ('closed', 'Closed')], default='open', max_length=10, verbose_name='status')),
                        ('closed_at', models.DateTimeField(blank=True, null=True, verbose_name='closed at')),
                        ('closing_record', models.TextField(blank=True, verbose_name='what was done')),
                        ('closing_attachment', models.FileField(blank=True, upload_to=supervision.models.rectification_upload_to, verbose_name='attachment')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('campus', models.ForeignKey(blank=True, help_text='Leave empty for an item of the whole group.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='rectifications', to='campuses.campus', verbose_name='campus')),
                        ('closed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='closed by')),
                        ('owner', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='planning_rectifications', to=settings.AUTH_USER_MODEL, verbose_name='owner')),
                        ('visit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='rectifications', to='supervision.supervisionvisit', verbose_name='supervision visit')),
                    ],
                    options={
                        'verbose_name': 'rectification',
                        'verbose_name_plural': 'rectifications',
                        'ordering': ['due_on', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='HistoricalRectification',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('revision', kernel.concurrency.VersionField(help_text='Raised by one at each change; a save from an older version is refused.', verbose_name='revision')),
                        ('description', models.TextField(verbose_name='what to rectify')),
                        ('due_on', models.DateField(verbose_name='due on')),
                        ('status', models.CharField(choices=[('open', 'Open'), ('closed', 'Closed')], default='open', max_length=10, verbose_name='status')),
                        ('closed_at', models.DateTimeField(blank=True, null=True, verbose_name='closed at')),
                        ('closing_record', models.TextField(blank=True, verbose_name='what was done')),
                        ('closing_attachment', models.TextField(blank=True, max_length=100, verbose_name='attachment')),
                        ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='created at')),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('campus', models.ForeignKey(blank=True, db_constraint=False, help_text='Leave empty for an item of the whole group.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='campuses.campus', verbose_name='campus')),
                        ('closed_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='closed by')),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('owner', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='owner')),
                        ('visit', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='supervision.supervisionvisit', verbose_name='supervision visit')),
                    ],
                    options={
                        'verbose_name': 'historical rectification',
                        'verbose_name_plural': 'historical rectifications',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.AddConstraint(
                    model_name='experience',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'published'), _negated=True), ('published_at__isnull', False), _connector='OR'), name='experience_published_has_date', violation_error_message='A published experience has its publication date.'),
                ),
                migrations.AddConstraint(
                    model_name='supervisionvisit',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('group__isnull', False), ('campus__isnull', True)), models.Q(('group__isnull', True), ('campus__isnull', False)), _connector='OR'), name='visit_group_xor_campus', violation_error_message='A visit is to one group or to one campus, not both.'),
                ),
                migrations.AddIndex(
                    model_name='rectification',
                    index=models.Index(fields=['status', 'due_on'], name='planning_re_status_7e9907_idx'),
                ),
                migrations.AddConstraint(
                    model_name='rectification',
                    constraint=models.CheckConstraint(condition=models.Q(('status', 'open'), models.Q(('closed_by__isnull', False), ('closed_at__isnull', False), models.Q(('closing_record', ''), _negated=True)), _connector='OR'), name='rectification_closed_has_record', violation_error_message='A closed rectification records who closed it, when and what was done.'),
                ),
            ],
            database_operations=[],
        ),
    ]
