"""Writes of the campuses app: forming education groups and admitting schools into them.

The bureau forms new groups in batches and admits new members (分批次组建新教育集团、教育集团纳新,
规范集团办学组建程序) through expansion applications (ExpansionApplication: draft → submitted →
under review → approved or rejected), whose approval forms the group or admits the school. A
school is a member of at most one group (School.group).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kernel.dates import local_today
from kernel.scoping import user_scope
from kernel.workflow import Step, Workflow

from .models import ApplicationDocument, ApplicationStep, EducationGroup, ExpansionApplication, School
from .permissions import can_apply_for_expansion, can_decide_applications


def _lock_free_schools(schools: Iterable[School], *, field: str) -> list[School]:
    """The schools, re-read under lock; each must belong to no group yet."""
    ids = [school.pk for school in schools]
    locked = list(School.objects.select_for_update(of=("self",)).filter(pk__in=ids).select_related("group"))
    for school in locked:
        if school.group_id is not None:
            raise ValidationError(
                {
                    field: _("%(school)s is already a member of %(group)s.")
                    % {"school": school.name, "group": school.group.name}
                }
            )
    return locked


@transaction.atomic
def education_group_create(
    *,
    name: str,
    code: str,
    core_school: School,
    member_schools: Iterable[School] = (),
    governance_mode: str = EducationGroup.Governance.UNIFIED,
    founded_on: datetime.date | None = None,
    description: str = "",
) -> EducationGroup:
    """Form a new education group led by `core_school`, with `member_schools` as its other
    members. None of the schools may belong to a group already. All or nothing."""
    members = [school for school in member_schools if school.pk != core_school.pk]
    if EducationGroup.objects.filter(name=name.strip()).exists():
        raise ValidationError({"proposed_name": _("A group of this name exists already.")})
    if EducationGroup.objects.filter(code=code.strip()).exists():
        raise ValidationError({"proposed_code": _("A group with this code exists already.")})
    _lock_free_schools([core_school], field="core_school")
    _lock_free_schools(members, field="member_schools")
    group = EducationGroup(
        name=name.strip(),
        code=code.strip(),
        governance_mode=governance_mode,
        founded_on=founded_on,
        description=description,
    )
    group.full_clean()
    group.save()
    for school in [core_school, *members]:
        school.group = group
        school.full_clean()
        school.save(update_fields=["group"])
    group.core_school = core_school
    group.full_clean()
    group.save(update_fields=["core_school"])
    return group


@transaction.atomic
def school_admit(*, group: EducationGroup, school: School) -> School:
    """Admit a school that belongs to no group into `group` (教育集团纳新)."""
    (locked,) = _lock_free_schools([school], field="school")
    locked.group = group
    locked.full_clean()
    locked.save(update_fields=["group"])
    school.group = group
    return locked


# --- Expansion applications (组建新教育集团, 教育集团纳新) -----------------------------------------


def _step(application, *, user, step, from_status, decision="", comment="", now=None) -> ApplicationStep:
    entry = ApplicationStep(
        application=application,
        step=step,
        from_status=from_status,
        to_status=application.status,
        decision=decision,
        actor=user,
        at=now or timezone.now(),
        comment=(comment or "").strip(),
    )
    entry.full_clean()
    entry.save()
    return entry


def _move(application, name, *, user, step, decision="", comment="", now=None, **fields) -> None:
    """Take the workflow's step `name` (to its status, with `fields`, e.g. decided_at) and record
    it in the application's steps, from the status it had."""
    from_status = application.status
    application.save(update_fields=APPLICATION_WORKFLOW.move(application, name, **fields))
    _step(
        application,
        user=user,
        step=step,
        from_status=from_status,
        decision=decision,
        comment=comment,
        now=now,
    )


def _schools_free(*, core_school=None, member_schools=(), school=None) -> None:
    """The schools named by an application belong to no group yet (a school is a member of at
    most one group)."""
    errors: dict[str, list] = {}
    for field, schools in (
        ("core_school", [core_school]),
        ("member_schools", list(member_schools)),
        ("school", [school]),
    ):
        for candidate in schools:
            if candidate is not None and candidate.group_id is not None:
                errors.setdefault(field, []).append(
                    _("%(school)s is already a member of %(group)s.")
                    % {"school": candidate.name, "group": candidate.group.name}
                )
    if core_school is not None and any(s.pk == core_school.pk for s in member_schools):
        errors.setdefault("member_schools", []).append(_("The core school is not listed again as a member."))
    if errors:
        raise ValidationError(errors)


