"""Views of the assessment app: thin, scoped, each calling one service or selector.

Unpublished scores and results are read by the bureau and the supervision office only
(`access.can_read_unpublished`); everyone else sees published versions, and evaluatee pages
only within their scope (404 outside it).
"""

from __future__ import annotations

import html

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from kernel.exports import safe_cell
from kernel.generic import (
    PortalCreateView,
    PortalDetailView,
    PortalListView,
    PortalUpdateView,
    RoleRequiredMixin,
)
from kernel.tables import number_formatter
from kernel.uploads import file_response
from kernel.workflow import form_error, step_view

from . import access, selectors, services
from .filters import ResultFilterSet, SchemeFilterSet
from .forms import (
    AppealDecisionForm,
    AppealForm,
    CellConfirmForm,
    EvidenceForm,
    IndicatorForm,
    PublishForm,
    SchemeForm,
    ScoreImportForm,
)
from .imports import score_template_xlsx
from .models import Appeal, ComputationRun, Evaluatee, Evidence, Indicator, Result, Scheme, Score
from .provisional import provisional_built
from .tables import (
    STATUS_BADGES,
    IndicatorColumn,
    ProvisionalResultTable,
    ResultTable,
    SchemeTable,
    band_badge,
)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("Your role cannot do this."))


def _error_text(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


# --- Schemes --------------------------------------------------------------------------------


class SchemeListView(RoleRequiredMixin, PortalListView):
    model = Scheme
    allowed_roles = access.VIEWER_ROLES
    table_class = SchemeTable
    filterset_class = SchemeFilterSet
    title = gettext_lazy("Assessment schemes")
    export_name = "assessment-schemes"
    create_url_name = "evaluation:scheme_create"
    create_roles = access.MANAGER_ROLES
    template_name = "evaluation/scheme_list.html"

    def get_queryset(self):
        return selectors.scheme_list()

    def get_table_kwargs(self):
        return {"can_read_unpublished": access.can_read_unpublished(self.request.user)}

    def get_context_data(self, **kwargs):
        # The bureau's first question: where is this year's ranking?
        return super().get_context_data(**kwargs, ranking=selectors.latest_published_ranking())


class SchemeFormMixin:
    """What creating and editing a scheme share: the form, the roles, the service that saves."""

    model = Scheme
    form_class = SchemeForm
    allowed_roles = access.MANAGER_ROLES

    def save_object(self, form):
        return services.scheme_save(user=self.request.user, scheme=form.save(commit=False))


class SchemeCreateView(SchemeFormMixin, PortalCreateView):
    title = gettext_lazy("New assessment scheme")


class SchemeUpdateView(SchemeFormMixin, PortalUpdateView):
    title = gettext_lazy("Edit assessment scheme")

    def get_queryset(self):
        return super().get_queryset().exclude(status=Scheme.Status.PUBLISHED)


class SchemeDetailView(RoleRequiredMixin, PortalDetailView):
    model = Scheme
    allowed_roles = access.VIEWER_ROLES
    related = ("group", "current_run", "lead_evaluator")
    template_name = "evaluation/scheme_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, scheme = self.request.user, self.object
        manager = access.can_manage(user)
        state = selectors.scheme_state(scheme)
        context.update(
            status_badge=STATUS_BADGES.get(scheme.status, ""),
            state=state,
            tree=selectors.indicator_tree(scheme),
            can_manage=manager,
            can_score=access.can_score(user) and scheme.status == Scheme.Status.OPEN,
            can_read_unpublished=access.can_read_unpublished(user),
            can_review=access.can_review_cells(user, scheme),
            snapshot=state.snapshot,
            my_evaluatees=list(
                selectors.scope_filter_evaluatees(user, scheme).select_related("peer_category")[:50]
            )
            if not access.can_read_unpublished(user)
            else [],
            appeals=list(selectors.appeals_for(user, scheme)[:50]),
            publish_form=PublishForm(),
            decision_form=AppealDecisionForm(),
            can_decide_appeal=access.can_decide_appeal(user),
            can_edit_indicators=manager and scheme.status in services.EDITABLE_STATUSES,
        )
        if manager:
            context.update(
                evaluatee_count=scheme.evaluatees.count(),
                flagged=len(selectors.flagged_cells(scheme, unconfirmed_only=True)),
                snapshots=list(scheme.snapshots.select_related("published_by")[:20]),
                transitions=[
                    (step.name, step.label) for step in services.SCHEME_WORKFLOW.available(user, scheme)
                ],
            )
        return context


@require_POST
def scheme_transition(request, pk):
    scheme = get_object_or_404(Scheme, pk=pk)
    _require(access.can_manage(request.user))
    try:
        services.scheme_transition(user=request.user, scheme=scheme, to_status=request.POST.get("to", ""))
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("The scheme's status changed."))
    return redirect("evaluation:scheme_detail", pk=scheme.pk)


