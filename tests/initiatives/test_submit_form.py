"""Every rule of the public form: a clear message, nothing lost, never a 5xx."""

import re
from datetime import timedelta
from urllib.parse import unquote

import pytest
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from initiatives.models import Initiative
from initiatives.pending_uploads import PENDING_DIR
from tests.initiatives.factories import ThemeFactory
from tests.initiatives.helpers import PDF_BYTES, PNG_BYTES, docx, form_data, odt, pdf
from tests.municipalities.factories import MunicipalityFactory
from tests.villages.factories import VillageFactory, VillageOrganisationFactory

pytestmark = pytest.mark.django_db
# A submission's statements: the village; SAVEPOINT (the test's transaction); the reference,
# the initiative, its statistics mark, its themes, its cost lines, its history, the receipt;
# RELEASE (the outbox's content type is cached after a process's first mail).
QUERIES = 10
URL = "/initiatieven/nieuw/"


@pytest.fixture
def village():
    return VillageFactory(municipality=MunicipalityFactory())


def post(client, data):
    return client.post(URL, data)


def pending_files(settings) -> list[str]:
    """The kept files, through the storage (the disk, or the bucket in the S3 run)."""
    try:
        return sorted(default_storage.listdir(PENDING_DIR)[1])
    except FileNotFoundError:
        return []


def errors(response):
    form = response.context["form"]
    formset = response.context["formset"]
    return {**form.errors, **{f"costs-{i}": e for i, e in enumerate(formset.errors) if e}}


class FormRulesTests:
    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("title", ""),
            ("title", "x" * 201),
            ("goal", ""),
            ("description", "x" * 5001),
            ("village", ""),
            ("village", "999999"),
            ("village", "not-a-number"),
            ("help_kinds", []),
            ("amount_requested", "-5"),
            ("amount_requested", "1000000000"),
            ("amount_requested", "twee"),
            ("own_contribution_hours", "-1"),
            ("initiator_name", ""),
            ("initiator_email", "geen-adres"),
            ("initiator_phone", "bel me"),
            ("preferred_language", "fr"),
            ("privacy_acknowledged", None),
            ("planned_start", "2001-01-01"),
            ("planned_start", "31-31-2030"),
            ("themes", ["9223372036854775808"]),  # larger than any database integer
        ],
    )
    def test_bad_value_gives_a_message_on_that_field_and_stores_nothing(self, client, village, field, value):
        response = post(client, form_data(village, **{field: value}))
        assert response.status_code == 200
        assert field in errors(response)
        assert not Initiative.objects.exists()

    def test_start_date_today_is_fine(self, client, village):
        response = post(client, form_data(village, planned_start=timezone.localdate().isoformat()))
        assert response.status_code == 302

    def test_village_of_an_inactive_municipality_is_refused(self, client):
        village = VillageFactory(municipality=MunicipalityFactory(is_active=False))
        response = post(client, form_data(village))
        assert "village" in errors(response)

    def test_organisation_must_belong_to_the_village(self, client, village):
        other = VillageOrganisationFactory(village=VillageFactory(municipality=village.municipality))
        response = post(client, form_data(village, organisation=str(other.pk)))
        assert "organisation" in errors(response)

    def test_money_asked_needs_a_cost_line(self, client, village):
        data = form_data(
            village,
            **{"costs-0-description": "", "costs-0-amount": "", "costs-1-description": "", "costs-1-amount": ""},
        )
        response = post(client, data)
        assert "__all__" in errors(response)

    def test_cost_line_with_negative_amount(self, client, village):
        response = post(client, form_data(village, **{"costs-0-amount": "-10"}))
        assert "costs-0" in errors(response)

    def test_cost_line_amount_without_description(self, client, village):
        response = post(client, form_data(village, **{"costs-2-amount": "50"}))
        assert "costs-2" in errors(response)

    def test_asking_more_than_the_costs(self, client, village):
        response = post(client, form_data(village, amount_requested="9000"))
        assert "amount_requested" in errors(response)

    def test_total_is_computed_by_the_server(self, client, village):
        post(client, form_data(village, total_cost="1"))
        assert Initiative.objects.get().total_cost == 2500

    def test_tampered_formset_count_is_a_message_not_a_crash(self, client, village):
        response = post(client, form_data(village, **{"costs-TOTAL_FORMS": "5000"}))
        assert response.status_code in (200, 302)
        response = post(client, form_data(village, **{"costs-TOTAL_FORMS": "x"}))
        assert response.status_code == 200

    def test_everything_typed_is_kept_and_summarised_on_error(self, client, village):
        response = post(client, form_data(village, initiator_email="fout"))
        html = response.content.decode()
        assert 'class="alert alert-danger error-summary"' in html
        assert 'href="#id_initiator_email"' in html
        assert "Nieuwe speeltuin bij het dorpshuis" in html
        assert "Klimrek" in html


