"""The endpoints of /api/v1/: read-only viewsets through the door, and the writes, each through
the service the pages use (evaluation.services.scores_save_many, planning.services
.progress_report_file, staff.services.rotation_*, sharing.services.spending_record)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from campuses import filters as campus_filters
from campuses.models import Campus, EducationGroup, EnrollmentSnapshot, School
from evaluation import access
from evaluation import filters as evaluation_filters
from evaluation import selectors as evaluation_selectors
from evaluation import services as evaluation_services
from evaluation.models import ComputationRun, Evaluatee, Indicator, PublishedSnapshot, Result, Scheme, Score
from planning import filters as planning_filters
from planning import services as planning_services
from planning.models import Document, Measure, Phase, ProgressReport, SubTask
from sharing import filters as sharing_filters
from sharing import services as sharing_services
from sharing.models import Allocation, Asset, Budget, Spending, TeachingResource
from staff import filters as staff_filters
from staff import services as staff_services
from staff.models import CrossCampusActivity, Mentorship, Rotation, StaffingQuota, StaffMember, Studio

from . import serializers as api_serializers
from .base import CursorPagination, ScopedReadViewSet
from .serializers import DistinctionSerializer, name_of, read_serializer

ERROR = OpenApiResponse(description=gettext_lazy("Refused: the body names the field (400), or 403/404."))


def described(summary, description=""):
    """Schema texts of a read-only viewset (translated: the schema follows ?lang= or
    Accept-Language, zh-hans by default)."""
    return extend_schema_view(
        list=extend_schema(summary=summary, description=description),
        retrieve=extend_schema(summary=summary, description=description),
    )


def read_endpoint(
    model,
    fields,
    *,
    summary,
    description="",
    related=(),
    prefetch=(),
    filterset=None,
    filter_fields=None,
    ordering=("pk",),
    default_ordering=("pk",),
    cursor=False,
    **declared,
):
    """A read-only viewset of `model` through the door, with its serializer, filters and paging."""
    attrs = {
        "model": model,
        "queryset": model.objects.none(),
        "serializer_class": read_serializer(model, fields, **declared),
        "related": tuple(related),
        "prefetch": tuple(prefetch),
        "ordering_fields": tuple(ordering),
        "default_ordering": tuple(default_ordering),
        "__doc__": str(description or summary),
    }
    if filterset is not None:
        attrs["filterset_class"] = filterset
    if filter_fields is not None:
        attrs["filterset_fields"] = tuple(filter_fields)
    if cursor:
        attrs["pagination_class"] = CursorPagination
    viewset = type(f"{model.__name__}ViewSet", (ScopedReadViewSet,), attrs)
    return described(summary, description)(viewset)


# --- Groups, schools, campuses, enrollment ----------------------------------------------------

GroupViewSet = read_endpoint(
    EducationGroup,
    ("id", "code", "name", "core_school", "founded_on", "governance_mode", "charter_status", "description"),
    summary=gettext_lazy("Education groups"),
    description=gettext_lazy("The education groups the user reads (教育集团)."),
    filterset=campus_filters.EducationGroupFilterSet,
    ordering=("code", "name", "founded_on"),
)
SchoolViewSet = read_endpoint(
    School,
    (
        "id",
        "code",
        "name",
        "group",
        "legal_representative",
        "credit_code",
        "stage",
        "peer_category",
        "district",
    ),
    summary=gettext_lazy("Schools"),
    description=gettext_lazy("Schools (legal entities, 法人单位) of the user's groups."),
    filter_fields=("group", "stage", "peer_category"),
    ordering=("code", "name"),
)
CampusViewSet = read_endpoint(
    Campus,
    ("id", "code", "name", "school", "group", "address", "opened_on", "is_core", "planned_capacity"),
    summary=gettext_lazy("Campuses"),
    description=gettext_lazy("Campuses (校区) the user reads."),
    related=("school",),
    filterset=campus_filters.CampusFilterSet,
    ordering=("code", "name", "opened_on"),
    group=serializers.IntegerField(source="school.group_id", read_only=True, allow_null=True),
)
EnrollmentViewSet = read_endpoint(
    EnrollmentSnapshot,
    ("id", "campus", "school_year", "semester", "grade", "classes", "pupils"),
    summary=gettext_lazy("Enrollment snapshots"),
    description=gettext_lazy("Classes and pupils per campus, school year, term and grade."),
    filterset=campus_filters.EnrollmentFilterSet,
    ordering=("school_year", "grade", "campus"),
)

# --- Staff ------------------------------------------------------------------------------------

StaffViewSet = read_endpoint(
    StaffMember,
    (
        "id",
        "name",
        "gender",
        "staff_number",
        "subject",
        "professional_title",
        "post_type",
        "position",
        "home_campus",
        "unit",
        "on_campus_since",
        "is_active",
        "distinctions",
    ),
    summary=gettext_lazy("Staff members"),
    description=gettext_lazy("Staff of the campuses the user reads; a cursor pages through them."),
    prefetch=("distinctions",),
    filterset=staff_filters.StaffFilterSet,
    ordering=("name", "staff_number", "on_campus_since", "pk"),
    cursor=True,
    distinctions=DistinctionSerializer(many=True, read_only=True),
)
MentorshipViewSet = read_endpoint(
    Mentorship,
    ("id", "mentor", "mentee", "campus", "start_on", "end_on", "goals", "outcome", "status"),
    summary=gettext_lazy("Mentoring pairs"),
    filterset=staff_filters.MentorshipFilterSet,
    ordering=("start_on", "end_on"),
)
StudioViewSet = read_endpoint(
    Studio,
    ("id", "name", "leader", "campus", "subject", "level", "founded_on", "description", "members"),
    summary=gettext_lazy("Famous-teacher studios"),
    prefetch=("members",),
    filterset=staff_filters.StudioFilterSet,
    ordering=("name", "founded_on"),
)
ActivityViewSet = read_endpoint(
    CrossCampusActivity,
    ("id", "title", "kind", "held_on", "host_campus", "campuses", "hours", "summary"),
    summary=gettext_lazy("Cross-campus activities"),
    prefetch=("campuses",),
    filterset=staff_filters.ActivityFilterSet,
    ordering=("held_on", "title"),
)
QuotaViewSet = read_endpoint(
    StaffingQuota,
    (
        "id",
        "campus",
        "year",
        "establishment_authorised",
        "establishment_filled",
        "posts_authorised",
        "posts_filled",
    ),
    summary=gettext_lazy("Staffing quotas"),
    filterset=staff_filters.StaffingQuotaFilterSet,
    ordering=("year", "campus"),
)

# --- The plan -----------------------------------------------------------------------------------

PhaseViewSet = read_endpoint(
    Phase,
    ("id", "group", "code", "order", "name", "plan_period", "description", "start_on", "end_on"),
    summary=gettext_lazy("Phases of the plan"),
    filter_fields=("group",),
    ordering=("order", "start_on"),
    default_ordering=("group", "order", "pk"),
)
MeasureViewSet = read_endpoint(
    Measure,
    (
        "id",
        "group",
        "code",
        "order",
        "section",
        "title",
        "text",
        "phase",
        "leaders",
        "units",
        "campus",
        "start_on",
        "due_on",
        "status",
        "progress",
    ),
    summary=gettext_lazy("Measures of the plan"),
    prefetch=("leaders", "units"),
    filterset=planning_filters.MeasureFilterSet,
    ordering=("order", "due_on", "progress"),
    default_ordering=("group", "order", "pk"),
)
SubTaskViewSet = read_endpoint(
    SubTask,
    (
        "id",
        "measure",
        "title",
        "description",
        "campus",
        "unit",
        "owner",
        "start_on",
        "due_on",
        "status",
        "progress",
    ),
    summary=gettext_lazy("Sub-tasks"),
    filterset=planning_filters.SubTaskFilterSet,
    ordering=("due_on", "progress", "title"),
)
DocumentViewSet = read_endpoint(
    Document,
    (
        "id",
        "code",
        "kind",
        "title",
        "phase",
        "measure",
        "campus",
        "group",
        "required",
        "due_on",
        "version",
        "status",
        "approved_on",
    ),
    summary=gettext_lazy("Documents register"),
    filterset=planning_filters.DocumentFilterSet,
    ordering=("code", "due_on", "title"),
)

# --- Assessment ---------------------------------------------------------------------------------

SchemeViewSet = read_endpoint(
    Scheme,
    ("id", "name", "year", "target_kind", "group", "description", "status", "published_at"),
    summary=gettext_lazy("Assessment schemes"),
    filterset=evaluation_filters.SchemeFilterSet,
    ordering=("year", "name"),
)
IndicatorViewSet = read_endpoint(
    Indicator,
    ("id", "scheme", "parent", "code", "name", "order", "max_points", "weight", "guidance", "kind"),
    summary=gettext_lazy("Indicators"),
    filter_fields=("scheme", "parent", "kind"),
    ordering=("order", "code"),
    default_ordering=("scheme", "order", "pk"),
)

# --- Funds, assets, resources -------------------------------------------------------------------

BudgetViewSet = read_endpoint(
    Budget,
    ("id", "school", "year", "line", "amount", "note"),
    summary=gettext_lazy("Budgets"),
    filterset=sharing_filters.BudgetFilterSet,
    ordering=("year", "amount"),
)
AllocationViewSet = read_endpoint(
    Allocation,
    ("id", "budget", "year", "line", "campus", "amount"),
    summary=gettext_lazy("Allocations of budgets to campuses"),
    related=("budget",),
    filterset=sharing_filters.AllocationFilterSet,
    ordering=("amount", "campus"),
    year=serializers.IntegerField(source="budget.year", read_only=True),
    line=serializers.IntegerField(source="budget.line_id", read_only=True),
)
AssetViewSet = read_endpoint(
    Asset,
    ("id", "code", "name", "category", "campus", "condition", "acquired_on", "note"),
    summary=gettext_lazy("Asset register"),
    filterset=sharing_filters.AssetFilterSet,
    ordering=("code", "name", "acquired_on"),
)
ResourceViewSet = read_endpoint(
    TeachingResource,
    ("id", "title", "kind", "subject", "grade", "author", "campus", "description", "uploaded_at"),
    summary=gettext_lazy("Shared teaching resources"),
    filterset=sharing_filters.TeachingResourceFilterSet,
    ordering=("uploaded_at", "title"),
    default_ordering=("-uploaded_at", "-pk"),
)


# --- Published results (frozen) -------------------------------------------------------------------


class FrozenRowSerializer(serializers.Serializer):
    """One row of a published ranking, as frozen."""

    evaluatee = serializers.IntegerField(source="evaluatee.pk")
    code = serializers.CharField(source="evaluatee.code")
    name = serializers.CharField(source="evaluatee.name")
    peer_category = serializers.CharField(source="evaluatee.peer_category.name")
    rank = serializers.IntegerField()
    position = serializers.IntegerField()
    peer_size = serializers.IntegerField(allow_null=True)
    total = serializers.DecimalField(max_digits=12, decimal_places=4)
    percentile = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    band = serializers.CharField()


class FrozenIndicatorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class PublishedSnapshotSerializer(serializers.ModelSerializer):
    class Meta:
        model = PublishedSnapshot
        fields = ("id", "scheme", "version", "published_at", "reason")
        read_only_fields = fields


class PublishedSnapshotDetailSerializer(PublishedSnapshotSerializer):
    indicators = serializers.SerializerMethodField()
    rows = serializers.SerializerMethodField()

    class Meta(PublishedSnapshotSerializer.Meta):
        fields = (*PublishedSnapshotSerializer.Meta.fields, "indicators", "rows")
        read_only_fields = fields

    @extend_schema_field(FrozenIndicatorSerializer(many=True))
    def get_indicators(self, snapshot) -> list[dict]:
        return [
            {"id": i["pk"], "code": str(i.get("code", "")), "name": str(i.get("name", ""))}
            for i in evaluation_selectors.snapshot_indicators(snapshot)
        ]

    @extend_schema_field(FrozenRowSerializer(many=True))
    def get_rows(self, snapshot) -> list[dict]:
        return FrozenRowSerializer(evaluation_selectors.snapshot_results(snapshot), many=True).data


@described(
    gettext_lazy("Published results"),
    gettext_lazy(
        "Published rankings as they were frozen at publication (PublishedSnapshot): later edits never "
        "change them."
    ),
)
class PublishedResultViewSet(ScopedReadViewSet):
    model = PublishedSnapshot
    queryset = PublishedSnapshot.objects.none()
    serializer_class = PublishedSnapshotSerializer
    filterset_fields = ("scheme",)
    ordering_fields = ("published_at", "version")
    default_ordering = ("-published_at", "-pk")

    def get_queryset(self):
        return super().get_queryset().defer("data") if self.action == "list" else super().get_queryset()

    def get_serializer_class(self):
        return PublishedSnapshotDetailSerializer if self.action == "retrieve" else PublishedSnapshotSerializer


# --- Bureau only: current computation runs and their results ----------------------------------


class BureauOnlyMixin:
    """Unpublished runs and results: the bureau and the supervision office only (evaluation.access),
    403 for every other role, as on the pages."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not access.can_read_unpublished(request.user):
            raise PermissionDenied(
                _("Unpublished results are read by the bureau and the supervision office only.")
            )


