"""Writes that belong to no single domain: roles and campus access of user accounts."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import transaction
from guardian.shortcuts import assign_perm, remove_perm

from .roles import CAMPUS_PERMISSION, GROUP_PERMISSION, Role
from .scoping import forget_scope


@transaction.atomic
def user_set_roles(*, user, roles: list[str]) -> None:
    """Give the user exactly these roles (Django groups). History keeps the change."""
    wanted = [Group.objects.get_or_create(name=role)[0] for role in roles]
    user.groups.set(wanted)
    forget_scope(user)


@transaction.atomic
def campus_grant_access(*, user, campus) -> None:
    """Let a campus executive vice-principal see and record one campus's data."""
    user.groups.add(Group.objects.get_or_create(name=Role.CAMPUS_VP)[0])
    assign_perm(CAMPUS_PERMISSION, user, campus)
    forget_scope(user)


@transaction.atomic
def campus_revoke_access(*, user, campus) -> None:
    remove_perm(CAMPUS_PERMISSION, user, campus)
    forget_scope(user)


@transaction.atomic
def group_grant_access(*, user, group) -> None:
    """Let a member of a group's leadership see and manage all of the group's campuses."""
    user.groups.add(Group.objects.get_or_create(name=Role.GROUP_LEADERSHIP)[0])
    assign_perm(GROUP_PERMISSION, user, group)
    forget_scope(user)
