"""A municipality's own look on the pages: the stylesheet of design tokens (content, caching,
404), its logo and header image, and which pages carry the theme (and which do not)."""

import io
import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image

from initiatives.services.submission import tracking_token_issue
from tests.initiatives.factories import InitiativeFactory
from tests.municipalities.factories import MunicipalityFactory
from tests.villages.factories import VillageFactory

pytestmark = pytest.mark.django_db


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 60), (20, 90, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def themed():
    municipality = MunicipalityFactory(
        theme_name="Doe mee in Dorpstad", theme_primary_colour="#1f5c99", theme_secondary_colour="#0d3d2e"
    )
    municipality.logo.save("logo.png", ContentFile(png_bytes()))
    return municipality


def css_url(municipality):
    return reverse("initiatives:theme_css", kwargs={"slug": municipality.slug})


def links_theme(response, municipality) -> bool:
    return css_url(municipality) in response.content.decode()


class ThemeStylesheetTests:
    def test_the_stylesheet_holds_the_design_tokens(self, client, themed):
        response = client.get(css_url(themed))
        css = response.content.decode()
        assert response.status_code == 200
        assert response["Content-Type"] == "text/css; charset=utf-8"
        assert "--utrecht-button-primary-action-background-color: #1f5c99;" in css
        assert "--utrecht-link-color: #1f5c99;" in css
        assert "--utrecht-link-hover-color: #194a7a;" in css  # 20% darker
        assert "--utrecht-page-header-background-color: #0d3d2e;" in css
        assert "--bs-link-color-rgb: 31, 92, 153;" in css
        assert "theme-banner" not in css  # no header image

    def test_caching_headers_and_a_conditional_request(self, client, themed):
        response = client.get(css_url(themed))
        assert "public" in response["Cache-Control"] and "max-age=86400" in response["Cache-Control"]
        assert response["Last-Modified"]
        again = client.get(css_url(themed), HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
        assert again.status_code == 304

    def test_unknown_or_inactive_municipality_is_404(self, client):
        assert client.get(reverse("initiatives:theme_css", kwargs={"slug": "nergens"})).status_code == 404
        inactive = MunicipalityFactory(is_active=False, theme_primary_colour="#1f5c99")
        assert client.get(css_url(inactive)).status_code == 404

    def test_a_municipality_without_colours_gets_an_empty_root(self, client):
        css = client.get(css_url(MunicipalityFactory())).content.decode()
        assert "--utrecht" not in css

    def test_the_header_image_is_served_and_named_in_the_stylesheet(self, client, themed):
        themed.theme_header_image.save("kop.png", ContentFile(png_bytes()))
        css = client.get(css_url(themed)).content.decode()
        image_url = reverse("initiatives:theme_image", kwargs={"slug": themed.slug, "kind": "kopbeeld"})
        assert f'background-image: url("{image_url}?v=' in css
        response = client.get(image_url)
        assert response.status_code == 200 and response["Content-Type"] == "image/png"
        assert b"".join(response.streaming_content).startswith(b"\x89PNG")

    def test_the_logo_is_served_and_a_missing_or_unknown_image_is_404(self, client, themed):
        logo = client.get(reverse("initiatives:theme_image", kwargs={"slug": themed.slug, "kind": "logo"}))
        assert logo.status_code == 200 and logo["X-Content-Type-Options"] == "nosniff"
        missing = client.get(reverse("initiatives:theme_image", kwargs={"slug": themed.slug, "kind": "kopbeeld"}))
        assert missing.status_code == 404
        unknown = client.get(reverse("initiatives:theme_image", kwargs={"slug": themed.slug, "kind": "wachtwoord"}))
        assert unknown.status_code == 404


class ThemedPagesTests:
    def test_the_municipality_and_village_pages_carry_the_theme(self, client, themed):
        village = VillageFactory(municipality=themed)
        for url in (
            reverse("initiatives:municipality", kwargs={"slug": themed.slug}),
            reverse("initiatives:village", kwargs={"municipality": themed.slug, "slug": village.slug}),
        ):
            response = client.get(url)
            html = response.content.decode()
            assert links_theme(response, themed), url
            assert "Doe mee in Dorpstad" in html
            assert reverse("initiatives:theme_image", kwargs={"slug": themed.slug, "kind": "logo"}) in html
            # CSP unchanged: no inline styles, and the stylesheet is same-origin.
            assert "style-src 'self'" in response["Content-Security-Policy"]
            assert "unsafe-inline" not in response["Content-Security-Policy"]
            assert not re.search(r"<style|\sstyle=", html)

    def test_the_form_carries_the_theme_once_the_municipality_is_known(self, client, themed):
        village = VillageFactory(municipality=themed)
        submit = reverse("initiatives:submit")
        assert links_theme(client.get(f"{submit}?gemeente={themed.slug}"), themed)
        assert links_theme(client.get(f"{submit}?dorp={village.pk}"), themed)
        assert not links_theme(client.get(submit), themed)
        # Sent back with errors, the chosen village's municipality gives the look.
        response = client.post(submit, {"village": village.pk})
        assert links_theme(response, themed)

    def test_the_tracking_pages_carry_the_theme(self, client, themed):
        initiative = InitiativeFactory(municipality=themed, village=VillageFactory(municipality=themed))
        token = tracking_token_issue(initiative=initiative)
        assert links_theme(client.get(reverse("initiatives:track", kwargs={"token": token})), themed)
        assert links_theme(client.get(reverse("initiatives:withdraw", kwargs={"token": token})), themed)

    def test_other_pages_do_not(self, client, themed):
        other = MunicipalityFactory()
        for url in (
            reverse("initiatives:home"),
            reverse("initiatives:list"),
            reverse("initiatives:submit"),
            reverse("core:privacy"),
            reverse("initiatives:municipality", kwargs={"slug": other.slug}),
        ):
            response = client.get(url)
            assert "huisstijl.css" not in response.content.decode(), url
            assert "Doe mee in Dorpstad" not in response.content.decode(), url

    def test_a_municipality_without_a_theme_links_no_stylesheet(self, client):
        plain = MunicipalityFactory()
        response = client.get(reverse("initiatives:municipality", kwargs={"slug": plain.slug}))
        assert not links_theme(response, plain)
