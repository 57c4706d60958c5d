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
