"""Who may do what with the work plan, once a record is within scope (see groupschool.permissions).

Everyone with a portal role reads the whole plan. Bureau roles edit everything; group leadership
edits the plan of its group and reports on its measures; a campus executive vice-principal
reports only on the sub-tasks assigned to their campus (SubTask.objects.reportable_by).
"""

from __future__ import annotations

from groupschool.roles import Role
from groupschool.scoping import user_scope

#: Roles that read the plan.
PLAN_READER_ROLES = tuple(Role.values)

#: Roles that change the plan: measures, sub-tasks, documents, meetings and decisions.
PLAN_EDITOR_ROLES = (Role.ADMINISTRATOR, Role.BUREAU, Role.EVALUATOR, Role.PERSONNEL, Role.GROUP_LEADERSHIP)

#: Roles that approve documents or return them for another version: the bureau.
DOCUMENT_APPROVER_ROLES = (Role.ADMINISTRATOR, Role.BUREAU)


def can_read_plan(user) -> bool:
    return user_scope(user).has_role(*PLAN_READER_ROLES)


def can_edit_plan(user) -> bool:
    return user_scope(user).has_role(*PLAN_EDITOR_ROLES)


def can_approve_documents(user) -> bool:
    return user_scope(user).has_role(*DOCUMENT_APPROVER_ROLES)


def can_report_on_measure(user, measure) -> bool:
    """Bureau roles on every measure; group leadership on its group's (a measure of no campus is
    the group's); a vice-principal never on a whole measure."""
    scope = user_scope(user)
    if scope.everything:
        return True
    if not scope.has_role(Role.GROUP_LEADERSHIP) or not scope.group_ids:
        return False
    return measure.campus_id is None or measure.campus_id in scope.campus_ids
