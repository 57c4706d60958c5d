"""The computation of a scheme's results, set-based in the database.

Rules (the same ones `tests/evaluation/reference.py` implements independently in plain Python):

1. Cell (indicator × evaluatee, leaf indicators only): the evaluators' points aggregated by the
   scheme's rule — the mean, or, with the trimmed mean and at least three evaluators, the mean
   after dropping one highest and one lowest score (fewer than three: the plain mean). A cell a
   lead evaluator confirmed with corrected points takes those points. A cell nobody scored has
   no points and counts 0 in the total. Cells are rounded to 4 decimal places.
2. Computed indicators take their points from the portal's data (see `computed_cells`), with
   the derivation written next to them.
3. Total: the sum over leaf cells of points × the indicator's weight, rounded to 4 places.
4. Rank within the peer category: standard competition ranking ("1224") by total, highest
   first; equal totals share a rank. Tie-break for the listing order (`position`): evaluatee
   code, then id, ascending — deterministic, and it never changes a rank or a band.
5. Percentile: the share of the peer category not ranked strictly ahead, 100 × (n − rank + 1) / n.
6. Band, by rank share: 优秀 when (rank − 1) < n × excellent share, 良好 when (rank − 1) < n ×
   (excellent + good share), both only with a total ≥ the pass floor; 合格 with a total ≥ the
   floor; otherwise 不合格. By thresholds: total ≥ excellent_from, ≥ good_from, ≥ pass floor.

One INSERT … SELECT statement (aggregates, then window functions) writes a run's rows, one per
evaluatee with its cells as JSON; the scheme's pointer to its current run switches in one
transaction at the end, so a run's results become visible all at once and a failed run leaves
the previous results in place.
"""

from __future__ import annotations

import json
import logging
import statistics
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from campuses.models import Campus
from campuses.selectors import enrollment_figures
from kernel.models import policy_values
from sharing.selectors import sharing_figures_by_campus
from staff.models import StaffingQuota
from staff.selectors import campus_rotation_figures, staff_figures

from .models import ComputationRun, Evaluatee, Indicator, Result, Scheme, TargetKind

logger = logging.getLogger(__name__)

FOUR_PLACES = Decimal("0.0001")

#: Settings of the computation's statements on PostgreSQL, for their own transaction only:
#: just-in-time compilation of these large statements costs seconds and gains nothing
#: (bench/evaluation.py, which runs its reference statement with the same settings).
# Results become visible only at the switch, whose commit is synchronous and so also flushes
# everything committed before it: the computation's own commits need not wait for the disk.
POSTGRES_SETTINGS = ("SET LOCAL jit = off; SET LOCAL synchronous_commit = off",)

#: Every cell of the run: the scored leaf cells, aggregated from the scores (a lead evaluator's
#: confirmed points replace the aggregate), then the computed cells (computed in Python, passed
#: in as one JSON parameter), then one empty row per evaluatee, so that an evaluatee of a scheme
#: without leaf indicators still gets its result. Parameters: the confirmation prefix, the trim
#: flag, the scheme (three times), the computed cells' JSON, the scheme.
_CELLS_SQL = """
SELECT e.id AS evaluatee_id, e.code AS code, e.peer_category_id AS peer, i.id AS indicator_id,
       i.weight AS weight,
       CASE WHEN r.points IS NOT NULL THEN r.points ELSE a.agg END AS points,
       COALESCE(a.n, 0) AS evaluators,
       CASE WHEN r.id IS NULL THEN NULL ELSE %s || r.reason END AS derivation
FROM evaluation_evaluatee e
CROSS JOIN evaluation_indicator i
LEFT JOIN (
    SELECT s.evaluatee_id, s.indicator_id, COUNT(*) AS n,
           ROUND(CASE WHEN %s = 1 AND COUNT(*) >= 3
                      THEN (SUM(s.points) - MAX(s.points) - MIN(s.points)) * 1.0 / (COUNT(*) - 2)
                      ELSE SUM(s.points) * 1.0 / COUNT(*) END, 4) AS agg
    FROM evaluation_score s
    JOIN evaluation_indicator si ON si.id = s.indicator_id
    WHERE si.scheme_id = %s
    GROUP BY s.evaluatee_id, s.indicator_id
) a ON a.evaluatee_id = e.id AND a.indicator_id = i.id
LEFT JOIN evaluation_cellreview r ON r.evaluatee_id = e.id AND r.indicator_id = i.id
WHERE e.scheme_id = %s AND i.scheme_id = %s AND i.kind = 'scored'
  AND NOT EXISTS (SELECT 1 FROM evaluation_indicator c WHERE c.parent_id = i.id)
UNION ALL
SELECT e.id, e.code, e.peer_category_id, i.id, i.weight, c.points, 0, c.derivation
FROM {computed} c
JOIN evaluation_evaluatee e ON e.id = c.evaluatee_id
JOIN evaluation_indicator i ON i.id = c.indicator_id
UNION ALL
SELECT e.id, e.code, e.peer_category_id, NULL, NULL, NULL, 0, NULL
FROM evaluation_evaluatee e
WHERE e.scheme_id = %s
"""

