"""Score entry, status transitions, reconciliation, publication and appeals (services)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from evaluation.models import Appeal, Indicator, PublishedSnapshot, Result, Scheme, Score
from evaluation.services import (
    StaleScoreError,
    appeal_decide,
    appeal_file,
    cell_confirm,
    evidence_upload,
    results_compute_now,
    scheme_publish,
    scheme_transition,
    score_save,
)


def leaf(scheme, code):
    return Indicator.objects.get(scheme=scheme, code=code)


def test_evaluator_saves_a_score_and_its_version_counts_saves(scheme, longshi, supervisor):
    score = score_save(
        user=supervisor, indicator=leaf(scheme, "A1.1"), evaluatee=longshi, points="8.5", version=0
    )
    assert (score.points, score.version) == (Decimal("8.5"), 1)
    score = score_save(
        user=supervisor, indicator=leaf(scheme, "A1.1"), evaluatee=longshi, points="9", version=1
    )
    assert (score.points, score.version) == (Decimal("9"), 2)
    assert score.history.count() == 2


@pytest.mark.parametrize("points", ["10.01", "-1", "abc", "1.234", "nan"])
def test_points_outside_bounds_or_not_numbers_are_refused_naming_the_field(
    scheme, longshi, supervisor, points
):
    with pytest.raises(ValidationError) as error:
        score_save(
            user=supervisor, indicator=leaf(scheme, "A1.1"), evaluatee=longshi, points=points, version=0
        )
    assert "points" in error.value.error_dict
    assert not Score.objects.exists()


def test_maximum_points_are_accepted(scheme, longshi, supervisor):
    score = score_save(
        user=supervisor, indicator=leaf(scheme, "A1.2"), evaluatee=longshi, points="20", version=0
    )
    assert score.points == 20


def test_a_closed_scheme_refuses_scores(scheme, longshi, supervisor):
    Scheme.objects.filter(pk=scheme.pk).update(status=Scheme.Status.CLOSED)
    with pytest.raises(ValidationError, match="not open"):
        score_save(user=supervisor, indicator=leaf(scheme, "A1.1"), evaluatee=longshi, points="5", version=0)


def test_a_first_level_indicator_is_not_scored(scheme, longshi, supervisor):
    with pytest.raises(ValidationError):
        score_save(user=supervisor, indicator=leaf(scheme, "A1"), evaluatee=longshi, points="5", version=0)


@pytest.mark.parametrize("persona", ["bureau", "principal", "vp_hongqi", "personnel", "outsider"])
def test_only_evaluators_enter_scores(scheme, longshi, persona, request):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        score_save(user=user, indicator=leaf(scheme, "A1.1"), evaluatee=longshi, points="5", version=0)


def test_a_stale_version_is_refused_with_the_newer_value(scheme, longshi, supervisor):
    indicator = leaf(scheme, "A1.1")
    score_save(user=supervisor, indicator=indicator, evaluatee=longshi, points="6", version=0)
    # A second tab (or a second browser) still shows version 0, then 1 after the first save.
    score_save(user=supervisor, indicator=indicator, evaluatee=longshi, points="7", version=1)
    with pytest.raises(StaleScoreError) as error:
        score_save(user=supervisor, indicator=indicator, evaluatee=longshi, points="3", version=1)
    assert (error.value.current.points, error.value.current.version) == (Decimal("7"), 2)
    assert Score.objects.get().points == Decimal("7")


def test_a_new_cell_saved_twice_from_blank_forms_is_refused_the_second_time(scheme, longshi, supervisor):
    indicator = leaf(scheme, "A1.1")
    score_save(user=supervisor, indicator=indicator, evaluatee=longshi, points="6", version=0)
    with pytest.raises(StaleScoreError):
        score_save(user=supervisor, indicator=indicator, evaluatee=longshi, points="2", version=0)


def test_score_changes_mark_results_stale(scheme, longshi, supervisor):
    score_save(user=supervisor, indicator=leaf(scheme, "A1.1"), evaluatee=longshi, points="6", version=0)
    results_compute_now(scheme=scheme)
    scheme.refresh_from_db()
    assert not scheme.results_stale
    score_save(user=supervisor, indicator=leaf(scheme, "A1.1"), evaluatee=longshi, points="7", version=1)
    scheme.refresh_from_db()
    assert scheme.results_stale


def _disagree(scheme, longshi, make_evaluators):
    first, second = make_evaluators(2)
    indicator = leaf(scheme, "A1.1")  # max 10, tolerance 30 %: 3 points
    score_save(user=first, indicator=indicator, evaluatee=longshi, points="9", version=0)
    score_save(user=second, indicator=indicator, evaluatee=longshi, points="5", version=0)
    return indicator


def test_disagreement_beyond_tolerance_blocks_closing_until_the_lead_confirms(
    scheme, longshi, make_evaluators, bureau, vp_hongqi
):
    indicator = _disagree(scheme, longshi, make_evaluators)
    with pytest.raises(ValidationError, match="1 cells"):
        scheme_transition(user=bureau, scheme=scheme, to_status=Scheme.Status.CLOSED)
    with pytest.raises(PermissionDenied):
        cell_confirm(user=vp_hongqi, indicator=indicator, evaluatee=longshi, reason="x")
    with pytest.raises(ValidationError) as error:
        cell_confirm(user=bureau, indicator=indicator, evaluatee=longshi, reason=" ")
    assert "reason" in error.value.error_dict
    review = cell_confirm(user=bureau, indicator=indicator, evaluatee=longshi, reason="现场核实", points="8")
    assert review.points == 8 and review.history.count() == 1
    assert scheme_transition(user=bureau, scheme=scheme, to_status=Scheme.Status.CLOSED).status == "closed"
    run = results_compute_now(scheme=scheme)
    result = run.results.get(evaluatee=longshi)
    assert result.indicator_points[indicator.pk] == 8 and "现场核实" in result.derivation_for(indicator.pk)


def test_disagreement_within_tolerance_is_not_flagged(scheme, longshi, make_evaluators, bureau):
    first, second = make_evaluators(2)
    score_save(user=first, indicator=leaf(scheme, "A1.1"), evaluatee=longshi, points="9", version=0)
    score_save(user=second, indicator=leaf(scheme, "A1.1"), evaluatee=longshi, points="6", version=0)
    assert scheme_transition(user=bureau, scheme=scheme, to_status=Scheme.Status.CLOSED).status == "closed"


def test_a_lead_evaluator_named_on_the_scheme_confirms_and_other_evaluators_do_not(
    scheme, longshi, make_evaluators, supervisor
):
    indicator = _disagree(scheme, longshi, make_evaluators)
    Scheme.objects.filter(pk=scheme.pk).update(lead_evaluator=supervisor)
    indicator = Indicator.objects.select_related("scheme").get(pk=indicator.pk)
    other_evaluator = Score.objects.first().evaluator
    with pytest.raises(PermissionDenied):
        cell_confirm(user=other_evaluator, indicator=indicator, evaluatee=longshi, reason="x")
    assert (
        cell_confirm(user=supervisor, indicator=indicator, evaluatee=longshi, reason="ok").reviewed_by
        == supervisor
    )


def test_illegal_transitions_are_refused(scheme, bureau, vp_hongqi):
    with pytest.raises(ValidationError):
        scheme_transition(user=bureau, scheme=scheme, to_status=Scheme.Status.PUBLISHED)
    with pytest.raises(PermissionDenied):
        scheme_transition(user=vp_hongqi, scheme=scheme, to_status=Scheme.Status.CLOSED)


def _publish(scheme, longshi, supervisor, bureau, points="8"):
    score_save(user=supervisor, indicator=leaf(scheme, "A1.1"), evaluatee=longshi, points=points, version=0)
    scheme_transition(user=bureau, scheme=scheme, to_status=Scheme.Status.CLOSED)
    results_compute_now(scheme=scheme)
    return scheme_publish(user=bureau, scheme=scheme)


def test_publishing_needs_fresh_results(scheme, longshi, supervisor, bureau):
    score_save(user=supervisor, indicator=leaf(scheme, "A1.1"), evaluatee=longshi, points="8", version=0)
    scheme_transition(user=bureau, scheme=scheme, to_status=Scheme.Status.CLOSED)
    with pytest.raises(ValidationError, match="Compute"):
        scheme_publish(user=bureau, scheme=scheme)


def test_published_snapshot_is_unchanged_by_later_edits_and_runs(
    scheme, longshi, supervisor, bureau, client_as
):
    snapshot = _publish(scheme, longshi, supervisor, bureau)
    frozen = PublishedSnapshot.objects.get(pk=snapshot.pk).data
    assert frozen["rows"][0]["total"] == "8.0000"
    published_run = snapshot.run_id
    # The bureau corrects a cell afterwards and recomputes: a new run, a new current result.
    from evaluation.models import CellReview

    CellReview.objects.create(
        indicator=leaf(scheme, "A1.1"), evaluatee=longshi, points=2, reason="x", reviewed_by=bureau
    )
    results_compute_now(scheme=scheme)
    snapshot.refresh_from_db()
    assert snapshot.data == frozen and snapshot.run_id == published_run
    assert Result.objects.get(run_id=published_run, evaluatee=longshi).total == 8
    # Re-publishing makes a new recorded version, with its reason.
    with pytest.raises(ValidationError):
        scheme_publish(user=bureau, scheme=scheme)
    second = scheme_publish(user=bureau, scheme=scheme, reason="更正")
    assert second.version == 2 and second.data["rows"][0]["total"] == "2.0000"
    assert PublishedSnapshot.objects.get(pk=snapshot.pk).data == frozen


def test_appeal_accepted_leads_to_a_new_version(scheme, longshi, supervisor, bureau, principal, vp_hongqi):
    snapshot = _publish(scheme, longshi, supervisor, bureau, points="5")
    appeal = appeal_file(
        user=vp_hongqi,
        evaluatee=longshi,
        indicator=leaf(scheme, "A1.1"),
        reasons="材料遗漏",
        evidence=SimpleUploadedFile("proof.pdf", b"%PDF-1.4"),
    )
    with pytest.raises(PermissionDenied):
        appeal_decide(user=principal, appeal=appeal, accept=True, reason="x", corrected_points="9")
    with pytest.raises(ValidationError):
        appeal_decide(user=bureau, appeal=appeal, accept=True, reason="补充材料属实", corrected_points="11")
    appeal = appeal_decide(
        user=bureau, appeal=appeal, accept=True, reason="补充材料属实", corrected_points="9"
    )
    assert appeal.status == Appeal.Status.ACCEPTED
    assert appeal.resulting_snapshot.version == 2
    assert appeal.resulting_snapshot.data["rows"][0]["total"] == "9.0000"
    assert PublishedSnapshot.objects.get(pk=snapshot.pk).data["rows"][0]["total"] == "5.0000"


def test_appeal_rejected_changes_nothing(scheme, longshi, supervisor, bureau, principal):
    _publish(scheme, longshi, supervisor, bureau)
    appeal = appeal_file(user=principal, evaluatee=longshi, indicator=leaf(scheme, "A1.1"), reasons="理由")
    appeal = appeal_decide(user=bureau, appeal=appeal, accept=False, reason="依据不足")
    assert appeal.status == Appeal.Status.REJECTED
    assert PublishedSnapshot.objects.filter(scheme=scheme).count() == 1


def test_appeals_close_with_the_window_and_need_publication(scheme, longshi, supervisor, bureau, vp_hongqi):
    with pytest.raises(ValidationError, match="published"):
        appeal_file(user=vp_hongqi, evaluatee=longshi, indicator=leaf(scheme, "A1.1"), reasons="x")
    snapshot = _publish(scheme, longshi, supervisor, bureau)
    PublishedSnapshot.objects.filter(pk=snapshot.pk).update(
        published_at=timezone.now() - datetime.timedelta(days=scheme.appeal_days + 1)
    )
    with pytest.raises(ValidationError, match="window"):
        appeal_file(user=vp_hongqi, evaluatee=longshi, indicator=leaf(scheme, "A1.1"), reasons="x")


def test_evidence_is_uploaded_for_the_own_campus_only(scheme, longshi, vp_hongqi, supervisor):
    from tests.evaluation.factories import EvaluateeFactory

    other = EvaluateeFactory(scheme=scheme)
    upload = SimpleUploadedFile("self.pdf", b"%PDF-1.4")
    evidence = evidence_upload(user=vp_hongqi, evaluatee=longshi, file=upload, note="自评")
    assert evidence.evaluatee == longshi
    with pytest.raises(PermissionDenied):
        evidence_upload(user=vp_hongqi, evaluatee=other, file=SimpleUploadedFile("x.pdf", b"x"))
    with pytest.raises(PermissionDenied):
        evidence_upload(user=supervisor, evaluatee=longshi, file=SimpleUploadedFile("x.pdf", b"x"))


def test_scheme_steps_come_from_one_table(scheme, bureau):
    """SCHEME_WORKFLOW is the scheme page's buttons and the service's rule: an open scheme offers
    closing and going back to draft; a step from the wrong status names both statuses."""
    from evaluation.services import SCHEME_WORKFLOW

    assert [step.name for step in SCHEME_WORKFLOW.available(bureau, scheme)] == ["closed", "draft"]
    refused = "考核方案不能从“评分中”变为“评分中”"
    with translation.override("zh-hans"), pytest.raises(ValidationError, match=refused):
        scheme_transition(user=bureau, scheme=scheme, to_status=Scheme.Status.OPEN)
    with pytest.raises(ValidationError):
        scheme_transition(user=bureau, scheme=scheme, to_status="<script>")
    scheme = scheme_transition(user=bureau, scheme=scheme, to_status=Scheme.Status.CLOSED)
    assert [step.name for step in SCHEME_WORKFLOW.available(bureau, scheme)] == ["open"]
