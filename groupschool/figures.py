"""The home dashboard's figures of a whole scope, cached until the data they count changes.

A city's bureau sees every campus: enrollment, staff and exchange figures of hundreds of campuses
are aggregates over the whole city's records, and they change rarely (an enrollment return, a
staff record, a rotation). They are computed once per version of that data and kept in Django's
cache (per process with the default LocMemCache, shared if CACHES names Redis). The funds panel's
numbers (budgets, allocations and spending per campus: `scope_funds`) are kept the same way.

- `DataVersion` row "figures" (kernel.models): every save or delete of a record the figures
  read bumps it in the same transaction (signal handlers below; bulk writes that send no signal
  call `figures_changed()` themselves). A request reads the version first (one small query),
  then looks for the entry of that version; any web process sees a committed change at once.
- The entry is keyed on the version, the user's scope (every campus, or the hash of the campus
  ids) and the exchange year; it holds numbers only (no translated text, no model instances)
  and expires after `CACHE_SECONDS` whatever happens, should a change ever escape the version.
- A cache that fails (Redis down) is logged and skipped: the figures are computed directly.

Writers of the tracked models serialise on the version row until they commit: fine for the
portal's short transactions; a long import holds the others' writes (not reads) until it ends.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS
from django.db.models import F, QuerySet
from django.db.models.signals import post_delete, post_save

from campuses.models import Campus
from campuses.selectors import (
    EnrollmentFigures,
    Term,
    enrollment_figures,
    enrollment_totals,
    policy_settings,
    policy_values_from_settings,
)
from kernel.models import DataVersion
from kernel.scoping import UserScope, user_scope
from sharing.selectors import campus_funds
from staff.selectors import RotationCounts, StaffFigures, rotation_counts, staff_figures, staff_totals

logger = logging.getLogger(__name__)

#: `version` argument meaning "read it from the database" (None is a version: the row is missing).
READ = "read"
#: The `DataVersion` row of the figures.
FIGURES = "figures"
#: Seconds an entry is kept at most: a safety net, the version is what makes entries current.
CACHE_SECONDS = 600
#: Part of every key: change it when `ScopeFigures` changes, so that no entry of another
#: release is ever read (a shared cache outlives a deployment).
LAYOUT = 1

#: The models whose records the figures read (selectors of campuses and staff): their names,
#: schools and groups (the cards' order), stages (class-size standards), enrollment, staff in
#: post, backbone distinctions, active mentoring pairs, rotations and the policy rules.
TRACKED_MODELS = (
    "campuses.EducationGroup",
    "campuses.School",
    "campuses.Campus",
    "campuses.EnrollmentSnapshot",
    "staff.StaffMember",
    "staff.Distinction",
    "staff.Mentorship",
    "staff.Rotation",
    "kernel.PolicySetting",
    # The funds panel's figures (scope_funds): budgets, allocations and spending.
    "sharing.Budget",
    "sharing.Allocation",
    "sharing.Spending",
)


# --- the version -------------------------------------------------------------------------------


def figures_version(using: str = DEFAULT_DB_ALIAS) -> str | None:
    """The version of the data the figures read, or None when the row is missing (a flushed
    database): then nothing is cached. One query."""
    row = DataVersion.objects.using(using).filter(name=FIGURES).values_list("version", "token").first()
    return None if row is None else f"{row[0]}-{row[1]}"


def figures_changed(using: str = DEFAULT_DB_ALIAS) -> None:
    """Move the figures' version on. Call it in the transaction that changes what they count:
    the change and the new version are committed together (and rolled back together)."""
    token = uuid.uuid4().hex
    versions = DataVersion.objects.using(using).filter(name=FIGURES)
    if versions.update(version=F("version") + 1, token=token):
        return
    _, created = DataVersion.objects.using(using).get_or_create(
        name=FIGURES, defaults={"version": 1, "token": token}
    )
    if not created:  # made meanwhile by another transaction: move it on all the same
        versions.update(version=F("version") + 1, token=token)


def _record_changed(sender, using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    figures_changed(using)


def connect_signals() -> None:
    """Bump the version on every save and delete of a tracked model (GroupschoolConfig.ready).
    Deletes that cascade send their signals too; none of the figures reads a many-to-many."""
    for label in TRACKED_MODELS:
        model = apps.get_model(label)
        post_save.connect(_record_changed, sender=model, dispatch_uid=f"figures-save-{label}")
        post_delete.connect(_record_changed, sender=model, dispatch_uid=f"figures-delete-{label}")


# --- the entry ---------------------------------------------------------------------------------

#: EnrollmentFigures as a tuple: term key (0: none), then these fields.
_ENROLLMENT_FIELDS = (
    "pupils",
    "classes",
    "measured_classes",
    "big_classes",
    "super_big_classes",
    "class_size_standard",
    "school_size_max",
    "big_from",
    "super_big_from",
)


def _pack_enrollment(fig: EnrollmentFigures) -> tuple:
    return (fig.term.key if fig.term else 0, *(getattr(fig, name) for name in _ENROLLMENT_FIELDS))


def _unpack_enrollment(campus_id: int, packed: tuple) -> EnrollmentFigures:
    term_key, *numbers = packed
    return EnrollmentFigures(
        campus_id=campus_id,
        term=Term.from_key(term_key) if term_key else None,
        **dict(zip(_ENROLLMENT_FIELDS, numbers, strict=True)),
    )


def _pack_staff(fig: StaffFigures) -> tuple[int, int, int, int]:
    return (fig.staff, fig.teachers, fig.backbone, fig.mentorships)


@dataclass
class ScopeFigures:
    """The figures of every campus in a scope for one exchange year, as plain numbers (a cache
    entry): the cards' order, the policy settings in force, per campus id the enrollment of its
    latest term (without the grades), staff and exchange counts, and their totals."""

    year: int
    order: list[int] = field(default_factory=list)
    policy: dict[str, tuple[Decimal, str]] = field(default_factory=dict)
    enrollment: dict[int, tuple] = field(default_factory=dict)
    staff: dict[int, tuple[int, int, int, int]] = field(default_factory=dict)
    rotation: dict[int, tuple[int, int, int, int]] = field(default_factory=dict)
    enrollment_total: tuple = ()
    staff_total: tuple[int, int, int, int] = (0, 0, 0, 0)
    rotation_total: tuple[int, int, int, int] = (0, 0, 0, 0)

    def enrollment_for(self, campus_id: int) -> EnrollmentFigures | None:
        packed = self.enrollment.get(campus_id)
        return None if packed is None else _unpack_enrollment(campus_id, packed)

    def enrollment_totals(self) -> EnrollmentFigures:
        return _unpack_enrollment(0, self.enrollment_total)

    def staff_for(self, campus_id: int) -> StaffFigures | None:
        packed = self.staff.get(campus_id)
        return None if packed is None else StaffFigures(campus_id, *packed)

    def staff_totals(self) -> StaffFigures:
        return StaffFigures(0, *self.staff_total)

    def rotation_for(self, campus_id: int) -> RotationCounts:
        return RotationCounts(*self.rotation.get(campus_id, ()))

    def rotation_totals(self) -> RotationCounts:
        return RotationCounts(*self.rotation_total)


def card_order_key(campus: Campus) -> tuple:
    """Cards by group (schools outside any group last), school, core campus first, then by
    opening date (a campus without one, the old core campus, first) and name."""
    group = campus.school.group
    return (
        group is None,
        group.name if group else "",
        campus.school.name,
        not campus.is_core,
        campus.opened_on or datetime.date.min,
        campus.name,
    )


def compute_scope_figures(scope: QuerySet, campuses: list[Campus], year: int) -> ScopeFigures:
    """The figures of the `scope` queryset's campuses, `campuses` (with their school and group
    loaded): one query for the policy settings and, when there are campuses, one per selector
    (enrollment, staff, exchanges). The selectors take the scope as a subquery, not a list of
    hundreds of ids to send and plan three times."""
    settings = policy_settings()
    figures = ScopeFigures(year=year, policy=settings)
    figures.order = [campus.pk for campus in sorted(campuses, key=card_order_key)]
    values = policy_values_from_settings(settings)
    enrollment, staff, rotations = {}, {}, {}
    if campuses:
        enrollment = enrollment_figures(campuses=scope, policy=values, with_grades=False)
        staff = staff_figures(campuses=scope)
        rotations = rotation_counts(campuses=scope, year=year, policy=values)
    figures.enrollment = {pk: _pack_enrollment(fig) for pk, fig in enrollment.items()}
    figures.enrollment_total = _pack_enrollment(enrollment_totals(enrollment.values()))
    figures.staff = {pk: _pack_staff(fig) for pk, fig in staff.items()}
    figures.staff_total = _pack_staff(staff_totals(staff.values()))
    figures.rotation = {pk: tuple(counts) for pk, counts in rotations.items()}
    totals = [0] * len(RotationCounts._fields)
    for counts in rotations.values():
        totals = [a + b for a, b in zip(totals, counts, strict=True)]
    figures.rotation_total = tuple(totals)
    return figures


# --- the cache ---------------------------------------------------------------------------------


def scope_key(scope: UserScope) -> str:
    """A scope in a cache key: every part of it the scoping rules read (the figures read campuses;
    budgets are a school's, allocations and spending a campus's, and roles may widen them)."""
    if scope.everything:
        return "all"
    parts = (
        scope.campus_ids,
        scope.group_ids,
        scope.member_group_ids,
        scope.school_ids,
        scope.led_school_ids,
        scope.roles,
    )
    text = "|".join(",".join(sorted(str(x) for x in part)) for part in parts)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _cache_get(key: str):
    try:
        return cache.get(key)
    except Exception as error:  # any fault of the cache (server down, entry unreadable): compute
        logger.warning("Dashboard figures: cache unavailable, computing them (%r)", error)
        return None


def _cache_set(key: str, figures) -> None:
    try:
        cache.set(key, figures, CACHE_SECONDS)
    except Exception as error:
        logger.warning("Dashboard figures: cache unavailable, figures not kept (%r)", error)


def _cached(kind: str, user, year: int, version, compute):
    """(value, campuses by id) of `compute()`, or of the cache entry of `kind` for the user's scope,
    `year` and the figures' `version` (READ: read it here). Nothing is cached while the version row
    is missing; an entry of another shape or year is computed again."""
    if version is READ:
        version = figures_version()
    key = (
        f"groupschool:dashboard-{kind}:{LAYOUT}:{version}:{scope_key(user_scope(user))}:{year}"
        if version is not None
        else None
    )
    if key is not None:
        value = _cache_get(key)
        if getattr(value, "year", None) == year:
            return value, {}
    value, campuses = compute()
    if key is not None:
        _cache_set(key, value)
    return value, campuses


@dataclass
class FundsFigures:
    """The funds panel's numbers for a scope and a year: the budgets' total and, per campus in
    scope (in the funds page's order), (campus id, allocated, spent)."""

    year: int
    budgeted: Decimal
    rows: list[tuple[int, Decimal, Decimal]]


def scope_funds(user, year: int, version: str | None = READ) -> tuple[FundsFigures, dict[int, Campus]]:
    """The funds panel's numbers for the user's scope in `year`, from the cache while no
    budget, allocation, spending or campus has changed (the figures' version); also the campuses
    (school loaded) by id when they had to be fetched. One query when cached (none when the
    caller passes the `version` it read); otherwise those of sharing.selectors.campus_funds.
    (The bureau's panel over 522 campuses took 28 ms.)"""

    def compute():
        summary = campus_funds(user=user, year=year)
        funds = FundsFigures(
            year=year,
            budgeted=summary.budgeted,
            rows=[(row.campus.pk, row.allocated, row.spent) for row in summary.rows],
        )
        return funds, {row.campus.pk: row.campus for row in summary.rows}

    return _cached("funds", user, year, version, compute)


def scope_figures(user, year: int, version: str | None = READ) -> tuple[ScopeFigures, dict[int, Campus]]:
    """The figures of the user's scope for `year`, from the cache when the data has not changed
    since they were computed. Also the scope's campuses (school and group loaded) by id when
    they had to be fetched to compute the figures; empty when the figures came from the cache.

    One query when cached (the version); otherwise also the campuses and those of
    `compute_scope_figures`, whatever the number of campuses. A caller that has read the version
    (`figures_version()`) for other cached figures of the same request passes it as `version`.
    """

    def compute():
        scope_campuses = Campus.objects.for_user(user)
        campuses = list(scope_campuses.select_related("school__group"))
        figures = compute_scope_figures(scope_campuses, campuses, year)
        return figures, {campus.pk: campus for campus in campuses}

    return _cached("figures", user, year, version, compute)
