"""Provisional results (暂定结果): a scheme's cells, totals, ranks, percentiles and bands kept
current by every score save, without computing the whole scheme again.

The official results stay those of a computation run (evaluation.compute): what is published,
what appeals and snapshots refer to. The provisional ones follow the same rules (compute.py's
docstring) and, after any sequence of saves, equal what a full run would compute from the same
scores (tests/evaluation/test_provisional.py checks it after hundreds of random edits):

- a save (score_save, scores_import, cell_confirm, and any other writer of scores that calls
  `provisional_cells_changed`) recomputes only the cells it touched, from their scores (count,
  sum, highest, lowest: the trimmed mean's needs) and the lead evaluator's correction;
- it adds the difference of those cells' shares to their evaluatees' totals, in integers
  (points × 10⁴ × weight × 10³: exact, a total never drifts however many saves add to it);
- it ranks again the peer groups of those evaluatees only, set-based (window functions), and
  writes only the rows whose rank, position, percentile or band changed.

All in the save's own transaction. The order of locks makes concurrent saves safe on
PostgreSQL: the scheme's row in KEY SHARE mode (a rebuild takes it FOR UPDATE), then the peer
groups' rows (`ProvisionalPeer`, by id), then the cells and totals; every statement after the
peer lock reads what the saves before it committed, so a total is never computed from a cell
another save is still changing. On SQLite one writer at a time does the same.

Computed indicators (from the portal's data, not from scores) enter at a rebuild; a change of
the scheme's structure (indicators, evaluatees, aggregation, bands) discards the provisional
rows (`provisional_discard`), and a job queued when that change commits
(evaluation.tasks.provisional_rebuild_task) — or `manage.py provisional_rebuild` — builds them
again from scratch (`provisional_rebuild`: seconds at province size, never inside a save).

A save that finds no provisional rows saves its scores, leaves them alone and asks for a rebuild
(`provisional_cells_changed` answers False). No save is lost by a rebuild running beside it: the
save takes the scheme's row FOR KEY SHARE before it looks for the rows, the rebuild FOR UPDATE
before it reads the scores. A save that found none has committed before the rebuild reads
(the rebuild waited for it); a save that comes while the rebuild runs waits for its commit,
then finds the new rows and brings its cells up to date in them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from django.db import connection, transaction
from django.utils import timezone

from .models import (
    Indicator,
    ProvisionalCell,
    ProvisionalPeer,
    ProvisionalTotal,
    Scheme,
)

#: Touched cells passed as one JSON parameter ([{"indicator_id": …, "evaluatee_id": …}, …]).
_TOUCHED = {
    "postgresql": (
        "(SELECT * FROM jsonb_to_recordset(%s::jsonb) AS x(indicator_id bigint, evaluatee_id bigint))"
    ),
    "sqlite": (
        "(SELECT json_extract(value, '$.indicator_id') AS indicator_id, "
        "json_extract(value, '$.evaluatee_id') AS evaluatee_id FROM json_each(%s))"
    ),
}

#: A cell's points from its aggregates, as compute._CELLS_SQL takes them: the lead evaluator's
#: corrected points, else the trimmed mean (three evaluators or more) or the mean, 4 places.
_POINTS = """CASE WHEN r.points IS NOT NULL THEN r.points
     ELSE ROUND(CASE WHEN {trim} = 1 AND a.n >= 3 THEN (a.s - a.mx - a.mn) * 1.0 / (a.n - 2)
                     ELSE a.s * 1.0 / a.n END, 4) END"""

#: A cell's share of the total in units of 10⁻⁷: exact on both databases.
_SHARE = "COALESCE(CAST(ROUND({points} * 10000) AS BIGINT), 0) * CAST(ROUND({weight} * 1000) AS BIGINT)"

#: The new state of the touched scored cells, beside their stored share. Parameters: the
#: touched cells' JSON, twice.
_NEW_CELLS = """
SELECT x.cell_id, x.evaluatee_id, x.old_weighted, x.n, x.s, x.mx, x.mn, x.points,
       {share} AS weighted