@require_POST
def scheme_compute(request, pk):
    scheme = get_object_or_404(Scheme, pk=pk)
    _require(access.can_manage(request.user))
    try:
        run = services.results_compute_request(user=request.user, scheme=scheme)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect("evaluation:scheme_detail", pk=scheme.pk)
    job = getattr(run, "job", None)
    if job is not None and job.unavailable:
        messages.warning(request, job.message)
    return redirect("evaluation:run_detail", pk=run.pk)


@require_POST
def scheme_publish(request, pk):
    """Publish the current results; with `close=1`, close scoring first in the same step."""
    scheme = get_object_or_404(Scheme, pk=pk)
    _require(access.can_manage(request.user))
    form = PublishForm(request.POST)
    form.is_valid()
    close = request.POST.get("close") == "1"
    publish = services.scheme_close_and_publish if close else services.scheme_publish
    try:
        snapshot = publish(user=request.user, scheme=scheme, reason=form.cleaned_data.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("Results published as version %(v)s.") % {"v": snapshot.version})
    return redirect("evaluation:scheme_detail", pk=scheme.pk)


# --- Computation runs -----------------------------------------------------------------------


def _run_for_manager(request, pk) -> ComputationRun:
    _require(access.can_manage(request.user))
    return get_object_or_404(ComputationRun.objects.select_related("scheme"), pk=pk)


def _run_json(run: ComputationRun) -> dict:
    return {
        "status": run.status,
        "status_label": run.get_status_display(),
        "progress": run.progress,
        "finished": run.status in (ComputationRun.Status.SUCCEEDED, ComputationRun.Status.FAILED),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "error": run.error,
    }


def run_detail(request, pk):
    run = _run_for_manager(request, pk)
    return render(
        request,
        "evaluation/computationrun_detail.html",
        {
            "run": run,
            "scheme": run.scheme,
            "run_data": {"url": reverse("evaluation:run_status", args=[run.pk]), **_run_json(run)},
        },
    )


@require_GET
def run_status(request, pk):
    return JsonResponse(_run_json(_run_for_manager(request, pk)))


# --- Score entry ----------------------------------------------------------------------------


