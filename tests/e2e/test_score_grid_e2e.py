"""In a real browser, by keyboard: the supervision office's evaluator types 3.5 on the last row of
the score grid and presses Enter — it is saved (also after a reload) and shown whole, with the
saved mark beside it; points over the maximum get the field's message next to the cell; the
evaluatees' names stay in view while the grid scrolls across."""

import re

import pytest
from django.urls import reverse

from evaluation.models import Evaluatee, Scheme, Score
from evaluation.services import scheme_transition
from groupschool.demo_accounts import DEMO_PASSWORD

pytestmark = pytest.mark.e2e


def _log_in(page, base_url: str, username: str) -> None:
    page.goto(base_url + reverse("login"))
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(base_url + reverse("home"))


def test_enter_saves_the_last_row_and_errors_show_beside_the_cell(portal, page, screenshot):
    from django.contrib.auth import get_user_model

    scheme = Scheme.objects.get(year=2024)
    scheme_transition(user=get_user_model().objects.get(username="bureau"), scheme=scheme, to_status="open")
    last = Evaluatee.objects.filter(scheme=scheme).order_by("code").last()
    page.set_viewport_size({"width": 1366, "height": 768})
    _log_in(page, portal, "supervisor")
    page.goto(portal + reverse("evaluation:score_grid", args=[scheme.pk]))

    row = page.locator("#score-grid tbody tr").last
    first, second = row.locator(".grid-cell").nth(0), row.locator(".grid-cell").nth(1)
    first.focus()
    page.keyboard.type("3.5")
    page.keyboard.press("Enter")
    # A locator, not wait_for_function: the page's CSP refuses the string evaluation that needs.
    page.locator("#grid-status").filter(has_text=re.compile(r"\S")).wait_for()
    row.locator(".grid-mark").first.wait_for(state="visible")
    assert row.locator(".grid-mark").first.inner_text() == "✓"
    assert first.input_value() == "3.50"
    # The value is whole: the input is wider than its text.
    assert first.evaluate("el => el.scrollWidth <= el.clientWidth")
    assert Score.objects.get(evaluatee=last, indicator__code="1.1").points == 3.5

    second.focus()
    page.keyboard.type("99")
    page.keyboard.press("Enter")
    error = row.locator(".grid-error").nth(1)
    error.wait_for(state="visible")
    assert "1.2" in error.inner_text()
    assert second.get_attribute("aria-invalid") == "true"
    screenshot(page, "score-grid-last-row")

    # Names stay in view while scrolling across.
    name = row.locator(".grid-name")
    before = name.bounding_box()["x"]
    page.locator(".score-grid-wrap").evaluate("el => { el.scrollLeft = 800; }")
    assert abs(name.bounding_box()["x"] - before) < 1

    page.reload()
    assert page.locator("#score-grid tbody tr").last.locator(".grid-cell").first.input_value() == "3.50"
