"""Notices: the channels through which a group or campus hears of workflow events and reminders
(e-mail, a WeCom group robot, a DingTalk custom robot), and the log of every delivery.

A channel's webhook address and signing secret are write-only: forms and the admin never show
them again once saved, and the history does not copy them."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kernel.concurrency import Versioned
from kernel.events import EventKind
from kernel.scoping import Rule, ScopedQuerySet

from .senders import check_webhook_url


class Channel(Versioned):
    """通知渠道: where the notices of one group or campus (or, with neither, of the whole city)
    go, for the event kinds chosen."""

    class Kind(models.TextChoices):
        EMAIL = "email", _("E-mail")
        WECOM = "wecom", _("WeCom group robot")
        DINGTALK = "dingtalk", _("DingTalk custom robot")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    group = models.ForeignKey(
        "campuses.EducationGroup",
        verbose_name=_("education group"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notice_channels",
        help_text=_("The group whose notices the channel receives (all its campuses')."),
    )
    campus = models.ForeignKey(
        "campuses.Campus",
        verbose_name=_("campus"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notice_channels",
        help_text=_(
            "The campus whose notices the channel receives. "
            "Leave group and campus empty for every notice of the city."
        ),
    )
    event_kinds = models.JSONField(
        _("event kinds"),
        default=list,
        blank=True,
        help_text=_("The kinds of notice sent to the channel; none chosen: every kind."),
    )
    address = models.EmailField(
        _("e-mail address"),
        blank=True,
        help_text=_("For an e-mail channel: the mailbox that receives the notices."),
    )
    webhook_url = models.CharField(
        _("webhook address"),
        max_length=500,
        blank=True,
        help_text=_("The robot's webhook address (it contains the robot's key). Not shown again once saved."),
    )
    secret = models.CharField(
        _("signing secret"),
        max_length=200,
        blank=True,
        help_text=_(
            "The DingTalk robot's signing secret (加签, starts with SEC). Not shown again once saved."
        ),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # The history keeps who changed what, never the robot's address or secret.
    history = HistoricalRecords(excluded_fields=["webhook_url", "secret"])

    objects = ScopedQuerySet.as_manager()
    #: A campus's channel is its campus's; a group's (no campus), its group's; neither: the bureau's.
    #: Not read by the campuses of a group: a channel is the leadership's to set up.
    scope_rule = Rule(campus=("campus",), group=("group",), members_read=False)

    class Meta:
        verbose_name = _("notice channel")
        verbose_name_plural = _("notice channels")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(group__isnull=True) | Q(campus__isnull=True),
                name="notice_channel_group_or_campus",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        if self.group_id and self.campus_id:
            errors["campus"] = _("Choose a group or a campus, not both.")
        if self.kind == self.Kind.EMAIL and not self.address:
            errors["address"] = _("Enter the mailbox that receives the notices.")
        if self.kind in (self.Kind.WECOM, self.Kind.DINGTALK):
            if not self.webhook_url:
                errors["webhook_url"] = _("Enter the robot's webhook address.")
            else:
                try:
                    check_webhook_url(self.webhook_url)
                except ValidationError as error:
                    errors["webhook_url"] = error.messages[0]
        if self.kind == self.Kind.DINGTALK and not self.secret:
            errors["secret"] = _("Enter the robot's signing secret (加签).")
        unknown = set(self.event_kinds or []) - set(EventKind.values)
        if unknown:
            errors["event_kinds"] = _("Unknown kinds of notice: %(kinds)s.") % {
                "kinds": ", ".join(sorted(unknown))
            }
        if errors:
            raise ValidationError(errors)

    def hears(self, kind: str) -> bool:
        return self.active and (not self.event_kinds or kind in self.event_kinds)

    @property
    def place(self) -> str:
        return str(self.campus or self.group or _("Whole city"))


class Delivery(models.Model):
    """发送记录: one notice sent, or to be sent, to a channel or to one person's e-mail. One per
    channel (or person), item and day: `dedup_key` is unique, so a second run adds nothing."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    channel = models.ForeignKey(
        Channel,
        verbose_name=_("channel"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notice_deliveries",
        help_text=_("For an e-mail to one person."),
    )
    address = models.CharField(_("address"), max_length=254, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    item_key = models.CharField(_("item"), max_length=80)
    day = models.DateField(_("day"))
    dedup_key = models.CharField(_("key"), max_length=200, unique=True)
    subject = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"))
    link = models.CharField(_("link"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    http_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    #: The log of a channel belongs where the channel does; an e-mail to a person, to that person.
    scope_rule = Rule(
        campus=("channel__campus",),
        group=("channel__group",),
        shared=Q(channel__campus__isnull=True),
        owner="recipient",
        members_read=False,
    )

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "day"]), models.Index(fields=["day", "kind"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.item_key} · {self.day}"

    @property
    def target(self) -> str:
        if self.channel_id:
            return str(self.channel)
        return self.address
