"""People, how they are organised, and how they move between campuses."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kernel.concurrency import Versioned
from kernel.scoping import Rule, ScopedQuerySet


class Unit(Versioned):
    """责任单位: a bureau office (股室) or a school named as responsible in the plan."""

    class Kind(models.TextChoices):
        BUREAU_OFFICE = "bureau_office", _("Bureau office")
        SCHOOL = "school", _("School")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    school = models.OneToOneField(
        "campuses.School",
        verbose_name=_("school"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="unit",
    )
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()
    scope_rule = Rule(everyone=True)

    class Meta:
        verbose_name = _("responsible unit")
        verbose_name_plural = _("responsible units")
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="school", school__isnull=False)
                | Q(kind="bureau_office", school__isnull=True),
                name="unit_school_iff_kind_school",
                violation_error_message=_("A school unit names its school; a bureau office names none."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def natural_key(self):
        return (self.code,)


class Subject(models.TextChoices):
    CHINESE = "chinese", _("Chinese")
    MATHS = "maths", _("Mathematics")
    ENGLISH = "english", _("English")
    SCIENCE = "science", _("Science")
    MORALITY = "morality", _("Morality and law")
    MUSIC = "music", _("Music")
    PE = "pe", _("Physical education")
    ART = "art", _("Art")
    IT = "it", _("Information technology")
    PRACTICE = "practice", _("Integrated practice")
    PSYCHOLOGY = "psychology", _("Mental health")
    HISTORY = "history", _("History")
    GEOGRAPHY = "geography", _("Geography")
    PHYSICS = "physics", _("Physics")
    CHEMISTRY = "chemistry", _("Chemistry")
    BIOLOGY = "biology", _("Biology")
    NONE = "none", _("No subject")


class ProfessionalTitle(models.TextChoices):
    SENIOR_PROFESSOR = "senior_professor", _("Senior teacher, professor grade")
    SENIOR = "senior", _("Senior teacher")
    FIRST = "first", _("First-grade teacher")
    SECOND = "second", _("Second-grade teacher")
    THIRD = "third", _("Third-grade teacher")
    UNRATED = "unrated", _("Not yet rated")


class PostType(models.TextChoices):
    MANAGEMENT = "management", _("Management")
    TEACHER = "teacher", _("Full-time teacher")
    SUPPORT = "support", _("Teaching support")
    SERVICE = "service", _("Service staff")
    BUREAU = "bureau", _("Bureau official")


class StaffMemberQuerySet(ScopedQuerySet):
    def with_backbone_flag(self):
        """Annotate `is_backbone`: holds a distinction that counts as backbone (骨干) for the
        exchange targets: famous teacher, subject leader or backbone teacher."""
        return self.annotate(
            is_backbone=Exists(
                Distinction.objects.filter(staff=OuterRef("pk"), kind__in=Distinction.BACKBONE_KINDS)
            )
        )

    def active(self):
        return self.filter(is_active=True)


class StaffMember(Versioned):
    """A teacher, manager or official. Personal identity numbers are never stored."""

    class Gender(models.TextChoices):
        FEMALE = "F", _("Female")
        MALE = "M", _("Male")

    name = models.CharField(_("name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    staff_number = models.CharField(
        _("staff number"),
        max_length=30,
        blank=True,
        help_text=_("The school's staff number; bureau officials may have none."),
    )
    subject = models.CharField(_("subject"), max_length=20, choices=Subject.choices, default=Subject.NONE)
    professional_title = models.CharField(
        _("professional title"),
        max_length=20,
        choices=ProfessionalTitle.choices,
        default=ProfessionalTitle.UNRATED,
    )
    post_type = models.CharField(_("post"), max_length=20, choices=PostType.choices, default=PostType.TEACHER)
    position = models.CharField(
        _("position"), max_length=100, blank=True, help_text=_("e.g. 副局长, 教务主任")
    )
    home_campus = models.ForeignKey(
        "campuses.Campus",
        verbose_name=_("home campus"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        help_text=_("For bureau officials: their office."),
    )
    on_campus_since = models.DateField(
        _("at this campus since"),
        null=True,
        blank=True,
        help_text=_("Counts the years towards exchange eligibility."),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff_member",
    )
    is_active = models.BooleanField(_("in post"), default=True)
    history = HistoricalRecords()

    objects = StaffMemberQuerySet.as_manager()
    scope_rule = Rule(campus=("home_campus",))

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["home_campus", "subject"]), models.Index(fields=["name"])]
        constraints = [
            models.UniqueConstraint(
                fields=["staff_number"],
                condition=~Q(staff_number=""),
                name="staff_number_unique",
                violation_error_message=_("Another staff member has this staff number."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("staff:member_detail", args=[self.pk])


class Distinction(Versioned):
    """An honour such as 名师 or 骨干教师, with its level."""

    class Kind(models.TextChoices):
        FAMOUS_TEACHER = "famous_teacher", _("Famous teacher (名师)")
        FAMOUS_HEAD_TEACHER = "famous_head_teacher", _("Famous head teacher (名班主任)")
        SUBJECT_LEADER = "subject_leader", _("Subject leader (学科带头人)")
        BACKBONE = "backbone", _("Backbone teacher (骨干教师)")

    class Level(models.TextChoices):
        NATIONAL = "national", _("National")
        PROVINCIAL = "provincial", _("Provincial")
        MUNICIPAL = "municipal", _("Municipal")
        COUNTY = "county", _("County")
        SCHOOL = "school", _("School")

    BACKBONE_KINDS = (Kind.FAMOUS_TEACHER, Kind.SUBJECT_LEADER, Kind.BACKBONE)

    staff = models.ForeignKey(
        StaffMember,
        verbose_name=_("staff member"),
        on_delete=models.CASCADE,
        related_name="distinctions",
    )
    kind = models.CharField(_("distinction"), max_length=30, choices=Kind.choices)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    awarded_on = models.DateField(_("awarded on"), null=True, blank=True)
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()
    scope_rule = Rule(campus=("staff__home_campus",))

    class Meta:
        verbose_name = _("distinction")
        verbose_name_plural = _("distinctions")
        ordering = ["staff", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "kind", "level"],
                name="distinction_unique",
                violation_error_message=_("This person already holds this distinction at this level."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()}{self.get_kind_display()}"


class LeadingGroup(Versioned):
    """领导小组: the working group that steers a group's reform, with its office."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    group = models.ForeignKey(
        "campuses.EducationGroup",
        verbose_name=_("education group"),
        on_delete=models.CASCADE,
        related_name="leading_groups",
    )
    office_location = models.CharField(_("office located at"), max_length=100, blank=True)
    office_director = models.ForeignKey(
        StaffMember,
        verbose_name=_("office director"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    office_duties = models.TextField(_("office duties"), blank=True)
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()
    scope_rule = Rule(group=("group",), shared=Q())

    class Meta:
        verbose_name = _("leading group")
        verbose_name_plural = _("leading groups")

    def __str__(self) -> str:
        return self.name


class LeadingGroupMembership(Versioned):
    class Role(models.TextChoices):
        LEADER = "leader", _("Leader (组长)")
        DEPUTY = "deputy", _("Deputy leader (副组长)")
        MEMBER = "member", _("Member (成员)")

    leading_group = models.ForeignKey(
        LeadingGroup,
        verbose_name=_("leading group"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    person = models.ForeignKey(
        StaffMember,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="leading_group_roles",
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()
    scope_rule = Rule(group=("leading_group__group",), shared=Q())

    class Meta:
        verbose_name = _("leading group membership")
        verbose_name_plural = _("leading group memberships")
        ordering = ["leading_group", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["leading_group", "person"],
                name="one_role_per_person_in_leading_group",
                violation_error_message=_("This person already has a role in this leading group."),
            ),
            models.UniqueConstraint(
                fields=["leading_group"],
                condition=Q(role="leader"),
                name="one_leader_per_leading_group",
                violation_error_message=_("A leading group has one leader."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.person}"


class LeadershipPost(Versioned):
    """A post in the group's leadership team (集团校班子). The campus executive
    vice-principal is recorded on the campus itself."""

    class Post(models.TextChoices):
        SECRETARY = "secretary", _("Party secretary (党组织书记)")
        PRINCIPAL = "principal", _("Principal (校长)")
        DEPUTY_SECRETARY = "deputy_secretary", _("Full-time deputy secretary (专职副书记)")
        VICE_PRINCIPAL = "vice_principal", _("Vice-principal (副校长)")

    SINGLE_POSTS = (Post.SECRETARY, Post.PRINCIPAL, Post.DEPUTY_SECRETARY)

    group = models.ForeignKey(
        "campuses.EducationGroup",
        verbose_name=_("education group"),
        on_delete=models.CASCADE,
        related_name="leadership_posts",
    )
    post = models.CharField(_("post"), max_length=20, choices=Post.choices)
    person = models.ForeignKey(
        StaffMember,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="leadership_posts",
    )
    since = models.DateField(_("since"), null=True, blank=True)
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()
    scope_rule = Rule(group=("group",), shared=Q())

    class Meta:
        verbose_name = _("leadership post")
        verbose_name_plural = _("leadership posts")
        ordering = ["group", "post"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "post"],
                condition=Q(post__in=["secretary", "principal", "deputy_secretary"]),
                name="single_leadership_posts",
                violation_error_message=_(
                    "The group has one party secretary, one principal and one full-time deputy secretary."
                ),
            ),
            models.UniqueConstraint(
                fields=["group", "post", "person"],
                name="leadership_post_person_unique",
                violation_error_message=_("This person already holds this post."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_post_display()} {self.person}"


class ResponsibilityArea(models.TextChoices):
    """The seven areas of first responsibility named by the plan (一岗双责)."""

    INTEGRITY = "integrity", _("Party conduct and integrity (党风廉政建设)")
    IDEOLOGY = "ideology", _("Ideological work (意识形态)")
    SAFETY = "safety", _("Safety (安全责任)")
    ETHICS = "ethics", _("Teachers' ethics (师德师风)")
    FINANCE = "finance", _("Finance and logistics (财务后勤)")
    TEACHING = "teaching", _("Education and teaching (教育教学)")
    WORKFORCE = "workforce", _("Teacher workforce (教师队伍建设)")


class ResponsibilityAssignment(Versioned):
    """第一责任人: who answers first for one area, group-wide or on one campus."""

    group = models.ForeignKey(
        "campuses.EducationGroup",
        verbose_name=_("education group"),
        on_delete=models.CASCADE,
        related_name="responsibilities",
    )
    area = models.CharField(_("area"), max_length=20, choices=ResponsibilityArea.choices)
    campus = models.ForeignKey(
        "campuses.Campus",
        verbose_name=_("campus"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="responsibilities",
        help_text=_("Empty for the whole group."),
    )
    person = models.ForeignKey(
        StaffMember,
        verbose_name=_("first responsible person"),
        on_delete=models.PROTECT,
        related_name="responsibilities",
    )
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()
    scope_rule = Rule(campus=("campus",), group=("group",))

    class Meta:
        verbose_name = _("first-responsibility assignment")
        verbose_name_plural = _("first-responsibility assignments")
        ordering = ["group", "area", "campus"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "area", "campus"],
                name="one_first_responsible_per_area_campus",
                violation_error_message=_("This area already has a first responsible person here."),
            ),
            models.UniqueConstraint(
                fields=["group", "area"],
                condition=Q(campus__isnull=True),
                name="one_first_responsible_per_area_groupwide",
                violation_error_message=_("This area already has a group-wide first responsible person."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_area_display()}: {self.person}"

    def clean(self):
        if self.campus_id and self.group_id and self.campus.school.group_id != self.group_id:
            raise ValidationError({"campus": _("The campus must belong to this group.")})


class RotationCategory(models.TextChoices):
    MANAGEMENT = "management", _("Management staff")
    FAMOUS_TEACHER = "famous_teacher", _("Famous teacher")
    SUBJECT_LEADER = "subject_leader", _("Subject leader")
    BACKBONE = "backbone", _("Backbone teacher")
    TEACHER = "teacher", _("Other teacher")


class RotationQuerySet(ScopedQuerySet):
    def live(self):
        """Rotations that hold the teacher: approved or active."""
        return self.filter(status__in=Rotation.LIVE_STATUSES)

    def overlapping(self, start_on, end_on):
        return self.filter(start_on__lt=end_on, planned_end_on__gt=start_on)


class Rotation(Versioned):
    """交流轮岗: one teacher's exchange from one campus to another (县管校聘).

    proposed → approved → active → completed; or rejected / withdrawn. Only the personnel
    office (人事股) approves. The services in `staff.services` carry the transitions.
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        APPROVED = "approved", _("Approved")
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    LIVE_STATUSES = (Status.APPROVED, Status.ACTIVE)
    OPEN_STATUSES = (Status.PROPOSED, Status.APPROVED, Status.ACTIVE)

    staff = models.ForeignKey(
        StaffMember,
        verbose_name=_("staff member"),
        on_delete=models.PROTECT,
        related_name="rotations",
    )
    from_campus = models.ForeignKey(
        "campuses.Campus",
        verbose_name=_("from campus"),
        on_delete=models.PROTECT,
        related_name="rotations_out",
    )
    to_campus = models.ForeignKey(
        "campuses.Campus",
        verbose_name=_("to campus"),
        on_delete=models.PROTECT,
        related_name="rotations_in",
    )
    category = models.CharField(_("category"), max_length=20, choices=RotationCategory.choices)
    start_on = models.DateField(_("start"))
    planned_end_on = models.DateField(_("planned end"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PROPOSED)
    reason = models.TextField(_("purpose"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved or rejected by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = RotationQuerySet.as_manager()
    scope_rule = Rule(campus=("from_campus", "to_campus"))

    class Meta:
        verbose_name = _("rotation")
        verbose_name_plural = _("rotations")
        ordering = ["-start_on", "-pk"]
        indexes = [models.Index(fields=["status", "start_on"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_campus=F("to_campus")),
                name="rotation_campuses_differ",
                violation_error_message=_(
                    "A rotation goes from one campus to another: choose two different campuses."
                ),
            ),
            models.CheckConstraint(
                condition=Q(planned_end_on__gt=F("start_on")),
                name="rotation_end_after_start",
                violation_error_message=_("The planned end must come after the start."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff}: {self.from_campus} → {self.to_campus}"

    def get_absolute_url(self) -> str:
        return reverse("staff:rotation_detail", args=[self.pk])

    def clean(self):
        errors = {}
        if self.from_campus_id and self.from_campus_id == self.to_campus_id:
            errors["to_campus"] = _(
                "A rotation goes from one campus to another: choose two different campuses."
            )
        if self.start_on and self.planned_end_on and self.planned_end_on <= self.start_on:
            errors["planned_end_on"] = _("The planned end must come after the start.")
        if self.ended_on and self.start_on and self.ended_on < self.start_on:
            errors["ended_on"] = _("The end cannot come before the start.")
        if not errors and self.staff_id and self.status in self.OPEN_STATUSES:
            clash = (
                Rotation.objects.live()
                .overlapping(self.start_on, self.planned_end_on)
                .filter(staff_id=self.staff_id)
                .exclude(pk=self.pk)
                .first()
            )
            if clash:
                errors["start_on"] = _(
                    "%(name)s already has an approved or active rotation from %(start)s to %(end)s."
                ) % {"name": self.staff.name, "start": clash.start_on, "end": clash.planned_end_on}
        if errors:
            raise ValidationError(errors)


class Mentorship(Versioned):
    """师徒结对: a mentor and a mentee on one campus for a period."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        ENDED = "ended", _("Ended early")

    mentor = models.ForeignKey(
        StaffMember,
        verbose_name=_("mentor"),
        on_delete=models.PROTECT,
        related_name="mentees_as_mentor",
    )
    mentee = models.ForeignKey(
        StaffMember,
        verbose_name=_("mentee"),
        on_delete=models.PROTECT,
        related_name="mentors_as_mentee",
    )
    campus = models.ForeignKey(
        "campuses.Campus",
        verbose_name=_("campus"),
        on_delete=models.PROTECT,
        related_name="mentorships",
    )
    start_on = models.DateField(_("start"))
    end_on = models.DateField(_("end"))
    goals = models.TextField(_("goals"), blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()
    scope_rule = Rule(campus=("campus",))

    class Meta:
        verbose_name = _("mentoring pair")
        verbose_name_plural = _("mentoring pairs")
        ordering = ["-start_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(mentor=F("mentee")),
                name="mentor_is_not_own_mentee",
                violation_error_message=_("A mentor cannot be their own mentee."),
            ),
            models.CheckConstraint(
                condition=Q(end_on__gt=F("start_on")),
                name="mentorship_end_after_start",
                violation_error_message=_("The end must come after the start."),
            ),
            models.UniqueConstraint(
                fields=["mentor", "mentee", "start_on"],
                name="mentorship_unique",
                violation_error_message=_("This pair already starts on this date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} → {self.mentee}"

    def get_absolute_url(self) -> str:
        return reverse("staff:mentorship_detail", args=[self.pk])

    def clean(self):
        errors = {}
        if self.mentor_id and self.mentor_id == self.mentee_id:
            errors["mentee"] = _("A mentor cannot be their own mentee.")
        if self.start_on and self.end_on and self.end_on <= self.start_on:
            errors["end_on"] = _("The end must come after the start.")
        if errors:
            raise ValidationError(errors)


class Studio(Versioned):
    """名师工作室: a famous teacher's studio with its members."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    leader = models.ForeignKey(
        StaffMember, verbose_name=_("leader"), on_delete=models.PROTECT, related_name="studios_led"
    )
    campus = models.ForeignKey(
        "campuses.Campus",
        verbose_name=_("host campus"),
        on_delete=models.PROTECT,
        related_name="studios",
    )
    subject = models.CharField(_("subject"), max_length=20, choices=Subject.choices, default=Subject.NONE)
    level = models.CharField(
        _("level"),
        max_length=20,
        choices=Distinction.Level.choices,
        default=Distinction.Level.SCHOOL,
    )
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    members = models.ManyToManyField(
        StaffMember, verbose_name=_("members"), through="StudioMembership", related_name="studios"
    )
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()
    scope_rule = Rule(campus=("campus",))

    class Meta:
        verbose_name = _("famous-teacher studio")
        verbose_name_plural = _("famous-teacher studios")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("staff:studio_detail", args=[self.pk])


class StudioMembership(Versioned):
    studio = models.ForeignKey(
        Studio, verbose_name=_("studio"), on_delete=models.CASCADE, related_name="memberships"
    )
    member = models.ForeignKey(
        StaffMember,
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        related_name="studio_memberships",
    )
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()
    scope_rule = Rule(campus=("studio__campus",))

    class Meta:
        verbose_name = _("studio membership")
        verbose_name_plural = _("studio memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["studio", "member"],
                name="studio_member_unique",
                violation_error_message=_("This person is already a member of this studio."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.studio}: {self.member}"

    def clean(self):
        if self.joined_on and self.left_on and self.left_on < self.joined_on:
            raise ValidationError({"left_on": _("Leaving cannot come before joining.")})


class ResearchProject(Versioned):
    """名师课题: a research project led by a famous teacher."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ONGOING = "ongoing", _("Ongoing")
        CONCLUDED = "concluded", _("Concluded")

    title = models.CharField(_("title"), max_length=200)
    code = models.CharField(_("approval number"), max_length=50, blank=True)
    studio = models.ForeignKey(
        Studio,
        verbose_name=_("studio"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
    )
    leader = models.ForeignKey(
        StaffMember, verbose_name=_("leader"), on_delete=models.PROTECT, related_name="projects_led"
    )
    campus = models.ForeignKey(
        "campuses.Campus",
        verbose_name=_("campus"),
        on_delete=models.PROTECT,
        related_name="research_projects",
    )
    level = models.CharField(
        _("level"),
        max_length=20,
        choices=Distinction.Level.choices,
        default=Distinction.Level.SCHOOL,
    )
    start_on = models.DateField(_("start"))
    end_on = models.DateField(_("end"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    members = models.ManyToManyField(
        StaffMember, verbose_name=_("members"), blank=True, related_name="projects"
    )
    history = HistoricalRecords(m2m_fields=[members])

    objects = ScopedQuerySet.as_manager()
    scope_rule = Rule(campus=("campus",))

    class Meta:
        verbose_name = _("research project")
        verbose_name_plural = _("research projects")
        ordering = ["-start_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__isnull=True) | Q(end_on__gt=F("start_on")),
                name="project_end_after_start",
                violation_error_message=_("The end must come after the start."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("staff:project_detail", args=[self.pk])

    def clean(self):
        if self.start_on and self.end_on and self.end_on <= self.start_on:
            raise ValidationError({"end_on": _("The end must come after the start.")})


class CrossCampusActivity(Versioned):
    """A joint activity across campuses: 校区教研, 送教, 听评课, 讲座."""

    class Kind(models.TextChoices):
        JOINT_RESEARCH = "joint_research", _("Joint teaching research (校区教研)")
        TEACHING_VISIT = "teaching_visit", _("Teaching visit (送教)")
        LESSON_OBSERVATION = "lesson_observation", _("Lesson observation (听评课)")
        LECTURE = "lecture", _("Lecture (讲座)")

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    held_on = models.DateField(_("date"))
    host_campus = models.ForeignKey(
        "campuses.Campus",
        verbose_name=_("host campus"),
        on_delete=models.PROTECT,
        related_name="activities_hosted",
    )
    campuses = models.ManyToManyField(
        "campuses.Campus", verbose_name=_("campuses taking part"), related_name="activities_joined"
    )
    participants = models.ManyToManyField(
        StaffMember, verbose_name=_("participants"), blank=True, related_name="activities"
    )
    hours = models.DecimalField(
        _("hours"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(200)],
    )
    summary = models.TextField(_("summary"), blank=True)
    history = HistoricalRecords(m2m_fields=[campuses, participants])

    objects = ScopedQuerySet.as_manager()
    scope_rule = Rule(campus=("host_campus", "campuses"))

    class Meta:
        verbose_name = _("cross-campus activity")
        verbose_name_plural = _("cross-campus activities")
        ordering = ["-held_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0),
                name="activity_hours_positive",
                violation_error_message=_("Hours must be more than zero."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("staff:activity_detail", args=[self.pk])


class StaffingQuota(Versioned):
    """编制 and 岗位 of one campus in one year: authorised and filled."""

    campus = models.ForeignKey(
        "campuses.Campus", verbose_name=_("campus"), on_delete=models.CASCADE, related_name="quotas"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000)])
    establishment_authorised = models.PositiveIntegerField(_("establishment authorised (编制)"))
    establishment_filled = models.PositiveIntegerField(_("establishment filled"))
    posts_authorised = models.PositiveIntegerField(_("posts authorised (岗位)"))
    posts_filled = models.PositiveIntegerField(_("posts filled"))
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()
    scope_rule = Rule(campus=("campus",))

    class Meta:
        verbose_name = _("staffing quota")
        verbose_name_plural = _("staffing quotas")
        ordering = ["-year", "campus"]
        constraints = [
            models.UniqueConstraint(
                fields=["campus", "year"],
                name="quota_unique_per_campus_year",
                violation_error_message=_("This campus already has a quota for this year."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campus} {self.year}"

    @property
    def establishment_vacant(self) -> int:
        return self.establishment_authorised - self.establishment_filled
