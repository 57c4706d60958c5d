"""Reads of the assessment app. Each runs a constant number of queries, whatever the number of
evaluatees, indicators or scores."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.db import connection
from django.db.models import (
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Max,
    Min,
    OuterRef,
    Subquery,
    Value,
)

from .compute import derivation_text
from .models import (
    BAND_ORDER,
    Appeal,
    Band,
    CellReview,
    ComputationRun,
    Evaluatee,
    Evidence,
    Indicator,
    PublishedSnapshot,
    Result,
    Scheme,
    Score,
    TargetKind,
)


def scheme_list():
    """Schemes with their indicator and evaluatee counts and their latest published version, newest
    year first (one query)."""
    return (
        Scheme.objects.select_related("group", "current_run")
        .annotate(
            n_indicators=Count("indicators", distinct=True),
            n_evaluatees=Count("evaluatees", distinct=True),
            **published_version_annotations(),
        )
        .order_by("-year", "name", "pk")
    )


def leaf_indicators(scheme: Scheme, *, scored_only: bool = False):
    """The scheme's leaves (the indicators that carry points), in tree order, with their parent."""
    queryset = Indicator.objects.filter(scheme=scheme, children__isnull=True).select_related("parent")
    if scored_only:
        queryset = queryset.filter(kind=Indicator.Kind.SCORED)
    return queryset.order_by(F("parent__order").asc(nulls_first=True), "parent__code", "order", "code")


def indicator_tree(scheme: Scheme) -> list[dict]:
    """First-level indicators with their children, in order (one query)."""
    nodes = list(Indicator.objects.filter(scheme=scheme).order_by("order", "code"))
    children: dict[int | None, list[Indicator]] = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node)
    return [{"indicator": top, "children": children.get(top.pk, [])} for top in children.get(None, [])]


def flagged_cells(scheme: Scheme, *, unconfirmed_only: bool = False) -> list[dict]:
    """Cells whose evaluators' points differ by more than the scheme's tolerance (a share of
    the indicator's maximum), with whether a lead evaluator confirmed them. One query."""
    tolerance = float(scheme.reconcile_tolerance) / 100
    cells = (
        Score.objects.filter(indicator__scheme=scheme)
        .values("indicator_id", "evaluatee_id")
        .annotate(
            n=Count("pk"),
            high=Max("points"),
            low=Min("points"),
            limit=ExpressionWrapper(F("indicator__max_points") * Value(tolerance), output_field=FloatField()),
        )
        .annotate(spread=ExpressionWrapper(F("high") - F("low"), output_field=FloatField()))
        .filter(n__gte=2, spread__gt=F("limit"))
        .annotate(
            reviewed=Exists(
                CellReview.objects.filter(
                    indicator_id=OuterRef("indicator_id"), evaluatee_id=OuterRef("evaluatee_id")
                )
            )
        )
        .order_by("evaluatee_id", "indicator_id")
    )
    if unconfirmed_only:
        cells = cells.filter(reviewed=False)
    return list(cells)


def flagged_cells_detail(scheme: Scheme) -> list[dict]:
    """Flagged cells with their indicator, evaluatee, every evaluator's points and the review
    (four queries)."""
    cells = flagged_cells(scheme)
    if not cells:
        return []
    indicator_ids = {c["indicator_id"] for c in cells}
    evaluatee_ids = {c["evaluatee_id"] for c in cells}
    indicators = Indicator.objects.in_bulk(indicator_ids)
    evaluatees = Evaluatee.objects.in_bulk(evaluatee_ids)
    scores: dict[tuple[int, int], list[Score]] = {}
    for score in (
        Score.objects.filter(indicator_id__in=indicator_ids, evaluatee_id__in=evaluatee_ids)
        .select_related("evaluator")
        .order_by("evaluator__username")
    ):
        scores.setdefault((score.indicator_id, score.evaluatee_id), []).append(score)
    reviews = {
        (r.indicator_id, r.evaluatee_id): r
        for r in CellReview.objects.filter(
            indicator_id__in=indicator_ids, evaluatee_id__in=evaluatee_ids
        ).select_related("reviewed_by")
    }
    return [
        {
            **cell,
            "indicator": indicators[cell["indicator_id"]],
            "evaluatee": evaluatees[cell["evaluatee_id"]],
            "scores": scores.get((cell["indicator_id"], cell["evaluatee_id"]), []),
            "review": reviews.get((cell["indicator_id"], cell["evaluatee_id"])),
        }
        for cell in cells
    ]


