"""Each workflow event reaches the right people in the portal and the channels of the right
campus or group only: never another campus's channel nor another group's."""

import datetime

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from evaluation.models import Scheme
from evaluation.services import (
    appeal_decide,
    appeal_file,
    results_compute_now,
    scheme_publish,
    scheme_transition,
    score_save,
)
from notices.models import Channel, Delivery
from planning import services as planning_services
from planning.models import Document, Measure, Notification
from staff import services as staff_services
from tests.campuses.factories import CampusFactory, EducationGroupFactory
from tests.planning.factories import MeetingFactory
from tests.staff.factories import StaffMemberFactory
from tests.supervision.factories import RectificationFactory, SupervisionVisitFactory

from .conftest import wecom_channel


@pytest.fixture
def channels(campuses, plan_group, receiver):
    """A channel per place: each campus of the plan, the plan's group, another group's campus,
    another group, and the whole city."""
    other_group = EducationGroupFactory(name="第二教育集团")
    other_campus = CampusFactory(school__group=other_group, name="外集团校区")
    return {
        "hongqi": wecom_channel(receiver.url, name="红旗", campus=campuses["hongqi"]),
        "longxiang": wecom_channel(receiver.url, name="龙翔", campus=campuses["longxiang"]),
        "taojiang": wecom_channel(receiver.url, name="桃江", campus=campuses["taojiang"]),
        "group": wecom_channel(receiver.url, name="集团", group=plan_group),
        "other_campus": wecom_channel(receiver.url, name="外校区", campus=other_campus),
        "other_group": wecom_channel(receiver.url, name="外集团", group=other_group),
        "city": wecom_channel(receiver.url, name="全市"),
    }


@pytest.fixture
def plan_group(campuses):
    return campuses["hongqi"].school.group


def reached(kind):
    names = Delivery.objects.filter(kind=kind, channel__isnull=False).values_list("channel__name", flat=True)
    return set(names)


