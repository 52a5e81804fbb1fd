"""The default mail backend: one complete file per message, also from processes writing at once."""

import email
import email.policy
import multiprocessing
from pathlib import Path

from django.core.mail import EmailMessage, get_connection

from core.mail import SEPARATOR, FilePerMessageBackend


def _messages(folder: Path) -> list[email.message.EmailMessage]:
    found = []
    for path in sorted(folder.glob("*.log")):
        raw = path.read_bytes()
        assert raw.endswith(SEPARATOR), path.name
        assert raw.count(SEPARATOR) == 1, f"{path.name} holds more than one message"
        found.append(email.message_from_bytes(raw[: -len(SEPARATOR)], policy=email.policy.default))
    return found


def _send(folder: str, sender: int, count: int) -> None:
    connection = FilePerMessageBackend(file_path=folder)
    body = "x" * 200_000  # larger than a write buffer: Django's backend writes such a mail in pieces
    connection.send_messages(
        [EmailMessage(f"Bericht {sender}-{n}", body, to=[f"bewoner-{sender}@example.nl"]) for n in range(count)]
    )


def test_every_message_gets_a_file_of_its_own_in_the_order_sent(tmp_path):
    connection = get_connection("core.mail.FilePerMessageBackend", file_path=str(tmp_path))
    sent = connection.send_messages(
        [EmailMessage(f"Bericht {n}", f"Tekst {n}", to=["bewoner@example.nl"]) for n in range(5)]
    )

    assert sent == 5
    assert [m["Subject"] for m in _messages(tmp_path)] == [f"Bericht {n}" for n in range(5)]
    assert not list(tmp_path.glob(".*")), "no half-written files are left"


def test_processes_sending_at_once_never_share_a_file(tmp_path):
    context = multiprocessing.get_context("fork")  # as the prefork children of a Celery worker
    workers = [context.Process(target=_send, args=(str(tmp_path), sender, 10)) for sender in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0

    subjects = sorted(m["Subject"] for m in _messages(tmp_path))
    assert subjects == sorted(f"Bericht {sender}-{n}" for sender in range(4) for n in range(10))