def _group_taken(*, name: str, code: str, exclude_pk: int | None = None) -> None:
    errors = {}
    if name and EducationGroup.objects.filter(name=name).exists():
        errors["proposed_name"] = _("A group of this name exists already.")
    if code and EducationGroup.objects.filter(code=code).exists():
        errors["proposed_code"] = _("A group with this code exists already.")
    if errors:
        raise ValidationError(errors)


def _check_applicant_scope(user, target_group) -> None:
    scope = user_scope(user)
    if target_group is not None and not scope.everything and target_group.pk not in scope.group_ids:
        raise ValidationError({"target_group": _("Choose a group you lead.")})


def _add_documents(application, *, user, files: Iterable) -> None:
    for upload in files:
        document = ApplicationDocument(
            application=application, name=upload.name[:200], file=upload, uploaded_by=user
        )
        document.full_clean(exclude=["file"])
        document.save()


def _set_application_fields(application, data: dict) -> list:
    members = list(data.pop("member_schools", None) or [])
    for name in ("proposed_name", "proposed_code", "reason"):
        if name in data:
            data[name] = (data[name] or "").strip()
    if data.get("kind") == ExpansionApplication.Kind.ADMIT_SCHOOL:
        # Fields of the other kind, left over in the form, are not kept.
        data.update(proposed_name="", proposed_code="", governance_mode="", core_school=None)
        members = []
    elif data.get("kind") == ExpansionApplication.Kind.NEW_GROUP:
        data.update(target_group=None, school=None)
    for name, value in data.items():
        setattr(application, name, value)
    return members


@transaction.atomic
def expansion_application_create(
    *, user, documents: Iterable = (), now: datetime.datetime | None = None, **fields
) -> ExpansionApplication:
    """Draft an application: `kind`, and for a new group `proposed_name`, `proposed_code`,
    `governance_mode`, `core_school`, `member_schools`; for an admission `target_group` and
    `school`; `reason`; its documents."""
    if not can_apply_for_expansion(user):
        raise PermissionDenied(_("Your role cannot apply to form or join a group."))
    application = ExpansionApplication(applicant=user)
    members = _set_application_fields(application, dict(fields))
    _check_applicant_scope(user, application.target_group)
    application.full_clean()
    _schools_free(core_school=application.core_school, member_schools=members, school=application.school)
    _group_taken(name=application.proposed_name, code=application.proposed_code)
    application.save()
    application.member_schools.set(members)
    _add_documents(application, user=user, files=documents)
    _step(application, user=user, step=ApplicationStep.Step.CREATE, from_status="", now=now)
    return application


def _lock(application: ExpansionApplication) -> ExpansionApplication:
    """The application re-read under lock: two reviewers never both move it on."""
    return ExpansionApplication.objects.select_for_update(of=("self",)).get(pk=application.pk)


def _may_change(user, application) -> bool:
    return application.applicant_id == user.pk or can_decide_applications(user)


def _application_decider(user, application) -> bool:
    return can_decide_applications(user)


_A = ExpansionApplication.AppStatus
#: draft → submitted (by the applicant) → under review → approved or rejected (by the bureau).
APPLICATION_WORKFLOW = Workflow(
    ExpansionApplication,
    (
        Step(
            "submit",
            (_A.DRAFT,),
            _A.SUBMITTED,
            _may_change,
            _("Only the applicant or the bureau changes an application."),
            wrong_status=_("Only a draft can be submitted."),
        ),
        Step(
            "review",
            (_A.SUBMITTED,),
            _A.UNDER_REVIEW,
            _application_decider,
            _("Only the bureau reviews applications."),
            wrong_status=_("Only a submitted application can be taken under review."),
        ),
        Step(
            "approve",
            (_A.UNDER_REVIEW,),
            _A.APPROVED,
            _application_decider,
            _("Only the bureau approves applications."),
            wrong_status=_("Only an application under review can be approved."),
        ),
        Step(
            "reject",
            (_A.SUBMITTED, _A.UNDER_REVIEW),
            _A.REJECTED,
            _application_decider,
            _("Only the bureau rejects applications."),
            wrong_status=_("Only a submitted application or one under review can be rejected."),
        ),
    ),
    wrong_status=_("Only a draft can be submitted."),
)
del _A


