"""Read-side figures of the staff app: staff, backbone teachers, mentoring pairs and the
exchange (交流轮岗) figures against their policy targets.

Each selector runs a constant number of queries whatever the number of campuses: counts per
campus are grouped (one pass over each table, the tables' counts combined with UNION ALL), except
`rotation_figures`, which annotates the campus rows it returns.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_DOWN, Decimal
from typing import NamedTuple

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from campuses.models import Campus, EducationGroup
from campuses.selectors import share
from kernel.models import POLICY_RULES, policy_values

from .models import (
    CrossCampusActivity,
    Distinction,
    LeadershipPost,
    LeadingGroup,
    LeadingGroupMembership,
    Mentorship,
    PostType,
    ResearchProject,
    ResponsibilityArea,
    ResponsibilityAssignment,
    Rotation,
    StaffingQuota,
    StaffMember,
    Studio,
)

#: Rotations that count as an exchange made in their start year.
COUNTED_ROTATION_STATUSES = (
    Rotation.Status.APPROVED,
    Rotation.Status.ACTIVE,
    Rotation.Status.COMPLETED,
)

#: The 2014 national opinion sets the exchange share for principals and teachers (校长教师):
#: full-time teachers and management staff are the population eligible for exchange.
EXCHANGE_POST_TYPES = (PostType.TEACHER, PostType.MANAGEMENT)

#: Exchanges usually start with the school year; eligibility is counted at 1 September.
SCHOOL_YEAR_START = (9, 1)


@dataclass(frozen=True)
class PolicyFigure:
    """A figure measured against a policy target, with the rule's source."""

    key: str
    value: Decimal | None
    target: Decimal
    unit: str
    label: str
    source: str

    @property
    def met(self) -> bool | None:
        """Whether the value reaches the target (None when there is no value)."""
        return None if self.value is None else self.value >= self.target


def policy_figure(key: str, value: Decimal | None, values: dict[str, Decimal]) -> PolicyFigure:
    rule = POLICY_RULES[key]
    return PolicyFigure(
        key=key,
        value=value,
        target=values[key],
        unit=str(rule.unit),
        label=str(rule.label),
        source=str(rule.source),
    )


def _campus_ids(campuses: QuerySet | Iterable | None, campus_ids: Iterable[int] | None):
    """A values("pk") subquery for a Campus queryset, or a list of ids."""
    if campuses is None and campus_ids is None:
        raise TypeError("Pass campuses (a Campus queryset) or campus_ids.")
    if isinstance(campuses, QuerySet):
        return campuses.order_by().values("pk")
    source = campuses if campuses is not None else campus_ids
    return [getattr(item, "pk", item) for item in source]


#: The name of the campus column in `_grouped_counts` (not a field name of any counted model).
_CAMPUS_KEY = "counted_campus_id"


def _grouped_counts(
    parts: Iterable[tuple[QuerySet, str, Mapping[str, Count]]], names: Sequence[str]
) -> dict[int, list[int]]:
    """Counts per campus from several tables in one query: each part is a queryset, the field
    holding its campus and its counts by name (the other names count 0 in that part); the parts
    are grouped by campus and combined with UNION ALL. Returns {campus id: [count per name]}
    for the campuses found in any part."""
    querysets = [
        queryset.order_by()
        .values(**{_CAMPUS_KEY: F(campus_field)})
        .annotate(**{name: counts.get(name, Value(0)) for name in names})
        for queryset, campus_field, counts in parts
    ]
    result: dict[int, list[int]] = {}
    for row in querysets[0].union(*querysets[1:], all=True).values_list(_CAMPUS_KEY, *names):
        sums = result.setdefault(row[0], [0] * len(names))
        for i, n in enumerate(row[1:]):
            sums[i] += n
    return result


