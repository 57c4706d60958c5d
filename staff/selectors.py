"""Read-side figures of the staff app: staff, backbone teachers, mentoring pairs and the
exchange (交流轮岗) figures against their policy targets.

Each selector runs one query for the campuses (counts as correlated subqueries) and one for the
policy values, whatever the number of campuses.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from campuses.models import Campus
from campuses.selectors import share
from groupschool.models import POLICY_RULES, policy_values

from .models import Distinction, Mentorship, PostType, Rotation, StaffMember

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


def _campuses(campuses: QuerySet | Iterable | None, campus_ids: Iterable[int] | None) -> QuerySet:
    if campuses is None and campus_ids is None:
        raise TypeError("Pass campuses (a Campus queryset) or campus_ids.")
    if isinstance(campuses, QuerySet):
        return Campus.objects.filter(pk__in=campuses.order_by().values("pk"))
    source = campuses if campuses is not None else campus_ids
    return Campus.objects.filter(pk__in=[getattr(item, "pk", item) for item in source])


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
    distinction of `Distinction.BACKBONE_KINDS`) and active mentoring pairs. One query."""
    in_post = StaffMember.objects.filter(is_active=True)
    rows = _campuses(campuses, campus_ids).annotate(
        n_staff=_count(in_post, "home_campus"),
        n_teachers=_count(in_post.filter(post_type=PostType.TEACHER), "home_campus"),
        n_backbone=_count(in_post.with_backbone_flag().filter(is_backbone=True), "home_campus"),
        n_mentorships=_count(Mentorship.objects.filter(status=Mentorship.Status.ACTIVE), "campus"),
    )
    return {
        row["pk"]: StaffFigures(
            campus_id=row["pk"],
            staff=row["n_staff"],
            teachers=row["n_teachers"],
            backbone=row["n_backbone"],
            mentorships=row["n_mentorships"],
        )
        for row in rows.values("pk", "n_staff", "n_teachers", "n_backbone", "n_mentorships")
    }


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
    year = year or timezone.localdate().year
    values = policy_values()
    eligible_since = _years_before(datetime.date(year, *SCHOOL_YEAR_START), values["rotation_eligible_years"])

    campuses = Campus.objects.for_user(user).select_related("school")
    if campus_ids is not None:
        campuses = campuses.filter(pk__in=list(campus_ids))
    population = StaffMember.objects.filter(is_active=True, post_type__in=EXCHANGE_POST_TYPES)
    counted = Rotation.objects.filter(status__in=COUNTED_ROTATION_STATUSES, start_on__year=year)
    backbone = Exists(
        Distinction.objects.filter(staff_id=OuterRef("staff_id"), kind__in=Distinction.BACKBONE_KINDS)
    )
    campuses = campuses.annotate(
        n_eligible=_count(population.filter(on_campus_since__lte=eligible_since), "home_campus"),
        n_undated=_count(population.filter(on_campus_since__isnull=True), "home_campus"),
        n_exchanged=_count(counted, "from_campus", "staff", distinct=True),
        n_backbone=_count(counted.filter(backbone), "from_campus", "staff", distinct=True),
    )

    report = RotationReport(
        year=year,
        eligible_years=policy_figure("rotation_eligible_years", None, values),
        eligible_since=eligible_since,
    )
    sums = [0, 0, 0, 0]
    for campus in campuses:
        counts = (campus.n_eligible, campus.n_exchanged, campus.n_backbone, campus.n_undated)
        report.rows.append(_rotation_figures(campus, year, *counts, values))
        sums = [a + b for a, b in zip(sums, counts, strict=True)]
    report.totals = _rotation_figures(None, year, *sums, values)
    return report
