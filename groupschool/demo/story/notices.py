"""Where the plan's group hears of its work (see groupschool.demo.story): the group office's
mailbox receives every notice of 龙师附小教育集团 (so the delivery log has the story's rotations,
publications and approvals), and 红旗校区 has a WeCom group robot set up but not switched on (a
demo never calls a real robot; an administrator pastes the real address and ticks 启用)."""

from __future__ import annotations

from notices.models import Channel

from . import Story

#: The group office's mailbox (a demo address: mail goes to the EMAIL_BACKEND, the console in `make run`).
GROUP_MAILBOX = "jituanban@longshi.example.cn"
#: The shape of a WeCom robot's address, with a placeholder key.
WECOM_PLACEHOLDER = (
    "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=00000000-0000-0000-0000-000000000000"
)


def generate(story: Story) -> None:
    """The two channels, before the story's events (run first, so that its rotations,
    publications and approvals reach the group's mailbox)."""
    _, created = Channel.objects.get_or_create(
        name="集团办公室邮箱",
        defaults={
            "kind": Channel.Kind.EMAIL,
            "group": story.group,
            "address": GROUP_MAILBOX,
            "active": True,
        },
    )
    story.counts["notice channels"] += created
    _, created = Channel.objects.get_or_create(
        name="红旗校区教师群机器人",
        defaults={
            "kind": Channel.Kind.WECOM,
            "campus": story.campuses["hongqi"],
            "webhook_url": WECOM_PLACEHOLDER,
            "active": False,
        },
    )
    story.counts["notice channels"] += created
