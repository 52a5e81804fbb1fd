"""Browser tests: Debian's Chromium driven by Playwright (sync API) against pytest-django's live_server.

- One Chromium for the whole session, a fresh context (cookies, storage) per test.
- Every page may only talk to the live server: a request to any other host is aborted and
  fails the test (assets are served by the site itself, never from a CDN or a tracker).
- A sub-resource that fails (a missing stylesheet, a 500 from an htmx call) or a JavaScript
  error on the page fails the test too.
- So does a Content-Security-Policy violation the browser reports on its console (an inline
  style or script, eval, a resource the policy refuses).
- `assert_accessible(page)` runs axe-core (from node_modules, installed by `make setup`) for
  WCAG 2.0/2.1/2.2 A and AA and lists every violation it finds.
"""

import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

# Playwright's sync API runs an asyncio event loop in this thread; Django's ORM refuses to run
# in a thread with a running loop unless told that this is deliberate.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_SCRIPT = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
IN_CI = os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


def _chromium_or_stop():
    if Path(CHROMIUM).exists() or shutil.which(CHROMIUM):
        return CHROMIUM
    reason = f"Chromium not found at {CHROMIUM}; install it with `apt-get install chromium`"
    if IN_CI:
        pytest.fail(f"{reason} (browser tests must run in CI)", pytrace=False)
    pytest.skip(f"{reason} (skipped outside CI only)")


@pytest.fixture(scope="session")
def browser():
    executable = _chromium_or_stop()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class PageProblems:
    """What went wrong on a page outside of what the test itself asserts."""

    foreign_requests: list[str] = field(default_factory=list)
    failed_resources: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)

    def report(self) -> str:
        lines = []
        if self.foreign_requests:
            lines.append("Requests to hosts other than the site itself (aborted):")
            lines += [f"  {url}" for url in self.foreign_requests]
        if self.failed_resources:
            lines.append("Sub-resources that failed:")
            lines += [f"  {line}" for line in self.failed_resources]
        if self.page_errors:
            lines.append("JavaScript errors on the page:")
            lines += [f"  {line}" for line in self.page_errors]
        if self.csp_violations:
            lines.append("Content-Security-Policy violations:")
            lines += [f"  {line}" for line in self.csp_violations]
        return "\n".join(lines)


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc


@pytest.fixture
def page_problems():
    return PageProblems()


@pytest.fixture
def other_origins():
    """Sites a test's journey visits besides the live server (a module overrides this: the
    municipality's sign-in service in test_oidc_journey.py). None by default."""
    return ()


@pytest.fixture
def page(browser, live_server, page_problems, other_origins):
    """A fresh browser context on the live server; fails the test on third-party traffic."""
    own_origin = _origin(live_server.url)
    allowed = {own_origin, *(_origin(url) for url in other_origins)}
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 1280, "height": 900},
        locale="nl-NL",
        timezone_id="Europe/Amsterdam",
        service_workers="block",
    )
    context.set_default_timeout(10_000)

    def guard(route):
        url = route.request.url
        if url.startswith(("data:", "blob:", "about:")) or _origin(url) in allowed:
            route.continue_()
        else:
            page_problems.foreign_requests.append(url)
            route.abort("blockedbyclient")

    context.route("**/*", guard)
    page = context.new_page()

    downloads = set()  # a file sent as an attachment: the browser saves it and ends the navigation

    def on_response(response):
        if response.request.resource_type != "document" and response.status >= 400:
            page_problems.failed_resources.append(f"{response.status} {response.url}")
        if response.ok and response.headers.get("content-disposition", "").startswith("attachment"):
            downloads.add(response.url)

    def on_request_failed(request):
        # A 4xx/5xx was already reported by on_response; an aborted foreign request by guard.
        known = page_problems.foreign_requests + [line.split(" ", 1)[1] for line in page_problems.failed_resources]
        # The browser fetches the favicon after the page and drops it when the test moves on.
        left_behind = request.failure == "net::ERR_ABORTED" and request.url.endswith("/favicon.svg")
        downloaded = request.failure == "net::ERR_ABORTED" and request.url in downloads
        if request.url not in known and not left_behind and not downloaded:
            page_problems.failed_resources.append(f"{request.failure} {request.url}")

    page.on("response", on_response)
    page.on("requestfailed", on_request_failed)
    page.on("pageerror", lambda error: page_problems.page_errors.append(str(error)))

    def on_console(message):
        text = message.text
        if "Content Security Policy" in text or "Refused to" in text:
            page_problems.csp_violations.append(f"{text} ({message.location.get('url', '')})")

    page.on("console", on_console)

    yield page

    context.close()
    problems = page_problems.report()
    if problems:
        pytest.fail(problems, pytrace=False)