def own_scores(*, user, scheme: Scheme, evaluatee_ids) -> dict[tuple[int, int], Score]:
    """The user's scores for these evaluatees, by (evaluatee id, indicator id). One query."""
    return {
        (s.evaluatee_id, s.indicator_id): s
        for s in Score.objects.filter(
            indicator__scheme=scheme, evaluator=user, evaluatee_id__in=list(evaluatee_ids)
        )
    }


def latest_snapshot(scheme: Scheme) -> PublishedSnapshot | None:
    return scheme.snapshots.order_by("-version").first()


# --- Published results: read from the frozen snapshot ------------------------------------


@dataclass(frozen=True)
class FrozenPeerCategory:
    pk: int | None
    name: str


@dataclass(frozen=True)
class FrozenEvaluatee:
    pk: int
    code: str
    name: str
    peer_category: FrozenPeerCategory


@dataclass(frozen=True)
class FrozenResult:
    """One row of a published version, as it was frozen (PublishedSnapshot.data): the same
    attributes the ranking's table reads from a live `Result`."""

    evaluatee: FrozenEvaluatee
    rank: int
    position: int
    peer_size: int | None
    total: Decimal
    percentile: Decimal
    band: str
    indicator_points: dict[int, Decimal | None]
    cell_evaluators: dict = field(default_factory=dict)
    cell_derivations: dict = field(default_factory=dict)

    def evaluators_for(self, indicator_id: int) -> int:
        try:
            return int(self.cell_evaluators.get(str(indicator_id), 0))
        except (TypeError, ValueError):
            return 0

    def derivation_for(self, indicator_id: int) -> str:
        value = self.cell_derivations.get(str(indicator_id), "")
        return value if isinstance(value, str) else ""

    @property
    def evaluatee_id(self) -> int:
        return self.evaluatee.pk

    def get_band_display(self) -> str:
        return str(Band(self.band).label) if self.band in Band.values else self.band


def _decimal(value) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def _frozen(snapshot: PublishedSnapshot, key: str) -> list[dict]:
    """The snapshot's list `key` (a hand-edited or truncated snapshot reads as empty)."""
    data = snapshot.data if isinstance(snapshot.data, dict) else {}
    items = data.get(key)
    return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []


def snapshot_indicators(snapshot: PublishedSnapshot) -> list[dict]:
    """The leaf indicators as they were published: pk, code, name, max_points, weight."""
    return [i for i in _frozen(snapshot, "indicators") if isinstance(i.get("pk"), int)]


def _frozen_result(row: dict) -> FrozenResult:
    cells = row.get("cells") if isinstance(row.get("cells"), dict) else {}
    return FrozenResult(
        evaluatee=FrozenEvaluatee(
            pk=int(row["evaluatee"]),
            code=str(row.get("code", "")),
            name=str(row.get("name", "")),
            peer_category=FrozenPeerCategory(row.get("peer_category_id"), str(row.get("peer_category", ""))),
        ),
        rank=int(row["rank"]),
        position=int(row.get("position", row["rank"])),
        peer_size=row.get("peer_size"),
        total=_decimal(row["total"]),
        percentile=_decimal(row.get("percentile")),
        band=str(row.get("band", "")),
        indicator_points={int(pk): _decimal(points) for pk, points in cells.items()},
        cell_evaluators=row["evaluators"] if isinstance(row.get("evaluators"), dict) else {},
        cell_derivations=row["derivations"] if isinstance(row.get("derivations"), dict) else {},
    )


