"""planning/migrations/0010 moves the supervision and expansion tables to their new apps without
losing a row: rows made before the move are read by the new models after it, and rows made in
the new apps are back in planning's tables after migrating backwards; the content types (admin
history, permissions, object permissions) move with them."""

import datetime

import pytest
from django.apps import apps as django_apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from campuses.models import ApplicationDocument, ApplicationStep, ExpansionApplication
from planning.models import Notification
from supervision.models import Experience, ExperienceAttachment, Rectification, SupervisionVisit
from tests.campuses.factories import CampusFactory, EducationGroupFactory, ExpansionApplicationFactory
from tests.kernel.factories import UserFactory

from .factories import ExperienceFactory, RectificationFactory, SupervisionVisitFactory

BEFORE = [("planning", "0009_revision")]


def _latest():
    """Every app's last migration: forwards again past the move, to the models of today."""
    return MigrationExecutor(connection).loader.graph.leaf_nodes()
MOVED = {
    "supervision": ("supervisionvisit", "rectification", "experience", "experienceattachment"),
    "campuses": ("expansionapplication", "applicationdocument", "applicationstep"),
}


def _migrate(targets):
    """Migrate to `targets`; the models as they are there (the state the executor reached)."""
    executor = MigrationExecutor(connection)
    return executor.migrate(targets).apps


def _labels(model_names) -> set[str]:
    return set(ContentType.objects.filter(model__in=model_names).values_list("app_label", flat=True))


def _counts(apps, app_label: str) -> dict[str, int]:
    """Rows of every moved model (and its history) as the state of `apps` reads them."""
    counts = {}
    for app, names in MOVED.items():
        for name in names:
            label = app_label or app
            counts[name] = apps.get_model(label, name).objects.count()
            if name != "applicationstep":
                counts[f"historical{name}"] = apps.get_model(label, f"historical{name}").objects.count()
    return counts


def _counts_now() -> dict[str, int]:
    """The same counts through the current models."""
    return _counts(django_apps, "")


@pytest.mark.django_db(transaction=True)
def test_rows_survive_the_move_backwards_and_forwards():
    campus = CampusFactory()
    owner = UserFactory()
    visit = SupervisionVisitFactory(campus=campus)
    rectification = RectificationFactory(visit=visit, owner=owner)
    experience = ExperienceFactory(campus=campus)
    ExperienceAttachment.objects.create(experience=experience, name="做法.pdf", file="x/做法.pdf")
    application = ExpansionApplicationFactory(
        target_group=EducationGroupFactory(), school=CampusFactory().school
    )
    application.member_schools.add(campus.school)
    ApplicationDocument.objects.create(
        application=application, name="申请.pdf", file="a.pdf", uploaded_by=owner
    )
    ApplicationStep.objects.create(
        application=application,
        step="create",
        to_status="draft",
        actor=owner,
        at=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC),
    )
    notification = Notification.objects.create(
        recipient=owner,
        kind="overdue",
        item_key=f"rectification:{rectification.pk}",
        day=datetime.date(2025, 1, 1),
    )
    Notification.objects.filter(pk=notification.pk).update(rectification=rectification)
    rect_type = ContentType.objects.get_for_model(Rectification)
    LogEntry.objects.log_actions(owner.pk, [rectification], CHANGE, change_message="整改")
    expected = {name: count for name, count in _counts_now().items()}
    assert expected["rectification"] == expected["experienceattachment"] == expected["applicationstep"] == 1
    assert expected["historicalrectification"] >= 1

    try:
        # Backwards: the rows are in planning's tables, read by planning's models again.
        old_apps = _migrate(BEFORE)
        assert _counts(old_apps, "planning") == expected
        assert _labels([n for names in MOVED.values() for n in names]) == {"planning"}
        OldRectification = old_apps.get_model("planning", "Rectification")
        assert OldRectification.objects.get(pk=rectification.pk).visit_id == visit.pk
        OldApplication = old_apps.get_model("planning", "ExpansionApplication")
        assert list(
            OldApplication.objects.get(pk=application.pk).member_schools.values_list("pk", flat=True)
        ) == [campus.school_id]
        assert old_apps.get_model("planning", "Notification").objects.get(
            pk=notification.pk
        ).rectification_id == (rectification.pk)
        # A row written in the old table before the move forwards.
        OldVisit = old_apps.get_model("planning", "SupervisionVisit")
        old_visit = OldVisit.objects.create(
            kind="supervision",
            visited_on=datetime.date(2024, 5, 1),
            campus_id=campus.pk,
            team="督导室",
            findings="旧表中的督导",
            created_by_id=owner.pk,
            revision=1,
        )
    finally:
        _migrate(_latest())

    # Forwards again: every row is read by the new apps' models.
    assert _counts_now() == expected | {"supervisionvisit": expected["supervisionvisit"] + 1}
    assert SupervisionVisit.objects.get(pk=old_visit.pk).findings == "旧表中的督导"
    assert Rectification.objects.get(pk=rectification.pk).visit == visit
    assert Experience.objects.get(pk=experience.pk).attachments.count() == 1
    assert list(ExpansionApplication.objects.get(pk=application.pk).member_schools.all()) == [campus.school]
    assert Notification.objects.get(pk=notification.pk).rectification == rectification
    # The content types moved, not copied: the admin log, permissions keep their models.
    assert _labels(MOVED["supervision"]) == {"supervision"}
    assert _labels(MOVED["campuses"]) == {"campuses"}
    assert ContentType.objects.get_for_model(Rectification).pk == rect_type.pk
    assert LogEntry.objects.get(
        object_id=str(rectification.pk), content_type=rect_type
    ).get_edited_object() == (rectification)
    assert Permission.objects.filter(content_type=rect_type, codename="change_rectification").exists()
