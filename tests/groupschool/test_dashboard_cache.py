"""The dashboard's cached figures (groupschool/figures.py): reused while the data they count is
unchanged, recomputed as soon as any of it changes, never needed for the page to work."""

import datetime
import logging
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from campuses.models import Campus, EducationGroup, EnrollmentSnapshot, School
from groupschool import figures as figures_module
from groupschool.figures import CACHE_SECONDS, figures_changed, figures_version
from kernel.models import POLICY_RULES, DataVersion, PolicySetting
from staff.models import Distinction, Mentorship, Rotation, StaffMember
from tests.campuses.factories import (
    CampusFactory,
    EducationGroupFactory,
    EnrollmentSnapshotFactory,
    SchoolFactory,
)
from tests.staff.factories import DistinctionFactory, MentorshipFactory, RotationFactory, StaffMemberFactory

HOME = reverse("home")
#: The answers above the cards read whatever the cache (groupschool/dashboard.py), with no
#: published results: schemes, the plan, rectifications.
ANSWERS = 3
#: The funds panel's figures when computed (campuses, pupils, budgets); cached, none (no campus
#: has money in these tests, so no campus of the panel is read).
FUNDS = 3
#: Figures cached: session, user, roles, the figures' version (read once for figures and funds),
#: the page's campuses.
WARM_QUERIES = 5 + ANSWERS
#: Figures computed: session, user, roles, version, campuses, policy rules, enrollment, staff,
#: exchanges, and the funds.
COLD_QUERIES = 9 + ANSWERS + FUNDS


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def figures(campuses):
    """红旗: 3 classes (52, 58, 67 pupils), 4 teachers in post, one of them backbone, one active
    mentoring pair and one exchange to 桃江 in 2025. Another group, 龟山, of two schools with a
    campus each, whose cards come after the plan's (names sort by code point)."""
    group = EducationGroupFactory(name="龟山教育集团")
    for code, name in (("guishan-zhong", "龟山中学"), ("guishan-xiao", "龟山小学")):
        CampusFactory(code=code, name=f"{name}校区", school=SchoolFactory(name=name, group=group))
    hongqi = campuses["hongqi"]
    EnrollmentSnapshotFactory(campus=hongqi, grade=1, classes=3, pupils=177, class_sizes=[52, 58, 67])
    teachers = [StaffMemberFactory(home_campus=hongqi) for _ in range(4)]
    DistinctionFactory(staff=teachers[0], kind=Distinction.Kind.BACKBONE)
    MentorshipFactory(mentor=teachers[0], mentee=teachers[1], campus=hongqi)
    RotationFactory(
        staff=teachers[2],
        to_campus=campuses["taojiang"],
        status=Rotation.Status.ACTIVE,
        start_on=datetime.date(2025, 9, 1),
    )
    return campuses


def _get(client, **params):
    response = client.get(HOME, {"year": 2025, **params})
    assert response.status_code == 200
    return response


