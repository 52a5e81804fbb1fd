"""The pages every visitor meets, in a real browser: they load with their own assets only,
pass axe-core for WCAG 2.2 AA, work from the keyboard, log a person in and out, and switch
between Dutch and English."""

import pytest

from .conftest import assert_accessible

pytestmark = pytest.mark.browser

HTML_PAGES = ["/", "/accounts/login/", "/privacy/", "/toegankelijkheid/"]


@pytest.mark.parametrize("path", HTML_PAGES)
def test_page_loads_in_dutch_with_its_own_styles_and_passes_axe(page, path):
    response = page.goto(path)

    assert response.status == 200
    assert page.locator("html").get_attribute("lang") == "nl"
    assert page.locator("main#main").count() == 1
    assert page.title().strip()
    # Bootstrap's stylesheet is served by the site itself and applies.
    assert page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--bs-blue').trim()") == (
        "#0d6efd"
    )
    assert_accessible(page)


def test_the_header_keeps_its_contrast_while_bootstrap_is_still_loading(page):
    """bootstrap.min.css is far larger than site.css, so it arrives last, and Playwright (or a
    slow phone) may look at the page before it has. In that state the collapsed menu is open and
    the brand, menu links and menu button must still be white on the dark blue (CI, issue 12:
    color-contrast on .site-name, .navbar-toggler and .nav-link of the withdraw page)."""
    page.set_viewport_size({"width": 390, "height": 844})
    held = []
    page.route("**/bootstrap.min.css", lambda route: held.append(route))
    page.goto("/privacy/", wait_until="commit")
    page.wait_for_function("document.readyState !== 'loading' && document.querySelector('footer')")
    try:
        assert held, "bootstrap.min.css is held back"
        assert page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--bs-blue')") == ""
        assert page.locator(".site-header .nav-link").first.is_visible(), "without Bootstrap the menu is open"
        assert_accessible(page, wait_for_load=False)
    finally:
        for route in held:
            route.continue_()


def test_healthz_answers_json(page):
    response = page.goto("/healthz/")

    assert response.status == 200
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["status"] in {"ok", "degraded"}
    assert body["database"] == "ok"


def test_first_tab_focuses_the_skip_link_which_moves_focus_to_main(page):
    page.goto("/")
    skip_link = page.locator("a[href='#main']").first
    assert skip_link.bounding_box()["width"] <= 1, "the skip link is hidden until it has focus"

    page.keyboard.press("Tab")

    assert page.evaluate("document.activeElement.getAttribute('href')") == "#main"
    assert skip_link.bounding_box()["width"] > 1, "the focused skip link is visible"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_login_shows_who_is_logged_in_and_logout_is_a_post(page, django_user_model):
    django_user_model.objects.create_user(
        username="femke", password="een-lang-wachtwoord-2026", first_name="Femke", last_name="de Vries"
    )
    page.goto("/accounts/login/")

    page.get_by_label("Gebruikersnaam").fill("femke")
    page.locator("input[name=password]").fill("een-lang-wachtwoord-2026")
    page.locator("main form:has(input[name=password]) [type=submit]").click()
    page.wait_for_load_state()

    header = page.locator("header")
    assert "Femke de Vries" in header.inner_text()
    logout = header.locator("form[action='/accounts/logout/']")
    assert logout.get_attribute("method").lower() == "post"
    assert_accessible(page)

    logout.locator("[type=submit]").click()
    page.wait_for_load_state()
    assert "Femke de Vries" not in page.locator("header").inner_text()
    assert page.locator("header a[href^='/accounts/login/']").count() == 1


def test_language_switch_to_english_and_back(page):
    page.goto("/privacy/")
    assert page.locator("html").get_attribute("lang") == "nl"

    page.locator("form[action='/i18n/setlang/'] [name=language][value=en]").click()
    page.wait_for_load_state()

    assert page.url.endswith("/privacy/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("link", name="Privacy statement").count() >= 1
    assert_accessible(page)

    page.locator("form[action='/i18n/setlang/'] [name=language][value=nl]").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "nl"
