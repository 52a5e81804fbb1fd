"""Thin adapters: take plain values, call a service (STYLE.md §7)."""

from celery import shared_task

from accounts.services import password_reset_send


@shared_task(name="accounts.password_reset_mail", acks_late=True)
def password_reset_mail(*, email: str, origin: str = "", language: str = "nl"):
    """Look the address up and queue the reset mail in the outbox, away from the request."""
    return password_reset_send(email=email, origin=origin, language=language)