def score_grid(request, pk):
    """Evaluatees × scored indicators for the signed-in evaluator, a page of evaluatees at a
    time; each cell saves on its own (static/js/evaluation_grid.js)."""
    _require(access.can_score(request.user))
    scheme = get_object_or_404(Scheme, pk=pk)
    indicators = list(selectors.leaf_indicators(scheme, scored_only=True))
    evaluatees = Evaluatee.objects.for_user(request.user).filter(scheme=scheme).order_by("code")
    query = request.GET.get("q", "").strip()
    if query:
        evaluatees = evaluatees.filter(Q(name__icontains=query) | Q(code__icontains=query))
    page = Paginator(evaluatees, 25).get_page(request.GET.get("page"))
    scores = selectors.own_scores(user=request.user, scheme=scheme, evaluatee_ids=[e.pk for e in page])
    editable = scheme.status == Scheme.Status.OPEN
    provisional = selectors.provisional_by_evaluatee(e.pk for e in page)
    # An open scheme without provisional rows: a change of its structure discarded them and a
    # job builds them again (evaluation.provisional); the column stays and says so.
    rebuilding = editable and not provisional and not provisional_built(scheme)
    rows = [
        {
            "evaluatee": evaluatee,
            "cells": _grid_cells(row, evaluatee, indicators, scores, editable),
            "provisional": provisional.get(evaluatee.pk),
        }
        for row, evaluatee in enumerate(page)
    ]
    return render(
        request,
        "evaluation/score_grid.html",
        {
            "scheme": scheme,
            "indicators": indicators,
            "rows": rows,
            "page_obj": page,
            "query": query,
            "editable": editable,
            "provisional": bool(provisional) or rebuilding,
            "provisional_rebuilding": rebuilding,
            "grid_data": {"saveUrl": reverse("evaluation:score_save", args=[scheme.pk])},
        },
    )


#: One cell of the score grid (static/js/evaluation_grid.js reads its data attributes): the
#: input wide enough for "100.00", the saved mark beside it (not over it), the field's message
#: under it (tied to the input by aria-describedby). Filled by `str.format` with values escaped
#: beforehand (see _grid_cells).
_GRID_CELL = (
    '<td class="grid-td"><div class="grid-cell-box">'
    '<input type="text" inputmode="decimal" class="form-control form-control-sm grid-cell" size="6" '
    'autocomplete="off" aria-label="{name} {code}" aria-describedby="grid-e{row}-{col}" data-row="{row}" '
    'data-col="{col}" data-indicator="{indicator}" data-evaluatee="{evaluatee}" data-max="{max}" '
    'data-version="{version}" data-comment="{comment}" value="{points}"{disabled}>'
    '<span class="grid-mark" aria-hidden="true"></span>'
    '<button type="button" class="btn btn-sm btn-outline-secondary grid-more" tabindex="-1" '
    'aria-label="{more}"{disabled}>…</button>'
    '</div><div class="grid-error" id="grid-e{row}-{col}"></div></td>'
)


def _grid_cells(row: int, evaluatee, indicators, scores, editable: bool) -> str:
    """A grid row's cells, written here rather than by the template: 750 inputs of eight
    attributes each took the template engine most of the page's time, and format_html's
    escaping of every argument (integers included) most of what remained. Text that people
    write (names, codes, comments) is escaped; ids, versions and numbers printed by
    `number_formatter` (digits, sign, separator) cannot hold markup."""
    number = number_formatter()
    disabled = "" if editable else " disabled"
    more = html.escape(_("Comment and evidence"))
    name = html.escape(evaluatee.name)
    cells = []
    for col, indicator in enumerate(indicators):
        score = scores.get((evaluatee.pk, indicator.pk))
        cells.append(
            _GRID_CELL.format(
                name=name,
                code=html.escape(indicator.code),
                row=row,
                col=col,
                indicator=int(indicator.pk),
                evaluatee=int(evaluatee.pk),
                max=html.escape(number(indicator.max_points)),
                version=int(score.version) if score else 0,
                comment=html.escape(score.comment) if score and score.comment else "",
                points=html.escape(number(score.points)) if score and score.points is not None else "",
                disabled=disabled,
                more=more,
            )
        )
    return mark_safe("".join(cells))