def notified(kind):
    return set(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


@pytest.fixture
def teacher(campuses):
    return StaffMemberFactory(home_campus=campuses["hongqi"], name="王老师")


def propose(vp_hongqi, teacher, campuses, capture):
    with capture(execute=True):
        return staff_services.rotation_propose(
            user=vp_hongqi,
            staff=teacher,
            to_campus=campuses["longxiang"],
            category="backbone",
            start_on=datetime.date(2026, 9, 1),
            planned_end_on=datetime.date(2029, 7, 31),
        )


def test_rotation_proposed_reaches_the_personnel_office_and_both_campuses(
    channels, teacher, campuses, vp_hongqi, django_capture_on_commit_callbacks
):
    rotation = propose(vp_hongqi, teacher, campuses, django_capture_on_commit_callbacks)
    assert notified("rotation_proposed") == {"personnel"}
    note = Notification.objects.get(kind="rotation_proposed")
    assert note.get_absolute_url() == f"/staff/rotations/{rotation.pk}/"
    assert "王老师" in note.message and "交流轮岗申请" in note.message
    assert reached("rotation_proposed") == {"红旗", "龙翔", "集团", "全市"}


@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_rotation_decision_reaches_the_proposer_and_the_two_campuses(
    decision, channels, teacher, campuses, vp_hongqi, personnel, django_capture_on_commit_callbacks
):
    rotation = propose(vp_hongqi, teacher, campuses, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        if decision == "approve":
            staff_services.rotation_approve(user=personnel, rotation=rotation)
        else:
            staff_services.rotation_reject(user=personnel, rotation=rotation, note="名额已满")
    kind = f"rotation_{decision}d" if decision == "approve" else "rotation_rejected"
    assert notified(kind) == {"vp-hongqi", "vp-longxiang"}
    assert reached(kind) == {"红旗", "龙翔", "集团", "全市"}


def test_document_approved_reaches_the_group_leadership_and_its_campus(
    channels, campuses, bureau, principal, django_capture_on_commit_callbacks
):
    document = Document.objects.get(code="group-charter")
    Document.objects.filter(pk=document.pk).update(campus=campuses["taojiang"])
    document.refresh_from_db()
    planning_services.document_submit(user=principal, document=document)
    meeting = MeetingFactory(held_on=datetime.date(2023, 8, 25))
    with django_capture_on_commit_callbacks(execute=True):
        planning_services.document_approve(user=bureau, document=document, meeting=meeting)
    assert "principal" in notified("document_approved")
    assert "vp-taojiang" in notified("document_approved") and "vp-hongqi" not in notified("document_approved")
    assert reached("document_approved") == {"桃江", "集团", "全市"}


def _publish(scheme, longshi, supervisor, bureau):
    from tests.evaluation.test_services import leaf

    score_save(user=supervisor, indicator=leaf(scheme, "A1.1"), evaluatee=longshi, points="5", version=0)
    scheme_transition(user=bureau, scheme=scheme, to_status=Scheme.Status.CLOSED)
    results_compute_now(scheme=scheme)
    return scheme_publish(user=bureau, scheme=Scheme.objects.get(pk=scheme.pk))


def test_results_published_reach_the_campuses_assessed_not_another_group(
    scheme,
    longshi,
    channels,
    supervisor,
    bureau,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        _publish(scheme, longshi, supervisor, bureau)
    assert {"vp-hongqi", "vp-longxiang", "vp-taojiang", "principal"} <= notified("results_published")
    assert reached("results_published") == {"红旗", "龙翔", "桃江", "集团", "全市"}
    note = Notification.objects.filter(kind="results_published").first()
    assert note.get_absolute_url() == reverse("evaluation:scheme_detail", args=[scheme.pk])


def test_appeal_decided_reaches_whoever_filed_it(
    scheme,
    longshi,
    channels,
    supervisor,
    bureau,
    vp_hongqi,
    django_capture_on_commit_callbacks,
):
    from tests.evaluation.test_services import leaf

    _publish(scheme, longshi, supervisor, bureau)
    appeal = appeal_file(
        user=vp_hongqi,
        evaluatee=longshi,
        indicator=leaf(scheme, "A1.1"),
        reasons="材料遗漏",
        evidence=SimpleUploadedFile("proof.pdf", b"%PDF-1.4"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        appeal_decide(user=bureau, appeal=appeal, accept=False, reason="依据不足")
    assert notified("appeal_decided") == {"vp-hongqi"}
    assert "依据不足" in Notification.objects.get(kind="appeal_decided").message
    assert "外集团" not in reached("appeal_decided") and "外校区" not in reached("appeal_decided")
    assert {"红旗", "集团"} <= reached("appeal_decided")


def test_rectification_due_reaches_its_campus_channel_only(
    channels, campuses, plan_group, django_capture_on_commit_callbacks
):
    Document.objects.update(due_on=None)
    Measure.objects.update(phase=None)
    visit = SupervisionVisitFactory(campus=campuses["longxiang"])
    rectification = RectificationFactory(visit=visit, due_on=datetime.date(2030, 6, 30))
    with django_capture_on_commit_callbacks(execute=True):
        planning_services.reminders_run(today=datetime.date(2030, 6, 29), days_before=[1], days_after=[1])
    assert reached("due_soon") == {"龙翔", "集团", "全市"}
    delivery = Delivery.objects.filter(kind="due_soon").first()
    assert delivery.item_key == f"rectification:{rectification.pk}"


def test_a_group_channel_hears_only_its_kinds(
    channels, teacher, campuses, vp_hongqi, django_capture_on_commit_callbacks
):
    Channel.objects.filter(name="集团").update(event_kinds=["results_published"])
    propose(vp_hongqi, teacher, campuses, django_capture_on_commit_callbacks)
    assert "集团" not in reached("rotation_proposed")


def test_people_with_an_address_get_an_e_mail_once(
    teacher, campuses, vp_hongqi, personnel, notices_settings, django_capture_on_commit_callbacks
):
    notices_settings.NOTICES_EMAIL_PEOPLE = True
    personnel.email = "renshi@example.cn"
    personnel.save()
    Channel.objects.create(name="集团办公室邮箱", kind=Channel.Kind.EMAIL, address="office@example.cn")
    propose(vp_hongqi, teacher, campuses, django_capture_on_commit_callbacks)
    assert sorted(m.to[0] for m in mail.outbox) == ["office@example.cn", "renshi@example.cn"]
    assert all(m.subject == "交流轮岗申请" for m in mail.outbox)
    assert Delivery.objects.get(recipient=personnel).status == "sent"


def test_the_notice_shows_on_the_notification_page_with_its_link(
    teacher, campuses, vp_hongqi, client_as, django_capture_on_commit_callbacks
):
    rotation = propose(vp_hongqi, teacher, campuses, django_capture_on_commit_callbacks)
    page = client_as("personnel").get(reverse("planning:notification_list")).content.decode()
    assert "交流轮岗申请：王老师：从红旗校区到龙翔校区。" in page
    assert reverse("staff:rotation_detail", args=[rotation.pk]) in page


def test_pending_deliveries_are_sent_again_by_the_sweeper(campuses, receiver):
    """A delivery left pending (the broker was down when its action committed) is sent by
    `requeue_jobs` (celery beat, every minute)."""
    from kernel.jobs import requeue_jobs

    from .factories import DeliveryFactory

    channel = wecom_channel(receiver.url, campus=campuses["hongqi"])
    delivery = DeliveryFactory(channel=channel, status="pending", attempts=0, last_error="", http_status=None)
    Delivery.objects.filter(pk=delivery.pk).update(
        created_at=delivery.created_at - datetime.timedelta(hours=1)
    )
    counts = requeue_jobs(older_than=datetime.timedelta(minutes=10))
    assert counts["queued"] >= 1
    delivery.refresh_from_db()
    assert delivery.status == "sent" and len(receiver.requests) == 1
    assert requeue_jobs(older_than=datetime.timedelta(minutes=10))["found"] == 0
