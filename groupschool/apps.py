from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupschoolConfig(AppConfig):
    name = "groupschool"
    verbose_name = _("Portal")

    def ready(self):
        # Deactivation ends the account's sessions; the check that MEDIA_ROOT is not static.
        from . import sessions, uploads  # noqa: F401
        from .figures import connect_signals

        # Every change of what the dashboard's cached figures count moves their version on.
        connect_signals()
        _register_scope_rules()


def _register_scope_rules() -> None:
    """Rules of the models the portal does not own (groupschool.scoping)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from .scoping import Rule, register_rule

    # An account: its owner, and those of the staff of the user's campuses; the bureau all.
    register_rule(get_user_model(), Rule(campus=("staff_member__home_campus",), owner="pk"))
    # Roles are the bureau's to hand out.
    register_rule(Group, Rule(bureau_only=True))
