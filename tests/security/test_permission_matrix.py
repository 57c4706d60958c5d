"""The permission matrix: every URL name of the portal (pages, actions, exports, downloads, admin
changelists and change pages) × every persona, against the expected answers kept as data in
tests/security/permission_matrix.py. A URL name without an entry fails the test.

Personas: anonymous, each bureau role, the plan group's principal (group leadership), the
vice-principal of the record's own campus (红旗) and of another campus (桃江), and the leadership
of a second group (with a campus of its own). Each URL is asked with a record of 红旗 where its
model has one (else the first row): a vice-principal of 桃江 and the other group's leadership
must then not reach it. Actions (POST only) are posted with an empty form inside a rolled-back
transaction, so that no answer changes the next.

Regenerate the data after a deliberate change:
`MATRIX_WRITE=1 pytest tests/security/test_permission_matrix.py`,
then read the diff (a 200 where a 404 stood is a leak).
"""

from __future__ import annotations

import logging
import os
import pprint
import time
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django.urls import reverse

from kernel.roles import Role
from kernel.scoping import forget_scope, restrict, rule_for
from kernel.services import campus_grant_access, group_grant_access, user_set_roles
from tests.campuses import factories as campuses_factories
from tests.security import crawl
from tests.security.permission_matrix import EXPECTED, PERSONAS

MATRIX_FILE = Path(__file__).with_name("permission_matrix.py")

OWN, OTHER = "hongqi", "taojiang"


def _second_group():
    """Another group with one campus, its leader and its vice-principal."""
    group = campuses_factories.EducationGroupFactory(code="other-group", name="另一教育集团")
    school = campuses_factories.SchoolFactory(group=group, name="另一集团学校")
    campus = campuses_factories.CampusFactory(school=school, code="other-campus", name="另一集团校区")
    User = get_user_model()
    leader = User.objects.create_user("other-leader", password="x")
    user_set_roles(user=leader, roles=[Role.GROUP_LEADERSHIP])
    group_grant_access(user=leader, group=group)
    vp = User.objects.create_user("vp-other-group", password="x")
    user_set_roles(user=vp, roles=[Role.CAMPUS_VP])
    campus_grant_access(user=vp, campus=campus)
    return campus


#: URL entries asked with a record of 红旗 only (read by its vice-principal, not by 桃江's).
OWN_ONLY: set[str] = set()


def _pick_row(model, own_vp, other_vp):
    """A row of 红旗 (read by its vice-principal, not by 桃江's) when the model has one; the
    second value says whether it is one."""
    portal = model._meta.app_label in crawl.PORTAL_APPS and not model.__name__.startswith("Historical")
    rule = rule_for(model) if portal else None
    if rule is not None and rule.campus:
        base = model._base_manager.all()
        own = restrict(base, own_vp).exclude(pk__in=restrict(base, other_vp).values("pk"))
        row = own.order_by("pk").first()
        if row is not None:
            return row, True
    return crawl.row_of(model), False


