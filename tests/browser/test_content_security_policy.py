"""The strict Content-Security-Policy holds in a real browser: walking the citizen's pages (the
scripts, the photo previews, the service worker), the account and desk login pages and the API's
Swagger UI reports no violation at all."""
import re

import pytest

from tests.browser import flow

pytestmark = pytest.mark.browser

# Runs in every page before its own scripts: the browser fires this event for each blocked load,
# inline script, inline style or eval.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + e.sourceFile);
});
"""


@pytest.fixture
def watched(phone):
    """The phone's page, with every CSP violation and console error of every page collected."""
    problems = []
    phone.context.add_init_script(RECORD_VIOLATIONS)
    # Chromium also logs each refusal as a console error ("Refused to … because it violates …").
    phone.on("console", lambda m: m.type == "error" and "policy" in m.text.lower()
             and problems.append(f"console: {m.text}"))
    phone.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))

    def violations():
        return problems + [f"csp: {v}" for v in phone.evaluate("window.__cspViolations || []")]

    phone.violations = violations
    return phone


def _visit(page, url, ready=None):
    page.goto(url)
    page.wait_for_load_state("networkidle")
    if ready:
        page.wait_for_selector(ready, timeout=20000)
    assert page.violations() == [], url


def test_no_page_breaks_the_policy(live_site, watched, tmp_path):
    page, base = watched, live_site["url"]

    flow.start(page, base)
    flow.personal(page)
    flow.social_insurance_number(page)
    flow.id_document(page)
    flow.province(page)
    flow.address(page)
    flow.contact(page)
    flow.photos(page, tmp_path)  # resized in a canvas, previewed from blob: URLs
    assert page.violations() == []

    _visit(page, base + "/to-khai/quet-ma/")
    _visit(page, base + "/tra-cuu-ma-so-bhxh/")
    _visit(page, base + "/tai-khoan/dang-nhap/")
    _visit(page, base + "/tai-khoan/quen-mat-khau/")
    _visit(page, base + "/can-bo/dang-nhap/")
    _visit(page, base + "/ngoai-tuyen/")
    # The Swagger UI renders the whole schema from its own files, with no inline script.
    _visit(page, base + "/api/v1/docs", ready=".swagger-ui .opblock")


def test_the_watch_catches_an_inline_script(live_site, watched):
    """The listener above is what the other test relies on: an injected inline script is blocked
    (it never runs) and reported."""
    page = watched
    page.goto(live_site["url"] + "/tai-khoan/dang-nhap/")
    page.evaluate("""() => {
        const s = document.createElement("script");
        s.textContent = "window.__ran = true";
        document.body.append(s);
    }""")
    page.wait_for_function("() => window.__cspViolations.length > 0", timeout=5000)
    assert page.evaluate("window.__ran === undefined")
    assert any(re.search(r"script-src", v) for v in page.violations())
