"""Provisional results (evaluation.provisional): after random score edits through the services
they equal a full computation run, cell by cell and evaluatee by evaluatee; parallel saves on
PostgreSQL leave correct totals."""

import random
import threading
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection, transaction

from evaluation import services
from evaluation.models import (
    CellReview,
    Evaluatee,
    ProvisionalCell,
    ProvisionalPeer,
    ProvisionalTotal,
    Result,
    Scheme,
    Score,
)
from evaluation.provisional import (
    provisional_built,
    provisional_cells_changed,
    provisional_differences,
    provisional_rebuild,
)
from evaluation.selectors import run_cells
from tests.evaluation.test_compute import build_random_scheme

POSTGRESQL = "postgresql" in django_settings.DATABASES["default"]["ENGINE"]


def assert_same_as_a_full_run(scheme):
    """The provisional rows against a full run, in Python (Decimals) and in SQL."""
    run = services.results_compute_now(scheme=scheme)
    official = {r.evaluatee_id: r for r in Result.objects.filter(run=run)}
    provisional = {t.evaluatee_id: t for t in ProvisionalTotal.objects.filter(scheme=scheme)}
    assert set(provisional) == set(official)
    for evaluatee_id, want in official.items():
        got = provisional[evaluatee_id]
        fields = ("total", "rank", "position", "peer_size", "percentile", "band")
        assert [getattr(got, f) for f in fields] == [getattr(want, f) for f in fields], evaluatee_id
    cells = {
        (c.evaluatee_id, c.indicator_id): (c.points, c.evaluators)
        for c in ProvisionalCell.objects.filter(evaluatee__scheme=scheme)
    }
    want_cells = {(c.evaluatee_id, c.indicator_id): (c.points, c.evaluators) for c in run_cells(run)}
    assert cells == want_cells
    assert provisional_differences(scheme=scheme, run=run) == {"cells": 0, "results": 0}
    return run


def random_edits(scheme, evaluators, indicators, evaluatees, n, seed):
    """n saves through evaluation.services.score_save: new cells and changed ones, now and then
    a lead evaluator's correction (cell_confirm) or its withdrawal by a save."""
    rng = random.Random(seed)
    scheme.lead_evaluator = evaluators[0]
    scheme.save(update_fields=["lead_evaluator"])
    indicator_list = list(indicators.values())
    evaluatee_list = list(evaluatees.values())
    for step in range(n):
        indicator = rng.choice(indicator_list)
        evaluatee = rng.choice(evaluatee_list)
        if step % 25 == 24:
            points = rng.choice([None, Decimal(rng.randint(0, int(indicator.max_points)))])
            services.cell_confirm(
                user=evaluators[0], indicator=indicator, evaluatee=evaluatee, reason="核实", points=points
            )
            continue
        evaluator = rng.choice(evaluators)
        current = Score.objects.filter(indicator=indicator, evaluatee=evaluatee, evaluator=evaluator).first()
        points = Decimal(rng.randint(0, int(indicator.max_points) * 4)) / 4
        services.score_save(
            user=evaluator,
            indicator=indicator,
            evaluatee=Evaluatee.objects.get(pk=evaluatee.pk),
            points=points.quantize(Decimal("0.01")),
            version=current.version if current else 0,
        )


@pytest.mark.parametrize(
    ("aggregation", "band_method", "seed"),
    [("trimmed_mean", "rank_share", 11), ("mean", "rank_share", 12), ("trimmed_mean", "thresholds", 13)],
)
def test_provisional_results_equal_a_full_run_after_random_edits(
    db, make_evaluators, aggregation, band_method, seed, django_capture_on_commit_callbacks
):
    evaluators = make_evaluators(5)
    scheme, evaluatees, indicators, _scores = build_random_scheme(
        seed, evaluators, aggregation=aggregation, band_method=band_method
    )
    assert not provisional_built(scheme)
    with django_capture_on_commit_callbacks(execute=True) as queued:
        random_edits(scheme, evaluators, indicators, evaluatees, 1, seed)
        assert not provisional_built(scheme)  # the save found none: it did not build them
    assert len(queued) == 1 and provisional_built(scheme)  # the job it queued did, after its commit
    random_edits(scheme, evaluators, indicators, evaluatees, 150, seed + 100)
    assert_same_as_a_full_run(scheme)