def snapshot_results(
    snapshot: PublishedSnapshot, *, q: str = "", peer_category=None, band: str = ""
) -> list[FrozenResult]:
    """The published version's rows, frozen at publication whatever was computed or renamed
    since, by peer category then position; narrowed like the live ranking (code or name
    containing `q`, a peer category, a band). Snapshots older than the frozen peer category id
    are matched on its name."""
    q = (q or "").strip().lower()
    rows = []
    for row in _frozen(snapshot, "rows"):
        category_id = row.get("peer_category_id")
        if peer_category is not None:
            same = (
                category_id == peer_category.pk
                if "peer_category_id" in row
                else row.get("peer_category", "") == peer_category.name
            )
            if not same:
                continue
        if band and row.get("band") != band:
            continue
        if q and q not in str(row.get("code", "")).lower() and q not in str(row.get("name", "")).lower():
            continue
        try:
            rows.append(_frozen_result(row))
        except (KeyError, TypeError, ValueError, ArithmeticError):
            continue  # a row without the figures a published row always has: not shown
    rows.sort(key=lambda r: (r.evaluatee.peer_category.name, r.position))
    return rows


def provisional_results(scheme: Scheme):
    """The scheme's provisional results (evaluation.provisional), peer category then position,
    read like `results_of_run` (their cells: `attach_provisional_points`)."""
    from .models import ProvisionalTotal

    return (
        ProvisionalTotal.objects.filter(scheme=scheme)
        .select_related("evaluatee", "evaluatee__peer_category")
        .order_by(F("evaluatee__peer_category__name").asc(nulls_first=True), "position")
    )


def attach_provisional_points(records) -> list:
    """Give provisional results their points per indicator id (`indicator_points`, as a
    `Result` has them), in one query for all of them."""
    from .models import ProvisionalCell

    records = list(records)
    points: dict[int, dict[int, Decimal | None]] = {r.evaluatee_id: {} for r in records}
    cells = ProvisionalCell.objects.filter(evaluatee_id__in=list(points)).values_list(
        "evaluatee_id", "indicator_id", "points"
    )
    for evaluatee_id, indicator_id, value in cells:
        points[evaluatee_id][indicator_id] = value
    for record in records:
        record.indicator_points = points[record.evaluatee_id]
    return records


def provisional_by_evaluatee(evaluatee_ids) -> dict:
    """Provisional totals, ranks and bands of these evaluatees, by evaluatee id (one query)."""
    from .models import ProvisionalTotal

    return {t.evaluatee_id: t for t in ProvisionalTotal.objects.filter(evaluatee_id__in=list(evaluatee_ids))}


def last_run(scheme: Scheme) -> ComputationRun | None:
    return scheme.runs.order_by("-created_at", "-pk").first()


def results_of_run(run: ComputationRun):
    """A run's results, peer category then position (one query with the evaluatee; the cells'
    points, not their evaluators and derivations)."""
    return (
        Result.objects.filter(run=run)
        .defer("cell_evaluators", "cell_derivations")
        .select_related("evaluatee", "evaluatee__peer_category")
        .order_by(F("evaluatee__peer_category__name").asc(nulls_first=True), "position")
    )


class Cell(NamedTuple):
    evaluatee_id: int
    indicator_id: int
    points: Decimal | None
    evaluators: int
    derivation: str


def run_cells(run: ComputationRun, **filters) -> list[Cell]:
    """A run's cells, by evaluatee then indicator (one query; `filters` narrow the results,
    e.g. evaluatee__code="hongqi")."""
    cells = []
    for result in Result.objects.filter(run=run, **filters).order_by("evaluatee_id"):
        for indicator_id, points in sorted(result.indicator_points.items()):
            cells.append(
                Cell(
                    result.evaluatee_id,
                    indicator_id,
                    points,
                    result.evaluators_for(indicator_id),
                    derivation_text(result.derivation_for(indicator_id)),
                )
            )
    return cells


#: A run's cells as rows (evaluatee_id, indicator_id, points, evaluators), per database: the
#: cells are JSON objects on the result rows (a cell missing from `cell_evaluators` has the
#: usual number, its "*", see Result.evaluators_for). Parameter: the run.
RUN_CELLS_SQL = {
    "postgresql": """
        SELECT r.evaluatee_id, j.key::bigint AS indicator_id, (j.value #>> '{}')::numeric AS points,
               COALESCE((r.cell_evaluators ->> j.key)::integer, (r.cell_evaluators ->> '*')::integer, 0)
                   AS evaluators
        FROM evaluation_result r CROSS JOIN LATERAL jsonb_each(r.cell_points) j
        WHERE r.run_id = %s""",
    "sqlite": """
        SELECT r.evaluatee_id, CAST(j.key AS INTEGER) AS indicator_id, j.value AS points,
               COALESCE(json_extract(r.cell_evaluators, '$."' || j.key || '"'),
                        json_extract(r.cell_evaluators, '$."*"'), 0) AS evaluators
        FROM evaluation_result r, json_each(r.cell_points) j
        WHERE r.run_id = %s""",
}