@pytest.mark.s3  # also against object storage (README "Object storage")
class AttachmentRulesTests:
    @pytest.mark.parametrize("upload", [pdf, docx, odt, lambda: SimpleUploadedFile("foto.PNG", PNG_BYTES)])
    def test_accepted_types(self, client, village, upload):
        assert post(client, form_data(village, attachments=upload())).status_code == 302
        assert Initiative.objects.get().attachments.count() == 1

    def test_type_is_read_from_the_content_not_the_name(self, client, village):
        fake = SimpleUploadedFile("begroting.pdf", b"MZ\x90\x00 windows program", content_type="application/pdf")
        response = post(client, form_data(village, attachments=fake))
        assert "attachments" in errors(response)

    def test_a_zip_that_is_not_an_office_document_is_refused(self, client, village):
        import io
        import zipfile

        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("evil.js", "alert(1)")
        response = post(client, form_data(village, attachments=SimpleUploadedFile("x.docx", buffer.getvalue())))
        assert "attachments" in errors(response)

    def test_too_large(self, client, village, settings):
        settings.ATTACHMENT_MAX_BYTES = 20
        response = post(client, form_data(village, attachments=pdf()))
        assert "attachments" in errors(response)

    def test_too_many(self, client, village):
        files = [pdf(f"plan{i}.pdf") for i in range(6)]
        response = post(client, form_data(village, attachments=files))
        assert "attachments" in errors(response)

    def test_names_are_sanitised_and_files_stored_under_a_random_name(self, client, village):
        post(client, form_data(village, attachments=pdf("../../Begroting «2026» été.exe.pdf")))
        attachment = Initiative.objects.get().attachments.get()
        assert attachment.original_name == "Begroting-2026-ete.exe.pdf"
        assert attachment.file.name.startswith("private/attachments/")
        assert "Begroting" not in attachment.file.name

    def test_files_are_kept_when_another_field_is_wrong(self, client, village):
        response = post(client, form_data(village, title="", attachments=pdf("plan.pdf")))
        kept = response.context["kept_uploads"]
        assert [item["name"] for item in kept] == ["plan.pdf"]
        response = post(client, form_data(village, keep_upload=[kept[0]["key"]]))
        assert response.status_code == 302
        assert Initiative.objects.get().attachments.get().original_name == "plan.pdf"

    def test_unticked_kept_file_is_dropped(self, client, village):
        response = post(client, form_data(village, title="", attachments=pdf()))
        assert response.context["kept_uploads"]
        post(client, form_data(village))
        assert Initiative.objects.get().attachments.count() == 0


@pytest.mark.s3
class PendingAreaTests:
    """Files of a form that failed are kept on disk: the area is capped and uploads count."""

    def test_every_post_with_files_counts_towards_the_limit(self, client, village, settings):
        settings.SUBMISSION_RATE_LIMIT = 2
        for name in ("a.pdf", "b.pdf"):
            response = post(client, form_data(village, title="", attachments=pdf(name)))
            assert response.status_code == 200
        response = post(client, form_data(village, title="", attachments=pdf("c.pdf")))
        assert response.status_code == 429
        assert "initiatives/rate_limited.html" in [t.name for t in response.templates]

    def test_a_post_with_files_that_succeeds_counts_once(self, client, village, settings):
        settings.SUBMISSION_RATE_LIMIT = 2
        assert post(client, form_data(village, attachments=pdf())).status_code == 302
        assert post(client, form_data(village)).status_code == 302
        assert post(client, form_data(village)).status_code == 429

    def test_failed_posts_without_files_do_not_count(self, client, village, settings):
        settings.SUBMISSION_RATE_LIMIT = 1
        for _ in range(3):
            assert post(client, form_data(village, title="")).status_code == 200
        assert post(client, form_data(village)).status_code == 302

    def test_session_cap_keeps_what_fits_and_says_what_to_add_again(self, client, village, settings):
        settings.PENDING_UPLOADS_SESSION_MAX_BYTES = len(PDF_BYTES) + 10
        response = post(client, form_data(village, title="", attachments=[pdf("plan.pdf"), pdf("foto.pdf")]))
        assert response.status_code == 200
        assert [item["name"] for item in response.context["kept_uploads"]] == ["plan.pdf"]
        message = " ".join(errors(response)["attachments"])
        assert "foto.pdf" in message and "plan.pdf" not in message
        html = response.content.decode()
        assert "foto.pdf" in html
        assert "Klimrek" in html and "fatima@example.nl" in html  # nothing typed is lost
        assert len(pending_files(settings)) == 1

    def test_total_cap_keeps_nothing_more_when_the_area_is_full(self, client, village, settings):
        settings.PENDING_UPLOADS_TOTAL_MAX_BYTES = 100
        default_storage.save(f"{PENDING_DIR}/someone-else.pdf", ContentFile(b"x" * 90))
        response = post(client, form_data(village, title="", attachments=pdf("plan.pdf")))
        assert response.status_code == 200
        assert response.context["kept_uploads"] == []
        assert "plan.pdf" in " ".join(errors(response)["attachments"])
        assert "Klimrek" in response.content.decode()
        assert len(pending_files(settings)) == 1
        # Sent in one go, the file still arrives: the cap is only about keeping it.
        assert post(client, form_data(village, attachments=pdf("plan.pdf"))).status_code == 302
        assert Initiative.objects.get().attachments.get().original_name == "plan.pdf"