FROM (
    SELECT c.id AS cell_id, c.evaluatee_id, c.weighted AS old_weighted, i.weight,
           COALESCE(a.n, 0) AS n, a.s, a.mx, a.mn, {points} AS points
    FROM evaluation_provisionalcell c
    JOIN {touched} t ON t.indicator_id = c.indicator_id AND t.evaluatee_id = c.evaluatee_id
    JOIN evaluation_indicator i ON i.id = c.indicator_id AND i.kind = 'scored'
    LEFT JOIN (
        SELECT s.evaluatee_id, s.indicator_id, COUNT(*) AS n, SUM(s.points) AS s,
               MAX(s.points) AS mx, MIN(s.points) AS mn
        FROM evaluation_score s
        JOIN {touched} t2 ON t2.indicator_id = s.indicator_id AND t2.evaluatee_id = s.evaluatee_id
        GROUP BY s.evaluatee_id, s.indicator_id
    ) a ON a.evaluatee_id = c.evaluatee_id AND a.indicator_id = c.indicator_id
    LEFT JOIN evaluation_cellreview r ON r.evaluatee_id = c.evaluatee_id AND r.indicator_id = c.indicator_id
) x
"""

#: A total in 4 places from its exact share sum (round half up: every share is ≥ 0).
_TOTAL = "(CAST({weighted} AS BIGINT) + 500) / 1000 / 10000.0"

_ADD_TO_TOTALS = """
UPDATE evaluation_provisionaltotal
SET weighted = evaluation_provisionaltotal.weighted + d.delta,
    total = {total}
FROM (SELECT n.evaluatee_id, CAST(SUM(n.weighted - n.old_weighted) AS BIGINT) AS delta FROM ({new_cells}) n
      GROUP BY n.evaluatee_id) d
WHERE evaluation_provisionaltotal.evaluatee_id = d.evaluatee_id AND d.delta <> 0
"""

_UPDATE_CELLS = """
UPDATE evaluation_provisionalcell
SET evaluators = n.n, points_sum = n.s, points_max = n.mx, points_min = n.mn, points = n.points,
    weighted = n.weighted
FROM ({new_cells}) n
WHERE evaluation_provisionalcell.id = n.cell_id
"""

#: Ranks of one peer group, as compute._RESULTS_SQL ranks (the band's SQL is compute's, which
#: reads `ranked.total`, `ranked.rnk` and `ranked.n`); only the rows that change are written.
#: Parameters: the peer group, the band's parameters.
_RANK = """
UPDATE evaluation_provisionaltotal
SET rank = z.rnk, position = z.pos, peer_size = z.n, percentile = z.pct, band = z.band
FROM (
    SELECT ranked.id, ranked.rnk, ranked.pos, ranked.n,
           ROUND(100.0 * (ranked.n - ranked.rnk + 1) / ranked.n, 2) AS pct, {band} AS band
    FROM (
        SELECT t.id, t.total,
               RANK() OVER (ORDER BY t.total DESC) AS rnk,
               ROW_NUMBER() OVER (ORDER BY t.total DESC, t.code ASC, t.evaluatee_id ASC) AS pos,
               COUNT(*) OVER () AS n
        FROM evaluation_provisionaltotal t
        WHERE t.peer_id = %s
    ) ranked
) z
WHERE evaluation_provisionaltotal.id = z.id
  AND (evaluation_provisionaltotal.rank <> z.rnk OR evaluation_provisionaltotal.position <> z.pos
       OR evaluation_provisionaltotal.peer_size <> z.n OR evaluation_provisionaltotal.band <> z.band
       OR evaluation_provisionaltotal.percentile <> z.pct)
"""

#: Every cell of the scheme from nothing: scored leaf cells (aggregates of all their scores),
#: then the computed cells (JSON parameter). Parameters: scheme ×3, computed JSON, scheme.
_BUILD_CELLS = """
INSERT INTO evaluation_provisionalcell (evaluatee_id, indicator_id, evaluators, points_sum, points_max,
                                        points_min, points, weighted)
