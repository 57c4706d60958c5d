"""Read-side figures of groups, schools and campuses: enrollment, class size, school size.

Every selector runs a constant number of queries whatever the number of campuses: snapshots of
the term wanted are fetched in one query and summed in Python (class sizes are a JSON list, so
big-class shares follow the thresholds in force — 国发〔2016〕40号 — not counts fixed at entry).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F, Max, Q, QuerySet, Window
from guardian.shortcuts import get_objects_for_user

from kernel.models import POLICY_RULES, PolicySetting, policy_values
from kernel.roles import CAMPUS_PERMISSION, GROUP_PERMISSION, Role
from kernel.scoping import CampusRows

from .models import Campus, EducationGroup, EnrollmentSnapshot, School, Stage

#: Grades 1 to 6 are primary, 7 to 9 junior secondary (for the class-size standard of a grade).
LAST_PRIMARY_GRADE = 6


@dataclass(frozen=True)
class Term:
    """A school year and semester, e.g. 2025 autumn (2025–2026-1)."""

    school_year: int
    semester: int

    @property
    def key(self) -> int:
        return self.school_year * 10 + self.semester

    @property
    def label(self) -> str:
        return f"{self.school_year}–{self.school_year + 1}-{self.semester}"

    @property
    def param(self) -> str:
        """The value of a `term` query parameter: 2025-1."""
        return f"{self.school_year}-{self.semester}"

    @classmethod
    def from_key(cls, key: int) -> Term:
        return cls(key // 10, key % 10)

    @classmethod
    def parse(cls, value: str | None) -> Term | None:
        """`2025-1` → Term(2025, 1); anything else → None."""
        try:
            year, semester = (int(part) for part in (value or "").split("-"))
        except ValueError:
            return None
        if year < 2000 or semester not in EnrollmentSnapshot.Semester.values:
            return None
        return cls(year, semester)

    def __str__(self) -> str:
        return self.label


@dataclass(frozen=True)
class ClassSizeThresholds:
    """The class-size rules in force (policy settings)."""

    big_from: int
    super_big_from: int
    standard_primary: int
    standard_junior: int
    school_size_max: int
    school_size_max_nine_year: int

    @classmethod
    def from_policy(cls, values: dict[str, Decimal] | None = None) -> ClassSizeThresholds:
        values = values if values is not None else policy_values()
        return cls(
            big_from=int(values["big_class_from"]),
            super_big_from=int(values["super_big_class_from"]),
            standard_primary=int(values["class_size_standard_primary"]),
            standard_junior=int(values["class_size_standard_junior"]),
            school_size_max=int(values["school_size_max"]),
            school_size_max_nine_year=int(values["school_size_max_nine_year"]),
        )

    def standard_for_grade(self, grade: int) -> int:
        return self.standard_primary if grade <= LAST_PRIMARY_GRADE else self.standard_junior

    def standard_for_stage(self, stage: str) -> int:
        return self.standard_junior if stage == Stage.JUNIOR else self.standard_primary

    def school_size_for_stage(self, stage: str) -> int:
        return self.school_size_max_nine_year if stage == Stage.NINE_YEAR else self.school_size_max

    def count_big(self, sizes: Iterable[int]) -> tuple[int, int]:
        """(big classes, very big classes) among the class sizes given."""
        big_from, super_big_from = self.big_from, self.super_big_from
        big = super_big = 0
        for n in sizes:
            if n >= big_from:
                big += 1
            if n >= super_big_from:
                super_big += 1
        return big, super_big


def share(part: int, whole: int) -> Decimal | None:
    """`part` as a percentage of `whole`, one decimal; None when there is nothing to divide."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


def average(total: int, count: int) -> Decimal | None:
    if not count:
        return None
    return (Decimal(total) / Decimal(count)).quantize(Decimal("0.1"))


@dataclass
class GradeFigures:
    """One grade of one campus in one term."""

    grade: int
    classes: int
    pupils: int
    class_sizes: list[int]
    standard: int
    big_from: int
    super_big_from: int

    @property
    def average_class_size(self) -> Decimal | None:
        return average(self.pupils, self.classes)

    @property
    def big_classes(self) -> int:
        return sum(1 for n in self.class_sizes if n >= self.big_from)

    @property
    def super_big_classes(self) -> int:
        return sum(1 for n in self.class_sizes if n >= self.super_big_from)

    @property
    def sizes_flagged(self) -> list[tuple[int, str]]:
        """Each class size with its flag: "super_big", "big", "over_standard" or ""."""
        flagged = []
        for n in self.class_sizes:
            if n >= self.super_big_from:
                flag = "super_big"
            elif n >= self.big_from:
                flag = "big"
            elif n > self.standard:
                flag = "over_standard"
            else:
                flag = ""
            flagged.append((n, flag))
        return flagged


