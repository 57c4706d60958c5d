"""Assessment pages say what state a scheme's results are in and offer the next step to the
roles that may take it; close and publish in one step; the published ranking is found from
the scheme list."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from evaluation import selectors
from evaluation.models import ComputationRun, Indicator, PublishedSnapshot, Scheme
from evaluation.services import (
    results_compute_now,
    scheme_close_and_publish,
    scheme_publish,
    scheme_transition,
    score_save,
)
from tests.evaluation.factories import SchemeFactory
from tests.table_html import table_cells


def leaf(scheme, code):
    return Indicator.objects.select_related("scheme").get(scheme=scheme, code=code)


def scored(scheme, longshi, supervisor, points="8"):
    score_save(user=supervisor, indicator=leaf(scheme, "A1.1"), evaluatee=longshi, points=points, version=0)


def state_of(scheme):
    return selectors.scheme_state(Scheme.objects.select_related("current_run").get(pk=scheme.pk))


def detail(client, scheme):
    return client.get(reverse("evaluation:scheme_detail", args=[scheme.pk])).content.decode()


def results(client, scheme, query=""):
    return client.get(reverse("evaluation:results", args=[scheme.pk]) + query).content.decode()


COMPUTE_FORM = 'action="/evaluation/{}/compute/"'
PUBLISH_FORM = 'action="/evaluation/{}/publish/"'
CLOSE_AND_PUBLISH = '<input type="hidden" name="close" value="1">'


# --- The state, step by step ------------------------------------------------------------------


def test_state_follows_the_scheme_from_draft_to_published(scheme, longshi, supervisor, bureau):
    Scheme.objects.filter(pk=scheme.pk).update(status=Scheme.Status.DRAFT)
    assert state_of(scheme).code == "draft"
    Scheme.objects.filter(pk=scheme.pk).update(status=Scheme.Status.OPEN)
    assert state_of(scheme).code == "not_computed"
    scored(scheme, longshi, supervisor)
    results_compute_now(scheme=scheme)
    assert state_of(scheme).code == "computed"
    score_save(user=supervisor, indicator=leaf(scheme, "A1.1"), evaluatee=longshi, points="9", version=1)
    assert state_of(scheme).code == "stale"
    results_compute_now(scheme=scheme)
    snapshot = scheme_close_and_publish(user=bureau, scheme=scheme)
    state = state_of(scheme)
    assert state.code == "published" and state.snapshot == snapshot and state.next_version == 2
    # A later run (the bureau corrects and recomputes): newer results than the published ones.
    results_compute_now(scheme=scheme)
    assert state_of(scheme).code == "newer"


def test_state_says_a_computation_is_running_or_failed(scheme, longshi, supervisor):
    scored(scheme, longshi, supervisor)
    results_compute_now(scheme=scheme)
    run = ComputationRun.objects.create(scheme=scheme, status=ComputationRun.Status.RUNNING)
    state = state_of(scheme)
    assert state.code == "running" and state.last_run == run
    ComputationRun.objects.filter(pk=run.pk).update(status=ComputationRun.Status.FAILED)
    assert state_of(scheme).code == "failed"


# --- Pages: the state and the next step per role ---------------------------------------------


def test_supervisor_is_asked_to_compute_when_there_are_no_results(scheme, client_as):
    page = detail(client_as("supervisor"), scheme)
    assert 'data-state="not_computed"' in page and COMPUTE_FORM.format(scheme.pk) in page
    assert PUBLISH_FORM.format(scheme.pk) not in page


def test_stale_results_ask_for_a_new_computation_on_both_pages(scheme, longshi, supervisor, client_as):
    scored(scheme, longshi, supervisor)
    results_compute_now(scheme=scheme)
    score_save(user=supervisor, indicator=leaf(scheme, "A1.1"), evaluatee=longshi, points="9", version=1)
    client = client_as("supervisor")
    for page in (detail(client, scheme), results(client, scheme)):
        assert 'data-state="stale"' in page and COMPUTE_FORM.format(scheme.pk) in page
        assert PUBLISH_FORM.format(scheme.pk) not in page


def test_computed_results_of_an_open_scheme_offer_close_and_publish(scheme, longshi, supervisor, client_as):
    scored(scheme, longshi, supervisor)
    results_compute_now(scheme=scheme)
    client = client_as("supervisor")
    for page in (detail(client, scheme), results(client, scheme)):
        assert 'data-state="computed"' in page
        assert PUBLISH_FORM.format(scheme.pk) in page and CLOSE_AND_PUBLISH in page


def test_computed_results_of_a_closed_scheme_offer_publish_alone(
    scheme, longshi, supervisor, bureau, client_as
):
    scored(scheme, longshi, supervisor)
    results_compute_now(scheme=scheme)
    scheme_transition(user=bureau, scheme=scheme, to_status=Scheme.Status.CLOSED)
    page = detail(client_as("bureau"), scheme)
    assert PUBLISH_FORM.format(scheme.pk) in page and CLOSE_AND_PUBLISH not in page


def test_published_results_link_the_ranking_and_offer_no_publish(
    scheme, longshi, supervisor, bureau, client_as
):
    scored(scheme, longshi, supervisor)
    results_compute_now(scheme=scheme)
    scheme_close_and_publish(user=bureau, scheme=scheme)
    page = detail(client_as("supervisor"), scheme)
    assert 'data-state="published"' in page
    assert f'href="/evaluation/{scheme.pk}/results/?published=1"' in page
    assert PUBLISH_FORM.format(scheme.pk) not in page and COMPUTE_FORM.format(scheme.pk) not in page
    # The bureau opening the results sees them as the published version, not as "current".
    response = client_as("bureau").get(reverse("evaluation:results", args=[scheme.pk]))
    assert response.context["published"] is True


def test_newer_results_ask_for_a_new_version_with_its_reason(scheme, longshi, supervisor, bureau, client_as):
    scored(scheme, longshi, supervisor)
    results_compute_now(scheme=scheme)
    scheme_close_and_publish(user=bureau, scheme=scheme)
    results_compute_now(scheme=scheme)
    page = detail(client_as("bureau"), scheme)
    assert 'data-state="newer"' in page and 'name="reason"' in page and PUBLISH_FORM.format(scheme.pk) in page


@pytest.mark.parametrize("username", ["principal", "vp-hongqi"])
def test_other_roles_read_the_state_without_buttons(scheme, longshi, supervisor, bureau, client_as, username):
    scored(scheme, longshi, supervisor)
    results_compute_now(scheme=scheme)
    client = client_as(username)
    page = detail(client, scheme)
    # Unpublished results are not theirs to read: only "not published yet".
    assert 'data-state="not_published"' in page and 'data-state="computed"' not in page
    assert PUBLISH_FORM.format(scheme.pk) not in page and COMPUTE_FORM.format(scheme.pk) not in page
    scheme_close_and_publish(user=bureau, scheme=scheme)
    page = detail(client, scheme)
    assert 'data-state="published"' in page and f"/evaluation/{scheme.pk}/results/?published=1" in page
    assert PUBLISH_FORM.format(scheme.pk) not in page


# --- Close and publish --------------------------------------------------------------------------


def test_close_and_publish_closes_then_publishes_with_history(scheme, longshi, supervisor):
    scored(scheme, longshi, supervisor)
    results_compute_now(scheme=scheme)
    snapshot = scheme_close_and_publish(user=supervisor, scheme=scheme)
    scheme.refresh_from_db()
    assert snapshot.version == 1 and scheme.status == Scheme.Status.PUBLISHED
    statuses = list(scheme.history.order_by("history_date", "history_id").values_list("status", flat=True))
    assert statuses[-2:] == [Scheme.Status.CLOSED, Scheme.Status.PUBLISHED]


def test_close_and_publish_leaves_the_scheme_open_when_publishing_is_refused(scheme, longshi, supervisor):
    scored(scheme, longshi, supervisor)  # never computed
    with pytest.raises(ValidationError, match="Compute"):
        scheme_close_and_publish(user=supervisor, scheme=scheme)
    scheme.refresh_from_db()
    assert scheme.status == Scheme.Status.OPEN and not PublishedSnapshot.objects.exists()


def test_close_and_publish_is_refused_to_other_roles(scheme, longshi, supervisor, principal):
    scored(scheme, longshi, supervisor)
    results_compute_now(scheme=scheme)
    with pytest.raises(PermissionDenied):
        scheme_close_and_publish(user=principal, scheme=scheme)


def test_publishing_an_open_scheme_says_it_must_be_closed_first(scheme, longshi, supervisor):
    scored(scheme, longshi, supervisor)
    results_compute_now(scheme=scheme)
    with pytest.raises(ValidationError, match="close the scheme first"):
        scheme_publish(user=supervisor, scheme=scheme)


def test_the_publish_view_closes_and_publishes_in_one_step(scheme, longshi, supervisor, client_as):
    scored(scheme, longshi, supervisor)
    results_compute_now(scheme=scheme)
    url = reverse("evaluation:scheme_publish", args=[scheme.pk])
    response = client_as("supervisor").post(url, {"close": "1"})
    assert response.status_code == 302
    scheme.refresh_from_db()
    assert scheme.status == Scheme.Status.PUBLISHED and scheme.snapshots.get().version == 1


def test_the_publish_view_without_close_keeps_an_open_scheme_open(scheme, longshi, supervisor, client_as):
    scored(scheme, longshi, supervisor)
    results_compute_now(scheme=scheme)
    client = client_as("supervisor")
    response = client.post(reverse("evaluation:scheme_publish", args=[scheme.pk]), follow=True)
    scheme.refresh_from_db()
    assert scheme.status == Scheme.Status.OPEN and not scheme.snapshots.exists()
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


@pytest.mark.parametrize(("username", "status"), [("principal", 403), ("vp-hongqi", 403), ("personnel", 403)])
def test_close_and_publish_view_is_refused_to_other_roles(
    scheme, longshi, supervisor, client_as, username, status
):
    scored(scheme, longshi, supervisor)
    results_compute_now(scheme=scheme)
    url = reverse("evaluation:scheme_publish", args=[scheme.pk])
    response = client_as(username).post(url, {"close": "1"})
    assert response.status_code == status
    scheme.refresh_from_db()
    assert scheme.status == Scheme.Status.OPEN


def test_close_and_publish_view_sends_anonymous_to_login(scheme, client):
    response = client.post(reverse("evaluation:scheme_publish", args=[scheme.pk]), {"close": "1"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- Finding this year's ranking ------------------------------------------------------------------


@pytest.mark.parametrize("username", ["bureau", "principal", "vp-longxiang"])
def test_scheme_list_links_the_newest_published_ranking(
    scheme, longshi, supervisor, bureau, client_as, username
):
    SchemeFactory(year=2023, name="2023年集团化办学考核")
    scored(scheme, longshi, supervisor)
    results_compute_now(scheme=scheme)
    scheme_close_and_publish(user=bureau, scheme=scheme)
    SchemeFactory(year=2026, name="2026年集团化办学考核", status=Scheme.Status.DRAFT)
    response = client_as(username).get(reverse("evaluation:scheme_list"))
    page = response.content.decode()
    assert response.context["ranking"] == scheme
    assert f'href="/evaluation/{scheme.pk}/results/?published=1"' in page
    # Newest year first; the published one says so in its row.
    header, rows = table_cells(page)
    years = header.index("年度")
    assert [row[years] for row in rows] == ["2026", "2025", "2024", "2023"]
    assert any("第 1 版" in cell for cell in rows[1]) and not any("第 1 版" in cell for cell in rows[0])


def test_scheme_list_says_the_state_of_unpublished_results_to_the_bureau_only(
    scheme, longshi, supervisor, client_as
):
    scored(scheme, longshi, supervisor)
    results_compute_now(scheme=scheme)
    url = f'href="/evaluation/{scheme.pk}/results/"'
    assert url in client_as("bureau").get(reverse("evaluation:scheme_list")).content.decode()
    assert url not in client_as("principal").get(reverse("evaluation:scheme_list")).content.decode()


def test_scheme_list_queries_stay_constant_with_published_schemes(
    plan, bureau, client_as, django_assert_max_num_queries
):
    for year in range(2010, 2030):
        scheme = SchemeFactory(year=year, status=Scheme.Status.PUBLISHED)
        PublishedSnapshot.objects.create(scheme=scheme, version=1, data={}, published_by=bureau)
    client = client_as("bureau")
    with django_assert_max_num_queries(8):
        assert client.get(reverse("evaluation:scheme_list")).status_code == 200


# --- Labels -------------------------------------------------------------------------------------


def test_appeal_form_lists_indicators_by_code_and_name_in_tree_order(
    scheme, longshi, supervisor, bureau, client_as
):
    scored(scheme, longshi, supervisor)
    results_compute_now(scheme=scheme)
    scheme_close_and_publish(user=bureau, scheme=scheme)
    response = client_as("principal").get(reverse("evaluation:evaluatee_detail", args=[longshi.pk]))
    form = response.context["appeal_form"]
    labels = [label for value, label in form.fields["indicator"].choices if value]
    assert labels == ["A1.1 组织建设", "A1.2 党风廉政", "A2.1 质量监测"]
    assert "A1.1 组织建设</option>" in response.content.decode()


def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_breakdown_derivations_follow_the_reader_language(scheme, longshi, supervisor, bureau, client_as):
    area = Indicator.objects.get(scheme=scheme, code="A2")
    Indicator.objects.create(
        scheme=scheme,
        parent=area,
        code="A2.2",
        name="编制配置",
        max_points=Decimal("5"),
        kind=Indicator.Kind.COMPUTED,
        computation=Indicator.Computation.QUOTA_FILLED,
    )
    scored(scheme, longshi, supervisor)
    results_compute_now(scheme=scheme)
    scheme_close_and_publish(user=bureau, scheme=scheme)
    url = reverse("evaluation:evaluatee_detail", args=[longshi.pk])
    chinese = client_as("bureau").get(url).content.decode()
    english = _english(client_as("bureau")).get(url).content.decode()
    assert "established posts filled" in english and "核定编制" not in english
    assert "核定编制" in chinese and "established posts filled" not in chinese


def test_confirmed_cells_say_so_in_the_reader_language(scheme, longshi, make_evaluators, bureau, client_as):
    from evaluation.services import cell_confirm

    first, second = make_evaluators(2)
    indicator = leaf(scheme, "A1.1")
    score_save(user=first, indicator=indicator, evaluatee=longshi, points="9", version=0)
    score_save(user=second, indicator=indicator, evaluatee=longshi, points="5", version=0)
    cell_confirm(user=bureau, indicator=indicator, evaluatee=longshi, reason="现场核实", points="8")
    results_compute_now(scheme=scheme)
    url = reverse("evaluation:evaluatee_detail", args=[longshi.pk])
    english = _english(client_as("bureau")).get(url).content.decode()
    assert "Confirmed by the lead evaluator: 现场核实" in english
    assert "经牵头评估员确认：现场核实" in client_as("bureau").get(url).content.decode()


def test_derivations_stored_as_text_by_earlier_runs_are_shown_as_written():
    from evaluation.compute import derivation_text

    assert derivation_text("按旧方式保存的说明") == "按旧方式保存的说明"
    assert derivation_text("[not json") == "[not json"
    assert derivation_text("") == ""


# --- Markup of the grid and the breakdown -------------------------------------------------------


def test_grid_shows_values_whole_with_sticky_names_and_a_focusable_region(scheme, longshi, client_as):
    client = client_as("supervisor")
    client.post(
        reverse("evaluation:score_save", args=[scheme.pk]),
        {"indicator": leaf(scheme, "A1.1").pk, "evaluatee": longshi.pk, "points": "3.5", "version": 0},
    )
    page = client.get(reverse("evaluation:score_grid", args=[scheme.pk])).content.decode()
    assert 'value="3.50"' in page and 'size="6"' in page
    assert 'class="grid-sticky-col grid-name"' in page and 'class="grid-sticky-col grid-corner"' in page
    assert 'class="score-grid-wrap" tabindex="0" role="region"' in page
    assert "css/evaluation.css" in page
    # The saved mark and the field's message have their own places beside and under the input.
    assert '<span class="grid-mark" aria-hidden="true"></span>' in page
    assert 'aria-describedby="grid-e0-0"' in page and 'id="grid-e0-0"' in page


def test_breakdown_scroll_region_is_keyboard_focusable(scheme, longshi, supervisor, bureau, client_as):
    scored(scheme, longshi, supervisor)
    results_compute_now(scheme=scheme)
    page = client_as("bureau").get(reverse("evaluation:evaluatee_detail", args=[longshi.pk])).content.decode()
    assert 'class="table-responsive breakdown-wrap" tabindex="0" role="region" aria-label=' in page
    assert "breakdown-number" in page and "css/evaluation.css" in page
