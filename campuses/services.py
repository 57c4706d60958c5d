"""Writes of the campuses app: forming education groups and admitting schools into them.

The bureau forms new groups in batches and admits new members (分批次组建新教育集团、教育集团纳新,
规范集团办学组建程序): planning's expansion applications call these on approval. A school is a
member of at most one group (School.group).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .models import EducationGroup, School


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
