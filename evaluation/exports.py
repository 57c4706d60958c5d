"""Results as rows for files: the same columns for the command and the page's export."""

from __future__ import annotations

from collections.abc import Iterator

from .models import ComputationRun, ResultIndicator
from .selectors import leaf_indicators, results_of_run


def results_csv_rows(run: ComputationRun, *, chunk: int = 2000) -> Iterator[list]:
    """Header, then one row per evaluatee: code, name, peer category, total, rank, percentile,
    band, one column per leaf indicator. Streams in chunks: memory stays flat as rows grow."""
    indicators = list(leaf_indicators(run.scheme))
    yield [
        "code",
        "name",
        "peer_category",
        "total",
        "rank",
        "percentile",
        "band",
        *[indicator.code for indicator in indicators],
    ]
    results = list(
        results_of_run(run).values_list(
            "evaluatee_id",
            "evaluatee__code",
            "evaluatee__name",
            "evaluatee__peer_category__name",
            "total",
            "rank",
            "percentile",
            "band",
        )
    )
    for start in range(0, len(results), chunk):
        batch = results[start : start + chunk]
        cells: dict[int, dict[int, object]] = {}
        for evaluatee_id, indicator_id, points in ResultIndicator.objects.filter(
            run=run, evaluatee_id__in=[r[0] for r in batch]
        ).values_list("evaluatee_id", "indicator_id", "points"):
            cells.setdefault(evaluatee_id, {})[indicator_id] = points
        for evaluatee_id, code, name, peer, total, rank, percentile, band in batch:
            mine = cells.get(evaluatee_id, {})
            yield [
                code,
                name,
                peer or "",
                total,
                rank,
                percentile,
                band,
                *["" if mine.get(i.pk) is None else mine[i.pk] for i in indicators],
            ]
