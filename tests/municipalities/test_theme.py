"""A municipality's own look as data: the contrast checker (WCAG 2.2) and the colours it refuses,
in the model and in the admin, with a message that says what to do."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from accounts.roles import COORDINATOR
from core.contrast import contrast_ratio, luminance
from municipalities.models import Municipality
from tests.core.admin_helpers import admin_url, change_form_data
from tests.municipalities.factories import MunicipalityFactory, OfficerMembershipFactory


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ("#000000", "#ffffff", 21.0),
        ("#ffffff", "#ffffff", 1.0),
        ("#0a58ca", "#ffffff", 6.44),  # site.css: links and primary buttons
        ("#ffffff", "#123e6b", 10.90),  # site.css: the header
        ("#767676", "#ffffff", 4.54),  # the classic lightest grey for text on white
        ("#777777", "#ffffff", 4.48),  # one step lighter: just too little
        ("#ffdd00", "#123e6b", 8.09),
    ],
)
def test_contrast_ratio_of_known_pairs(first, second, expected):
    assert contrast_ratio(first, second) == pytest.approx(expected, abs=0.01)
    assert contrast_ratio(second, first) == pytest.approx(expected, abs=0.01)


def test_luminance_needs_a_hex_colour():
    assert luminance("#FFFFFF") == pytest.approx(1.0)
    with pytest.raises(ValueError):
        luminance("red")


@pytest.mark.django_db
class ThemeColourTests:
    def test_dark_enough_colours_are_kept_in_lower_case(self):
        municipality = MunicipalityFactory.build(theme_primary_colour="#1F5C99", theme_secondary_colour="#0D3D2E")
        municipality.full_clean(validate_unique=False)
        assert municipality.theme_primary_colour == "#1f5c99"
        assert municipality.has_theme

    def test_a_light_primary_colour_is_refused_with_the_ratio_and_the_use(self):
        municipality = MunicipalityFactory.build(theme_primary_colour="#ffcc00")
        with pytest.raises(ValidationError) as error:
            municipality.full_clean(validate_unique=False)
        message = error.value.message_dict["theme_primary_colour"][0]
        assert "#ffcc00" in message and "1,5:1" in message and "4,5:1" in message
        assert "wit" in message  # with what the colour is used (Dutch: white text, links on white)

    def test_a_colour_just_under_the_minimum_on_light_grey_is_refused(self):
        # #747474 is 4.67:1 on white but only 4.43:1 on the light grey (#f8f9fa) of cards.
        municipality = MunicipalityFactory.build(theme_primary_colour="#747474")
        with pytest.raises(ValidationError) as error:
            municipality.full_clean(validate_unique=False)
        assert "lichtgrijze" in error.value.message_dict["theme_primary_colour"][0]

    def test_a_light_header_colour_is_refused_for_the_white_text_on_it(self):
        MunicipalityFactory.build(theme_secondary_colour="#0b4f10").full_clean(validate_unique=False)  # dark green
        municipality = MunicipalityFactory.build(theme_secondary_colour="#7a9a7a")
        with pytest.raises(ValidationError) as error:
            municipality.full_clean(validate_unique=False)
        assert "witte tekst in de paginakop" in error.value.message_dict["theme_secondary_colour"][0]

    def test_a_colour_that_is_not_a_hex_code_is_refused(self):
        municipality = MunicipalityFactory.build(theme_primary_colour="blue")
        with pytest.raises(ValidationError) as error:
            municipality.full_clean(validate_unique=False)
        assert "#1f5c99" in error.value.message_dict["theme_primary_colour"][0]

    def test_no_theme_is_no_theme(self):
        assert not MunicipalityFactory.build(logo="").has_theme


@pytest.mark.django_db
def test_the_coordinator_sets_colours_in_the_admin_and_a_light_one_is_explained(client):
    membership = OfficerMembershipFactory(coordinator=True)
    membership.user.groups.add(Group.objects.get(name=COORDINATOR))
    client.force_login(membership.user)
    url = admin_url(Municipality, "change", membership.municipality.pk)
    page = client.get(url)
    assert "Eigen uiterlijk op het platform" in page.content.decode()

    response = client.post(url, change_form_data(page, theme_primary_colour="#7fb2e5", theme_name="Doe mee"))
    assert response.status_code == 200
    assert "te weinig contrast" in response.content.decode()

    response = client.post(
        url,
        change_form_data(
            page, theme_primary_colour="#1f5c99", theme_secondary_colour="#0d3d2e", theme_name="Doe mee in Dorp"
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    municipality = Municipality.objects.get(pk=membership.municipality.pk)
    assert (municipality.theme_primary_colour, municipality.theme_name) == ("#1f5c99", "Doe mee in Dorp")