def test_a_save_recomputes_one_cell_and_the_peer_group_only(db, make_evaluators):
    evaluators = make_evaluators(3)
    scheme, evaluatees, indicators, _scores = build_random_scheme(21, evaluators, aggregation="trimmed_mean")
    provisional_rebuild(scheme=scheme)
    evaluatee = next(iter(evaluatees.values()))
    indicator = next(iter(indicators.values()))
    other_peers = ProvisionalPeer.objects.filter(scheme=scheme).exclude(
        peer_category_id=evaluatee.peer_category_id
    )
    before = {p.pk: p.ranked_at for p in other_peers}
    before_total = ProvisionalTotal.objects.get(evaluatee=evaluatee).weighted
    old_cell = ProvisionalCell.objects.get(evaluatee=evaluatee, indicator=indicator)
    current = Score.objects.filter(indicator=indicator, evaluatee=evaluatee, evaluator=evaluators[0]).first()
    services.score_save(
        user=evaluators[0],
        indicator=indicator,
        evaluatee=evaluatee,
        points=indicator.max_points,
        version=current.version if current else 0,
    )
    new_cell = ProvisionalCell.objects.get(evaluatee=evaluatee, indicator=indicator)
    assert new_cell.evaluators == old_cell.evaluators + (0 if current else 1)
    assert ProvisionalTotal.objects.get(evaluatee=evaluatee).weighted == (
        before_total + new_cell.weighted - old_cell.weighted
    )
    # The other peer groups were not ranked again.
    assert {p.pk: p.ranked_at for p in ProvisionalPeer.objects.filter(pk__in=before)} == before
    assert_same_as_a_full_run(scheme)


def test_an_import_updates_the_provisional_results(db, make_evaluators):
    import tablib

    evaluators = make_evaluators(3)
    scheme, evaluatees, indicators, _scores = build_random_scheme(31, evaluators, aggregation="trimmed_mean")
    provisional_rebuild(scheme=scheme)
    data = services.score_import_template(user=evaluators[1], scheme=scheme)
    rows = []
    rng = random.Random(31)
    for row in data.dict:
        if rng.random() < 0.5:
            row["points"] = str(Decimal(rng.randint(0, 8)))
        rows.append([row[h] for h in data.headers])
    sheet = tablib.Dataset(*rows, headers=data.headers)
    outcome = services.scores_import(user=evaluators[1], scheme=scheme, dataset=sheet)
    assert outcome.ok and outcome.cells_touched
    assert_same_as_a_full_run(scheme)


def test_a_change_of_the_scheme_discards_them_and_a_job_builds_them_again_outside_the_saves(
    db, make_evaluators, django_capture_on_commit_callbacks
):
    evaluators = make_evaluators(3)
    scheme, evaluatees, indicators, _scores = build_random_scheme(41, evaluators, aggregation="mean")
    provisional_rebuild(scheme=scheme)
    indicator = next(iter(indicators.values()))
    indicator.weight = Decimal("3")
    admin = evaluators[0]
    from kernel.roles import Role
    from kernel.services import user_set_roles

    user_set_roles(user=admin, roles=[Role.EVALUATOR, Role.BUREAU])
    with django_capture_on_commit_callbacks() as changed:
        services.indicator_save(user=admin, indicator=indicator)
    assert not provisional_built(scheme)
    assert [c.__name__ for c in changed] == ["<lambda>"]  # the rebuild, queued for the commit
    evaluatee = next(iter(evaluatees.values()))
    current = Score.objects.filter(indicator=indicator, evaluatee=evaluatee, evaluator=admin).first()
    with django_capture_on_commit_callbacks() as saved:
        services.score_save(
            user=admin,
            indicator=indicator,
            evaluatee=evaluatee,
            points="1",
            version=current.version if current else 0,
        )
    # The save kept its score and left the provisional rows to the job (it queued one too).
    assert Score.objects.get(indicator=indicator, evaluatee=evaluatee, evaluator=admin).points == 1
    assert not provisional_built(scheme) and len(saved) == 1
    for job in [*changed, *saved]:  # the structure's job builds them, the save's finds them built
        job()
    assert provisional_built(scheme)
    assert_same_as_a_full_run(scheme)


