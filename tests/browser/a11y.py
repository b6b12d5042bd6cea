"""axe-core in the real browser: WCAG 2.2 AA, zero violations.

axe-core comes from the npm registry (package.json / package-lock.json at the repository root;
`make test` runs `npm ci` when node_modules/axe-core is missing) and is injected into the page by
Playwright, so the site itself never ships it.
"""
from functools import lru_cache
from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@lru_cache(maxsize=1)
def _axe_source() -> str:
    if not AXE.exists():
        pytest.fail(f"axe-core is missing ({AXE}): run `npm ci --no-audit --no-fund` (or `make test`)")
    return AXE.read_text(encoding="utf-8")


def axe_violations(page) -> list[dict]:
    """The violations axe-core finds in the page as it is now, with the WCAG 2.x A/AA rules."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, which the page's CSP does not govern: a <script>
        # tag with axe's source would be inline script, which the site's policy rightly refuses.
        page.evaluate(_axe_source())
    result = page.evaluate(
        """tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})""",
        WCAG_TAGS,
    )
    return result["violations"]


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v.get('impact')}): {v['help']} [{v.get('helpUrl', '')}]")
        for node in v["nodes"][:10]:
            target = " ".join(" > ".join(t) if isinstance(t, list) else t for t in node["target"])
            lines.append(f"    {target}: {node.get('failureSummary', '').splitlines()[-1:] or ''}")
    return "\n".join(lines)


def assert_accessible(page, context: str = "") -> None:
    """Fails, listing each violation (id, impact, target selectors, help), unless axe finds none."""
    violations = axe_violations(page)
    if violations:
        where = context or page.url
        pytest.fail(f"axe-core: {len(violations)} WCAG 2.2 AA violation(s) on {where} ({page.url}):\n"
                    + describe(violations), pytrace=False)
