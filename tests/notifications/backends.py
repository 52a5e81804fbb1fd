"""Mail backends for the outbox tests: a mail server that fails, and one a test can steer.

`RecordingBackend` stands in for the mail server of a real worker process. It writes every
message to its own file in EMAIL_FILE_PATH, so a test counts deliveries across processes, and
it reads two switches from files in that folder at each send:

- ``.fail``: the server refuses (SMTPException), as an unreachable mail server does;
- ``.delay``: seconds to wait before the message is accepted; ``.sending`` gets a line when a
  send starts, so a test can kill the worker in the middle of it.
"""

import smtplib
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend

FAIL = ".fail"
DELAY = ".delay"
SENDING = ".sending"


class FailingBackend(BaseEmailBackend):
    """A mail server that answers every message with an error."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPException("421 mail server not available")


class RecordingBackend(BaseEmailBackend):
    def __init__(self, *args, file_path=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.folder = Path(file_path or settings.EMAIL_FILE_PATH)

    def send_messages(self, email_messages):
        self.folder.mkdir(parents=True, exist_ok=True)
        if (self.folder / FAIL).exists():
            raise smtplib.SMTPException("421 mail server not available")
        delay = self.folder / DELAY
        if delay.exists():
            with open(self.folder / SENDING, "a") as sending:
                sending.write(f"{', '.join(m.to[0] for m in email_messages)}\n")
            time.sleep(float(delay.read_text() or 0))
        for message in email_messages:
            name = uuid.uuid4().hex
            partial = self.folder / f".{name}.partial"
            partial.write_bytes(message.message().as_bytes())
            partial.rename(self.folder / f"{name}.eml")  # a reader never sees half a message
        return len(email_messages)
