"""Education groups, the legal-entity schools in them, their campuses and enrollment, and the
applications that form a group or admit a school into one (ExpansionApplication, moved here from
`planning` by issue 13: it is about groups, and its approval calls campuses.services)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kernel.concurrency import Versioned
from kernel.scoping import Rule, ScopedQuerySet


class Stage(models.TextChoices):
    PRIMARY = "primary", _("Primary school")
    JUNIOR = "junior", _("Junior secondary school")
    NINE_YEAR = "nine_year", _("Nine-year school")


class PeerCategory(Versioned):
    """同类学校: the set of schools a school is ranked within."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    description = models.TextField(_("description"), blank=True)
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()
    scope_rule = Rule(everyone=True)

    class Meta:
        verbose_name = _("peer category")
        verbose_name_plural = _("peer categories")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def natural_key(self):
        return (self.code,)


class EducationGroupQuerySet(ScopedQuerySet):
    pass


class EducationGroup(Versioned):
    """教育集团: a core school leading its campuses or member schools."""

    class Governance(models.TextChoices):
        UNIFIED = "unified", _("Unified: one legal person, one account")
        FEDERATED = "federated", _("Federated: member schools keep their legal person")

    class CharterStatus(models.TextChoices):
        NONE = "none", _("No charter yet")
        DRAFT = "draft", _("Draft")
        UNDER_REVIEW = "under_review", _("Under review")
        APPROVED = "approved", _("Approved")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    core_school = models.ForeignKey(
        "School",
        verbose_name=_("core school"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    governance_mode = models.CharField(
        _("governance mode"),
        max_length=20,
        choices=Governance.choices,
        default=Governance.UNIFIED,
    )
    charter_status = models.CharField(
        _("charter status"),
        max_length=20,
        choices=CharterStatus.choices,
        default=CharterStatus.NONE,
    )
    description = models.TextField(_("description"), blank=True)
    history = HistoricalRecords()

    objects = EducationGroupQuerySet.as_manager()
    #: Read by the vice-principals of its campuses, changed by its leadership.
    scope_rule = Rule(group=("pk",), shared=Q())

    class Meta:
        verbose_name = _("education group")
        verbose_name_plural = _("education groups")
        ordering = ["name"]
        permissions = [("manage_group", _("Lead the group: see and manage all its campuses"))]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("campuses:group_detail", args=[self.pk])

    def natural_key(self):
        return (self.code,)

    def clean(self):
        if self.core_school_id and self.pk and self.core_school.group_id != self.pk:
            raise ValidationError({"core_school": _("The core school must be a member of this group.")})


class SchoolQuerySet(ScopedQuerySet):
    pass


credit_code_validator = RegexValidator(
    r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$",
    _("A unified social credit code has 18 characters: digits and capital letters except I, O, Z, S, V."),
)


class School(Versioned):
    """法人单位: the legal entity, with its one bank account."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    group = models.ForeignKey(
        EducationGroup,
        verbose_name=_("education group"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="schools",
    )
    legal_representative = models.CharField(_("legal representative"), max_length=50, blank=True)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        blank=True,
        validators=[credit_code_validator],
    )
    bank_name = models.CharField(_("bank"), max_length=100, blank=True)
    bank_account = models.CharField(_("bank account"), max_length=40, blank=True)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.PRIMARY)
    peer_category = models.ForeignKey(
        PeerCategory,
        verbose_name=_("peer category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="schools",
    )
    district = models.CharField(_("district"), max_length=50, blank=True)
    history = HistoricalRecords()

    objects = SchoolQuerySet.as_manager()
    #: Read by the vice-principals of its campuses, changed by its group's leadership.
    scope_rule = Rule(school=("pk",), shared=Q())

    class Meta:
        verbose_name = _("school (legal entity)")
        verbose_name_plural = _("schools (legal entities)")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=~Q(credit_code=""),
                name="school_credit_code_unique",
                violation_error_message=_("Another school has this unified social credit code."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("campuses:school_detail", args=[self.pk])

    def natural_key(self):
        return (self.code,)


class CampusQuerySet(ScopedQuerySet):
    pass


class Campus(Versioned):
    """校区: one site of a school; the unit of access for campus executive vice-principals."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    school = models.ForeignKey(
        School, verbose_name=_("school"), on_delete=models.PROTECT, related_name="campuses"
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    is_core = models.BooleanField(_("core campus"), default=False)
    executive_vice_principal = models.ForeignKey(
        "staff.StaffMember",
        verbose_name=_("executive vice-principal"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="campuses_led",
    )
    planned_capacity = models.PositiveIntegerField(_("planned capacity (pupils)"), null=True, blank=True)
    history = HistoricalRecords()

    objects = CampusQuerySet.as_manager()
    scope_rule = Rule(campus=("id",))

    class Meta:
        verbose_name = _("campus")
        verbose_name_plural = _("campuses")
        ordering = ["school__name", "-is_core", "opened_on", "name"]
        permissions = [("manage_campus", _("Manage the campus: see and record its data"))]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "name"],
                name="campus_name_unique_in_school",
                violation_error_message=_("This school already has a campus of this name."),
            ),
            models.UniqueConstraint(
                fields=["school"],
                condition=Q(is_core=True),
                name="one_core_campus_per_school",
                violation_error_message=_("A school has only one core campus."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("campuses:campus_detail", args=[self.pk])

    def natural_key(self):
        return (self.code,)


class EnrollmentSnapshot(Versioned):
    """Classes and pupils of one grade of one campus in one term.

    `class_sizes` lists the pupils of each class, so that big-class shares follow the
    thresholds in force (policy settings) rather than counts fixed when the data was entered.
    """

    class Semester(models.IntegerChoices):
        AUTUMN = 1, _("Autumn term")
        SPRING = 2, _("Spring term")

    campus = models.ForeignKey(
        Campus, verbose_name=_("campus"), on_delete=models.CASCADE, related_name="enrollments"
    )
    school_year = models.PositiveSmallIntegerField(
        _("school year"),
        validators=[MinValueValidator(2000)],
        help_text=_("The calendar year the school year starts in, e.g. 2024 for 2024–2025."),
    )
    semester = models.PositiveSmallIntegerField(_("term"), choices=Semester.choices, default=Semester.AUTUMN)
    grade = models.PositiveSmallIntegerField(
        _("grade"), validators=[MinValueValidator(1)], help_text=_("1 to 9")
    )
    classes = models.PositiveSmallIntegerField(_("classes"))
    pupils = models.PositiveIntegerField(_("pupils"))
    class_sizes = models.JSONField(
        _("pupils per class"),
        default=list,
        blank=True,
        help_text=_("One number per class, e.g. [52, 54, 57]."),
    )
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()
    scope_rule = Rule(campus=("campus",))

    class Meta:
        verbose_name = _("enrollment snapshot")
        verbose_name_plural = _("enrollment snapshots")
        ordering = ["campus", "-school_year", "-semester", "grade"]
        constraints = [
            models.UniqueConstraint(
                fields=["campus", "school_year", "semester", "grade"],
                name="enrollment_unique_per_term_grade",
                violation_error_message=_("This campus already has figures for this term and grade."),
            ),
            models.CheckConstraint(
                condition=Q(grade__gte=1, grade__lte=9),
                name="enrollment_grade_1_to_9",
                violation_error_message=_("The grade must be between 1 and 9."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campus} {self.term_label} {self.grade}"

    @property
    def term_label(self) -> str:
        return f"{self.school_year}–{self.school_year + 1}-{self.semester}"

    @property
    def average_class_size(self):
        return self.pupils / self.classes if self.classes else None

    def clean(self):
        sizes = self.class_sizes or []
        if not isinstance(sizes, list) or not all(isinstance(n, int) and n > 0 for n in sizes):
            raise ValidationError(
                {"class_sizes": _("List the pupils of each class as whole numbers above zero.")}
            )
        if sizes and len(sizes) != self.classes:
            raise ValidationError(
                {
                    "class_sizes": _("%(listed)d class sizes are listed for %(classes)d classes.")
                    % {"listed": len(sizes), "classes": self.classes}
                }
            )
        if sizes and sum(sizes) != self.pupils:
            raise ValidationError(
                {
                    "class_sizes": _("The class sizes add up to %(sum)d, not %(pupils)d pupils.")
                    % {"sum": sum(sizes), "pupils": self.pupils}
                }
            )
        if self.classes == 0 and self.pupils:
            raise ValidationError({"classes": _("Pupils are recorded but no classes.")})


# --- Expansion (组建新教育集团, 教育集团纳新) ---------------------------------------------------


class ExpansionApplication(Versioned):
    """An application to form a new education group, or to admit a school into one, reviewed
    and decided by the bureau (规范集团办学组建程序): draft → submitted → under review →
    approved or rejected. Every transition is an `ApplicationStep`; approval creates the group
    (and its memberships) or the membership (campuses.services)."""

    class Kind(models.TextChoices):
        NEW_GROUP = "new_group", _("Form a new education group")
        ADMIT_SCHOOL = "admit_school", _("Admit a school into a group")

    class AppStatus(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        UNDER_REVIEW = "under_review", _("Under review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    proposed_name = models.CharField(_("proposed group name"), max_length=100, blank=True)
    proposed_code = models.SlugField(
        _("proposed group code"), max_length=40, blank=True, help_text=_("Letters, digits and hyphens.")
    )
    governance_mode = models.CharField(
        _("governance mode"),
        max_length=20,
        choices=EducationGroup.Governance.choices,
        blank=True,
    )
    core_school = models.ForeignKey(
        "campuses.School",
        verbose_name=_("core school"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    member_schools = models.ManyToManyField(
        "campuses.School",
        verbose_name=_("member schools"),
        blank=True,
        related_name="+",
        help_text=_("The other schools of the new group, besides its core school."),
    )
    target_group = models.ForeignKey(
        "campuses.EducationGroup",
        verbose_name=_("group to join"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    school = models.ForeignKey(
        "campuses.School",
        verbose_name=_("school to admit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField(_("reasons and plan"), blank=True)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant"),
        on_delete=models.PROTECT,
        related_name="expansion_applications",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=20, choices=AppStatus.choices, default=AppStatus.DRAFT)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_group = models.ForeignKey(
        "campuses.EducationGroup",
        verbose_name=_("resulting group"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()
    #: Its applicant's, and the leadership's of the group it is about; the bureau's.
    scope_rule = Rule(
        owner="applicant", group=("target_group", "created_group"), shared=Q(), members_read=False
    )

    class Meta:
        verbose_name = _("expansion application")
        verbose_name_plural = _("expansion applications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="new_group")
                | (
                    ~Q(proposed_name="")
                    & ~Q(proposed_code="")
                    & Q(target_group__isnull=True)
                    & Q(school__isnull=True)
                ),
                name="application_new_group_fields",
                violation_error_message=_("A new group needs a name and a code, and no group to join."),
            ),
            models.CheckConstraint(
                condition=~Q(kind="admit_school") | (Q(target_group__isnull=False) & Q(school__isnull=False)),
                name="application_admission_fields",
                violation_error_message=_("An admission names the group and the school."),
            ),
        ]

    def __str__(self) -> str:
        if self.kind == self.Kind.NEW_GROUP:
            return _("New group: %(name)s") % {"name": self.proposed_name}
        return _("Admission of %(school)s into %(group)s") % {
            "school": self.school,
            "group": self.target_group,
        }

    def get_absolute_url(self) -> str:
        return reverse("campuses:application_detail", args=[self.pk])

    def clean(self):
        errors = {}
        if self.kind == self.Kind.NEW_GROUP:
            if not self.proposed_name.strip():
                errors["proposed_name"] = _("Name the new group.")
            if not self.proposed_code.strip():
                errors["proposed_code"] = _("Give the new group a code.")
            if self.core_school_id is None:
                errors["core_school"] = _("Choose the core school of the new group.")
            if not self.governance_mode:
                errors["governance_mode"] = _("Choose how the new group is governed.")
            if self.target_group_id or self.school_id:
                errors["target_group"] = _(
                    "A new group joins no group: leave the group and school to admit empty."
                )
        elif self.kind == self.Kind.ADMIT_SCHOOL:
            if self.target_group_id is None:
                errors["target_group"] = _("Choose the group the school joins.")
            if self.school_id is None:
                errors["school"] = _("Choose the school to admit.")
            if self.proposed_name or self.proposed_code or self.core_school_id:
                errors["proposed_name"] = _(
                    "An admission forms no group: leave the proposed name, code and core school empty."
                )
        if errors:
            raise ValidationError(errors)


def application_upload_to(instance, filename: str) -> str:
    return f"planning/applications/{instance.application_id}/{filename}"


class ApplicationDocument(Versioned):
    """A document of an application: 申请报告, 集团章程草案, 发展规划, 可行性论证..."""

    application = models.ForeignKey(
        ExpansionApplication,
        verbose_name=_("expansion application"),
        on_delete=models.CASCADE,
        related_name="documents",
    )
    name = models.CharField(_("name"), max_length=200)
    file = models.FileField(_("file"), upload_to=application_upload_to)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()
    scope_rule = Rule(
        owner="application__applicant",
        group=("application__target_group", "application__created_group"),
        shared=Q(),
        members_read=False,
    )

    class Meta:
        verbose_name = _("application document")
        verbose_name_plural = _("application documents")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name


class ApplicationStep(models.Model):
    """One recorded step of an application's review: who, when, which step, the decision (on
    approval or rejection) and the comment."""

    class Step(models.TextChoices):
        CREATE = "create", _("Drafted")
        SUBMIT = "submit", _("Submitted")
        REVIEW = "review", _("Taken under review")
        APPROVE = "approve", _("Approved")
        REJECT = "reject", _("Rejected")

    class Decision(models.TextChoices):
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    application = models.ForeignKey(
        ExpansionApplication,
        verbose_name=_("expansion application"),
        on_delete=models.CASCADE,
        related_name="steps",
    )
    step = models.CharField(_("step"), max_length=20, choices=Step.choices)
    from_status = models.CharField(
        _("from"), max_length=20, choices=ExpansionApplication.AppStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=20, choices=ExpansionApplication.AppStatus.choices)
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"))
    comment = models.TextField(_("comment"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_rule = Rule(
        owner="application__applicant",
        group=("application__target_group", "application__created_group"),
        shared=Q(),
        members_read=False,
    )

    class Meta:
        verbose_name = _("application step")
        verbose_name_plural = _("application steps")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_step_display()} · {self.at:%Y-%m-%d %H:%M}"