#: The computed cells' JSON parameter as rows, per database.
_COMPUTED = {
    "postgresql": (
        "(SELECT * FROM jsonb_to_recordset(%s::jsonb) "
        "AS x(evaluatee_id bigint, indicator_id bigint, points numeric, derivation text))"
    ),
    "sqlite": (
        "(SELECT json_extract(value, '$.evaluatee_id') AS evaluatee_id, "
        "json_extract(value, '$.indicator_id') AS indicator_id, "
        "CAST(json_extract(value, '$.points') AS REAL) AS points, "
        "json_extract(value, '$.derivation') AS derivation FROM json_each(%s))"
    ),
}

#: A JSON object from the (key, value) pairs of a group's rows that match `where`, per database
#: (keys are indicator ids). On PostgreSQL json_object_agg builds text that is parsed into jsonb
#: once: three times faster than jsonb_object_agg, which rebuilds its value at every row.
_JSON_OBJECT_AGG = {
    "postgresql": "(json_object_agg({key}, {value}) FILTER (WHERE {where}))::jsonb",
    "sqlite": "json_group_object(CAST({key} AS TEXT), {value}) FILTER (WHERE {where})",
}

#: One Result row per evaluatee: cells grouped by evaluatee (total = Σ points × weight; the cells
#: as JSON objects), then ranked within the peer category with window functions. Parameter: the
#: run, the band's parameters. Grouped by the evaluatee's id alone (its code and peer category are
#: the same on all its cells: MIN takes them): a sort key of one integer instead of three columns
#: made the city-size statement about 10 % faster (bench/README.md).
_RESULTS_SQL = """
INSERT INTO evaluation_result (run_id, evaluatee_id, total, rank, position, peer_size, percentile, band,
                               cell_points, cell_evaluators, cell_derivations)
WITH cells AS ({cells})
SELECT %s, ranked.evaluatee_id, ranked.total, ranked.rnk, ranked.pos, ranked.n,
       ROUND(100.0 * (ranked.n - ranked.rnk + 1) / ranked.n, 2),
       {band},
       ranked.cell_points, ranked.cell_evaluators, ranked.cell_derivations
FROM (
    SELECT t.*,
           RANK() OVER (PARTITION BY t.peer ORDER BY t.total DESC) AS rnk,
           ROW_NUMBER() OVER (PARTITION BY t.peer
                              ORDER BY t.total DESC, t.code ASC, t.evaluatee_id ASC) AS pos,
           COUNT(*) OVER (PARTITION BY t.peer) AS n
    FROM (
        SELECT evaluatee_id, MIN(code) AS code, MIN(peer) AS peer,
               {total} AS total,
               COALESCE({points}, '{{}}') AS cell_points,
               COALESCE({evaluators}, '{{}}') AS cell_evaluators,
               COALESCE({derivations}, '{{}}') AS cell_derivations
        FROM cells
        GROUP BY evaluatee_id
    ) t
) ranked
"""

#: The total, Σ points × weight rounded half up to 4 places, per database. PostgreSQL's numeric is
#: exact; SQLite's numbers are doubles, whose sum can fall just under a half (x.xxxx5 made of cells
#: of 4 places times weights of 3), so there the sum is taken in integers of 10⁻⁷ — exact, as the
#: provisional results add them up (evaluation.provisional).
_TOTAL = {
    "postgresql": "ROUND(COALESCE(SUM(points * weight), 0), 4)",
    "sqlite": (
        "((COALESCE(SUM(CAST(ROUND(points * 10000) AS INTEGER) * CAST(ROUND(weight * 1000) AS INTEGER)), 0)"
        " + 500) / 1000 / 10000.0)"
    ),
}