@described(
    gettext_lazy("Current computation runs"),
    gettext_lazy("Bureau roles only: each scheme's current computation run."),
)
class RunViewSet(BureauOnlyMixin, ScopedReadViewSet):
    model = ComputationRun
    queryset = ComputationRun.objects.none()
    serializer_class = read_serializer(
        ComputationRun,
        (
            "id",
            "scheme",
            "status",
            "progress",
            "created_at",
            "started_at",
            "finished_at",
            "error",
            "evaluatees",
        ),
    )
    filterset_fields = ("scheme", "status")
    ordering_fields = ("created_at", "finished_at")
    default_ordering = ("-created_at", "-pk")

    def get_queryset(self):
        return super().get_queryset().filter(pk__in=Scheme.objects.values("current_run"))


@described(
    gettext_lazy("Current results"),
    gettext_lazy("Bureau roles only: the results of each scheme's current run, unpublished too."),
)
class ResultViewSet(BureauOnlyMixin, ScopedReadViewSet):
    model = Result
    queryset = Result.objects.none()
    serializer_class = read_serializer(
        Result,
        (
            "id",
            "run",
            "evaluatee",
            "evaluatee_name",
            "total",
            "rank",
            "position",
            "peer_size",
            "percentile",
            "band",
        ),
        evaluatee_name=name_of("evaluatee.name", gettext_lazy("evaluatee")),
    )
    related = ("evaluatee",)
    filterset_fields = ("run", "band")
    ordering_fields = ("rank", "total", "position")
    pagination_class = CursorPagination
    default_ordering = ("run", "position", "pk")

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .filter(run__in=Scheme.objects.values("current_run"))
            .defer("cell_points", "cell_evaluators", "cell_derivations")
        )