@require_POST
def score_save(request, pk):
    """Save one cell. JSON answer: 200 with the new version; 409 with the newer value when
    someone saved first; 400 with the field and message when the input is refused."""
    _require(access.can_score(request.user))
    scheme = get_object_or_404(Scheme, pk=pk)
    indicator = Indicator.objects.filter(scheme=scheme, pk=request.POST.get("indicator") or 0).first()
    if indicator is not None:
        indicator.scheme = scheme  # read just above: not again by the save
    evaluatee = (
        Evaluatee.objects.for_user(request.user)
        .filter(scheme=scheme, pk=request.POST.get("evaluatee") or 0)
        .first()
    )
    if indicator is None or evaluatee is None:
        raise Http404
    try:
        version = int(request.POST.get("version") or 0)
    except ValueError:
        return JsonResponse(
            {"ok": False, "field": "version", "error": _("The form is out of date: reload the page.")},
            status=400,
        )
    comment = request.POST.get("comment")
    try:
        score = services.score_save(
            user=request.user,
            indicator=indicator,
            evaluatee=evaluatee,
            points=request.POST.get("points", ""),
            version=version,
            comment=comment,
            evidence=request.FILES.get("evidence"),
        )
    except services.StaleScoreError as exc:
        current = exc.current
        return JsonResponse(
            {
                "ok": False,
                "error": str(exc),
                "current": {
                    "points": str(current.points) if current.points is not None else "",
                    "version": current.version,
                    "comment": current.comment,
                },
            },
            status=409,
        )
    except ValidationError as exc:
        field = next(iter(exc.error_dict), None) if hasattr(exc, "error_dict") else None
        return JsonResponse({"ok": False, "field": field, "error": _error_text(exc)}, status=400)
    return JsonResponse(
        {
            "ok": True,
            "points": str(score.points),
            "version": score.version,
            "comment": score.comment,
            "evidence": reverse("evaluation:score_evidence", args=[score.pk]) if score.evidence else "",
            "provisional": _provisional_json(evaluatee.pk),
        }
    )


def _provisional_json(evaluatee_id: int) -> dict | None:
    """The evaluatee's provisional total, rank and band after a save, as the grid shows them."""
    total = selectors.provisional_by_evaluatee([evaluatee_id]).get(evaluatee_id)
    if total is None:
        return None
    number = number_formatter()
    return {
        "total": number(total.total),
        "rank": _("%(rank)s of %(n)s") % {"rank": total.rank, "n": total.peer_size},
        "band": total.get_band_display(),
    }


# --- Reconciliation -------------------------------------------------------------------------


def reconcile(request, pk):
    scheme = get_object_or_404(Scheme, pk=pk)
    _require(access.can_review_cells(request.user, scheme))
    cells = selectors.flagged_cells_detail(scheme)
    for cell in cells:
        cell["form"] = CellConfirmForm(
            initial={"indicator": cell["indicator_id"], "evaluatee": cell["evaluatee_id"]},
            prefix=f"c{cell['indicator_id']}-{cell['evaluatee_id']}",
        )
    return render(request, "evaluation/scheme_reconcile.html", {"scheme": scheme, "cells": cells})


@require_POST
def cell_confirm(request, pk):
    scheme = get_object_or_404(Scheme, pk=pk)
    _require(access.can_review_cells(request.user, scheme))
    prefix = request.POST.get("prefix", "")
    form = CellConfirmForm(request.POST, prefix=prefix or None)
    if not form.is_valid():
        messages.error(request, _("Give the reason for confirming or correcting this cell."))
        return redirect("evaluation:reconcile", pk=scheme.pk)
    indicator = get_object_or_404(Indicator, scheme=scheme, pk=form.cleaned_data["indicator"])
    evaluatee = get_object_or_404(Evaluatee, scheme=scheme, pk=form.cleaned_data["evaluatee"])
    try:
        services.cell_confirm(
            user=request.user,
            indicator=indicator,
            evaluatee=evaluatee,
            reason=form.cleaned_data["reason"],
            points=form.cleaned_data["points"],
        )
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(
            request,
            _("Cell %(code)s of %(name)s confirmed.") % {"code": indicator.code, "name": evaluatee.name},
        )
    return redirect("evaluation:reconcile", pk=scheme.pk)