_BAND_BY_RANK = """CASE
    WHEN ranked.total >= %s AND (ranked.rnk - 1) * 100.0 < ranked.n * %s THEN 'excellent'
    WHEN ranked.total >= %s AND (ranked.rnk - 1) * 100.0 < ranked.n * %s THEN 'good'
    WHEN ranked.total >= %s THEN 'pass'
    ELSE 'fail' END"""

_BAND_BY_THRESHOLDS = """CASE
    WHEN ranked.total >= %s THEN 'excellent'
    WHEN ranked.total >= %s THEN 'good'
    WHEN ranked.total >= %s THEN 'pass'
    ELSE 'fail' END"""


def _band_sql(scheme: Scheme) -> tuple[str, list[float]]:
    # Floats, not Decimals: SQLite would compare a number with Decimal's text form.
    floor = float(scheme.pass_floor)
    if scheme.band_method == Scheme.BandMethod.THRESHOLDS:
        return _BAND_BY_THRESHOLDS, [float(scheme.excellent_from), float(scheme.good_from), floor]
    excellent = float(scheme.excellent_share)
    good = float(scheme.excellent_share + scheme.good_share)
    return _BAND_BY_RANK, [floor, excellent, floor, good, floor]


def _progress(run: ComputationRun, percent: int, **fields) -> None:
    """Progress for the browser's bar: a mark that may be lost in a crash (the run is then
    started again), so on PostgreSQL its commit does not wait for the disk."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")
        ComputationRun.objects.filter(pk=run.pk).update(progress=percent, **fields)


#: The usual number of evaluators of a cell, from a sample: the most common number among the
#: scored cells of the scheme's first evaluatee. `Result.cell_evaluators` lists only the cells
#: with another number (and "*": this one); a sample that is not typical costs space, never
#: correctness. Parameters: the scheme, twice.
_USUAL_EVALUATORS_SQL = """
SELECT COUNT(*) FROM evaluation_score s JOIN evaluation_indicator i ON i.id = s.indicator_id
WHERE i.scheme_id = %s
  AND s.evaluatee_id = (SELECT MIN(e.id) FROM evaluation_evaluatee e WHERE e.scheme_id = %s)
GROUP BY s.indicator_id ORDER BY COUNT(*) DESC, s.indicator_id LIMIT 1
"""

#: `Result.cell_evaluators`: "*" the usual number, then the cells with another number. The
#: statement's per-cell work is then a comparison, not a JSON entry (at city size on PostgreSQL
#: about 2.5 ms of the run's 48). Parameters: the usual number, twice.
_EVALUATORS = {
    "postgresql": (
        "(jsonb_build_object('*', %s::integer) || COALESCE((json_object_agg(indicator_id, evaluators) "
        "FILTER (WHERE indicator_id IS NOT NULL AND evaluators <> %s))::jsonb, '{}'))"
    ),
    "sqlite": (
        "json_set(COALESCE(json_group_object(CAST(indicator_id AS TEXT), evaluators) "
        "FILTER (WHERE indicator_id IS NOT NULL AND evaluators <> %s), '{}'), '$.\"*\"', %s)"
    ),
}

#: The switch, on PostgreSQL one statement: the scheme's current run, its results still out of
#: date if a score of the scheme was saved after the run started (the `updated_at` index first:
#: usually none), and the run marked done. Run only with the scheme's row locked (FOR UPDATE):
#: the statement then starts after the saves that came first committed, and sees their scores.
#: Parameters: the run, the moment the run started, the scheme (twice), the end, evaluatees,
#: the run.
_SWITCH_SCHEME = """
UPDATE evaluation_scheme
SET current_run_id = %s,
    results_stale = results_stale AND EXISTS (
        SELECT 1 FROM evaluation_score s WHERE s.updated_at > %s
          AND EXISTS (SELECT 1 FROM evaluation_indicator i WHERE i.id = s.indicator_id AND i.scheme_id = %s))