# --- Writes ------------------------------------------------------------------------------------


def _created(serializer_class, instance, request, code=status.HTTP_201_CREATED):
    return Response(serializer_class(instance, context={"request": request}).data, status=code)


RotationSerializer = read_serializer(
    Rotation,
    (
        "id",
        "staff",
        "staff_name",
        "from_campus",
        "to_campus",
        "category",
        "start_on",
        "planned_end_on",
        "ended_on",
        "status",
        "reason",
        "decided_at",
        "decision_note",
        "created_at",
    ),
    staff_name=name_of("staff.name", gettext_lazy("staff member")),
)


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("Rotations"),
        description=gettext_lazy("Teacher rotations (交流轮岗) from or to the user's campuses."),
    ),
    retrieve=extend_schema(summary=gettext_lazy("Rotation")),
    create=extend_schema(
        summary=gettext_lazy("Propose a rotation"),
        description=gettext_lazy(
            "Through staff.services.rotation_propose: a vice-principal from or to their own campus."
        ),
        request=api_serializers.RotationProposeSerializer,
        responses={201: RotationSerializer, 400: ERROR, 403: ERROR},
    ),
)
class RotationViewSet(ScopedReadViewSet):
    model = Rotation
    queryset = Rotation.objects.none()
    serializer_class = RotationSerializer
    related = ("staff",)
    filterset_class = staff_filters.RotationFilterSet
    ordering_fields = ("start_on", "planned_end_on", "created_at", "pk")
    pagination_class = CursorPagination
    http_method_names = ["get", "post", "head", "options"]

    def create(self, request):
        form = api_serializers.RotationProposeSerializer(data=request.data, context={"request": request})
        form.is_valid(raise_exception=True)
        rotation = staff_services.rotation_propose(user=request.user, **form.validated_data)
        return _created(RotationSerializer, rotation, request)

    def _step(self, request, pk, take, form_class=None):
        rotation = self.get_object()  # out of scope: 404
        values = {}
        if form_class is not None:
            form = form_class(data=request.data, context={"request": request})
            form.is_valid(raise_exception=True)
            values = {k: v for k, v in form.validated_data.items() if v is not None}
        rotation = take(user=request.user, rotation=rotation, **values)
        return _created(RotationSerializer, rotation, request, status.HTTP_200_OK)

    @extend_schema(
        summary=gettext_lazy("Approve a rotation"),
        request=api_serializers.RotationNoteSerializer,
        responses={200: RotationSerializer, 400: ERROR, 403: ERROR, 404: ERROR},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._step(
            request, pk, staff_services.rotation_approve, api_serializers.RotationNoteSerializer
        )

    @extend_schema(
        summary=gettext_lazy("Reject a rotation"),
        request=api_serializers.RotationNoteSerializer,
        responses={200: RotationSerializer, 400: ERROR, 403: ERROR, 404: ERROR},
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._step(request, pk, _reject, api_serializers.RotationNoteSerializer)

    @extend_schema(
        summary=gettext_lazy("Withdraw a rotation"),
        request=None,
        responses={200: RotationSerializer, 400: ERROR, 403: ERROR, 404: ERROR},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._step(request, pk, staff_services.rotation_withdraw)

    @extend_schema(
        summary=gettext_lazy("Start a rotation"),
        request=api_serializers.RotationStartSerializer,
        responses={200: RotationSerializer, 400: ERROR, 403: ERROR, 404: ERROR},
    )
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        return self._step(request, pk, staff_services.rotation_start, api_serializers.RotationStartSerializer)

    @extend_schema(
        summary=gettext_lazy("Complete a rotation"),
        request=api_serializers.RotationCompleteSerializer,
        responses={200: RotationSerializer, 400: ERROR, 403: ERROR, 404: ERROR},
    )
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        return self._step(
            request, pk, staff_services.rotation_complete, api_serializers.RotationCompleteSerializer
        )


def _reject(*, user, rotation, note: str = ""):
    return staff_services.rotation_reject(user=user, rotation=rotation, note=note)


ProgressReportSerializer = read_serializer(
    ProgressReport,
    ("id", "measure", "subtask", "author", "author_name", "reported_at", "text", "percent"),
    author_name=name_of("author.username", gettext_lazy("author")),
)


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("Progress reports"),
        description=gettext_lazy("Reports on the plan's measures and sub-tasks."),
    ),
    retrieve=extend_schema(summary=gettext_lazy("Progress report")),
    create=extend_schema(
        summary=gettext_lazy("File a progress report"),
        description=gettext_lazy(
            "Through planning.services.progress_report_file: on a sub-task of one's campus, or a measure."
        ),
        request=api_serializers.ProgressReportWriteSerializer,
        responses={201: ProgressReportSerializer, 400: ERROR, 403: ERROR},
    ),
)
class ProgressReportViewSet(ScopedReadViewSet):
    model = ProgressReport
    queryset = ProgressReport.objects.none()
    serializer_class = ProgressReportSerializer
    related = ("author",)
    filterset_class = planning_filters.ProgressReportFilterSet
    ordering_fields = ("reported_at", "percent", "pk")
    pagination_class = CursorPagination
    http_method_names = ["get", "post", "head", "options"]

    def create(self, request):
        form = api_serializers.ProgressReportWriteSerializer(data=request.data, context={"request": request})
        form.is_valid(raise_exception=True)
        data = form.validated_data
        report = planning_services.progress_report_file(
            user=request.user,
            measure=data.get("measure"),
            subtask=data.get("subtask"),
            text=data["text"],
            percent=data["percent"],
        )
        return _created(ProgressReportSerializer, report, request)


SpendingSerializer = read_serializer(
    Spending, ("id", "line", "campus", "spent_on", "amount", "purpose", "recorded_by", "recorded_at")
)


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("Spending"),
        description=gettext_lazy("Payments of the user's campuses against budget lines."),
    ),
    retrieve=extend_schema(summary=gettext_lazy("Spending record")),
    create=extend_schema(
        summary=gettext_lazy("Record spending"),
        description=gettext_lazy("Through sharing.services.spending_record: within the campus's allocation."),
        request=api_serializers.SpendingWriteSerializer,
        responses={201: SpendingSerializer, 400: ERROR, 403: ERROR},
    ),
)
class SpendingViewSet(ScopedReadViewSet):
    model = Spending
    queryset = Spending.objects.none()
    serializer_class = SpendingSerializer
    filterset_class = sharing_filters.SpendingFilterSet
    ordering_fields = ("spent_on", "amount", "pk")
    default_ordering = ("-spent_on", "-pk")
    http_method_names = ["get", "post", "head", "options"]

    def create(self, request):
        form = api_serializers.SpendingWriteSerializer(data=request.data, context={"request": request})
        form.is_valid(raise_exception=True)
        spending = sharing_services.spending_record(
            user=request.user, spending=Spending(**form.validated_data)
        )
        return _created(SpendingSerializer, spending, request)