@transaction.atomic
def expansion_application_update(
    *, user, application: ExpansionApplication, **fields
) -> ExpansionApplication:
    """Change a draft (its applicant or the bureau)."""
    application = _lock(application)
    if not _may_change(user, application):
        raise PermissionDenied(_("Only the applicant or the bureau changes an application."))
    if application.status != ExpansionApplication.AppStatus.DRAFT:
        raise ValidationError({"status": _("Only a draft can be changed.")})
    members = _set_application_fields(application, dict(fields))
    _check_applicant_scope(user, application.target_group)
    application.full_clean()
    _schools_free(core_school=application.core_school, member_schools=members, school=application.school)
    _group_taken(name=application.proposed_name, code=application.proposed_code)
    application.save()
    application.member_schools.set(members)
    return application


@transaction.atomic
def application_document_add(*, user, application: ExpansionApplication, files: Iterable) -> None:
    """Add documents to an application not yet under review."""
    application = _lock(application)
    if not _may_change(user, application):
        raise PermissionDenied(_("Only the applicant or the bureau changes an application."))
    if application.status not in (
        ExpansionApplication.AppStatus.DRAFT,
        ExpansionApplication.AppStatus.SUBMITTED,
    ):
        raise ValidationError({"file": _("Documents are added before the review starts.")})
    _add_documents(application, user=user, files=files)


@transaction.atomic
def expansion_application_submit(
    *, user, application: ExpansionApplication, comment: str = "", now=None
) -> ExpansionApplication:
    """Draft → submitted, with at least one document."""
    application = APPLICATION_WORKFLOW.take(user, application, "submit")
    if not application.documents.exists():
        raise ValidationError({"file": _("Attach the application's documents before submitting it.")})
    _move(
        application,
        "submit",
        user=user,
        step=ApplicationStep.Step.SUBMIT,
        comment=comment,
        now=now,
    )
    return application


@transaction.atomic
def expansion_application_review(
    *, user, application: ExpansionApplication, comment: str = "", now=None
) -> ExpansionApplication:
    """Submitted → under review (the bureau)."""
    application = APPLICATION_WORKFLOW.take(user, application, "review")
    _move(
        application,
        "review",
        user=user,
        step=ApplicationStep.Step.REVIEW,
        comment=comment,
        now=now,
    )
    return application


@transaction.atomic
def expansion_application_approve(
    *, user, application: ExpansionApplication, comment: str = "", now: datetime.datetime | None = None
) -> ExpansionApplication:
    """Under review → approved: creates the group with its memberships, or the membership, in the
    same transaction (all or nothing). From then on the group is in the portal's group list and
    can be granted to its leadership (kernel.services.group_grant_access)."""
    application = APPLICATION_WORKFLOW.take(user, application, "approve")
    now = now or timezone.now()
    if application.kind == ExpansionApplication.Kind.NEW_GROUP:
        group = education_group_create(
            name=application.proposed_name,
            code=application.proposed_code,
            core_school=application.core_school,
            member_schools=list(application.member_schools.all()),
            governance_mode=application.governance_mode or "unified",
            founded_on=local_today(now),
            description=application.reason,
        )
    else:
        school_admit(group=application.target_group, school=application.school)
        group = application.target_group
    _move(
        application,
        "approve",
        user=user,
        step=ApplicationStep.Step.APPROVE,
        decision=ApplicationStep.Decision.APPROVED,
        comment=comment,
        now=now,
        decided_at=now,
        created_group=group,
    )
    return application


@transaction.atomic
def expansion_application_reject(
    *, user, application: ExpansionApplication, comment: str, now: datetime.datetime | None = None
) -> ExpansionApplication:
    """Submitted or under review → rejected, with the reasons."""
    application = APPLICATION_WORKFLOW.take(user, application, "reject")
    if not (comment or "").strip():
        raise ValidationError({"comment": _("Give the reasons for the rejection.")})
    now = now or timezone.now()
    _move(
        application,
        "reject",
        user=user,
        step=ApplicationStep.Step.REJECT,
        decision=ApplicationStep.Decision.REJECTED,
        comment=comment,
        now=now,
        decided_at=now,
    )
    return application