# --- Results --------------------------------------------------------------------------------


class ResultListView(RoleRequiredMixin, PortalListView):
    """The ranking by peer category. Unpublished results: the bureau and the supervision office
    only (403 for everyone else, export included); published ones: every portal role."""

    model = Result
    allowed_roles = access.VIEWER_ROLES
    table_class = ResultTable
    filterset_class = ResultFilterSet
    template_name = "evaluation/result_list.html"
    frozen = None

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.scheme = get_object_or_404(Scheme.objects.select_related("current_run"), pk=kwargs["pk"])
            self.state = selectors.scheme_state(self.scheme)
            # The current results, when they are the published ones, are shown as published.
            self.published = (
                request.GET.get("published") == "1"
                or not access.can_read_unpublished(request.user)
                or self.state.code == "published"
            )
            self.run = selectors.results_readable_run(request.user, self.scheme, published=self.published)
            # A published version is shown as it was frozen: nothing computed or renamed since
            # changes it.
            self.frozen = self.state.snapshot if self.published and self.run is not None else None
            # Provisional results (暂定, evaluation.provisional) in place of computed ones that are
            # out of date or missing, unless the reader asks for the last computed ones.
            unofficial = not self.published and self.state.code in (
                "stale",
                "not_computed",
                "running",
                "failed",
            )
            # Before any score there is nothing provisional to show (their rows, all zero, may
            # exist: the job builds them after a change of the scheme's structure).
            scored = unofficial and (
                self.state.code != "not_computed"
                or Score.objects.filter(indicator__scheme=self.scheme).exists()
            )
            built = scored and provisional_built(self.scheme)
            self.provisional_available = built
            # None yet for an open scheme: a job is building them again (a change of its
            # structure discarded them); the page says so.
            self.provisional_rebuilding = scored and not built and self.scheme.status == Scheme.Status.OPEN
            self.provisional = self.provisional_available and request.GET.get("provisional") != "0"
            if self.provisional:
                self.table_class = ProvisionalResultTable
        return super().dispatch(request, *args, **kwargs)

    @property
    def title(self):
        return _("Results: %(scheme)s") % {"scheme": self.scheme}

    @property
    def export_name(self):
        return f"results-{self.scheme.pk}"

    def get_queryset(self):
        if self.provisional:
            return selectors.provisional_results(self.scheme)
        if self.run is None or self.frozen is not None:
            return Result.objects.none()
        # Published rankings are public to every portal role; unpublished ones never reach
        # this line for the others (results_readable_run gives them the published run only).
        return selectors.results_of_run(self.run)

    def frozen_rows(self) -> list[selectors.FrozenResult]:
        """The published version's rows, narrowed by the same filter form as the live ones."""
        filters = self.filterset.form.cleaned_data if self.filterset.form.is_valid() else {}
        return selectors.snapshot_results(
            self.frozen,
            q=filters.get("q") or "",
            peer_category=filters.get("peer_category"),
            band=filters.get("band") or "",
        )

    def get_table_data(self):
        if self.frozen is not None:
            if not hasattr(self, "_frozen_rows"):
                self._frozen_rows = self.frozen_rows()
            return self._frozen_rows
        return super().get_table_data()

    def get_table_kwargs(self):
        if self.frozen is not None:
            columns = [(i["pk"], i["code"]) for i in selectors.snapshot_indicators(self.frozen)]
        else:
            columns = [(i.pk, i.code) for i in selectors.leaf_indicators(self.scheme)]
        return {
            "extra_columns": [(f"i{pk}", IndicatorColumn(pk, verbose_name=code)) for pk, code in columns],
            "empty_text": _("No results to show: the box above says what comes next.")
            if self.run is None and not self.provisional
            else _("No result matches the filter."),
        }

    def get_context_data(self, **kwargs):
        if self.frozen is not None:
            # The page (and its paginator) lists the frozen rows, not the live queryset.
            kwargs["object_list"] = self.object_list = self.get_table_data()
        context = super().get_context_data(**kwargs)
        state = self.state
        context.update(
            scheme=self.scheme,
            run=self.run,
            published=self.published,
            provisional=self.provisional,
            provisional_available=self.provisional_available,
            provisional_rebuilding=getattr(self, "provisional_rebuilding", False),
            can_read_unpublished=access.can_read_unpublished(self.request.user),
            can_manage=access.can_manage(self.request.user),
            snapshot=state.snapshot,
            state=state,
            publish_form=PublishForm(),
        )
        return context