def run_cells_sql() -> str:
    return RUN_CELLS_SQL["postgresql" if connection.vendor == "postgresql" else "sqlite"]


def peer_averages(run: ComputationRun, peer_category_id: int | None) -> dict[int, Decimal]:
    """Per indicator id: the average points of the run's evaluatees in one peer category (or
    without one), over the cells that have points (one query)."""
    sql = (
        f"SELECT c.indicator_id, AVG(c.points) FROM ({run_cells_sql()}) c "
        "JOIN evaluation_evaluatee e ON e.id = c.evaluatee_id "
        + ("WHERE e.peer_category_id = %s " if peer_category_id else "WHERE e.peer_category_id IS NULL ")
        + "GROUP BY c.indicator_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [run.pk, peer_category_id] if peer_category_id else [run.pk])
        return {
            indicator_id: Decimal(str(avg)).quantize(Decimal("0.01"))
            for indicator_id, avg in cursor.fetchall()
            if avg is not None
        }


@dataclass
class BreakdownRow:
    indicator: Indicator
    points: Decimal | None
    peer_average: Decimal | None
    evaluators: int
    derivation: str


def evaluatee_breakdown(run: ComputationRun, evaluatee: Evaluatee) -> list[BreakdownRow]:
    """Per leaf indicator: the evaluatee's points against its peer category's average
    (three queries)."""
    result = Result.objects.filter(run=run, evaluatee=evaluatee).first()
    mine = result.indicator_points if result else {}
    averages = peer_averages(run, evaluatee.peer_category_id)
    return [
        BreakdownRow(
            indicator=indicator,
            points=mine.get(indicator.pk),
            peer_average=averages.get(indicator.pk),
            evaluators=result.evaluators_for(indicator.pk) if result else 0,
            derivation=derivation_text(result.derivation_for(indicator.pk)) if result else "",
        )
        for indicator in leaf_indicators(run.scheme)
    ]


def peer_totals(run: ComputationRun, evaluatee: Evaluatee) -> list[Decimal]:
    """Totals of the evaluatee's peer category in the run (one query), highest first."""
    results = Result.objects.filter(run=run)
    if evaluatee.peer_category_id:
        results = results.filter(evaluatee__peer_category_id=evaluatee.peer_category_id)
    else:
        results = results.filter(evaluatee__peer_category__isnull=True)
    return list(results.order_by("-total").values_list("total", flat=True))


def points_to_next_band(scheme: Scheme, result: Result, totals: list[Decimal]) -> Decimal | None:
    """Points the evaluatee would need to reach the next band up (None at the top).

    By thresholds: the next threshold minus the total. By rank share: the total that reaches
    the lowest total now in a better band of the peer category (ties share a band), or — where
    nobody holds that band — that band's rank cut-off."""
    band_index = BAND_ORDER.index(result.band)
    if band_index == 0:
        return None
    if scheme.band_method == Scheme.BandMethod.THRESHOLDS:
        thresholds = [scheme.excellent_from, scheme.good_from, scheme.pass_floor]
        return max(Decimal(0), thresholds[band_index - 1] - result.total)
    if BAND_ORDER[band_index - 1] == "pass" or result.total < scheme.pass_floor:
        return max(Decimal(0), scheme.pass_floor - result.total)
    n = len(totals)
    share = scheme.excellent_share if band_index - 1 == 0 else scheme.excellent_share + scheme.good_share
    # The worst position still inside the better band: (rank - 1) < n × share / 100.
    allowed = [i for i in range(n) if Decimal(i) * 100 < n * share]
    if not allowed:
        return None
    target = totals[allowed[-1]]
    return max(Decimal(0), max(target, scheme.pass_floor) - result.total)


def year_over_year(evaluatee: Evaluatee) -> list[dict]:
    """Published totals of the same evaluatee (by code) in earlier schemes of the same kind,
    read from each scheme's latest published version as it was frozen: year, total, rank, band
    (two queries)."""
    scheme = evaluatee.scheme
    latest: dict[int, int] = {}
    for scheme_id, snapshot_id in (
        PublishedSnapshot.objects.filter(scheme__target_kind=scheme.target_kind, scheme__year__lt=scheme.year)
        .order_by("scheme_id", "-version")
        .values_list("scheme_id", "pk")
    ):
        latest.setdefault(scheme_id, snapshot_id)
    history = []
    for snapshot in PublishedSnapshot.objects.filter(pk__in=latest.values()).select_related("scheme"):
        row = next((r for r in snapshot_results(snapshot) if r.evaluatee.code == evaluatee.code), None)
        if row is not None:
            band = row.get_band_display()
            history.append({"year": snapshot.scheme.year, "total": row.total, "rank": row.rank, "band": band})
    return sorted(history, key=lambda h: h["year"])


@dataclass(frozen=True)
class FrozenIndicator:
    """A leaf indicator as it was published."""

    pk: int
    code: str
    name: str
    max_points: Decimal


def frozen_breakdown(
    snapshot: PublishedSnapshot, evaluatee: Evaluatee
) -> tuple[FrozenResult | None, list[BreakdownRow], list[Decimal]]:
    """The evaluatee's published row, its per-indicator breakdown against the peer category's
    average and the category's totals (highest first), all read from the frozen snapshot: what
    was published never moves, whatever is computed or corrected later."""
    rows = snapshot_results(snapshot)
    mine = next((row for row in rows if row.evaluatee.pk == evaluatee.pk), None)
    if mine is None:
        return None, [], []
    peers = [row for row in rows if row.evaluatee.peer_category == mine.evaluatee.peer_category]
    breakdown = []
    for item in snapshot_indicators(snapshot):
        indicator = FrozenIndicator(
            pk=item["pk"],
            code=str(item.get("code", "")),
            name=str(item.get("name", "")),
            max_points=_decimal(item.get("max_points")) or Decimal(0),
        )
        points = [p for p in (row.indicator_points.get(indicator.pk) for row in peers) if p is not None]
        breakdown.append(
            BreakdownRow(
                indicator=indicator,
                points=mine.indicator_points.get(indicator.pk),
                peer_average=(sum(points) / len(points)).quantize(Decimal("0.01")) if points else None,
                evaluators=mine.evaluators_for(indicator.pk),
                derivation=derivation_text(mine.derivation_for(indicator.pk)),
            )
        )
    return mine, breakdown, sorted((row.total for row in peers), reverse=True)


def evaluatee_results(user, evaluatee: Evaluatee, *, published: bool) -> dict:
    """The figures of one evaluatee's page: `result`, `breakdown` (per indicator against the peer
    average), `totals` of its peer category, `to_next_band` and `history`. Published figures come
    from the frozen snapshot; the current ones (for those who may read them) from the current
    run. Empty when there is nothing to show yet."""
    from . import access

    scheme = evaluatee.scheme
    if published or not access.can_read_unpublished(user):
        snapshot = latest_snapshot(scheme)
        if snapshot is None:
            return {}
        result, breakdown, totals = frozen_breakdown(snapshot, evaluatee)
        figures = {"run": snapshot.run, "snapshot": snapshot}
    else:
        run = scheme.current_run
        if run is None:
            return {}
        result = Result.objects.filter(run=run, evaluatee=evaluatee).first()
        breakdown = evaluatee_breakdown(run, evaluatee)
        totals = peer_totals(run, evaluatee)
        figures = {"run": run, "snapshot": None}
    figures.update(
        result=result,
        breakdown=breakdown,
        totals=totals,
        to_next_band=points_to_next_band(scheme, result, totals) if result else None,
        history=year_over_year(evaluatee),
    )
    return figures


def results_readable_run(user, scheme: Scheme, *, published: bool) -> ComputationRun | None:
    """The run whose results the page shows: the current run for those who may read
    unpublished results (unless they ask for the published version), otherwise the run of the
    latest published version."""
    from . import access

    if not published and access.can_read_unpublished(user):
        return scheme.current_run
    snapshot = latest_snapshot(scheme)
    return snapshot.run if snapshot else None


def appeals_for(user, scheme: Scheme):
    return (
        Appeal.objects.for_user(user)
        .filter(evaluatee__scheme=scheme)
        .select_related("evaluatee", "indicator", "filed_by", "decided_by", "snapshot", "resulting_snapshot")
    )


def scope_filter_evaluatees(user, scheme: Scheme):
    return Evaluatee.objects.for_user(user).filter(scheme=scheme)


# --- The home dashboard's ranking (groupschool.dashboard) ---------------------------------------


@dataclass
class RankingRow:
    """One school's published result (rank among its peers, band) and last year's, if any."""

    result: Result
    previous: Result | None = None

    @property
    def evaluatee(self) -> Evaluatee:
        return self.result.evaluatee


@dataclass
class RankingSummary:
    """The published ranking of the schools of education groups in a user's scope for a year
    and the year before: every row when there are few, else the top and bottom ones and the
    count per band (a city's hundreds of schools)."""

    year: int
    scheme: Scheme | None = None
    version: int | None = None
    previous_scheme: Scheme | None = None
    #: A scheme of the year whose results are not published yet (what to do next).
    pending_scheme: Scheme | None = None
    total: int = 0
    bands: list[tuple[str, str, int]] = field(default_factory=list)
    rows: list[RankingRow] = field(default_factory=list)
    top: list[RankingRow] = field(default_factory=list)
    bottom: list[RankingRow] = field(default_factory=list)

    @property
    def summarised(self) -> bool:
        return bool(self.top)


def _published_schemes(years: Sequence[int]) -> list[Scheme]:
    """Schemes ranking schools in these years, each with its latest published run and version
    (None when unpublished): latest year first, then the latest publication first. One query."""
    latest = PublishedSnapshot.objects.filter(scheme=OuterRef("pk"), run__isnull=False).order_by("-version")
    return list(
        Scheme.objects.filter(target_kind=TargetKind.SCHOOLS, year__in=list(years))
        .annotate(
            published_run=Subquery(latest.values("run_id")[:1]),
            published_version=Subquery(latest.values("version")[:1]),
            published_on=Subquery(latest.values("published_at")[:1]),
        )
        .order_by("-year", F("published_on").desc(nulls_last=True), "-pk")
    )


def school_ranking_summary(*, user, year: int, limit: int = 12, ends: int = 5) -> RankingSummary:
    """The ranks and bands of the schools of education groups in the user's scope in the latest
    published scheme of `year`, with their rank and band in that of `year - 1` (a school is
    matched by its record). Up to `limit` schools: all of them, best first; more: the `ends`
    best and worst, and the count per band. At most five queries, whatever the number of schools."""
    summary = RankingSummary(year=year)
    current = previous = None
    for scheme in _published_schemes((year, year - 1)):
        if scheme.year == year and current is None:
            if scheme.published_run:
                current = scheme
            elif summary.pending_scheme is None:
                summary.pending_scheme = scheme
        elif scheme.year == year - 1 and previous is None and scheme.published_run:
            previous = scheme
    summary.scheme, summary.previous_scheme = current, previous
    if current is None:
        return summary
    summary.pending_scheme = None
    summary.version = current.published_version
    results = (
        Result.objects.for_user(user)
        .filter(run_id=current.published_run, evaluatee__school__group__isnull=False)
        .defer("cell_points", "cell_evaluators", "cell_derivations")
        .select_related("evaluatee__school__group", "evaluatee__peer_category")
    )
    counts = dict(results.order_by().values_list("band").annotate(n=Count("pk")))
    summary.total = sum(counts.values())
    summary.bands = [(band.value, str(band.label), counts.get(band.value, 0)) for band in BAND_ORDER]
    best_first = ("-percentile", "-total", "evaluatee__code")
    if summary.total <= limit:
        shown = list(results.order_by(*best_first))
        summary.rows = [RankingRow(result) for result in shown]
    else:
        top = list(results.order_by(*best_first)[:ends])
        bottom = list(results.order_by("percentile", "total", "-evaluatee__code")[:ends])[::-1]
        summary.top = [RankingRow(result) for result in top]
        summary.bottom = [RankingRow(result) for result in bottom]
        shown = top + bottom
    if previous is not None and shown:
        earlier = {
            result.evaluatee.school_id: result
            for result in Result.objects.filter(
                run_id=previous.published_run,
                evaluatee__school_id__in={result.evaluatee.school_id for result in shown},
            )
            .defer("cell_points", "cell_evaluators", "cell_derivations")
            .select_related("evaluatee")
        }
        for row in (*summary.rows, *summary.top, *summary.bottom):
            row.previous = earlier.get(row.evaluatee.school_id)
    return summary

@dataclass
class SchemeState:
    """Where a scheme's results stand, for the pages that say what to do next (`code`):

    draft · running (a computation is queued or running) · failed (the latest computation
    failed) · not_computed · stale (scores changed after the last run) · computed (not
    published) · published (the current results are the latest published version) · newer
    (results computed since the latest published version)."""

    code: str
    current_run: ComputationRun | None
    last_run: ComputationRun | None
    snapshot: PublishedSnapshot | None

    ALERTS = {
        "draft": "alert-secondary",
        "running": "alert-info",
        "failed": "alert-danger",
        "not_computed": "alert-warning",
        "stale": "alert-warning",
        "computed": "alert-primary",
        "published": "alert-success",
        "newer": "alert-primary",
    }

    @property
    def alert(self) -> str:
        return self.ALERTS[self.code]

    @property
    def next_version(self) -> int:
        return self.snapshot.version + 1 if self.snapshot else 1


def scheme_state(scheme: Scheme) -> SchemeState:
    """The scheme's state (two queries: its latest run and its latest published version; the
    current run comes with the scheme when it was selected with it)."""
    current = scheme.current_run
    last = (
        scheme.runs.only("pk", "status", "progress", "created_at", "finished_at", "error", "scheme_id")
        .order_by("-created_at", "-pk")
        .first()
    )
    snapshot = scheme.snapshots.select_related("published_by").order_by("-version").first()
    in_progress = (ComputationRun.Status.QUEUED, ComputationRun.Status.RUNNING)
    newest = last.status if last is not None and last.pk != scheme.current_run_id else None
    if scheme.status == Scheme.Status.DRAFT:
        code = "draft"
    elif newest in in_progress:
        code = "running"
    elif newest == ComputationRun.Status.FAILED:
        code = "failed"
    elif current is None:
        code = "not_computed"
    elif scheme.results_stale:
        code = "stale"
    elif snapshot is None:
        code = "computed"
    elif snapshot.run_id == scheme.current_run_id:
        code = "published"
    else:
        code = "newer"
    return SchemeState(code=code, current_run=current, last_run=last, snapshot=snapshot)


def published_version_annotations() -> dict:
    """Per scheme: its latest published version and when (for the scheme list, in its query)."""
    latest = PublishedSnapshot.objects.filter(scheme=OuterRef("pk")).order_by("-version")
    return {
        "published_version": Subquery(latest.values("version")[:1]),
        "published_on": Subquery(latest.values("published_at")[:1]),
    }


def latest_published_ranking() -> Scheme | None:
    """The newest year's published ranking of schools (the bureau's first question), with its
    latest version as `published_version` / `published_on`."""
    return (
        Scheme.objects.filter(target_kind=TargetKind.SCHOOLS)
        .filter(Exists(PublishedSnapshot.objects.filter(scheme=OuterRef("pk"))))
        .annotate(**published_version_annotations())
        .order_by("-year", "-published_on", "-pk")
        .first()
    )


def evaluatee_evidence(user, evaluatee: Evaluatee) -> list:
    """The self-assessment evidence of an evaluatee the user may read."""
    return list(
        Evidence.objects.for_user(user).filter(evaluatee=evaluatee).select_related("indicator", "uploaded_by")
    )


def evaluatee_appeals(user, evaluatee: Evaluatee) -> list:
    """The appeals about an evaluatee the user may read."""
    return list(
        Appeal.objects.for_user(user).filter(evaluatee=evaluatee).select_related("indicator", "decided_by")
    )
