"""Writes of the assessment app: scores, scheme status, reconciliation, runs, publication,
appeals. Keyword-only, atomic, validated before saving; permission checks included."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campuses.models import Campus, School
from kernel import jobs
from kernel.events import EventKind, announce
from kernel.workflow import Step, Workflow
from staff.models import StaffMember

# The import of scores from a sheet is written in evaluation.imports; `scores_import` below is
# its service (the import, then the results go stale).
from . import access, imports
from .imports import (  # noqa: F401
    REQUIRED_IMPORT_COLUMNS,
    ScoreImportOutcome,
    score_import_template,
)
from .models import (
    Appeal,
    CellReview,
    ComputationRun,
    Evaluatee,
    Evidence,
    Indicator,
    PublishedSnapshot,
    Result,
    Scheme,
    Score,
    TargetKind,
)
from .provisional import provisional_cells_changed, provisional_discard
from .selectors import flagged_cells
from .tasks import provisional_rebuild_task


class StaleScoreError(Exception):
    """Another save reached this cell first: the caller's version is out of date."""

    def __init__(self, current: Score):
        super().__init__(
            _("Someone saved this cell after you opened it: check the newer value and save again.")
        )
        self.current = current


def scheme_mark_stale(*, scheme: Scheme | int) -> None:
    """The scheme's current results no longer match its scores, indicators or evaluatees: the
    next publication needs a new computation. The one place the flag is raised; a computation
    run (evaluation.compute) lowers it when it switches the scheme to its results."""
    Scheme.objects.filter(pk=getattr(scheme, "pk", scheme)).update(results_stale=True)


def provisional_rebuild_request(*, scheme: Scheme | int) -> jobs.JobTicket:
    """Queue a rebuild of the scheme's provisional results for when this transaction commits
    (a job: seconds at province size, never inside a save; evaluation.provisional)."""
    return jobs.enqueue_on_commit(provisional_rebuild_task, getattr(scheme, "pk", scheme))


def provisional_follow(*, scheme: Scheme, cells) -> None:
    """After a write of scores: the provisional results follow in this transaction, or, where
    the scheme has none (a change of its structure discarded them), a rebuild is queued and the
    pages say they are being rebuilt."""
    if not provisional_cells_changed(scheme=scheme, cells=cells):
        provisional_rebuild_request(scheme=scheme)


def provisional_reset(*, scheme: Scheme) -> None:
    """The scheme's structure changed: its provisional rows go, and a job builds them again
    once the change commits."""
    provisional_discard(scheme=scheme)
    provisional_rebuild_request(scheme=scheme)


def parse_points(value) -> Decimal:
    """Points as typed: a number with at most two decimals (a clear message otherwise)."""
    try:
        points = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, AttributeError):
        raise ValidationError({"points": _("Enter the points as a number, e.g. 8.5.")}) from None
    if not points.is_finite():
        raise ValidationError({"points": _("Enter the points as a number, e.g. 8.5.")})
    if points != points.quantize(Decimal("0.01")):
        raise ValidationError({"points": _("Points have at most two decimal places.")})
    return points.quantize(Decimal("0.01"))