def evaluatee_detail(request, pk):
    """One evaluatee: per-indicator breakdown against the peer average, distribution of the
    peer category's totals, year-over-year change, points needed for the next band, its
    self-assessment evidence and appeals."""
    _require(access.can_view_schemes(request.user))
    evaluatee = get_object_or_404(
        Evaluatee.objects.for_user(request.user).select_related(
            "scheme", "peer_category", "school", "campus", "staff"
        ),
        pk=pk,
    )
    scheme = evaluatee.scheme
    published = (
        request.GET.get("published") == "1"
        or not access.can_read_unpublished(request.user)
        # The current results, when they are the published ones, are shown as published.
        or selectors.scheme_state(scheme).code == "published"
    )
    figures = selectors.evaluatee_results(request.user, evaluatee, published=published)
    context = {"evaluatee": evaluatee, "scheme": scheme, "has_results": bool(figures), "published": published}
    if figures:
        result, breakdown = figures["result"], figures["breakdown"]
        context.update(
            result=result,
            band_badge=band_badge(result.band, result.get_band_display()) if result else "",
            breakdown=breakdown,
            to_next_band=figures["to_next_band"],
            history=figures["history"],
            chart_data={
                "indicators": [row.indicator.code for row in breakdown],
                "names": [row.indicator.name for row in breakdown],
                "mine": [None if row.points is None else float(row.points) for row in breakdown],
                "peers": [None if row.peer_average is None else float(row.peer_average) for row in breakdown],
                "max": [float(row.indicator.max_points) for row in breakdown],
                "totals": [float(t) for t in figures["totals"]],
                "total": float(result.total) if result else None,
                "labels": {"mine": evaluatee.name, "peers": _("Peer average"), "count": _("Evaluatees")},
            },
        )
    context.update(
        evidence=selectors.evaluatee_evidence(request.user, evaluatee),
        evidence_form=EvidenceForm(scheme=scheme)
        if access.can_submit_evidence(request.user)
        and scheme.status in (Scheme.Status.DRAFT, Scheme.Status.OPEN)
        else None,
        appeals=selectors.evaluatee_appeals(request.user, evaluatee),
        appeal_form=AppealForm(scheme=scheme)
        if access.can_file_appeal(request.user) and scheme.status == Scheme.Status.PUBLISHED
        else None,
    )
    return render(request, "evaluation/evaluatee_detail.html", context)


@require_POST
def evidence_upload(request, pk):
    _require(access.can_submit_evidence(request.user))
    evaluatee = get_object_or_404(Evaluatee.objects.for_user(request.user).select_related("scheme"), pk=pk)
    form = EvidenceForm(request.POST, request.FILES, scheme=evaluatee.scheme)
    if form.is_valid():
        try:
            services.evidence_upload(
                user=request.user,
                evaluatee=evaluatee,
                file=form.cleaned_data["file"],
                indicator=form.cleaned_data["indicator"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, _("Evidence uploaded."))
    else:
        messages.error(
            request, " ".join(f"{form.fields[f].label}: {' '.join(e)}" for f, e in form.errors.items())
        )
    return redirect("evaluation:evaluatee_detail", pk=evaluatee.pk)


@require_POST
def appeal_file(request, pk):
    _require(access.can_file_appeal(request.user))
    evaluatee = get_object_or_404(Evaluatee.objects.for_user(request.user).select_related("scheme"), pk=pk)
    form = AppealForm(request.POST, request.FILES, scheme=evaluatee.scheme)
    if form.is_valid():
        try:
            services.appeal_file(
                user=request.user,
                evaluatee=evaluatee,
                indicator=form.cleaned_data["indicator"],
                reasons=form.cleaned_data["reasons"],
                evidence=form.cleaned_data["evidence"],
            )
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, _("Appeal filed."))
    else:
        messages.error(
            request, " ".join(f"{form.fields[f].label}: {' '.join(e)}" for f, e in form.errors.items())
        )
    return redirect("evaluation:evaluatee_detail", pk=evaluatee.pk)


