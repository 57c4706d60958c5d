"""Two first saves of the same new cell at once: one is saved, the other answered 409 with the
value that won (evaluation.services.score_save), on PostgreSQL as on SQLite."""

import threading
from decimal import Decimal
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.urls import reverse

from evaluation import services
from evaluation.models import Indicator, Score

POSTGRESQL = "postgresql" in django_settings.DATABASES["default"]["ENGINE"]
on_postgresql = pytest.mark.skipif(not POSTGRESQL, reason="two real connections racing: PostgreSQL only")


def _payload(scheme, evaluatee, code, points):
    indicator = Indicator.objects.get(scheme=scheme, code=code)
    return {"indicator": indicator.pk, "evaluatee": evaluatee.pk, "points": points, "version": 0}


def test_a_first_save_that_meets_a_row_written_meanwhile_is_stale_not_an_error(scheme, longshi, supervisor):
    """The window of the race, on any database: the lock found no row, then someone else's
    first save of the cell committed before ours was written."""
    indicator = Indicator.objects.get(scheme=scheme, code="A1.1")
    real_full_clean = Score.full_clean

    def someone_else_saves_first(score, *args, **kwargs):
        result = real_full_clean(score, *args, **kwargs)
        if not Score.objects.filter(indicator=indicator, evaluatee=longshi, evaluator=supervisor).exists():
            Score.objects.create(
                indicator=indicator, evaluatee=longshi, evaluator=supervisor, points=Decimal("9"), version=1
            )
        return result

    with mock.patch.object(Score, "full_clean", someone_else_saves_first):
        with pytest.raises(services.StaleScoreError) as raised:
            services.score_save(
                user=supervisor, indicator=indicator, evaluatee=longshi, points="6", version=0
            )
    assert (raised.value.current.points, raised.value.current.version) == (Decimal("9.00"), 1)
    # (Here "someone else" shares our transaction, rolled back with it; on PostgreSQL the other
    # save is another connection's: see the test below.)


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_connections_saving_the_same_new_cell_give_one_success_and_one_409(scheme, longshi):
    """Two requests on two PostgreSQL connections, held at a barrier just before their INSERT
    (both have found no row to lock), ten times over on ten fresh cells."""
    supervisor = get_user_model().objects.get(username="supervisor")
    url = reverse("evaluation:score_save", args=[scheme.pk])
    barrier = threading.Barrier(2, timeout=10)
    real_full_clean = Score.full_clean

    def meet_before_insert(score, *args, **kwargs):
        result = real_full_clean(score, *args, **kwargs)
        if score.pk is None:
            barrier.wait()
        return result

    outcomes = []
    with mock.patch.object(Score, "full_clean", meet_before_insert):
        for _try in range(10):
            Score.objects.all().delete()  # a new cell again
            answers = []

            def save(points, answers=answers):
                try:
                    client = Client(raise_request_exception=False)
                    client.force_login(supervisor)
                    response = client.post(url, _payload(scheme, longshi, "A1.1", points))
                    answers.append(
                        (response.status_code, response.json() if response.status_code < 500 else None)
                    )
                finally:
                    connection.close()

            threads = [threading.Thread(target=save, args=(p,)) for p in ("6", "7")]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=30)
            barrier.reset()
            statuses = sorted(status for status, _body in answers)
            outcomes.append(statuses)
            assert statuses == [200, 409], answers
            winner = next(body for status, body in answers if status == 200)
            loser = next(body for status, body in answers if status == 409)
            assert loser["current"] == {"points": winner["points"], "version": 1, "comment": ""}
            stored = Score.objects.get(evaluatee=longshi, evaluator=supervisor)
            assert (str(stored.points), stored.version) == (winner["points"], 1)
    print(f"\nrace: {len(outcomes)} tries, outcomes {outcomes.count([200, 409])} × (200, 409)")
