"""The README's "First administrator" steps: the `manage.py shell -c` commands it gives, run as
written (read from the README), and what they leave an account able to see."""

import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse

from campuses.models import Campus
from kernel.roles import Role
from kernel.scoping import user_scope

README = Path(__file__).resolve().parent.parent.parent / "README.md"

pytestmark = pytest.mark.django_db


def shell_commands() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text.split("### First administrator\n", 1)[1].split("\n### ", 1)[0]
    return re.findall(r'manage\.py shell -c "([^"]+)"', section)


def test_the_six_role_groups_exist_as_the_readme_says():
    assert "migrations create the six groups" in README.read_text(encoding="utf-8")
    assert sorted(Group.objects.values_list("name", flat=True)) == sorted(Role.values)


def test_the_readme_gives_group_leadership_its_group(plan):
    (grant,) = shell_commands()
    account = get_user_model().objects.create_user(username="zhang.san")
    assert "username='zhang.san'" in grant and "code='longshi'" in grant
    exec(grant, {})  # noqa: S102 - the README's own command
    account = get_user_model().objects.get(pk=account.pk)
    scope = user_scope(account)
    assert scope.has_role(Role.GROUP_LEADERSHIP)
    longshi = Campus.objects.filter(school__group__code="longshi").values_list("pk", flat=True)
    assert scope.campus_ids == set(longshi) and len(longshi) == 3


def test_a_superuser_is_the_administrator_and_reaches_the_admin(client, plan):
    account = get_user_model().objects.create_superuser(username="first-admin", password="x-long-password-1")
    assert user_scope(account).everything and user_scope(account).has_role(Role.ADMINISTRATOR)
    client.force_login(account)
    assert client.get(reverse("admin:auth_user_add")).status_code == 200
    page = client.get(reverse("admin:campuses_campus_change", args=[Campus.objects.get(code="taojiang").pk]))
    # The inline through which the README says a campus's vice-principal is given access.
    assert 'id="id_guardian-userobjectpermission-content_type-object_pk-TOTAL_FORMS"' in page.content.decode()
