"""The outbox: enqueue a mail in the caller's transaction, deliver it exactly once."""

import logging
import time
from datetime import timedelta
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from core.context_processors import platform_name
from core.working_days import is_working_day
from notifications.builders import Built, build
from notifications.constants import MAX_ATTEMPTS, OutboxStatus
from notifications.models import NotificationPreference, OutboxMail

logger = logging.getLogger(__name__)


def _digest_user_ids(user_ids) -> set[int]:
    ids = {pk for pk in user_ids if pk}
    if not ids:
        return set()
    return set(
        NotificationPreference.objects.filter(user_id__in=ids, daily_digest=True).values_list("user_id", flat=True)
    )


def mail_language(language: str) -> str:
    """A language the site speaks, else the default one."""
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def mail_enqueue(
    *,
    to: str,
    template: str,
    dedup_key: str,
    language: str = "nl",
    subject=None,
    context=None,
    recipient=None,
    link: str = "",
):
    """Store a mail to send (once per `dedup_key`) and send it after the surrounding commit.

    `subject` is the object the mail is about (the builder of its template reads it when the
    mail leaves); the outbox keeps the subject's municipality for scoping.
    `recipient` is the staff account the mail is for: when they chose the daily digest, the mail
    waits for it instead; `link` is the path the digest then shows for it (the page to act on),
    kept in the context as ``"link"``. Returns the row, or None when a mail with this key
    already exists.
    """
    held = recipient is not None and recipient.pk in _digest_user_ids([recipient.pk])
    context = dict(context or {})
    if link:
        context["link"] = link
    mail, created = OutboxMail.objects.get_or_create(
        dedup_key=dedup_key,
        defaults={
            "to": to,
            "template": template,
            "language": mail_language(language),
            "subject": subject,
            "municipality_id": getattr(subject, "municipality_id", None),
            "recipient": recipient,
            "context": context,
            "status": OutboxStatus.HELD if held else OutboxStatus.PENDING,
        },
    )
    if not created or held:
        return None if not created else mail
    transaction.on_commit(lambda: _dispatch(mail.pk))
    return mail


def mail_enqueue_many(
    mails: list[OutboxMail], *, new_keys: bool = False, digest_user_ids=None, dispatch: bool = True
) -> int:
    """Store many mails at once (the scheduler's reminders), each at most once per dedup key.

    One INSERT … ON CONFLICT DO NOTHING (on SQLite one per batch of rows its query may hold)
    and one SELECT of the rows it added, however many mails; after the commit they go to the
    worker in batches (`mail_dispatch_all`). A staff mail's ``context["link"]`` is the path the
    digest shows for it (as `mail_enqueue`'s `link`). Returns how many of them are waiting to
    be sent.

    `new_keys`: the caller vouches that no row has these dedup keys yet (they name an object
    made in its own transaction): a plain INSERT that returns the ids, without the SELECT (a
    key that exists after all fails the transaction rather than sending twice).
    `digest_user_ids`: the recipients who chose the daily digest, when the caller read them
    already (`DIGEST_RELATED`, `wants_digest`); else one query here.
    `dispatch=False`: the caller hands the new rows (their `pk`, with `new_keys`) to the worker
    itself, after the commit, in a task of its own (`publish`); the sweep sends them otherwise.
    """
    if not mails:
        return 0
    started = timezone.now()
    if digest_user_ids is None:
        digest_user_ids = _digest_user_ids(mail.recipient_id for mail in mails)
    for mail in mails:
        mail.created_at = started
        mail.language = mail_language(mail.language)
        if mail.recipient_id in digest_user_ids:
            mail.status = OutboxStatus.HELD
    if new_keys:
        once = list({mail.dedup_key: mail for mail in reversed(mails)}.values())[::-1]  # the first of each key
        OutboxMail.objects.bulk_create(once)
        ids = [mail.pk for mail in once if mail.status == OutboxStatus.PENDING]
    else:
        OutboxMail.objects.bulk_create(mails, ignore_conflicts=True)
        # The rows this call added carry its own moment (a key that existed keeps its older row).
        # Another call in the same microsecond would add its rows too: harmless, a mail handed to
        # the worker twice is sent once.
        ids = list(OutboxMail.objects.pending().filter(created_at=started).order_by("pk").values_list("pk", flat=True))
    if ids and dispatch:
        transaction.on_commit(lambda: mail_dispatch_all(ids))
    return len(ids)


# Read with a user (`select_related`) to know whether they chose the daily digest: `wants_digest`.
DIGEST_RELATED = "user__notification_preference"


def wants_digest(user) -> bool:
    """Whether `user` chose the daily digest, from their preference read with them (DIGEST_RELATED)
    instead of one more query (`mail_enqueue_many`'s `digest_user_ids`)."""
    preference = getattr(user, "notification_preference", None)  # None when they never chose
    return preference is not None and preference.daily_digest