@transaction.atomic
def score_save(
    *,
    user,
    indicator: Indicator,
    evaluatee: Evaluatee,
    points,
    version: int | None,
    comment: str | None = None,
    evidence=None,
) -> Score:
    """Save one evaluator's points for one cell.

    `version` is the version the evaluator's form showed (None or 0: a new cell). A save with an
    older version than the row's raises StaleScoreError carrying the newer row: nobody
    silently overwrites anybody. The scheme must be open; points must lie in [0, max].
    """
    if not access.can_score(user):
        raise PermissionDenied(_("Only evaluators of the supervision office enter scores."))
    scheme = indicator.scheme
    if evaluatee.scheme_id != scheme.pk:
        raise ValidationError({"evaluatee": _("This evaluatee is not assessed in this scheme.")})
    if scheme.status != Scheme.Status.OPEN:
        raise ValidationError(_("This scheme is not open for scoring."))
    if indicator.kind != Indicator.Kind.SCORED or indicator.children.exists():
        raise ValidationError({"indicator": _("This indicator is not scored by evaluators.")})
    points = parse_points(points)
    # The score row only (`of`, no ordering): the model's ordering joins the indicator and the
    # scheme, whose rows FOR UPDATE made parallel saves deadlock with each other's commits.
    score = (
        Score.objects.select_for_update(of=("self",))
        .filter(indicator=indicator, evaluatee=evaluatee, evaluator=user)
        .order_by("pk")
        .first()
    )
    first_save = score is None
    if first_save:
        if version:
            # The cell was deleted under the evaluator's feet; treat as stale.
            raise StaleScoreError(Score(indicator=indicator, evaluatee=evaluatee, evaluator=user, version=0))
        score = Score(indicator=indicator, evaluatee=evaluatee, evaluator=user, version=1)
    else:
        if version != score.version:
            raise StaleScoreError(score)
        score.version = score.version + 1
        # The same records (the filter above): clean() reads the indicator's maximum from it.
        score.indicator, score.evaluatee, score.evaluator = indicator, evaluatee, user
    score.points = points
    if comment is not None:
        score.comment = comment
    if evidence is not None:
        score.evidence = evidence
    # The fields' checks and clean() (points within [0, maximum]) without the database: the three
    # keys are records read for this save, the cell's uniqueness is the lock above (and the
    # INSERT's savepoint below), the points' check constraint is clean()'s range. Each of those
    # was a query (7 of a save's 33).
    score.full_clean(
        exclude={"indicator", "evaluatee", "evaluator"}, validate_unique=False, validate_constraints=False
    )
    if first_save:
        # No row to lock yet: two first saves of one cell both get here. On PostgreSQL the second
        # INSERT waits for the first transaction and then violates the unique constraint; in a
        # savepoint, that is the stale-version answer with the value that won, not a 500.
        try:
            with transaction.atomic():
                score.save(force_insert=True)
        except IntegrityError:
            current = Score.objects.filter(indicator=indicator, evaluatee=evaluatee, evaluator=user).first()
            raise StaleScoreError(current or score) from None
    else:
        score.save()
    # A changed score needs a new confirmation where the cell was flagged, and new results.
    CellReview.objects.filter(indicator=indicator, evaluatee=evaluatee, points__isnull=True).delete()
    scheme_mark_stale(scheme=scheme)
    # The provisional results follow, in this transaction (evaluation.provisional).
    provisional_follow(scheme=scheme, cells=[(indicator.pk, evaluatee.pk)])
    return score


@transaction.atomic
def scores_import(*, user, scheme: Scheme, dataset, overwrite_newer: bool = False) -> ScoreImportOutcome:
    """Import one evaluator's scores from a sheet (evaluation.imports.scores_sheet_import: all
    rows valid or none written); when cells changed, the scheme's results go stale."""
    outcome = imports.scores_sheet_import(
        user=user, scheme=scheme, dataset=dataset, overwrite_newer=overwrite_newer
    )
    if outcome.cells_touched:
        scheme_mark_stale(scheme=scheme)
        provisional_follow(scheme=scheme, cells=outcome.touched)
    return outcome


@transaction.atomic
def scheme_save(*, user, scheme: Scheme) -> Scheme:
    """Create or change a scheme that is not published; a changed scheme's results go stale
    (its aggregation, bands or peers may differ)."""
    if not access.can_manage(user):
        raise PermissionDenied(_("Your role cannot change assessment schemes."))
    if scheme.pk and Scheme.objects.filter(pk=scheme.pk, status=Scheme.Status.PUBLISHED).exists():
        raise ValidationError(_("A published scheme cannot be changed."))
    scheme.full_clean()
    scheme.save()
    scheme_mark_stale(scheme=scheme)
    provisional_reset(scheme=scheme)  # aggregation or bands may differ
    return scheme


# --- Scheme status --------------------------------------------------------------------------

def _scheme_manager(user, scheme: Scheme) -> bool:
    return access.can_manage(user)


