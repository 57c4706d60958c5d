"""Demo accounts for `make run` and the tests; never created in production
(DEMO_ACCOUNTS_ALLOWED is off unless DEBUG is on or it is set explicitly)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from kernel.roles import Role
from kernel.services import campus_grant_access, group_grant_access, user_set_roles

DEMO_PASSWORD = "demo-2026"

#: username → (display name, roles, campus code, group code)
DEMO_ACCOUNTS: dict[str, tuple[str, list[str], str | None, str | None]] = {
    "admin": ("系统管理员", [Role.ADMINISTRATOR], None, None),
    "bureau": ("教育局领导（演示）", [Role.BUREAU], None, None),
    "supervisor": ("督导室评估员（演示）", [Role.EVALUATOR], None, None),
    "personnel": ("人事股干部（演示）", [Role.PERSONNEL], None, None),
    "principal": ("集团校长（演示）", [Role.GROUP_LEADERSHIP], None, "longshi"),
    "vp-hongqi": ("红旗校区执行副校长（演示）", [Role.CAMPUS_VP], "hongqi", None),
    "vp-longxiang": ("龙翔校区执行副校长（演示）", [Role.CAMPUS_VP], "longxiang", None),
    "vp-taojiang": ("桃江校区执行副校长（演示）", [Role.CAMPUS_VP], "taojiang", None),
}


@transaction.atomic
def demo_accounts_create() -> list[str]:
    """Create the demo accounts that are missing; return the usernames created."""
    if not settings.DEMO_ACCOUNTS_ALLOWED:
        raise ImproperlyConfigured("Demo accounts are not created here (DEMO_ACCOUNTS_ALLOWED is off).")
    from campuses.models import Campus, EducationGroup

    User = get_user_model()
    created = []
    for username, (display, roles, campus_code, group_code) in DEMO_ACCOUNTS.items():
        user, is_new = User.objects.get_or_create(username=username, defaults={"first_name": display})
        if not is_new:
            continue
        user.set_password(DEMO_PASSWORD)
        user.is_staff = user.is_superuser = username == "admin"
        user.save()
        user_set_roles(user=user, roles=roles)
        if campus_code:
            campus_grant_access(user=user, campus=Campus.objects.get(code=campus_code))
        if group_code:
            group_grant_access(user=user, group=EducationGroup.objects.get(code=group_code))
        created.append(username)
    return created