@dataclass
class EnrollmentFigures:
    """Enrollment of one campus in one term (its latest, unless a term was asked for)."""

    campus_id: int
    term: Term | None
    pupils: int = 0
    classes: int = 0
    #: Classes whose size is listed: the denominator of the big-class shares.
    measured_classes: int = 0
    big_classes: int = 0
    super_big_classes: int = 0
    class_size_standard: int = 0
    school_size_max: int = 0
    big_from: int = 0
    super_big_from: int = 0
    grades: list[GradeFigures] = field(default_factory=list)

    @property
    def has_data(self) -> bool:
        return self.term is not None

    @property
    def average_class_size(self) -> Decimal | None:
        return average(self.pupils, self.classes)

    @property
    def big_class_share(self) -> Decimal | None:
        """Percentage of (measured) classes with `big_from` pupils or more (大班额)."""
        return share(self.big_classes, self.measured_classes)

    @property
    def super_big_class_share(self) -> Decimal | None:
        """Percentage of (measured) classes with `super_big_from` pupils or more (超大班额)."""
        return share(self.super_big_classes, self.measured_classes)

    @property
    def over_standard(self) -> bool:
        avg = self.average_class_size
        return avg is not None and avg > self.class_size_standard

    @property
    def over_school_size(self) -> bool:
        return self.pupils > self.school_size_max

    @property
    def term_label(self) -> str:
        return self.term.label if self.term else ""


def _campus_ids_query(campuses: QuerySet | Iterable[int] | None, campus_ids: Iterable[int] | None):
    """A values("pk") subquery for a Campus queryset, or a list of ids."""
    source = campuses if campuses is not None else campus_ids
    if source is None:
        raise TypeError("Pass campuses (a Campus queryset) or campus_ids.")
    if isinstance(source, QuerySet):
        return source.order_by().values("pk")
    return [getattr(item, "pk", item) for item in source]


def enrollment_snapshots_for_term(
    *,
    campuses: QuerySet | Iterable[int] | None = None,
    campus_ids: Iterable[int] | None = None,
    school_year: int | None = None,
    semester: int | None = None,
) -> QuerySet:
    """Snapshots of each campus for one term: the term given, or each campus's latest term
    (within `school_year` if given). One query, with the school's stage alongside."""
    ids = _campus_ids_query(campuses, campus_ids)
    snapshots = EnrollmentSnapshot.objects.filter(campus_id__in=ids)
    if school_year is not None:
        snapshots = snapshots.filter(school_year=school_year)
    if semester is not None:
        snapshots = snapshots.filter(semester=semester)
    snapshots = snapshots.annotate(term_key=F("school_year") * 10 + F("semester"))
    if school_year is None or semester is None:
        # Each campus's latest term among the rows already filtered: a window over the campus's
        # rows (one pass, sorted by campus) rather than a subquery run again for every row.
        snapshots = snapshots.annotate(
            latest_key=Window(Max("term_key"), partition_by=F("campus_id"))
        ).filter(term_key=F("latest_key"))
    return snapshots.annotate(stage=F("campus__school__stage")).order_by("campus_id", "grade")


def enrollment_figures(
    *,
    campuses: QuerySet | Iterable[int] | None = None,
    campus_ids: Iterable[int] | None = None,
    school_year: int | None = None,
    semester: int | None = None,
    policy: dict[str, Decimal] | None = None,
    with_grades: bool = True,
) -> dict[int, EnrollmentFigures]:
    """Per campus id: pupils, classes, average class size, big-class (大班额) and very-big-class
    (超大班额) shares and school size, for the latest term of each campus or the term given;
    with the figures of each grade unless `with_grades` is false (their `grades` stay empty).

    Two queries (policy values and snapshots) whatever the number of campuses; one when the
    caller passes `policy` (a dict from `policy_values()`). Campuses without snapshots in that
    term are absent from the result.
    """
    thresholds = ClassSizeThresholds.from_policy(policy)
    big_from, super_big_from = thresholds.big_from, thresholds.super_big_from
    figures: dict[int, EnrollmentFigures] = {}
    # Plain rows, not model instances: a city's latest term is thousands of snapshots.
    rows = enrollment_snapshots_for_term(
        campuses=campuses, campus_ids=campus_ids, school_year=school_year, semester=semester
    ).values_list("campus_id", "term_key", "stage", "grade", "classes", "pupils", "class_sizes")
    for campus_id, term_key, stage, grade, classes, pupils, class_sizes in rows:
        fig = figures.get(campus_id)
        if fig is None:
            fig = figures[campus_id] = EnrollmentFigures(
                campus_id=campus_id,
                term=Term.from_key(term_key),
                class_size_standard=thresholds.standard_for_stage(stage),
                school_size_max=thresholds.school_size_for_stage(stage),
                big_from=big_from,
                super_big_from=super_big_from,
            )
        sizes = [int(n) for n in (class_sizes or [])]
        big, super_big = thresholds.count_big(sizes)
        fig.pupils += pupils
        fig.classes += classes
        fig.measured_classes += len(sizes)
        fig.big_classes += big
        fig.super_big_classes += super_big
        if with_grades:
            fig.grades.append(
                GradeFigures(
                    grade=grade,
                    classes=classes,
                    pupils=pupils,
                    class_sizes=sizes,
                    standard=thresholds.standard_for_grade(grade),
                    big_from=big_from,
                    super_big_from=super_big_from,
                )
            )
    return figures


