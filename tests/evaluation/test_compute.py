"""The computation against an independent plain-Python computation, on randomised data with
ties, missing scores and cells with fewer than three evaluators."""

import random
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from evaluation.compute import run_compute
from evaluation.models import CellReview, ComputationRun, Indicator, Result, Scheme, Score
from evaluation.selectors import run_cells
from evaluation.services import results_compute_now
from tests.campuses.factories import PeerCategoryFactory, SchoolFactory
from tests.evaluation.factories import EvaluateeFactory, IndicatorFactory, SchemeFactory
from tests.evaluation.reference import reference_results

WEIGHTS = [Decimal("1"), Decimal("1.5"), Decimal("2"), Decimal("0.5")]


def build_random_scheme(seed, evaluators, *, aggregation, band_method="rank_share", n_evaluatees=18):
    rng = random.Random(seed)
    scheme = SchemeFactory(
        aggregation=aggregation,
        band_method=band_method,
        pass_floor=Decimal("30"),
        excellent_from=Decimal("70"),
        good_from=Decimal("50"),
    )
    top = IndicatorFactory(scheme=scheme, code="T", max_points=Decimal("100"))
    indicators = {}
    for i in range(6):
        indicator = IndicatorFactory(
            scheme=scheme,
            parent=top,
            code=f"T.{i}",
            max_points=Decimal(rng.choice([10, 20])),
            weight=rng.choice(WEIGHTS),
            order=i,
        )
        indicators[indicator.pk] = indicator
    peers = [PeerCategoryFactory() for _ in range(3)]
    evaluatees = {}
    for i in range(n_evaluatees):
        school = SchoolFactory(code=f"s{seed}-{i:02d}", peer_category=rng.choice(peers))
        evaluatee = EvaluateeFactory(scheme=scheme, school=school)
        evaluatees[evaluatee.pk] = evaluatee
    scores = []
    ids = list(evaluatees)
    for n, evaluatee_id in enumerate(ids):
        # Every third evaluatee copies the previous one's scores: exact ties.
        twin = ids[n - 1] if n % 3 == 2 else None
        for indicator in indicators.values():
            if twin is not None:
                for s in [s for s in scores if s.evaluatee_id == twin and s.indicator_id == indicator.pk]:
                    scores.append(
                        Score(
                            indicator=indicator,
                            evaluatee_id=evaluatee_id,
                            evaluator=s.evaluator,
                            points=s.points,
                        )
                    )
                continue
            how_many = rng.randint(0, len(evaluators))  # 0: a missing cell; 1–2: under three evaluators
            for evaluator in rng.sample(evaluators, how_many):
                points = Decimal(rng.randint(0, int(indicator.max_points) * 2)) / 2
                scores.append(
                    Score(indicator=indicator, evaluatee_id=evaluatee_id, evaluator=evaluator, points=points)
                )
    Score.objects.bulk_create(scores)
    return scheme, evaluatees, indicators, scores


def check_against_reference(scheme, evaluatees, indicators, scores, overrides=None):
    run = results_compute_now(scheme=scheme)
    assert run.status == ComputationRun.Status.SUCCEEDED
    expected = reference_results(
        evaluatees={pk: (e.code, e.peer_category_id) for pk, e in evaluatees.items()},
        indicators={pk: i.weight for pk, i in indicators.items()},
        scores=[(s.evaluatee_id, s.indicator_id, s.points) for s in scores],
        trimmed=scheme.aggregation == Scheme.Aggregation.TRIMMED_MEAN,
        overrides=overrides,
        band_method=scheme.band_method,
        pass_floor=scheme.pass_floor,
        excellent_from=scheme.excellent_from,
        good_from=scheme.good_from,
    )
    results = {r.evaluatee_id: r for r in Result.objects.filter(run=run)}
    assert set(results) == set(expected)
    for evaluatee_id, want in expected.items():
        got = results[evaluatee_id]
        assert (got.total, got.rank, got.position, got.peer_size, got.percentile, got.band) == (
            want["total"],
            want["rank"],
            want["position"],
            want["peer_size"],
            want["percentile"],
            want["band"],
        ), evaluatees[evaluatee_id].code
    cells = {(c.evaluatee_id, c.indicator_id): c.points for c in run_cells(run)}
    for evaluatee_id, want in expected.items():
        for indicator_id, points in want["cells"].items():
            assert cells[(evaluatee_id, indicator_id)] == points
    return run, expected


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("aggregation", [Scheme.Aggregation.TRIMMED_MEAN, Scheme.Aggregation.MEAN])
def test_results_match_independent_computation(db, make_evaluators, seed, aggregation):
    data = build_random_scheme(seed, make_evaluators(5), aggregation=aggregation)
    _run, expected = check_against_reference(*data)
    ranks = [want["rank"] for want in expected.values()]
    assert len(set(ranks)) < len(ranks), "the data should contain ties"


@pytest.mark.parametrize("seed", [4, 5])
def test_threshold_bands_match_independent_computation(db, make_evaluators, seed):
    check_against_reference(
        *build_random_scheme(seed, make_evaluators(4), aggregation="trimmed_mean", band_method="thresholds")
    )


