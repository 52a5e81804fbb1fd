"""The vision document: versions are kept, the status moves along one mapping, and the print
view shows every section. Access: editors change, officers read, other associations see nothing."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditLogEntry
from core.exceptions import NotAllowed
from tests.municipalities.factories import OfficerMembershipFactory, two_municipalities
from tests.vision.factories import (
    FacilitatorFactory,
    TrajectoryFactory,
    VisionDocumentFactory,
    VisionSectionFactory,
    VisionVersionFactory,
)
from vision.constants import VISION_TRANSITIONS, VisionSectionKey, VisionStatus
from vision.models import VisionDocument, VisionSection, VisionVersion
from vision.services.documents import VisionStatusNotAllowed, vision_status_change, vision_version_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return two_municipalities()


@pytest.fixture
def facilitator(world):
    return FacilitatorFactory(association=world.provincial)


@pytest.fixture
def trajectory(world, facilitator):
    return TrajectoryFactory(municipality=world.a, facilitator=facilitator)


@pytest.fixture
def officer(world):
    return OfficerMembershipFactory(municipality=world.a)


@pytest.fixture
def facilitator_client(client, facilitator):
    client.force_login(facilitator.user)
    return client


def texts(prefix="Tekst", **overrides):
    data = {key.value: f"{prefix} over {key.value}." for key in VisionSectionKey}
    data.update(overrides)
    return data


def save(trajectory, actor, *, based_on=0, sections=None, note="", title="Visie"):
    return vision_version_create(
        trajectory=trajectory,
        title=title,
        sections=sections or texts(),
        change_note=note,
        based_on=based_on,
        actor=actor,
    )


def document_with_versions(trajectory, *statuses):
    """A document with one version per status given (1, 2, ...), each with all sections."""
    document = VisionDocumentFactory(trajectory=trajectory)
    versions = []
    for number, status in enumerate(statuses, 1):
        version = VisionVersionFactory(
            document=document,
            number=number,
            status=status,
            adopted=status == VisionStatus.ADOPTED,
        )
        for key in VisionSectionKey:
            VisionSectionFactory(version=version, key=key, body=f"v{number} {key.value} tekst")
        versions.append(version)
    return document, versions


class VisionVersionCreateTests:
    def test_the_first_save_creates_the_document_and_version_1(self, trajectory, facilitator):
        version = save(trajectory, facilitator.user, note="Eerste opzet")
        assert VisionDocument.objects.get(trajectory=trajectory).title == "Visie"
        assert (version.number, version.status, version.change_note) == (1, VisionStatus.DRAFT, "Eerste opzet")
        assert version.created_by == facilitator.user
        assert sorted(version.sections.values_list("key", flat=True)) == sorted(VisionSectionKey.values)

    def test_each_save_is_a_new_version_and_the_history_is_kept(self, trajectory, facilitator):
        first = save(trajectory, facilitator.user, sections=texts("Eerst"))
        second = save(trajectory, facilitator.user, based_on=1, sections=texts("Daarna"))
        third = save(trajectory, facilitator.user, based_on=2, sections=texts("Tenslotte"))
        assert [first.number, second.number, third.number] == [1, 2, 3]
        assert VisionVersion.objects.filter(document__trajectory=trajectory).count() == 3
        assert first.sections.get(key="introduction").body == "Eerst over introduction."
        assert third.sections.get(key="introduction").body == "Tenslotte over introduction."
        assert VisionSection.objects.filter(version__document__trajectory=trajectory).count() == 3 * len(
            VisionSectionKey
        )

    def test_a_save_after_adoption_is_a_new_draft_and_the_adopted_version_stays(self, trajectory, facilitator):
        _document, (adopted,) = document_with_versions(trajectory, VisionStatus.ADOPTED)
        new = save(trajectory, facilitator.user, based_on=1, sections=texts("Herzien"))
        adopted.refresh_from_db()
        assert (new.number, new.status) == (2, VisionStatus.DRAFT)
        assert (adopted.status, adopted.adopted_on) == (VisionStatus.ADOPTED, date(2026, 3, 1))
        assert adopted.sections.get(key="roles").body == "v1 roles tekst"

    def test_someone_elses_newer_version_is_not_overwritten(self, trajectory, facilitator):
        save(trajectory, facilitator.user)
        save(trajectory, facilitator.user, based_on=1, sections=texts("Collega"))
        with pytest.raises(ValidationError):
            save(trajectory, facilitator.user, based_on=1, sections=texts("Ik"))
        assert VisionVersion.objects.filter(document__trajectory=trajectory).count() == 2

    def test_saving_the_same_text_again_is_refused(self, trajectory, facilitator):
        save(trajectory, facilitator.user)
        with pytest.raises(ValidationError):
            save(trajectory, facilitator.user, based_on=1)
        assert VisionVersion.objects.filter(document__trajectory=trajectory).count() == 1

    def test_an_empty_first_version_is_refused(self, trajectory, facilitator):
        with pytest.raises(ValidationError):
            save(trajectory, facilitator.user, sections={key: "" for key in VisionSectionKey.values})
        assert not VisionDocument.objects.filter(trajectory=trajectory).exists()

    def test_a_read_only_officer_cannot_save(self, trajectory, officer):
        with pytest.raises(NotAllowed):
            save(trajectory, officer.user)

    def test_each_version_is_audited(self, trajectory, facilitator):
        version = save(trajectory, facilitator.user)
        entry = AuditLogEntry.objects.for_object(version).get()
        assert (entry.actor, entry.action, entry.municipality) == (
            facilitator.user,
            "vision.version",
            trajectory.municipality,
        )


ALL_EDGES = [(a, b) for a in VisionStatus.values for b in VisionStatus.values if a != b]


class VisionStatusTests:
    @pytest.mark.parametrize(("from_status", "to_status"), ALL_EDGES)
    def test_the_whole_matrix(self, trajectory, facilitator, from_status, to_status):
        _document, (version,) = document_with_versions(trajectory, from_status)
        allowed = to_status in VISION_TRANSITIONS[from_status]
        adopted_on = timezone.localdate()
        if allowed:
            changed = vision_status_change(
                version=version, to_status=to_status, adopted_on=adopted_on, actor=facilitator.user
            )
            assert changed.status == to_status
            assert changed.adopted_on == (adopted_on if to_status == VisionStatus.ADOPTED else None)
        else:
            with pytest.raises(VisionStatusNotAllowed):
                vision_status_change(
                    version=version, to_status=to_status, adopted_on=adopted_on, actor=facilitator.user
                )
            version.refresh_from_db()
            assert version.status == from_status

    def test_adopted_needs_the_councils_date(self, trajectory, facilitator):
        _document, (version,) = document_with_versions(trajectory, VisionStatus.CONSULTATION)
        with pytest.raises(ValidationError) as refused:
            vision_status_change(version=version, to_status=VisionStatus.ADOPTED, actor=facilitator.user)
        assert "adopted_on" in refused.value.error_dict
        version.refresh_from_db()
        assert version.status == VisionStatus.CONSULTATION

    def test_a_date_in_the_future_is_refused(self, trajectory, facilitator):
        _document, (version,) = document_with_versions(trajectory, VisionStatus.CONSULTATION)
        with pytest.raises(ValidationError):
            vision_status_change(
                version=version,
                to_status=VisionStatus.ADOPTED,
                adopted_on=timezone.localdate() + timedelta(days=1),
                actor=facilitator.user,
            )

    def test_adopted_cannot_go_back_to_draft_without_a_new_version(self, trajectory, facilitator):
        _document, (version,) = document_with_versions(trajectory, VisionStatus.ADOPTED)
        with pytest.raises(VisionStatusNotAllowed):
            vision_status_change(version=version, to_status=VisionStatus.DRAFT, actor=facilitator.user)
        new = save(trajectory, facilitator.user, based_on=1, sections=texts("Nieuw"))
        assert new.status == VisionStatus.DRAFT

    def test_only_the_latest_version_changes_status(self, trajectory, facilitator):
        _document, (old, _latest) = document_with_versions(trajectory, VisionStatus.DRAFT, VisionStatus.DRAFT)
        with pytest.raises(VisionStatusNotAllowed):
            vision_status_change(version=old, to_status=VisionStatus.CONSULTATION, actor=facilitator.user)

    def test_a_change_is_audited(self, trajectory, facilitator):
        _document, (version,) = document_with_versions(trajectory, VisionStatus.DRAFT)
        vision_status_change(version=version, to_status=VisionStatus.CONSULTATION, actor=facilitator.user)
        assert AuditLogEntry.objects.for_object(version).filter(action="vision.status").count() == 1


class VisionPageTests:
    def test_without_a_document_the_page_invites_to_write(self, facilitator_client, trajectory):
        response = facilitator_client.get(reverse("vision:vision_document", kwargs={"trajectory": trajectory.pk}))
        assert response.status_code == 200
        assert response.context["document"] is None
        assert response.context["version"] is None

    def test_the_latest_version_in_section_order_with_all_versions(self, facilitator_client, trajectory):
        _document, versions = document_with_versions(trajectory, VisionStatus.ADOPTED, VisionStatus.DRAFT)
        response = facilitator_client.get(reverse("vision:vision_document", kwargs={"trajectory": trajectory.pk}))
        assert response.status_code == 200
        assert response.context["version"].number == 2
        assert [s["key"] for s in response.context["sections"]] == VisionSectionKey.values
        assert response.context["sections"][0]["body"] == "v2 introduction tekst"
        assert [v.number for v in response.context["versions"]] == [2, 1]
        assert response.context["adopted_version"].number == 1

    def test_an_older_version_can_be_read(self, facilitator_client, trajectory):
        document_with_versions(trajectory, VisionStatus.DRAFT, VisionStatus.DRAFT)
        url = reverse("vision:vision_version", kwargs={"trajectory": trajectory.pk, "number": 1})
        response = facilitator_client.get(url)
        assert response.status_code == 200
        assert response.context["version"].number == 1
        assert response.context["is_latest"] is False
        assert "v1 kennisdeling tekst" in response.content.decode()

    def test_an_unknown_version_is_404(self, facilitator_client, trajectory):
        document_with_versions(trajectory, VisionStatus.DRAFT)
        url = reverse("vision:vision_version", kwargs={"trajectory": trajectory.pk, "number": 9})
        assert facilitator_client.get(url).status_code == 404


class VisionEditViewTests:
    def url(self, trajectory):
        return reverse("vision:vision_edit", kwargs={"trajectory": trajectory.pk})

    def post_data(self, based_on, prefix="Nieuw", **extra):
        data = {"title": "Onze visie", "based_on": str(based_on), "change_note": "Na de bijeenkomst"}
        data.update({f"section_{key}": body for key, body in texts(prefix).items()})
        data.update(extra)
        return data

    def test_the_form_is_prefilled_from_the_latest_version(self, facilitator_client, trajectory):
        document_with_versions(trajectory, VisionStatus.DRAFT, VisionStatus.CONSULTATION)
        response = facilitator_client.get(self.url(trajectory))
        assert response.status_code == 200
        form = response.context["form"]
        assert form.initial["based_on"] == 2
        assert form.initial["section_partnerschap"] == "v2 partnerschap tekst"
        # Every section has the manifest's guidance as help text.
        assert all(field.help_text for field in form.section_fields())
        assert len(form.section_fields()) == len(VisionSectionKey)

    def test_saving_makes_a_new_draft_version(self, facilitator_client, trajectory):
        document_with_versions(trajectory, VisionStatus.CONSULTATION)
        response = facilitator_client.post(self.url(trajectory), self.post_data(1))
        assert response.status_code == 302
        assert response.url == reverse("vision:vision_document", kwargs={"trajectory": trajectory.pk})
        latest = VisionVersion.objects.filter(document__trajectory=trajectory).order_by("-number").first()
        assert (latest.number, latest.status, latest.change_note) == (2, VisionStatus.DRAFT, "Na de bijeenkomst")
        assert latest.sections.get(key="roles").body == "Nieuw over roles."
        assert VisionDocument.objects.get(trajectory=trajectory).title == "Onze visie"

    def test_the_first_save_creates_the_document(self, facilitator_client, trajectory):
        response = facilitator_client.post(self.url(trajectory), self.post_data(0))
        assert response.status_code == 302
        assert VisionVersion.objects.get(document__trajectory=trajectory).number == 1

    def test_a_refusal_shows_the_form_again(self, facilitator_client, trajectory):
        document_with_versions(trajectory, VisionStatus.DRAFT, VisionStatus.DRAFT)
        response = facilitator_client.post(self.url(trajectory), self.post_data(1))
        assert response.status_code == 200
        assert response.context["form"].non_field_errors()
        assert VisionVersion.objects.filter(document__trajectory=trajectory).count() == 2


class VisionStatusViewTests:
    def url(self, trajectory):
        return reverse("vision:vision_status", kwargs={"trajectory": trajectory.pk})

    def test_adopted_without_a_date_shows_the_form_with_an_error(self, facilitator_client, trajectory):
        _document, (version,) = document_with_versions(trajectory, VisionStatus.CONSULTATION)
        response = facilitator_client.post(
            self.url(trajectory), {"status-number": "1", "status-to_status": "adopted", "status-adopted_on": ""}
        )
        assert response.status_code == 200
        assert "adopted_on" in response.context["status_form"].errors
        version.refresh_from_db()
        assert version.status == VisionStatus.CONSULTATION

    def test_adopted_with_a_date(self, facilitator_client, trajectory):
        _document, (version,) = document_with_versions(trajectory, VisionStatus.CONSULTATION)
        today = timezone.localdate()
        response = facilitator_client.post(
            self.url(trajectory),
            {"status-number": "1", "status-to_status": "adopted", "status-adopted_on": today.isoformat()},
        )
        assert response.status_code == 302
        version.refresh_from_db()
        assert (version.status, version.adopted_on) == (VisionStatus.ADOPTED, today)

    def test_a_step_that_is_not_allowed_is_refused(self, facilitator_client, trajectory):
        _document, (version,) = document_with_versions(trajectory, VisionStatus.DRAFT)
        response = facilitator_client.post(
            self.url(trajectory), {"status-number": "1", "status-to_status": "adopted", "status-adopted_on": ""}
        )
        assert response.status_code == 200
        assert response.context["status_form"].errors
        version.refresh_from_db()
        assert version.status == VisionStatus.DRAFT

    def test_get_is_not_allowed(self, facilitator_client, trajectory):
        assert facilitator_client.get(self.url(trajectory)).status_code == 405


class VisionPrintTests:
    def test_the_print_view_holds_every_written_section(self, facilitator_client, trajectory):
        _document, versions = document_with_versions(trajectory, VisionStatus.DRAFT, VisionStatus.ADOPTED)
        response = facilitator_client.get(reverse("vision:vision_print", kwargs={"trajectory": trajectory.pk}))
        assert response.status_code == 200
        html = response.content.decode()
        assert response.context["version"].number == 2
        for key in VisionSectionKey:
            assert f"v2 {key.value} tekst" in html
            assert f'id="section-{key.value}"' in html
        assert trajectory.municipality.name in html
        assert response.context["document"].title in html

    def test_it_is_standalone_with_print_css(self, facilitator_client, trajectory):
        document_with_versions(trajectory, VisionStatus.DRAFT)
        response = facilitator_client.get(reverse("vision:vision_print", kwargs={"trajectory": trajectory.pk}))
        html = response.content.decode()
        assert [t.name for t in response.templates][:2] == ["vision/vision_print.html", "vision/vision_print_base.html"]
        assert "base.html" not in [t.name for t in response.templates]
        assert 'href="/static/css/print.css" media="print"' in html
        assert "<nav" not in html
        assert "style=" not in html and "<script" not in html

    def test_an_older_version_can_be_printed(self, facilitator_client, trajectory):
        document_with_versions(trajectory, VisionStatus.ADOPTED, VisionStatus.DRAFT)
        url = reverse("vision:vision_print", kwargs={"trajectory": trajectory.pk}) + "?versie=1"
        response = facilitator_client.get(url)
        assert response.status_code == 200
        assert response.context["version"].number == 1
        assert "v1 roles tekst" in response.content.decode()

    def test_empty_sections_are_left_out(self, facilitator_client, trajectory):
        document = VisionDocumentFactory(trajectory=trajectory)
        version = VisionVersionFactory(document=document, number=1)
        VisionSectionFactory(version=version, key="introduction", body="Alleen de inleiding.")
        VisionSectionFactory(version=version, key="roles", body="")
        response = facilitator_client.get(reverse("vision:vision_print", kwargs={"trajectory": trajectory.pk}))
        assert [s["key"] for s in response.context["sections"]] == ["introduction"]

    def test_without_a_vision_there_is_nothing_to_print(self, facilitator_client, trajectory):
        assert (
            facilitator_client.get(reverse("vision:vision_print", kwargs={"trajectory": trajectory.pk})).status_code
            == 404
        )


class VisionCompareTests:
    def url(self, trajectory, query=""):
        return reverse("vision:vision_compare", kwargs={"trajectory": trajectory.pk}) + query

    @pytest.fixture
    def two_versions(self, trajectory, facilitator):
        save(trajectory, facilitator.user, sections=texts(introduction="De gemeente helpt bewoners snel."))
        save(
            trajectory,
            facilitator.user,
            based_on=1,
            sections=texts(introduction="De gemeente ondersteunt bewoners snel en graag."),
        )

    def test_the_latest_version_is_compared_word_by_word_with_the_previous_one(
        self, facilitator_client, trajectory, two_versions
    ):
        response = facilitator_client.get(self.url(trajectory))
        assert response.status_code == 200
        assert (response.context["old"].number, response.context["new"].number) == (1, 2)
        html = response.content.decode()
        assert '<del class="vision-diff-del"><span class="visually-hidden">weggehaald: </span>helpt</del>' in html
        assert '<ins class="vision-diff-ins"><span class="visually-hidden">toegevoegd: </span>ondersteunt</ins>' in html
        # "snel." became "snel en graag.": difflib compares whole words, punctuation included
        assert "weggehaald: </span>snel.</del>" in html and "toegevoegd: </span>snel en graag.</ins>" in html
        intro = html.split('id="section-introduction"')[1].split("</section>")[0]
        assert '>De gemeente <del class="vision-diff-del">' in intro  # the words that stay are plain text

    def test_an_unchanged_section_is_said_to_be_unchanged(self, facilitator_client, trajectory, two_versions):
        response = facilitator_client.get(self.url(trajectory))
        sections = {s["key"]: s for s in response.context["sections"]}
        assert sections["introduction"]["unchanged"] is False
        assert all(s["unchanged"] for key, s in sections.items() if key != "introduction")
        roles = response.content.decode().split('id="section-roles"')[1].split("</section>")[0]
        assert "Niet veranderd." in roles
        assert "<ins" not in roles and "<del" not in roles
        assert response.context["changed_count"] == 1

    def test_two_chosen_versions_can_be_compared(self, facilitator_client, trajectory):
        document_with_versions(trajectory, VisionStatus.ADOPTED, VisionStatus.DRAFT, VisionStatus.DRAFT)
        response = facilitator_client.get(self.url(trajectory, "?van=1&naar=3"))
        assert (response.context["old"].number, response.context["new"].number) == (1, 3)
        html = response.content.decode()
        assert "weggehaald: </span>v1</del>" in html and "toegevoegd: </span>v3</ins>" in html

    def test_one_version_has_nothing_to_compare(self, facilitator_client, trajectory):
        document_with_versions(trajectory, VisionStatus.DRAFT)
        response = facilitator_client.get(self.url(trajectory))
        assert response.status_code == 200
        assert response.context["new"] is None
        assert "nog niets om te vergelijken" in response.content.decode()

    @pytest.mark.parametrize("query", ["?naar=9", "?van=x"])
    def test_an_unknown_version_is_404(self, facilitator_client, trajectory, query):
        document_with_versions(trajectory, VisionStatus.DRAFT, VisionStatus.DRAFT)
        assert facilitator_client.get(self.url(trajectory, query)).status_code == 404


class VisionPrintConceptTests:
    def print_html(self, client, trajectory, number):
        url = reverse("vision:vision_print", kwargs={"trajectory": trajectory.pk}) + f"?versie={number}"
        return client.get(url).content.decode()

    @pytest.mark.parametrize("status", [VisionStatus.DRAFT, VisionStatus.CONSULTATION])
    def test_a_version_that_is_not_adopted_is_printed_as_concept(self, facilitator_client, trajectory, status):
        document_with_versions(trajectory, status)
        html = self.print_html(facilitator_client, trajectory, 1)
        assert '<p class="print-concept' in html
        assert "CONCEPT · De gemeenteraad heeft deze versie nog niet vastgesteld." in html
        assert '<p class="print-watermark d-none d-print-block" aria-hidden="true">CONCEPT</p>' in html

    def test_an_adopted_version_is_not(self, facilitator_client, trajectory):
        document_with_versions(trajectory, VisionStatus.ADOPTED, VisionStatus.DRAFT)
        html = self.print_html(facilitator_client, trajectory, 1)
        assert "CONCEPT" not in html
        assert "print-watermark" not in html


# --- access -------------------------------------------------------------------------------------

READ_URLS = [
    ("vision:vision_document", {}),
    ("vision:vision_version", {"number": 1}),
    ("vision:vision_print", {}),
    ("vision:vision_compare", {}),
    ("vision:vision_edit", {}),
]
POST_URLS = [
    ("vision:vision_edit", {}),
    ("vision:vision_status", {}),
]


def url_for(name, trajectory, extra):
    return reverse(name, kwargs={"trajectory": trajectory.pk, **extra})


class VisionAccessTests:
    @pytest.fixture
    def versions(self, trajectory):
        return document_with_versions(trajectory, VisionStatus.CONSULTATION)

    @pytest.mark.parametrize(("name", "extra"), READ_URLS)
    def test_anonymous_goes_to_the_login_page(self, client, trajectory, versions, name, extra):
        response = client.get(url_for(name, trajectory, extra))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))

    @pytest.mark.parametrize(("name", "extra"), POST_URLS)
    def test_anonymous_posts_go_to_the_login_page(self, client, trajectory, versions, name, extra):
        response = client.post(url_for(name, trajectory, extra), {})
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))

    @pytest.mark.parametrize(("name", "extra"), READ_URLS)
    def test_another_associations_facilitator_gets_404(self, client, world, trajectory, versions, name, extra):
        client.force_login(FacilitatorFactory(association=world.other).user)
        assert client.get(url_for(name, trajectory, extra)).status_code == 404

    @pytest.mark.parametrize(("name", "extra"), POST_URLS)
    def test_another_associations_facilitator_gets_404_on_posts(self, client, world, trajectory, versions, name, extra):
        client.force_login(FacilitatorFactory(association=world.other).user)
        assert client.post(url_for(name, trajectory, extra), {}).status_code == 404

    @pytest.mark.parametrize(("name", "extra"), [u for u in READ_URLS if u[0] != "vision:vision_edit"])
    def test_an_officer_reads(self, client, officer, trajectory, versions, name, extra):
        client.force_login(officer.user)
        response = client.get(url_for(name, trajectory, extra))
        assert response.status_code == 200
        assert response.context["can_steer"] is False

    @pytest.mark.parametrize(("name", "extra"), POST_URLS)
    def test_an_officer_cannot_change(self, client, officer, trajectory, versions, name, extra):
        client.force_login(officer.user)
        response = client.post(
            url_for(name, trajectory, extra),
            {"status-number": "1", "status-to_status": "draft", "based_on": "1", "title": "x"},
        )
        assert response.status_code == 403
        assert VisionVersion.objects.get(document__trajectory=trajectory).status == VisionStatus.CONSULTATION

    def test_the_page_shows_no_edit_controls_to_an_officer(self, client, officer, trajectory, versions):
        client.force_login(officer.user)
        response = client.get(url_for("vision:vision_document", trajectory, {}))
        assert reverse("vision:vision_edit", kwargs={"trajectory": trajectory.pk}) not in response.content.decode()