ScoreSerializer = read_serializer(
    Score, ("id", "indicator", "evaluatee", "evaluator", "points", "comment", "version", "updated_at")
)

SCORE_CONFLICT = inline_serializer(
    "ScoreConflict",
    {
        "detail": serializers.CharField(),
        "row": serializers.IntegerField(),
        "current": inline_serializer(
            "ScoreCurrent",
            {
                "indicator": serializers.IntegerField(),
                "evaluatee": serializers.IntegerField(),
                "points": serializers.CharField(allow_null=True),
                "version": serializers.IntegerField(),
                "comment": serializers.CharField(),
            },
        ),
    },
)
SCORE_ROW_ERROR = inline_serializer(
    "ScoreRowError",
    {
        "detail": serializers.CharField(),
        "row": serializers.IntegerField(allow_null=True, required=False),
        "field": serializers.CharField(allow_null=True, required=False),
        "errors": serializers.DictField(
            child=serializers.ListField(child=serializers.CharField()), required=False
        ),
    },
)


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("Scores"),
        description=gettext_lazy(
            "Bureau roles only: evaluators' points per indicator and evaluatee; a cursor pages."
        ),
    ),
    retrieve=extend_schema(summary=gettext_lazy("Score")),
    create=extend_schema(
        summary=gettext_lazy("Write scores"),
        description=gettext_lazy(
            "Evaluators: one or many cells in one request, all saved or none. A bad row gets 400 naming its "
            "index (`row`, from 0) and field; a stale `version` gets 409 with the cell's current value."
        ),
        request=api_serializers.ScoresWriteSerializer,
        responses={
            200: api_serializers.ScoresSavedSerializer,
            400: SCORE_ROW_ERROR,
            403: ERROR,
            409: SCORE_CONFLICT,
        },
    ),
)
class ScoreViewSet(ScopedReadViewSet):
    model = Score
    queryset = Score.objects.none()
    serializer_class = ScoreSerializer
    filterset_fields = ("indicator", "evaluatee", "evaluator", "indicator__scheme")
    ordering_fields = ("updated_at", "points", "pk")
    pagination_class = CursorPagination
    http_method_names = ["get", "post", "head", "options"]

    def list(self, request, *args, **kwargs):
        self._require_reader()
        return super().list(request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        self._require_reader()
        return super().retrieve(request, *args, **kwargs)

    def _require_reader(self):
        if not access.can_read_unpublished(self.request.user):
            raise PermissionDenied(
                _("Unpublished scores are read by the bureau and the supervision office only.")
            )

    def create(self, request):
        if not access.can_score(request.user):
            raise PermissionDenied(_("Only evaluators of the supervision office enter scores."))
        form = api_serializers.ScoresWriteSerializer(data=request.data)
        if not form.is_valid():
            return Response(_row_error_of_serializer(form.errors), status=status.HTTP_400_BAD_REQUEST)
        rows = form.validated_data["scores"]
        indicators = (
            Indicator.objects.for_user(request.user)
            .select_related("scheme")
            .in_bulk({row["indicator"] for row in rows})
        )
        evaluatees = Evaluatee.objects.for_user(request.user).in_bulk({row["evaluatee"] for row in rows})
        cells = []
        for index, row in enumerate(rows):
            for field, found in (("indicator", indicators), ("evaluatee", evaluatees)):
                if row[field] not in found:
                    message = _("No such record within your reach.")
                    return Response(
                        {"detail": message, "row": index, "field": field, "errors": {field: [message]}},
                        status=status.HTTP_400_BAD_REQUEST,
                    )
            cells.append(
                {
                    "indicator": indicators[row["indicator"]],
                    "evaluatee": evaluatees[row["evaluatee"]],
                    "points": row["points"],
                    "version": row.get("version") or 0,
                    "comment": row.get("comment"),
                }
            )
        try:
            saved = evaluation_services.scores_save_many(user=request.user, cells=cells)
        except evaluation_services.ScoreRowError as exc:
            return _row_error(exc)
        return Response(
            {
                "scores": [
                    {
                        "id": s.pk,
                        "indicator": s.indicator_id,
                        "evaluatee": s.evaluatee_id,
                        "points": str(s.points),
                        "version": s.version,
                        "comment": s.comment,
                    }
                    for s in saved
                ]
            }
        )


def _row_error_of_serializer(errors) -> dict:
    rows = errors.get("scores") if isinstance(errors, dict) else None
    # DRF gives a many=True field's errors as a list (one entry per row) or a dict by row index.
    if isinstance(rows, list):
        rows = dict(enumerate(rows))
    if isinstance(rows, dict) and all(isinstance(k, int) for k in rows):
        for index, row_errors in sorted(rows.items()):
            if isinstance(row_errors, dict) and row_errors:
                field = next(iter(row_errors))
                return {
                    "detail": _("Row %(row)s: %(field)s: %(message)s")
                    % {"row": index, "field": field, "message": row_errors[field][0]},
                    "row": index,
                    "field": field,
                    "errors": {k: [str(m) for m in v] for k, v in row_errors.items()},
                }
    messages = {field: _flat(value) for field, value in errors.items()}
    first = next((m for values in messages.values() for m in values), "")
    return {
        "detail": _('Give the scores as a list: {"scores": [...]}.') + (f" {first}" if first else ""),
        "row": None,
        "field": "scores",
        "errors": messages,
    }


def _flat(value) -> list[str]:
    """Every message of a (nested) DRF error, as plain strings."""
    if isinstance(value, dict):
        return [m for inner in value.values() for m in _flat(inner)]
    if isinstance(value, list | tuple):
        return [m for inner in value for m in _flat(inner)]
    return [str(value)]


def _row_error(exc) -> Response:
    error = exc.error
    if isinstance(error, evaluation_services.StaleScoreError):
        current = error.current
        return Response(
            {
                "detail": str(error),
                "row": exc.row,
                "current": {
                    "indicator": current.indicator_id,
                    "evaluatee": current.evaluatee_id,
                    "points": None if current.points is None else str(current.points),
                    "version": current.version,
                    "comment": current.comment,
                },
            },
            status=status.HTTP_409_CONFLICT,
        )
    if hasattr(error, "error_dict"):
        errors = {k: [str(m) for m in v] for k, v in error.message_dict.items()}
        field = next(iter(errors))
    else:
        errors = {"non_field_errors": [str(m) for m in error.messages]}
        field = None
    message = next(iter(errors.values()))[0]
    return Response(
        {
            "detail": _("Row %(row)s: %(message)s") % {"row": exc.row, "message": message},
            "row": exc.row,
            "field": field,
            "errors": errors,
        },
        status=status.HTTP_400_BAD_REQUEST,
    )