# After a failed publish this process leaves the broker alone for a while: a broker that does
# not answer costs one timeout per request (or per scheduler run), not one per mail.
BROKER_PAUSE_SECONDS = 30.0
_broker_failed_at: float | None = None


def publish(task, *args, what: str) -> bool:
    """Hand `task(*args)` to the worker; if the broker is down a sweep picks the work up later
    (the outbox's for mails). `what` names the work in the log.

    Returns whether the broker took it.
    """
    global _broker_failed_at
    if _broker_failed_at is not None and time.monotonic() - _broker_failed_at < BROKER_PAUSE_SECONDS:
        logger.info("outbox: broker unavailable a moment ago; %s waits for the sweep", what)
        return False
    try:
        task.delay(*args)
    except Exception:  # noqa: BLE001 - the rows are safe in the database
        _broker_failed_at = time.monotonic()
        logger.warning("outbox: could not enqueue %s; the sweep will retry", what, exc_info=True)
        return False
    _broker_failed_at = None
    return True


def _dispatch(mail_id: int) -> bool:
    """Hand one mail to the worker (one task); returns whether the broker took it."""
    from notifications.tasks import outbox_send

    return publish(outbox_send, mail_id, what=f"mail {mail_id}")


def mail_dispatch_all(mail_ids) -> int:
    """Hand many mails to the worker: one task per OUTBOX_BATCH_SIZE mails (a single mail gets
    the single task). Stops at the first failure (the sweep sends the rest).

    Returns how many mails the broker took.
    """
    from notifications.tasks import outbox_send_batch

    mail_ids = list(mail_ids)
    if len(mail_ids) == 1:
        return int(_dispatch(mail_ids[0]))
    size = max(settings.OUTBOX_BATCH_SIZE, 1)
    for start in range(0, len(mail_ids), size):
        batch = mail_ids[start : start + size]
        if not publish(outbox_send_batch, batch, what=f"{len(batch)} mails from {batch[0]} on"):
            return start
    return len(mail_ids)


def mail_build(mail: OutboxMail) -> Built:
    """The mail's template context (and attachments): the stored context with its builder's."""
    built = build(mail)
    built.context = {
        "site_url": settings.SITE_URL,
        "platform_name": platform_name(),
        "mail_theme": mail_theme(mail.municipality if mail.municipality_id else None),
        **mail.context,
        **built.context,
    }
    return built


def mail_theme(municipality) -> dict | None:
    """The municipality's own look in its HTML mails: the name, colours and logo (an absolute
    address: a mail program fetches it from the site). None without a theme."""
    if municipality is None or not municipality.is_active or not municipality.has_theme:
        return None
    logo_url = ""
    if municipality.logo:
        path = reverse("initiatives:theme_image", kwargs={"slug": municipality.slug, "kind": "logo"})
        logo_url = f"{settings.SITE_URL}{path}?v={municipality.theme_version}"
    return {
        "name": municipality.theme_name or platform_name(),
        "municipality": municipality.name,
        "primary": municipality.theme_primary_colour or "#0a58ca",
        "secondary": municipality.theme_secondary_colour or "#123e6b",
        "logo_url": logo_url,
    }


def message_id(mail: OutboxMail) -> str:
    """The mail's Message-ID, the same each time this outbox row is sent.

    A worker that dies after the mail server accepted a message and before its own commit leaves
    the row pending, and it is sent again (README, "more than one machine"). With the same
    Message-ID the second copy is the same message: mail servers and programs that drop
    duplicates by Message-ID show it once. The domain is the sender's, the same on every
    machine (Django's default takes the host name, which differs per worker).
    """
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    return f"<outbox.{mail.pk}.{int(mail.created_at.timestamp())}@{domain}>"


def _render(mail: OutboxMail) -> EmailMultiAlternatives:
    with translation.override(mail.language):
        built = mail_build(mail)
        context = built.context
        subject = " ".join(render_to_string(f"{mail.template}_subject.txt", context).split())
        body = render_to_string(f"{mail.template}.txt", context)
        html = render_to_string(f"{mail.template}.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=body,
        to=[mail.to],
        reply_to=built.reply_to or None,
        headers={"Message-ID": message_id(mail)},
    )
    message.attach_alternative(html, "text/html")
    for attachment in built.attachments:
        message.attach(*attachment)
    return message