def test_the_rebuild_job_leaves_rows_that_exist_alone(db, make_evaluators):
    from evaluation.tasks import provisional_rebuild_task

    scheme, *_rest = build_random_scheme(42, make_evaluators(3), aggregation="mean")
    assert provisional_rebuild_task(scheme.pk)["status"] == "rebuilt"
    peers = list(ProvisionalPeer.objects.filter(scheme=scheme).values_list("pk", "ranked_at"))
    assert provisional_rebuild_task(scheme.pk)["status"] == "present"
    assert list(ProvisionalPeer.objects.filter(scheme=scheme).values_list("pk", "ranked_at")) == peers
    assert provisional_rebuild_task(0)["status"] == "missing"


def test_the_rebuild_command_builds_every_open_scheme(db, make_evaluators, capsys):
    scheme, *_rest = build_random_scheme(51, make_evaluators(3), aggregation="mean")
    call_command("provisional_rebuild")
    assert provisional_built(scheme)
    assert f"{scheme.pk} " in capsys.readouterr().out
    assert_same_as_a_full_run(scheme)


def test_a_correction_of_the_lead_evaluator_is_followed(db, make_evaluators):
    evaluators = make_evaluators(3)
    scheme, evaluatees, indicators, _scores = build_random_scheme(61, evaluators, aggregation="trimmed_mean")
    provisional_rebuild(scheme=scheme)
    evaluatee, indicator = next(iter(evaluatees.values())), next(iter(indicators.values()))
    CellReview.objects.create(
        indicator=indicator,
        evaluatee=evaluatee,
        points=Decimal("2.5"),
        reason="核实",
        reviewed_by=evaluators[0],
    )
    provisional_cells_changed(scheme=scheme, cells=[(indicator.pk, evaluatee.pk)])
    assert ProvisionalCell.objects.get(evaluatee=evaluatee, indicator=indicator).points == Decimal("2.5")
    assert_same_as_a_full_run(scheme)


@pytest.mark.skipif(not POSTGRESQL, reason="parallel saves on real connections: PostgreSQL only")
@pytest.mark.django_db(transaction=True)
def test_parallel_saves_on_postgresql_leave_correct_totals(make_evaluators):
    """Eight threads (one evaluator each, own connections) save random cells of the same
    evaluatees at once; the totals, cells and ranks then equal a full run."""
    evaluators = make_evaluators(8)
    scheme, evaluatees, indicators, _scores = build_random_scheme(
        71, evaluators[:5], aggregation="trimmed_mean", n_evaluatees=9
    )
    provisional_rebuild(scheme=scheme)
    errors = []
    barrier = threading.Barrier(len(evaluators), timeout=30)

    def work(evaluator, seed):
        rng = random.Random(seed)
        try:
            barrier.wait()
            for _ in range(25):
                indicator = rng.choice(list(indicators.values()))
                evaluatee = rng.choice(list(evaluatees.values()))
                current = Score.objects.filter(
                    indicator=indicator, evaluatee=evaluatee, evaluator=evaluator
                ).first()
                services.score_save(
                    user=evaluator,
                    indicator=indicator,
                    evaluatee=evaluatee,
                    points=str(rng.randint(0, int(indicator.max_points))),
                    version=current.version if current else 0,
                )
        except Exception as exc:  # reported below, with the thread's evaluator
            errors.append((evaluator.username, repr(exc)))
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(e, n)) for n, e in enumerate(evaluators)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == [], "\n".join(f"{u}: {e}" for u, e in errors)
    assert Score.objects.filter(indicator__scheme=scheme).count() > 0
    assert Scheme.objects.get(pk=scheme.pk).status == Scheme.Status.OPEN
    assert_same_as_a_full_run(scheme)


def _save(evaluator, indicator, evaluatee, points):
    current = Score.objects.filter(indicator=indicator, evaluatee=evaluatee, evaluator=evaluator).first()
    services.score_save(
        user=evaluator,
        indicator=indicator,
        evaluatee=evaluatee,
        points=points,
        version=current.version if current else 0,
    )


