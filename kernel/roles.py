"""Roles are Django groups with stable names; their labels are translated for display.

Bureau roles see every group, school and campus. Group leadership sees the groups on which it
holds the `campuses.manage_group` object permission; a campus executive vice-principal sees the
campuses on which they hold `campuses.manage_campus` (django-guardian).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    BUREAU = "bureau", _("Bureau official")
    EVALUATOR = "evaluator", _("Evaluator (supervision office)")
    PERSONNEL = "personnel", _("Personnel office")
    GROUP_LEADERSHIP = "group_leadership", _("Group leadership")
    CAMPUS_VP = "campus_vp", _("Campus executive vice-principal")
    ADMINISTRATOR = "administrator", _("Administrator")


#: Roles whose holders see every record of every group and campus.
CITY_WIDE_ROLES = frozenset({Role.BUREAU, Role.EVALUATOR, Role.PERSONNEL, Role.ADMINISTRATOR})

CAMPUS_PERMISSION = "campuses.manage_campus"
GROUP_PERMISSION = "campuses.manage_group"


def role_label(name: str) -> str:
    """A role (group) name as its label in the interface language; other groups by their name."""
    try:
        return str(Role(name).label)
    except ValueError:
        return name
