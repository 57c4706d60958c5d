"""Who may do what with supervision visits, rectifications and typical experiences, once a
record is within scope (which records a user reaches is the door's: the models' `scope_rule`)."""

from __future__ import annotations

from kernel.roles import Role
from kernel.scoping import user_scope

#: Everyone with a portal role reads visits and rectifications of their scope and writes
#: experiences (a signed-in user with no role gets a 403).
READER_ROLES = tuple(Role.values)

#: The bureau's roles: they run supervision visits and set rectifications (督导室 and the others).
BUREAU_ROLES = (Role.ADMINISTRATOR, Role.BUREAU, Role.EVALUATOR, Role.PERSONNEL)

#: Roles that close the rectifications within their scope (the owner may always close theirs).
RECTIFICATION_CLOSER_ROLES = (*BUREAU_ROLES, Role.GROUP_LEADERSHIP, Role.CAMPUS_VP)

#: Roles that publish typical experiences (宣传报道 is the bureau's).
EXPERIENCE_PUBLISHER_ROLES = BUREAU_ROLES


def can_read(user) -> bool:
    return user_scope(user).has_role(*READER_ROLES)


def can_run_supervision(user) -> bool:
    return user_scope(user).has_role(*BUREAU_ROLES)


def can_close_rectification(user, rectification) -> bool:
    """The owner, or a role that closes rectifications; scope is checked by the caller (for_user)."""
    return rectification.owner_id == user.pk or user_scope(user).has_role(*RECTIFICATION_CLOSER_ROLES)


def can_publish_experiences(user) -> bool:
    return user_scope(user).has_role(*EXPERIENCE_PUBLISHER_ROLES)


def can_edit_experience(user, experience) -> bool:
    """The author while it is a draft; the bureau's roles always."""
    if can_publish_experiences(user):
        return True
    return experience.author_id == user.pk and experience.status == "draft"
