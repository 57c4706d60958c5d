"""The home dashboard's answers to the bureau's questions, each one click from its detail page.

- the rank among its peers and band of every group's school in the latest published scheme of
  the year and of the year before (evaluation.selectors.school_ranking_summary);
- the plan's progress by phase and measure with the overdue items (planning.selectors);
- the exchange ratio of each campus against the target, and the teachers still to exchange;
- each campus's funds of the year: allocated and spent (sharing.selectors.campus_funds);
- the open rectifications and the overdue ones.

Each panel reads within the user's scope (a vice-principal: their campus; group leadership: its
group) in a constant number of queries; where a city's hundreds of schools or campuses would
make hundreds of rows, a panel shows the counts, the first and last few, and a link to the
full list. Every link leads to a page every portal role may open; links to act (open a scheme,
allocate funds, propose a rotation) are shown only to the roles that may act.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal

from django.urls import reverse
from django.utils.http import urlencode

from campuses.models import Campus
from evaluation import access as evaluation_access
from evaluation.selectors import RankingSummary, school_ranking_summary
from groupschool.figures import READ, scope_funds
from kernel import permissions
from kernel.roles import Role
from kernel.scoping import UserScope
from planning.selectors import PlanProgress, SubTasksDue, plan_progress, subtasks_due
from sharing import permissions as funds_permissions
from staff.selectors import RotationCounts, RotationFigures, rotation_report
from supervision.selectors import rectification_counts

#: Rows a panel draws in full; beyond, it summarises (counts, the first and last few, a link).
FULL_ROWS = 12
#: Rows at each end of a summarised panel.
ENDS = 5


def url(name: str, *args, **query) -> str:
    address = reverse(name, args=args)
    query = {key: value for key, value in query.items() if value not in (None, "")}
    return f"{address}?{urlencode(query)}" if query else address


# --- exchange ----------------------------------------------------------------------------------


def exchange_gap(counts: RotationCounts, target: Decimal) -> int:
    """Teachers still to exchange this year for the campus to reach the target share of those
    eligible (0 when reached or when nobody is eligible)."""
    needed = (Decimal(counts.eligible) * target / 100).to_integral_value(rounding=ROUND_CEILING)
    return max(0, int(needed) - counts.exchanged)


@dataclass
class ExchangeRow:
    campus: Campus
    figures: RotationFigures
    gap: int
    url: str


@dataclass
class ExchangePanel:
    year: int
    target: Decimal
    rows: list[ExchangeRow] = field(default_factory=list)
    campuses: int = 0
    met: int = 0
    below: int = 0
    nobody_eligible: int = 0
    gap: int = 0
    summarised: bool = False
    list_url: str = ""


def exchange_order(figures, target: Decimal, order: list[int], limit: int = FULL_ROWS) -> list[int]:
    """The campus ids the exchange panel shows: every campus in card order when there are few,
    else the `ENDS` campuses furthest from the target."""
    if len(order) <= limit:
        return list(order)
    gaps = {pk: exchange_gap(figures.rotation_for(pk), target) for pk in order}
    return sorted((pk for pk in order if gaps[pk]), key=lambda pk: -gaps[pk])[:ENDS]


def exchange_panel(figures, campuses: dict[int, Campus], values: dict, year: int) -> ExchangePanel:
    """The exchange ratio of the campuses in scope against the target, from the cached counts
    (no query): how many campuses meet it and the total still to exchange over all of them; a
    row per campus shown (see `exchange_order`), linked to its rotations of the year."""
    target = values["rotation_share_target"]
    panel = ExchangePanel(year=year, target=target, campuses=len(figures.order))
    panel.list_url = url("staff:rotation_list", year=year)
    for pk in figures.order:
        counts = figures.rotation_for(pk)
        gap = exchange_gap(counts, target)
        panel.gap += gap
        if not counts.eligible:
            panel.nobody_eligible += 1
        elif gap:
            panel.below += 1
        else:
            panel.met += 1
    panel.summarised = len(figures.order) > FULL_ROWS
    shown = [pk for pk in exchange_order(figures, target, figures.order) if pk in campuses]
    report = rotation_report(
        year=year, values=values, rows=[(campuses[pk], figures.rotation_for(pk)) for pk in shown]
    )
    for row in report.rows:
        panel.rows.append(
            ExchangeRow(
                campus=row.campus,
                figures=row,
                gap=exchange_gap(figures.rotation_for(row.campus_id), target),
                url=url("staff:rotation_list", from_campus=row.campus_id, year=year),
            )
        )
    return panel


# --- funds -------------------------------------------------------------------------------------


@dataclass
class FundsRow:
    campus: Campus
    allocated: Decimal
    spent: Decimal


@dataclass
class FundsPanel:
    year: int
    budgeted: Decimal
    allocated: Decimal
    spent: Decimal
    rows: list[FundsRow] = field(default_factory=list)
    unallocated: int = 0
    summarised: bool = False
    url: str = ""
    plan_url: str = ""
    spending_url: str = ""

    @property
    def empty(self) -> bool:
        return not self.budgeted and not self.allocated and not self.spent


def funds_panel(user, year: int, version: str | None = READ) -> FundsPanel:
    """Allocated and spent per campus in the year (groupschool.figures.scope_funds: one query
    when cached, then one for the campuses shown): every campus with money when few, else the
    campuses that spent the largest share of their allocation; the totals and the number of
    campuses without an allocation always count every campus in scope."""
    funds, fetched = scope_funds(user, year, version)
    zero = Decimal(0)
    panel = FundsPanel(
        year=year,
        budgeted=funds.budgeted,
        allocated=sum((allocated for _pk, allocated, _spent in funds.rows), zero),
        spent=sum((spent for _pk, _allocated, spent in funds.rows), zero),
        url=url("sharing:funds", year=year),
    )
    with_money = [row for row in funds.rows if row[1] or row[2]]
    panel.unallocated = sum(1 for row in funds.rows if not row[1])
    if len(with_money) > FULL_ROWS:
        panel.summarised = True
        with_money.sort(key=lambda row: -(row[2] / row[1]) if row[1] else -1)
        with_money = with_money[:ENDS]
    ids = [pk for pk, _allocated, _spent in with_money]
    campuses = fetched or (Campus.objects.for_user(user).select_related("school").in_bulk(ids) if ids else {})
    panel.rows = [
        FundsRow(campuses[pk], allocated, spent) for pk, allocated, spent in with_money if pk in campuses
    ]
    if funds_permissions.can_plan_funds(user):
        panel.plan_url = reverse("sharing:budget_list")
    if funds_permissions.can_record(user):
        panel.spending_url = reverse("sharing:spending_create")
    return panel


# --- the page ----------------------------------------------------------------------------------


@dataclass
class Answers:
    """What the dashboard answers for one user, panel by panel (None: not for this role)."""

    year: int
    today: datetime.date
    ranking: RankingSummary | None = None
    ranking_url: str = ""
    previous_url: str = ""
    scheme_action_url: str = ""
    plan: PlanProgress | None = None
    subtasks: SubTasksDue | None = None
    rectifications: dict | None = None
    exchange: ExchangePanel | None = None
    funds: FundsPanel | None = None
    links: dict = field(default_factory=dict)


def answers(user, scope: UserScope, year: int, today: datetime.date, version: str | None = READ) -> Answers:
    """Every panel but the exchange (made from the cached figures by the view); `version`: the
    figures' version when the caller has read it (groupschool.figures)."""
    result = Answers(year=year, today=today)
    if not scope.roles:
        return result
    ranking = school_ranking_summary(user=user, year=year, limit=FULL_ROWS, ends=ENDS)
    result.ranking = ranking
    if ranking.scheme is not None:
        result.ranking_url = url("evaluation:results", ranking.scheme.pk, published=1)
    if ranking.previous_scheme is not None:
        result.previous_url = url("evaluation:results", ranking.previous_scheme.pk, published=1)
    if evaluation_access.can_manage(user):
        pending = ranking.pending_scheme
        result.scheme_action_url = (
            reverse("evaluation:scheme_detail", args=[pending.pk])
            if pending is not None
            else reverse("evaluation:scheme_create")
        )
    if scope.everything or scope.has_role(Role.GROUP_LEADERSHIP):
        result.plan = plan_progress(user=user, today=today)
    if not scope.everything:
        result.subtasks = subtasks_due(user=user, today=today)
    result.rectifications = rectification_counts(user=user, today=today)
    result.funds = funds_panel(user, year, version)
    result.links = {
        "measures": reverse("planning:measure_list"),
        "overdue_measures": url("planning:measure_list", status="overdue"),
        "overdue_subtasks": url("planning:subtask_list", status="overdue"),
        "timeline": reverse("planning:timeline"),
        "my_work": reverse("planning:my_work"),
        "rectifications": url("supervision:rectification_list", status="open"),
        "overdue_rectifications": url("supervision:rectification_list", status="overdue"),
        "propose_rotation": (
            reverse("staff:rotation_create") if permissions.can_propose_rotation(user) else ""
        ),
    }
    return result
