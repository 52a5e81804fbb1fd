"""Cost lines: one to start with, "add a line" as often as needed (up to 20), with and without JavaScript."""

import pytest

from initiatives.models import Initiative
from tests.initiatives.helpers import form_data, pdf
from tests.municipalities.factories import MunicipalityFactory, OfficerMembershipFactory
from tests.villages.factories import VillageFactory

pytestmark = pytest.mark.django_db
URL = "/initiatieven/nieuw/"
REGISTER_URL = "/dashboard/initiatieven/nieuw/"


@pytest.fixture
def village():
    return VillageFactory(municipality=MunicipalityFactory())


def lines_shown(response) -> int:
    return response.content.decode().count('class="row g-2 cost-line"') - 1  # the <template> has one


class CostLinesTests:
    def test_the_form_starts_with_one_line_and_a_button_to_add_one(self, client):
        response = client.get(URL)
        assert lines_shown(response) == 1
        assert 'name="costs-add"' in response.content.decode()
        assert 'id="cost-line-template"' in response.content.decode()

    def test_add_a_line_without_javascript_keeps_everything_and_shows_no_errors(self, client, village):
        data = form_data(village, title="", **{"costs-TOTAL_FORMS": "2", "costs-add": "1"})
        response = client.post(URL, data)
        assert response.status_code == 200
        assert Initiative.objects.count() == 0
        assert lines_shown(response) == 3
        assert not response.context["form"].errors  # the empty title is only reported when sent
        body = response.content.decode()
        assert 'value="Schommels"' in body
        assert 'value="fatima@example.nl"' in body
        assert "is-invalid" not in body

    def test_a_file_chosen_before_adding_a_line_is_kept(self, client, village):
        data = form_data(village, **{"costs-TOTAL_FORMS": "1", "costs-add": "1"}, attachments=pdf("plan.pdf"))
        response = client.post(URL, data)
        assert [upload["name"] for upload in response.context["kept_uploads"]] == ["plan.pdf"]

    def test_no_more_than_twenty_lines(self, client, village):
        response = client.post(URL, form_data(village, **{"costs-TOTAL_FORMS": "20", "costs-add": "1"}))
        assert lines_shown(response) == 20
        assert 'name="costs-add"' not in response.content.decode()
        response = client.post(URL, form_data(village, **{"costs-TOTAL_FORMS": "nonsense", "costs-add": "1"}))
        assert response.status_code == 200
        assert lines_shown(response) == 1

    def test_five_lines_are_stored(self, client, village):
        lines = {f"costs-{i}-description": f"Post {i}" for i in range(5)}
        lines.update({f"costs-{i}-amount": "100" for i in range(5)})
        response = client.post(URL, form_data(village, **lines, **{"costs-TOTAL_FORMS": "5"}, amount_requested="500"))
        assert response.status_code == 302
        initiative = Initiative.objects.get()
        assert sorted(initiative.cost_lines.values_list("description", flat=True)) == [f"Post {i}" for i in range(5)]

    def test_the_officers_intake_form_adds_a_line_too(self, client, village):
        officer = OfficerMembershipFactory(municipality=village.municipality).user
        client.force_login(officer)
        assert lines_shown(client.get(REGISTER_URL)) == 1
        data = {"title": "Telefonisch", "costs-TOTAL_FORMS": "1", "costs-INITIAL_FORMS": "0", "costs-add": "1"}
        response = client.post(REGISTER_URL, data)
        assert response.status_code == 200
        assert lines_shown(response) == 2
        assert 'value="Telefonisch"' in response.content.decode()
        assert Initiative.objects.count() == 0
