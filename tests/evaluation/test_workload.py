"""The assessment benchmark's workload (`generate_demo --assessment-schools`, `make bench`)."""

import hashlib
from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count

from campuses.models import PeerCategory, School
from evaluation.models import CellReview, Evaluatee, Indicator, Result, Scheme, Score
from evaluation.services import results_compute_now
from groupschool.demo_data import assessment_workload_generate, assessment_workload_scheme_name
from kernel.roles import Role

SIZE = {"schools": 60, "peer_categories": 3, "indicators": 30, "evaluators": 5}


def _scheme(seed=1, **size):
    size = {**SIZE, **size}
    del size["peer_categories"]
    return Scheme.objects.get(name=assessment_workload_scheme_name(seed=seed, **size))


def _digest(scheme) -> str:
    """A fingerprint of the scores and reviews by codes and usernames (not primary keys)."""
    rows = [
        *Score.objects.filter(indicator__scheme=scheme).values_list(
            "evaluatee__code", "indicator__code", "evaluator__username", "points"
        ),
        *CellReview.objects.filter(indicator__scheme=scheme).values_list(
            "evaluatee__code", "indicator__code", "points"
        ),
        *Evaluatee.objects.filter(scheme=scheme).values_list("code", "peer_category__code"),
        *Indicator.objects.filter(scheme=scheme).values_list("code", "parent__code", "max_points", "weight"),
    ]
    return hashlib.sha256(repr(sorted(map(repr, rows))).encode()).hexdigest()


def test_workload_has_the_requested_shape(db):
    created = assessment_workload_generate(**SIZE, seed=1)

    scheme = _scheme()
    assert (scheme.status, scheme.target_kind, scheme.aggregation) == ("open", "schools", "trimmed_mean")
    assert created["schools"] == 60 and created["evaluatees"] == 60 and created["evaluators"] == 5
    assert PeerCategory.objects.filter(code__startswith="wl-1-peer-").count() == 3
    assert School.objects.filter(code__startswith="wl-1-", peer_category__isnull=False).count() == 60
    areas = Indicator.objects.filter(scheme=scheme, parent__isnull=True)
    assert list(areas.values_list("name", flat=True)) == [
        "党的建设", "内部治理和运行", "优质资源共享", "教师队伍建设", "教学质量提升", "素质教育发展",
    ]  # fmt: skip
    leaves = Indicator.objects.filter(scheme=scheme, parent__isnull=False)
    assert leaves.count() == 30 and not leaves.exclude(kind="scored").exists()
    assert Counter(
        Evaluatee.objects.filter(scheme=scheme).values_list("peer_category", flat=True)
    ) == Counter(
        {pk: 20 for pk in PeerCategory.objects.filter(code__startswith="wl-1-").values_list("pk", flat=True)}
    )
    evaluators = {
        s.evaluator for s in Score.objects.filter(indicator__scheme=scheme).select_related("evaluator")
    }
    assert len(evaluators) == 5
    assert all(u.groups.filter(name=Role.EVALUATOR).exists() for u in evaluators)

    # 1,800 cells: most with five scores, some with one or two (under the trimmed mean's three),
    # a few missing; every score between 0 and the indicator's maximum, in half points.
    per_cell = Counter(
        Score.objects.filter(indicator__scheme=scheme)
        .values("evaluatee", "indicator")
        .annotate(n=Count("pk"))
        .values_list("n", flat=True)
    )
    assert set(per_cell) == {1, 2, 5}
    assert per_cell[1] > 0 and per_cell[2] > 0 and 0 < 1800 - sum(per_cell.values()) < 40
    assert (
        created["scores"]
        == Score.objects.filter(indicator__scheme=scheme).count()
        == sum(n * cells for n, cells in per_cell.items())
    )
    for score in Score.objects.filter(indicator__scheme=scheme).select_related("indicator")[:500]:
        assert 0 <= score.points <= score.indicator.max_points and (score.points * 2) % 1 == 0
    assert created["cell reviews"] == CellReview.objects.filter(indicator__scheme=scheme).count() > 0


def test_same_seed_gives_the_same_workload_and_another_seed_another(db):
    savepoint = transaction.savepoint()
    assessment_workload_generate(**SIZE, seed=3)
    first = _digest(_scheme(seed=3))
    transaction.savepoint_rollback(savepoint)
    assert not Scheme.objects.exists()

    assessment_workload_generate(**SIZE, seed=3)
    assert _digest(_scheme(seed=3)) == first
    assessment_workload_generate(**SIZE, seed=4)
    other = _digest(_scheme(seed=4))
    assert other != first


def test_second_run_adds_nothing(db):
    assessment_workload_generate(**SIZE, seed=1)
    scores = Score.objects.count()

    assert assessment_workload_generate(**SIZE, seed=1) == {}
    assert Score.objects.count() == scores


def test_twins_tie_and_every_band_occurs(db):
    assessment_workload_generate(**SIZE, seed=1)
    run = results_compute_now(scheme=_scheme())

    results = {r.evaluatee.code: r for r in Result.objects.filter(run=run).select_related("evaluatee")}
    assert len(results) == 60
    # Every tenth school copies the one before it: same total, rank and band.
    for n in (10, 20, 30, 40, 50, 60):
        twin, original = results[f"wl-1-{n:05d}"], results[f"wl-1-{n - 1:05d}"]
        assert (twin.total, twin.rank, twin.band) == (original.total, original.rank, original.band)
    assert {r.band for r in results.values()} == {"excellent", "good", "pass", "fail"}


def test_command_builds_the_workload_alone(db):
    out = StringIO()
    call_command(
        "generate_demo",
        *("--schools", "0", "--staff-per-campus", "0", "--assessment-schools", "12"),
        *("--indicators", "6", "--evaluators", "3", "--seed", "2"),
        stdout=out,
    )
    scheme = Scheme.objects.get(
        name=assessment_workload_scheme_name(schools=12, indicators=6, evaluators=3, seed=2)
    )
    assert scheme.evaluatees.count() == 12
    assert Score.objects.filter(indicator__scheme=scheme).count() > 12 * 6


def test_command_refuses_an_oversized_workload(db):
    with pytest.raises(CommandError):
        call_command("generate_demo", "--schools", "0", "--assessment-schools", "60000")