def _targets(own_vp, other_vp):
    """(entry name, url, POST-able) for every URL name; exports as `<name>?export`."""
    targets = []
    plan = crawl.CrawlPlan()
    portal = [
        e for e in crawl._walk(crawl.get_resolver().url_patterns) if not e[0].startswith("admin/") and e[1]
    ]
    models_by_prefix = {}
    for route, _name, pattern in portal:
        model = getattr(crawl._view_class(pattern), "model", None)
        if model is not None and "<int:pk>" in route:
            models_by_prefix.setdefault(route.split("<int:pk>")[0] + "<int:pk>/", model)
    for route, name, pattern in portal:
        if name in crawl.SKIPPED_NAMES:
            continue
        kwargs = {}
        for key in pattern.pattern.converters:
            model = crawl._model_of(route, key, pattern, models_by_prefix)
            row, own_only = _pick_row(model, own_vp, other_vp) if model is not None else (None, False)
            if row is None:
                plan.unfilled.append(name)
                break
            kwargs[key] = row.pk
            if own_only:
                OWN_ONLY.update({name, f"{name}?export"})
        else:
            url = reverse(name, kwargs=kwargs)
            targets.append((name, url))
            view_class = crawl._view_class(pattern)
            if (
                view_class is not None
                and getattr(view_class, "export_formats", ())
                and hasattr(view_class, "table_class")
            ):
                targets.append((f"{name}?export", f"{url}?_export=xlsx"))
    for model, _admin in crawl.admin.site._registry.items():
        opts = model._meta
        base = f"admin:{opts.app_label}_{opts.model_name}"
        targets.append((f"{base}_changelist", reverse(f"{base}_changelist")))
        row, _own_only = _pick_row(model, own_vp, other_vp)
        if row is not None:
            targets.append((f"{base}_change", reverse(f"{base}_change", args=[row.pk])))
    return targets, plan.unfilled


def _answer(response) -> str:
    code = response.status_code
    if code in (301, 302):
        location = response.headers.get("Location", "")
        return "login" if "/login" in location else "302"
    return str(code)


def _ask(client, url) -> str:
    with transaction.atomic():
        response = client.get(url)
        if response.status_code == 405:
            response = client.post(url, {})
        transaction.set_rollback(True)
    return _answer(response)


@pytest.fixture
def matrix_world(plan, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    _second_group()
    empty = crawl.fill_database()
    assert empty == [], empty
    User = get_user_model()
    return User.objects.get(username=f"vp-{OWN}"), User.objects.get(username=f"vp-{OTHER}")


def test_permission_matrix_of_every_url_and_persona(matrix_world):
    own_vp, other_vp = matrix_world
    started = time.monotonic()
    targets, unfilled = _targets(own_vp, other_vp)
    assert unfilled == [], f"URL names whose parameters no row fills: {unfilled}"
    User = get_user_model()
    clients = {}
    for persona in PERSONAS:
        client = Client(raise_request_exception=False)
        if persona != "anonymous":
            user = User.objects.get(username=persona)
            forget_scope(user)
            client.force_login(user)
        clients[persona] = client
    found = {}
    logging.disable(logging.CRITICAL)
    try:
        for name, url in targets:
            found[name] = " ".join(_ask(clients[persona], url) for persona in PERSONAS)
    finally:
        logging.disable(logging.NOTSET)
    elapsed = time.monotonic() - started
    print(f"\npermission matrix: {len(found)} URL entries × {len(PERSONAS)} personas in {elapsed:.1f} s")
    if os.environ.get("MATRIX_WRITE"):
        _write(found)
    missing = sorted(set(found) - set(EXPECTED))
    assert not missing, f"URL names with no entry in the permission matrix: {missing}"
    wrong = [
        f"{name}: expected {EXPECTED[name]!r}, got {found[name]!r}"
        for name in sorted(found)
        if EXPECTED[name] != found[name]
    ]
    assert not wrong, "personas: " + " ".join(PERSONAS) + "\n" + "\n".join(wrong)
    # Whatever the data says: another campus's vice-principal and another group's leadership
    # never read a record of 红旗 only.
    column = {persona: PERSONAS.index(persona) for persona in PERSONAS}
    leaks = [
        f"{name} as {persona}"
        for name in sorted(OWN_ONLY & set(found))
        for persona in (f"vp-{OTHER}", "other-leader")
        if found[name].split()[column[persona]] == "200"
    ]
    assert not leaks, f"records of 红旗 read from outside: {leaks}"


def _write(found: dict[str, str]) -> None:
    text = MATRIX_FILE.read_text(encoding="utf-8")
    head = text.split("EXPECTED = ")[0]
    MATRIX_FILE.write_text(head + "EXPECTED = " + pprint.pformat(found, width=110, sort_dicts=True) + "\n")
