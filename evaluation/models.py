"""Assessment and ranking (考核评价): schemes, indicators, scores, computed results, publication.

A `Scheme` (考核方案) evaluates one kind of target — schools among their peers (一校三区作为一个
整体: a school is the legal entity, so a unified group's campuses are ranked as one whole),
the campuses of one group, or the staff of one group — against a tree of `Indicator`s.
Evaluators enter one `Score` per indicator × evaluatee; a `ComputationRun` aggregates them into
one `Result` row per evaluatee (its total, rank and band, and its points per leaf indicator) in
the database; the scheme points at its current run, so a run's results become visible all at once.
Publishing freezes a `PublishedSnapshot`; an `Appeal` (复核) accepted after publication leads to
a new snapshot version, never a silent change.
"""

from __future__ import annotations

import json
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kernel.concurrency import Versioned
from kernel.scoping import Rule, ScopedQuerySet


class TargetKind(models.TextChoices):
    SCHOOLS = "schools", _("Schools ranked among their peers")
    CAMPUSES = "campuses", _("Campuses of one group")
    STAFF = "staff", _("Staff of one group")


class Band(models.TextChoices):
    """等次, best first."""

    EXCELLENT = "excellent", _("Excellent (优秀)")
    GOOD = "good", _("Good (良好)")
    PASS = "pass", _("Pass (合格)")
    FAIL = "fail", _("Fail (不合格)")


BAND_ORDER = [Band.EXCELLENT, Band.GOOD, Band.PASS, Band.FAIL]


