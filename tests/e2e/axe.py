"""axe-core in the browser tests: `run_axe(page)` checks the page as it stands.

axe-core (Deque Systems, MPL-2.0) is vendored in tests/e2e/vendor/axe.min.js, taken unchanged from
the npm package (`npm pack axe-core`); its licence is tests/e2e/vendor/axe-core.LICENSE. It is a
test asset only: the portal never serves it. The page's Content-Security-Policy does not apply to
scripts Playwright adds through the DevTools protocol.

    from tests.e2e.axe import run_axe, serious

    violations = run_axe(page)
    assert serious(violations) == [], describe(violations)
"""

from __future__ import annotations

from pathlib import Path

AXE_SOURCE = Path(__file__).parent / "vendor" / "axe.min.js"

#: The rule sets the portal is held to: WCAG 2.1 A and AA, plus axe's best practices.
DEFAULT_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice")

#: Impacts that fail the tests.
BLOCKING = ("critical", "serious")


def run_axe(page, *, context=None, tags=DEFAULT_TAGS, rules: dict | None = None) -> list[dict]:
    """Run axe-core on the page (or on `context`, a CSS selector) and return its violations:
    dicts with id, impact, help, helpUrl and nodes (each with target, html and failureSummary)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through DevTools, not as a <script> tag, which the CSP would refuse.
        page.evaluate(AXE_SOURCE.read_text(encoding="utf-8") + "\n;true")
    options = {"runOnly": {"type": "tag", "values": list(tags)}, "resultTypes": ["violations"]}
    if rules:
        options["rules"] = rules
    result = page.evaluate(
        "([context, options]) => axe.run(context || document, options)",
        [context, options],
    )
    return result["violations"]


def serious(violations: list[dict]) -> list[dict]:
    """The violations that fail a page: critical or serious."""
    return [v for v in violations if v.get("impact") in BLOCKING]


def describe(violations: list[dict], limit: int = 5) -> str:
    """A readable summary for an assertion message: rule, impact, and the first few elements."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation.get('impact')}): {violation['help']}")
        for node in violation["nodes"][:limit]:
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    {node['target']} {node['html'][:160]} — {summary[:200]}")
    return "\n".join(lines)
