"""campuses.selectors: enrollment figures per campus against the class-size rules in force."""

from decimal import Decimal

from campuses.selectors import Term, enrollment_figures, enrollment_totals
from kernel.models import PolicySetting
from tests.campuses.factories import CampusFactory, EnrollmentSnapshotFactory, SchoolFactory


def snapshot(campus, sizes, *, grade=1, year=2025, semester=1):
    return EnrollmentSnapshotFactory(
        campus=campus,
        school_year=year,
        semester=semester,
        grade=grade,
        classes=len(sizes),
        pupils=sum(sizes),
        class_sizes=sizes,
    )


def test_big_and_very_big_shares_follow_the_default_thresholds(db):
    campus = CampusFactory()
    snapshot(campus, [52, 58, 67])
    fig = enrollment_figures(campus_ids=[campus.pk])[campus.pk]
    assert (fig.pupils, fig.classes, fig.measured_classes) == (177, 3, 3)
    assert fig.average_class_size == Decimal("59.0")
    assert (fig.big_classes, fig.super_big_classes) == (2, 1)
    assert fig.big_class_share == Decimal("66.7")
    assert fig.super_big_class_share == Decimal("33.3")
    assert (fig.big_from, fig.super_big_from) == (56, 66)


def test_thresholds_are_inclusive(db):
    campus = CampusFactory()
    snapshot(campus, [55, 56, 65, 66])
    fig = enrollment_figures(campus_ids=[campus.pk])[campus.pk]
    assert (fig.big_classes, fig.super_big_classes) == (3, 1)


def test_changed_policy_settings_change_the_shares(db):
    campus = CampusFactory()
    snapshot(campus, [52, 58, 67])
    PolicySetting.objects.create(key="big_class_from", value=50)
    PolicySetting.objects.create(key="super_big_class_from", value=58)
    fig = enrollment_figures(campus_ids=[campus.pk])[campus.pk]
    assert (fig.big_classes, fig.super_big_classes) == (3, 2)
    assert fig.big_class_share == Decimal("100.0")
    assert fig.super_big_class_share == Decimal("66.7")


def test_grades_of_the_term_are_added_up(db):
    campus = CampusFactory()
    snapshot(campus, [45, 47], grade=1)
    snapshot(campus, [60], grade=2)
    fig = enrollment_figures(campus_ids=[campus.pk])[campus.pk]
    assert (fig.pupils, fig.classes, fig.big_classes) == (152, 3, 1)
    assert [g.grade for g in fig.grades] == [1, 2]
    assert fig.grades[1].sizes_flagged == [(60, "big")]
    assert fig.grades[0].sizes_flagged == [(45, ""), (47, "over_standard")]


def test_latest_term_of_each_campus_is_used(db):
    early, late = CampusFactory(), CampusFactory()
    snapshot(early, [40], year=2024, semester=1)
    snapshot(early, [41], year=2024, semester=2)
    snapshot(late, [50], year=2024, semester=2)
    snapshot(late, [60], year=2025, semester=1)
    figures = enrollment_figures(campus_ids=[early.pk, late.pk])
    assert figures[early.pk].term == Term(2024, 2)
    assert figures[early.pk].pupils == 41
    assert figures[late.pk].term == Term(2025, 1)
    assert figures[late.pk].pupils == 60


def test_a_given_school_year_and_term_are_used(db):
    campus = CampusFactory()
    snapshot(campus, [40], year=2024, semester=1)
    snapshot(campus, [41], year=2024, semester=2)
    snapshot(campus, [60], year=2025, semester=1)
    assert enrollment_figures(campus_ids=[campus.pk], school_year=2024)[campus.pk].pupils == 41
    figures = enrollment_figures(campus_ids=[campus.pk], school_year=2024, semester=1)
    assert figures[campus.pk].pupils == 40
    assert enrollment_figures(campus_ids=[campus.pk], school_year=2020) == {}


def test_classes_without_listed_sizes_are_not_in_the_shares(db):
    campus = CampusFactory()
    snapshot(campus, [60, 50])
    EnrollmentSnapshotFactory(campus=campus, grade=2, classes=2, pupils=100, class_sizes=[])
    fig = enrollment_figures(campus_ids=[campus.pk])[campus.pk]
    assert (fig.classes, fig.measured_classes, fig.big_classes) == (4, 2, 1)
    assert fig.big_class_share == Decimal("50.0")


def test_school_size_against_the_stage_limit(db):
    primary = CampusFactory(school=SchoolFactory(stage="primary"))
    nine_year = CampusFactory(school=SchoolFactory(stage="nine_year"))
    for campus in (primary, nine_year):
        snapshot(campus, [50] * 42)  # 2100 pupils
    figures = enrollment_figures(campus_ids=[primary.pk, nine_year.pk])
    assert figures[primary.pk].school_size_max == 2000
    assert figures[primary.pk].over_school_size
    assert figures[nine_year.pk].school_size_max == 2500
    assert not figures[nine_year.pk].over_school_size


def test_campus_queryset_is_accepted_and_totals_add_up(db):
    a, b = CampusFactory(), CampusFactory()
    snapshot(a, [52, 58, 67])
    snapshot(b, [40, 70])
    figures = enrollment_figures(campuses=type(a).objects.filter(pk__in=[a.pk, b.pk]))
    total = enrollment_totals(figures.values())
    assert (total.pupils, total.classes, total.big_classes, total.super_big_classes) == (287, 5, 3, 2)
    assert total.big_class_share == Decimal("60.0")


def test_queries_do_not_grow_with_campuses(db, django_assert_max_num_queries):
    def make(n):
        campuses = [CampusFactory() for _ in range(n)]
        for campus in campuses:
            for grade in (1, 2):
                snapshot(campus, [50, 57], grade=grade)
        return campuses

    for n in (3, 12):
        ids = [c.pk for c in make(n)]
        with django_assert_max_num_queries(2):
            figures = enrollment_figures(campus_ids=ids)
        assert len(figures) == n


def test_term_parse():
    assert Term.parse("2025-1") == Term(2025, 1)
    assert Term.parse("2025-3") is None
    assert Term.parse("x") is None
    assert Term(2025, 1).label == "2025–2026-1"


def test_latest_term_within_the_semester_given(db):
    campus = CampusFactory()
    snapshot(campus, [40], year=2023, semester=2)
    snapshot(campus, [41], year=2024, semester=2)
    snapshot(campus, [60], year=2025, semester=1)
    figures = enrollment_figures(campus_ids=[campus.pk], semester=2)
    assert (figures[campus.pk].term, figures[campus.pk].pupils) == (Term(2024, 2), 41)


def test_figures_without_grades_add_up_the_same(db):
    a, b = CampusFactory(), CampusFactory()
    snapshot(a, [52, 58, 67])
    snapshot(a, [40, 44], grade=2)
    snapshot(b, [70], year=2024)
    full = enrollment_figures(campus_ids=[a.pk, b.pk])
    light = enrollment_figures(campus_ids=[a.pk, b.pk], with_grades=False)
    assert [len(fig.grades) for fig in full.values()] == [2, 1]
    assert all(fig.grades == [] for fig in light.values())
    for pk, fig in full.items():
        fig.grades = []
        assert light[pk] == fig
