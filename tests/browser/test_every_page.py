"""Every kind of page, in Dutch and English, at 1280 and 390 px: axe-core (WCAG 2.0-2.2 A/AA)
finds nothing, and the page never scrolls sideways (WCAG 1.4.10 Reflow, which axe does not test).

The URL names come from the URL configuration, as in the access matrix
(tests/config/test_access_matrix.py), and so do the objects: the matrix's world (both tenants,
every object, a user of every role) and its rules build each URL's kwargs. `PAGES` says only who
looks at a page; a URL name without an entry fails `test_every_url_name_has_a_page_entry`.
A new page is one line: `"app:name": visit("facilitator_x"),` (or a reason why it is no page).

One Chromium, one live server and one world for the whole module; one browser context per role
and language, reused by every page and width. The world is committed (the live server runs in
its own thread) and flushed at the end, as `transactional_db` does after a browser test.
"""

import json
import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connection
from django.test import Client, override_settings
from django.test.utils import setup_databases, teardown_databases
from django.urls import reverse
from pytest_django.live_server_helper import LiveServer

from accounts.roles import COORDINATOR
from tests.accounts.oidc_provider import offline_provider_settings
from tests.config.test_access_matrix import EXPECTED as ACCESS
from tests.config.test_access_matrix import build_world, collect_routes
from tests.conftest import verify_session
from tests.vision.factories import ScanScoreFactory
from vision.constants import ScanItem

from .conftest import AXE_SCRIPT, AXE_TAGS, PageProblems

pytestmark = pytest.mark.browser

LANGUAGES = ("nl", "en")
SHOTS = Path(os.environ["A11Y_SHOTS"]) if os.environ.get("A11Y_SHOTS") else None
WIDTHS = {1280: 900, 390: 844}


@dataclass(frozen=True)
class Visit:
    roles: tuple[str, ...]  # roles of the access matrix; each sees the page of tenant A
    query: str = ""


def visit(*roles: str, query: str = "") -> Visit:
    return Visit(roles, query)


# Why a URL name is not visited: it answers something other than a page of its own.
ACTION = "a POST action: its form is on another page"
DOWNLOAD = "a download, not an HTML page"
REDIRECT = "only sends the visitor on"
API = "JSON for the API (and CSV with ?format=csv)"
AFTER_SUBMIT = "shown after a submit in a session: tests/browser/test_resident_journey.py checks it with axe"
TWO_STEP = "the two-step login pages: tests/browser/test_two_step_login.py walks them with axe"

OFFICER = "coordinator_a"  # a coordinator sees every officer page (the audit log too)
STEERER = "facilitator_x"
MEMBER = "member"
RESIDENT = "resident_own"  # the holder of the tracking or scan link of tenant A
ANONYMOUS = "anonymous"

