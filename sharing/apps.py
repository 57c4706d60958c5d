from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SharingConfig(AppConfig):
    """统筹与共享: funds, assets and teaching resources shared by the campuses of one legal entity."""

    name = "sharing"
    verbose_name = _("Shared funds, assets and resources")
