"""Who may do what with the work plan, once a record is within scope (see kernel.permissions).

Which records a user reaches is the door's (`Model.objects.for_user(user, action)`, the models'
`scope_rule`): everyone of a group reads its plan; a vice-principal reads their own campus's
sub-tasks, reports, documents and meetings and the group-wide ones. Here: which role may act.
Bureau roles edit everything; group leadership edits the plan of its group and reports on its
measures; a campus executive vice-principal reports only on the sub-tasks assigned to their
campus (`SubTask.objects.for_user(user, "change")`) and adds sub-tasks for their own campus under
any measure of their group's plan.
"""

from __future__ import annotations

from kernel.roles import Role
from kernel.scoping import user_scope

#: Roles that read the plan.
PLAN_READER_ROLES = tuple(Role.values)

#: Roles that change the plan: measures, sub-tasks, documents, meetings and decisions.
PLAN_EDITOR_ROLES = (Role.ADMINISTRATOR, Role.BUREAU, Role.EVALUATOR, Role.PERSONNEL, Role.GROUP_LEADERSHIP)

#: Roles that add sub-tasks under a measure: the plan's editors (to any campus in their scope or
#: to a unit) and a campus executive vice-principal (for their own campus only).
SUBTASK_CREATOR_ROLES = (*PLAN_EDITOR_ROLES, Role.CAMPUS_VP)

#: Roles that approve documents or return them for another version: the bureau.
DOCUMENT_APPROVER_ROLES = (Role.ADMINISTRATOR, Role.BUREAU)


def can_read_plan(user) -> bool:
    return user_scope(user).has_role(*PLAN_READER_ROLES)


def can_edit_plan(user) -> bool:
    return user_scope(user).has_role(*PLAN_EDITOR_ROLES)


def can_approve_documents(user) -> bool:
    return user_scope(user).has_role(*DOCUMENT_APPROVER_ROLES)


def can_create_subtask(user) -> bool:
    """The role check; which campus a vice-principal may choose is the service's (their own)."""
    return user_scope(user).has_role(*SUBTASK_CREATOR_ROLES)


def is_campus_only(user) -> bool:
    """A campus executive vice-principal with no other plan-editing role: acts for their campus."""
    scope = user_scope(user)
    return scope.has_role(Role.CAMPUS_VP) and not scope.everything and not can_edit_plan(user)


def can_report_on_measure(user, measure) -> bool:
    """Bureau roles on every measure; group leadership on its group's plan; a vice-principal
    never on a whole measure."""
    scope = user_scope(user)
    if scope.everything:
        return True
    if not scope.has_role(Role.GROUP_LEADERSHIP) or not scope.group_ids:
        return False
    return measure.group_id in scope.group_ids