@require_POST
def appeal_decide(request, pk):
    _require(access.can_decide_appeal(request.user))

    def decide(appeal):
        form = AppealDecisionForm(request.POST)
        if not form.is_valid():
            raise form_error(form)
        services.appeal_decide(
            user=request.user,
            appeal=appeal,
            accept=form.cleaned_data["accept"],
            reason=form.cleaned_data["reason"],
            corrected_points=form.cleaned_data["corrected_points"],
        )

    return step_view(
        request,
        Appeal.objects.for_user(request.user).select_related("evaluatee__scheme"),
        pk,
        decide,
        _("Appeal decided."),
        redirect_to=lambda appeal: appeal.evaluatee.scheme.get_absolute_url(),
    )


def _read_sheet(upload):
    """A tablib Dataset from an uploaded xlsx or csv (the form's upload policy has already
    refused other types, oversized files and zip bombs)."""
    from import_export.formats.base_formats import CSV, XLSX

    content = upload.read()
    if upload.name.lower().endswith(".csv"):
        try:
            return CSV().create_dataset(content.decode("utf-8-sig"))
        except UnicodeDecodeError:
            raise ValidationError(_("Save the CSV file as UTF-8 and upload it again.")) from None
    try:
        return XLSX().create_dataset(content)
    except Exception:
        raise ValidationError(_("This file cannot be read as an Excel workbook.")) from None


def score_import(request, pk):
    """Upload one evaluator's scores from Excel: all rows valid or none written; errors are
    listed by row and column."""
    _require(access.can_score(request.user))
    scheme = get_object_or_404(Scheme, pk=pk)
    form = ScoreImportForm(request.POST or None, request.FILES or None)
    errors, conflicts = [], 0
    if request.method == "POST" and form.is_valid():
        try:
            dataset = _read_sheet(form.cleaned_data["file"])
            outcome = services.scores_import(
                user=request.user,
                scheme=scheme,
                dataset=dataset,
                overwrite_newer=form.cleaned_data["overwrite_newer"],
            )
        except ValidationError as exc:
            form.add_error("file", exc.messages)
        else:
            if outcome.ok:
                messages.success(
                    request,
                    _("Scores imported: %(new)d new, %(updated)d changed, %(unchanged)d unchanged.")
                    % {"new": outcome.new, "updated": outcome.updated, "unchanged": outcome.unchanged},
                )
                if outcome.overwritten:
                    messages.warning(
                        request,
                        ngettext(
                            "%(n)d cell saved after the sheet was downloaded was overwritten.",
                            "%(n)d cells saved after the sheet was downloaded were overwritten.",
                            outcome.overwritten,
                        )
                        % {"n": outcome.overwritten},
                    )
                return redirect("evaluation:score_grid", pk=scheme.pk)
            errors, conflicts = outcome.errors, outcome.conflicts
    return render(
        request,
        "evaluation/score_import.html",
        {
            "scheme": scheme,
            "form": form,
            "errors": errors,
            "conflicts": conflicts,
            "editable": scheme.status == Scheme.Status.OPEN,
            "columns": services.REQUIRED_IMPORT_COLUMNS,
        },
    )