class SpamTests:
    def test_honeypot_stores_nothing(self, client, village):
        response = post(client, form_data(village, website="http://spam.example"))
        assert response.status_code == 200
        assert not Initiative.objects.exists()

    def test_rate_limit_per_address_answers_429_with_a_friendly_page(self, client, village, settings):
        settings.SUBMISSION_RATE_LIMIT = 2
        from django.core.cache import cache

        cache.clear()
        assert post(client, form_data(village)).status_code == 302
        assert post(client, form_data(village)).status_code == 302
        response = post(client, form_data(village))
        assert response.status_code == 429
        assert "initiatives/rate_limited.html" in [t.name for t in response.templates]
        assert Initiative.objects.count() == 2
        other_address = client.post(URL, form_data(village), REMOTE_ADDR="10.1.2.3")
        assert other_address.status_code == 302
        cache.clear()


def test_prefill_from_a_village_page(client, village):
    response = client.get(URL, {"dorp": village.pk})
    assert response.context["form"].initial["village"] == village.pk


def test_prefill_from_a_municipality_page_limits_the_villages(client, village):
    other = VillageFactory()
    response = client.get(URL, {"gemeente": village.municipality.slug})
    choices = str(response.context["form"].fields["village"].choices)
    assert village.name in choices and other.name not in choices


def test_start_in_the_past_message(client, village):
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = post(client, form_data(village, planned_start=yesterday))
    assert "planned_start" in errors(response)


def field_labels(html: str) -> dict[str, str]:
    """The text of each field's label (or legend, for a group of checkboxes), by field name."""
    labels = {}
    for for_id, text in re.findall(r'<label[^>]*for="id_([a-z_]+)"[^>]*>(.*?)</label>', html, re.S):
        labels.setdefault(for_id, " ".join(re.sub(r"<[^>]+>", "", text).split()))
    for name, text in re.findall(
        r'<div id="div_id_([a-z_]+)"[^>]*>\s*<fieldset[^>]*>\s*<legend[^>]*>(.*?)</legend>', html, re.S
    ):
        labels[name] = " ".join(re.sub(r"<[^>]+>", "", text).split())
    return labels


class OptionalMarkTests:
    """The introduction promises: fields without "(optional)" are needed. Every field says it the same way."""

    @pytest.mark.parametrize(("language", "mark"), [("nl", "(niet verplicht)"), ("en", "(optional)")])
    def test_every_optional_field_and_only_those_say_so_once(self, client, village, language, mark):
        ThemeFactory()
        response = client.get(URL, HTTP_ACCEPT_LANGUAGE=language)
        labels = field_labels(response.content.decode())
        form = response.context["form"]
        checked = 0
        for name, field in form.fields.items():
            if name == "website" or isinstance(field.widget, forms.CheckboxInput):
                continue  # the honeypot; a single checkbox left unticked is an answer
            assert name in labels, name
            assert labels[name].count(mark) == (0 if field.required else 1), (name, labels[name])
            checked += 1
        assert checked > 15
        for optional in ("target_group", "organisation", "themes", "attachments", "initiator_phone", "planned_start"):
            assert labels[optional].endswith(mark), labels[optional]
        assert mark not in labels["title"] and mark not in labels["initiator_email"]
        assert "asteriskField" not in response.content.decode()

    def test_single_checkboxes_carry_no_mark(self, client, village):
        labels = field_labels(client.get(URL, HTTP_ACCEPT_LANGUAGE="nl").content.decode())
        assert "niet verplicht" not in labels["publication_consent"]
        assert "niet verplicht" not in labels["is_right_to_challenge"]


