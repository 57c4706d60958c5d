from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kernel.scoping import Rule, register_rule


class GroupschoolConfig(AppConfig):
    name = "groupschool"
    verbose_name = _("Portal")

    def ready(self):
        # Imported once the apps are loaded (Django's convention for signal receivers).
        from .figures import connect_signals

        # Every change of what the dashboard's cached figures count moves their version on.
        connect_signals()
        _register_scope_rules()


def _register_scope_rules() -> None:
    """Rules of the models the portal does not own (kernel.scoping)."""
    # Run from ready(): the auth models cannot be imported before the apps are loaded.
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    # An account: its owner, and those of the staff of the user's campuses; the bureau all.
    register_rule(get_user_model(), Rule(campus=("staff_member__home_campus",), owner="pk"))
    # Roles are the bureau's to hand out.
    register_rule(Group, Rule(bureau_only=True))
