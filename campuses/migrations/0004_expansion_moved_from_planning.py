"""Expansion applications (ExpansionApplication, ApplicationDocument, ApplicationStep and their
history) join the campuses app, in the migration state only: their tables, with every row, are
renamed from planning_* by planning/migrations/0010_supervision_expansion_moved_out."""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

import campuses.models
import kernel.concurrency


class Migration(migrations.Migration):

    dependencies = [
        ('campuses', '0003_revision'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ExpansionApplication',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('revision', kernel.concurrency.VersionField(help_text='Raised by one at each change; a save from an older version is refused.', verbose_name='revision')),
                        ('kind', models.CharField(choices=[('new_group', 'Form a new education group'), ('admit_school', 'Admit a school into a group')], max_length=20, verbose_name='kind')),
                        ('proposed_name', models.CharField(blank=True, max_length=100, verbose_name='proposed group name')),
                        ('proposed_code', models.SlugField(blank=True, help_text='Letters, digits and hyphens.', max_length=40, verbose_name='proposed group code')),
                        ('governance_mode', models.CharField(blank=True, choices=[('unified', 'Unified: one legal person, one account'), ('federated', 'Federated: member schools keep their legal person')], max_length=20, verbose_name='governance mode')),
                        ('reason', models.TextField(blank=True, verbose_name='reasons and plan')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('status', models.CharField(choices=[('draft', 'Draft'), ('submitted', 'Submitted'), ('under_review', 'Under review'), ('approved', 'Approved'), ('rejected', 'Rejected')], default='draft', max_length=20, verbose_name='status')),
                        ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='decided at')),
                        ('applicant', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='expansion_applications', to=settings.AUTH_USER_MODEL, verbose_name='applicant')),
                        ('core_school', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='campuses.school', verbose_name='core school')),
                        ('created_group', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='campuses.educationgroup', verbose_name='resulting group')),
                        ('member_schools', models.ManyToManyField(blank=True, help_text='The other schools of the new group, besides its core school.', related_name='+', to='campuses.school', verbose_name='member schools')),
                        ('school', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='campuses.school', verbose_name='school to admit')),
                        ('target_group', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='campuses.educationgroup', verbose_name='group to join')),
                    ],
                    options={
                        'verbose_name': 'expansion application',
                        'verbose_name_plural': 'expansion applications',
                        'ordering': ['-created_at', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='ApplicationStep',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('step', models.CharField(choices=[('create', 'Drafted'), ('submit', 'Submitted'), ('review', 'Taken under review'), ('approve', 'Approved'), ('reject', 'Rejected')], max_length=20, verbose_name='step')),
                        ('from_status', models.CharField(blank=True, choices=[('draft', 'Draft'), ('submitted', 'Submitted'), ('under_review', 'Under review'), ('approved', 'Approved'), ('rejected', 'Rejected')], max_length=20, verbose_name='from')),
                        ('to_status', models.CharField(choices=[('draft', 'Draft'), ('submitted', 'Submitted'), ('under_review', 'Under review'), ('approved', 'Approved'), ('rejected', 'Rejected')], max_length=20, verbose_name='to')),
                        ('decision', models.CharField(blank=True, choices=[('approved', 'Approved'), ('rejected', 'Rejected')], max_length=20, verbose_name='decision')),
                        ('at', models.DateTimeField(verbose_name='at')),
                        ('comment', models.TextField(blank=True, verbose_name='comment')),
                        ('actor', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                        ('application', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='steps', to='campuses.expansionapplication', verbose_name='expansion application')),
                    ],
                    options={
                        'verbose_name': 'application step',
                        'verbose_name_plural': 'application steps',
                        'ordering': ['at', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='ApplicationDocument',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('revision', kernel.concurrency.VersionField(help_text='Raised by one at each change; a save from an older version is refused.', verbose_name='revision')),
                        ('name', models.CharField(max_length=200, verbose_name='name')),
                        ('file', models.FileField(upload_to=campuses.models.application_upload_to, verbose_name='file')),
                        ('uploaded_at', models.DateTimeField(auto_now_add=True, verbose_name='uploaded at')),
                        ('uploaded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='uploaded by')),
                        ('application', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='documents', to='campuses.expansionapplication', verbose_name='expansion application')),
                    ],
                    options={
                        'verbose_name': 'application document',
                        'verbose_name_plural': 'application documents',
                        'ordering': ['uploaded_at', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='HistoricalApplicationDocument',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('revision', kernel.concurrency.VersionField(help_text='Raised by one at each change; a save from an older version is refused.', verbose_name='revision')),
                        ('name', models.CharField(max_length=200, verbose_name='name')),
                        ('file', models.TextField(max_length=100, verbose_name='file')),
                        ('uploaded_at', models.DateTimeField(blank=True, editable=False, verbose_name='uploaded at')),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('application', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='campuses.expansionapplication', verbose_name='expansion application')),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('uploaded_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='uploaded by')),
                    ],
                    options={
                        'verbose_name': 'historical application document',
                        'verbose_name_plural': 'historical application documents',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='HistoricalExpansionApplication',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('revision', kernel.concurrency.VersionField(help_text='Raised by one at each change; a save from an older version is refused.', verbose_name='revision')),
                        ('kind', models.CharField(choices=[('new_group', 'Form a new education group'), ('admit_school', 'Admit a school into a group')], max_length=20, verbose_name='kind')),
                        ('proposed_name', models.CharField(blank=True, max_length=100, verbose_name='proposed group name')),
                        ('proposed_code', models.SlugField(blank=True, help_text='Letters, digits and hyphens.', max_length=40, verbose_name='proposed group code')),
                        ('governance_mode', models.CharField(blank=True, choices=[('unified', 'Unified: one legal person, one account'), ('federated', 'Federated: member schools keep their legal person')], max_length=20, verbose_name='governance mode')),
                        ('reason', models.TextField(blank=True, verbose_name='reasons and plan')),
                        ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='created at')),
                        ('status', models.CharField(choices=[('draft', 'Draft'), ('submitted', 'Submitted'), ('under_review', 'Under review'), ('approved', 'Approved'), ('rejected', 'Rejected')], default='draft', max_length=20, verbose_name='status')),
                        ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='decided at')),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('applicant', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='applicant')),
                        ('core_school', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='campuses.school', verbose_name='core school')),
                        ('created_group', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='campuses.educationgroup', verbose_name='resulting group')),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('school', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='campuses.school', verbose_name='school to admit')),
                        ('target_group', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='campuses.educationgroup', verbose_name='group to join')),
                    ],
                    options={
                        'verbose_name': 'historical expansion application',
                        'verbose_name_plural': 'historical expansion applications',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.AddConstraint(
                    model_name='expansionapplication',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'new_group'), _negated=True), models.Q(models.Q(('proposed_name', ''), _negated=True), models.Q(('proposed_code', ''), _negated=True), ('target_group__isnull', True), ('school__isnull', True)), _connector='OR'), name='application_new_group_fields', violation_error_message='A new group needs a name and a code, and no group to join.'),
                ),
                migrations.AddConstraint(
                    model_name='expansionapplication',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'admit_school'), _negated=True), models.Q(('target_group__isnull', False), ('school__isnull', False)), _connector='OR'), name='application_admission_fields', violation_error_message='An admission names the group and the school.'),
                ),
            ],
            database_operations=[],
        ),
    ]
