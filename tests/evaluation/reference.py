"""An independent computation of a scheme's results in plain Python (no SQL, no ORM
aggregates): what `evaluation.compute` must agree with. Inputs are plain tuples."""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

Q4 = Decimal("0.0001")


def _round4(value: Decimal) -> Decimal:
    return value.quantize(Q4, rounding=ROUND_HALF_UP)


def cell_points(points: list[Decimal], trimmed: bool) -> Decimal | None:
    if not points:
        return None
    points = sorted(points)
    if trimmed and len(points) >= 3:
        points = points[1:-1]
    return _round4(sum(points, Decimal(0)) / len(points))


def reference_results(
    *,
    evaluatees: dict[int, tuple[str, int | None]],
    indicators: dict[int, Decimal],
    scores: list[tuple[int, int, Decimal]],
    trimmed: bool,
    overrides: dict[tuple[int, int], Decimal] | None = None,
    band_method: str = "rank_share",
    excellent_share=Decimal(20),
    good_share=Decimal(30),
    pass_floor=Decimal(60),
    excellent_from=Decimal(90),
    good_from=Decimal(75),
) -> dict[int, dict]:
    """evaluatees: id → (code, peer); indicators: id → weight; scores: (evaluatee, indicator,
    points). Returns per evaluatee: cells, total, rank, position, percentile, band."""
    overrides = overrides or {}
    by_cell = defaultdict(list)
    for evaluatee, indicator, points in scores:
        by_cell[(evaluatee, indicator)].append(Decimal(points))
    out = {}
    for evaluatee in evaluatees:
        cells = {}
        for indicator in indicators:
            key = (evaluatee, indicator)
            cells[indicator] = overrides[key] if key in overrides else cell_points(by_cell[key], trimmed)
        total = _round4(sum(((p or Decimal(0)) * indicators[i] for i, p in cells.items()), Decimal(0)))
        out[evaluatee] = {"cells": cells, "total": total}
    peers = defaultdict(list)
    for evaluatee, (_code, peer) in evaluatees.items():
        peers[peer].append(evaluatee)
    for members in peers.values():
        n = len(members)
        ordered = sorted(members, key=lambda e: (-out[e]["total"], evaluatees[e][0], e))
        for position, evaluatee in enumerate(ordered, start=1):
            total = out[evaluatee]["total"]
            rank = 1 + sum(1 for other in members if out[other]["total"] > total)
            ahead = rank - 1
            if band_method == "thresholds":
                band = (
                    "excellent"
                    if total >= excellent_from
                    else "good"
                    if total >= good_from
                    else "pass"
                    if total >= pass_floor
                    else "fail"
                )
            elif total < pass_floor:
                band = "fail"
            elif ahead * 100 < n * excellent_share:
                band = "excellent"
            elif ahead * 100 < n * (excellent_share + good_share):
                band = "good"
            else:
                band = "pass"
            percentile = (Decimal(100) * (n - rank + 1) / n).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            out[evaluatee].update(rank=rank, position=position, peer_size=n, percentile=percentile, band=band)
    return out
