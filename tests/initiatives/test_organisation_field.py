"""The organisation list: a plain empty choice, grouped by village, each option naming its village."""

import re

import pytest

from initiatives.models import Initiative
from tests.initiatives.helpers import form_data
from tests.municipalities.factories import MunicipalityFactory
from tests.villages.factories import VillageFactory, VillageOrganisationFactory

pytestmark = pytest.mark.django_db
URL = "/initiatieven/nieuw/"


@pytest.fixture
def villages():
    municipality = MunicipalityFactory(name="Nunspeet")
    elspeet = VillageFactory(name="Elspeet", municipality=municipality)
    vierhouten = VillageFactory(name="Vierhouten", municipality=municipality)
    VillageOrganisationFactory(village=elspeet, name="Dorpshuis Elspeet")
    VillageOrganisationFactory(village=vierhouten, name="Ijsclub Vierhouten")
    return elspeet, vierhouten


def organisation_select(body: str) -> str:
    return re.search(r'<select name="organisation".*?</select>', body, re.S).group(0)


def test_grouped_by_village_with_a_plain_empty_choice(client, villages):
    elspeet, vierhouten = villages
    select = organisation_select(client.get(URL).content.decode())
    assert '<option value="" selected>Geen organisatie</option>' in select
    assert "---------" not in select
    assert re.search(
        rf'<optgroup label="Elspeet">\s*<option value="\d+" data-village="{elspeet.pk}">Dorpshuis Elspeet', select
    )
    assert re.search(
        rf'<optgroup label="Vierhouten">\s*<option value="\d+" data-village="{vierhouten.pk}">Ijsclub', select
    )


def test_an_organisation_of_another_village_is_refused_with_a_message(client, villages):
    elspeet, vierhouten = villages
    other = vierhouten.organisations.get()
    response = client.post(URL, form_data(elspeet, organisation=str(other.pk)))
    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors
    assert Initiative.objects.count() == 0


def test_the_choice_is_stored(client, villages):
    elspeet, _ = villages
    own = elspeet.organisations.get()
    assert client.post(URL, form_data(elspeet, organisation=str(own.pk))).status_code == 302
    assert Initiative.objects.get().organisation == own