PAGES: dict[str, Visit | str] = {
    # Public pages.
    "initiatives:home": visit(ANONYMOUS),
    "core:privacy": visit(ANONYMOUS),
    "core:accessibility": visit(ANONYMOUS),
    "core:healthz": "JSON for the load balancer",
    "initiatives:list": visit(ANONYMOUS),
    "initiatives:submit": visit(ANONYMOUS),
    "initiatives:submitted": AFTER_SUBMIT,
    "initiatives:lost_link": visit(ANONYMOUS),
    "initiatives:lost_link_sent": visit(ANONYMOUS),
    "initiatives:public": visit(ANONYMOUS),
    "initiatives:support": REDIRECT.replace("only sends", "a GET only sends") + " (the form is on initiatives:public)",
    "initiatives:support_sent": visit(ANONYMOUS),
    "initiatives:support_confirm": visit(RESIDENT),
    "initiatives:support_withdraw": visit(RESIDENT),
    "initiatives:municipality": visit(ANONYMOUS),
    "initiatives:village": visit(ANONYMOUS),
    "initiatives:theme_css": "a stylesheet: tests/browser/test_themes.py runs axe on the themed pages",
    "initiatives:theme_image": "an image (a logo or header image), not an HTML page",
    "password_reset": visit(ANONYMOUS),
    "api:docs": visit(ANONYMOUS),
    "api:schema": "YAML: the OpenAPI schema of the API",
    "api:municipality_list": API,
    "api:municipality_detail": API,
    "api:village_list": API,
    "api:fund_list": API,
    "api:fund_detail": API,
    "api:initiative_list": API,
    "api:initiative_detail": API,
    "api:decision_list": API,
    "api:statistics_list": API,
    "api:budget_round_list": API,
    "api:budget_round_detail": API,
    "api:budget_village_list": API,
    "api:budget_project_list": API,
    "api:staff_initiative_list": API,
    "api:staff_initiative_detail": API,
    "api:staff_initiative_status": API,
    "api:staff_initiative_decision": API,
    "password_reset_confirm": visit(ANONYMOUS),
    # The resident's tracking link and the member's scan and answer links.
    "initiatives:track": visit(RESIDENT),
    "initiatives:withdraw": visit(RESIDENT),
    "initiatives:satisfaction": REDIRECT,
    "initiatives:data_export": DOWNLOAD,
    "initiatives:track_attachment": DOWNLOAD,
    "initiatives:track_letter": DOWNLOAD,
    "vision:scan_respond": visit(RESIDENT),
    "vision:scan_thanks": AFTER_SUBMIT.replace("test_resident_journey", "test_facilitator_journey"),
    "vision:meeting_rsvp": visit(RESIDENT),
    # Officers.
    "initiatives:dashboard": visit(OFFICER),
    "initiatives:dashboard_export": DOWNLOAD,
    "initiatives:bulk_assign": ACTION,
    "initiatives:statistics": visit(OFFICER),
    "initiatives:statistics_csv": DOWNLOAD,
    "audit:log": visit(OFFICER),
    "initiatives:officer_register": visit(OFFICER),
    "initiatives:officer_detail": visit(OFFICER),
    "initiatives:officer_assign": ACTION,
    "initiatives:officer_status": ACTION,
    "initiatives:officer_message": ACTION,
    "initiatives:officer_role": ACTION,
    "initiatives:agreement_add": ACTION,
    "initiatives:agreement_done": ACTION,
    "initiatives:officer_decide": ACTION,
    "initiatives:proposal_approve": ACTION,
    "initiatives:proposal_send_back": ACTION,
    "initiatives:proposal_withdraw": ACTION,
    "initiatives:officer_publication_approve": ACTION,
    "initiatives:officer_publication_hide": ACTION,
    "initiatives:officer_attachment": DOWNLOAD,
    "initiatives:officer_support_hide": ACTION,
    "initiatives:officer_duplicate": ACTION,
    "initiatives:officer_duplicate_undo": ACTION,
    "initiatives:officer_forward": ACTION,
    "initiatives:officer_letter": DOWNLOAD,
    "initiatives:grant_paid": ACTION,
    "initiatives:grant_withdraw": ACTION,
    "initiatives:village_plans": visit(OFFICER, MEMBER),
    "initiatives:plan_action_link": ACTION,
    # Everyone with an account.
    "notifications:preferences": visit(OFFICER),
    "start_page": REDIRECT,
    "logout": "a POST action: its form is in the header",
    "oidc:login": "only sends the visitor on to the municipality's sign-in service",
    "oidc:callback": "the way back from the municipality's sign-in service: sends on to the start or refusal page",
    "oidc:refused": visit(ANONYMOUS),
    "accounts:mfa_verify": TWO_STEP,
    "accounts:mfa_verify_recovery": TWO_STEP,
    "accounts:mfa_setup": visit(OFFICER),
    "accounts:mfa_recovery_codes": visit(OFFICER),
    "accounts:mfa_enrol": TWO_STEP,
    # Trajectories: the facilitator steers, a member of the progress group reads.
    "vision:trajectory_list": visit(STEERER, MEMBER),
    "vision:association_report": visit(STEERER),
    "vision:association_report_pdf": DOWNLOAD,
    "vision:association_report_csv": DOWNLOAD,
    "vision:trajectory_detail": visit(STEERER, MEMBER, OFFICER),
    "vision:stage_edit": visit(STEERER),
    "vision:stage_complete": ACTION,
    "vision:stage_checklist": ACTION,
    "vision:member_add": visit(STEERER),
    "vision:member_edit": visit(STEERER),
    "vision:member_leave": ACTION,
    "vision:case_add": visit(MEMBER),
    "vision:case_edit": visit(STEERER),
    "vision:trajectory_cost": ACTION,
    "vision:meeting_list": visit(STEERER),
    "vision:meeting_create": visit(STEERER),
    "vision:meeting_detail": visit(STEERER, MEMBER),
    "vision:meeting_edit": visit(STEERER),
    "vision:meeting_invite": visit(STEERER),
    "vision:meeting_ics": DOWNLOAD,
    "vision:meeting_attendance": ACTION,
    "vision:meeting_minutes": visit(STEERER),
    "vision:action_item_add": ACTION,
    "vision:action_item_list": visit(STEERER),
    "vision:action_item_done": ACTION,
    "vision:action_item_edit": visit(STEERER),
    "vision:vision_document": visit(STEERER, MEMBER),
    "vision:vision_edit": visit(STEERER),
    "vision:vision_version": visit(STEERER),
    "vision:vision_status": ACTION,
    "vision:vision_print": visit(STEERER),
    "vision:vision_compare": visit(STEERER),
    "vision:vision_comment": ACTION,
    "vision:scan_list": visit(STEERER),
    "vision:scan_open": ACTION,
    "vision:scan_detail": visit(STEERER),
    "vision:scan_close": ACTION,
    "vision:scan_remind": ACTION,
    "vision:scan_export": DOWNLOAD,
    "vision:scan_reopen": ACTION,
    # Village budgets (issue 14): the round, a village's ballot and results are public; the link
    # in the confirmation mail is the voter's own; the round's staff pages are the officers'.
    "budgets:round_public": visit(ANONYMOUS),
    "budgets:ballot": visit(ANONYMOUS),
    "budgets:ballot_sent": visit(ANONYMOUS),
    "budgets:results": visit(ANONYMOUS),
    "budgets:ballot_link": visit(RESIDENT),
    "budgets:round_list": visit(OFFICER),
    "budgets:round_detail": visit(OFFICER),
    "budgets:project_review": visit(OFFICER),
    "budgets:paper_codes": visit(OFFICER),
    "budgets:paper_ballot": visit(OFFICER),
    "budgets:ballot_list": visit(OFFICER),
    "budgets:collect_ideas": ACTION,
    "budgets:compute_results": ACTION,
    "budgets:ballot_void": ACTION,
}