@pytest.mark.skipif(not POSTGRESQL, reason="two transactions at once on real connections: PostgreSQL only")
@pytest.mark.django_db(transaction=True)
def test_a_save_that_finds_no_rows_commits_before_the_rebuild_reads_the_scores(make_evaluators):
    """A save without provisional rows holds the scheme's row FOR KEY SHARE until it commits;
    the rebuild job (another connection) waits for it, then reads its score."""
    from evaluation.tasks import provisional_rebuild_task

    evaluators = make_evaluators(3)
    scheme, evaluatees, indicators, _scores = build_random_scheme(81, evaluators, aggregation="mean")
    indicator, evaluatee = next(iter(indicators.values())), next(iter(evaluatees.values()))
    outcome = {}

    def rebuild():
        try:
            outcome["job"] = provisional_rebuild_task(scheme.pk)
        finally:
            connection.close()

    job = threading.Thread(target=rebuild)
    with transaction.atomic():
        _save(evaluators[0], indicator, evaluatee, str(indicator.max_points))
        assert not provisional_built(scheme)
        job.start()
        job.join(0.5)
        assert job.is_alive()  # the job waits for this save's transaction
    job.join(30)
    assert outcome["job"]["status"] == "rebuilt"
    assert_same_as_a_full_run(scheme)


@pytest.mark.skipif(not POSTGRESQL, reason="two transactions at once on real connections: PostgreSQL only")
@pytest.mark.django_db(transaction=True)
def test_a_save_during_a_rebuild_waits_for_it_and_then_updates_its_rows(make_evaluators):
    """The rebuild (this connection) has read the scores and holds the scheme's row FOR UPDATE;
    a save on another connection waits, then finds the new rows and brings its cell up to date
    in them: its score is not lost although the rebuild did not read it."""
    evaluators = make_evaluators(3)
    scheme, evaluatees, indicators, _scores = build_random_scheme(82, evaluators, aggregation="trimmed_mean")
    indicator, evaluatee = next(iter(indicators.values())), next(iter(evaluatees.values()))
    errors = []

    def save():
        try:
            _save(evaluators[1], indicator, evaluatee, "0")
        except Exception as exc:  # reported below
            errors.append(repr(exc))
        finally:
            connection.close()

    saving = threading.Thread(target=save)
    with transaction.atomic():
        provisional_rebuild(scheme=scheme)
        saving.start()
        saving.join(0.5)
        assert saving.is_alive()  # waits for the rebuild's commit
    saving.join(30)
    assert errors == []
    assert ProvisionalCell.objects.get(evaluatee=evaluatee, indicator=indicator).evaluators == (
        Score.objects.filter(indicator=indicator, evaluatee=evaluatee).count()
    )
    assert_same_as_a_full_run(scheme)


def test_a_save_before_the_rebuild_on_one_writer_is_read_by_it(
    db, make_evaluators, django_capture_on_commit_callbacks
):
    """On SQLite (one writer at a time) and PostgreSQL alike: saves that found no rows, then the
    job they queued, build rows that hold every saved score."""
    evaluators = make_evaluators(3)
    scheme, evaluatees, indicators, _scores = build_random_scheme(83, evaluators, aggregation="mean")
    with django_capture_on_commit_callbacks() as queued:
        for evaluatee in list(evaluatees.values())[:3]:
            _save(evaluators[2], next(iter(indicators.values())), evaluatee, "1")
    assert not provisional_built(scheme) and len(queued) == 3
    for job in queued:
        job()
    assert_same_as_a_full_run(scheme)


# --- Pages ----------------------------------------------------------------------------------


def _save_through_the_grid(client, scheme, evaluatee, code, points):
    from django.urls import reverse

    from evaluation.models import Indicator

    indicator = Indicator.objects.get(scheme=scheme, code=code)
    current = Score.objects.filter(indicator=indicator, evaluatee=evaluatee, evaluator__username="supervisor")
    version = current.first().version if current.exists() else 0
    return client.post(
        reverse("evaluation:score_save", args=[scheme.pk]),
        {"indicator": indicator.pk, "evaluatee": evaluatee.pk, "points": points, "version": version},
    )


def test_a_grid_save_answers_with_the_provisional_figures_and_the_grid_shows_them(scheme, longshi, client_as):
    from django.urls import reverse

    client = client_as("supervisor")
    answer = _save_through_the_grid(client, scheme, longshi, "A1.1", "8").json()
    total = ProvisionalTotal.objects.get(evaluatee=longshi)
    assert total.total == Decimal("8")
    assert answer["provisional"]["total"] == "8.0000"
    assert answer["provisional"]["rank"] == f"第 {total.rank} 名，共 {total.peer_size} 个"
    page = client.get(reverse("evaluation:score_grid", args=[scheme.pk])).content.decode()
    assert "暂定" in page
    assert f'data-provisional="{longshi.pk}"' in page


