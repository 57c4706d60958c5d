"""The access history: who changed a user's roles (groups) and campus or group permissions.

The policy settings and data versions live in the kernel (kernel/models.py).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def _register_access_history() -> None:
    """Keep who changed a user's roles (groups) and campus permissions, and when."""
    from django.contrib.auth import get_user_model
    from guardian.models import GroupObjectPermission, UserObjectPermission
    from simple_history import register

    register(
        get_user_model(),
        app="groupschool",
        m2m_fields=["groups"],
        excluded_fields=["password", "last_login"],
        verbose_name=_("account change"),
        verbose_name_plural=_("account changes"),
    )
    register(
        UserObjectPermission,
        app="groupschool",
        verbose_name=_("change of a user's campus or group access"),
        verbose_name_plural=_("changes of users' campus and group access"),
    )
    register(
        GroupObjectPermission,
        app="groupschool",
        verbose_name=_("change of a role's campus or group access"),
        verbose_name_plural=_("changes of roles' campus and group access"),
    )


_register_access_history()
