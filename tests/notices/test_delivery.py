"""Deliveries to robots over real HTTP on the loopback: WeCom, DingTalk's signature, retries
after a 500, one notice per channel, item and day, a failing channel that fails nothing else,
and nothing sent for an action rolled back."""

import datetime
import time

import pytest
from django.db import transaction

from notices import senders
from notices.models import Delivery
from notices.tasks import delivery_send_task
from planning import services as planning_services
from planning.models import Document, Measure, Notification
from staff import services as staff_services
from staff.models import Rotation
from tests.planning.factories import SubTaskFactory
from tests.staff.factories import StaffMemberFactory

from .conftest import dingtalk_channel, wecom_channel

SECRET = "SEC0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd"


@pytest.fixture
def rotation(campuses, vp_hongqi):
    """A teacher of 红旗 proposed by its vice-principal for 龙翔 (no event: made directly)."""
    teacher = StaffMemberFactory(home_campus=campuses["hongqi"], name="李老师")
    return Rotation.objects.create(
        staff=teacher,
        from_campus=campuses["hongqi"],
        to_campus=campuses["longxiang"],
        category="backbone",
        start_on=datetime.date(2026, 9, 1),
        planned_end_on=datetime.date(2029, 7, 31),
        proposed_by=vp_hongqi,
    )


def approve(rotation, personnel, capture):
    with capture(execute=True):
        return staff_services.rotation_approve(user=personnel, rotation=rotation, note="同意")


def test_rotation_approval_reaches_the_campus_wecom_robot(
    rotation, personnel, campuses, receiver, django_capture_on_commit_callbacks
):
    channel = wecom_channel(receiver.url, campus=campuses["hongqi"])
    approve(rotation, personnel, django_capture_on_commit_callbacks)
    assert len(receiver.requests) == 1
    body = receiver.requests[0]["body"]
    assert body["msgtype"] == "markdown"
    content = body["markdown"]["content"]
    assert "交流轮岗已批准" in content and "李老师" in content
    assert f"https://portal.example.cn/staff/rotations/{rotation.pk}/" in content
    delivery = Delivery.objects.get(channel=channel)
    assert (delivery.status, delivery.attempts, delivery.http_status) == ("sent", 1, 200)
    assert delivery.sent_at is not None and delivery.kind == "rotation_approved"


def test_dingtalk_robot_accepts_the_signed_notice(
    rotation, personnel, campuses, make_receiver, django_capture_on_commit_callbacks
):
    robot = make_receiver(secret=SECRET)
    channel = dingtalk_channel(robot.url, SECRET, campus=campuses["longxiang"])
    approve(rotation, personnel, django_capture_on_commit_callbacks)
    assert len(robot.delivered) == 1
    request = robot.delivered[0]
    assert request["body"]["msgtype"] == "markdown"
    assert request["body"]["markdown"]["title"] == "交流轮岗已批准"
    assert request["query"]["access_token"] == ["test-token"]
    assert Delivery.objects.get(channel=channel).status == "sent"


def test_dingtalk_robot_refuses_a_wrong_secret_and_the_delivery_fails_with_its_error(
    rotation, personnel, campuses, make_receiver, django_capture_on_commit_callbacks
):
    robot = make_receiver(secret=SECRET)
    channel = dingtalk_channel(robot.url, "SECwrong", campus=campuses["longxiang"])
    approve(rotation, personnel, django_capture_on_commit_callbacks)
    assert robot.delivered == [] and len(robot.requests) == delivery_send_task.max_retries + 1
    delivery = Delivery.objects.get(channel=channel)
    assert delivery.status == "failed"
    assert "310000" in delivery.last_error and "sign not match" in delivery.last_error


