"""The plan's story in the demo data (groupschool.demo.story, run by `manage.py generate_demo`)."""

import datetime
import hashlib
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from campuses.models import Campus, EducationGroup, School
from evaluation.models import CellReview, PublishedSnapshot, Result, Scheme, Score
from evaluation.selectors import flagged_cells
from groupschool.demo.story import demo_story_generate
from groupschool.demo_data import demo_data_generate
from planning.models import Decision, Document, Meeting, ProgressReport, SubTask
from planning.selectors import item_overdue
from sharing.models import Allocation, AssetTransfer, Budget, Spending
from staff.models import LeadershipPost, ResponsibilityArea, ResponsibilityAssignment, Rotation
from supervision.models import Rectification

TODAY = datetime.date(2026, 12, 4)


@pytest.fixture
def story(plan):
    """A small demo data set with its story (the plan's data and the demo accounts first)."""
    demo_data_generate(schools=3, staff_per_campus=12, seed=1)
    return demo_story_generate(seed=1)


def _published_run(year: int):
    scheme = Scheme.objects.get(year=year, target_kind="schools", status=Scheme.Status.PUBLISHED)
    snapshot = PublishedSnapshot.objects.get(scheme=scheme)
    return scheme, snapshot


def test_this_and_last_years_results_are_published_for_every_school(story):
    schools = set(School.objects.exclude(peer_category=None).values_list("code", flat=True))
    assert len(schools) == 4  # the plan's school and three peers
    for year in (2026, 2025):
        scheme, snapshot = _published_run(year)
        assert not scheme.results_stale and scheme.current_run_id == snapshot.run_id
        assert {row["code"] for row in snapshot.data["rows"]} == schools
        results = Result.objects.filter(run=scheme.current_run_id)
        assert {r.evaluatee.code for r in results} == schools
        # Every school was scored by three evaluators on every scored cell.
        per_school = Score.objects.filter(indicator__scheme=scheme).values_list(
            "evaluatee__code", "evaluator_id"
        )
        for code in schools:
            assert len({evaluator for c, evaluator in per_school if c == code}) >= 3
    # Last year's result of the plan's school shows beside this year's.
    from evaluation.models import Evaluatee
    from evaluation.selectors import year_over_year

    this_year = Evaluatee.objects.get(scheme__year=2026, scheme__target_kind="schools", code="longshi-fuxiao")
    assert [row["year"] for row in year_over_year(this_year)] == [2025]


def test_one_divergent_cell_was_reconciled_by_the_lead_evaluator(story):
    scheme, _snapshot = _published_run(2026)
    flagged = flagged_cells(scheme)
    assert len(flagged) == 1 and flagged[0]["reviewed"]
    review = CellReview.objects.get(indicator__scheme=scheme)
    assert review.reviewed_by.username == "supervisor" and review.points is not None and review.reason
    assert review.history.exists()
    # The internal assessment of the three campuses is open with one cell awaiting the lead.
    internal = Scheme.objects.get(target_kind="campuses", year=2026)
    assert internal.status == Scheme.Status.OPEN and internal.current_run_id and not internal.results_stale
    assert set(internal.evaluatees.values_list("code", flat=True)) == {"hongqi", "longxiang", "taojiang"}
    assert len(flagged_cells(internal, unconfirmed_only=True)) == 1


def test_vice_principal_accounts_lead_their_campuses_and_the_matrix_is_filled(story):
    group = EducationGroup.objects.get(code="longshi")
    for code in ("hongqi", "longxiang", "taojiang"):
        campus = Campus.objects.select_related("executive_vice_principal__user").get(code=code)
        assert campus.executive_vice_principal.user.username == f"vp-{code}"
        assert campus.executive_vice_principal.position == "执行副校长"
        assert LeadershipPost.objects.filter(
            group=group, post="vice_principal", person=campus.executive_vice_principal
        )
    principal = LeadershipPost.objects.get(group=group, post="principal").person
    assert principal.user.username == "principal"
    assert set(LeadershipPost.objects.filter(group=group).values_list("post", flat=True)) == set(
        LeadershipPost.Post.values
    )
    # Seven areas, group-wide and on each of the three campuses.
    assert ResponsibilityAssignment.objects.filter(group=group).count() == len(ResponsibilityArea.values) * 4


def test_every_campus_has_budgets_allocations_and_spending(story):
    for code in ("hongqi", "longxiang", "taojiang"):
        allocations = Allocation.objects.filter(campus__code=code, budget__year=2026)
        assert (
            allocations.count()
            == Budget.objects.filter(year=2026, school__code="longshi-fuxiao").count()
            == 3
        )
        spending = Spending.objects.filter(campus__code=code)
        assert spending.count() >= 3 and all(s.history.exists() for s in spending)
        assert sum(s.amount for s in spending) < sum(a.amount for a in allocations)
    assert AssetTransfer.objects.filter(status="received").exists()
    assert AssetTransfer.objects.filter(status="requested").exists()


