"""Results as rows for files: the same columns for the command and the page's export."""

from __future__ import annotations

from collections.abc import Iterator

from .models import ComputationRun, cell_points
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
    results = results_of_run(run).values_list(
        "evaluatee__code",
        "evaluatee__peer_category__name",
        "evaluatee__name",
        "total",
        "rank",
        "percentile",
        "band",
        "cell_points",
    )
    for code, peer, name, total, rank, percentile, band, points in results.iterator(chunk_size=chunk):
        yield [
            code,
            name,
            peer or "",
            total,
            rank,
            percentile,
            band,
            *["" if points.get(str(i.pk)) is None else cell_points(points[str(i.pk)]) for i in indicators],
        ]
