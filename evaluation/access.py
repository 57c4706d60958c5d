"""Who may do what in assessments, once a record is within the user's scope (403 otherwise).

- The bureau and the supervision office (督导室) manage schemes: open, close, compute, publish,
  decide appeals; evaluators of the supervision office enter scores.
- Unpublished scores and results are read only by them: group leadership and campus
  vice-principals never see other evaluatees' scores before publication — nor their own.
- Group leadership and vice-principals upload self-assessment evidence for the evaluatees in
  their scope and file appeals on published results.
"""

from __future__ import annotations

from kernel.roles import Role
from kernel.scoping import user_scope

MANAGER_ROLES = (Role.ADMINISTRATOR, Role.BUREAU, Role.EVALUATOR)
SCORER_ROLES = (Role.EVALUATOR,)
VIEWER_ROLES = tuple(Role.values)
EVALUATEE_ROLES = (Role.GROUP_LEADERSHIP, Role.CAMPUS_VP)


def can_view_schemes(user) -> bool:
    return user_scope(user).has_role(*VIEWER_ROLES)


def can_manage(user) -> bool:
    return user_scope(user).has_role(*MANAGER_ROLES)


def can_score(user) -> bool:
    return user_scope(user).has_role(*SCORER_ROLES)


def can_read_unpublished(user) -> bool:
    """Scores and results before publication: the bureau and the supervision office only."""
    return user_scope(user).has_role(*MANAGER_ROLES)


def can_review_cells(user, scheme) -> bool:
    """The scheme's lead evaluator, or the bureau, confirms or corrects flagged cells."""
    scope = user_scope(user)
    if scheme.lead_evaluator_id:
        return scheme.lead_evaluator_id == user.pk or scope.has_role(Role.BUREAU, Role.ADMINISTRATOR)
    return scope.has_role(Role.BUREAU, Role.ADMINISTRATOR, Role.EVALUATOR)


def can_submit_evidence(user) -> bool:
    return user_scope(user).has_role(*EVALUATEE_ROLES)


def can_file_appeal(user) -> bool:
    return user_scope(user).has_role(*EVALUATEE_ROLES)


def can_decide_appeal(user) -> bool:
    return user_scope(user).has_role(Role.BUREAU, Role.ADMINISTRATOR)
