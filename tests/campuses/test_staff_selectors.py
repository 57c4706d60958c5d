"""staff.selectors: staff figures and the exchange (交流轮岗) figures against their targets."""

import datetime
from decimal import Decimal

import pytest

from campuses.models import Campus
from kernel.models import PolicySetting, policy_values
from staff.models import Distinction, Mentorship, PostType, Rotation
from staff.selectors import RotationCounts, rotation_counts, rotation_figures, staff_figures
from tests.campuses.factories import CampusFactory
from tests.staff.factories import DistinctionFactory, MentorshipFactory, RotationFactory, StaffMemberFactory


def test_staff_figures_count_in_post_teachers_backbone_and_active_pairs(db):
    campus, other = CampusFactory(), CampusFactory()
    teachers = [StaffMemberFactory(home_campus=campus) for _ in range(4)]
    StaffMemberFactory(home_campus=campus, post_type=PostType.MANAGEMENT)
    StaffMemberFactory(home_campus=campus, is_active=False)
    StaffMemberFactory(home_campus=other)
    DistinctionFactory(staff=teachers[0], kind=Distinction.Kind.BACKBONE)
    DistinctionFactory(staff=teachers[0], kind=Distinction.Kind.FAMOUS_TEACHER)  # still one person
    DistinctionFactory(staff=teachers[1], kind=Distinction.Kind.SUBJECT_LEADER)
    DistinctionFactory(staff=teachers[2], kind=Distinction.Kind.FAMOUS_HEAD_TEACHER)  # not backbone
    MentorshipFactory(mentor=teachers[0], mentee=teachers[3], campus=campus)
    MentorshipFactory(
        mentor=teachers[1], mentee=teachers[3], campus=campus, status=Mentorship.Status.COMPLETED
    )

    figures = staff_figures(campus_ids=[campus.pk, other.pk])
    fig = figures[campus.pk]
    assert (fig.staff, fig.teachers, fig.backbone, fig.mentorships) == (5, 4, 2, 1)
    assert fig.backbone_share == Decimal("50.0")
    assert (figures[other.pk].staff, figures[other.pk].mentorships) == (1, 0)


def test_staff_figures_queries_do_not_grow_with_campuses(db, django_assert_max_num_queries):
    for n in (3, 12):
        campuses = [CampusFactory() for _ in range(n)]
        for campus in campuses:
            DistinctionFactory(staff=StaffMemberFactory(home_campus=campus))
        with django_assert_max_num_queries(1):
            figures = staff_figures(campus_ids=[c.pk for c in campuses])
        assert [figures[c.pk].backbone for c in campuses] == [1] * n


@pytest.fixture
def exchange(campuses):
    """龙翔: 10 teachers eligible in 2025 (since 2019-09-01), 2 too recent, 1 undated."""
    longxiang, taojiang = campuses["longxiang"], campuses["taojiang"]
    eligible = [
        StaffMemberFactory(home_campus=longxiang, on_campus_since=datetime.date(2019, 9, 1))
        for _ in range(10)
    ]
    StaffMemberFactory(home_campus=longxiang, on_campus_since=datetime.date(2019, 9, 2))
    StaffMemberFactory(home_campus=longxiang, on_campus_since=datetime.date(2023, 9, 1))
    StaffMemberFactory(home_campus=longxiang, on_campus_since=None)
    StaffMemberFactory(
        home_campus=longxiang, on_campus_since=datetime.date(2000, 9, 1), post_type=PostType.SERVICE
    )
    DistinctionFactory(staff=eligible[0], kind=Distinction.Kind.BACKBONE)

    def rotate(person, status, start=datetime.date(2025, 9, 1)):
        return RotationFactory(
            staff=person,
            to_campus=taojiang,
            status=status,
            start_on=start,
            planned_end_on=start.replace(year=start.year + 3),
        )

    rotate(eligible[0], Rotation.Status.ACTIVE)
    rotate(eligible[1], Rotation.Status.APPROVED)
    rotate(eligible[2], Rotation.Status.COMPLETED, start=datetime.date(2025, 2, 1))
    rotate(eligible[3], Rotation.Status.PROPOSED)
    rotate(eligible[4], Rotation.Status.REJECTED)
    rotate(eligible[5], Rotation.Status.WITHDRAWN)
    rotate(eligible[6], Rotation.Status.ACTIVE, start=datetime.date(2024, 9, 1))
    return campuses


def test_exchange_figures_of_a_campus(exchange, bureau):
    report = rotation_figures(user=bureau, year=2025)
    row = report.for_campus(exchange["longxiang"].pk)
    assert (row.eligible, row.exchanged, row.backbone_exchanged, row.undated) == (10, 3, 1, 1)
    assert row.ratio.value == Decimal("30.0")
    assert row.ratio.target == Decimal("10")
    assert row.ratio.met is True
    assert "2014" in row.ratio.source
    assert row.backbone_share.value == Decimal("33.3")
    assert row.backbone_share.target == Decimal("20")
    assert row.backbone_share.met is True
    assert report.eligible_since == datetime.date(2019, 9, 1)
    assert report.eligible_years.target == Decimal("6")