def _without_csrf(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


def _card(response, code):
    return next(card for card in response.context["cards"] if card["campus"].code == code)


def test_second_request_uses_the_cached_figures(figures, client_as, django_assert_num_queries):
    client = client_as("bureau")
    with django_assert_num_queries(COLD_QUERIES):
        first = _get(client)
    with django_assert_num_queries(WARM_QUERIES):
        second = _get(client)
    assert _without_csrf(second) == _without_csrf(first)
    assert second.context["staff_total"] == first.context["staff_total"]
    assert _card(second, "hongqi")["enrollment"].big_class_share == Decimal("66.7")


def test_the_cache_entry_expires_after_a_bounded_time(figures, client_as, monkeypatch):
    timeouts = []
    original = cache.set
    monkeypatch.setattr(
        cache,
        "set",
        lambda key, value, timeout=None: timeouts.append(timeout) or original(key, value, timeout),
    )
    _get(client_as("bureau"))
    assert timeouts == [CACHE_SECONDS] * 3  # the figures, the funds and the cards' HTML
    assert 0 < CACHE_SECONDS <= 15 * 60


def _add_staff(campuses):
    StaffMemberFactory(home_campus=campuses["hongqi"])


def _deactivate_staff(campuses):
    person = StaffMember.objects.filter(home_campus=campuses["hongqi"]).first()
    person.is_active = False
    person.save()


def _delete_staff(campuses):
    StaffMember.objects.filter(
        home_campus=campuses["hongqi"],
        mentees_as_mentor__isnull=True,
        mentors_as_mentee__isnull=True,
        rotations__isnull=True,
    ).first().delete()


def _edit_snapshot(campuses):
    snapshot = EnrollmentSnapshot.objects.get(campus=campuses["hongqi"])
    snapshot.pupils, snapshot.classes, snapshot.class_sizes = 200, 4, [50, 50, 50, 50]
    snapshot.save()


def _new_term(campuses):
    EnrollmentSnapshotFactory(
        campus=campuses["hongqi"], school_year=2026, grade=1, classes=2, pupils=80, class_sizes=[40, 40]
    )


def _delete_snapshot(campuses):
    EnrollmentSnapshot.objects.filter(campus=campuses["hongqi"]).delete()


def _policy(campuses):
    PolicySetting.objects.create(key="big_class_from", value=Decimal("60"))


def _backbone(campuses):
    person = StaffMember.objects.filter(home_campus=campuses["hongqi"], distinctions__isnull=True).first()
    DistinctionFactory(staff=person, kind=Distinction.Kind.SUBJECT_LEADER)


def _end_mentorship(campuses):
    pair = Mentorship.objects.get(campus=campuses["hongqi"])
    pair.status = Mentorship.Status.COMPLETED
    pair.save()


def _new_rotation(campuses):
    RotationFactory(
        staff=StaffMember.objects.filter(home_campus=campuses["hongqi"], rotations__isnull=True).first(),
        to_campus=campuses["longxiang"],
        status=Rotation.Status.APPROVED,
        start_on=datetime.date(2025, 9, 1),
    )


def _cancel_rotation(campuses):
    rotation = Rotation.objects.get(from_campus=campuses["hongqi"])
    rotation.status = Rotation.Status.WITHDRAWN
    rotation.save()


def _new_campus(campuses):
    CampusFactory(school=campuses["hongqi"].school, name="新开校区", opened_on=datetime.date(2030, 9, 1))


def _open_earlier(campuses):
    campus = Campus.objects.get(code="taojiang")
    campus.opened_on = datetime.date(2020, 9, 1)
    campus.save()


def _rename_school(campuses):
    school = School.objects.get(name="龟山小学")
    school.name = "龟山一小"
    school.save()


def _rename_group(campuses):
    group = EducationGroup.objects.get(name="龟山教育集团")
    group.name = "东山教育集团"
    group.save()


def _order(response):
    return [card["campus"].code for card in response.context["cards"]]


def _budget(campuses):
    from sharing.models import Budget, BudgetLine

    line = BudgetLine.objects.order_by("order").first() or BudgetLine.objects.create(
        code="public", name="公用经费"
    )
    return Budget.objects.create(school=campuses["hongqi"].school, year=2025, line=line, amount="900000")


def _allocate(campuses):
    from sharing.models import Allocation

    Allocation.objects.create(budget=_budget(campuses), campus=campuses["hongqi"], amount="600000")


def _spend(campuses):
    from sharing.models import Spending

    line = _budget(campuses).line
    Spending.objects.create(
        line=line,
        campus=campuses["hongqi"],
        spent_on=datetime.date(2025, 5, 1),
        amount="1234.5",
        purpose="图书",
    )


def _funds(response):
    panel = response.context["answers"].funds
    return (panel.budgeted, panel.allocated, panel.spent, [row.campus.code for row in panel.rows])


PLAN_ORDER = ["hongqi", "longxiang", "taojiang"]
GUISHAN_ORDER = ["guishan-zhong", "guishan-xiao"]

#: (edit, what the dashboard shows, before, after)
EDITS = {
    "staff member added": (_add_staff, lambda r: r.context["staff_total"].staff, None, "+1"),
    "staff member leaves the post": (_deactivate_staff, lambda r: r.context["staff_total"].staff, None, "-1"),
    "staff member deleted": (_delete_staff, lambda r: r.context["staff_total"].staff, None, "-1"),
    "enrollment snapshot edited": (_edit_snapshot, lambda r: r.context["enrollment_total"].pupils, 177, 200),
    "enrollment of a later term": (
        _new_term,
        lambda r: _card(r, "hongqi")["enrollment"].term_label,
        None,
        "2026–2027-1",
    ),
    "enrollment snapshot deleted": (
        _delete_snapshot,
        lambda r: _card(r, "hongqi")["enrollment"],
        "any",
        None,
    ),
    "policy rule changed": (
        _policy,
        lambda r: (_card(r, "hongqi")["enrollment"].big_classes, r.context["thresholds"].big_from),
        (2, 56),
        (1, 60),
    ),
    "backbone distinction added": (_backbone, lambda r: _card(r, "hongqi")["staff"].backbone, 1, 2),
    "mentoring pair ended": (_end_mentorship, lambda r: _card(r, "hongqi")["staff"].mentorships, 1, 0),
    "rotation added": (_new_rotation, lambda r: r.context["rotations"].totals.exchanged, 1, 2),
    "rotation cancelled": (_cancel_rotation, lambda r: r.context["rotations"].totals.exchanged, 1, 0),
    "campus opened": (_new_campus, lambda r: r.context["campus_count"], None, "+1"),
    "campus opening date changed": (
        _open_earlier,
        _order,
        PLAN_ORDER + GUISHAN_ORDER,
        ["hongqi", "taojiang", "longxiang", *GUISHAN_ORDER],
    ),
    "school renamed": (_rename_school, _order, PLAN_ORDER + GUISHAN_ORDER, PLAN_ORDER + GUISHAN_ORDER[::-1]),
    "group renamed": (_rename_group, _order, PLAN_ORDER + GUISHAN_ORDER, GUISHAN_ORDER + PLAN_ORDER),
    "budget set": (_budget, _funds, (0, 0, 0, []), (900000, 0, 0, [])),
    "funds allocated": (_allocate, _funds, (0, 0, 0, []), (900000, 600000, 0, ["hongqi"])),
    "spending recorded": (_spend, _funds, (0, 0, 0, []), (900000, 0, Decimal("1234.5"), ["hongqi"])),
}


@pytest.mark.parametrize("edit", EDITS, ids=list(EDITS))
def test_an_edit_shows_on_the_next_request(figures, client_as, edit):
    change, shown, before, after = EDITS[edit]
    client = client_as("bureau")
    first = shown(_get(client))
    assert shown(_get(client)) == first  # from the cache
    if before == "any":
        assert first is not None
    elif before is not None:
        assert first == before
    change(figures)
    now = shown(_get(client))
    if isinstance(after, str) and after[0] in "+-":
        assert now == first + int(after)
    else:
        assert now == after


def test_a_write_without_signals_shows_once_the_version_moves(figures, client_as):
    """Bulk writes (queryset.update, bulk_create) send no signal: their callers call
    `figures_changed()` in the same transaction, as groupschool/demo_data.py does."""
    client = client_as("bureau")
    staff = _get(client).context["staff_total"].staff
    StaffMember.objects.filter(home_campus=figures["hongqi"]).update(is_active=False)
    assert _get(client).context["staff_total"].staff == staff  # the cached figures
    figures_changed()
    assert _get(client).context["staff_total"].staff == staff - 4


def test_demo_data_moves_the_version(plan):
    from groupschool.demo_data import demo_data_generate

    version = figures_version()
    demo_data_generate(schools=1, staff_per_campus=1, seed=3)
    assert figures_version() != version


def test_the_version_moves_with_the_change_and_rolls_back_with_it(figures):
    version = figures_version()
    with pytest.raises(RuntimeError), transaction.atomic():
        StaffMemberFactory(home_campus=figures["hongqi"])
        assert figures_version() not in (None, version)
        raise RuntimeError("rolled back")
    assert figures_version() == version


def test_a_rolled_back_edit_keeps_the_cache(figures, client_as, django_assert_num_queries):
    client = client_as("bureau")
    _get(client)
    with pytest.raises(RuntimeError), transaction.atomic():
        StaffMemberFactory(home_campus=figures["hongqi"])
        raise RuntimeError("rolled back")
    with django_assert_num_queries(WARM_QUERIES):
        _get(client)


def test_another_process_sees_an_edit_made_by_this_one(figures, client_as, monkeypatch):
    """Each web process has its own cache (LocMemCache): the version in the database tells them
    all that the figures changed."""
    process_a = LocMemCache("dashboard-a", {})
    process_b = LocMemCache("dashboard-b", {})
    client = client_as("bureau")
    for process in (process_a, process_b):
        monkeypatch.setattr(figures_module, "cache", process)
        assert _get(client).context["staff_total"].staff == 4
    monkeypatch.setattr(figures_module, "cache", process_a)
    StaffMemberFactory(home_campus=figures["hongqi"])
    assert _get(client).context["staff_total"].staff == 5
    monkeypatch.setattr(figures_module, "cache", process_b)
    assert _get(client).context["staff_total"].staff == 5


def test_a_missing_version_row_caches_nothing(figures, client_as, django_assert_num_queries):
    DataVersion.objects.all().delete()
    client = client_as("bureau")
    _get(client)
    with django_assert_num_queries(COLD_QUERIES):
        assert _get(client).context["staff_total"].staff == 4
    StaffMemberFactory(home_campus=figures["hongqi"])  # makes the row again
    assert figures_version() is not None
    assert _get(client).context["staff_total"].staff == 5


def test_scopes_do_not_share_figures(figures, client_as):
    assert _get(client_as("bureau")).context["staff_total"].staff == 4
    vp = _get(client_as("vp-longxiang"))
    assert vp.context["staff_total"].staff == 0
    assert [card["campus"].code for card in vp.context["cards"]] == ["longxiang"]
    assert vp.context["campus_count"] == 1


def test_years_do_not_share_figures(figures, client_as):
    client = client_as("bureau")
    assert _get(client, year=2025).context["rotations"].totals.exchanged == 1
    assert _get(client, year=2024).context["rotations"].totals.exchanged == 0


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_cached_figures_are_shown_in_the_language_of_the_request(figures, client_as, language):
    client = client_as("bureau")
    other = "zh-hans" if language == "en" else "en"
    client.get(HOME, HTTP_ACCEPT_LANGUAGE=other)
    response = client.get(HOME, HTTP_ACCEPT_LANGUAGE=language)
    with translation.override(language):
        label = str(POLICY_RULES["big_class_from"].label)
    assert [rule.label for rule in response.context["policy_rules"] if rule.key == "big_class_from"] == [
        label
    ]
    assert label in response.content.decode()


class BrokenCache:
    def get(self, *args, **kwargs):
        raise ConnectionError("cache server unreachable")

    set = get


def test_a_broken_cache_still_renders_the_page(figures, client_as, monkeypatch, caplog):
    monkeypatch.setattr(figures_module, "cache", BrokenCache())
    client = client_as("bureau")
    with caplog.at_level(logging.WARNING, logger="groupschool.figures"):
        response = _get(client)
    assert response.context["staff_total"].staff == 4
    assert _card(response, "hongqi")["enrollment"].pupils == 177
    assert "cache unavailable" in caplog.text
    StaffMemberFactory(home_campus=figures["hongqi"])
    assert _get(client).context["staff_total"].staff == 5


def test_queries_stay_constant_as_campuses_grow(bureau, client_as, django_assert_num_queries):
    client = client_as("bureau")

    def add_campuses(n):
        for _ in range(n):
            campus = CampusFactory()
            EnrollmentSnapshotFactory(campus=campus, grade=1)
            person = StaffMemberFactory(home_campus=campus)
            DistinctionFactory(staff=person)
            MentorshipFactory(mentor=person, campus=campus)
            RotationFactory(staff=person, to_campus=CampusFactory(), status=Rotation.Status.ACTIVE)

    for n in (3, 30):
        add_campuses(n)
        with django_assert_num_queries(COLD_QUERIES):
            _get(client)
        with django_assert_num_queries(WARM_QUERIES):
            response = _get(client)
        assert response.context["campus_count"] == Campus.objects.count()


def test_the_cards_html_follows_a_rename(figures, client_as):
    """The campus cards' HTML is cached with the figures' version (home.html's cache tag)."""
    client = client_as("bureau")
    assert "红旗新名校区" not in _get(client).content.decode()
    campus = figures["hongqi"]
    campus.name = "红旗新名校区"
    campus.save()
    assert "红旗新名校区" in _get(client).content.decode()