def test_lead_evaluator_correction_replaces_the_aggregate(db, make_evaluators):
    evaluators = make_evaluators(3)
    scheme, evaluatees, indicators, scores = build_random_scheme(7, evaluators, aggregation="mean")
    evaluatee_id, indicator_id = next(iter(evaluatees)), next(iter(indicators))
    CellReview.objects.create(
        indicator_id=indicator_id,
        evaluatee_id=evaluatee_id,
        points=Decimal("3.5"),
        reason="核实",
        reviewed_by=evaluators[0],
    )
    check_against_reference(
        scheme, evaluatees, indicators, scores, overrides={(evaluatee_id, indicator_id): Decimal("3.5")}
    )


def test_tied_totals_share_rank_band_and_are_listed_by_code(db, make_evaluators):
    (evaluator,) = make_evaluators(1)
    scheme = SchemeFactory(pass_floor=Decimal("0"))
    indicator = IndicatorFactory(scheme=scheme, max_points=Decimal("10"))
    peer = PeerCategoryFactory()
    points = {"c": 9, "a": 9, "b": 7, "d": 7, "e": 1}
    for code, p in points.items():
        e = EvaluateeFactory(scheme=scheme, school=SchoolFactory(code=f"tie-{code}", peer_category=peer))
        Score.objects.create(indicator=indicator, evaluatee=e, evaluator=evaluator, points=p)
    run = results_compute_now(scheme=scheme)
    got = [
        (r.evaluatee.code, r.rank, r.position, r.band)
        for r in Result.objects.filter(run=run).select_related("evaluatee").order_by("position")
    ]
    # 5 peers, 20 % excellent: fewer than 1 ahead; next 30 %: fewer than 2.5 ahead,
    # so both of the tied third places are good although together they pass the 50 % mark.
    assert got == [
        ("tie-a", 1, 1, "excellent"),
        ("tie-c", 1, 2, "excellent"),
        ("tie-b", 3, 3, "good"),
        ("tie-d", 3, 4, "good"),
        ("tie-e", 5, 5, "pass"),
    ]


def test_running_twice_gives_identical_results(db, make_evaluators):
    scheme, *_ = build_random_scheme(8, make_evaluators(5), aggregation="trimmed_mean")
    fields = ("evaluatee_id", "total", "rank", "position", "percentile", "band")
    first = list(
        Result.objects.filter(run=results_compute_now(scheme=scheme))
        .order_by("evaluatee_id")
        .values_list(*fields)
    )
    second = list(
        Result.objects.filter(run=results_compute_now(scheme=scheme))
        .order_by("evaluatee_id")
        .values_list(*fields)
    )
    assert first == second


def test_rerunning_a_succeeded_run_changes_nothing(db, make_evaluators):
    scheme, *_ = build_random_scheme(9, make_evaluators(3), aggregation="mean")
    run = results_compute_now(scheme=scheme)
    before = list(Result.objects.filter(run=run).values_list("pk", "total"))
    assert run_compute(run).status == ComputationRun.Status.SUCCEEDED
    assert list(Result.objects.filter(run=run).values_list("pk", "total")) == before


def test_failed_run_leaves_previous_results_current(db, make_evaluators, monkeypatch):
    scheme, *_ = build_random_scheme(10, make_evaluators(3), aggregation="mean")
    good = results_compute_now(scheme=scheme)

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("evaluation.compute.computed_indicators", broken)
    with pytest.raises(RuntimeError):
        results_compute_now(scheme=scheme)
    scheme.refresh_from_db()
    assert scheme.current_run_id == good.pk
    failed = ComputationRun.objects.exclude(pk=good.pk).get()
    assert failed.status == ComputationRun.Status.FAILED and "went away" in failed.error
    assert not Result.objects.filter(run=failed).exists()


@pytest.mark.parametrize("size", [6, 30])
def test_computation_queries_do_not_grow_with_evaluatees(db, make_evaluators, size):
    scheme, *_ = build_random_scheme(11, make_evaluators(3), aggregation="trimmed_mean", n_evaluatees=size)
    IndicatorFactory(
        scheme=scheme,
        code="C1",
        kind=Indicator.Kind.COMPUTED,
        computation=Indicator.Computation.BIG_CLASS_SHARE,
    )
    with CaptureQueriesContext(connection) as queries:
        results_compute_now(scheme=scheme)
    # The same bound at both sizes (savepoints included): no query per evaluatee.
    assert len(queries) <= 36


def test_a_score_saved_while_the_run_computes_keeps_the_results_out_of_date(db, make_evaluators, monkeypatch):
    """The switch makes the run current and lowers the scheme's out-of-date flag only when no
    score of the scheme was saved after the run started (that save is not in its results)."""
    from evaluation import compute
    from evaluation.services import scheme_mark_stale

    scheme, *_ = build_random_scheme(12, make_evaluators(3), aggregation="mean")
    real = compute.computed_indicators

    def a_save_meanwhile(s):
        score = Score.objects.filter(indicator__scheme=s).order_by("pk").first()
        score.save()  # a new updated_at, after the run started
        scheme_mark_stale(scheme=s)
        return real(s)

    monkeypatch.setattr("evaluation.compute.computed_indicators", a_save_meanwhile)
    run = results_compute_now(scheme=scheme)
    scheme = Scheme.objects.get(pk=scheme.pk)
    assert run.status == ComputationRun.Status.SUCCEEDED and scheme.current_run_id == run.pk
    assert scheme.results_stale
    monkeypatch.setattr("evaluation.compute.computed_indicators", real)
    run = results_compute_now(scheme=scheme)
    scheme = Scheme.objects.get(pk=scheme.pk)
    assert scheme.current_run_id == run.pk and not scheme.results_stale
