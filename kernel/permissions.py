"""What each role may do, once a record is within the user's scope (see scoping.py).

Scope answers "may this user see the record at all?" (no: 404); these answer "may this user
do this to a record they can see?" (no: 403).
"""

from __future__ import annotations

from .roles import Role
from .scoping import user_scope

#: Roles that may create and edit campus records (staff, mentoring, studios, activities...),
#: each within their scope.
EDITOR_ROLES = (Role.ADMINISTRATOR, Role.PERSONNEL, Role.GROUP_LEADERSHIP, Role.CAMPUS_VP)


def can_edit_campus_records(user) -> bool:
    return user_scope(user).has_role(*EDITOR_ROLES)


def can_propose_rotation(user) -> bool:
    return user_scope(user).has_role(*EDITOR_ROLES)


def can_decide_rotation(user) -> bool:
    """Only the personnel office (人事股) approves or rejects rotations (县管校聘)."""
    return user_scope(user).has_role(Role.PERSONNEL)


def can_export(user) -> bool:
    return user.is_authenticated
