"""Browser tests: Python Playwright driving Debian's chromium against pytest-django's live server.

Skipped, with the command to install it, where chromium is missing. Screenshots go to
tests/e2e/screenshots/ (ignored by git) for a person to look at.
"""

import os
import shutil
from importlib import import_module
from io import StringIO
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls made by fixtures and
# by the test itself are still synchronous, so Django's async-safety guard is lifted here only.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SKIP_MESSAGE = "Browser tests need Debian's chromium: apt-get install -y chromium fonts-wqy-microhei"
SCREENSHOTS = Path(__file__).parent / "screenshots"


def _chromium() -> str | None:
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    return shutil.which("chromium")


@pytest.fixture(scope="session")
def browser():
    executable = _chromium()
    if executable is None:
        pytest.skip(SKIP_MESSAGE)
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh browser context (no cookies) with a Chinese-speaking user's settings."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def portal(transactional_db, live_server, settings):
    """The plan's data, the demo accounts and a small demo data set, served by the live server."""
    from django.apps import apps as django_apps
    from django.core.management import call_command

    from groupschool.demo_accounts import demo_accounts_create
    from groupschool.plan_data import plan_data_load

    # Password hashing at full strength costs seconds per account; the login form works the same.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Rows written by data migrations are gone once an earlier test's tables were flushed: the
    # standard budget lines are put back as `migrate` leaves them (the demo's funds need them).
    import_module("sharing.migrations.0002_standard_budget_lines").add_lines(django_apps, None)
    plan_data_load()
    demo_accounts_create()
    call_command(
        "generate_demo", "--schools", "2", "--staff-per-campus", "12", "--seed", "1", stdout=StringIO()
    )
    return live_server.url


@pytest.fixture
def screenshot():
    """screenshot(page, "name") saves tests/e2e/screenshots/name.png (the whole page)."""
    SCREENSHOTS.mkdir(exist_ok=True)

    def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
