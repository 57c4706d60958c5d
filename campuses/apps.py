from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kernel.scoping import register_scope_source


class CampusesConfig(AppConfig):
    name = "campuses"
    verbose_name = _("Groups and campuses")

    def ready(self):
        # Imported once the models are loaded (Django's convention for ready()).
        from .selectors import user_campus_rows

        # The one door (kernel.scoping.user_scope) asks campuses which campuses a user holds.
        register_scope_source(user_campus_rows)
