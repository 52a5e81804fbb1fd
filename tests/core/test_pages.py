"""The platform's own pages: home, auth, language switch, statements, errors and /healthz/."""

import json
from xml.etree import ElementTree

import pytest
from django.contrib.auth import get_user_model
from django.contrib.staticfiles import finders
from django.core import mail
from django.urls import reverse

from core import views
from municipalities.models import Municipality
from villages.models import Village

PASSWORD = "a-long-test-password-42"


def make_municipality(name, *, number, is_active=True, villages=0):
    municipality = Municipality.objects.create(
        name=name, slug=name.lower().replace(" ", "-"), cbs_code=f"GM{number:04d}", is_active=is_active
    )
    for index in range(villages):
        Village.objects.create(name=f"{name} village {index}", slug=f"village-{index}", municipality=municipality)
    return municipality


@pytest.fixture
def english(client, settings):
    """Dutch is the default; tests that read English text ask for English like a browser would."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def user(db):
    return get_user_model().objects.create_user(
        username="officer", email="officer@example.org", password=PASSWORD, first_name="Olga", last_name="Officer"
    )


@pytest.mark.django_db
class TestHome:
    def test_lists_active_municipalities_with_village_counts_and_hides_inactive(self, english):
        make_municipality("Nunspeet", number=302, villages=3)
        make_municipality("Hidden Town", number=9999, is_active=False)

        response = english.get(reverse("initiatives:home"))

        assert response.status_code == 200
        content = response.content.decode()
        assert "Nunspeet" in content
        assert "3 villages" in content
        assert "Hidden Town" not in content

    def test_has_language_skip_link_landmarks_and_call_to_action(self, client):
        content = client.get(reverse("initiatives:home")).content.decode()

        assert '<html lang="nl">' in content
        assert 'href="#main"' in content
        assert content.index('href="#main"') < content.index("<header")
        assert '<main id="main"' in content
        assert "<footer" in content
        assert 'id="gemeenten"' in content
        assert f'href="{reverse("initiatives:submit")}"' in content  # the call to action
        assert reverse("core:privacy") in content
        assert reverse("core:accessibility") in content

    def test_query_count_does_not_grow_with_municipalities(self, client, django_assert_max_num_queries):
        for number in range(20):
            make_municipality(f"Municipality {number}", number=number + 1, villages=2)

        with django_assert_max_num_queries(3):
            response = client.get(reverse("initiatives:home"))

        assert response.content.decode().count('class="municipality-card"') == 20

    def test_staff_see_the_management_link_and_officers_their_municipality(self, client, user):
        from municipalities.models import OfficerMembership

        municipality = make_municipality("Ermelo", number=233)
        OfficerMembership.objects.create(user=user, municipality=municipality)
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        client.force_login(user)

        content = client.get(reverse("initiatives:home")).content.decode()

        assert reverse("admin:index") in content
        assert 'class="site-municipality">Ermelo<' in content

    def test_anonymous_visitors_do_not_see_the_management_link(self, client):
        assert reverse("admin:index") not in client.get(reverse("initiatives:home")).content.decode()


@pytest.mark.django_db
class TestAuth:
    def test_login_page_renders_with_autocomplete(self, client):
        response = client.get(reverse("login"))

        assert response.status_code == 200
        content = response.content.decode()
        assert 'autocomplete="username"' in content
        assert 'autocomplete="current-password"' in content

    def test_login_works(self, client, user):
        response = client.post(reverse("login"), {"username": "officer", "password": PASSWORD}, follow=True)

        assert response.redirect_chain[-1][0] == reverse("initiatives:home")
        assert response.wsgi_request.user == user
        assert "Olga Officer" in response.content.decode()

    def test_wrong_password_shows_the_error_summary(self, english, user):
        response = english.post(reverse("login"), {"username": "officer", "password": "wrong"})

        assert response.status_code == 200
        content = response.content.decode()
        assert 'role="alert"' in content
        assert "There is a problem" in content
        assert "<title>Error:" in content

    def test_field_errors_link_to_their_field(self, client):
        content = client.post(reverse("login"), {"username": "", "password": ""}).content.decode()

        assert 'href="#id_username"' in content
        assert 'href="#id_password"' in content

    def test_logout_is_a_post(self, client, user):
        client.force_login(user)

        assert client.get(reverse("logout")).status_code == 405
        response = client.post(reverse("logout"))

        assert response.status_code == 302
        assert response["Location"] == reverse("initiatives:home")
        assert "_auth_user_id" not in client.session

    def test_logged_in_pages_offer_logout_as_a_form(self, client, user):
        client.force_login(user)

        content = client.get(reverse("initiatives:home")).content.decode()

        assert f'method="post" action="{reverse("logout")}"' in content

    def test_password_reset_sends_a_plain_mail_with_a_link(self, english, user, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):  # the worker looks the address up
            response = english.post(reverse("password_reset"), {"email": "officer@example.org"})

        assert response.status_code == 302
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert "Village initiatives" in message.subject
        assert "/accounts/reset/" in message.body
        assert "&#x27;" not in message.body

    def test_password_reset_pages_render(self, client, user):
        client.force_login(user)
        for name in ("password_reset", "password_reset_done", "password_reset_complete", "password_change"):
            assert client.get(reverse(name)).status_code == 200, name


@pytest.mark.django_db
class TestLanguage:
    def test_switch_to_english_keeps_the_page(self, client):
        assert '<html lang="nl">' in client.get(reverse("core:privacy")).content.decode()

        response = client.post(reverse("set_language"), {"language": "en", "next": reverse("core:privacy")})

        assert response.status_code == 302
        assert response["Location"] == reverse("core:privacy")

        response = client.get(reverse("core:privacy"))
        content = response.content.decode()
        assert '<html lang="en">' in content
        assert "Privacy statement" in content
        assert "<title>Privacy statement" in content

    def test_switch_form_posts_to_set_language_with_next(self, client):
        content = client.get(reverse("core:privacy")).content.decode()

        assert f'action="{reverse("set_language")}"' in content
        assert f'name="next" value="{reverse("core:privacy")}"' in content
        assert 'name="language" value="en"' in content


@pytest.mark.django_db
class TestPage:
    def test_privacy_statement_shows_the_retention_period(self, english, settings):
        settings.INITIATOR_DATA_RETENTION_MONTHS = 18

        response = english.get(reverse("core:privacy"))

        assert response.status_code == 200
        assert "18 months" in response.content.decode()

    def test_accessibility_statement(self, client):
        response = client.get(reverse("core:accessibility"))

        assert response.status_code == 200
        assert "WCAG 2.2" in response.content.decode()

    def test_unknown_page_uses_our_404(self, client):
        response = client.get("/this-page-does-not-exist/")

        assert response.status_code == 404
        assert "404.html" in [template.name for template in response.templates]
        assert '<main id="main"' in response.content.decode()


@pytest.mark.django_db
class TestHealthz:
    def test_ok_when_database_answers(self, client):
        response = client.get(reverse("core:healthz"))

        assert response.status_code == 200
        assert response["Cache-Control"] == "no-store"
        body = json.loads(response.content)
        assert body["database"] == "ok"
        assert body["status"] in {"ok", "degraded"}
        assert body["version"]

    def test_filesystem_broker_needs_no_server(self, client, settings):
        if not settings.CELERY_BROKER_URL.startswith("filesystem://"):
            pytest.skip("runs against a real broker")

        body = json.loads(client.get(reverse("core:healthz")).content)

        assert body == {**body, "status": "ok", "broker": "ok"}

    def test_503_when_database_is_down(self, client, monkeypatch):
        monkeypatch.setattr(views, "check_database", lambda: False)

        response = client.get(reverse("core:healthz"))

        assert response.status_code == 503
        assert json.loads(response.content)["status"] == "error"
        assert json.loads(response.content)["database"] == "error"

    def test_broker_down_alone_is_degraded(self, client, monkeypatch):
        monkeypatch.setattr(views, "check_broker", lambda: False)

        response = client.get(reverse("core:healthz"))

        assert response.status_code == 200
        body = json.loads(response.content)
        assert body["status"] == "degraded"
        assert body["broker"] == "error"

    def test_an_unexpected_error_is_a_503_not_a_500(self, client, monkeypatch):
        def explode():
            raise RuntimeError("boom")

        monkeypatch.setattr(views, "check_broker", explode)

        response = client.get(reverse("core:healthz"))

        assert response.status_code == 503
        assert json.loads(response.content)["status"] == "error"

    def test_unreachable_broker_reports_error_quickly(self, client, settings):
        settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
        from config.celery import app

        original = app.conf.broker_url
        app.conf.broker_url = "redis://127.0.0.1:1/0"
        try:
            body = json.loads(client.get(reverse("core:healthz")).content)
        finally:
            app.conf.broker_url = original

        assert body["broker"] == "error"


class TestServerError:
    def test_500_page_renders_without_request_or_database(self):
        from django.template import loader

        content = loader.get_template("500.html").render()

        assert '<html lang="nl">' in content
        assert "css/site.css" in content


@pytest.mark.django_db
def test_every_page_names_the_sites_own_favicon(client, settings):
    link = f'<link rel="icon" href="{settings.STATIC_URL}img/favicon.svg" type="image/svg+xml">'
    assert link in client.get("/").content.decode()
    root = ElementTree.parse(finders.find("img/favicon.svg")).getroot()  # noqa: S314 (our own file)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