SELECT x.evaluatee_id, x.indicator_id, x.n, x.s, x.mx, x.mn, x.points, {share}
FROM (
    SELECT e.id AS evaluatee_id, i.id AS indicator_id, i.weight, COALESCE(a.n, 0) AS n, a.s, a.mx, a.mn,
           {points} AS points
    FROM evaluation_evaluatee e
    CROSS JOIN evaluation_indicator i
    LEFT JOIN (
        SELECT s.evaluatee_id, s.indicator_id, COUNT(*) AS n, SUM(s.points) AS s,
               MAX(s.points) AS mx, MIN(s.points) AS mn
        FROM evaluation_score s
        JOIN evaluation_indicator si ON si.id = s.indicator_id
        WHERE si.scheme_id = %s
        GROUP BY s.evaluatee_id, s.indicator_id
    ) a ON a.evaluatee_id = e.id AND a.indicator_id = i.id
    LEFT JOIN evaluation_cellreview r ON r.evaluatee_id = e.id AND r.indicator_id = i.id
    WHERE e.scheme_id = %s AND i.scheme_id = %s AND i.kind = 'scored'
      AND NOT EXISTS (SELECT 1 FROM evaluation_indicator ch WHERE ch.parent_id = i.id)
    UNION ALL
    SELECT c.evaluatee_id, c.indicator_id, i.weight, 0, NULL, NULL, NULL, c.points
    FROM {computed} c
    JOIN evaluation_indicator i ON i.id = c.indicator_id
) x
"""

_BUILD_PEERS = """
INSERT INTO evaluation_provisionalpeer (scheme_id, peer_category_id, size, ranked_at)
SELECT %s, e.peer_category_id, COUNT(*), %s FROM evaluation_evaluatee e WHERE e.scheme_id = %s
GROUP BY e.peer_category_id
"""

_BUILD_TOTALS = """
INSERT INTO evaluation_provisionaltotal (scheme_id, evaluatee_id, peer_id, code, weighted, total, rank,
                                         position, peer_size, percentile, band)
SELECT %s, e.id, p.id, e.code, COALESCE(w.weighted, 0), {total}, 0, 0, 0, 0, ''
FROM evaluation_evaluatee e
JOIN evaluation_provisionalpeer p ON p.scheme_id = e.scheme_id
     AND (p.peer_category_id = e.peer_category_id
          OR (p.peer_category_id IS NULL AND e.peer_category_id IS NULL))