def test_each_campus_has_sub_tasks_with_reports_some_overdue(story):
    for code in ("hongqi", "longxiang", "taojiang"):
        tasks = list(SubTask.objects.filter(campus__code=code))
        assert len(tasks) >= 7
        done = [t for t in tasks if t.status == "done"]
        assert len(done) >= 3
        assert ProgressReport.objects.filter(
            subtask__campus__code=code, author__username=f"vp-{code}"
        ).exists()
        assert any(0 < t.progress < 100 for t in tasks)
    overdue = [t for t in SubTask.objects.filter(campus__code="longxiang") if item_overdue(t, TODAY)]
    assert len(overdue) == 2
    assert all(t.due_on < TODAY and t.status != "done" for t in overdue)
    # The earlier tasks (before this school year) are all done.
    assert not SubTask.objects.filter(due_on__lt=datetime.date(2026, 9, 1)).exclude(status="done").exists()


def test_meetings_documents_visits_and_rotations_in_every_state(story):
    assert Meeting.objects.count() == 4 and Decision.objects.count() >= 6
    assert SubTask.objects.filter(decision__isnull=False, campus__code="taojiang").exists()
    assert set(Document.objects.values_list("status", flat=True)) == set(Document.DocStatus.values)
    assert (
        Rectification.objects.open().filter(campus__code="longxiang", owner__username="vp-longxiang").exists()
    )
    assert Rectification.objects.filter(status="closed").exists()
    rotations = Rotation.objects.filter(from_campus__school__code="longshi-fuxiao")
    assert set(rotations.values_list("status", flat=True)) == set(Rotation.Status.values)
    proposal = rotations.get(status="proposed", proposed_by__username="vp-longxiang")
    assert proposal.to_campus.code == "longxiang"
    assert proposal.staff.on_campus_since <= datetime.date(2020, 9, 1)  # six years at the campus


def test_names_are_realistic(story):
    names = [
        *EducationGroup.objects.values_list("name", flat=True),
        *School.objects.values_list("name", flat=True),
        *Scheme.objects.values_list("name", flat=True),
    ]
    assert not [n for n in names if "种子" in n or "演示" in n]
    assert EducationGroup.objects.get(code="demo-1-group").name.endswith("教育集团")


def _fingerprint() -> str:
    rows = [
        *Result.objects.values_list("evaluatee__code", "run__scheme__name", "total", "rank", "band"),
        *SubTask.objects.values_list("title", "campus__code", "status", "progress", "due_on"),
        *Spending.objects.values_list("campus__code", "purpose", "amount", "spent_on"),
        *Rotation.objects.values_list("staff__staff_number", "status", "to_campus__code"),
        *LeadershipPost.objects.values_list("post", "person__name"),
    ]
    return hashlib.sha256(repr(sorted(map(repr, rows))).encode()).hexdigest()


def test_the_story_is_deterministic_and_a_second_run_adds_nothing(plan):
    savepoint = transaction.savepoint()
    demo_data_generate(schools=2, staff_per_campus=10, seed=1)
    assert demo_story_generate(seed=1)["published results"] == 2
    first = _fingerprint()
    transaction.savepoint_rollback(savepoint)

    out = StringIO()
    call_command("generate_demo", "--schools", "2", "--staff-per-campus", "10", "--seed", "1", stdout=out)
    assert _fingerprint() == first
    counts = {m: m.objects.count() for m in (Score, SubTask, Spending, Rotation, Meeting, ProgressReport)}

    assert demo_story_generate(seed=1) == {}
    call_command(
        "generate_demo", "--schools", "2", "--staff-per-campus", "10", "--seed", "1", stdout=StringIO()
    )
    assert {m: m.objects.count() for m in counts} == counts


def test_without_the_demo_accounts_the_story_adds_nothing(db):
    from groupschool.plan_data import plan_data_load

    plan_data_load()
    demo_data_generate(schools=1, staff_per_campus=3, seed=1)
    assert demo_story_generate(seed=1) == {}
    assert not Scheme.objects.filter(year=2026).exists()


def test_the_group_office_mailbox_hears_the_story_and_the_robot_waits(
    plan, mailoutbox, django_capture_on_commit_callbacks
):
    """The delivery log of the demo is not empty: the group's mailbox received the story's
    notices (rotations decided, results published, documents approved), each sent; 红旗's WeCom
    robot is set up but switched off, so a demo never calls a real robot."""
    from groupschool.demo.story import PLAN_GROUP
    from notices.models import Channel, Delivery

    demo_data_generate(schools=3, staff_per_campus=12, seed=1)
    with django_capture_on_commit_callbacks(execute=True):
        demo_story_generate(seed=1)
    mailbox = Channel.objects.get(name="集团办公室邮箱")
    robot = Channel.objects.get(name="红旗校区教师群机器人")
    assert mailbox.group.code == PLAN_GROUP
    assert not robot.active and robot.campus.code == "hongqi"
    sent = Delivery.objects.filter(channel=mailbox)
    kinds = set(sent.values_list("kind", flat=True))
    assert {"rotation_approved", "results_published", "document_approved"} <= kinds, kinds
    assert set(sent.values_list("status", flat=True)) == {Delivery.Status.SENT}
    assert not Delivery.objects.filter(channel=robot).exists()
    assert any(message.to == ["jituanban@longshi.example.cn"] for message in mailoutbox)