_MANAGERS_ONLY = gettext_lazy("Your role cannot change assessment schemes.")
_S = Scheme.Status
#: draft → open → closed (→ open again for corrections, or back to draft while no score was
#: entered); publishing is `scheme_publish`. Each step is named after the status it reaches.
SCHEME_WORKFLOW = Workflow(
    Scheme,
    (
        Step("open", (_S.DRAFT, _S.CLOSED), _S.OPEN, _scheme_manager, _MANAGERS_ONLY, _S.OPEN.label),
        Step("closed", (_S.OPEN,), _S.CLOSED, _scheme_manager, _MANAGERS_ONLY, _S.CLOSED.label),
        Step("draft", (_S.OPEN,), _S.DRAFT, _scheme_manager, _MANAGERS_ONLY, _S.DRAFT.label),
    ),
    wrong_status=gettext_lazy("A scheme cannot go from %(status)s to %(target)s."),
    error_field=None,
)


@transaction.atomic
def scheme_transition(*, user, scheme: Scheme, to_status: str) -> Scheme:
    """Take the step of SCHEME_WORKFLOW that reaches `to_status`, with the checks each needs:
    indicators before opening, no scores before going back to draft, no unconfirmed flagged cell
    before closing."""
    if to_status not in SCHEME_WORKFLOW.steps:
        if not access.can_manage(user):
            raise PermissionDenied(_MANAGERS_ONLY)
        raise ValidationError(_("Choose the status the scheme moves to."))
    scheme = SCHEME_WORKFLOW.take(user, scheme, to_status)
    if to_status == Scheme.Status.OPEN:
        if not Indicator.objects.filter(scheme=scheme).exists():
            raise ValidationError(_("Add indicators before opening the scheme."))
        evaluatees_sync(scheme=scheme)
    if to_status == Scheme.Status.DRAFT and Score.objects.filter(indicator__scheme=scheme).exists():
        raise ValidationError(_("Scores were entered: the scheme can only be closed now."))
    if to_status == Scheme.Status.CLOSED:
        pending = len(flagged_cells(scheme, unconfirmed_only=True))
        if pending:
            raise ValidationError(
                _(
                    "%(n)s cells differ between evaluators beyond the tolerance: "
                    "the lead evaluator must confirm them first."
                )
                % {"n": pending}
            )
    SCHEME_WORKFLOW.move(scheme, to_status)
    scheme.full_clean()
    scheme.save()
    return scheme


def evaluatees_sync(*, scheme: Scheme) -> int:
    """Create the evaluatees the scheme's target kind implies that are missing (idempotent):
    every school with a peer category (all its campuses as one whole), the group's campuses,
    or the group's staff in post. Returns how many were created."""

    existing = set(Evaluatee.objects.filter(scheme=scheme).values_list("code", flat=True))
    new = []
    if scheme.target_kind == TargetKind.SCHOOLS:
        for school in School.objects.filter(peer_category__isnull=False).order_by("code"):
            if school.code not in existing:
                new.append(
                    Evaluatee(
                        scheme=scheme,
                        code=school.code,
                        name=school.name,
                        school=school,
                        peer_category_id=school.peer_category_id,
                    )
                )
    elif scheme.target_kind == TargetKind.CAMPUSES:
        for campus in Campus.objects.filter(school__group=scheme.group_id).order_by("code"):
            if campus.code not in existing:
                new.append(Evaluatee(scheme=scheme, code=campus.code, name=campus.name, campus=campus))
    else:
        members = StaffMember.objects.filter(is_active=True, home_campus__school__group=scheme.group_id)
        for member in members.order_by("pk"):
            code = member.staff_number or f"staff-{member.pk}"
            if code not in existing:
                new.append(Evaluatee(scheme=scheme, code=code, name=member.name, staff=member))
    Evaluatee.objects.bulk_create(new)
    if new:
        scheme_mark_stale(scheme=scheme)
        provisional_reset(scheme=scheme)
    return len(new)


# --- Reconciliation -------------------------------------------------------------------------


