"""Who may do what with expansion applications (组建新教育集团, 教育集团纳新), once a record is within
scope (which records a user reaches is the door's: ExpansionApplication.scope_rule)."""

from __future__ import annotations

from kernel.roles import Role
from kernel.scoping import user_scope

#: Roles that read expansion applications (their own and their group's; the bureau's: all).
EXPANSION_READER_ROLES = (
    Role.ADMINISTRATOR,
    Role.BUREAU,
    Role.EVALUATOR,
    Role.PERSONNEL,
    Role.GROUP_LEADERSHIP,
)

#: Roles that apply: the bureau itself, or a group's leadership (admitting a school into its group,
#: or proposing a new group).
EXPANSION_APPLICANT_ROLES = (Role.ADMINISTRATOR, Role.BUREAU, Role.GROUP_LEADERSHIP)

#: Roles that review and decide applications: the bureau (as for the plan's documents).
EXPANSION_DECIDER_ROLES = (Role.ADMINISTRATOR, Role.BUREAU)


def can_read_applications(user) -> bool:
    return user_scope(user).has_role(*EXPANSION_READER_ROLES)


def can_apply_for_expansion(user) -> bool:
    return user_scope(user).has_role(*EXPANSION_APPLICANT_ROLES)


def can_decide_applications(user) -> bool:
    return user_scope(user).has_role(*EXPANSION_DECIDER_ROLES)
