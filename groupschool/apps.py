from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupschoolConfig(AppConfig):
    name = "groupschool"
    verbose_name = _("Portal")