def _count(queryset: QuerySet, campus_field: str, counted: str = "pk", distinct: bool = False):
    """A correlated subquery counting `queryset` rows of the outer campus (0 when none)."""
    return Coalesce(
        Subquery(
            queryset.filter(**{campus_field: OuterRef("pk")})
            .order_by()
            .values(campus_field)
            .annotate(n=Count(counted, distinct=distinct))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def _backbone_staff_ids() -> QuerySet:
    """Ids of the people holding a backbone distinction (`Distinction.BACKBONE_KINDS`)."""
    return Distinction.objects.filter(kind__in=Distinction.BACKBONE_KINDS).values("staff_id")


@dataclass
class StaffFigures:
    """Staff of one campus (or several, added up)."""

    campus_id: int
    staff: int = 0
    teachers: int = 0
    backbone: int = 0
    mentorships: int = 0

    @property
    def backbone_share(self) -> Decimal | None:
        return share(self.backbone, self.teachers)


def staff_figures(
    *,
    campuses: QuerySet | Iterable | None = None,
    campus_ids: Iterable[int] | None = None,
) -> dict[int, StaffFigures]:
    """Per campus id: staff in post, full-time teachers, backbone teachers (in post, holding a
    distinction of `Distinction.BACKBONE_KINDS`) and active mentoring pairs. One query; every
    campus asked for (that exists) is in the result, with zeros when nothing counts."""
    ids = _campus_ids(campuses, campus_ids)
    in_post = StaffMember.objects.filter(is_active=True, home_campus__in=ids)
    names = ("staff", "teachers", "backbone", "mentorships")
    counts = _grouped_counts(
        [
            # The campuses themselves: present with zeros when nothing else counts.
            (Campus.objects.filter(pk__in=ids), "pk", {}),
            (
                in_post,
                "home_campus",
                {
                    "staff": Count("pk"),
                    "teachers": Count("pk", filter=Q(post_type=PostType.TEACHER)),
                    # StaffMemberQuerySet.with_backbone_flag, as a set looked up once per query
                    # (IN) rather than a subquery per person (EXISTS) in one pass over the staff.
                    "backbone": Count("pk", filter=Q(pk__in=_backbone_staff_ids())),
                },
            ),
            (
                Mentorship.objects.filter(status=Mentorship.Status.ACTIVE, campus__in=ids),
                "campus",
                {"mentorships": Count("pk")},
            ),
        ],
        names,
    )
    return {campus_id: StaffFigures(campus_id, *numbers) for campus_id, numbers in counts.items()}


def staff_totals(figures: Iterable[StaffFigures]) -> StaffFigures:
    total = StaffFigures(campus_id=0)
    for fig in figures:
        total.staff += fig.staff
        total.teachers += fig.teachers
        total.backbone += fig.backbone
        total.mentorships += fig.mentorships
    return total


def _years_before(day: datetime.date, years: Decimal) -> datetime.date:
    """The date `years` (possibly fractional) before `day`, by whole months."""
    months = int((years * 12).to_integral_value())
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    last_day = 28 if month == 2 else 30 if month in (4, 6, 9, 11) else 31
    return datetime.date(year, month, min(day.day, last_day))


@dataclass
class RotationFigures:
    """Exchange figures of one campus (or the total of several) for one year.

    `ratio` is those exchanged as a share of those eligible (target `rotation_share_target`);
    `backbone_share` the backbone teachers among those exchanged (`rotation_backbone_share_target`).
    """

    campus: Campus | None
    year: int
    eligible: int
    exchanged: int
    backbone_exchanged: int
    undated: int
    ratio: PolicyFigure
    backbone_share: PolicyFigure

    @property
    def campus_id(self) -> int | None:
        return self.campus.pk if self.campus else None

    @property
    def exchange_gap(self) -> int | None:
        """How many more people must be exchanged this year for the share of the eligible to
        reach its target ("N more needed"); 0 when met, None when nobody is eligible."""
        if not self.eligible:
            return None
        needed = (self.ratio.target * self.eligible / 100).to_integral_value(rounding=ROUND_CEILING)
        return max(0, int(needed) - self.exchanged)

    @property
    def backbone_gap(self) -> int | None:
        """How many more backbone teachers must be exchanged (each one counting among the
        exchanged too) for their share to reach its target; 0 when met, None when nobody has
        been exchanged yet (any backbone teacher then makes the share)."""
        if not self.exchanged:
            return None
        target, part, whole = self.backbone_share.target, self.backbone_exchanged, self.exchanged
        if part * 100 >= target * whole:
            return 0
        if target >= 100:
            return None
        # (part + k) / (whole + k) ≥ target / 100  ⇔  k ≥ (target·whole − 100·part) / (100 − target)
        k = ((target * whole - 100 * part) / (100 - target)).to_integral_value(rounding=ROUND_CEILING)
        return int(k)


@dataclass
class RotationReport:
    """Exchange figures per campus in the user's scope, and their total."""

    year: int
    eligible_years: PolicyFigure
    eligible_since: datetime.date
    rows: list[RotationFigures] = field(default_factory=list)
    totals: RotationFigures | None = None

    def for_campus(self, campus_id: int) -> RotationFigures | None:
        if getattr(self, "_by_campus", None) is None or len(self._by_campus) != len(self.rows):
            self._by_campus = {row.campus_id: row for row in self.rows}
        return self._by_campus.get(campus_id)


class RotationCounts(NamedTuple):
    """The exchange counts of one campus (or several) for one year: see `rotation_figures`."""

    eligible: int = 0
    exchanged: int = 0
    backbone_exchanged: int = 0
    undated: int = 0


def _rotation_figures(
    campus: Campus | None,
    year: int,
    eligible: int,
    exchanged: int,
    backbone: int,
    undated: int,
    values: dict[str, Decimal],
) -> RotationFigures:
    return RotationFigures(
        campus=campus,
        year=year,
        eligible=eligible,
        exchanged=exchanged,
        backbone_exchanged=backbone,
        undated=undated,
        ratio=policy_figure("rotation_share_target", share(exchanged, eligible), values),
        backbone_share=policy_figure("rotation_backbone_share_target", share(backbone, exchanged), values),
    )


def rotation_eligible_since(year: int, values: dict[str, Decimal]) -> datetime.date:
    """The latest arrival date at a campus that makes a teacher eligible for exchange in `year`:
    `rotation_eligible_years` before 1 September."""
    return _years_before(datetime.date(year, *SCHOOL_YEAR_START), values["rotation_eligible_years"])


@dataclass(frozen=True)
class _RotationSets:
    """What the exchange figures count (one definition for every way of counting): people of
    `population` at their home campus, rotations of `counted` at the campus they leave."""

    population: QuerySet
    eligible: Q
    undated: Q
    counted: QuerySet
    backbone: Q


def _rotation_sets(year: int, eligible_since: datetime.date) -> _RotationSets:
    return _RotationSets(
        population=StaffMember.objects.filter(is_active=True, post_type__in=EXCHANGE_POST_TYPES),
        eligible=Q(on_campus_since__lte=eligible_since),
        undated=Q(on_campus_since__isnull=True),
        counted=Rotation.objects.filter(status__in=COUNTED_ROTATION_STATUSES, start_on__year=year),
        backbone=Q(staff_id__in=_backbone_staff_ids()),
    )


def rotation_report(
    *,
    year: int,
    values: dict[str, Decimal],
    rows: Iterable[tuple[Campus, RotationCounts]],
    totals: RotationCounts | None = None,
) -> RotationReport:
    """A report from counts already made: one row per (campus, counts) given, and the totals
    (the sum of the rows unless given). No query."""
    report = RotationReport(
        year=year,
        eligible_years=policy_figure("rotation_eligible_years", None, values),
        eligible_since=rotation_eligible_since(year, values),
    )
    sums = [0, 0, 0, 0]
    for campus, counts in rows:
        report.rows.append(_rotation_figures(campus, year, *counts, values))
        sums = [a + b for a, b in zip(sums, counts, strict=True)]
    totals = totals if totals is not None else RotationCounts(*sums)
    report.totals = _rotation_figures(None, year, *totals, values)
    return report


def rotation_counts(
    *,
    year: int,
    campuses: QuerySet | Iterable | None = None,
    campus_ids: Iterable[int] | None = None,
    policy: dict[str, Decimal] | None = None,
) -> dict[int, RotationCounts]:
    """The counts of `rotation_figures` per campus id, grouped in one query (two without
    `policy`, a dict from `policy_values()`), for callers that need numbers rather than rows
    (the dashboard's cache). The caller scopes the campuses. Campuses with nothing to count are
    absent: their counts are `RotationCounts()`."""
    values = policy if policy is not None else policy_values()
    ids = _campus_ids(campuses, campus_ids)
    sets = _rotation_sets(year, rotation_eligible_since(year, values))
    names = RotationCounts._fields
    counts = _grouped_counts(
        [
            (
                sets.population.filter(home_campus__in=ids),
                "home_campus",
                {"eligible": Count("pk", filter=sets.eligible), "undated": Count("pk", filter=sets.undated)},
            ),
            (
                sets.counted.filter(from_campus__in=ids),
                "from_campus",
                {
                    "exchanged": Count("staff", distinct=True),
                    "backbone_exchanged": Count("staff", distinct=True, filter=sets.backbone),
                },
            ),
        ],
        names,
    )
    return {campus_id: RotationCounts(*numbers) for campus_id, numbers in counts.items()}


def rotation_figures(
    *,
    user,
    year: int | None = None,
    campus_ids: Iterable[int] | None = None,
) -> RotationReport:
    """Exchange figures for `year` (default: this year), per campus in the user's scope and in
    total; `campus_ids` narrows the campuses further (never widens the scope).

    - eligible: teachers and managers in post whose years at their campus (`on_campus_since`)
      reach the policy `rotation_eligible_years` on 1 September of `year`;
    - exchanged: people whose rotation starts in `year` and is approved, active or completed,
      counted once at the campus they leave;
    - backbone exchanged: those of them holding a backbone distinction.

    Two queries (policy values, campuses with their counts) whatever the number of campuses.
    """
    campuses = Campus.objects.for_user(user)
    if campus_ids is not None:
        campuses = campuses.filter(pk__in=list(campus_ids))
    return _rotation_report_of(campuses, year)


def campus_rotation_figures(*, campus_ids: Iterable[int], year: int | None = None) -> RotationReport:
    """The same figures for these campuses, whoever asks: for computations that run for a whole
    scheme (evaluation.compute), not for a page."""
    return _rotation_report_of(Campus.objects.filter(pk__in=list(campus_ids)), year)


def _rotation_report_of(campuses, year: int | None) -> RotationReport:
    year = year or timezone.localdate().year
    values = policy_values()
    sets = _rotation_sets(year, rotation_eligible_since(year, values))
    campuses = campuses.select_related("school").annotate(
        n_eligible=_count(sets.population.filter(sets.eligible), "home_campus"),
        n_undated=_count(sets.population.filter(sets.undated), "home_campus"),
        n_exchanged=_count(sets.counted, "from_campus", "staff", distinct=True),
        n_backbone=_count(sets.counted.filter(sets.backbone), "from_campus", "staff", distinct=True),
    )
    return rotation_report(
        year=year,
        values=values,
        rows=(
            (
                campus,
                RotationCounts(campus.n_eligible, campus.n_exchanged, campus.n_backbone, campus.n_undated),
            )
            for campus in campuses
        ),
    )


# --- eligibility of one teacher for an exchange -------------------------------------------------


def whole_months(since: datetime.date, on: datetime.date) -> int:
    """Whole months from `since` to `on` (negative when `on` comes first)."""
    months = (on.year - since.year) * 12 + on.month - since.month
    return months - 1 if on.day < since.day else months


@dataclass(frozen=True)
class Eligibility:
    """Whether a teacher may be exchanged on a date (交流资格), and what the approver weighs:
    years at their campus against the policy `rotation_eligible_years`, backbone distinctions
    (骨干), and the rotations already under way or proposed for them."""

    staff: StaffMember
    on: datetime.date
    required_years: Decimal
    since: datetime.date | None
    backbone: tuple[str, ...]
    open_rotations: tuple[Rotation, ...]

    @property
    def years(self) -> Decimal | None:
        """Years at the campus by `on`, in whole months, one decimal (None when no arrival date)."""
        if self.since is None:
            return None
        months = max(0, whole_months(self.since, self.on))
        return (Decimal(months) / 12).quantize(Decimal("0.1"), rounding=ROUND_DOWN)

    @property
    def eligible_from(self) -> datetime.date | None:
        """The first day the years at the campus reach the policy (the rule of `rotation_figures`)."""
        if self.since is None:
            return None
        months = int((self.required_years * 12).to_integral_value())
        year, month = divmod(self.since.year * 12 + self.since.month - 1 + months, 12)
        day = min(self.since.day, calendar.monthrange(year, month + 1)[1])
        return datetime.date(year, month + 1, day)

    @property
    def eligible(self) -> bool | None:
        """Years reached (None when the arrival date is not recorded): the rule the exchange
        figures count by (`rotation_eligible_since`), on this date."""
        if self.since is None:
            return None
        return self.since <= _years_before(self.on, self.required_years)

    @property
    def is_backbone(self) -> bool:
        return bool(self.backbone)

    def as_json(self) -> dict:
        return {
            "staff": self.staff.pk,
            "on": self.on.isoformat(),
            "since": self.since.isoformat() if self.since else None,
            "years": str(self.years) if self.years is not None else None,
            "required_years": str(self.required_years.normalize()),
            "eligible": self.eligible,
            "eligible_from": self.eligible_from.isoformat() if self.eligible_from else None,
            "backbone": list(self.backbone),
            "open_rotations": [
                {
                    "pk": r.pk,
                    "status": r.status,
                    "to_campus": r.to_campus.name,
                    "start_on": r.start_on.isoformat(),
                }
                for r in self.open_rotations
            ],
        }


def rotation_eligibility(
    *,
    staff: StaffMember,
    on: datetime.date | None = None,
    exclude: Rotation | None = None,
    values: dict[str, Decimal] | None = None,
) -> Eligibility:
    """A teacher's eligibility for an exchange starting `on` (default today). The open rotations
    are those proposed, approved or active for them, other than `exclude` (the one looked at).
    Three queries (policy values unless given, distinctions, rotations); the caller has found
    `staff` in the user's scope."""
    values = values if values is not None else policy_values()
    backbone = tuple(
        str(d)
        for d in Distinction.objects.filter(staff=staff, kind__in=Distinction.BACKBONE_KINDS).order_by(
            "kind", "level"
        )
    )
    rotations = Rotation.objects.filter(staff=staff, status__in=Rotation.OPEN_STATUSES).select_related(
        "to_campus"
    )
    if exclude is not None and exclude.pk:
        rotations = rotations.exclude(pk=exclude.pk)
    return Eligibility(
        staff=staff,
        on=on or timezone.localdate(),
        required_years=values["rotation_eligible_years"],
        since=staff.on_campus_since,
        backbone=backbone,
        open_rotations=tuple(rotations.order_by("start_on", "pk")),
    )


# --- Detail pages -----------------------------------------------------------------------------


def staff_member_related(*, user, member: StaffMember) -> dict[str, list]:
    """What a person's page lists beside the profile, each within the user's scope and one query
    whatever its length: rotations, mentees, mentors, studios, projects, activities."""
    return {
        "rotations": list(
            Rotation.objects.for_user(user)
            .filter(staff=member)
            .select_related("from_campus", "to_campus", "decided_by")
        ),
        "mentees": list(
            Mentorship.objects.for_user(user).filter(mentor=member).select_related("mentee", "campus")
        ),
        "mentors": list(
            Mentorship.objects.for_user(user).filter(mentee=member).select_related("mentor", "campus")
        ),
        "studios": list(
            Studio.objects.for_user(user)
            .filter(Q(leader=member) | Q(memberships__member=member))
            .select_related("campus", "leader")
            .distinct()
        ),
        "projects": list(
            ResearchProject.objects.for_user(user)
            .filter(Q(leader=member) | Q(members=member))
            .select_related("campus", "leader")
            .distinct()
        ),
        "activities": list(
            CrossCampusActivity.objects.for_user(user)
            .filter(participants=member)
            .select_related("host_campus")
        ),
    }


#: 组长, 副组长, 成员: the order the plan names a leading group's members in.
LEADING_ROLE_ORDER = Case(
    *(When(role=role, then=Value(i)) for i, role in enumerate(LeadingGroupMembership.Role.values)),
    output_field=IntegerField(),
)


def leading_group_rows(*, user) -> list[dict]:
    """领导小组 of the groups in the user's scope, each with its members by role (two queries)."""
    memberships = LeadingGroupMembership.objects.select_related("person").order_by(
        LEADING_ROLE_ORDER, "order", "pk"
    )
    leading_groups = (
        LeadingGroup.objects.filter(group__in=EducationGroup.objects.for_user(user))
        .select_related("group", "office_director")
        .prefetch_related(Prefetch("memberships", queryset=memberships))
        .order_by("group__name", "name")
    )
    rows = []
    for leading_group in leading_groups:
        by_role = {role: [] for role in LeadingGroupMembership.Role}
        for membership in leading_group.memberships.all():
            by_role[membership.role].append(membership.person)
        rows.append(
            {
                "leading_group": leading_group,
                "roles": [(role.label, by_role[role]) for role in LeadingGroupMembership.Role],
            }
        )
    return rows


def responsibility_blocks(*, user) -> list[dict]:
    """Per group in the user's scope: its leadership posts in the plan's order, its campuses in
    scope, and the first-responsibility matrix (第一责任人, 一岗双责): the plan's areas by the
    group-wide column and each campus, each cell its assignment or None (three queries)."""
    groups = list(
        EducationGroup.objects.for_user(user)
        .prefetch_related(
            Prefetch("leadership_posts", queryset=LeadershipPost.objects.select_related("person")),
            Prefetch("responsibilities", queryset=ResponsibilityAssignment.objects.select_related("person")),
        )
        .order_by("name")
    )
    campuses_by_group: dict[int, list] = {}
    for campus in (
        Campus.objects.for_user(user)
        .filter(school__group__in=[g.pk for g in groups])
        .select_related("school", "executive_vice_principal")
    ):
        campuses_by_group.setdefault(campus.school.group_id, []).append(campus)
    post_order = {post: i for i, post in enumerate(LeadershipPost.Post.values)}
    blocks = []
    for group in groups:
        campuses = campuses_by_group.get(group.pk, [])
        assigned = {(a.area, a.campus_id): a for a in group.responsibilities.all()}
        columns = [None, *campuses]
        blocks.append(
            {
                "group": group,
                "posts": sorted(
                    group.leadership_posts.all(),
                    key=lambda p: (post_order[p.post], p.since or datetime.date.min),
                ),
                "campuses": campuses,
                "matrix": [
                    (
                        area.label,
                        [
                            {
                                "assignment": assigned.get((area.value, column.pk if column else None)),
                                "area": area.value,
                                "campus": column,
                            }
                            for column in columns
                        ],
                    )
                    for area in ResponsibilityArea
                ],
            }
        )
    return blocks


def group_leadership(*, group: EducationGroup):
    """The posts of the group's leadership with the people holding them (group-wide records)."""
    return LeadershipPost.objects.filter(group=group).select_related("person")


def latest_quota(*, campus: Campus) -> StaffingQuota | None:
    """The campus's staffing quota of the latest year it has one."""
    return StaffingQuota.objects.filter(campus=campus).order_by("-year").first()