def test_dingtalk_refuses_a_signature_older_than_an_hour(make_receiver):
    robot = make_receiver(secret=SECRET)
    old = int(time.time() * 1000) - 2 * 3600 * 1000
    with pytest.raises(senders.DeliveryError, match="310000"):
        senders.post_json(
            senders.dingtalk_signed_url(robot.url, SECRET, timestamp_ms=old), {"msgtype": "text"}
        )
    fresh = senders.dingtalk_signed_url(robot.url, SECRET)
    assert senders.post_json(fresh, {"msgtype": "text", "text": {"content": "测试"}})[0] == 200


def test_the_signature_is_dingtalks():
    # The example computed with DingTalk's documented algorithm (Python, as in its guide).
    import base64
    import hashlib
    import hmac
    import urllib.parse

    timestamp = 1700000000000
    expected = urllib.parse.quote_plus(
        base64.b64encode(hmac.new(b"SECx", b"1700000000000\nSECx", digestmod=hashlib.sha256).digest())
    )
    assert senders.dingtalk_sign("SECx", timestamp) == expected
    url = senders.dingtalk_signed_url(
        "https://oapi.dingtalk.com/robot/send?access_token=t", "SECx", timestamp
    )
    assert url.endswith(f"&timestamp={timestamp}&sign={expected}")


def test_a_500_is_retried_until_the_robot_takes_it(
    rotation, personnel, campuses, make_receiver, django_capture_on_commit_callbacks
):
    robot = make_receiver(statuses=[500, 500])
    channel = wecom_channel(robot.url, campus=campuses["hongqi"])
    approve(rotation, personnel, django_capture_on_commit_callbacks)
    assert [r["status"] for r in robot.requests] == [500, 500, 200]
    delivery = Delivery.objects.get(channel=channel)
    assert (delivery.status, delivery.attempts, delivery.http_status, delivery.last_error) == (
        "sent",
        3,
        200,
        "",
    )


def test_the_task_retries_with_exponential_back_off():
    assert delivery_send_task.autoretry_for == (senders.DeliveryError,)
    assert delivery_send_task.retry_backoff and delivery_send_task.max_retries >= 3


def test_a_failing_channel_does_not_fail_the_approval(
    rotation, personnel, campuses, refused_url, make_receiver, django_capture_on_commit_callbacks
):
    broken = make_receiver()
    broken.always = 500
    refused = wecom_channel(refused_url, name="拒绝连接", campus=campuses["hongqi"])
    busy = wecom_channel(broken.url, name="一直500", campus=campuses["longxiang"])
    rotation = approve(rotation, personnel, django_capture_on_commit_callbacks)
    rotation.refresh_from_db()
    assert rotation.status == Rotation.Status.APPROVED
    failed = {d.channel: d for d in Delivery.objects.all()}
    assert failed[refused].status == "failed" and "refused" in failed[refused].last_error.lower()
    assert failed[refused].http_status is None
    assert failed[busy].status == "failed" and failed[busy].http_status == 500
    assert "HTTP 500" in failed[busy].last_error
    assert failed[busy].attempts == delivery_send_task.max_retries + 1 == len(broken.requests)
    # The people concerned still have their notice in the portal.
    assert Notification.objects.filter(kind="rotation_approved", item_key__startswith="rotation:").exists()