LEFT JOIN (
    SELECT c.evaluatee_id, SUM(c.weighted) AS weighted FROM evaluation_provisionalcell c
    JOIN evaluation_evaluatee ce ON ce.id = c.evaluatee_id WHERE ce.scheme_id = %s
    GROUP BY c.evaluatee_id
) w ON w.evaluatee_id = e.id
WHERE e.scheme_id = %s
"""

_COMPUTED = {
    "postgresql": (
        "(SELECT * FROM jsonb_to_recordset(%s::jsonb) "
        "AS x(evaluatee_id bigint, indicator_id bigint, points numeric))"
    ),
    "sqlite": (
        "(SELECT json_extract(value, '$.evaluatee_id') AS evaluatee_id, "
        "json_extract(value, '$.indicator_id') AS indicator_id, "
        "CAST(json_extract(value, '$.points') AS REAL) AS points FROM json_each(%s))"
    ),
}


def _vendor() -> str:
    return "postgresql" if connection.vendor == "postgresql" else "sqlite"


def _trim(scheme: Scheme) -> int:
    return 1 if scheme.aggregation == Scheme.Aggregation.TRIMMED_MEAN else 0


def _rank_peers(cursor, scheme: Scheme, peer_ids: Iterable[int]) -> None:
    from .compute import _band_sql

    band, band_params = _band_sql(scheme)
    sql = _RANK.format(band=band)
    now = timezone.now()
    for peer_id in peer_ids:
        cursor.execute(sql, [*band_params, peer_id])
    ProvisionalPeer.objects.filter(pk__in=list(peer_ids)).update(ranked_at=now)


def provisional_built(scheme: Scheme | int) -> bool:
    """Whether the scheme has provisional results (built, and not discarded since)."""
    return ProvisionalPeer.objects.filter(scheme_id=getattr(scheme, "pk", scheme)).exists()


@transaction.atomic
def provisional_discard(*, scheme: Scheme | int) -> None:
    """The scheme's structure changed (indicators, evaluatees, aggregation, bands): its
    provisional rows no longer follow from its scores; a job (evaluation.services
    `provisional_reset`) or `manage.py provisional_rebuild` builds them again."""
    scheme_id = getattr(scheme, "pk", scheme)
    ProvisionalPeer.objects.filter(scheme_id=scheme_id).delete()  # totals go with their peer group
    ProvisionalCell.objects.filter(evaluatee__scheme_id=scheme_id).delete()


@transaction.atomic
def provisional_rebuild(*, scheme: Scheme | int, only_if_missing: bool = False) -> int | None:
    """Build the scheme's provisional results from nothing (set-based: four statements and one
    per peer group); returns the number of evaluatees. Waits for the saves in progress and makes
    the next ones wait (the scheme's row, FOR UPDATE). `only_if_missing`: leave rows that exist
    (built by an earlier job, and kept current by the saves since) alone and return None."""
    from .compute import computed_cells

    scheme_id = getattr(scheme, "pk", scheme)
    scheme = Scheme.objects.select_for_update().get(pk=scheme_id)
    if only_if_missing and provisional_built(scheme):
        return None
    provisional_discard(scheme=scheme)
    vendor = _vendor()
    computed = [
        {"evaluatee_id": c["evaluatee_id"], "indicator_id": c["indicator_id"], "points": c["points"]}
        for c in computed_cells(scheme)
    ]
    points = _POINTS.format(trim=_trim(scheme))
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(
            _BUILD_CELLS.format(
                share=_SHARE.format(points="x.points", weight="x.weight"),
                points=points,
                computed=_COMPUTED[vendor],
            ),
            [scheme.pk, scheme.pk, scheme.pk, json.dumps(computed)],
        )
        cursor.execute(_BUILD_PEERS, [scheme.pk, timezone.now(), scheme.pk])
        cursor.execute(
            _BUILD_TOTALS.format(total=_TOTAL.format(weighted="COALESCE(w.weighted, 0)")),
            [scheme.pk, scheme.pk, scheme.pk],
        )
        evaluatees = cursor.rowcount
        peers = list(ProvisionalPeer.objects.filter(scheme=scheme).values_list("pk", flat=True))
        _rank_peers(cursor, scheme, peers)
    return evaluatees


def provisional_cells_changed(*, scheme: Scheme, cells: Iterable[tuple[int, int]]) -> bool:
    """Scores or corrections of these cells ((indicator id, evaluatee id) pairs) changed in the
    current transaction: bring the scheme's provisional results up to date (in that same
    transaction; see the module's docstring for the locks). Called by every writer of scores,
    after its writes.

    Returns False when the scheme has no provisional rows (never built, or discarded by a change
    of its structure, or found not to match it): nothing was done, and the caller queues a
    rebuild (evaluation.services), which will read this transaction's scores."""
    cells = sorted({(int(i), int(e)) for i, e in cells})
    if not cells:
        return True
    vendor = _vendor()
    with transaction.atomic(), connection.cursor() as cursor:
        if vendor == "postgresql":
            # Before looking for the rows: a rebuild holds the row FOR UPDATE, this waits for
            # it (and then finds its rows), and a rebuild that comes later waits for this save.
            cursor.execute("SELECT 1 FROM evaluation_scheme WHERE id = %s FOR KEY SHARE", [scheme.pk])
        if not provisional_built(scheme):
            return False
        evaluatee_ids = {e for _i, e in cells}
        peers_of = dict(
            ProvisionalTotal.objects.filter(evaluatee_id__in=evaluatee_ids).values_list(
                "evaluatee_id", "peer_id"
            )
        )
        if len(peers_of) != len(evaluatee_ids):
            provisional_discard(scheme=scheme)  # an evaluatee added without a discard
            return False
        # The peer groups' rows, in order: the lock that orders saves of the same peers.
        peer_ids = sorted(set(peers_of.values()))
        locked = list(
            ProvisionalPeer.objects.select_for_update()
            .filter(pk__in=peer_ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        scored = set(
            Indicator.objects.filter(pk__in={i for i, _e in cells}, kind=Indicator.Kind.SCORED).values_list(
                "pk", flat=True
            )
        )
        touched = [{"indicator_id": i, "evaluatee_id": e} for i, e in cells if i in scored]
        if not touched:
            return True
        payload = json.dumps(touched)
        new_cells = _NEW_CELLS.format(
            share=_SHARE.format(points="x.points", weight="x.weight"),
            points=_POINTS.format(trim=_trim(scheme)),
            touched=_TOUCHED[vendor],
        )
        total = _TOTAL.format(weighted="evaluation_provisionaltotal.weighted + d.delta")
        cursor.execute(_ADD_TO_TOTALS.format(total=total, new_cells=new_cells), [payload, payload])
        cursor.execute(_UPDATE_CELLS.format(new_cells=new_cells), [payload, payload])
        if cursor.rowcount != len(touched) or len(locked) != len(peer_ids):
            # A cell the provisional rows do not know (an indicator added without a discard,
            # or rows discarded while this save waited): they are built again, by a job.
            provisional_discard(scheme=scheme)
            return False
        _rank_peers(cursor, scheme, locked)
    return True


_CELL_DIFFERENCES = """
SELECT COUNT(*) FROM ({run_cells}) rc
LEFT JOIN evaluation_provisionalcell pc
       ON pc.evaluatee_id = rc.evaluatee_id AND pc.indicator_id = rc.indicator_id
WHERE pc.id IS NULL OR pc.evaluators <> rc.evaluators
   OR NOT (pc.points = rc.points OR (pc.points IS NULL AND rc.points IS NULL))
"""

_RESULT_DIFFERENCES = """
SELECT COUNT(*) FROM evaluation_result r
LEFT JOIN evaluation_provisionaltotal p ON p.evaluatee_id = r.evaluatee_id
WHERE r.run_id = %s AND (p.id IS NULL OR p.total <> r.total OR p.rank <> r.rank OR p.position <> r.position
   OR p.peer_size <> r.peer_size OR p.percentile <> r.percentile OR p.band <> r.band)
"""


def provisional_differences(*, scheme: Scheme, run) -> dict[str, int]:
    """How far the scheme's provisional results are from a computation run's (in the database,
    no rows in Python): cells and results that differ or lack a counterpart; all 0 when they
    agree."""
    from .models import Result
    from .selectors import run_cells_sql

    with connection.cursor() as cursor:
        cursor.execute(_CELL_DIFFERENCES.format(run_cells=run_cells_sql()), [run.pk])
        cells = cursor.fetchone()[0]
        cursor.execute(f"SELECT COUNT(*) FROM ({run_cells_sql()}) rc", [run.pk])
        run_cells = cursor.fetchone()[0]
        cursor.execute(_RESULT_DIFFERENCES, [run.pk])
        results = cursor.fetchone()[0]
    provisional_cells = ProvisionalCell.objects.filter(evaluatee__scheme=scheme).count()
    provisional_totals = ProvisionalTotal.objects.filter(scheme=scheme).count()
    return {
        "cells": cells + abs(provisional_cells - run_cells),
        "results": results + abs(provisional_totals - Result.objects.filter(run=run).count()),
    }