def outbox_deliver(*, mail_id: int, skip_locked: bool = False) -> OutboxMail | None:
    """Send one pending mail. Safe to call twice: a sent mail is never sent again.

    The row is locked while sending, so two workers never send the same mail; with
    `skip_locked` a row another worker holds is left to it (returns None) instead of waited
    for. A failure counts an attempt and re-raises so the task can retry; after MAX_ATTEMPTS
    it is failed.
    """
    failure = None
    with transaction.atomic():
        mail = OutboxMail.objects.select_for_update(skip_locked=skip_locked).filter(pk=mail_id).first()
        if mail is None or mail.status != OutboxStatus.PENDING:
            return mail
        try:
            with transaction.atomic():  # a token minted for a mail that fails is rolled back
                _render(mail).send()
        except Exception as exc:
            failure = exc
            mail.attempts += 1
            mail.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if mail.attempts >= MAX_ATTEMPTS:
                mail.status = OutboxStatus.FAILED
            mail.save(update_fields=["attempts", "last_error", "status"])
        else:
            mail.status = OutboxStatus.SENT
            mail.sent_at = timezone.now()
            mail.attempts += 1
            mail.save(update_fields=["status", "sent_at", "attempts"])
    # Raised after the commit: raising inside the block would roll the counted attempt back.
    if failure is not None:
        raise OutboxDeliveryError(mail.pk, mail.status, mail.attempts) from failure
    return mail


def outbox_deliver_batch(*, mail_ids) -> list["OutboxDeliveryError"]:
    """Send the pending mails among `mail_ids`, each in its own transaction (a mail sent is
    committed as sent at once, whatever happens to the rest of the batch).

    Safe to run twice, and beside another worker with an overlapping batch: each row is
    claimed with a lock (`SELECT … FOR UPDATE SKIP LOCKED`) and sent only while pending, so a
    mail is sent at most once. Returns the failures (each counted on its row), for the task to
    retry one by one.
    """
    pending = OutboxMail.objects.pending().filter(pk__in=list(mail_ids)).order_by("pk")
    failures = []
    for mail_id in pending.values_list("pk", flat=True):
        try:
            outbox_deliver(mail_id=mail_id, skip_locked=True)
        except OutboxDeliveryError as failure:
            failures.append(failure)
    return failures


def retry_countdown(attempts: int) -> float:
    """Seconds before the next try of a mail that failed `attempts` times:
    OUTBOX_RETRY_BASE_SECONDS, then doubling, at most an hour."""
    return min(settings.OUTBOX_RETRY_BASE_SECONDS * 2 ** min(max(attempts - 1, 0), 12), 3600)


class OutboxDeliveryError(Exception):
    def __init__(self, mail_id, status, attempts=0):
        super().__init__(f"mail {mail_id} not delivered ({status})")
        self.mail_id = mail_id
        self.attempts = attempts
        self.final = status == OutboxStatus.FAILED


def outbox_retry(*, mail: OutboxMail) -> None:
    """An admin's retry of a failed mail: pending again, with a fresh count of attempts."""
    with transaction.atomic():
        mail = OutboxMail.objects.select_for_update().get(pk=mail.pk)
        if mail.status == OutboxStatus.SENT:
            return
        mail.status = OutboxStatus.PENDING
        mail.attempts = 0
        mail.save(update_fields=["status", "attempts"])
        transaction.on_commit(lambda: _dispatch(mail.pk))


def outbox_pending_ids(*, older_than: timedelta = timedelta(minutes=2), limit: int = 500) -> list[int]:
    cutoff = timezone.now() - older_than
    return list(
        OutboxMail.objects.pending()
        .filter(created_at__lte=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )


def digest_send(*, today) -> int:
    """One mail per staff member with the day's held mails; those are then marked digested.

    Nothing on weekends and holidays: the mails wait for the next working day. A fixed number
    of queries, however many mails wait. Returns the number of digests.
    """
    if not is_working_day(today):
        return 0
    with transaction.atomic():
        held = list(
            OutboxMail.objects.select_for_update()
            .filter(status=OutboxStatus.HELD, recipient__isnull=False)
            .order_by("created_at")
            .values_list("pk", "recipient_id", "to", "language")
        )
        by_user: dict[int, list] = {}
        for pk, user_id, to, language in held:
            by_user.setdefault(user_id, []).append((pk, to, language))
        digests = [
            OutboxMail(
                to=rows[-1][1],
                template="notifications/email/digest",
                dedup_key=f"digest:{user_id}:{today}",
                language=rows[-1][2],
                recipient_id=user_id,
                context={"mail_ids": [pk for pk, _to, _language in rows]},
            )
            for user_id, rows in by_user.items()
        ]
        OutboxMail.objects.filter(pk__in=[pk for pk, *_rest in held]).update(status=OutboxStatus.DIGESTED)
        # The digests themselves are never held again.
        OutboxMail.objects.bulk_create(digests, ignore_conflicts=True)
        ids = list(
            OutboxMail.objects.filter(
                dedup_key__in=[d.dedup_key for d in digests], status=OutboxStatus.PENDING
            ).values_list("pk", flat=True)
        )
        transaction.on_commit(lambda: mail_dispatch_all(ids))
    return len(ids)


def notification_preference_set(*, user, daily_digest: bool) -> NotificationPreference:
    preference, _created = NotificationPreference.objects.update_or_create(
        user=user, defaults={"daily_digest": daily_digest}
    )
    return preference