@require_GET
def score_import_template(request, pk):
    """The sheet to fill in, with the evaluator's own points where they already scored."""
    from django.http import HttpResponse

    _require(access.can_score(request.user))
    scheme = get_object_or_404(Scheme, pk=pk)
    data = services.score_import_template(user=request.user, scheme=scheme)
    data = data.__class__(*[[safe_cell(v) for v in row] for row in data], headers=data.headers)
    response = HttpResponse(
        score_template_xlsx(data),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="scores-{scheme.pk}.xlsx"'
    return response


class _IndicatorFormMixin:
    model = Indicator
    form_class = IndicatorForm
    allowed_roles = access.MANAGER_ROLES

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["scheme"] = self.scheme
        return kwargs

    def save_object(self, form):
        return services.indicator_save(user=self.request.user, indicator=form.save(commit=False))

    def get_success_url(self):
        return reverse("evaluation:scheme_detail", args=[self.scheme.pk])

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, title=self.title % {"scheme": self.scheme})


class IndicatorCreateView(_IndicatorFormMixin, PortalCreateView):
    title = gettext_lazy("New indicator: %(scheme)s")

    def dispatch(self, request, *args, **kwargs):
        self.scheme = get_object_or_404(
            Scheme.objects.filter(status__in=services.EDITABLE_STATUSES), pk=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        parent = self.request.GET.get("parent")
        return {"parent": parent} if parent and parent.isdigit() else {}


class IndicatorUpdateView(_IndicatorFormMixin, PortalUpdateView):
    title = gettext_lazy("Edit indicator: %(scheme)s")

    def get_queryset(self):
        return Indicator.objects.filter(scheme__status__in=services.EDITABLE_STATUSES).select_related(
            "scheme"
        )

    def dispatch(self, request, *args, **kwargs):
        indicator = get_object_or_404(self.get_queryset(), pk=kwargs["pk"])
        self.scheme = indicator.scheme
        return super().dispatch(request, *args, **kwargs)


@require_POST
def indicator_delete(request, pk):
    _require(access.can_manage(request.user))
    indicator = get_object_or_404(Indicator.objects.select_related("scheme"), pk=pk)
    try:
        services.indicator_delete(user=request.user, indicator=indicator)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("Indicator %(code)s removed.") % {"code": indicator.code})
    return redirect("evaluation:scheme_detail", pk=indicator.scheme_id)


@require_POST
def scheme_evaluatees_sync(request, pk):
    """Add the evaluatees that joined since the scheme opened (new schools with a peer
    category, new campuses of the group, new staff): existing ones are left as they are."""
    _require(access.can_manage(request.user))
    scheme = get_object_or_404(Scheme.objects.filter(status__in=services.EDITABLE_STATUSES), pk=pk)
    added = services.evaluatees_sync(scheme=scheme)
    messages.success(request, _("%(n)d evaluatees added.") % {"n": added})
    return redirect("evaluation:scheme_detail", pk=scheme.pk)


# --- Files: served only to users who may see their record (MEDIA_URL is not served) --------


@require_GET
def evidence_download(request, pk):
    """Self-assessment evidence: the evaluatee's own leadership (in scope) and the managers."""

    _require(access.can_view_schemes(request.user))
    item = get_object_or_404(Evidence.objects.for_user(request.user), pk=pk)
    return file_response(item.file)


@require_GET
def score_evidence_download(request, pk):
    """An evaluator's evidence file for a score: unpublished scores are the managers' only."""

    _require(access.can_read_unpublished(request.user))
    score = get_object_or_404(Score.objects.for_user(request.user), pk=pk)
    return file_response(score.evidence)


@require_GET
def appeal_evidence_download(request, pk):
    """An appeal's evidence: who filed it (within their scope) and the bureau deciding it."""

    _require(access.can_view_schemes(request.user))
    appeal = get_object_or_404(Appeal.objects.for_user(request.user), pk=pk)
    return file_response(appeal.evidence)
