"""The application logs hold no personal data and no private links: the resident's whole
journey (and the failures along it) is run with every logger capturing at DEBUG."""

import logging
import re
from urllib.parse import urlparse

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.mail.backends.base import BaseEmailBackend
from django.test import Client
from django.urls import reverse
from kombu.exceptions import OperationalError

from initiatives.constants import MessageKind
from initiatives.models import Initiative
from notifications import services as notification_services
from notifications import tasks as notification_tasks
from notifications.constants import OutboxStatus
from notifications.models import OutboxMail
from tests.initiatives.helpers import form_data, tracking_url_from
from tests.municipalities.factories import OfficerMembershipFactory
from tests.villages.factories import VillageFactory

pytestmark = pytest.mark.django_db

EMAIL = "fatima.zwanenburg@example.nl"
NAME = "Fatima Zwanenburg-de Vries"
PHONE = "06 98765432"


class ExplodingBackend(BaseEmailBackend):
    """An SMTP server that refuses, naming the recipient (as real servers do)."""

    def send_messages(self, email_messages):
        recipients = ", ".join(address for message in email_messages for address in message.to)
        raise ConnectionRefusedError(f"550 mailbox unavailable: {recipients}")


def token_of(url):
    return urlparse(url).path.rstrip("/").rsplit("/", 1)[-1]


def tokens_mailed_to(address):
    return {token_of(tracking_url_from(m.body)) for m in mail.outbox if m.to == [address] and "/volg/" in m.body}


def logged_text(records) -> str:
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    return "\n".join(formatter.format(record) for record in records)  # message, traceback and stack


@pytest.fixture
def all_logs(caplog):
    caplog.set_level(logging.DEBUG)
    # Loggers the settings give their own level (django.template, django.db.backends) keep it.
    for name in ("django.request", "django.server", "celery", "notifications", "initiatives", "config", "audit"):
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog


def test_the_residents_journey_leaves_no_personal_data_or_tokens_in_the_logs(
    all_logs, settings, monkeypatch, django_capture_on_commit_callbacks
):
    cache.clear()
    village = VillageFactory()
    officer = OfficerMembershipFactory(municipality=village.municipality, villages=[village])
    resident, staff = Client(), Client()
    staff.force_login(officer.user)

    # Submit: the receipt and the officer's notice are sent through the outbox.
    post = form_data(village, initiator_email=EMAIL, initiator_name=NAME, initiator_phone=PHONE)
    with django_capture_on_commit_callbacks(execute=True):
        assert resident.post(reverse("initiatives:submit"), post).status_code == 302
    initiative = Initiative.objects.get()
    track = urlparse(tracking_url_from(mail.outbox[0].body)).path
    assert resident.get(track).status_code == 200

    # Reply, then the officer writes back (mailed to the initiator).
    with django_capture_on_commit_callbacks(execute=True):
        assert resident.post(track, {"body": f"Mijn nummer is {PHONE}."}).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            reverse("initiatives:officer_message", args=[initiative.pk]),
            {"message-kind": MessageKind.TO_INITIATOR, "message-body": "Wanneer kunnen we bellen?"},
        )
        assert response.status_code == 302
    assert resident.get(reverse("initiatives:data_export", args=[token_of(track)])).status_code == 200
    # A file that does not exist, under a valid link: a 404 that names the path.
    assert resident.get(f"{track}bijlagen/999999/").status_code == 404

    # A mail server that refuses (with the address in its error) ...
    settings.EMAIL_BACKEND = f"{__name__}.ExplodingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        assert resident.post(reverse("initiatives:lost_link"), {"email": EMAIL}).status_code == 302
    assert OutboxMail.objects.exclude(last_error="").exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    # ... and a broker that is down.
    def broker_down(*args, **kwargs):
        raise OperationalError("[Errno 111] Connection refused")

    monkeypatch.setattr(notification_tasks.outbox_send, "delay", broker_down)
    monkeypatch.setattr(notification_services, "_broker_failed_at", None)
    with django_capture_on_commit_callbacks(execute=True):
        assert resident.post(reverse("initiatives:lost_link"), {"email": EMAIL}).status_code == 302
    assert OutboxMail.objects.filter(status=OutboxStatus.PENDING).exists()
    monkeypatch.undo()
    notification_services._broker_failed_at = None

    # A working lost-link request, then withdrawing; a reply afterwards is refused (404).
    with django_capture_on_commit_callbacks(execute=True):
        assert resident.post(reverse("initiatives:lost_link"), {"email": EMAIL.upper()}).status_code == 302
    withdraw = reverse("initiatives:withdraw", args=[token_of(track)])
    with django_capture_on_commit_callbacks(execute=True):
        assert resident.post(withdraw, {"reason": f"Bel {PHONE}", "confirm": "on"}).status_code == 302
    assert resident.post(track, {"body": "Toch nog een vraag"}).status_code == 404

    tokens = tokens_mailed_to(EMAIL)
    assert len(tokens) >= 2  # the receipt's link and the lost-link mail's
    text = logged_text(all_logs.records)
    assert all_logs.records, "nothing was logged: the capture is not working"
    assert "could not enqueue mail" in text  # the broker failure was logged (without data)
    secrets = [EMAIL, EMAIL.upper(), NAME, PHONE, *tokens]
    leaked = [secret for secret in secrets if secret.lower() in text.lower()]
    assert not leaked, f"{leaked} in the logs:\n{text}"
    assert not re.search(r"fatima", text, re.IGNORECASE), text
