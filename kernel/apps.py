from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KernelConfig(AppConfig):
    name = "kernel"
    label = "kernel"
    # The admin lists the kernel's one editable model, the policy settings, under this name.
    verbose_name = _("Policy settings")

    def ready(self):
        # Imported for their signal receivers and system checks once the apps are loaded (Django's
        # convention): deactivation ends the account's sessions; MEDIA_ROOT is not static.
        from . import sessions, uploads  # noqa: F401