WHERE id = %s"""

_SWITCH_RUN = """
UPDATE evaluation_computationrun SET status = 'succeeded', progress = 100, finished_at = %s, evaluatees = %s
WHERE id = %s"""

_SWITCH = {
    "postgresql": f"WITH switched AS ({_SWITCH_SCHEME} RETURNING id) {_SWITCH_RUN}",
}


def run_compute(run: ComputationRun) -> ComputationRun:
    """Compute the run's results and make them the scheme's current results.

    Idempotent: a run that already succeeded is left alone; a retried run (worker lost)
    starts again from nothing. Queries do not grow with the number of evaluatees: at city size
    on PostgreSQL ten round trips besides the statement (bench/README.md)."""
    fresh = ComputationRun.objects.select_related("scheme").get(pk=run.pk)
    for f in ComputationRun._meta.concrete_fields:
        setattr(run, f.attname, getattr(fresh, f.attname))
    if run.status == ComputationRun.Status.SUCCEEDED:
        return run
    scheme = run.scheme = fresh.scheme
    started = timezone.now()
    retried = run.started_at is not None
    running = {"status": ComputationRun.Status.RUNNING, "started_at": started, "error": ""}
    try:
        indicators = computed_indicators(scheme)
        if indicators:  # Python's share of the work first, then the statement's
            _progress(run, 5, **running)
            computed = computed_cells(scheme, indicators)
            _progress(run, 30)
        else:  # no Python share: one mark
            _progress(run, 30, **running)
            computed = []
        if retried:  # a run that started before (worker lost): start again from nothing
            Result.objects.filter(run=run).delete()
        trim = 1 if scheme.aggregation == Scheme.Aggregation.TRIMMED_MEAN else 0
        band, band_params = _band_sql(scheme)
        vendor = "postgresql" if connection.vendor == "postgresql" else "sqlite"
        aggregate = _JSON_OBJECT_AGG[vendor].format
        a_cell = "indicator_id IS NOT NULL"  # not the evaluatee's empty row
        sql = _RESULTS_SQL.format(
            cells=_CELLS_SQL.format(computed=_COMPUTED[vendor]),
            band=band,
            total=_TOTAL[vendor],
            points=aggregate(key="indicator_id", value="points", where=a_cell),
            evaluators=_EVALUATORS[vendor],
            derivations=aggregate(key="indicator_id", value="derivation", where="derivation IS NOT NULL"),
        )
        params = [CONFIRMED, trim, scheme.pk, scheme.pk, scheme.pk, json.dumps(computed), scheme.pk]
        # The statement and the switch in one transaction, whose commit waits for the disk:
        # the scheme's results change in one step, durably.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(_USUAL_EVALUATORS_SQL, [scheme.pk, scheme.pk])
            row = cursor.fetchone()
            usual = row[0] if row else 0
            if vendor == "postgresql":
                cursor.execute("SET LOCAL jit = off")
            cursor.execute(sql, [*params, run.pk, *band_params, usual, usual])
            evaluatees = cursor.rowcount
            finished = timezone.now()
            done = [connection.ops.adapt_datetimefield_value(finished), evaluatees, run.pk]
            switch = [run.pk, connection.ops.adapt_datetimefield_value(started), scheme.pk, scheme.pk]
            if vendor == "postgresql":
                # The saves take the scheme's row FOR KEY SHARE: this waits for those in progress.
                cursor.execute("SELECT 1 FROM evaluation_scheme WHERE id = %s FOR UPDATE", [scheme.pk])
                cursor.execute(_SWITCH[vendor], [*switch, *done])
            else:  # one writer at a time: the transaction holds the database's write lock
                cursor.execute(_SWITCH_SCHEME, switch)
                cursor.execute(_SWITCH_RUN, done)
    except Exception as exc:
        logger.exception("Computation run %s failed", run.pk)
        Result.objects.filter(run=run).delete()
        ComputationRun.objects.filter(pk=run.pk).update(
            status=ComputationRun.Status.FAILED, finished_at=timezone.now(), error=str(exc)[:2000]
        )
        raise
    run.status, run.progress, run.finished_at, run.evaluatees = (
        ComputationRun.Status.SUCCEEDED,
        100,
        finished,
        evaluatees,
    )
    run.started_at, run.error = started, ""
    return run


# --- Computed indicators -------------------------------------------------------------------


@dataclass
class _CampusData:
    eligible: int = 0
    exchanged: int = 0
    backbone_exchanged: int = 0
    teachers: int = 0
    mentorships: int = 0
    pupils: int = 0
    measured_classes: int = 0
    big_classes: int = 0
    establishment_authorised: int = 0
    establishment_filled: int = 0
    has_enrollment: bool = False
    resource_uses: int = 0
    resource_uses_elsewhere: int = 0
    transfers_received: int = 0
    activity_participations: int = 0

    #: Figures that add up over campuses (an evaluatee made of several campuses sums them).
    ADDITIVE = (
        "eligible",
        "exchanged",
        "backbone_exchanged",
        "teachers",
        "mentorships",
        "pupils",
        "measured_classes",
        "big_classes",
        "establishment_authorised",
        "establishment_filled",
        "resource_uses",
        "resource_uses_elsewhere",
        "transfers_received",
        "activity_participations",
    )


def _q(value: Decimal) -> Decimal:
    return value.quantize(FOUR_PLACES, rounding=ROUND_HALF_UP)


def _ratio_points(max_points: Decimal, value: Decimal | None, target: Decimal) -> Decimal:
    if value is None or not target:
        return Decimal(0)
    return _q(max_points * min(Decimal(1), value / target))


def _campus_data(scheme: Scheme, campus_ids: set[int]) -> dict[int, _CampusData]:
    """Every figure the computed indicators need, for all campuses at once (constant queries)."""

    data = {campus_id: _CampusData() for campus_id in campus_ids}
    if not campus_ids:
        return data
    for row in campus_rotation_figures(campus_ids=campus_ids, year=scheme.year).rows:
        d = data[row.campus_id]
        d.eligible, d.exchanged, d.backbone_exchanged = row.eligible, row.exchanged, row.backbone_exchanged
    for campus_id, fig in staff_figures(campus_ids=campus_ids).items():
        data[campus_id].teachers, data[campus_id].mentorships = fig.teachers, fig.mentorships
    for campus_id, fig in enrollment_figures(campus_ids=campus_ids).items():
        d = data[campus_id]
        d.pupils, d.measured_classes, d.big_classes = fig.pupils, fig.measured_classes, fig.big_classes
        d.has_enrollment = True
    for quota in StaffingQuota.objects.filter(campus_id__in=campus_ids, year=scheme.year):
        d = data[quota.campus_id]
        d.establishment_authorised = quota.establishment_authorised
        d.establishment_filled = quota.establishment_filled
    for campus_id, fig in sharing_figures_by_campus(campus_ids=campus_ids, year=scheme.year).items():
        d = data[campus_id]
        d.resource_uses, d.resource_uses_elsewhere = fig.resource_uses, fig.resource_uses_elsewhere
        d.transfers_received = fig.transfers_received
        d.activity_participations = fig.activity_participations
    return data


def _pct(part: int, whole: int) -> Decimal | None:
    return Decimal(part) * 100 / Decimal(whole) if whole else None


def _fmt(value: Decimal | None, places: str = "0.1") -> str:
    return "—" if value is None else str(value.quantize(Decimal(places), rounding=ROUND_HALF_UP))


#: How a computed or confirmed cell's points were reached. Derivations are stored as a code
#: and its figures, not as text: a run is computed once, in whatever language the worker runs,
#: and read in both; `derivation_text` writes them out in the reader's language. A computed
#: cell's is JSON `["<code>", {figures}]`; a confirmed cell's is CONFIRMED + the lead's reason
#: (the set-based statement only prefixes it, no work per row).
DERIVATIONS = {
    "no_campus": gettext_noop("No campus data applies to this evaluatee: 0 points."),
    "unknown": gettext_noop("Unknown computation: 0 points."),
    "one_campus": gettext_noop("One campus only: nothing to balance; full points."),
    Indicator.Computation.ROTATION_RATIO: gettext_noop(
        "%(exchanged)s exchanged of %(eligible)s eligible teachers = %(value)s %%; target %(target)s %%; "
        "points = %(max)s × min(1, %(value)s / %(target)s) = %(points)s."
    ),
    Indicator.Computation.BACKBONE_ROTATED: gettext_noop(
        "%(backbone)s backbone teachers among %(exchanged)s exchanged = %(value)s %%; "
        "target %(target)s %%; "
        "points = %(max)s × min(1, %(value)s / %(target)s) = %(points)s."
    ),
    Indicator.Computation.BIG_CLASS_SHARE: gettext_noop(
        "%(big)s big classes (大班额) of %(classes)s = %(value)s %%; "
        "points = %(max)s × (1 − %(value)s %%) = %(points)s."
    ),
    Indicator.Computation.MENTORING_PER_100: gettext_noop(
        "%(pairs)s mentoring pairs for %(teachers)s teachers = %(value)s per 100; target %(target)s; "
        "points = %(max)s × min(1, %(value)s / %(target)s) = %(points)s."
    ),
    Indicator.Computation.QUOTA_FILLED: gettext_noop(
        "%(filled)s of %(authorised)s established posts filled = %(value)s %%; target %(target)s %%; "
        "points = %(max)s × min(1, %(value)s / %(target)s) = %(points)s."
    ),
    Indicator.Computation.RESOURCE_SHARING: gettext_noop(
        "%(elsewhere)s of %(uses)s downloads and uses of this evaluatee's shared teaching resources "
        "in the year were made at another campus = %(value)s %%; target %(target)s %%; "
        "points = %(max)s × min(1, %(value)s / %(target)s) = %(points)s."
    ),
    Indicator.Computation.ASSET_TRANSFERS: gettext_noop(
        "%(value)s assets received from another campus in the year (transfers completed); "
        "target %(target)s; points = %(max)s × min(1, %(value)s / %(target)s) = %(points)s."
    ),
    Indicator.Computation.ACTIVITIES_PER_TEACHER: gettext_noop(
        "%(participations)s participations of %(teachers)s teachers in cross-campus activities "
        "in the year = %(value)s per teacher; target %(target)s; "
        "points = %(max)s × min(1, %(value)s / %(target)s) = %(points)s."
    ),
    Indicator.Computation.BALANCE_CV: gettext_noop(
        "Pupils per teacher on %(n)s campuses: coefficient of variation %(value)s; at most %(target)s "
        "earns full points, falling to 0 at twice that; points = %(points)s."
    ),
}

#: The stored prefix of a cell the lead evaluator confirmed or corrected (then the reason).
CONFIRMED = "confirmed:"


def derivation_code(code: str, **figures) -> str:
    """A derivation as stored: its code and figures (numbers as text), see DERIVATIONS."""
    return json.dumps([str(code), {k: str(v) for k, v in figures.items()}], ensure_ascii=False)


def derivation_text(stored: str) -> str:
    """A stored derivation in the active language. Text stored by earlier runs (before
    derivations were codes) is shown as it was written."""
    if not stored:
        return ""
    if stored.startswith(CONFIRMED):
        return _("Confirmed by the lead evaluator: ") + stored[len(CONFIRMED) :]
    if stored.startswith("["):
        try:
            code, figures = json.loads(stored)
            return _(DERIVATIONS[code]) % figures
        except (ValueError, KeyError, TypeError):
            return stored
    return stored


def indicator_points(indicator: Indicator, campuses: list[_CampusData], policy: dict) -> tuple[Decimal, str]:
    """Points of one computed indicator for an evaluatee made of `campuses`, and how (a stored
    derivation, see `derivation_text`)."""
    max_points = indicator.max_points
    total = _CampusData()
    for d in campuses:
        for name in _CampusData.ADDITIVE:
            setattr(total, name, getattr(total, name) + getattr(d, name))
    kind = Indicator.Computation
    computation = indicator.computation
    if not campuses:
        return Decimal(0), derivation_code("no_campus")
    value_places = "0.1"
    if computation == kind.ROTATION_RATIO:
        target = indicator.target_value or policy["rotation_share_target"]
        value = _pct(total.exchanged, total.eligible)
        points = _ratio_points(max_points, value, target)
        args = {"exchanged": total.exchanged, "eligible": total.eligible}
    elif computation == kind.BACKBONE_ROTATED:
        target = indicator.target_value or policy["rotation_backbone_share_target"]
        value = _pct(total.backbone_exchanged, total.exchanged)
        points = _ratio_points(max_points, value, target)
        args = {"backbone": total.backbone_exchanged, "exchanged": total.exchanged}
    elif computation == kind.BIG_CLASS_SHARE:
        target = Decimal(100)
        value = _pct(total.big_classes, total.measured_classes)
        points = Decimal(0) if value is None else _q(max_points * (1 - value / 100))
        args = {"big": total.big_classes, "classes": total.measured_classes}
    elif computation == kind.MENTORING_PER_100:
        # No national source sets this target: the bureau's to set (10 pairs per 100 teachers).
        target = indicator.target_value or Decimal(10)
        value = Decimal(total.mentorships) * 100 / total.teachers if total.teachers else None
        points = _ratio_points(max_points, value, target)
        args = {"pairs": total.mentorships, "teachers": total.teachers}
    elif computation == kind.QUOTA_FILLED:
        target = indicator.target_value or Decimal(100)
        value = _pct(total.establishment_filled, total.establishment_authorised)
        points = _ratio_points(max_points, value, target)
        args = {"filled": total.establishment_filled, "authorised": total.establishment_authorised}
    elif computation == kind.RESOURCE_SHARING:
        # 优质资源共享: no national source sets a share; the bureau's to set (30 %).
        target = indicator.target_value or Decimal(30)
        value = _pct(total.resource_uses_elsewhere, total.resource_uses)
        points = _ratio_points(max_points, value, target)
        args = {"elsewhere": total.resource_uses_elsewhere, "uses": total.resource_uses}
    elif computation == kind.ASSET_TRANSFERS:
        # 经费资产统筹: the bureau's target (3 assets received from another campus a year).
        target = indicator.target_value or Decimal(3)
        value = Decimal(total.transfers_received)
        points = _ratio_points(max_points, value, target)
        args, value_places = {}, "1"
    elif computation == kind.ACTIVITIES_PER_TEACHER:
        # 校区联合教研: the bureau's target (2 cross-campus activities per teacher a year).
        target = indicator.target_value or Decimal(2)
        value = Decimal(total.activity_participations) / total.teachers if total.teachers else None
        points = _ratio_points(max_points, value, target)
        args = {"participations": total.activity_participations, "teachers": total.teachers}
        value_places = "0.01"
    elif computation == kind.BALANCE_CV:
        # 优质均衡 rules: 差异系数 at most 0.50 (primary) / 0.45 (junior secondary).
        target = indicator.target_value or Decimal("0.50")
        ratios = [Decimal(d.pupils) / d.teachers for d in campuses if d.teachers and d.has_enrollment]
        if len(ratios) < 2:
            return max_points, derivation_code("one_campus")
        mean = statistics.fmean(float(r) for r in ratios)
        cv = Decimal(str(statistics.pstdev(float(r) for r in ratios) / mean)) if mean else Decimal(0)
        value = cv
        if cv <= target:
            points = max_points
        else:
            points = _q(max_points * max(Decimal(0), 1 - (cv - target) / target))
        args, value_places = {"n": len(ratios)}, "0.001"
    else:
        return Decimal(0), derivation_code("unknown")
    return points, derivation_code(
        computation,
        **args,
        value=_fmt(value, value_places),
        target=target,
        max=max_points,
        points=points,
    )


def computed_indicators(scheme: Scheme) -> list[Indicator]:
    """The scheme's computed leaf indicators."""
    return list(Indicator.objects.filter(scheme=scheme, kind=Indicator.Kind.COMPUTED, children__isnull=True))


