"""axe-core in the Playwright tests: inject the pinned axe.min.js into a page (no network)
and run the WCAG 2.1 A/AA rules.

axe-core comes from the npm registry, pinned in ``tests/axe/package-lock.json`` and
installed into ``tests/axe/node_modules`` by ``make axe`` (part of ``make test``).
Any browser test can use `assert_accessible(page, where)`, e.g. the logged-out page of
a login-configured app.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Page

AXE_JS = Path(__file__).resolve().parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
#: WCAG 2.0 and 2.1, levels A and AA (what the Danish web accessibility act requires).
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")

_RUN = """async (tags) => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: tags}, resultTypes: ["violations"],
  });
  return {version: axe.version, violations: result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, tags: v.tags,
    nodes: v.nodes.map(n => ({target: n.target, summary: n.failureSummary})),
  }))};
}"""


def axe_available() -> bool:
    return AXE_JS.exists()


def axe_violations(page: Page, tags: tuple[str, ...] = WCAG_TAGS) -> list[dict]:
    """The axe-core violations of ``page`` as it is now (rules tagged ``tags``)."""
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: run `make axe` (npm ci in tests/axe)",
                    pytrace=False)
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    return page.evaluate(_RUN, list(tags))["violations"]


def describe(violations: list[dict], limit: int = 5) -> str:
    """A readable list: rule, impact, help and the first ``limit`` elements of each."""
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} [{len(v['nodes'])} elements]")
        for node in v["nodes"][:limit]:
            summary = " ".join((node["summary"] or "").split())
            lines.append(f"    {json.dumps(node['target'])}: {summary[:300]}")
    return "\n".join(lines)


def assert_accessible(page: Page, where: str) -> None:
    """No WCAG 2.1 A/AA violation on ``page``; otherwise fail listing each rule."""
    violations = axe_violations(page)
    assert not violations, f"{where}: axe-core finds WCAG 2.1 A/AA violations:\n" + \
        describe(violations)
