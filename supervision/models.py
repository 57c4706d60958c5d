"""Supervision (督导): the bureau's visits to a group or a campus (工作督导, 过程评估), the
rectifications (整改) they set, and the typical experiences (典型经验) written up for publicity.

Moved out of `planning` (issue 13): the tables keep their rows (planning/migrations/0010 renames
them). The plan's daily reminder job (planning.services.reminders_run) also reminds the owners of
open rectifications, so planning imports this app and this app imports nothing of planning.
Every model declares its `scope_rule` (kernel.scoping) beside its fields.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kernel.concurrency import Versioned
from kernel.scoping import Rule, ScopedQuerySet


class SupervisionVisit(Versioned):
    """A bureau visit to a group or one campus (督导室: 工作督导 or 过程评估), with its findings.
    The rectification items (整改) it sets follow as `Rectification` rows."""

    class Kind(models.TextChoices):
        SUPERVISION = "supervision", _("Supervision (工作督导)")
        PROCESS_EVALUATION = "process_evaluation", _("Process evaluation (过程评估)")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.SUPERVISION)
    visited_on = models.DateField(_("visited on"))
    group = models.ForeignKey(
        "campuses.EducationGroup",
        verbose_name=_("education group"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervision_visits",
        help_text=_("For a visit to the whole group; leave empty for a visit to one campus."),
    )
    campus = models.ForeignKey(
        "campuses.Campus",
        verbose_name=_("campus"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervision_visits",
    )
    team = models.CharField(_("team"), max_length=300, help_text=_("Who visited, e.g. 督导室 张三、李四."))
    findings = models.TextField(_("findings"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()
    #: A visit to a campus is that campus's; a visit to the whole group, the group's.
    scope_rule = Rule(campus=("campus",), group=("group",))

    class Meta:
        verbose_name = _("supervision visit")
        verbose_name_plural = _("supervision visits")
        ordering = ["-visited_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(group__isnull=False) & Q(campus__isnull=True))
                | (Q(group__isnull=True) & Q(campus__isnull=False)),
                name="visit_group_xor_campus",
                violation_error_message=_("A visit is to one group or to one campus, not both."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.visited_on:%Y-%m-%d} {self.get_kind_display()} · {self.target}"

    def get_absolute_url(self) -> str:
        return reverse("supervision:visit_detail", args=[self.pk])

    @property
    def target(self):
        return self.campus or self.group


class RectificationQuerySet(ScopedQuerySet):
    def open(self):
        return self.filter(status=Rectification.RectStatus.OPEN)


def rectification_upload_to(instance, filename: str) -> str:
    today = datetime.date.today()
    return f"planning/rectifications/{today:%Y/%m}/{filename}"


class Rectification(Versioned):
    """整改: one item a visit asks to put right, with its owner, due date and closing record
    (who closed it, when, what was done, an optional attachment)."""

    class RectStatus(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    visit = models.ForeignKey(
        SupervisionVisit,
        verbose_name=_("supervision visit"),
        on_delete=models.PROTECT,
        related_name="rectifications",
    )
    description = models.TextField(_("what to rectify"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="planning_rectifications",
    )
    campus = models.ForeignKey(
        "campuses.Campus",
        verbose_name=_("campus"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rectifications",
        help_text=_("Leave empty for an item of the whole group."),
    )
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=10, choices=RectStatus.choices, default=RectStatus.OPEN)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closing_record = models.TextField(_("what was done"), blank=True)
    closing_attachment = models.FileField(_("attachment"), upload_to=rectification_upload_to, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = RectificationQuerySet.as_manager()
    #: A campus's rectification is its campus's; one of a visit to the whole group (no campus) is
    #: its leadership's: a vice-principal reaches their own campus's only.
    scope_rule = Rule(campus=("campus",), group=("visit__group",), members_read=False)

    class Meta:
        verbose_name = _("rectification")
        verbose_name_plural = _("rectifications")
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open")
                | (Q(closed_by__isnull=False) & Q(closed_at__isnull=False) & ~Q(closing_record="")),
                name="rectification_closed_has_record",
                violation_error_message=_(
                    "A closed rectification records who closed it, when and what was done."
                ),
            ),
        ]
        indexes = [models.Index(fields=["status", "due_on"], name="planning_re_status_7e9907_idx")]

    def __str__(self) -> str:
        text = " ".join(self.description.split())
        return text if len(text) <= 60 else text[:59] + "…"

    def get_absolute_url(self) -> str:
        return reverse("supervision:rectification_detail", args=[self.pk])


# --- Typical experiences (提炼典型经验, 宣传报道) ---------------------------------------------------


class ExperienceQuerySet(ScopedQuerySet):
    def published(self):
        return self.filter(status=Experience.ExpStatus.PUBLISHED)


class Experience(Versioned):
    """典型经验: a write-up of what worked, for the bureau's publicity (宣传报道)."""

    class Topic(models.TextChoices):
        PARTY_BUILDING = "party_building", _("Party building")
        GOVERNANCE = "governance", _("Internal governance and operation")
        RESOURCE_SHARING = "resource_sharing", _("Sharing of quality resources")
        TEACHERS = "teachers", _("Teaching staff development")
        TEACHING_QUALITY = "teaching_quality", _("Teaching quality")
        WELL_ROUNDED = "well_rounded", _("Well-rounded education")
        OTHER = "other", _("Other")

    class ExpStatus(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    title = models.CharField(_("title"), max_length=200)
    campus = models.ForeignKey(
        "campuses.Campus",
        verbose_name=_("campus"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="experiences",
        help_text=_("Leave empty for an experience of the whole group."),
    )
    topic = models.CharField(_("topic"), max_length=30, choices=Topic.choices)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = models.TextField(_("text"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=20, choices=ExpStatus.choices, default=ExpStatus.DRAFT)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    history = HistoricalRecords()

    objects = ExperienceQuerySet.as_manager()
    #: Published write-ups are read by everyone signed in; a draft only by its author and the
    #: bureau's roles.
    scope_rule = Rule(owner="author", public=Q(status="published"))

    class Meta:
        verbose_name = _("typical experience")
        verbose_name_plural = _("typical experiences")
        ordering = ["-published_at", "-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="experience_published_has_date",
                violation_error_message=_("A published experience has its publication date."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("supervision:experience_detail", args=[self.pk])


def experience_upload_to(instance, filename: str) -> str:
    return f"planning/experiences/{instance.experience_id}/{filename}"


class ExperienceAttachment(Versioned):
    experience = models.ForeignKey(
        Experience, verbose_name=_("typical experience"), on_delete=models.CASCADE, related_name="attachments"
    )
    name = models.CharField(_("name"), max_length=200)
    file = models.FileField(_("file"), upload_to=experience_upload_to)
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()
    scope_rule = Rule(owner="experience__author", public=Q(experience__status="published"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name