# Pages the URL configuration of the access matrix leaves out (Django's own views): the login
# page, and the admin as coordinators use it (an index, a list with filters and dates, a change
# form with inline groups, read-only for them). (name, role, kwargs builder)
OTHER_PAGES = {
    "login": (ANONYMOUS, lambda w: {}),  # with the button for the municipality's account (the site has a provider)
    "admin:index": (OFFICER, lambda w: {}),
    "admin:initiatives_initiative_changelist": (OFFICER, lambda w: {}),
    "admin:initiatives_initiative_change": (OFFICER, lambda w: {"object_id": w.a.initiative.pk}),
    "admin:audit_auditlogentry_changelist": (OFFICER, lambda w: {}),
    "admin:municipalities_fund_changelist": (OFFICER, lambda w: {}),
}


def test_every_url_name_has_a_page_entry():
    routes = set(collect_routes())
    missing = sorted(routes - set(PAGES))
    stale = sorted(set(PAGES) - routes)
    assert not missing, (
        f"URL names without an entry in PAGES of {__name__}: {missing}. Add one line each, "
        '`"app:name": visit(ROLE),` for a page (ROLE as in the access matrix), or a reason why it is no page.'
    )
    assert not stale, f"Entries in PAGES of {__name__} for URL names that no longer exist: {stale}"


def _visits():
    for name, entry in PAGES.items():
        if isinstance(entry, Visit):
            for role in entry.roles:
                yield name, role
    for name, (role, _) in OTHER_PAGES.items():
        yield name, role


VISITS = list(_visits())


def _url(world, name: str, role: str) -> str:
    if name in OTHER_PAGES:
        return reverse(name, kwargs=OTHER_PAGES[name][1](world))
    return reverse(name, kwargs=ACCESS[name].kwargs(world, world.a, role)) + PAGES[name].query


# --- the module's site: a world, a live server, one browser context per role and language -------


