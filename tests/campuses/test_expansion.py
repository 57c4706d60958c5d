"""Expansion applications: forming a new group or admitting a school, reviewed by the bureau in
recorded steps; approval creates the group (with its memberships) or the membership, all or
nothing, and the new group is then run in the same portal."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campuses import services
from campuses.models import ApplicationStep, EducationGroup, ExpansionApplication, School
from kernel.scoping import user_scope
from kernel.services import group_grant_access
from tests.campuses.factories import CampusFactory, SchoolFactory


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def pdf(name="申请报告.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 application", content_type="application/pdf")


@pytest.fixture
def schools(plan):
    """Three schools in no group yet; the first has a campus."""
    first = SchoolFactory(name="城东小学", code="chengdong")
    CampusFactory(school=first, name="城东校区", code="chengdong-main")
    return [
        first,
        SchoolFactory(name="城西小学", code="chengxi"),
        SchoolFactory(name="城北小学", code="chengbei"),
    ]


def new_group_application(user, schools, **extra):
    fields = dict(
        kind="new_group",
        proposed_name="城东小学教育集团",
        proposed_code="chengdong-group",
        governance_mode="federated",
        core_school=schools[0],
        member_schools=schools[1:],
        reason="以城东小学为核心校组建紧密型教育集团。",
        documents=[pdf()],
    )
    fields.update(extra)
    return services.expansion_application_create(user=user, **fields)


def through_review(application, *, applicant, bureau):
    services.expansion_application_submit(user=applicant, application=application)
    services.expansion_application_review(user=bureau, application=application)
    return application


def test_approving_a_new_group_creates_it_with_its_memberships(bureau, schools):
    application = through_review(new_group_application(bureau, schools), applicant=bureau, bureau=bureau)
    services.expansion_application_approve(user=bureau, application=application, comment="同意组建")
    application.refresh_from_db()
    group = EducationGroup.objects.get(code="chengdong-group")
    assert application.status == "approved" and application.created_group == group
    assert group.name == "城东小学教育集团" and group.core_school == schools[0]
    assert group.governance_mode == "federated" and group.founded_on is not None
    assert set(group.schools.all()) == set(schools)
    assert [(s.step, s.from_status, s.to_status, s.decision, s.actor) for s in application.steps.all()] == [
        ("create", "", "draft", "", bureau),
        ("submit", "draft", "submitted", "", bureau),
        ("review", "submitted", "under_review", "", bureau),
        ("approve", "under_review", "approved", "approved", bureau),
    ]
    assert application.steps.last().comment == "同意组建"


def test_the_new_group_is_in_the_portal_and_can_be_granted_to_its_leadership(bureau, schools, client_as):
    application = through_review(new_group_application(bureau, schools), applicant=bureau, bureau=bureau)
    services.expansion_application_approve(user=bureau, application=application)
    group = EducationGroup.objects.get(code="chengdong-group")
    listed = client_as("bureau").get(reverse("campuses:group_list")).context["table"].data
    assert group in list(listed)
    from django.contrib.auth import get_user_model

    leader = get_user_model().objects.create_user("chengdong-principal")
    group_grant_access(user=leader, group=group)
    scope = user_scope(leader)
    assert scope.group_ids == {group.pk}
    assert scope.campus_ids == set(schools[0].campuses.values_list("pk", flat=True))
    client = client_as("chengdong-principal")
    assert client.get(reverse("campuses:group_detail", args=[group.pk])).status_code == 200
    assert list(client.get(reverse("campuses:group_list")).context["table"].data) == [group]


def test_admitting_a_school_sets_its_membership(principal, bureau, schools):
    longshi = EducationGroup.objects.get(code="longshi")
    application = services.expansion_application_create(
        user=principal, kind="admit_school", target_group=longshi, school=schools[1], documents=[pdf()]
    )
    through_review(application, applicant=principal, bureau=bureau)
    services.expansion_application_approve(user=bureau, application=application)
    schools[1].refresh_from_db()
    assert schools[1].group == longshi
    assert schools[1].history.first().group_id == longshi.pk  # the change is in the history


def test_approval_is_all_or_nothing(bureau, schools):
    application = through_review(new_group_application(bureau, schools), applicant=bureau, bureau=bureau)
    # Meanwhile another group admitted one of the member schools.
    other = EducationGroup.objects.create(code="other", name="另一个集团")
    School.objects.filter(pk=schools[2].pk).update(group=other)
    with pytest.raises(ValidationError) as error:
        services.expansion_application_approve(user=bureau, application=application)
    assert "member_schools" in error.value.error_dict
    assert "城北小学 is already a member of 另一个集团." in error.value.messages
    application.refresh_from_db()
    assert application.status == "under_review"
    assert not EducationGroup.objects.filter(code="chengdong-group").exists()
    assert School.objects.get(pk=schools[0].pk).group is None
    assert not application.steps.filter(step="approve").exists()


def test_a_school_already_in_a_group_cannot_be_proposed(principal, plan):
    longshi_school = School.objects.get(code="longshi-fuxiao")
    with pytest.raises(ValidationError) as error:
        services.expansion_application_create(
            user=principal,
            kind="admit_school",
            target_group=EducationGroup.objects.get(code="longshi"),
            school=longshi_school,
        )
    assert "school" in error.value.error_dict
    assert not ExpansionApplication.objects.exists()


def test_a_new_group_needs_its_name_code_and_core_school(bureau, schools):
    with pytest.raises(ValidationError) as error:
        services.expansion_application_create(
            user=bureau, kind="new_group", proposed_name="", proposed_code=""
        )
    assert {"proposed_name", "proposed_code", "core_school"} <= set(error.value.error_dict)


def test_a_taken_group_name_is_refused(bureau, schools):
    with pytest.raises(ValidationError) as error:
        new_group_application(bureau, schools, proposed_name="龙师附小教育集团")
    assert "proposed_name" in error.value.error_dict


def test_group_leadership_applies_only_for_its_own_group(principal, schools):
    other = EducationGroup.objects.create(code="other", name="另一个集团")
    with pytest.raises(ValidationError) as error:
        services.expansion_application_create(
            user=principal, kind="admit_school", target_group=other, school=schools[1]
        )
    assert "target_group" in error.value.error_dict


def test_submitting_needs_documents(bureau, schools):
    application = new_group_application(bureau, schools, documents=[])
    with pytest.raises(ValidationError, match="documents"):
        services.expansion_application_submit(user=bureau, application=application)
    services.application_document_add(user=bureau, application=application, files=[pdf("章程草案.pdf")])
    services.expansion_application_submit(user=bureau, application=application)
    assert ExpansionApplication.objects.get().status == "submitted"


@pytest.mark.parametrize("username", ["principal", "supervisor", "vp-hongqi"])
def test_only_the_bureau_reviews_and_decides(django_user_model, bureau, schools, username):
    user = django_user_model.objects.get(username=username)
    application = new_group_application(bureau, schools)
    services.expansion_application_submit(user=bureau, application=application)
    for action in (services.expansion_application_review, services.expansion_application_approve):
        with pytest.raises(PermissionDenied):
            action(user=user, application=application)
    with pytest.raises(PermissionDenied):
        services.expansion_application_reject(user=user, application=application, comment="不同意")


def test_steps_follow_the_order(bureau, schools):
    application = new_group_application(bureau, schools)
    with pytest.raises(ValidationError):
        services.expansion_application_approve(user=bureau, application=application)
    with pytest.raises(ValidationError):
        services.expansion_application_review(user=bureau, application=application)
    through_review(application, applicant=bureau, bureau=bureau)
    services.expansion_application_approve(user=bureau, application=application)
    with pytest.raises(ValidationError):
        services.expansion_application_approve(user=bureau, application=application)
    assert EducationGroup.objects.filter(code="chengdong-group").count() == 1


def test_rejection_needs_reasons_and_is_recorded(principal, bureau, schools):
    application = services.expansion_application_create(
        user=principal,
        kind="admit_school",
        target_group=EducationGroup.objects.get(code="longshi"),
        school=schools[1],
        documents=[pdf()],
    )
    services.expansion_application_submit(user=principal, application=application)
    with pytest.raises(ValidationError) as error:
        services.expansion_application_reject(user=bureau, application=application, comment=" ")
    assert "comment" in error.value.error_dict
    services.expansion_application_reject(user=bureau, application=application, comment="办学条件未达标")
    application.refresh_from_db()
    assert application.status == "rejected" and application.decided_at is not None
    step = application.steps.last()
    assert (step.step, step.decision, step.comment, step.actor) == (
        "reject",
        "rejected",
        "办学条件未达标",
        bureau,
    )
    assert School.objects.get(pk=schools[1].pk).group is None


def test_only_a_draft_is_changed_by_its_applicant(principal, bureau, schools):
    longshi = EducationGroup.objects.get(code="longshi")
    application = services.expansion_application_create(
        user=principal, kind="admit_school", target_group=longshi, school=schools[1], documents=[pdf()]
    )
    services.expansion_application_update(
        user=principal, application=application, kind="admit_school", target_group=longshi, school=schools[2]
    )
    assert ExpansionApplication.objects.get().school == schools[2]
    services.expansion_application_submit(user=principal, application=application)
    with pytest.raises(ValidationError):
        services.expansion_application_update(
            user=principal,
            application=application,
            kind="admit_school",
            target_group=longshi,
            school=schools[1],
        )


def test_for_user_scoping(principal, bureau, vp_hongqi, schools):
    mine = services.expansion_application_create(
        user=principal,
        kind="admit_school",
        target_group=EducationGroup.objects.get(code="longshi"),
        school=schools[1],
    )
    bureaus = new_group_application(bureau, schools)
    assert set(ExpansionApplication.objects.for_user(bureau)) == {mine, bureaus}
    assert set(ExpansionApplication.objects.for_user(principal)) == {mine}
    assert not ExpansionApplication.objects.for_user(vp_hongqi).exists()
    assert ApplicationStep.objects.count() == 2