@transaction.atomic
def cell_confirm(*, user, indicator: Indicator, evaluatee: Evaluatee, reason: str, points=None) -> CellReview:
    """The lead evaluator confirms a flagged cell (its aggregate stands) or corrects it
    (`points` replaces the aggregate), always with a reason."""
    scheme = indicator.scheme
    if not access.can_review_cells(user, scheme):
        raise PermissionDenied(_("Only the lead evaluator confirms or corrects cells."))
    if scheme.status not in (Scheme.Status.OPEN, Scheme.Status.CLOSED):
        raise ValidationError(_("Cells are confirmed while the scheme is open or closed."))
    if evaluatee.scheme_id != scheme.pk:
        raise ValidationError({"evaluatee": _("This evaluatee is not assessed in this scheme.")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for confirming or correcting this cell.")})
    if points not in (None, ""):
        points = parse_points(points)
        if not (0 <= points <= indicator.max_points):
            raise ValidationError(
                {
                    "points": _("Points must be between 0 and %(max)s for %(code)s.")
                    % {"max": indicator.max_points, "code": indicator.code}
                }
            )
    else:
        points = None
    review, _created = CellReview.objects.update_or_create(
        indicator=indicator,
        evaluatee=evaluatee,
        defaults={"points": points, "reason": reason.strip(), "reviewed_by": user},
    )
    scheme_mark_stale(scheme=scheme)
    provisional_follow(scheme=scheme, cells=[(indicator.pk, evaluatee.pk)])
    return review


# --- Computation ----------------------------------------------------------------------------


def results_compute_request(*, user, scheme: Scheme) -> ComputationRun:
    """Queue a computation of the scheme's results (after the current transaction commits).

    Never fails or hangs because the job queue is down (kernel/jobs.py): the run stays
    QUEUED, its page says the queue is unavailable, and `requeue_jobs` sends it when the queue
    is back. `run.job` tells the caller which happened (a `JobTicket`)."""
    if user is not None and not access.can_manage(user):
        raise PermissionDenied(_("Your role cannot compute results."))
    if scheme.status == Scheme.Status.DRAFT:
        raise ValidationError(_("Open the scheme before computing results."))

    from .tasks import compute_results_task

    run = ComputationRun.objects.create(scheme=scheme, requested_by=user if user and user.pk else None)

    def note_waiting(ticket: jobs.JobTicket) -> None:
        # Shown on the run's page until a worker starts the run (run_compute clears it).
        run.error = ticket.message
        ComputationRun.objects.filter(pk=run.pk, status=ComputationRun.Status.QUEUED).update(error=run.error)

    run.job = jobs.enqueue_on_commit(compute_results_task, run.pk, on_unavailable=note_waiting)
    return run


def results_compute_now(*, scheme: Scheme, user=None) -> ComputationRun:
    """Compute in this process (the shell command, the tests, an accepted appeal)."""
    from .compute import run_compute

    run = ComputationRun.objects.create(scheme=scheme, requested_by=user if user and user.pk else None)
    return run_compute(run)


# --- Publication ----------------------------------------------------------------------------


def snapshot_data(run: ComputationRun) -> dict:
    """The run's results as frozen JSON: indicators, then one row per evaluatee; everything the
    published ranking shows (evaluation.selectors.snapshot_results reads it back)."""
    indicators = list(
        Indicator.objects.filter(scheme_id=run.scheme_id, children__isnull=True).values(
            "pk", "code", "name", "max_points", "weight"
        )
    )
    rows = []
    for result in (
        Result.objects.filter(run=run)
        .select_related("evaluatee__peer_category")
        .order_by("evaluatee__peer_category__name", "position")
    ):
        evaluatee = result.evaluatee
        rows.append(
            {
                "evaluatee": evaluatee.pk,
                "code": evaluatee.code,
                "name": evaluatee.name,
                "peer_category": evaluatee.peer_category.name if evaluatee.peer_category else "",
                "peer_category_id": evaluatee.peer_category_id,
                "total": str(result.total),
                "rank": result.rank,
                "position": result.position,
                "peer_size": result.peer_size,
                "percentile": str(result.percentile),
                "band": result.band,
                "cells": {
                    str(indicator_id): None if points is None else str(points)
                    for indicator_id, points in result.indicator_points.items()
                },
                # Every cell's number written out (the run's rows list only the unusual ones).
                "evaluators": {
                    str(indicator_id): result.evaluators_for(indicator_id)
                    for indicator_id in result.indicator_points
                },
                "derivations": result.cell_derivations,
            }
        )
    return {
        "run": run.pk,
        "computed_at": run.finished_at.isoformat() if run.finished_at else None,
        "indicators": [
            {
                "pk": i["pk"],
                "code": i["code"],
                "name": i["name"],
                "max_points": str(i["max_points"]),
                "weight": str(i["weight"]),
            }
            for i in indicators
        ],
        "rows": rows,
    }


@transaction.atomic
def scheme_publish(*, user, scheme: Scheme, reason: str = "") -> PublishedSnapshot:
    """Freeze the current results as the next published version.

    A closed scheme is published for the first time; a published scheme is re-published only
    as a new version, with its reason (e.g. an accepted appeal)."""
    if not access.can_manage(user):
        raise PermissionDenied(_("Your role cannot publish results."))
    scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
    if scheme.status == Scheme.Status.OPEN:
        raise ValidationError(
            _("Scoring is still open: close the scheme first, or close and publish in one step.")
        )
    if scheme.status not in (Scheme.Status.CLOSED, Scheme.Status.PUBLISHED):
        raise ValidationError(_("Close the scheme before publishing its results."))
    if scheme.current_run_id is None or scheme.results_stale:
        raise ValidationError(_("Compute the results again: scores changed since the last run."))
    last = scheme.snapshots.order_by("-version").first()
    if last is not None and not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for publishing a new version.")})
    if last is not None and last.run_id == scheme.current_run_id:
        raise ValidationError(
            _("These results are already published as version %(v)s.") % {"v": last.version}
        )
    snapshot = PublishedSnapshot.objects.create(
        scheme=scheme,
        version=(last.version + 1) if last else 1,
        run_id=scheme.current_run_id,
        data=snapshot_data(scheme.current_run),
        reason=(reason or "").strip(),
        published_by=user,
    )
    scheme.status = Scheme.Status.PUBLISHED
    scheme.published_at = scheme.published_at or timezone.now()
    scheme.save(update_fields=["status", "published_at"])
    announce(EventKind.RESULTS_PUBLISHED, snapshot, group=scheme.group_id, actor=user)
    return snapshot


@transaction.atomic
def scheme_close_and_publish(*, user, scheme: Scheme, reason: str = "") -> PublishedSnapshot:
    """Close scoring and publish the current results in one step: the two steps as on their
    own (same checks, each recorded in the scheme's history); if publishing is refused, the
    scheme stays open."""
    scheme = scheme_transition(user=user, scheme=scheme, to_status=Scheme.Status.CLOSED)
    return scheme_publish(user=user, scheme=scheme, reason=reason)


# --- Evidence and appeals -------------------------------------------------------------------


def _check_evaluatee_scope(user, evaluatee: Evaluatee) -> None:
    if not Evaluatee.objects.for_user(user).filter(pk=evaluatee.pk).exists():
        raise PermissionDenied(_("This evaluatee is outside your responsibility."))


@transaction.atomic
def evidence_upload(
    *, user, evaluatee: Evaluatee, file, indicator: Indicator | None = None, note: str = ""
) -> Evidence:
    """Self-assessment evidence, by the evaluatee's own leadership only."""
    if not access.can_submit_evidence(user):
        raise PermissionDenied(_("Only the evaluatee's leadership uploads self-assessment evidence."))
    _check_evaluatee_scope(user, evaluatee)
    if Scheme.objects.get(pk=evaluatee.scheme_id).status not in (Scheme.Status.DRAFT, Scheme.Status.OPEN):
        raise ValidationError(_("Evidence is uploaded before the scheme closes."))
    if indicator is not None and indicator.scheme_id != evaluatee.scheme_id:
        raise ValidationError({"indicator": _("This indicator is not part of the scheme.")})
    evidence = Evidence(evaluatee=evaluatee, indicator=indicator, file=file, note=note, uploaded_by=user)
    evidence.full_clean()
    evidence.save()
    return evidence


def appeal_deadline(scheme: Scheme, snapshot: PublishedSnapshot) -> datetime.datetime:
    return snapshot.published_at + datetime.timedelta(days=scheme.appeal_days)


@transaction.atomic
def appeal_file(*, user, evaluatee: Evaluatee, indicator: Indicator, reasons: str, evidence=None) -> Appeal:
    """复核: the evaluatee's leadership contests one indicator within the scheme's window."""
    if not access.can_file_appeal(user):
        raise PermissionDenied(_("Only the evaluatee's leadership files appeals."))
    _check_evaluatee_scope(user, evaluatee)
    scheme = Scheme.objects.get(pk=evaluatee.scheme_id)
    snapshot = scheme.snapshots.order_by("-version").first()
    if scheme.status != Scheme.Status.PUBLISHED or snapshot is None:
        raise ValidationError(_("Appeals are filed on published results."))
    if timezone.now() > appeal_deadline(scheme, snapshot):
        raise ValidationError(_("The appeal window of this scheme has ended."))
    if indicator.scheme_id != scheme.pk:
        raise ValidationError({"indicator": _("This indicator is not part of the scheme.")})
    if not (reasons or "").strip():
        raise ValidationError({"reasons": _("Give the reasons for the appeal.")})
    appeal = Appeal(
        snapshot=snapshot,
        evaluatee=evaluatee,
        indicator=indicator,
        reasons=reasons.strip(),
        evidence=evidence or "",
        filed_by=user,
    )
    appeal.full_clean()
    appeal.save()
    return appeal


def _appeal_decider(user, appeal: Appeal) -> bool:
    return access.can_decide_appeal(user)


#: filed → accepted (the results are recomputed and published again) or rejected, by the bureau.
APPEAL_WORKFLOW = Workflow(
    Appeal,
    (
        Step(
            "accept",
            (Appeal.Status.FILED,),
            Appeal.Status.ACCEPTED,
            _appeal_decider,
            gettext_lazy("Only the bureau decides appeals."),
        ),
        Step(
            "reject",
            (Appeal.Status.FILED,),
            Appeal.Status.REJECTED,
            _appeal_decider,
            gettext_lazy("Only the bureau decides appeals."),
        ),
    ),
    wrong_status=gettext_lazy("This appeal was already decided."),
    error_field=None,
)


@transaction.atomic
def appeal_decide(*, user, appeal: Appeal, accept: bool, reason: str, corrected_points=None) -> Appeal:
    """The bureau accepts (with the corrected points) or rejects an appeal, with a reason.
    An accepted appeal recomputes the results and publishes them as a new version."""
    appeal = APPEAL_WORKFLOW.take(user, appeal, "accept" if accept else "reject")
    if not (reason or "").strip():
        raise ValidationError({"decision_reason": _("Give the reason for the decision.")})
    appeal.decided_by = user
    appeal.decided_at = timezone.now()
    appeal.decision_reason = reason.strip()
    if accept:
        if corrected_points in (None, ""):
            raise ValidationError({"corrected_points": _("Enter the corrected points of the indicator.")})
        points = parse_points(corrected_points)
        if not (0 <= points <= appeal.indicator.max_points):
            raise ValidationError(
                {
                    "corrected_points": _("Points must be between 0 and %(max)s for %(code)s.")
                    % {"max": appeal.indicator.max_points, "code": appeal.indicator.code}
                }
            )
        CellReview.objects.update_or_create(
            indicator=appeal.indicator,
            evaluatee=appeal.evaluatee,
            defaults={
                "points": points,
                "reason": _("Appeal #%(pk)s accepted: %(reason)s")
                % {"pk": appeal.pk, "reason": reason.strip()},
                "reviewed_by": user,
            },
        )
        scheme = Scheme.objects.get(pk=appeal.evaluatee.scheme_id)
        provisional_follow(scheme=scheme, cells=[(appeal.indicator_id, appeal.evaluatee_id)])
        results_compute_now(scheme=scheme, user=user)
        APPEAL_WORKFLOW.move(appeal, "accept", corrected_points=points)
        appeal.resulting_snapshot = scheme_publish(
            user=user,
            scheme=scheme,
            reason=_("Appeal #%(pk)s accepted: %(reason)s") % {"pk": appeal.pk, "reason": reason.strip()},
        )
    else:
        APPEAL_WORKFLOW.move(appeal, "reject")
    appeal.save()
    announce(EventKind.APPEAL_DECIDED, appeal, group=appeal.snapshot.scheme.group_id, actor=user)
    return appeal


# --- Indicators ------------------------------------------------------------------------------

EDITABLE_STATUSES = (Scheme.Status.DRAFT, Scheme.Status.OPEN)


def _check_indicators_editable(user, scheme: Scheme) -> None:
    if not access.can_manage(user):
        raise PermissionDenied(_("Your role cannot change assessment schemes."))
    if scheme.status not in EDITABLE_STATUSES:
        raise ValidationError(_("Indicators can be changed only while the scheme is a draft or open."))


@transaction.atomic
def indicator_save(*, user, indicator: Indicator) -> Indicator:
    """Add or change an indicator of a draft or open scheme. Its maximum cannot fall below
    points already entered, a scored indicator with scores cannot become computed or a parent,
    and the scheme's results go stale."""
    scheme = Scheme.objects.select_for_update().get(pk=indicator.scheme_id)
    _check_indicators_editable(user, scheme)
    indicator.full_clean()
    if indicator.pk:
        scores = Score.objects.filter(indicator=indicator)
        highest = scores.order_by("-points").values_list("points", flat=True).first()
        if highest is not None and indicator.max_points < highest:
            raise ValidationError(
                {
                    "max_points": _("Scores up to %(points)s were already entered: the maximum cannot be lower.")
                    % {"points": highest}
                }
            )
        if highest is not None and indicator.kind != Indicator.Kind.SCORED:
            raise ValidationError({"kind": _("Scores were entered: this indicator stays scored by evaluators.")})
    if indicator.parent_id and Score.objects.filter(indicator_id=indicator.parent_id).exists():
        raise ValidationError({"parent": _("The first-level indicator already has scores of its own.")})
    indicator.save()
    scheme_mark_stale(scheme=scheme)
    provisional_reset(scheme=scheme)
    return indicator


@transaction.atomic
def indicator_delete(*, user, indicator: Indicator) -> None:
    """Remove an indicator (and its second-level indicators) that nobody has scored yet."""
    scheme = Scheme.objects.select_for_update().get(pk=indicator.scheme_id)
    _check_indicators_editable(user, scheme)
    if Score.objects.filter(Q(indicator=indicator) | Q(indicator__parent=indicator)).exists():
        raise ValidationError(_("Scores were entered for this indicator: it cannot be removed."))
    indicator.delete()
    scheme_mark_stale(scheme=scheme)
    provisional_reset(scheme=scheme)


class ScoreRowError(Exception):
    """Row `row` (0-based) of a many-scores write was refused: `error` is the ValidationError
    or StaleScoreError of that row; nothing of the write was saved."""

    def __init__(self, row: int, error: Exception):
        super().__init__(str(error))
        self.row = row
        self.error = error


@transaction.atomic
def scores_save_many(*, user, cells: list[dict]) -> list[Score]:
    """Save many cells at once (the API's score write): each cell as `score_save` saves one
    (`indicator`, `evaluatee`, `points`, `version`, `comment`), all of them or none. The first
    refused cell raises ScoreRowError naming its row; the transaction is then rolled back, so
    no cell of the write is kept."""
    if not access.can_score(user):
        raise PermissionDenied(_("Only evaluators of the supervision office enter scores."))
    saved = []
    for row, cell in enumerate(cells):
        try:
            saved.append(score_save(user=user, **cell))
        except (ValidationError, StaleScoreError) as exc:
            raise ScoreRowError(row, exc) from exc
    return saved
