"""Who may do what with shared funds, assets and resources, once the record is in their scope.

The group's leadership (and administrators) plan: budgets, allocations, and the approval of
reallocations and asset transfers (集团统筹). A campus executive vice-principal records their own
campus's spending and assets, asks for reallocations and transfers, and shares resources.
Bureau offices read everything and write nothing here.
"""

from __future__ import annotations

from kernel.roles import Role
from kernel.scoping import user_scope

PLANNER_ROLES = (Role.ADMINISTRATOR, Role.GROUP_LEADERSHIP)
RECORDER_ROLES = (Role.ADMINISTRATOR, Role.GROUP_LEADERSHIP, Role.CAMPUS_VP)


def can_plan_funds(user) -> bool:
    return user_scope(user).has_role(*PLANNER_ROLES)


def can_record(user) -> bool:
    """Record spending and assets, ask for reallocations and transfers, upload resources."""
    return user_scope(user).has_role(*RECORDER_ROLES)


def can_approve(user) -> bool:
    """Approve (or reject) reallocations and asset transfers."""
    return user_scope(user).has_role(*PLANNER_ROLES)