def computed_cells(scheme: Scheme, indicators: list[Indicator] | None = None) -> list[dict]:
    """The cells of the scheme's computed leaf indicators (`indicators`, when the caller read
    them already; constant queries), as dicts of evaluatee_id, indicator_id, points (text, 4
    places) and derivation."""

    if indicators is None:
        indicators = computed_indicators(scheme)
    if not indicators:
        return []
    evaluatees = list(Evaluatee.objects.filter(scheme=scheme).values("pk", "school_id", "campus_id"))
    campuses_of: dict[int, list[int]] = defaultdict(list)
    if scheme.target_kind == TargetKind.SCHOOLS:
        by_school = defaultdict(list)
        school_ids = {e["school_id"] for e in evaluatees}
        for pk, school_id in Campus.objects.filter(school_id__in=school_ids).values_list("pk", "school_id"):
            by_school[school_id].append(pk)
        for e in evaluatees:
            campuses_of[e["pk"]] = by_school[e["school_id"]]
    elif scheme.target_kind == TargetKind.CAMPUSES:
        for e in evaluatees:
            campuses_of[e["pk"]] = [e["campus_id"]]
    all_ids = {pk for ids in campuses_of.values() for pk in ids}
    data = _campus_data(scheme, all_ids)
    policy = policy_values()
    cells = []
    for e in evaluatees:
        campus_data = [data[pk] for pk in campuses_of.get(e["pk"], [])]
        for indicator in indicators:
            points, derivation = indicator_points(indicator, campus_data, policy)
            cells.append(
                {
                    "evaluatee_id": e["pk"],
                    "indicator_id": indicator.pk,
                    "points": str(_q(points)),
                    "derivation": derivation,
                }
            )
    return cells
