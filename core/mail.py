"""The default mail backend when no mail server is set: one file per message under var/mail/.

Django's file backend names its file after the second and `id(self)`, and appends every message
of a connection to it. Two prefork children of one Celery worker can get the same name in the
same second (they are forks of one process, so an object often sits at the same address in both)
and then append to one file at once: a message larger than the write buffer is written in
pieces, so two mails can interleave. This backend writes every message to a file of its own,
in one call, under a temporary name that is renamed when it is complete, so a reader never sees
half a message. The files keep Django's format (the message, then a line of 79 dashes) and its
`.log` suffix; their names start with the time to the microsecond, so sorting them by name puts
the mails of one process in the order they were sent.
"""

import os
import uuid
from datetime import datetime
from pathlib import Path

from django.core.mail.backends.filebased import EmailBackend

SEPARATOR = b"\n" + b"-" * 79 + b"\n"  # what Django's file backend writes after each message


class FilePerMessageBackend(EmailBackend):
    def send_messages(self, email_messages):
        folder = Path(self.file_path)
        sent = 0
        for message in email_messages:
            name = f"{datetime.now():%Y%m%d-%H%M%S-%f}-{os.getpid()}-{uuid.uuid4().hex[:8]}.log"
            partial = folder / f".{name}.partial"
            partial.write_bytes(message.message().as_bytes() + SEPARATOR)
            os.replace(partial, folder / name)
            sent += 1
        return sent
