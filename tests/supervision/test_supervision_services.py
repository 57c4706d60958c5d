"""Supervision visits and rectifications: the rules of the services (who sets, who closes, what a
closing records), the one door (`for_user`) and history."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from campuses.models import EducationGroup
from supervision import services
from supervision.models import Rectification, SupervisionVisit
from tests.campuses.factories import CampusFactory

from .factories import RectificationFactory, SupervisionVisitFactory

VISITED = datetime.date(2025, 3, 10)
DUE = datetime.date(2025, 6, 30)


@pytest.fixture
def group(plan):
    return EducationGroup.objects.get(code="longshi")


def make_visit(user, **target):
    return services.supervision_visit_create(
        user=user,
        kind="supervision",
        visited_on=VISITED,
        team="督导室",
        findings="课后服务台账不全",
        **target,
    )


def test_bureau_records_a_visit_to_a_campus(supervisor, campuses):
    visit = make_visit(supervisor, campus=campuses["taojiang"])
    assert visit.created_by == supervisor and visit.target == campuses["taojiang"]
    assert visit.history.count() == 1


def test_a_visit_is_to_a_group_or_a_campus_not_both(supervisor, campuses, group):
    with pytest.raises(ValidationError, match="one group or to one campus"):
        make_visit(supervisor, campus=campuses["taojiang"], group=group)
    with pytest.raises(ValidationError, match="one group or to one campus"):
        make_visit(supervisor)
    assert not SupervisionVisit.objects.exists()


def test_database_refuses_a_visit_to_both(supervisor, campuses, group):
    with pytest.raises(IntegrityError), transaction.atomic():
        SupervisionVisitFactory(campus=campuses["hongqi"], group=group, created_by=supervisor)


@pytest.mark.parametrize("username", ["principal", "vp-taojiang"])
def test_only_the_bureau_records_visits(django_user_model, campuses, username):
    user = django_user_model.objects.get(username=username)
    with pytest.raises(PermissionDenied):
        make_visit(user, campus=campuses["taojiang"])
    assert not SupervisionVisit.objects.exists()


def test_a_campus_visit_sets_rectifications_on_its_campus(supervisor, vp_taojiang, campuses):
    visit = make_visit(supervisor, campus=campuses["taojiang"])
    item = services.rectification_create(
        user=supervisor, visit=visit, description="补齐课后服务台账", owner=vp_taojiang, due_on=DUE
    )
    assert (item.campus, item.status, item.owner) == (campuses["taojiang"], "open", vp_taojiang)
    with pytest.raises(ValidationError) as error:
        services.rectification_create(
            user=supervisor,
            visit=visit,
            description="x",
            owner=vp_taojiang,
            due_on=DUE,
            campus=campuses["hongqi"],
        )
    assert "campus" in error.value.error_dict


def test_a_group_visit_sets_rectifications_on_its_campuses_or_the_whole_group(
    supervisor, principal, vp_hongqi, campuses, group
):
    visit = make_visit(supervisor, group=group)
    on_campus = services.rectification_create(
        user=supervisor, visit=visit, description="a", owner=vp_hongqi, due_on=DUE, campus=campuses["hongqi"]
    )
    whole = services.rectification_create(
        user=supervisor, visit=visit, description="b", owner=principal, due_on=DUE
    )
    assert on_campus.campus == campuses["hongqi"] and whole.campus is None
    elsewhere = CampusFactory()
    with pytest.raises(ValidationError, match="campus of the visited group"):
        services.rectification_create(
            user=supervisor, visit=visit, description="c", owner=principal, due_on=DUE, campus=elsewhere
        )


def test_owner_must_reach_the_campus(supervisor, vp_hongqi, campuses):
    visit = make_visit(supervisor, campus=campuses["taojiang"])
    with pytest.raises(ValidationError) as error:
        services.rectification_create(
            user=supervisor, visit=visit, description="x", owner=vp_hongqi, due_on=DUE
        )
    assert "cannot see this campus" in error.value.error_dict["owner"][0].message
    assert not Rectification.objects.exists()


def test_due_date_cannot_be_before_the_visit(supervisor, vp_taojiang, campuses):
    visit = make_visit(supervisor, campus=campuses["taojiang"])
    with pytest.raises(ValidationError) as error:
        services.rectification_create(
            user=supervisor,
            visit=visit,
            description="x",
            owner=vp_taojiang,
            due_on=VISITED - datetime.timedelta(1),
        )
    assert "due_on" in error.value.error_dict


@pytest.fixture
def taojiang_item(supervisor, vp_taojiang, campuses):
    visit = make_visit(supervisor, campus=campuses["taojiang"])
    return services.rectification_create(
        user=supervisor, visit=visit, description="补齐课后服务台账", owner=vp_taojiang, due_on=DUE
    )


def test_vp_closes_a_rectification_of_their_campus_with_a_record(
    taojiang_item, vp_taojiang, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("台账.pdf", b"%PDF-1.4 ledger", content_type="application/pdf")
    closed = services.rectification_close(
        user=vp_taojiang, rectification=taojiang_item, record="  已补齐2025年春季台账  ", attachment=upload
    )
    closed.refresh_from_db()
    assert closed.status == "closed"
    assert closed.closed_by == vp_taojiang and closed.closed_at is not None
    assert closed.closing_record == "已补齐2025年春季台账"
    assert closed.closing_attachment.read() == b"%PDF-1.4 ledger"
    assert [h.status for h in closed.history.order_by("history_id")] == ["open", "closed"]


def test_vp_cannot_close_another_campus_rectification(taojiang_item, vp_hongqi):
    with pytest.raises(PermissionDenied):
        services.rectification_close(user=vp_hongqi, rectification=taojiang_item, record="做完了")
    taojiang_item.refresh_from_db()
    assert taojiang_item.status == "open"


def test_closing_needs_a_record_and_happens_once(taojiang_item, vp_taojiang, bureau):
    with pytest.raises(ValidationError, match="what was done"):
        services.rectification_close(user=vp_taojiang, rectification=taojiang_item, record="   ")
    services.rectification_close(user=bureau, rectification=taojiang_item, record="督导室复查通过")
    with pytest.raises(ValidationError, match="closed already"):
        services.rectification_close(user=vp_taojiang, rectification=taojiang_item, record="再关一次")
    taojiang_item.refresh_from_db()
    assert taojiang_item.closed_by == bureau


def test_database_refuses_a_closed_rectification_without_record(taojiang_item):
    with pytest.raises(IntegrityError), transaction.atomic():
        Rectification.objects.filter(pk=taojiang_item.pk).update(status="closed")


def test_for_user_vp_reaches_own_campus_only_even_on_a_group_visit(
    supervisor, principal, vp_hongqi, campuses, group
):
    visit = SupervisionVisitFactory(group=group, created_by=supervisor)
    own = RectificationFactory(visit=visit, campus=campuses["hongqi"], owner=vp_hongqi)
    other = RectificationFactory(visit=visit, campus=campuses["taojiang"], owner=principal)
    whole = RectificationFactory(visit=visit, campus=None, owner=principal)
    assert set(Rectification.objects.for_user(vp_hongqi)) == {own}
    assert set(Rectification.objects.for_user(principal)) == {own, other, whole}
    assert set(Rectification.objects.for_user(supervisor)) == {own, other, whole}
    # The visit to the group is seen by every campus of it.
    assert list(SupervisionVisit.objects.for_user(vp_hongqi)) == [visit]


def test_for_user_hides_visits_of_other_campuses(supervisor, vp_hongqi, campuses):
    SupervisionVisitFactory(campus=campuses["taojiang"], created_by=supervisor)
    assert not SupervisionVisit.objects.for_user(vp_hongqi).exists()


def test_owner_closes_a_group_wide_item(supervisor, principal, group):
    visit = make_visit(supervisor, group=group)
    item = services.rectification_create(
        user=supervisor, visit=visit, description="修订章程", owner=principal, due_on=DUE
    )
    services.rectification_close(user=principal, rectification=item, record="章程已修订")
    item.refresh_from_db()
    assert item.status == "closed"


def test_bureau_changes_owner_and_due_date_of_an_open_item(taojiang_item, supervisor, principal, vp_taojiang):
    services.rectification_update(
        user=supervisor, rectification=taojiang_item, description="新的描述", owner=principal, due_on=DUE
    )
    taojiang_item.refresh_from_db()
    assert taojiang_item.owner == principal
    with pytest.raises(PermissionDenied):
        services.rectification_update(
            user=vp_taojiang, rectification=taojiang_item, description="x", owner=vp_taojiang, due_on=DUE
        )