def test_a_failing_channel_does_not_fail_the_approval_page(
    rotation, campuses, refused_url, client_as, django_capture_on_commit_callbacks
):
    wecom_channel(refused_url, campus=campuses["hongqi"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as("personnel").post(f"/staff/rotations/{rotation.pk}/approve/", {"note": "同意"})
    assert response.status_code == 302
    rotation.refresh_from_db()
    assert rotation.status == Rotation.Status.APPROVED
    assert Delivery.objects.get().status == "failed"


def test_a_rolled_back_approval_sends_nothing(
    rotation, personnel, campuses, receiver, django_capture_on_commit_callbacks
):
    wecom_channel(receiver.url, campus=campuses["hongqi"])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            staff_services.rotation_approve(user=personnel, rotation=rotation, note="同意")
            raise RuntimeError("later step failed")
    assert callbacks == []
    assert receiver.requests == []
    assert not Delivery.objects.exists()
    assert not Notification.objects.filter(kind="rotation_approved").exists()
    rotation.refresh_from_db()
    assert rotation.status == Rotation.Status.PROPOSED


# --- The day's reminders ---------------------------------------------------------------------

DUE = datetime.date(2030, 6, 30)


@pytest.fixture
def due_tasks(campuses):
    """Two sub-tasks of 桃江 due in a day, one of 红旗; the plan's dated items out of the way."""
    Document.objects.update(due_on=None)
    Measure.objects.update(phase=None)
    measure = Measure.objects.get(code="三(一)1")
    return [
        SubTaskFactory(measure=measure, campus=campuses["taojiang"], due_on=DUE, title="桃江校区开学准备"),
        SubTaskFactory(measure=measure, campus=campuses["taojiang"], due_on=DUE, title="桃江校区食堂验收"),
        SubTaskFactory(measure=measure, campus=campuses["hongqi"], due_on=DUE, title="红旗校区课表"),
    ]


def run_reminders(day, capture):
    with capture(execute=True):
        return planning_services.reminders_run(today=day, days_before=[7, 1], days_after=[1, 7])


def test_reminders_run_twice_notify_each_robot_once_per_item(
    due_tasks, campuses, make_receiver, django_capture_on_commit_callbacks
):
    taojiang = make_receiver()
    hongqi = make_receiver(secret=SECRET)
    wecom_channel(taojiang.url, name="桃江群", campus=campuses["taojiang"])
    dingtalk_channel(hongqi.url, SECRET, name="红旗群", campus=campuses["hongqi"])
    day = DUE - datetime.timedelta(days=1)
    first = run_reminders(day, django_capture_on_commit_callbacks)
    second = run_reminders(day, django_capture_on_commit_callbacks)
    assert first["notifications"] > 0 and second["notifications"] == 0
    assert len(taojiang.requests) == 2 and len(hongqi.delivered) == 1 == len(hongqi.requests)
    texts = " ".join(r["body"]["markdown"]["content"] for r in taojiang.requests)
    assert "桃江校区开学准备" in texts and "桃江校区食堂验收" in texts and "红旗校区课表" not in texts
    assert "工作计划提醒" in texts
    assert Delivery.objects.count() == 3
    # The next day's reminder (overdue) is a new notice.
    run_reminders(DUE + datetime.timedelta(days=1), django_capture_on_commit_callbacks)
    assert len(taojiang.requests) == 4


def test_a_delivery_is_unique_per_channel_item_and_day(
    due_tasks, campuses, receiver, django_capture_on_commit_callbacks
):
    wecom_channel(receiver.url, campus=campuses["taojiang"])
    day = DUE - datetime.timedelta(days=1)
    run_reminders(day, django_capture_on_commit_callbacks)
    Notification.objects.all().delete()  # even with the portal's notifications gone
    run_reminders(day, django_capture_on_commit_callbacks)
    assert len(receiver.requests) == 2
    assert Delivery.objects.count() == 2


def test_a_sent_delivery_is_not_sent_again_by_a_redelivered_task(
    rotation, personnel, campuses, receiver, django_capture_on_commit_callbacks
):
    wecom_channel(receiver.url, campus=campuses["hongqi"])
    approve(rotation, personnel, django_capture_on_commit_callbacks)
    delivery_send_task.apply(args=(Delivery.objects.get().pk,))
    assert len(receiver.requests) == 1


def test_an_inactive_channel_or_another_kind_gets_nothing(
    rotation, personnel, campuses, receiver, django_capture_on_commit_callbacks
):
    off = wecom_channel(receiver.url, name="停用", campus=campuses["hongqi"])
    off.active = False
    off.save()
    wecom_channel(receiver.url, name="只收提醒", campus=campuses["hongqi"]).__class__.objects.filter(
        name="只收提醒"
    ).update(event_kinds=["due_soon", "overdue"])
    approve(rotation, personnel, django_capture_on_commit_callbacks)
    assert receiver.requests == []