def _enrich(world):
    """What the matrix's world lacks to show every page: scores on tenant A's scan (two per
    category, as the results page hides a lonely answer), and the coordinator in the role group
    that opens the admin to them (accounts/roles.py)."""
    a = world.a
    coordinator = get_user_model().objects.get(pk=world.user_pks[OFFICER])
    coordinator.groups.add(Group.objects.get(name=COORDINATOR))
    for item in ScanItem.values[:4]:
        ScanScoreFactory.create_batch(2, scan=a.scan, category=a.member.category, item=item)


@contextmanager
def _test_database():
    """pytest-django creates the test database only when a collected test asks for `db` (or has
    the django_db mark); the tests here share one committed world instead. Run alone (or with
    -k), nobody asked: then create it here, so the world is never written into (and flushed
    from) the developer's own database."""
    if connection.settings_dict["NAME"] == connection.creation._get_test_db_name():
        yield
        return
    config = setup_databases(verbosity=0, interactive=False, aliases={DEFAULT_DB_ALIAS})
    try:
        yield
    finally:
        teardown_databases(config, verbosity=0)


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), _test_database():
        world = build_world()
        _enrich(world)
        server = LiveServer("localhost")
        server._live_server_modified_settings.enable()
        # The installation offers "Log in with your municipality's account": its pages are checked
        # too, and the login page shows the button.
        provider = override_settings(**offline_provider_settings())
        provider.enable()
        try:
            yield SimpleNamespace(url=server.url, world=world)
        finally:
            provider.disable()
            server._live_server_modified_settings.disable()
            server.stop()
            call_command("flush", interactive=False, verbosity=0)


def _session_cookie(world, role) -> str | None:
    if role not in world.user_pks:
        return None
    client = Client()
    user = get_user_model().objects.get(pk=world.user_pks[role])
    client.force_login(user)
    verify_session(client, user)  # staff have passed the second step
    return client.cookies[settings.SESSION_COOKIE_NAME].value


@pytest.fixture(scope="module")
def tabs(browser, site, django_db_blocker):
    """(role, language) -> a page in a browser context of its own, opened on first use."""
    opened = {}
    own = urlsplit(site.url).netloc

    def tab(role, language):
        key = (role, language)
        if key not in opened:
            context = browser.new_context(
                base_url=site.url,
                viewport={"width": 1280, "height": 900},
                locale="nl-NL" if language == "nl" else "en-GB",
                timezone_id="Europe/Amsterdam",
                service_workers="block",
            )
            context.set_default_timeout(10_000)
            # axe-core from node_modules, in every document before the page's own scripts (through
            # the DevTools protocol: not an inline script that the site's CSP would refuse).
            context.add_init_script(path=AXE_SCRIPT)
            cookies = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": site.url}]
            with django_db_blocker.unblock():
                session = _session_cookie(site.world, role)
            if session:
                cookies.append({"name": settings.SESSION_COOKIE_NAME, "value": session, "url": site.url})
            context.add_cookies(cookies)
            problems = PageProblems()
            context.route(
                "**/*",
                lambda route: (
                    route.continue_()
                    if urlsplit(route.request.url).netloc == own or route.request.url.startswith("data:")
                    else (problems.foreign_requests.append(route.request.url), route.abort("blockedbyclient"))
                ),
            )
            page = context.new_page()
            page.on(
                "response",
                lambda r: (
                    r.status >= 400
                    and r.request.resource_type != "document"
                    and problems.failed_resources.append(f"{r.status} {r.url}")
                ),
            )
            page.on("pageerror", lambda error: problems.page_errors.append(str(error)))
            page.on(
                "console",
                lambda m: (
                    ("Content Security Policy" in m.text or "Refused to" in m.text)
                    and problems.csp_violations.append(m.text)
                ),
            )
            opened[key] = SimpleNamespace(page=page, problems=problems)
        tab = opened[key]
        tab.problems.__init__()  # each visit reports only its own problems
        return tab

    yield tab
    for tab in opened.values():
        tab.page.context.close()


def _violations(page) -> list[dict]:
    return page.evaluate(
        """async (tags) => (await axe.run(document, {
            runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})).violations""",
        list(AXE_TAGS),
    )


