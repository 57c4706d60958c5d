"""Assessments of the story: the schools' assessment of this year and last year, published, and
the group's internal assessment of its campuses, open (see groupschool.demo.story)."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

from ..common import CHANGE_REASON, Y, bulk
from . import PLAN_SCHOOL, Story, at, evaluator_accounts

SCHOOLS_SCHEME = "{year}年度集团化办学考核"
INTERNAL_SCHEME = "龙师附小教育集团{year}年度校区内部考核"
#: The plan's school, a little better each year (share of each indicator's maximum).
PLAN_SCHOOL_QUALITY = {Y - 1: 0.80, Y: 0.86}
#: The divergent cell of this year's schools' assessment: the plan's school on 5.1 (max 8).
DIVERGENT_INDICATOR, DIVERGENT_POINTS, RECONCILED = "5.1", ("7.00", "6.50", "3.00"), "6.50"
RECONCILE_REASON = (
    "三名评估员分差4分，超出容差。经复核：第三名评估员未查阅龙翔、桃江校区的质量监测数据，"
    "按三个校区合并数据认定为6.5分。"
)
INTERNAL_INDICATORS = (
    ("1", "管理与运行", (("1.1", "执行副校长履职与校区日常管理", 10), ("1.2", "制度执行与“一岗双责”", 10))),
    ("2", "教师队伍", (("2.1", "教师交流与师徒结对", 15), ("2.2", "校区联合教研参与", 15))),
    ("3", "教育教学", (("3.1", "课堂教学质量", 15), ("3.2", "作业设计与课后服务", 15))),
    ("4", "学生发展", (("4.1", "德育与“五育并举”", 10), ("4.2", "校园安全与健康", 10))),
)
#: Quality of each campus in the internal assessment; 龙翔 2.1 is scored far apart.
INTERNAL_QUALITY = {"hongqi": 0.9, "longxiang": 0.8, "taojiang": 0.74}
INTERNAL_DIVERGENT = ("longxiang", "2.1", ("12.50", "12.00", "6.00"))


def generate(story: Story) -> None:
    from evaluation.models import Scheme

    evaluators = evaluator_accounts(story)
    for year in (Y - 1, Y):
        name = SCHOOLS_SCHEME.format(year=year)
        if not Scheme.objects.filter(year=year, name=name).exists():
            _schools_scheme(story, evaluators, year, name)
    name = INTERNAL_SCHEME.format(year=Y)
    if not Scheme.objects.filter(year=Y, name=name).exists():
        _internal_scheme(story, evaluators, name)


def _half_points(value: float, max_points: Decimal) -> Decimal:
    return min(max_points, max(Decimal(0), Decimal(round(value * 2)) / 2)).quantize(Decimal("0.01"))


def _scores(story: Story, scheme, evaluators, quality_of, *, skip=()) -> None:
    """Every evaluator's points for every scored leaf of every evaluatee: the evaluatee's quality
    × the maximum, ± half a point by evaluator (never far enough apart to be flagged)."""
    from evaluation.models import Score

    indicators = list(scheme.indicators.filter(kind="scored", children__isnull=True).order_by("code"))
    rows = []
    for evaluatee in scheme.evaluatees.order_by("code"):
        quality = quality_of(evaluatee)
        rng = story.rng("scores", scheme.year, scheme.name, evaluatee.code)
        for indicator in indicators:
            if (evaluatee.code, indicator.code) in skip:
                continue
            base = float(indicator.max_points) * min(0.98, max(0.3, quality + rng.uniform(-0.08, 0.08)))
            steps = (0, 0.5) if indicator.max_points < 4 else (-0.5, 0, 0.5)
            for evaluator in evaluators:
                rows.append(
                    Score(
                        indicator=indicator,
                        evaluatee=evaluatee,
                        evaluator=evaluator,
                        points=_half_points(base + rng.choice(steps), indicator.max_points),
                    )
                )
    bulk(story.counts, Score, rows, "scores")


def _divergent_cell(scheme, evaluators, evaluatee_code: str, indicator_code: str, points) -> tuple:
    """Three evaluators' points far apart on one cell, saved through the score grid's service."""
    from evaluation.services import score_save

    indicator = scheme.indicators.get(code=indicator_code)
    evaluatee = scheme.evaluatees.get(code=evaluatee_code)
    for evaluator, value in zip(evaluators, points, strict=True):
        score_save(user=evaluator, indicator=indicator, evaluatee=evaluatee, points=value, version=None)
    return indicator, evaluatee


def _schools_scheme(story: Story, evaluators, year: int, name: str) -> None:
    from evaluation.models import Indicator, Scheme
    from evaluation.plan_data import SCHEME_FILE
    from evaluation.services import (
        cell_confirm,
        results_compute_now,
        scheme_publish,
        scheme_transition,
    )

    data = json.loads(SCHEME_FILE.read_text(encoding="utf-8"))
    spec = data["scheme"]
    supervisor, bureau = story.users["supervisor"], story.users["bureau"]
    scheme = Scheme(
        name=name,
        year=year,
        target_kind=spec["target_kind"],
        aggregation=spec["aggregation"],
        band_method=spec["band_method"],
        excellent_share=Decimal(spec["excellent_share"]),
        good_share=Decimal(spec["good_share"]),
        pass_floor=Decimal(spec["pass_floor"]),
        reconcile_tolerance=Decimal(spec["reconcile_tolerance"]),
        appeal_days=spec["appeal_days"],
        lead_evaluator=supervisor,
        description=spec["description"],
    )
    scheme.full_clean()
    scheme._change_reason = CHANGE_REASON
    scheme.save()
    story.counts["assessment schemes"] += 1
    for order, area in enumerate(data["indicators"], start=1):
        parent = Indicator.objects.create(
            scheme=scheme,
            code=area["code"],
            name=area["name"],
            max_points=Decimal(area["max_points"]),
            order=order,
        )
        bulk(
            story.counts,
            Indicator,
            [
                Indicator(
                    scheme=scheme,
                    parent=parent,
                    code=item["code"],
                    name=item["name"],
                    max_points=Decimal(item["max_points"]),
                    order=child_order,
                    kind=item.get("kind", Indicator.Kind.SCORED),
                    computation=item.get("computation", ""),
                    target_value=Decimal(item["target"]) if item.get("target") else None,
                    guidance=item.get("guidance", ""),
                    evidence_requirement=item.get("evidence", ""),
                )
                for child_order, item in enumerate(area.get("children", []), start=1)
            ],
            "indicators",
        )
        story.counts["indicators"] += 1
    scheme = scheme_transition(user=supervisor, scheme=scheme, to_status=Scheme.Status.OPEN)

    def quality(evaluatee) -> float:
        if evaluatee.code == PLAN_SCHOOL:
            return PLAN_SCHOOL_QUALITY[year]
        return story.rng("school quality", evaluatee.code).uniform(0.62, 0.9) + (0.02 if year == Y else 0)

    current = year == Y
    skip = {(PLAN_SCHOOL, DIVERGENT_INDICATOR)} if current else set()
    _scores(story, scheme, evaluators, quality, skip=skip)
    if current:
        indicator, evaluatee = _divergent_cell(
            scheme, evaluators, PLAN_SCHOOL, DIVERGENT_INDICATOR, DIVERGENT_POINTS
        )
        story.counts["scores"] += len(evaluators)
        cell_confirm(
            user=supervisor,
            indicator=indicator,
            evaluatee=evaluatee,
            reason=RECONCILE_REASON,
            points=RECONCILED,
        )
        story.counts["cell reviews"] += 1
    scheme_transition(user=supervisor, scheme=scheme, to_status=Scheme.Status.CLOSED)
    results_compute_now(scheme=scheme, user=supervisor)
    scheme_publish(user=bureau, scheme=scheme)
    story.counts["published results"] += 1
    scheme.refresh_from_db()
    # Last year's results were published in the January after; this year's are published now.
    if not current:
        scheme.published_at = at(datetime.date(year + 1, 1, 20))
        scheme._change_reason = CHANGE_REASON
        scheme.save(update_fields=["published_at"])


def _internal_scheme(story: Story, evaluators, name: str) -> None:
    """The group's internal assessment of its three campuses: open, every cell scored, results
    computed, one cell (龙翔 2.1) still awaiting the lead evaluator's confirmation."""
    from evaluation.models import Indicator, Scheme
    from evaluation.services import results_compute_now, scheme_transition

    supervisor = story.users["supervisor"]
    scheme = Scheme(
        name=name,
        year=Y,
        target_kind="campuses",
        group=story.group,
        band_method=Scheme.BandMethod.THRESHOLDS,
        excellent_from=Decimal("90"),
        good_from=Decimal("80"),
        pass_floor=Decimal("60"),
        lead_evaluator=supervisor,
        description="《实施方案》三（二）2：集团对内部各校区进行考核评价，激发全体教职工参与集团化办学的积极性。",
    )
    scheme.full_clean()
    scheme._change_reason = CHANGE_REASON
    scheme.save()
    story.counts["assessment schemes"] += 1
    for order, (code, area, leaves) in enumerate(INTERNAL_INDICATORS, start=1):
        parent = Indicator.objects.create(
            scheme=scheme,
            code=code,
            name=area,
            order=order,
            max_points=Decimal(sum(p for _c, _n, p in leaves)),
        )
        for child_order, (leaf_code, leaf, points) in enumerate(leaves, start=1):
            Indicator.objects.create(
                scheme=scheme,
                parent=parent,
                code=leaf_code,
                name=leaf,
                order=child_order,
                max_points=Decimal(points),
            )
        story.counts["indicators"] += 1 + len(leaves)
    scheme = scheme_transition(user=supervisor, scheme=scheme, to_status=Scheme.Status.OPEN)
    campus, leaf, points = INTERNAL_DIVERGENT
    _scores(story, scheme, evaluators, lambda e: INTERNAL_QUALITY.get(e.code, 0.75), skip={(campus, leaf)})
    _divergent_cell(scheme, evaluators, campus, leaf, points)
    story.counts["scores"] += len(evaluators)
    results_compute_now(scheme=scheme, user=supervisor)