def _format_violations(url: str, violations: list[dict]) -> str:
    lines = [f"{len(violations)} accessibility violation(s) on {url}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation.get('impact')}): {violation['help']}")
        lines.append(f"  {violation.get('helpUrl', '')}")
        for node in violation["nodes"][:3]:
            lines.append(f"    at {json.dumps(node['target'])}: {node['html'][:200]}")
        if len(violation["nodes"]) > 3:
            lines.append(f"    ... and {len(violation['nodes']) - 3} more element(s)")
    return "\n".join(lines)


def assert_accessible(page, *, tags=AXE_TAGS, wait_for_load=True):
    """Run axe-core on the page once it has loaded; fail with a readable list of violations.

    A click on a link returns as soon as the next page is committed, before its stylesheets have
    arrived: axe would then measure a half-styled page (CI, issue 12: the header's contrast on the
    withdraw page, measured before bootstrap.min.css was in). So wait for the load event first;
    `wait_for_load=False` measures the page as it is now, for a test of such a state."""
    if wait_for_load:
        page.wait_for_load_state("load")
    if not AXE_SCRIPT.exists():
        pytest.fail(f"{AXE_SCRIPT} is missing: run `make setup` (npm ci) first", pytrace=False)
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, not as an inline <script> that the site's
        # Content-Security-Policy (rightly) refuses.
        page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
    results = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        list(tags),
    )
    violations = results["violations"]
    if violations:
        pytest.fail(_format_violations(page.url, violations), pytrace=False)


@pytest.fixture
def axe():
    """The accessibility check as a fixture, for tests that prefer fixtures to imports."""
    return assert_accessible


# --- logging in as staff: the password, then the second step for real ---------------------------


def app_code_for(key: bytes) -> str:
    """What an authenticator app shows now for `key` (RFC 6238, six digits)."""
    from django_otp.oath import totp

    return f"{totp(key):06d}"


def type_app_code(page, device):
    """On the code page after the password: type the code of the user's app and go on."""
    assert "/account/verificatie/" in page.url, page.url
    page.locator("#id_code").fill(app_code_for(device.bin_key))
    with page.expect_navigation():
        page.locator("main form:has(#id_code) button[type=submit]").click()


def set_up_app(page, *, check=None):
    """On the setup page after the first password login: read the key as a person would type it
    into an app, type the app's first code, and go on from the recovery codes. Returns the codes.

    `check(page)` runs on the setup page and on the recovery codes page (an accessibility check)."""
    from base64 import b32decode

    assert "/account/verificatie/instellen/" in page.url, page.url
    if check:
        check(page)
    key = page.locator("#mfa-secret").inner_text().replace(" ", "")
    page.locator("#id_code").fill(app_code_for(b32decode(key + "=" * (-len(key) % 8))))
    with page.expect_navigation():
        page.locator("main form:has(#id_code) button[type=submit]").click()
    assert "/account/verificatie/herstelcodes/" in page.url, page.url
    if check:
        check(page)
    codes = page.locator("main ol li").all_inner_texts()
    with page.expect_navigation():
        page.locator("#mfa-continue").click()
    return codes
