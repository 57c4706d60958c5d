"""One door to campus-owned records: `Model.objects.for_user(user)`.

Every model that belongs to a campus declares `campus_scope`, the lookups from the model to
`Campus` (a rotation has two: where the teacher comes from and where they go). Views, selectors,
form choices, exports and the admin all start from `for_user`, so a campus executive
vice-principal never reaches another campus's record, whatever the door.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.db.models import Q

from .roles import CAMPUS_PERMISSION, CITY_WIDE_ROLES, GROUP_PERMISSION, Role


@dataclass(frozen=True)
class UserScope:
    """What one user may see: everything, or a set of campuses (and the groups they lead)."""

    everything: bool
    campus_ids: frozenset[int]
    group_ids: frozenset[int]
    roles: frozenset[str]

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    def covers_campus(self, campus_id: int | None) -> bool:
        return self.everything or (campus_id is not None and campus_id in self.campus_ids)


NOTHING = UserScope(False, frozenset(), frozenset(), frozenset())


def user_scope(user) -> UserScope:
    """The user's scope, computed once per request (cached on the user object)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    cached = getattr(user, "_portal_scope", None)
    if cached is not None:
        return cached
    from guardian.shortcuts import get_objects_for_user

    from campuses.models import Campus, EducationGroup

    roles = frozenset(user.groups.values_list("name", flat=True))
    if user.is_superuser:
        roles = roles | {Role.ADMINISTRATOR}
    if user.is_superuser or roles & CITY_WIDE_ROLES:
        scope = UserScope(True, frozenset(), frozenset(), roles)
    else:
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
            pk__in=get_objects_for_user(user, CAMPUS_PERMISSION, Campus, accept_global_perms=False).values(
                "pk"
            )
        )
        if group_ids:
            campus_q |= Q(school__group_id__in=group_ids)
        campus_ids = frozenset(Campus.objects.filter(campus_q).values_list("pk", flat=True))
        scope = UserScope(False, campus_ids, group_ids, roles)
    user._portal_scope = scope
    return scope


def forget_scope(user) -> None:
    """Drop the cached scope after the user's roles or campus permissions change."""
    user.__dict__.pop("_portal_scope", None)


class CampusScopedQuerySet(models.QuerySet):
    """A queryset whose model declares `campus_scope`, the lookups that lead to its campus."""

    def for_user(self, user):
        """Everything for bureau roles, the group's for its leadership, one campus for a
        vice-principal, nothing for anonymous users."""
        scope = user_scope(user)
        if scope.everything:
            return self
        if not scope.campus_ids:
            return self.none()
        condition = Q()
        for lookup in self.model.campus_scope:
            condition |= Q(**{f"{lookup}__in": scope.campus_ids})
        if len(self.model.campus_scope) == 1 and not _is_many_valued(self.model, self.model.campus_scope[0]):
            return self.filter(condition)
        # Lookups through many-valued relations would repeat rows: filter by primary key.
        return self.filter(pk__in=self.model._base_manager.filter(condition).values("pk"))


def _is_many_valued(model, lookup: str) -> bool:
    """Does the lookup cross a reverse foreign key or a many-to-many relation?"""
    for name in lookup.split("__"):
        field = model._meta.get_field(name)
        if field.one_to_many or field.many_to_many:
            return True
        if not field.is_relation:
            return False
        model = field.related_model
    return False