class Scheme(Versioned):
    """考核方案: what is assessed in one year, how scores are aggregated and banded.

    Bands by rank share: an evaluatee is 优秀 when fewer than `excellent_share` % of its peer
    category rank strictly ahead of it, 良好 when fewer than `excellent_share + good_share` %
    do; every band above 不合格 also needs a total of at least `pass_floor`. Tied evaluatees
    share a rank, so they always share a band. Bands by thresholds: the total alone decides.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open for scoring")
        CLOSED = "closed", _("Closed")
        PUBLISHED = "published", _("Published")

    class Aggregation(models.TextChoices):
        MEAN = "mean", _("Mean of evaluators")
        TRIMMED_MEAN = "trimmed_mean", _("Trimmed mean (drop one highest and one lowest from 3 evaluators)")

    class BandMethod(models.TextChoices):
        RANK_SHARE = "rank_share", _("By rank share within the peer category")
        THRESHOLDS = "thresholds", _("By score thresholds")

    name = models.CharField(_("name"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000)])
    target_kind = models.CharField(_("assesses"), max_length=20, choices=TargetKind.choices)
    group = models.ForeignKey(
        "campuses.EducationGroup",
        verbose_name=_("education group"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="schemes",
        help_text=_("For internal assessments of a group's campuses or staff."),
    )
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    aggregation = models.CharField(
        _("aggregation of evaluators"),
        max_length=20,
        choices=Aggregation.choices,
        default=Aggregation.TRIMMED_MEAN,
    )
    band_method = models.CharField(
        _("grade bands"), max_length=20, choices=BandMethod.choices, default=BandMethod.RANK_SHARE
    )
    excellent_share = models.DecimalField(
        _("excellent: top share (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("20"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    good_share = models.DecimalField(
        _("good: next share (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("30"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    pass_floor = models.DecimalField(
        _("pass: floor score"), max_digits=8, decimal_places=2, default=Decimal("60")
    )
    excellent_from = models.DecimalField(
        _("excellent from (points)"), max_digits=8, decimal_places=2, default=Decimal("90")
    )
    good_from = models.DecimalField(
        _("good from (points)"), max_digits=8, decimal_places=2, default=Decimal("75")
    )
    reconcile_tolerance = models.DecimalField(
        _("reconciliation tolerance (percent of the indicator's maximum)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("30"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Evaluators' points for one cell further apart than this are flagged for the lead."),
    )
    appeal_days = models.PositiveSmallIntegerField(_("appeal window (days after publication)"), default=10)
    lead_evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lead evaluator"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    current_run = models.ForeignKey(
        "ComputationRun",
        verbose_name=_("current results"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    results_stale = models.BooleanField(_("results out of date"), default=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()
    scope_rule = Rule(group=("group",), shared=Q(), public=Q(group__isnull=True))

    class Meta:
        verbose_name = _("assessment scheme")
        verbose_name_plural = _("assessment schemes")
        ordering = ["-year", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "name"],
                name="scheme_unique_name_per_year",
                violation_error_message=_("A scheme of this name already exists for this year."),
            ),
            models.CheckConstraint(
                condition=Q(excellent_share__lte=Decimal("100") - models.F("good_share")),
                name="scheme_band_shares_within_100",
                violation_error_message=_("The excellent and good shares together cannot exceed 100 %."),
            ),
        ]

    def __str__(self) -> str:
        # "2026年度集团化办学考核", not "2026 2026年度…": the year once.
        return self.name if str(self.year) in self.name else f"{self.year} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("evaluation:scheme_detail", args=[self.pk])

    def clean(self):
        errors = {}
        if self.target_kind in (TargetKind.CAMPUSES, TargetKind.STAFF) and not self.group_id:
            errors["group"] = _("An internal assessment names the group whose campuses or staff it assesses.")
        if (
            self.excellent_share is not None
            and self.good_share is not None
            and self.excellent_share + self.good_share > 100
        ):
            errors["good_share"] = _("The excellent and good shares together cannot exceed 100 %.")
        if (
            self.band_method == self.BandMethod.THRESHOLDS
            and None not in (self.excellent_from, self.good_from, self.pass_floor)
            and not (self.excellent_from >= self.good_from >= self.pass_floor)
        ):
            errors["good_from"] = _("Thresholds must go down: excellent ≥ good ≥ pass floor.")
        if errors:
            raise ValidationError(errors)


class Indicator(Versioned):
    """一级/二级指标. Leaves carry points; a parent's points are the sum of its children's.

    An evaluatee's total is the sum over leaves of points × weight. A leaf is scored by
    evaluators or computed from the portal's data (`computation`), with a derivation text.
    """

    class Kind(models.TextChoices):
        SCORED = "scored", _("Scored by evaluators")
        COMPUTED = "computed", _("Computed from the portal's data")

    class Computation(models.TextChoices):
        ROTATION_RATIO = "rotation_ratio", _("Teacher-rotation ratio against its target")
        BACKBONE_ROTATED = "backbone_rotated", _("Backbone teachers among those rotated, against target")
        BIG_CLASS_SHARE = "big_class_share", _("Share of big classes (大班额), fewer is better")
        MENTORING_PER_100 = "mentoring_per_100", _("Mentoring pairs per 100 teachers, against target")
        QUOTA_FILLED = "quota_filled", _("Staffing establishment filled")
        BALANCE_CV = (
            "balance_cv",
            _("Balance among campuses: coefficient of variation (差异系数) of pupils per teacher"),
        )
        RESOURCE_SHARING = "resource_sharing", _("Shared teaching resources used at another campus")
        ASSET_TRANSFERS = "asset_transfers", _("Assets transferred between campuses")
        ACTIVITIES_PER_TEACHER = (
            "activities_per_teacher",
            _("Cross-campus activity participations per teacher"),
        )

    scheme = models.ForeignKey(
        Scheme, verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="indicators"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("first-level indicator"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
    )
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    max_points = models.DecimalField(
        _("maximum points"), max_digits=7, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    weight = models.DecimalField(
        _("weight"),
        max_digits=6,
        decimal_places=3,
        default=Decimal("1"),
        validators=[MinValueValidator(0)],
        help_text=_("Points count towards the total multiplied by this weight."),
    )
    guidance = models.TextField(_("guidance"), blank=True)
    evidence_requirement = models.TextField(_("evidence required"), blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.SCORED)
    computation = models.CharField(_("computation"), max_length=30, choices=Computation.choices, blank=True)
    target_value = models.DecimalField(
        _("target"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_(
            "For computed indicators: the figure that earns full points (empty: the policy setting)."
        ),
    )
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()
    scope_rule = Rule(group=("scheme__group",), shared=Q(), public=Q(scheme__group__isnull=True))

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["scheme", "order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "code"],
                name="indicator_code_unique_in_scheme",
                violation_error_message=_("This scheme already has an indicator with this code."),
            ),
            models.CheckConstraint(
                condition=Q(kind="scored", computation="") | Q(kind="computed") & ~Q(computation=""),
                name="indicator_computation_iff_computed",
                violation_error_message=_("A computed indicator names its computation; a scored one none."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self):
        errors = {}
        if self.kind == self.Kind.COMPUTED and not self.computation:
            errors["computation"] = _("Choose how this indicator is computed.")
        if self.kind == self.Kind.SCORED and self.computation:
            errors["computation"] = _("A scored indicator has no computation.")
        if self.parent_id and self.parent.scheme_id != self.scheme_id:
            errors["parent"] = _("The first-level indicator must belong to the same scheme.")
        if self.parent_id and self.parent.parent_id:
            errors["parent"] = _("Indicators have two levels: choose a first-level indicator.")
        if errors:
            raise ValidationError(errors)


class EvaluateeQuerySet(ScopedQuerySet):
    pass


class Evaluatee(Versioned):
    """Who is assessed in a scheme: a school (all its campuses as one whole), a campus or a
    staff member — exactly one of them, by the scheme's target kind. Evaluatees of one peer
    category are ranked together (none: all of the scheme's evaluatees together)."""

    scheme = models.ForeignKey(
        Scheme, verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="evaluatees"
    )
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    school = models.ForeignKey(
        "campuses.School",
        verbose_name=_("school"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    campus = models.ForeignKey(
        "campuses.Campus",
        verbose_name=_("campus"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    staff = models.ForeignKey(
        "staff.StaffMember",
        verbose_name=_("staff member"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    peer_category = models.ForeignKey(
        "campuses.PeerCategory",
        verbose_name=_("peer category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    objects = EvaluateeQuerySet.as_manager()
    scope_rule = Rule(campus=("school__campuses", "campus", "staff__home_campus"))

    class Meta:
        verbose_name = _("evaluatee")
        verbose_name_plural = _("evaluatees")
        ordering = ["scheme", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "code"],
                name="evaluatee_code_unique_in_scheme",
                violation_error_message=_("This scheme already has an evaluatee with this code."),
            ),
            models.CheckConstraint(
                condition=Q(school__isnull=False, campus__isnull=True, staff__isnull=True)
                | Q(school__isnull=True, campus__isnull=False, staff__isnull=True)
                | Q(school__isnull=True, campus__isnull=True, staff__isnull=False),
                name="evaluatee_exactly_one_target",
                violation_error_message=_("An evaluatee is exactly one school, campus or staff member."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("evaluation:evaluatee_detail", args=[self.pk])


class ScoreQuerySet(ScopedQuerySet):
    pass


def evidence_path(instance, filename: str) -> str:
    return f"evaluation/evidence/{filename}"


class Score(models.Model):
    """One evaluator's points for one indicator of one evaluatee.

    `version` counts saves: a save carrying an older version than the row's is refused
    (optimistic concurrency), so two evaluators never silently overwrite each other.
    """

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="scores"
    )
    evaluatee = models.ForeignKey(
        Evaluatee, verbose_name=_("evaluatee"), on_delete=models.CASCADE, related_name="scores"
    )
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("evaluator"), on_delete=models.PROTECT, related_name="+"
    )
    points = models.DecimalField(
        _("points"), max_digits=7, decimal_places=2, validators=[MinValueValidator(0)]
    )
    comment = models.TextField(_("comment"), blank=True)
    evidence = models.FileField(_("evidence file"), upload_to=evidence_path, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    objects = ScoreQuerySet.as_manager()
    scope_rule = Rule(
        campus=("evaluatee__school__campuses", "evaluatee__campus", "evaluatee__staff__home_campus")
    )

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["indicator", "evaluatee", "evaluator"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "evaluatee", "evaluator"],
                name="score_unique_per_cell_and_evaluator",
                violation_error_message=_("This evaluator already scored this indicator for this evaluatee."),
            ),
            models.CheckConstraint(
                condition=Q(points__gte=0),
                name="score_points_not_negative",
                violation_error_message=_("Points cannot be negative."),
            ),
        ]
        indexes = [
            models.Index(fields=["evaluatee", "indicator"]),
            # A computation asks "did any score change since the run started?" (compute._SWITCH_SCHEME).
            models.Index(fields=["updated_at"], name="score_updated_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.evaluatee}: {self.points}"

    def clean(self):
        if (
            self.points is not None
            and self.indicator_id
            and not (0 <= self.points <= self.indicator.max_points)
        ):
            raise ValidationError(
                {
                    "points": _("Points must be between 0 and %(max)s for %(code)s.")
                    % {"max": self.indicator.max_points, "code": self.indicator.code}
                }
            )


class CellReview(Versioned):
    """A lead evaluator's confirmation or correction of one cell (indicator × evaluatee),
    with the reason: needed where evaluators disagree by more than the scheme's tolerance;
    an accepted appeal records its correction here too. `points`, when set, replaces the
    aggregate of evaluators for that cell."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="+"
    )
    evaluatee = models.ForeignKey(
        Evaluatee, verbose_name=_("evaluatee"), on_delete=models.CASCADE, related_name="reviews"
    )
    points = models.DecimalField(
        _("corrected points"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    reason = models.TextField(_("reason"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("confirmed by"), on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("confirmed at"), auto_now=True)
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()
    scope_rule = Rule(
        campus=("evaluatee__school__campuses", "evaluatee__campus", "evaluatee__staff__home_campus")
    )

    class Meta:
        verbose_name = _("cell review")
        verbose_name_plural = _("cell reviews")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "evaluatee"], name="cell_review_unique_per_cell"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.evaluatee}"


class Evidence(Versioned):
    """Self-assessment evidence an evaluatee's leadership uploads for an indicator."""

    evaluatee = models.ForeignKey(
        Evaluatee, verbose_name=_("evaluatee"), on_delete=models.CASCADE, related_name="evidence"
    )
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    file = models.FileField(_("file"), upload_to="evaluation/self-assessment/")
    note = models.TextField(_("note"), blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()
    scope_rule = Rule(
        campus=("evaluatee__school__campuses", "evaluatee__campus", "evaluatee__staff__home_campus")
    )

    class Meta:
        verbose_name = _("self-assessment evidence")
        verbose_name_plural = _("self-assessment evidence")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.file.name


class ComputationRun(models.Model):
    """One computation of a scheme's results: its job state and progress live here, so the
    browser can show them whatever runs the job (a Celery worker or the shell)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    scheme = models.ForeignKey(
        Scheme, verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="runs"
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    evaluatees = models.PositiveIntegerField(_("evaluatees"), default=0)
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()
    scope_rule = Rule(group=("scheme__group",), shared=Q(), public=Q(scheme__group__isnull=True))

    class Meta:
        verbose_name = _("computation run")
        verbose_name_plural = _("computation runs")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.scheme} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("evaluation:run_detail", args=[self.pk])


FOUR_PLACES = Decimal("0.0001")


class PointsDecoder(json.JSONDecoder):
    """JSON numbers with a fraction come back as Decimal: a cell's points are exact to 4 places."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("parse_float", Decimal)
        super().__init__(*args, **kwargs)


def cell_points(value) -> Decimal | None:
    """A cell's points as stored in `Result.cell_points` (a JSON number or null), to 4 places."""
    return None if value is None else Decimal(value).quantize(FOUR_PLACES)


class Result(models.Model):
    """An evaluatee's total, rank in its peer category, percentile and band in one run, with its
    points per leaf indicator (immutable: a run writes all its rows in one statement).

    The cells are three JSON objects keyed by indicator id rather than a row per cell: a run is
    written and read a whole evaluatee at a time (a ranking row, a breakdown, an export line),
    and at province size one row per cell meant 600,000 logged, indexed rows a run; one row per
    evaluatee writes 20,000 (bench/README.md has the figures)."""

    # The run row exists before its statement writes any result, and goes only with its scheme
    # (Django cascades): a database foreign key would only add a check per row at commit, and a
    # run_id index would repeat the unique index (run, evaluatee) that every read goes through.
    run = models.ForeignKey(
        ComputationRun, on_delete=models.CASCADE, related_name="results", db_constraint=False, db_index=False
    )
    evaluatee = models.ForeignKey(Evaluatee, on_delete=models.CASCADE, related_name="results")
    total = models.DecimalField(_("total"), max_digits=12, decimal_places=4)
    rank = models.PositiveIntegerField(_("rank"))
    position = models.PositiveIntegerField(_("list position"))
    peer_size = models.PositiveIntegerField(_("peers"))
    percentile = models.DecimalField(_("percentile"), max_digits=6, decimal_places=2)
    band = models.CharField(_("band"), max_length=12, choices=Band.choices)
    #: {"<indicator id>": points or null} for every leaf indicator (null: nobody scored it).
    cell_points = models.JSONField(_("points per indicator"), default=dict, decoder=PointsDecoder)
    #: {"*": the usual number of evaluators of a cell, "<indicator id>": the number of a cell with
    #: another number}; earlier runs list every cell (read it through `evaluators_for`).
    cell_evaluators = models.JSONField(_("evaluators per indicator"), default=dict)
    #: {"<indicator id>": how the points were reached}, for computed and lead-confirmed cells only.
    cell_derivations = models.JSONField(_("derivations per indicator"), default=dict)

    objects = ScopedQuerySet.as_manager()
    scope_rule = Rule(
        campus=("evaluatee__school__campuses", "evaluatee__campus", "evaluatee__staff__home_campus")
    )

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")
        ordering = ["run", "position"]
        constraints = [
            models.UniqueConstraint(fields=["run", "evaluatee"], name="result_unique_per_run"),
        ]

    def __str__(self) -> str:
        return f"#{self.run_id} {self.evaluatee_id}: {self.total} ({self.rank})"

    @cached_property
    def indicator_points(self) -> dict[int, Decimal | None]:
        """Points per indicator id, worked out once per row (a table reads it once per column)."""
        return {int(key): cell_points(value) for key, value in self.cell_points.items()}

    def evaluators_for(self, indicator_id: int) -> int:
        """The number of evaluators whose scores make the cell (0 for an indicator that is not
        one of the result's cells). Since issue 16 `cell_evaluators` lists only the cells whose
        number differs from the usual one, under "*"; earlier runs list every cell."""
        key = str(indicator_id)
        if key not in self.cell_points:
            return 0
        return int(self.cell_evaluators.get(key, self.cell_evaluators.get("*", 0)))

    def derivation_for(self, indicator_id: int) -> str:
        return self.cell_derivations.get(str(indicator_id), "")


class PublishedSnapshot(models.Model):
    """A published version of a scheme's results, frozen as JSON: later score edits or runs
    never change it. Re-publishing creates the next version, with its reason."""

    scheme = models.ForeignKey(
        Scheme, verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="snapshots"
    )
    version = models.PositiveIntegerField(_("version"))
    run = models.ForeignKey(
        ComputationRun, verbose_name=_("run"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    data = models.JSONField(_("frozen results"))
    reason = models.TextField(_("reason"), blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("published by"), on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()
    scope_rule = Rule(group=("scheme__group",), shared=Q(), public=Q(scheme__group__isnull=True))

    class Meta:
        verbose_name = _("published results")
        verbose_name_plural = _("published results")
        ordering = ["scheme", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "version"], name="snapshot_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.scheme} v{self.version}"


class Appeal(Versioned):
    """复核: an evaluatee's leadership contests one indicator of a published result."""

    class Status(models.TextChoices):
        FILED = "filed", _("Filed")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    snapshot = models.ForeignKey(
        PublishedSnapshot,
        verbose_name=_("published version"),
        on_delete=models.PROTECT,
        related_name="appeals",
    )
    evaluatee = models.ForeignKey(
        Evaluatee, verbose_name=_("evaluatee"), on_delete=models.CASCADE, related_name="appeals"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="+"
    )
    reasons = models.TextField(_("reasons"))
    evidence = models.FileField(_("evidence file"), upload_to="evaluation/appeals/", blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.FILED)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("filed by"), on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("decision reason"), blank=True)
    corrected_points = models.DecimalField(
        _("corrected points"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    resulting_snapshot = models.ForeignKey(
        PublishedSnapshot,
        verbose_name=_("resulting version"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()
    scope_rule = Rule(
        campus=("evaluatee__school__campuses", "evaluatee__campus", "evaluatee__staff__home_campus")
    )

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-filed_at"]

    def __str__(self) -> str:
        return f"{self.evaluatee} {self.indicator.code}"


# --- Provisional results (evaluation.provisional) ----------------------------------------------
#
# Derived rows, rewritten by every score save from the scores themselves: they keep no history
# (the scores, reviews and indicators they come from keep theirs) and nobody edits them. The
# computation run (evaluation.compute) stays the official result and what is published.


class ProvisionalPeer(models.Model):
    """One ranking group of a scheme's provisional results (暂定结果): its evaluatees of one peer
    category (or of none). Its row is the lock that orders the saves of one peer category: a
    save locks it before it recomputes cells, totals and the group's ranks, so two saves never
    rank on each other's half-written totals. Derived: no history."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="+")
    peer_category = models.ForeignKey(
        "campuses.PeerCategory",
        verbose_name=_("peer category"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    size = models.PositiveIntegerField(_("peers"), default=0)
    ranked_at = models.DateTimeField(_("ranked at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_rule = Rule(group=("scheme__group",), shared=Q(), public=Q(scheme__group__isnull=True))

    class Meta:
        verbose_name = _("provisional peer group")
        verbose_name_plural = _("provisional peer groups")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "peer_category"], name="provisional_peer_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.scheme_id}/{self.peer_category_id}"


class ProvisionalCell(models.Model):
    """One cell (leaf indicator × evaluatee) of the provisional results: what its evaluators'
    scores add up to (count, sum, highest and lowest: all the trimmed mean needs), its points as
    the official computation would take them (a lead evaluator's correction first), and its share
    of the total, Σ-ready: round(points × 10⁴) × round(weight × 10³), an exact integer, so that
    totals added up save after save never drift. Derived: no history."""

    evaluatee = models.ForeignKey(Evaluatee, on_delete=models.CASCADE, related_name="+")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+", db_index=False)
    evaluators = models.PositiveIntegerField(_("evaluators"), default=0)
    points_sum = models.DecimalField(_("sum of points"), max_digits=12, decimal_places=2, null=True)
    points_max = models.DecimalField(_("highest points"), max_digits=7, decimal_places=2, null=True)
    points_min = models.DecimalField(_("lowest points"), max_digits=7, decimal_places=2, null=True)
    points = models.DecimalField(_("points"), max_digits=12, decimal_places=4, null=True)
    weighted = models.BigIntegerField(_("weighted points (10⁻⁷)"), default=0)

    objects = ScopedQuerySet.as_manager()
    scope_rule = Rule(
        campus=("evaluatee__school__campuses", "evaluatee__campus", "evaluatee__staff__home_campus")
    )

    class Meta:
        verbose_name = _("provisional cell")
        verbose_name_plural = _("provisional cells")
        constraints = [
            models.UniqueConstraint(fields=["evaluatee", "indicator"], name="provisional_cell_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.evaluatee_id}/{self.indicator_id}: {self.points}"


class ProvisionalTotal(models.Model):
    """An evaluatee's provisional total, rank in its peer category, percentile and band (暂定),
    current after every score save: the total is added to in the save's transaction (the exact
    integer `weighted`, Σ of its cells' shares), and the ranks of its peer group only are
    recomputed. Read like a `Result` (the ranking page shows either). Derived: no history."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="+", db_index=False)
    evaluatee = models.OneToOneField(Evaluatee, on_delete=models.CASCADE, related_name="+")
    peer = models.ForeignKey(ProvisionalPeer, on_delete=models.CASCADE, related_name="+", db_index=False)
    code = models.CharField(_("code"), max_length=40)
    weighted = models.BigIntegerField(_("weighted points (10⁻⁷)"), default=0)
    total = models.DecimalField(_("total"), max_digits=12, decimal_places=4, default=0)
    rank = models.PositiveIntegerField(_("rank"), default=0)
    position = models.PositiveIntegerField(_("list position"), default=0)
    peer_size = models.PositiveIntegerField(_("peers"), default=0)
    percentile = models.DecimalField(_("percentile"), max_digits=6, decimal_places=2, default=0)
    band = models.CharField(_("band"), max_length=12, choices=Band.choices, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_rule = Rule(
        campus=("evaluatee__school__campuses", "evaluatee__campus", "evaluatee__staff__home_campus")
    )

    class Meta:
        verbose_name = _("provisional result")
        verbose_name_plural = _("provisional results")
        ordering = ["scheme", "position"]
        indexes = [
            models.Index(fields=["peer", "position"], name="provisional_total_peer_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.evaluatee_id}: {self.total} ({self.rank})"

    #: Set by the selector that reads a page of them (evaluation.selectors.provisional_results).
    indicator_points: dict = {}