def test_exchanges_are_counted_at_the_campus_left(exchange, bureau):
    report = rotation_figures(user=bureau, year=2025)
    assert report.for_campus(exchange["taojiang"].pk).exchanged == 0
    assert (report.totals.exchanged, report.totals.eligible) == (3, 10)
    assert report.totals.ratio.value == Decimal("30.0")


def test_other_years_count_their_own_exchanges(exchange, bureau):
    row = rotation_figures(user=bureau, year=2024).for_campus(exchange["longxiang"].pk)
    assert row.exchanged == 1
    # In 2024 those who arrived on 2019-09-01 had five years only.
    assert row.eligible == 0
    assert row.ratio.value is None
    assert row.ratio.met is None


def test_eligible_years_follow_the_policy_setting(exchange, bureau):
    PolicySetting.objects.create(key="rotation_eligible_years", value=2)
    row = rotation_figures(user=bureau, year=2025).for_campus(exchange["longxiang"].pk)
    assert row.eligible == 12
    assert row.ratio.value == Decimal("25.0")


def test_targets_follow_the_policy_settings(exchange, bureau):
    PolicySetting.objects.create(key="rotation_share_target", value=40)
    PolicySetting.objects.create(key="rotation_backbone_share_target", value=50)
    row = rotation_figures(user=bureau, year=2025).for_campus(exchange["longxiang"].pk)
    assert (row.ratio.target, row.ratio.met) == (Decimal("40"), False)
    assert (row.backbone_share.target, row.backbone_share.met) == (Decimal("50"), False)


def test_vp_gets_only_own_campus(exchange, vp_taojiang, vp_longxiang):
    report = rotation_figures(user=vp_taojiang, year=2025)
    assert [row.campus.code for row in report.rows] == ["taojiang"]
    assert report.totals.exchanged == 0
    assert rotation_figures(user=vp_longxiang, year=2025).totals.exchanged == 3


def test_campus_ids_never_widen_the_scope(exchange, vp_taojiang):
    report = rotation_figures(user=vp_taojiang, year=2025, campus_ids=[exchange["longxiang"].pk])
    assert report.rows == []


def test_outsider_gets_nothing(exchange, outsider):
    report = rotation_figures(user=outsider, year=2025)
    assert report.rows == []
    assert report.totals.exchanged == 0


def test_rotation_figures_queries_do_not_grow_with_campuses(bureau, django_assert_max_num_queries):
    rotation_figures(user=bureau, year=2025)  # the user's scope is computed once and cached
    for n in (3, 12):
        for _ in range(n):
            person = StaffMemberFactory(home_campus=CampusFactory())
            RotationFactory(staff=person, to_campus=CampusFactory(), status=Rotation.Status.ACTIVE)
        with django_assert_max_num_queries(2):
            report = rotation_figures(user=bureau, year=2025)
        assert report.totals.exchanged >= n


@pytest.mark.parametrize("year", [2024, 2025])
def test_rotation_counts_are_those_of_rotation_figures(exchange, bureau, year):
    counts = rotation_counts(campuses=Campus.objects.all(), year=year)
    report = rotation_figures(user=bureau, year=year)
    assert report.rows
    for row in report.rows:
        expected = (row.eligible, row.exchanged, row.backbone_exchanged, row.undated)
        assert counts.get(row.campus.pk, RotationCounts()) == expected
    if year == 2025:
        assert counts[exchange["longxiang"].pk] == RotationCounts(10, 3, 1, 1)


def test_rotation_counts_follow_the_policy_given(exchange):
    values = {**policy_values(), "rotation_eligible_years": Decimal("2")}
    ids = [exchange["longxiang"].pk]
    assert rotation_counts(campus_ids=ids, year=2025, policy=values)[ids[0]].eligible == 12


def test_rotation_counts_queries_do_not_grow_with_campuses(db, django_assert_max_num_queries):
    values = policy_values()
    for n in (3, 12):
        campuses = [CampusFactory() for _ in range(n)]
        for campus in campuses:
            person = StaffMemberFactory(home_campus=campus)
            RotationFactory(staff=person, to_campus=CampusFactory(), status=Rotation.Status.ACTIVE)
        with django_assert_max_num_queries(1):
            counts = rotation_counts(campus_ids=[c.pk for c in campuses], year=2025, policy=values)
        assert [counts[c.pk].exchanged for c in campuses] == [1] * n


def test_staff_figures_take_a_queryset_and_leave_out_unknown_ids(db):
    campus, empty = CampusFactory(), CampusFactory()
    StaffMemberFactory(home_campus=campus)
    by_ids = staff_figures(campus_ids=[campus.pk, empty.pk, 999_999])
    assert set(by_ids) == {campus.pk, empty.pk}
    assert (by_ids[empty.pk].staff, by_ids[empty.pk].mentorships) == (0, 0)
    by_queryset = staff_figures(campuses=Campus.objects.filter(pk__in=[campus.pk, empty.pk]))
    assert by_queryset == by_ids