# What sticks out: elements beyond the right edge that no scroll box of their own holds in, and
# elements taken out of the flow (position absolute or fixed), which escape a scroll box whose
# own position is static.
WIDER = """() => {
    const edge = document.documentElement.clientWidth + 1;
    const held = e => { for (let a = e.parentElement; a; a = a.parentElement) {
        if (getComputedStyle(a).overflowX !== 'visible') return a.getBoundingClientRect().right <= edge; }
        return false; };
    return [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > edge)
        .filter(e => !held(e) || ['absolute', 'fixed'].includes(getComputedStyle(e).position))
        .slice(0, 5).map(e => e.outerHTML.slice(0, 160));
}"""

# The captions of tables that scroll sideways ({% scroll_table %}) that run past their box: on a
# phone a caption as wide as its table was cut off ("Pagina 1 van 9") until one scrolled.
CUT_CAPTIONS = """() => [...document.querySelectorAll('.table-responsive[role=region]')].filter(box => {
    const caption = box.querySelector(':scope > table > caption');
    if (!caption || !caption.textContent.trim()) return false;
    const outer = box.getBoundingClientRect(), inner = caption.getBoundingClientRect();
    return inner.left < outer.left - 1 || inner.right > outer.right + 1;
}).map(box => box.querySelector('caption').outerHTML.slice(0, 160))"""


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("name", "role"), VISITS, ids=[f"{name}-{role}" for name, role in VISITS])
def test_page_passes_axe_and_fits_the_screen(tabs, site, name, role, language, width):
    cache.clear()  # rate limits of one visit never count in another
    tab = tabs(role, language)
    page = tab.page
    page.set_viewport_size({"width": width, "height": WIDTHS[width]})
    url = _url(site.world, name, role)
    response = page.goto(url)
    if name.startswith("admin:"):  # our fixes for Django's admin (static/js/admin.js) come after its own scripts
        page.wait_for_selector("html[data-admin-fixed]", state="attached")
    if name == "api:docs":  # Swagger UI renders the operations after loading the schema: check them too
        page.wait_for_selector("#swagger-ui .opblock")
    where = f"{name} as {role}, {language}, {width} px: {url}"

    assert response.status == 200, f"{where}: {response.status}"
    assert urlsplit(page.url).path == urlsplit(url).path, f"{where}: sent on to {page.url}"
    assert page.locator("html").get_attribute("lang") == language, where
    failures = []
    violations = _violations(page)
    for violation in violations:
        failures.append(f"- {violation['id']} ({violation.get('impact')}): {violation['help']}")
        for node in violation["nodes"][:3]:
            failures.append(f"    at {json.dumps(node['target'])}: {node['html'][:200]}")
    document_width = page.evaluate("document.documentElement.scrollWidth")
    if document_width > width:
        failures.append(f"- the document is {document_width} px wide on a {width} px screen (WCAG 1.4.10):")
        failures += [f"    {html}" for html in page.evaluate(WIDER)]
    if cut := page.evaluate(CUT_CAPTIONS):
        failures.append("- a scrolling table's caption runs past its box (WCAG 1.4.10):")
        failures += [f"    {html}" for html in cut]
    if name.startswith("admin:"):
        # Django's own admin scripts (select2 of the autocomplete fields) write style attributes,
        # which our CSP refuses: not an accessibility problem, and not ours to change here.
        tab.problems.csp_violations.clear()
    if problems := tab.problems.report():
        failures.append(problems)
    if SHOTS:  # A11Y_SHOTS=/tmp/shots: a picture of every page as it was checked
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SHOTS / f"{name.replace(':', '-')}-{role}-{language}-{width}.png", full_page=True)
    assert not failures, f"{where}\n" + "\n".join(failures)


def test_a_focused_link_in_a_scrolling_table_is_in_view(tabs, site):
    """On a phone, the members' table scrolls sideways: tabbing to a member's e-mail address
    brings it into view (the table scrolls, not the page; issue 18)."""
    page = tabs(STEERER, "nl").page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(_url(site.world, "vision:trajectory_detail", STEERER))
    link = page.locator("[role=region] a[href^='mailto:']").first
    link.focus()
    box = link.bounding_box()

    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