def test_the_ranking_shows_provisional_results_when_the_computed_ones_are_out_of_date(
    scheme, longshi, client_as, django_assert_max_num_queries
):
    from django.urls import reverse

    client = client_as("supervisor")
    _save_through_the_grid(client, scheme, longshi, "A1.1", "7")
    services.results_compute_now(scheme=scheme)
    url = reverse("evaluation:results", args=[scheme.pk])
    page = client.get(url).content.decode()
    assert "暂定结果" not in page  # the computed results are current: they are shown
    _save_through_the_grid(client, scheme, longshi, "A1.2", "15.5")
    with django_assert_max_num_queries(18):
        page = client.get(url).content.decode()
    assert "暂定结果" in page and "22.5000" in page  # 7 + 15.5, before any new computation
    # The indicator cells of the page too, not only the total (the ranking's own row template).
    row = page[page.index(longshi.code + "</td>") :]
    row = row[: row.index("</tr>")]
    assert "<td>15.5000</td>" in row and "<td>7.0000</td>" in row
    assert "显示上次计算的结果" in page
    computed = client.get(url + "?provisional=0").content.decode()
    assert "22.5000" not in computed and "7.0000" in computed
    export = client.get(url + "?_export=csv").content.decode()
    assert "22.5000" in export and "15.5000" in export
    # Published results and readers of published results only never see provisional figures.
    assert "暂定" not in client_as("vp-hongqi").get(url).content.decode()


def test_a_total_on_a_half_of_the_fifth_decimal_is_rounded_up_exactly(db, make_evaluators):
    """5.2833 × 1.5 + 9.6467 × 2.5 + 4.1633 × 2.5 = 42.45 exactly; summed in doubles (SQLite) it
    came to 42.4499…, rounded to 42.4499. The full run and the provisional results both say
    42.4500, the plain-Python reference's figure."""
    from tests.evaluation.factories import EvaluateeFactory, IndicatorFactory, SchemeFactory
    from tests.campuses.factories import PeerCategoryFactory, SchoolFactory

    evaluators = make_evaluators(3)
    scheme = SchemeFactory(aggregation="mean")
    top = IndicatorFactory(scheme=scheme, code="T", max_points=Decimal("30"))
    evaluatee = EvaluateeFactory(scheme=scheme, school=SchoolFactory(peer_category=PeerCategoryFactory()))
    cells = {
        "1.5": ["5.28", "5.28", "5.29"],
        "2.5": ["9.64", "9.65", "9.65"],
        "2.50": ["4.16", "4.16", "4.17"],
    }
    for n, (weight, points) in enumerate(cells.items()):
        indicator = IndicatorFactory(
            scheme=scheme, parent=top, code=f"T.{n}", max_points=Decimal("10"), weight=Decimal(weight)
        )
        for evaluator, value in zip(evaluators, points, strict=True):
            Score.objects.create(
                indicator=indicator, evaluatee=evaluatee, evaluator=evaluator, points=Decimal(value)
            )
    provisional_rebuild(scheme=scheme)
    run = assert_same_as_a_full_run(scheme)
    assert Result.objects.get(run=run).total == Decimal("42.4500")


def test_the_grid_and_the_ranking_say_when_the_provisional_results_are_being_rebuilt(
    scheme, longshi, client_as
):
    from django.urls import reverse

    from evaluation.provisional import provisional_discard

    client = client_as("supervisor")
    _save_through_the_grid(client, scheme, longshi, "A1.1", "7")
    services.results_compute_now(scheme=scheme)
    provisional_discard(scheme=scheme)  # as a change of the scheme does, its job not run yet
    answer = _save_through_the_grid(client, scheme, longshi, "A1.2", "15.5").json()
    assert answer["points"] == "15.50" and answer["provisional"] is None
    grid = client.get(reverse("evaluation:score_grid", args=[scheme.pk])).content.decode()
    assert "暂定结果正在重建" in grid and f'data-provisional="{longshi.pk}"' in grid
    ranking = client.get(reverse("evaluation:results", args=[scheme.pk])).content.decode()
    assert "暂定结果正在重建" in ranking and "15.5000" not in ranking  # the last computed ones
    provisional_rebuild(scheme=scheme)  # the job
    ranking = client.get(reverse("evaluation:results", args=[scheme.pk])).content.decode()
    assert "暂定结果正在重建" not in ranking and "15.5000" in ranking
    grid = client.get(reverse("evaluation:score_grid", args=[scheme.pk])).content.decode()
    assert "暂定结果正在重建" not in grid
