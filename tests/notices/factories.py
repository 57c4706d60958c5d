import datetime

import factory

from campuses.models import Campus
from notices.models import Channel, Delivery


class ChannelFactory(factory.django.DjangoModelFactory):
    """A WeCom robot of the first campus (the plan's 红旗 when the plan is loaded)."""

    class Meta:
        model = Channel

    name = factory.Sequence(lambda n: f"企业微信群{n}")
    kind = Channel.Kind.WECOM
    campus = factory.LazyFunction(lambda: Campus.objects.order_by("pk").first())
    webhook_url = factory.Sequence(lambda n: f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k{n}")


class DeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delivery

    channel = factory.SubFactory(ChannelFactory)
    kind = "due_soon"
    item_key = factory.Sequence(lambda n: f"subtask:{n}")
    day = datetime.date(2030, 6, 29)
    dedup_key = factory.LazyAttribute(lambda o: f"channel:{o.channel.pk}|{o.item_key}|{o.day.isoformat()}")
    subject = "工作计划提醒"
    body = "还有 1 天到期"
    status = Delivery.Status.FAILED
    attempts = 6
    last_error = "HTTP 500: Internal Server Error"
    http_status = 500