def enrollment_totals(figures: Iterable[EnrollmentFigures]) -> EnrollmentFigures:
    """The figures of several campuses added up (their terms may differ: term is None)."""
    total = EnrollmentFigures(campus_id=0, term=None)
    for fig in figures:
        total.pupils += fig.pupils
        total.classes += fig.classes
        total.measured_classes += fig.measured_classes
        total.big_classes += fig.big_classes
        total.super_big_classes += fig.super_big_classes
        total.class_size_standard = total.class_size_standard or fig.class_size_standard
        total.school_size_max = total.school_size_max or fig.school_size_max
        total.big_from, total.super_big_from = fig.big_from, fig.super_big_from
    return total


def campus_terms(*, campus: Campus) -> list[Term]:
    """The terms for which the campus has enrollment figures, latest first (one query)."""
    keys = (
        EnrollmentSnapshot.objects.filter(campus=campus)
        .annotate(key=F("school_year") * 10 + F("semester"))
        .order_by("-key")
        .values_list("key", flat=True)
        .distinct()
    )
    return [Term.from_key(key) for key in keys]


@dataclass(frozen=True)
class PolicyRow:
    """One policy rule as shown on the policy page and next to the figures it drives."""

    key: str
    label: str
    value: Decimal
    default: Decimal
    unit: str
    source: str
    note: str

    @property
    def is_default(self) -> bool:
        return self.value == self.default


def policy_rows(keys: Iterable[str] | None = None) -> list[PolicyRow]:
    """Every policy rule (or the ones named) with its value in force, default, unit and source.
    One query."""
    return policy_rows_from_settings(policy_settings(), keys)


def policy_settings() -> dict[str, tuple[Decimal, str]]:
    """The administrator's settings as {key: (value, note)}: plain values, fit for a cache.
    One query."""
    return {
        key: (value, note) for key, value, note in PolicySetting.objects.values_list("key", "value", "note")
    }


def policy_rows_from_settings(
    settings: dict[str, tuple[Decimal, str]], keys: Iterable[str] | None = None
) -> list[PolicyRow]:
    """The rows `policy_rows()` returns, from settings already fetched (`policy_settings()`):
    labels are translated in the language active now."""
    rows = []
    for key in keys if keys is not None else POLICY_RULES:
        rule = POLICY_RULES[key]
        value, note = settings.get(key, (rule.default, ""))
        rows.append(
            PolicyRow(
                key=key,
                label=str(rule.label),
                value=value,
                default=rule.default,
                unit=str(rule.unit),
                source=str(rule.source),
                note=note,
            )
        )
    return rows


def policy_values_from_settings(settings: dict[str, tuple[Decimal, str]]) -> dict[str, Decimal]:
    """The dict `policy_values()` would return, from `policy_settings()`."""
    values = {key: rule.default for key, rule in POLICY_RULES.items()}
    values.update({key: value for key, (value, _note) in settings.items()})
    return values


def policy_values_from_rows(rows: Iterable[PolicyRow]) -> dict[str, Decimal]:
    """The dict `policy_values()` would return, from rows already fetched (saves a query)."""
    values = {key: rule.default for key, rule in POLICY_RULES.items()}
    values.update({row.key: row.value for row in rows})
    return values


# --- The door's source (kernel.scoping.register_scope_source; registered in apps.py) ------------


def user_campus_rows(user, roles: frozenset[str]) -> CampusRows:
    """The groups a user leads and the campuses they hold (object permissions), with the
    campuses of the groups they lead, as (campus, school, group) rows. Two queries."""
    group_ids = (
        frozenset(
            get_objects_for_user(
                user, GROUP_PERMISSION, EducationGroup, accept_global_perms=False
            ).values_list("pk", flat=True)
        )
        if Role.GROUP_LEADERSHIP in roles
        else frozenset()
    )
    campus_q = Q(
        pk__in=get_objects_for_user(user, CAMPUS_PERMISSION, Campus, accept_global_perms=False).values("pk")
    )
    if group_ids:
        campus_q |= Q(school__group_id__in=group_ids)
    rows = tuple(Campus.objects.filter(campus_q).values_list("pk", "school_id", "school__group_id"))
    return CampusRows(group_ids, rows)


def schools_of_group(*, user, group: EducationGroup) -> list[School]:
    """The group's schools the user may read (a vice-principal: their campus's school)."""
    return list(School.objects.for_user(user).filter(group=group).select_related("peer_category").distinct())


def campuses_in_scope(
    *, user, group: EducationGroup | None = None, school: School | None = None
) -> list[Campus]:
    """The campuses of a group or a school that the user may read, with their school and
    executive vice-principal."""
    campuses = Campus.objects.for_user(user).select_related("school", "executive_vice_principal")
    if group is not None:
        campuses = campuses.filter(school__group=group)
    if school is not None:
        campuses = campuses.filter(school=school)
    return list(campuses)
