"""Reads on shared funds, assets and resources: figures per campus and the assessment indicators.

Every figure is a database aggregate (Sum, Count over the rows in scope) in a fixed number of
queries, whatever the number of rows; money stays Decimal from the database to the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, OuterRef, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from campuses.models import Campus, EnrollmentSnapshot
from kernel.scoping import user_scope
from staff.models import CrossCampusActivity, PostType, StaffMember

from .models import (
    CENT,
    Allocation,
    Asset,
    AssetTransfer,
    Budget,
    ResourceUse,
    Spending,
    TeachingResource,
)
from .money import format_yuan, money_subquery, money_total, yuan_sum

ZERO = Decimal("0.00")


def latest_pupils(campus_ids) -> dict[int, tuple[int, str]]:
    """Pupils of each campus in its latest term with figures: {campus id: (pupils, term label)}.
    One query: pupils summed per campus and term by the database, the latest term kept."""
    rows = (
        EnrollmentSnapshot.objects.filter(campus_id__in=campus_ids)
        .values("campus_id", "school_year", "semester")
        .annotate(pupils=Sum("pupils"))
        .order_by("campus_id", "school_year", "semester")
    )
    latest: dict[int, tuple[int, str]] = {}
    for row in rows:  # ordered by term: the last one seen per campus is the latest
        term = f"{row['school_year']}–{row['school_year'] + 1}-{row['semester']}"
        latest[row["campus_id"]] = (row["pupils"], term)
    return latest


def per_pupil(amount: Decimal, pupils: int | None) -> Decimal | None:
    if not pupils:
        return None
    return (amount / pupils).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class CampusFunds:
    campus: Campus
    allocated: Decimal
    spent: Decimal
    pupils: int | None
    term: str | None

    @property
    def remaining(self) -> Decimal:
        return self.allocated - self.spent

    @property
    def spent_per_pupil(self) -> Decimal | None:
        return per_pupil(self.spent, self.pupils)

    @property
    def allocated_per_pupil(self) -> Decimal | None:
        return per_pupil(self.allocated, self.pupils)


@dataclass
class FundsSummary:
    year: int
    rows: list[CampusFunds]
    budgeted: Decimal = ZERO

    @property
    def allocated(self) -> Decimal:
        return sum((row.allocated for row in self.rows), ZERO)

    @property
    def spent(self) -> Decimal:
        return sum((row.spent for row in self.rows), ZERO)

    @property
    def remaining(self) -> Decimal:
        return self.allocated - self.spent


def campus_funds(*, user, year: int, line_id: int | None = None) -> FundsSummary:
    """Per campus in the user's scope: allocated, spent, remaining and per pupil for a year
    (optionally one budget line). Three queries whatever the number of campuses and records."""
    allocations = Allocation.objects.filter(campus=OuterRef("pk"), budget__year=year)
    spendings = Spending.objects.filter(campus=OuterRef("pk"), spent_on__year=year)
    budgets = Budget.objects.for_user(user).filter(year=year)
    if line_id:
        allocations = allocations.filter(budget__line_id=line_id)
        spendings = spendings.filter(line_id=line_id)
        budgets = budgets.filter(line_id=line_id)
    campuses = list(
        Campus.objects.for_user(user)
        .select_related("school")
        .annotate(allocated=money_subquery(allocations), spent=money_subquery(spendings))
        .order_by("school__name", "-is_core", "opened_on", "name")
    )
    pupils = latest_pupils([c.pk for c in campuses])
    rows = [CampusFunds(c, c.allocated, c.spent, *(pupils.get(c.pk) or (None, None))) for c in campuses]
    budgeted = money_total(budgets)
    return FundsSummary(year=year, rows=rows, budgeted=budgeted)


def budget_allocations(*, user, budget: Budget) -> list[Allocation]:
    """The allocations of a budget the user may see, each with what its campus spent on the line
    that year (one query)."""
    spent = Spending.objects.filter(
        campus=OuterRef("campus"), line_id=budget.line_id, spent_on__year=budget.year
    )
    return list(
        Allocation.objects.for_user(user)
        .filter(budget=budget)
        .select_related("campus")
        .annotate(spent=money_subquery(spent))
        .order_by("campus__name")
    )


def spendable_allocations(*, user, year: int) -> list[Allocation]:
    """The allocations of the user's campuses for a year, each with what its campus spent on the
    line that year and what remains (`remaining`): what the spending form may draw on. One query."""
    spent = Spending.objects.filter(
        campus=OuterRef("campus"), line=OuterRef("budget__line"), spent_on__year=year
    )
    allocations = list(
        Allocation.objects.for_user(user)
        .filter(budget__year=year)
        .select_related("campus", "budget__line")
        .annotate(spent=money_subquery(spent))
        .order_by("campus__name", "budget__line__order", "budget__line__name")
    )
    for allocation in allocations:
        allocation.remaining = allocation.amount - allocation.spent
    return allocations


# --------------------------------------------------------------------------------------------
# Teaching resources


@dataclass
class ShareRow:
    campus: Campus
    uses: int = 0
    uses_elsewhere: int = 0
    by_campus: dict[int, int] = field(default_factory=dict)

    @property
    def share_elsewhere(self) -> Decimal | None:
        if not self.uses:
            return None
        return (Decimal(self.uses_elsewhere) * 100 / self.uses).quantize(Decimal("0.1"))


def resource_sharing(*, user) -> tuple[list[Campus], list[ShareRow]]:
    """Uses of the library (downloads and uses in teaching) by campus of origin × campus of the
    user, over the resources the user can read; the share used at another campus per origin.
    Two queries."""
    resources = TeachingResource.objects.for_user(user)
    if user_scope(user).everything:
        campuses = Campus.objects.filter(
            Q(pk__in=resources.values("campus")) | Q(pk__in=ResourceUse.objects.values("campus"))
        )
    else:
        # The group's campuses are all listed, even before they share anything.
        mine = Campus.objects.filter(pk__in=user_scope(user).campus_ids)
        campuses = Campus.objects.filter(
            Q(school__in=mine.values("school"))
            | Q(school__group__in=mine.filter(school__group__isnull=False).values("school__group"))
        )
    campuses = list(campuses.order_by("school__name", "-is_core", "opened_on", "name"))
    rows = {c.pk: ShareRow(c) for c in campuses}
    counts = (
        ResourceUse.objects.filter(resource__in=resources, campus__isnull=False)
        .values("resource__campus_id", "campus_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in counts:
        origin = rows.get(row["resource__campus_id"])
        if origin is None:
            continue
        origin.by_campus[row["campus_id"]] = row["n"]
        origin.uses += row["n"]
        if row["campus_id"] != row["resource__campus_id"]:
            origin.uses_elsewhere += row["n"]
    return campuses, list(rows.values())


# --------------------------------------------------------------------------------------------
# Assessment indicators (优质资源共享)


@dataclass
class Indicator:
    """A figure computed from the data, with how it was computed (shown next to it)."""

    code: str
    name: str
    value: Decimal | int | None
    unit: str
    derivation: str


def _pct(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def sharing_indicators(*, campuses: QuerySet[Campus], year: int) -> list[Indicator]:
    """Computed indicators for 优质资源共享 over a set of campuses (e.g. one group's, or a
    user's `Campus.objects.for_user(user)`) for a calendar year; each with its derivation text.

    Constant queries: one aggregate per indicator family."""
    campus_ids = list(campuses.values_list("pk", flat=True))
    uses = ResourceUse.objects.filter(
        resource__campus_id__in=campus_ids, campus_id__in=campus_ids, at__year=year
    ).aggregate(
        total=Count("pk"),
        elsewhere=Count("pk", filter=~Q(campus_id=F("resource__campus_id"))),
    )
    resources = TeachingResource.objects.filter(campus_id__in=campus_ids).aggregate(
        total=Count("pk", distinct=True),
        this_year=Count("pk", filter=Q(uploaded_at__year=year), distinct=True),
        used_elsewhere=Count(
            "pk",
            filter=Q(uses__at__year=year, uses__campus__isnull=False) & ~Q(uses__campus_id=F("campus_id")),
            distinct=True,
        ),
    )
    transfers = AssetTransfer.objects.filter(
        status=AssetTransfer.Status.RECEIVED, received_at__year=year, to_campus_id__in=campus_ids
    ).aggregate(n=Count("pk"), value=yuan_sum("asset__value"))
    assets = Asset.objects.filter(campus_id__in=campus_ids).exclude(condition=Asset.Condition.RETIRED)
    asset_value = money_total(assets, "value")
    teachers = StaffMember.objects.filter(
        home_campus_id__in=campus_ids, is_active=True, post_type=PostType.TEACHER
    ).count()
    activities = CrossCampusActivity.objects.filter(
        held_on__year=year, host_campus_id__in=campus_ids
    ).aggregate(
        n=Count("pk", distinct=True),
        participations=Count("participants", distinct=False),
    )
    allocated = money_total(Allocation.objects.filter(campus_id__in=campus_ids, budget__year=year))
    spent = money_total(Spending.objects.filter(campus_id__in=campus_ids, spent_on__year=year))
    transfer_value = transfers["value"] or ZERO
    per_teacher = (
        (Decimal(activities["participations"]) / teachers).quantize(Decimal("0.01")) if teachers else None
    )
    return [
        Indicator(
            "resource_cross_campus_use_share",
            _("Cross-campus use of shared teaching resources"),
            _pct(uses["elsewhere"], uses["total"]),
            "%",
            _(
                "%(elsewhere)d of %(total)d downloads and uses of the library in %(year)d were made at a "
                "campus other than the resource's campus of origin (uses by city-wide officials not counted)."
            )
            % {"elsewhere": uses["elsewhere"], "total": uses["total"], "year": year},
        ),
        Indicator(
            "resources_used_elsewhere_share",
            _("Resources used at another campus"),
            _pct(resources["used_elsewhere"], resources["total"]),
            "%",
            _(
                "%(used)d of the %(total)d resources in the library were downloaded or used at least once "
                "at another campus in %(year)d; %(new)d resources were shared this year."
            )
            % {
                "used": resources["used_elsewhere"],
                "total": resources["total"],
                "year": year,
                "new": resources["this_year"],
            },
        ),
        Indicator(
            "asset_transfers",
            _("Assets moved between campuses"),
            transfers["n"],
            _("transfers"),
            _(
                "%(n)d asset transfers received in %(year)d, worth %(value)s yuan, against %(total)s yuan "
                "of assets in use on these campuses."
            )
            % {
                "n": transfers["n"],
                "year": year,
                "value": format_yuan(transfer_value),
                "total": format_yuan(asset_value),
            },
        ),
        Indicator(
            "activities_per_teacher",
            _("Cross-campus activity participations per teacher"),
            per_teacher,
            _("per teacher"),
            _(
                "%(participations)d participations in %(n)d cross-campus activities hosted in %(year)d, "
                "divided by %(teachers)d full-time teachers in post."
            )
            % {
                "participations": activities["participations"],
                "n": activities["n"],
                "year": year,
                "teachers": teachers,
            },
        ),
        Indicator(
            "funds_execution",
            _("Share of allocated funds spent"),
            _pct(spent, allocated),
            "%",
            _("%(spent)s yuan spent of %(allocated)s yuan allocated to these campuses for %(year)d.")
            % {"spent": format_yuan(spent), "allocated": format_yuan(allocated), "year": year},
        ),
    ]


@dataclass
class CampusSharing:
    """A campus's sharing figures for one calendar year, additive over campuses (so a school's
    or group's figure is the sum of its campuses'): the base of the assessment's computed
    优质资源共享 indicators (evaluation.compute)."""

    resource_uses: int = 0  # downloads and uses of this campus's resources, by campus staff
    resource_uses_elsewhere: int = 0  # … of them made at another campus
    transfers_received: int = 0  # assets received from another campus
    activity_participations: int = 0  # this campus's staff taking part in cross-campus activities


def sharing_figures_by_campus(*, campus_ids, year: int) -> dict[int, CampusSharing]:
    """{campus id: CampusSharing} in three grouped queries, whatever the number of campuses."""
    campus_ids = list(campus_ids)
    figures = {pk: CampusSharing() for pk in campus_ids}
    uses = (
        ResourceUse.objects.filter(
            resource__campus_id__in=campus_ids, campus__isnull=False, at__year=year
        )
        .values("resource__campus_id")
        .annotate(
            total=Count("pk"),
            elsewhere=Count("pk", filter=~Q(campus_id=F("resource__campus_id"))),
        )
        .order_by()
    )
    for row in uses:
        f = figures[row["resource__campus_id"]]
        f.resource_uses, f.resource_uses_elsewhere = row["total"], row["elsewhere"]
    transfers = (
        AssetTransfer.objects.filter(
            status=AssetTransfer.Status.RECEIVED, received_at__year=year, to_campus_id__in=campus_ids
        )
        .values("to_campus_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in transfers:
        figures[row["to_campus_id"]].transfers_received = row["n"]
    Participation = CrossCampusActivity.participants.through
    participations = (
        Participation.objects.filter(
            crosscampusactivity__held_on__year=year, staffmember__home_campus_id__in=campus_ids
        )
        .values("staffmember__home_campus_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in participations:
        figures[row["staffmember__home_campus_id"]].activity_participations = row["n"]
    return figures


def budget_id_for(*, user, school_id: int, line, year: int) -> int | None:
    """The id of the school's budget for a line and year, if the user may read it."""
    return (
        Budget.objects.for_user(user)
        .filter(school_id=school_id, line=line, year=year)
        .values_list("pk", flat=True)
        .first()
    )


def asset_transfers(*, asset: Asset) -> list[AssetTransfer]:
    """Every transfer of an asset (each move), oldest first, with the people and campuses."""
    return list(
        asset.transfers.select_related(
            "from_campus", "to_campus", "requested_by", "approved_by", "received_by"
        ).order_by("requested_at", "pk")
    )


def resource_uses_by_campus(*, resource: TeachingResource) -> list[dict]:
    """Downloads and uses of a resource per campus and kind: campus__name, kind, n."""
    return list(
        resource.uses.values("campus__name", "kind").annotate(n=Count("pk")).order_by("campus__name", "kind")
    )
