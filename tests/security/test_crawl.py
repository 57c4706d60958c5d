"""Every GET address × every demo role × hostile parameter values: never a 500, never slow.

The addresses come from the URL configuration (tests/security/crawl.py): every page, list,
export, detail page (its `<pk>` filled from a row of demo-like data built here) and every
admin changelist, change, history, import and export page. Each is asked, as each demo role:
once plainly, once with hostile values in its paging, sorting and filter parameters (and, for
lists, once more as an export). The hostile values rotate over the roles, so every address meets
every value once while the whole crawl stays well under a minute on SQLite. It runs on
PostgreSQL too (`.ci/run`), where NUL bytes and out-of-range numbers fail differently.
"""

from __future__ import annotations

import logging
import os
import time
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from .crawl import crawl_urls, fill_database

ROLES = ("anonymous", "bureau", "supervisor", "personnel", "principal", "vp-hongqi", "vp-longxiang", "admin")

HOSTILE = (
    "-1",
    "0",
    "99999999999999999999",
    "abc",
    "\x00",
    "x" * 5000,
    "龍😀",
    "' OR 1=1 --",
)

#: The slowest any one answer may be (seconds; the best of three tries). CRAWL_SLOWEST raises it
#: on a machine busy with other work.
SLOWEST = float(os.environ.get("CRAWL_SLOWEST", "2.0"))


@pytest.fixture
def crawl_world(plan, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    empty = fill_database()
    return empty


def _clients():
    clients = {}
    for role in ROLES:
        client = Client(raise_request_exception=False)
        if role != "anonymous":
            client.force_login(get_user_model().objects.get(username=role))
        clients[role] = client
    return clients


def _query(params, value: str, export: bool) -> str:
    query = {param: value for param in params}
    if export:
        query["_export"] = "csv"
    return urlencode(query)


#: Roles whose ask of a list is an export (the others ask for the page).
EXPORTING_ROLES = ("bureau", "vp-hongqi")


def _roles_for(target, index: int) -> tuple[str, ...]:
    """Every role for the portal's pages. The admin lets in staff accounts only, and of the demo
    accounts only `admin` is one: the others all meet the same login redirect, so each admin
    address is asked as admin, anonymous and one of the other roles in turn."""
    if not target.name.startswith("admin:"):
        return ROLES
    others = [role for role in ROLES if role not in ("anonymous", "admin")]
    return ("admin", "anonymous", others[index % len(others)])


def _ask(client, url):
    begin = time.monotonic()
    response = client.get(url)
    return response, time.monotonic() - begin


def test_every_address_as_every_role_with_hostile_parameters_answers_without_a_500(crawl_world):
    assert crawl_world == [], f"the crawl's data could not build a row of {crawl_world}"
    plan = crawl_urls()
    assert plan.unfilled == [], f"addresses whose parameters no row fills: {plan.unfilled}"
    clients = _clients()
    failures, slow, timings = [], [], []
    started = time.monotonic()
    logging.disable(logging.CRITICAL)  # 4xx answers are expected by the thousand: no log lines
    try:
        for index, target in enumerate(plan.targets):
            for role in _roles_for(target, index):
                # Every address meets every hostile value once over the eight roles.
                value = HOSTILE[(index + ROLES.index(role)) % len(HOSTILE)]
                export = target.exportable and role in EXPORTING_ROLES
                url = f"{target.url}?{_query(target.params, value, export)}" if target.params else target.url
                response, elapsed = _ask(clients[role], url)
                for _again in range(2):
                    if elapsed <= SLOWEST:
                        break
                    # Again, to tell a slow page from a busy machine (CI runs two workers).
                    elapsed = min(elapsed, _ask(clients[role], url)[1])
                timings.append((elapsed, role, target.name))
                if response.status_code >= 500:
                    exc = getattr(response, "exc_info", None)
                    error = repr(exc[1]) if exc else ""
                    failures.append(f"{role} {url[:160]!r} → {response.status_code} {error}")
                if elapsed > SLOWEST:
                    slow.append(f"{role} {url[:160]!r}: {elapsed:.2f} s")
    finally:
        logging.disable(logging.NOTSET)
    total = time.monotonic() - started
    admin_time = sum(t for t, _role, name in timings if name.startswith("admin:"))
    summary = (
        f"crawl: {len(plan.targets)} addresses × {len(ROLES)} roles, {len(HOSTILE)} hostile values rotating: "
        f"{len(timings)} requests in {total:.1f} s ({admin_time:.1f} s in the admin); slowest: "
        + ", ".join(f"{name} as {role} {t:.2f} s" for t, role, name in sorted(timings, reverse=True)[:5])
    )
    print("\n" + summary)
    assert not failures, "\n".join([summary, *failures[:60]])
    assert not slow, "\n".join([summary, *slow[:60]])
