"""Every demo municipality's own look in a real browser: its municipality page, a village page,
the form reached from its page and the tracking page carry its colours, logo and name, pass
axe-core (WCAG 2.2 AA) at 1280 and 390 px, and load no inline style (the CSP stays strict).

With THEME_SHOTS=<dir> the pages are saved as screenshots there, to look at them."""

import os
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from demo import data as demo_data
from demo.management.commands.seed_demo import demo_banner, demo_logo
from initiatives.services.submission import tracking_token_issue
from tests.initiatives.factories import InitiativeFactory
from tests.municipalities.factories import MunicipalityFactory
from tests.villages.factories import VillageFactory

from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ["THEME_SHOTS"]) if os.environ.get("THEME_SHOTS") else None
WIDTHS = {1280: 900, 390: 844}


def themed_municipality(name: str):
    spec = demo_data.MUNICIPALITY_THEMES[name]
    municipality = MunicipalityFactory(
        name=name,
        theme_name=spec["name"],
        theme_primary_colour=spec["primary"],
        theme_secondary_colour=spec["secondary"],
    )
    colour = tuple(int(spec["primary"][i : i + 2], 16) for i in (1, 3, 5))
    municipality.logo.save("logo.png", ContentFile(demo_logo(colour)), save=False)
    if spec.get("banner"):
        banner = demo_banner(spec["primary"], spec["secondary"])
        municipality.theme_header_image.save("kopbeeld.png", ContentFile(banner), save=False)
    municipality.full_clean()
    municipality.save()
    return municipality


def rgb(colour: str) -> str:
    return "rgb({}, {}, {})".format(*(int(colour[i : i + 2], 16) for i in (1, 3, 5)))


@pytest.mark.parametrize("name", sorted(demo_data.MUNICIPALITY_THEMES))
def test_the_demo_theme_is_applied_and_accessible(page, name):
    municipality = themed_municipality(name)
    spec = demo_data.MUNICIPALITY_THEMES[name]
    village = VillageFactory(municipality=municipality)
    initiative = InitiativeFactory(municipality=municipality, village=village, in_conversation=True)
    pages = {
        "gemeente": reverse("initiatives:municipality", kwargs={"slug": municipality.slug}),
        "dorp": reverse("initiatives:village", kwargs={"municipality": municipality.slug, "slug": village.slug}),
        "formulier": f"{reverse('initiatives:submit')}?gemeente={municipality.slug}",
        "volgen": reverse("initiatives:track", kwargs={"token": tracking_token_issue(initiative=initiative)}),
    }
    for label, path in pages.items():
        for width, height in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": height})
            response = page.goto(path)
            assert response.status == 200, path
            assert page.locator(".site-name").inner_text() == spec["name"]
            assert page.evaluate("getComputedStyle(document.querySelector('.site-header')).backgroundColor") == rgb(
                spec["secondary"]
            )
            assert (
                page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--bs-link-color').trim()")
                == spec["primary"]
            )
            assert page.locator(".site-logo").evaluate("img => img.complete && img.naturalWidth > 0")
            assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{path} scrolls sideways"
            assert_accessible(page)
            if SHOTS:
                SHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(
                    path=str(SHOTS / f"{municipality.slug.split('-')[0]}-{label}-{width}.png"), full_page=True
                )
