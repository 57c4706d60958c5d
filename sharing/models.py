"""统筹与共享: the funds, assets and teaching resources of one legal entity, shared by its campuses.

The plan runs 龙师附小 as 一个法人、一个账户 and asks the group to 探索实行集团校经费资产统筹管理
与使用: the school (legal entity) holds one budget per year and line, allocates it to its campuses,
and each campus spends within its allocation. Assets belong to the school and stand at one campus
at a time; teaching resources (优质资源共享) are a library every campus of the group reads.

Money is always `Decimal` in yuan with two decimals (MONEY_FIELD): never a float.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kernel.concurrency import Versioned
from kernel.scoping import Rule, ScopedQuerySet
from staff.models import Subject

MONEY_DIGITS = 14
MONEY_PLACES = 2
CENT = Decimal("0.01")


def money_field(verbose_name, **kwargs):
    """Yuan with two decimals, never negative."""
    kwargs.setdefault("validators", [MinValueValidator(Decimal("0.00"))])
    return models.DecimalField(verbose_name, max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES, **kwargs)


# --------------------------------------------------------------------------------------------
# Funds (经费统筹)


class BudgetLine(Versioned):
    """A budget line (预算科目): 人员经费, 公用经费, 专项经费 and any the administrators add."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    description = models.TextField(_("description"), blank=True)
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()
    scope_rule = Rule(everyone=True)

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    def natural_key(self):
        return (self.code,)