class ReceiptPageTests:
    """After the form: the receipt page, with the reference and the resident's email address, for
    the browser that sent it only, for an hour (a signed link bound to its CSRF cookie, no
    session row)."""

    def submit(self, client, village):
        client.get(URL)  # the form: the browser gets its CSRF cookie
        response = post(client, form_data(village))
        assert response.status_code == 302
        return response["Location"]

    def test_the_browser_that_sent_the_form_sees_its_receipt(self, client, village):
        location = self.submit(client, village)
        assert location.startswith("/initiatieven/nieuw/ontvangen/?bewijs=")
        response = client.get(location)
        initiative = Initiative.objects.get()
        assert response.status_code == 200
        assert initiative.reference in response.content.decode()
        assert initiative.initiator_email in response.content.decode()
        assert "no-cache" in response["Cache-Control"]

    def test_no_session_row_is_written(self, client, village):
        from django.contrib.sessions.models import Session

        self.submit(client, village)
        assert not Session.objects.exists()
        assert "sessionid" not in client.cookies

    def test_a_browser_without_a_csrf_cookie_gets_one_with_the_link(self, client, village):
        response = post(client, form_data(village))  # no GET of the form first
        assert response.status_code == 302
        assert "csrftoken" in response.cookies
        assert client.get(response["Location"]).status_code == 200

    def test_another_browser_with_the_same_link_is_sent_to_the_form(self, client, village):
        from django.test import Client

        location = self.submit(client, village)
        other = Client()
        other.get(URL)  # a CSRF cookie of its own
        for browser in (other, Client()):
            response = browser.get(location)
            assert response.status_code == 302
            assert response["Location"] == URL

    @pytest.mark.parametrize("change", ["tamper", "other-id", "empty"])
    def test_a_changed_link_is_sent_to_the_form(self, client, village, change):
        location = self.submit(client, village)
        path, token = location.split("?bewijs=")
        value, stamp, signature = unquote(token).split(":")
        broken = {
            "tamper": f"{value}:{stamp}:{signature[:-2]}xx",
            "other-id": f"{int(value) + 1}:{stamp}:{signature}",
            "empty": "",
        }[change]
        response = client.get(f"{path}?bewijs={broken}")
        assert response.status_code == 302
        assert response["Location"] == URL

    def test_the_link_expires(self, client, village, monkeypatch):
        from initiatives.views import public

        location = self.submit(client, village)
        monkeypatch.setattr(public, "RECEIPT_MAX_AGE", -1)
        assert client.get(location)["Location"] == URL


def test_a_submission_asks_a_fixed_number_of_queries(client, village, django_assert_num_queries):
    """The form's one look-up (the village), then one transaction: the reference number, the
    initiative and its statistics mark, its themes (checked and linked in one statement), cost
    lines, history and the receipt. The officers are the worker's (bench/results/server.md): the
    request reads none, however many there are. No session row."""
    from tests.municipalities.factories import OfficerMembershipFactory

    OfficerMembershipFactory.create_batch(2, municipality=village.municipality, villages=[village])
    themes = ThemeFactory.create_batch(2)
    client.get(URL)
    ContentType.objects.get_for_model(Initiative)  # as in a process that has sent a mail before
    with django_assert_num_queries(QUERIES):
        response = post(client, form_data(village, themes=[theme.pk for theme in themes]))
    assert response.status_code == 302
    assert set(Initiative.objects.get().themes.all()) == set(themes)


def test_a_theme_removed_meanwhile_is_a_message_and_loses_nothing(client, village):
    kept, gone = ThemeFactory.create_batch(2)
    themes = [kept.pk, gone.pk]
    gone.delete()  # by an administrator, while the resident was filling in the form
    response = post(client, form_data(village, themes=themes, attachments=pdf("plan.pdf")))
    assert response.status_code == 200
    assert "themes" in errors(response)
    assert not Initiative.objects.exists()
    files = response.context["kept_uploads"]
    assert [item["name"] for item in files] == ["plan.pdf"]
    response = post(client, form_data(village, themes=[kept.pk], keep_upload=[files[0]["key"]]))
    assert response.status_code == 302
    initiative = Initiative.objects.get()
    assert list(initiative.themes.all()) == [kept]
    assert initiative.attachments.get().original_name == "plan.pdf"
    assert initiative.reference.endswith("-0001"), "the failed try took no number"