class Budget(Versioned):
    """The money of one legal entity (its one account) for one year and one line."""

    school = models.ForeignKey(
        "campuses.School", verbose_name=_("school"), on_delete=models.PROTECT, related_name="budgets"
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    line = models.ForeignKey(
        BudgetLine, verbose_name=_("budget line"), on_delete=models.PROTECT, related_name="budgets"
    )
    amount = money_field(_("amount (yuan)"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()
    # A vice-principal sees the budgets of their own school (the totals), not other campuses' shares.
    scope_rule = Rule(campus=("school__campuses",))

    class Meta:
        verbose_name = _("budget")
        verbose_name_plural = _("budgets")
        ordering = ["-year", "school__name", "line__order", "line__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "year", "line"],
                name="budget_unique_per_school_year_line",
                violation_error_message=_("This school already has a budget for this year and line."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="budget_amount_not_negative",
                violation_error_message=_("The amount cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school} {self.year} {self.line}"

    def get_absolute_url(self) -> str:
        return reverse("sharing:budget_detail", args=[self.pk])


class Allocation(Versioned):
    """The share of one budget given to one campus (分配). Raised or lowered only by an approved
    reallocation once spending has begun (see services.reallocation_approve)."""

    budget = models.ForeignKey(
        Budget, verbose_name=_("budget"), on_delete=models.CASCADE, related_name="allocations"
    )
    campus = models.ForeignKey(
        "campuses.Campus", verbose_name=_("campus"), on_delete=models.PROTECT, related_name="allocations"
    )
    amount = money_field(_("allocated (yuan)"))
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()
    scope_rule = Rule(campus=("campus",))

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        ordering = ["budget", "campus__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["budget", "campus"],
                name="allocation_unique_per_budget_campus",
                violation_error_message=_("This campus already has an allocation of this budget."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="allocation_amount_not_negative",
                violation_error_message=_("The amount cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.budget} → {self.campus}"


def spending_upload_to(instance, filename: str) -> str:
    return f"sharing/spending/{timezone.now():%Y/%m}/{filename}"


class Spending(Versioned):
    """One payment by a campus against a budget line (支出). Never past the campus's allocation
    for the line and year: services.spending_record checks under a row lock."""

    line = models.ForeignKey(
        BudgetLine, verbose_name=_("budget line"), on_delete=models.PROTECT, related_name="spendings"
    )
    campus = models.ForeignKey(
        "campuses.Campus", verbose_name=_("campus"), on_delete=models.PROTECT, related_name="spendings"
    )
    spent_on = models.DateField(_("date"))
    amount = money_field(_("amount (yuan)"), validators=[MinValueValidator(CENT)])
    purpose = models.CharField(_("purpose of the spending"), max_length=200)
    attachment = models.FileField(_("attachment"), upload_to=spending_upload_to, blank=True, max_length=255)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()
    scope_rule = Rule(campus=("campus",))

    class Meta:
        verbose_name = _("spending")
        verbose_name_plural = _("spending")
        ordering = ["-spent_on", "-pk"]
        indexes = [models.Index(fields=["campus", "line", "spent_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="spending_amount_positive",
                violation_error_message=_("The amount must be more than zero."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campus} {self.spent_on} {self.purpose}"

    def get_absolute_url(self) -> str:
        return reverse("sharing:spending_detail", args=[self.pk])


class Reallocation(Versioned):
    """A move of money between campuses of one budget (调剂), or from its unallocated rest to a
    campus (`from_campus` empty). Takes effect on the allocations only once approved; who
    approved it and when are kept."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    budget = models.ForeignKey(
        Budget, verbose_name=_("budget"), on_delete=models.PROTECT, related_name="reallocations"
    )
    from_campus = models.ForeignKey(
        "campuses.Campus",
        verbose_name=_("giving campus"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: from the part of the budget not yet allocated."),
    )
    to_campus = models.ForeignKey(
        "campuses.Campus", verbose_name=_("receiving campus"), on_delete=models.PROTECT, related_name="+"
    )
    amount = money_field(_("amount (yuan)"), validators=[MinValueValidator(CENT)])
    reason = models.CharField(_("reason"), max_length=200)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REQUESTED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()
    scope_rule = Rule(campus=("from_campus", "to_campus"))

    class Meta:
        verbose_name = _("reallocation")
        verbose_name_plural = _("reallocations")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="reallocation_amount_positive",
                violation_error_message=_("The amount must be more than zero."),
            ),
            models.CheckConstraint(
                condition=Q(from_campus__isnull=True) | ~Q(from_campus=models.F("to_campus")),
                name="reallocation_two_campuses",
                violation_error_message=_("Money moves between two different campuses."),
            ),
            models.CheckConstraint(
                condition=Q(status="requested") | Q(decided_by__isnull=False, decided_at__isnull=False),
                name="reallocation_decision_recorded",
                violation_error_message=_("A decided reallocation records who decided it and when."),
            ),
        ]

    def __str__(self) -> str:
        source = self.from_campus or _("unallocated")
        return f"{self.budget}: {source} → {self.to_campus} {self.amount}"

    def get_absolute_url(self) -> str:
        return reverse("sharing:reallocation_detail", args=[self.pk])


# --------------------------------------------------------------------------------------------
# Assets (资产统筹)


class AssetCategory(models.TextChoices):
    TEACHING = "teaching", _("Teaching equipment")
    IT = "it", _("IT equipment")
    BOOKS = "books", _("Books")
    SPORTS = "sports", _("Sports equipment")
    FURNITURE = "furniture", _("Furniture")
    VEHICLE = "vehicle", _("Vehicle")
    BUILDING = "building", _("Building and grounds")
    OTHER = "other", _("Other")


class Asset(Versioned):
    """An item of the legal entity's property (资产), standing at one campus at a time. The
    campus changes only when a transfer is received (services.asset_transfer_receive)."""

    class Condition(models.TextChoices):
        GOOD = "good", _("Good")
        FAIR = "fair", _("Fair")
        POOR = "poor", _("Needs repair")
        RETIRED = "retired", _("Retired")

    code = models.CharField(_("asset code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    category = models.CharField(_("category"), max_length=20, choices=AssetCategory.choices)
    value = money_field(_("value (yuan)"))
    campus = models.ForeignKey(
        "campuses.Campus", verbose_name=_("campus"), on_delete=models.PROTECT, related_name="assets"
    )
    condition = models.CharField(
        _("condition"), max_length=20, choices=Condition.choices, default=Condition.GOOD
    )
    acquired_on = models.DateField(_("acquired on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()
    scope_rule = Rule(campus=("campus",))

    class Meta:
        verbose_name = _("asset")
        verbose_name_plural = _("assets")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="asset_value_not_negative",
                violation_error_message=_("The value cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("sharing:asset_detail", args=[self.pk])

    def natural_key(self):
        return (self.code,)


class AssetTransfer(Versioned):
    """A move of an asset between campuses: requested → approved → received (or rejected,
    cancelled). At most one open transfer per asset (constraint), so an asset is never promised
    to two campuses; its campus changes on "received" only."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        APPROVED = "approved", _("Approved")
        RECEIVED = "received", _("Received")
        REJECTED = "rejected", _("Rejected")
        CANCELLED = "cancelled", _("Cancelled")

    OPEN_STATUSES = (Status.REQUESTED, Status.APPROVED)

    asset = models.ForeignKey(
        Asset, verbose_name=_("asset"), on_delete=models.PROTECT, related_name="transfers"
    )
    from_campus = models.ForeignKey(
        "campuses.Campus", verbose_name=_("giving campus"), on_delete=models.PROTECT, related_name="+"
    )
    to_campus = models.ForeignKey(
        "campuses.Campus", verbose_name=_("receiving campus"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=200)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REQUESTED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()
    scope_rule = Rule(campus=("from_campus", "to_campus"))

    class Meta:
        verbose_name = _("asset transfer")
        verbose_name_plural = _("asset transfers")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["asset"],
                condition=Q(status__in=["requested", "approved"]),
                name="one_open_transfer_per_asset",
                violation_error_message=_("This asset already has a transfer under way."),
            ),
            models.CheckConstraint(
                condition=~Q(from_campus=models.F("to_campus")),
                name="asset_transfer_two_campuses",
                violation_error_message=_("An asset moves between two different campuses."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.asset}: {self.from_campus} → {self.to_campus}"

    def get_absolute_url(self) -> str:
        return reverse("sharing:transfer_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


# --------------------------------------------------------------------------------------------
# Teaching resources (优质资源共享)


def resource_upload_to(instance, filename: str) -> str:
    return f"sharing/resources/{timezone.now():%Y/%m}/{filename}"


class TeachingResource(Versioned):
    """A lesson plan, recorded lesson, courseware or exam paper in the group's shared library."""

    class Kind(models.TextChoices):
        LESSON_PLAN = "lesson_plan", _("Lesson plan")
        RECORDED_LESSON = "recorded_lesson", _("Recorded lesson")
        COURSEWARE = "courseware", _("Courseware")
        EXAM_PAPER = "exam_paper", _("Exam paper")

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    subject = models.CharField(_("subject"), max_length=20, choices=Subject.choices)
    grade = models.PositiveSmallIntegerField(
        _("grade"), validators=[MinValueValidator(1), MaxValueValidator(9)], help_text=_("1 to 9")
    )
    author = models.ForeignKey(
        "staff.StaffMember", verbose_name=_("author"), on_delete=models.PROTECT, related_name="resources"
    )
    campus = models.ForeignKey(
        "campuses.Campus",
        verbose_name=_("campus of origin"),
        on_delete=models.PROTECT,
        related_name="teaching_resources",
    )
    file = models.FileField(_("file"), upload_to=resource_upload_to, max_length=255)
    description = models.TextField(_("description"), blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()
    #: The shared library: every resource of the groups (or the school) of the user's campuses
    #: is read, whatever campus it comes from; only its own campus changes it.
    scope_rule = Rule(
        campus=("campus",), group=("campus__school__group",), school=("campus__school",), shared=Q()
    )

    class Meta:
        verbose_name = _("teaching resource")
        verbose_name_plural = _("teaching resources")
        ordering = ["-uploaded_at", "-pk"]
        indexes = [models.Index(fields=["subject", "grade"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(grade__gte=1, grade__lte=9),
                name="resource_grade_1_to_9",
                violation_error_message=_("The grade must be between 1 and 9."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("sharing:resource_detail", args=[self.pk])


class ResourceUse(models.Model):
    """One download or use of a resource, by a user, counted for the campus the user works at
    (empty for city-wide officials): the base of the cross-campus sharing figures."""

    class Kind(models.TextChoices):
        DOWNLOAD = "download", _("Download")
        USE = "use", _("Used in teaching")

    resource = models.ForeignKey(
        TeachingResource, verbose_name=_("resource"), on_delete=models.CASCADE, related_name="uses"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    campus = models.ForeignKey(
        "campuses.Campus",
        verbose_name=_("campus of the user"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resource_uses",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    at = models.DateTimeField(_("at"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    scope_rule = Rule(campus=("campus",))

    class Meta:
        verbose_name = _("resource use")
        verbose_name_plural = _("resource uses")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["resource", "campus"])]

    def __str__(self) -> str:
        return f"{self.resource} · {self.get_kind_display()}"
